"""Export jobs: creating one, building its file (retrying transient database errors),
and deleting expired files.

The grid is read with the reports' set-based queries (assignments.aggregates), in the same
scope as the GraphQL reports: active people in the requester's departments (a restricted
token's, read again when the job runs) and in the requested department subtree.
"""

import datetime as dt
import logging
import os
import time
from pathlib import Path
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import InterfaceError, OperationalError, close_old_connections, connection
from django.db.models import F
from django.utils import timezone

from accounts import access
from assignments import aggregates
from calendars.selectors import load_calendars
from people.selectors import people_in_scope
from people.tree import DepartmentTree
from planning.weeks import week_keys

from . import layout
from .models import ExportJob

logger = logging.getLogger("capgraph.exports")
Status = ExportJob.Status

TRANSIENT_ERRORS = (OperationalError, InterfaceError)
MAX_RETRIES = 3
RETRY_BASE_SECONDS = 2.0  # then 4, 8 (exponential), at most RETRY_MAX_SECONDS
RETRY_MAX_SECONDS = 60.0
MAX_WEEKS = 104
CONTENT_TYPES = {
    ExportJob.Format.CSV: "text/csv; charset=utf-8",
    ExportJob.Format.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class ExportDenied(Exception):
    """The requester may no longer read the data (token revoked, user deactivated)."""


class ExportTimeout(Exception):
    pass


def backoff(retries: int) -> float:
    """Seconds to wait before retry number `retries + 1`."""
    return min(RETRY_BASE_SECONDS * 2**retries, RETRY_MAX_SECONDS)


def export_dir() -> Path:
    return Path(settings.EXPORT_DIR)


def file_name(job: ExportJob) -> str:
    """What the download is called: capgraph-grid-<from>-<weeks>w.<format>."""
    return f"capgraph-grid-{job.params['from']}-{job.params['weeks']}w.{job.format}"


def _set(job_id: Any, **fields: Any) -> None:
    ExportJob.objects.filter(pk=job_id).update(**fields)


def _check_deadline(deadline: float | None) -> None:
    if deadline is not None and time.monotonic() > deadline:
        raise ExportTimeout


def build(job_id: Any, deadline: float | None = None) -> None:
    """One attempt at a job: read the grid, write the file, mark the job SUCCEEDED.

    A fixed number of SQL queries whatever the number of people and weeks (12, and 13 for a
    department-restricted token, one more when someone follows a holiday calendar; tested):
    the job with its user and token, the token's departments, the department tree, people,
    assignments, weekly hours, placeholders' assignments and their weekly hours, the
    calendar (schedules, [holidays,] time off) and three status/progress updates."""
    started = time.perf_counter()
    job = ExportJob.objects.select_related("user", "token__user").filter(pk=job_id).first()
    if job is None or job.status in (Status.SUCCEEDED, Status.EXPIRED):
        return  # deleted, or delivered twice (acks_late) after it was done
    _set(
        job_id,
        status=Status.RUNNING,
        progress=5,
        attempts=F("attempts") + 1,
        started_at=timezone.now(),
        error="",
    )
    # The requester's viewer, derived exactly as a request derives it (revoked, deactivated
    # or expired: denied), with the departments a restricted token sees.
    try:
        if job.token is not None:
            viewer, _ = access.token_viewer(job.token)
        else:
            viewer = access.session_viewer(job.user)
        if not job.user.is_active:
            raise access.InvalidToken("User is not active")
    except access.InvalidToken as exc:
        reason = "expired" if isinstance(exc, access.TokenExpired) else "was disabled"
        raise ExportDenied(f"The token or user that requested this export {reason}") from None
    tree = DepartmentTree.load()
    scope = access.Scope.for_viewer(viewer, tree)
    params = job.params
    departments = None
    if params.get("department") is not None:
        departments = tree.scope(int(params["department"]), bool(params.get("includeChildren")))
    weeks = week_keys(dt.date.fromisoformat(params["from"]), int(params["weeks"]))

    # Jobs requested before includeTentative existed counted tentative hours.
    tentative = bool(params.get("includeTentative", True))
    people = aggregates.active_people(scope, departments)
    grid = aggregates.grid_rows(scope, departments, weeks[0], weeks[-1], tentative)
    demand = aggregates.placeholder_grid_rows(scope, departments, weeks[0], weeks[-1], tentative)
    capacities = load_calendars(
        people, weeks[0], weeks[-1], tree, people_in_scope(scope, departments)
    ).by_person(weeks)
    _set(job_id, progress=60)
    _check_deadline(deadline)

    names = {d.id: d.name for d in tree.by_id.values()}
    lines = [
        layout.header(weeks),
        *layout.rows(people, grid, names, weeks, capacities),
        *layout.placeholder_rows(demand, names, weeks),
    ]
    _check_deadline(deadline)
    folder = export_dir()
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{job.id}.{job.format}"
    partial = folder / f".{name}.part"
    if job.format == ExportJob.Format.XLSX:
        layout.write_xlsx(str(partial), lines)
    else:
        with open(partial, "w", encoding="utf-8", newline="") as out:
            layout.write_csv(out, lines)
    os.replace(partial, folder / name)  # readers never see a half-written file
    now = timezone.now()
    _set(
        job_id,
        status=Status.SUCCEEDED,
        progress=100,
        file_path=name,
        finished_at=now,
        expires_at=now + dt.timedelta(seconds=settings.EXPORT_TTL_SECONDS),
    )
    logger.info(
        "export %s: %d people, %d weeks, %s, attempt %d, %.0f ms",
        job.id,
        len(people),
        len(weeks),
        job.format,
        job.attempts + 1,
        (time.perf_counter() - started) * 1000,
    )


def fail(job_id: Any, message: str) -> None:
    try:
        _set(job_id, status=Status.FAILED, error=message, finished_at=timezone.now())
    except TRANSIENT_ERRORS:  # the database is still away: the job stays RUNNING
        logger.exception("export %s: could not record its failure", job_id)


def reset_connection() -> None:
    """After a database error, drop a broken connection so the retry opens a new one; never
    inside a caller's transaction (tests run jobs inline, inside theirs)."""
    if not connection.in_atomic_block:
        close_old_connections()


def attempt(job_id: Any, retries: int, deadline: float | None = None) -> float | None:
    """Run one attempt. Returns the delay before the next one after a transient database
    error, or None once the job has succeeded or failed for good."""
    try:
        build(job_id, deadline)
    except TRANSIENT_ERRORS as exc:
        reset_connection()
        if retries >= MAX_RETRIES:
            logger.error("export %s: giving up after %d attempts: %s", job_id, retries + 1, exc)
            fail(job_id, f"Database unavailable ({retries + 1} attempts)")
            return None
        delay = backoff(retries)
        logger.warning("export %s: %s; retry in %.1f s", job_id, type(exc).__name__, delay)
        return delay
    except (ExportTimeout, SoftTimeLimitExceeded):
        fail(job_id, f"Export took longer than {settings.EXPORT_TASK_TIME_LIMIT} s")
    except ExportDenied as exc:
        fail(job_id, str(exc))
    except Exception:
        logger.exception("export %s failed", job_id)
        fail(job_id, "Export failed (internal error)")
    return None


def run_local(job_id: Any) -> None:
    """The no-broker path: every attempt in this thread, with the same backoff and the
    time limit checked between steps (a thread cannot be killed)."""
    deadline = time.monotonic() + settings.EXPORT_TASK_TIME_LIMIT
    try:
        retries = 0
        while (delay := attempt(job_id, retries, deadline)) is not None:
            time.sleep(delay)
            retries += 1
    finally:
        reset_connection()


def cleanup(now: dt.datetime | None = None) -> tuple[int, int]:
    """Delete the files of expired jobs and mark those jobs EXPIRED; also delete files that
    no job names any more (a job deleted with its token). Returns (files, jobs)."""
    now = now or timezone.now()
    folder = export_dir()
    expired = list(
        ExportJob.objects.filter(status=Status.SUCCEEDED, expires_at__lte=now).values_list(
            "id", "file_path"
        )
    )
    files = 0
    for _, name in expired:
        if name and _unlink(folder / name):
            files += 1
    jobs = ExportJob.objects.filter(pk__in=[job_id for job_id, _ in expired]).update(
        status=Status.EXPIRED, file_path=""
    )
    if folder.is_dir():
        known = set(ExportJob.objects.exclude(file_path="").values_list("file_path", flat=True))
        stale = now.timestamp() - settings.EXPORT_TTL_SECONDS - settings.EXPORT_TASK_TIME_LIMIT
        for path in folder.iterdir():
            if path.name not in known and path.is_file() and path.stat().st_mtime < stale:
                files += _unlink(path)
    return files, jobs


def _unlink(path: Path) -> bool:
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    return True


def owned(viewer: Any) -> Any:
    """The jobs `viewer` may read: a token's own jobs, or a session user's session jobs."""
    return ExportJob.objects.filter(user_id=viewer.user_id, token_id=viewer.token_id)
