from django.apps import AppConfig


class ChangesConfig(AppConfig):
    name = "changes"
    verbose_name = "Change log"

    def ready(self) -> None:
        from django.contrib.auth import get_user_model
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from accounts.models import ApiToken
        from core import dataversion

        from . import live

        # A committed write's Change rows reach live subscribers in every API process.
        dataversion.after_write_commit(live.committed)
        # A token or user saved (revoked, re-scoped, disabled): open subscriptions are
        # checked again at once in every API process.
        for model in (ApiToken, get_user_model()):
            uid = f"live-{model._meta.label}"
            post_save.connect(live.credentials_changed, sender=model, dispatch_uid=uid)
            post_delete.connect(live.credentials_changed, sender=model, dispatch_uid=f"{uid}-d")
        m2m_changed.connect(
            live.credentials_changed, sender=ApiToken.departments.through, dispatch_uid="live-m2m"
        )
