from django.apps import AppConfig


class ChangesConfig(AppConfig):
    name = "changes"
    verbose_name = "Change log"

    def ready(self) -> None:
        from core import dataversion

        from . import live

        # A committed write's Change rows reach live subscribers in every API process.
        dataversion.after_write_commit(live.committed)
