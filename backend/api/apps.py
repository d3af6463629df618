from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"

    def ready(self) -> None:
        from . import persisted, sqlcount  # noqa: F401 - sqlcount hooks new DB connections

        persisted.manifest()  # a broken PERSISTED_DOCUMENTS manifest fails start-up, not a request
