"""Starting delivery after a write commits: a `webhooks.dispatch` task when
CELERY_BROKER_URL is set, else a pass in this process's delivery thread (what `make run`
uses), which also wakes every WEBHOOK_POLL_SECONDS for retries that have come due. Above
delivery, services and tasks: none of them imports this module."""

from __future__ import annotations

import logging
import threading
import time

from django.conf import settings
from django.db import close_old_connections

from . import delivery, services
from .tasks import dispatch_webhooks

logger = logging.getLogger("capgraph.webhooks")
# With a broker, at most one dispatch task per this many seconds per process: a burst of
# writes is one fan-out, not one each.
NUDGE_SECONDS = 0.5
_last_nudge = 0.0
_lock = threading.Lock()
_wake = threading.Event()
_thread: threading.Thread | None = None


def nudge() -> None:
    """After a write commits (core.dataversion.after_write_commit)."""
    global _last_nudge
    if not services.any_active():
        return
    if settings.CELERY_BROKER_URL:
        now = time.monotonic()
        with _lock:
            if now - _last_nudge < NUDGE_SECONDS:
                return
            _last_nudge = now
        try:
            dispatch_webhooks.delay()
        except Exception as exc:  # broker down: the beat's next run delivers these
            logger.warning("webhooks: could not queue a dispatch: %s", exc)
    else:
        start_local()
        _wake.set()


def start_local() -> None:
    global _thread
    with _lock:
        if _thread is None or not _thread.is_alive():
            _thread = threading.Thread(target=_local_loop, name="webhooks", daemon=True)
            _thread.start()


def _local_loop() -> None:
    while True:
        _wake.wait(timeout=settings.WEBHOOK_POLL_SECONDS)
        _wake.clear()
        try:
            delivery.run_pass()
        except Exception:
            logger.exception("webhooks: delivery pass failed")
        finally:
            close_old_connections()
