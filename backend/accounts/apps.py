from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self) -> None:
        from django.contrib.auth import get_user_model
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from .access import forget_viewers
        from .models import ApiToken

        for model in (ApiToken, get_user_model()):
            post_save.connect(forget_viewers, sender=model, dispatch_uid=f"forget-{model}")
            post_delete.connect(forget_viewers, sender=model, dispatch_uid=f"forget-d-{model}")
        m2m_changed.connect(
            forget_viewers, sender=ApiToken.departments.through, dispatch_uid="forget-m2m"
        )
