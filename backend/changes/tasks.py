"""Celery tasks (found by config.celery's autodiscovery)."""

from celery import shared_task

from . import retention


@shared_task(name="changes.prune_changes")
def prune_changes() -> dict[str, int]:
    return {"deleted": retention.prune()}
