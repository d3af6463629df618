from __future__ import annotations

from enum import Enum
from typing import Annotated

import strawberry

from assignments.bulk import MAX_ITEMS, HoursItem, bulk_update_hours
from graphql_schema.context import Info
from graphql_schema.permissions import WRITE
from graphql_schema.policy import policy
from graphql_schema.scalars import JSON
from graphql_schema.services import run_service
from graphql_schema.validation import WEEKLY_HOURS_BOUND, bounded, parse_id

from .types import Assignment, Booking, PlaceholderAssignment


@strawberry.enum
class HoursWriteMode(Enum):
    MERGE = "merge"
    REPLACE = "replace"


@strawberry.input
class AssignmentHoursInput:
    assignment_id: strawberry.ID
    expected_version: int
    weekly_hours: JSON = strawberry.field(
        description='{ "YYYY-MM-DD": hours }; any day names its week; 0 removes the week.',
        metadata=WEEKLY_HOURS_BOUND,
    )
    mode: HoursWriteMode | None = strawberry.field(
        default=HoursWriteMode.MERGE,
        description="MERGE keeps weeks not named; REPLACE drops them.",
    )


@strawberry.type
class BulkUpdateAssignmentHoursPayload:
    assignments: list[Assignment] = strawberry.field(
        metadata=policy(items=10), description="The people's assignments, in the items' order."
    )
    placeholder_assignments: list[PlaceholderAssignment] = strawberry.field(
        metadata=policy(items=10),
        description="The placeholders' assignments, in the items' order.",
    )
    bookings: list[Booking] = strawberry.field(
        metadata=policy(items=10), description="Every assignment, in the items' order."
    )


@strawberry.type
class BulkHoursMutation:
    @strawberry.mutation(
        permission_classes=WRITE,
        description=(
            "Up to 500 assignments' hours (of people and of placeholders) in one transaction, "
            "all or nothing. A stale expectedVersion is a CONFLICT listing every conflicting "
            "assignment."
        ),
    )
    async def bulk_update_assignment_hours(
        self,
        info: Info,
        items: Annotated[list[AssignmentHoursInput], bounded(MAX_ITEMS, "items")],
    ) -> BulkUpdateAssignmentHoursPayload:
        parsed = [
            HoursItem(
                assignment_id=parse_id(item.assignment_id, f"items.{i}.assignmentId"),
                expected_version=item.expected_version,
                weekly_hours=item.weekly_hours,
                replace=item.mode == HoursWriteMode.REPLACE,
            )
            for i, item in enumerate(items)
        ]
        written = await run_service(bulk_update_hours, parsed, info.context.scope)
        return BulkUpdateAssignmentHoursPayload(
            assignments=[a for a in written if a.person_id is not None],  # type: ignore[misc]
            placeholder_assignments=[a for a in written if a.placeholder_id is not None],  # type: ignore[misc]
            bookings=written,  # type: ignore[arg-type]
        )
