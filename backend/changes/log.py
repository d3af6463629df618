"""Appending to the change log, inside the write's own transaction (docs/design.md, "Change
log"). Services build their entries from before/after snapshots and append them once, at
the end of the write, in one INSERT: the commit-order lock is then held only for the commit.
"""

from __future__ import annotations

import datetime as dt
import enum
import threading
from collections.abc import Collection, Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import connection, models

from .models import Change

if TYPE_CHECKING:
    from accounts.access import Viewer

CREATE, UPDATE, DELETE = Change.Operation.CREATE, Change.Operation.UPDATE, Change.Operation.DELETE

# The key of the transaction-level advisory lock that hands out ids in commit order:
# "capgraph" in ASCII, as a signed 64-bit integer. Held from before a transaction's first
# Change INSERT until its commit, so a transaction that drew a lower id has always committed
# before one that draws a higher id can insert (SQLite serializes writers on its own).
LOCK_KEY = int.from_bytes(b"capgraph", "big") - 2**63

SYSTEM = "system"  # a write with no viewer behind it: a shell, a migration, a test
_actor: ContextVar[str] = ContextVar("capgraph_change_actor", default=SYSTEM)
# The benchmark's switch (tests/bench/run.py): the same writes timed without the log.
_suspended: ContextVar[bool] = ContextVar("capgraph_change_log_suspended", default=False)
# The highest id this thread appended since the last take_appended(): the after-commit notice
# of live subscriptions (changes.live) says "new changes up to N" with it.
_appended = threading.local()


def actor_of(viewer: Viewer | None) -> str:
    if viewer is None:
        return SYSTEM
    if viewer.auth == "token":
        return f"token:{viewer.token_name}"
    return f"user:{viewer.username}"


def set_actor(actor: str) -> None:
    """For the GraphQL edge: the request's task (and the `sync_to_async` threads it hands
    its writes to, which copy the context) writes as `actor`."""
    _actor.set(actor)


def current_actor() -> str:
    return _actor.get()


@contextmanager
def acting_as(actor: str) -> Iterator[None]:
    token = _actor.set(actor)
    try:
        yield
    finally:
        _actor.reset(token)


@contextmanager
def suspended() -> Iterator[None]:
    """The benchmark only: writes append nothing. Never used by the application."""
    token = _suspended.set(True)
    try:
        yield
    finally:
        _suspended.reset(token)


# --- values ---------------------------------------------------------------------------------


def jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    return value


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def snapshot(obj: models.Model, attnames: Iterable[str]) -> dict[str, Any]:
    """The named attributes as the API names them: `department_id` -> `departmentId`."""
    return {camel(name): jsonable(getattr(obj, name)) for name in attnames}


def model_fields(model: type[models.Model]) -> list[str]:
    """Every concrete column but the id and the automatic timestamps: the admin's writes."""
    return [
        f.attname
        for f in model._meta.concrete_fields
        if not f.primary_key and f.name not in ("created_at", "updated_at")
    ]


def created(after: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    return {name: {"after": value} for name, value in after.items()}


def deleted(before: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    return {name: {"before": value} for name, value in before.items()}


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        name: {"before": before.get(name), "after": value}
        for name, value in after.items()
        if before.get(name) != value
    }


def map_diff(
    before: Mapping[str, Any], after: Mapping[str, Any], absent: Any = None
) -> dict[str, dict[str, Any]] | None:
    """Keyed values (weeks' hours, holidays by date), only the keys that changed:
    {"before": {key: old}, "after": {key: new}} with `absent` for a key on one side only."""
    keys = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    if not keys:
        return None
    return {
        "before": {k: before.get(k, absent) for k in keys},
        "after": {k: after.get(k, absent) for k in keys},
    }


# --- entries --------------------------------------------------------------------------------


@dataclass(slots=True)
class Entry:
    entity_type: str
    entity_id: int
    operation: str
    fields: dict[str, Any] = field(default_factory=dict)
    department_id: int | None = None
    previous_department_id: int | None = None


def moved(before: int | None, after: int | None) -> int | None:
    """previous_department_id: the department before the write, when the write moved it."""
    return before if before != after else None


def append(entries: Iterable[Entry]) -> list[Change]:
    """Insert the entries as Change rows in the caller's transaction (which must be open:
    a row outside one could commit without its write, or its write without it)."""
    if _suspended.get():
        return []
    actor = _actor.get()
    rows = [
        Change(
            entity_type=e.entity_type,
            entity_id=e.entity_id,
            operation=e.operation,
            fields=e.fields,
            actor=actor,
            department_id=e.department_id,
            previous_department_id=e.previous_department_id,
        )
        for e in entries
    ]
    if not rows:
        return []
    if not connection.in_atomic_block:
        raise RuntimeError("changes.log.append outside a transaction")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
    created_rows = Change.objects.bulk_create(rows)
    top = max((r.pk for r in created_rows if r.pk is not None), default=0)
    _appended.max_id = max(getattr(_appended, "max_id", 0), top)
    return created_rows


def take_appended() -> int:
    """The highest id this thread appended since the last call (0: none), and forget it."""
    top = getattr(_appended, "max_id", 0)
    _appended.max_id = 0
    return top


def append_one(
    entity_type: str,
    entity_id: int,
    operation: str,
    fields: dict[str, Any],
    department_id: int | None = None,
    previous_department_id: int | None = None,
) -> None:
    append(
        [Entry(entity_type, entity_id, operation, fields, department_id, previous_department_id)]
    )


# --- entity types -----------------------------------------------------------------------------
# The feed's ChangeEntityType values. Rows of the first group belong to a person or a
# placeholder (or are one) and are scoped by that owner's department; the rest are
# catalogue rows every viewer reads.

PERSON, ASSIGNMENT, TIME_OFF, WORK_SCHEDULE = "person", "assignment", "timeOff", "workSchedule"
PLACEHOLDER = "placeholder"  # scoped by its own department; its assignments are ASSIGNMENT rows
PROJECT, DEPARTMENT, ROLE, SKILL = "project", "department", "role", "skill"
HOLIDAY_CALENDAR, HOLIDAY, DATASET = "holidayCalendar", "holiday", "dataset"
SCOPED_TYPES = (PERSON, ASSIGNMENT, TIME_OFF, WORK_SCHEDULE, PLACEHOLDER)
GLOBAL_TYPES = (PROJECT, DEPARTMENT, ROLE, SKILL, HOLIDAY_CALENDAR, HOLIDAY, DATASET)
ENTITY_TYPES = SCOPED_TYPES + GLOBAL_TYPES


def seen_as(change: Change, departments: Collection[int] | None) -> str | None:
    """How a viewer limited to `departments` (None: everything) sees a change, the one rule
    of the feed and the webhooks: catalogue rows and rows in its departments as they are
    ("change"); a person's row that moved out of them as a removal ("removal": a DELETE
    without values); nothing else (None), a person without a department included."""
    if departments is None or change.entity_type in GLOBAL_TYPES:
        return "change"
    if change.department_id in departments:
        return "change"
    if change.previous_department_id in departments:
        return "removal"
    return None


# The admin's models (core.dataversion.DataVersionAdmin records through changes.admin).
MODEL_TYPES = {
    "people.person": PERSON,
    "people.department": DEPARTMENT,
    "people.role": ROLE,
    "people.skilltag": SKILL,
    "projects.project": PROJECT,
    "assignments.assignment": ASSIGNMENT,
    "demand.placeholder": PLACEHOLDER,
    "calendars.timeoff": TIME_OFF,
    "calendars.workschedule": WORK_SCHEDULE,
    "calendars.holidaycalendar": HOLIDAY_CALENDAR,
    "calendars.holiday": HOLIDAY,
}
