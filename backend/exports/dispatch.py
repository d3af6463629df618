"""Requesting an export, and starting its job once the row is committed: on a Celery worker
when CELERY_BROKER_URL is set, else in this process, in a bounded thread pool (what `make run`
uses). Above services and tasks: neither imports this module."""

import logging
import threading
from concurrent.futures import Executor, ThreadPoolExecutor
from typing import Any

from django.conf import settings
from django.db import transaction

from .models import ExportJob
from .services import fail, run_local
from .tasks import build_export

_executor: Executor | None = None
_lock = threading.Lock()
logger = logging.getLogger("capgraph.exports")


def local_executor() -> Executor:
    global _executor
    with _lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(
                max_workers=settings.EXPORT_LOCAL_WORKERS, thread_name_prefix="export"
            )
        return _executor


def _start(job_id: str) -> None:
    if settings.CELERY_BROKER_URL:
        try:
            build_export.delay(job_id)
        except Exception:  # broker down: say so on the job rather than leave it QUEUED
            logger.exception("export %s: could not be queued", job_id)
            fail(job_id, "Could not queue the export; try again later")
    else:
        local_executor().submit(run_local, job_id)


def enqueue(job_id: Any) -> None:
    """After commit: a worker must find the row (and must not run a job rolled back)."""
    transaction.on_commit(lambda: _start(str(job_id)))


def request_export(
    user_id: int, token_id: int | None, format: str, params: dict[str, Any]
) -> ExportJob:
    """A QUEUED job, started once this transaction commits."""
    job = ExportJob.objects.create(user_id=user_id, token_id=token_id, format=format, params=params)
    enqueue(job.id)
    return job
