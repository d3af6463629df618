from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "webhooks"

    def ready(self) -> None:
        from core import dataversion

        from . import dispatch

        # A committed write may have appended Change rows: start their delivery now rather
        # than at the next beat (which stays the safety net).
        dataversion.after_write_commit(dispatch.nudge)
