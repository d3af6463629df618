"""The change feed: the change log in sequence order, scoped like every other read."""

from __future__ import annotations

import base64
import datetime as dt
from typing import Annotated, Any

import strawberry
from django.db.models import Q

from changes import log
from changes.models import Change as ChangeRow
from graphql_schema.context import Info
from graphql_schema.errors import BadUserInput
from graphql_schema.pagination import PageInfo
from graphql_schema.permissions import AUTH
from graphql_schema.validation import bounded, check_range
from people.models import person_in_departments

from .types import Change, ChangeConnection, ChangeEdge, ChangeEntityType, ChangeOperation

MAX_CHANGES = 500  # changes per page
DEFAULT_CHANGES = 100
MAX_TYPES = 20  # ChangeEntityType values (a repeated value is harmless, not unbounded)
_PREFIX = "change:v1:"


def encode_cursor(sequence: int) -> str:
    return base64.urlsafe_b64encode(f"{_PREFIX}{sequence}".encode()).decode()


def decode_cursor(cursor: str | None, field: str = "after") -> int:
    """The sequence after which the page starts (0: from the oldest change kept)."""
    if cursor is None:
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
        if not text.startswith(_PREFIX):
            raise ValueError
        digits = text.removeprefix(_PREFIX)
        if not digits.isascii() or not digits.isdigit() or len(digits) > 18:
            raise ValueError
    except (ValueError, UnicodeError):
        raise BadUserInput(f"{field} is not a valid change cursor", field=field) from None
    return int(digits)


def check_since(value: dt.datetime | None, field: str = "updatedSince") -> dt.datetime | None:
    """An `updatedSince` argument: an instant, so it must say its UTC offset."""
    if value is not None and value.utcoffset() is None:
        raise BadUserInput(
            f"{field} must include a UTC offset (e.g. 2027-01-04T09:00:00Z)", field=field
        )
    return value


def node(row: ChangeRow, departments: frozenset[int] | None) -> Change:
    operation, fields = row.operation, row.fields
    if log.seen_as(row, departments) == "removal":  # moved out of the viewer's departments
        operation, fields = log.DELETE, {}
    return Change(
        sequence=str(row.pk),
        entity_type=ChangeEntityType(row.entity_type),
        entity_id=strawberry.ID(str(row.entity_id)),
        operation=ChangeOperation(operation),
        fields=fields,
        actor=row.actor,
        at=row.created_at,
    )


@strawberry.type
class ChangesQuery:
    @strawberry.field(
        permission_classes=AUTH,
        description="The change log in sequence (commit) order, after the `after` cursor.",
    )
    async def changes(
        self,
        info: Info,
        after: str | None = None,
        types: Annotated[list[ChangeEntityType] | None, bounded(MAX_TYPES, "entity types")] = None,
        first: int | None = DEFAULT_CHANGES,
    ) -> ChangeConnection:
        size = check_range(DEFAULT_CHANGES if first is None else first, "first", 1, MAX_CHANGES)
        since = decode_cursor(after)
        qs: Any = ChangeRow.objects.filter(pk__gt=since).order_by("pk")
        if types is not None:
            qs = qs.filter(entity_type__in=[t.value for t in types])
        departments = info.context.scope.departments
        if departments is not None:
            qs = qs.filter(
                Q(entity_type__in=log.GLOBAL_TYPES)
                | person_in_departments(departments)  # the department after the write
                | Q(previous_department_id__in=departments)
            )
        rows = [row async for row in qs[: size + 1]]
        edges = [
            ChangeEdge(cursor=encode_cursor(r.pk), node=node(r, departments)) for r in rows[:size]
        ]
        end = edges[-1].cursor if edges else after
        return ChangeConnection(
            edges=edges,
            page_info=PageInfo(
                has_next_page=len(rows) > size,
                has_previous_page=since > 0,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=end,
            ),
        )
