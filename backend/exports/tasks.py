"""Celery tasks (found by config.celery's autodiscovery)."""

from typing import Any

from celery import shared_task
from django.conf import settings

from . import services


@shared_task(
    bind=True,
    name="exports.build_export",
    # The soft limit stops the export with a clean FAILED; the hard one kills a worker
    # that did not stop 30 s later.
    soft_time_limit=settings.EXPORT_TASK_TIME_LIMIT,
    time_limit=settings.EXPORT_TASK_TIME_LIMIT + 30,
    max_retries=services.MAX_RETRIES,
)
def build_export(self: Any, job_id: str) -> None:
    # Transient database errors come back as a delay: the retry is re-queued with
    # exponential backoff (2, 4, 8 s) instead of holding the worker.
    delay = services.attempt(job_id, self.request.retries)
    if delay is not None:
        raise self.retry(countdown=delay)


@shared_task(name="exports.cleanup_exports")
def cleanup_exports() -> dict[str, int]:
    files, jobs = services.cleanup()
    return {"files": files, "jobs": jobs}
