"""Live subscriptions: the change log as it commits (changes.live fans it out), scoped like
every read: a department-restricted viewer sees what the feed would show it."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncGenerator
from typing import Annotated

import strawberry

from accounts.access import Credential
from changes import live, log
from changes.models import Change as ChangeRow
from core.errors import ErrorCode
from graphql_schema.context import Info
from graphql_schema.errors import ApiError, Unauthenticated
from graphql_schema.filters import department_ids
from graphql_schema.permissions import AUTH
from graphql_schema.policy import policy
from graphql_schema.validation import bounded

from .queries import MAX_TYPES, node
from .types import Change, ChangeEntityType, ChangeOperation


class TooManySubscriptions(ApiError):
    code = ErrorCode.TOO_MANY_SUBSCRIPTIONS


class SlowConsumer(ApiError):
    code = ErrorCode.SLOW_CONSUMER


@strawberry.type(description="One week of an assignment whose hours changed.")
class WeekHoursChange:
    week: dt.date = strawberry.field(description="The week's Monday.")
    before: float = strawberry.field(description="Hours before the write (0: none).")
    after: float = strawberry.field(description="Hours after the write (0: none).")


@strawberry.type(
    description="An assignment changed (its hours, or anything else of it: its version went "
    "up). A removal (the assignment was deleted, or its person left the departments the "
    "subscription covers) is a DELETE with only assignmentId, sequence, actor and at."
)
class AssignmentHoursChanged:
    sequence: str = strawberry.field(description="The change's sequence in the change log.")
    assignment_id: strawberry.ID
    person_id: strawberry.ID | None
    project_id: strawberry.ID | None
    operation: ChangeOperation
    version: int | None = strawberry.field(
        description="The assignment's version after the write (null for a delete)."
    )
    weeks: list[WeekHoursChange] = strawberry.field(
        description="The weeks whose hours changed, by week.",
        metadata=policy(items=26),
    )
    changed_fields: list[str] = strawberry.field(
        description='The assignment fields the write changed ("weeklyHours", "version", '
        '"isActive", ...).',
    )
    actor: str
    at: dt.datetime


def _number(value: object) -> float:
    return float(value) if isinstance(value, int | float) else 0.0


def hours_change(event: live.Event) -> AssignmentHoursChanged:
    row = event.change
    removal = event.seen == "removal" or row.operation == log.DELETE
    fields = {} if event.seen == "removal" else (row.fields or {})
    hours = fields.get("weeklyHours") or {}
    before = hours.get("before") or {}
    after = hours.get("after") or {}
    weeks = [
        WeekHoursChange(
            week=dt.date.fromisoformat(key),
            before=_number(before.get(key)),
            after=_number(after.get(key)),
        )
        for key in sorted(before.keys() | after.keys())
    ]
    version = None if removal else (fields.get("version") or {}).get("after")
    return AssignmentHoursChanged(
        sequence=str(row.pk),
        assignment_id=strawberry.ID(str(row.entity_id)),
        person_id=None if event.person_id is None else strawberry.ID(str(event.person_id)),
        project_id=None if event.project_id is None else strawberry.ID(str(event.project_id)),
        operation=ChangeOperation(log.DELETE if event.seen == "removal" else row.operation),
        version=version if isinstance(version, int) else None,
        weeks=weeks,
        changed_fields=sorted(fields),
        actor=row.actor,
        at=row.created_at,
    )


def identity(info: Info) -> str:
    viewer = info.context.require_viewer()
    return f"t{viewer.token_id}" if viewer.token_id else f"u{viewer.user_id}"


def credential(info: Info) -> Credential:
    """What the subscription stands on while it is open: the token, or the web app's
    session (checked again by the hub; a lapsed one ends it with UNAUTHENTICATED)."""
    viewer = info.context.require_viewer()
    key = None
    if viewer.token_id is None:
        session = getattr(info.context.request, "session", None)
        key = getattr(session, "session_key", None)
    return Credential(viewer, key)


async def _events(
    info: Info, departments: frozenset[int] | None, wants: live.Filter
) -> AsyncGenerator[live.Event, None]:
    try:
        async with live.subscription(
            identity(info), departments, wants, credential(info)
        ) as subscriber:
            async for event in subscriber:
                yield event
    except live.TooManySubscriptions as e:
        raise TooManySubscriptions(str(e)) from None
    except live.SlowConsumer as e:
        raise SlowConsumer(str(e)) from None
    except live.Unauthenticated as e:
        raise Unauthenticated(str(e)) from None


@strawberry.type
class ChangesSubscription:
    @strawberry.subscription(
        permission_classes=AUTH,
        description="Each change as it commits, from the moment of subscribing, in sequence "
        "order: the node of the `changes` feed (a person moved out of a restricted viewer's "
        "departments is a removal, as there).",
        metadata=policy(per_viewer=True, uncacheable=True),
    )
    async def changes(
        self,
        info: Info,
        types: Annotated[list[ChangeEntityType] | None, bounded(MAX_TYPES, "entity types")] = None,
    ) -> AsyncGenerator[Change, None]:
        wanted = None if types is None else frozenset(t.value for t in types)
        departments = info.context.scope.departments

        def wants(row: ChangeRow) -> bool:
            return wanted is None or row.entity_type in wanted

        async for event in _events(info, departments, wants):
            yield node(event.change, departments)

    @strawberry.subscription(
        permission_classes=AUTH,
        description="Changes of assignments whose person is in `department` (and, with "
        "includeChildren, the departments below it) and in the viewer's departments; every "
        "visible assignment without `department`. From the moment of subscribing, in "
        "sequence order.",
        metadata=policy(per_viewer=True, uncacheable=True),
    )
    async def assignment_hours_changed(
        self,
        info: Info,
        department: strawberry.ID | None = None,
        include_children: bool | None = True,
    ) -> AsyncGenerator[AssignmentHoursChanged, None]:
        chosen = await department_ids(info, department, include_children)
        departments = info.context.scope.departments
        if chosen is not None:
            departments = frozenset(chosen if departments is None else chosen & departments)

        def wants(row: ChangeRow) -> bool:
            return row.entity_type == log.ASSIGNMENT

        async for event in _events(info, departments, wants):
            yield hours_change(event)
