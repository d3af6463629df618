from __future__ import annotations

from typing import Any

import strawberry

from assignments import services
from graphql_schema.context import Info
from graphql_schema.people.mutations import DeletePayload
from graphql_schema.permissions import WRITE
from graphql_schema.scalars import JSON
from graphql_schema.services import given, run_service
from graphql_schema.validation import WEEKLY_HOURS_BOUND, parse_id

from .types import Assignment, AssignmentStatus


@strawberry.input
class CreateAssignmentInput:
    person_id: strawberry.ID
    project_id: strawberry.ID
    role_on_project: str | None = strawberry.UNSET
    is_active: bool | None = strawberry.UNSET
    status: AssignmentStatus | None = strawberry.field(
        default=strawberry.UNSET, description="CONFIRMED when not given."
    )
    weekly_hours: JSON | None = strawberry.field(
        default=strawberry.UNSET,
        description='{ "YYYY-MM-DD": hours }; any day names its week.',
        metadata=WEEKLY_HOURS_BOUND,
    )


@strawberry.input
class UpdateAssignmentInput:
    expected_version: int = strawberry.field(
        description="The version the client last read; a stale one is a CONFLICT."
    )
    project_id: strawberry.ID | None = strawberry.UNSET
    role_on_project: str | None = strawberry.UNSET
    is_active: bool | None = strawberry.UNSET
    status: AssignmentStatus | None = strawberry.UNSET
    weekly_hours: JSON | None = strawberry.field(
        default=strawberry.UNSET,
        description="Replaces every planned week when given.",
        metadata=WEEKLY_HOURS_BOUND,
    )


@strawberry.type
class AssignmentPayload:
    assignment: Assignment


def assignment_data(input: object) -> dict[str, Any]:
    """The fields sent, `projectId` parsed (a null one dropped) and `status` as its value;
    the owner's id is the caller's to parse."""
    data = given(input)
    data.pop("person_id", None)
    data.pop("placeholder_id", None)
    if data.get("project_id") is not None:
        data["project_id"] = parse_id(data["project_id"], "input.projectId")
    elif "project_id" in data:
        data.pop("project_id")
    if data.get("status") is not None:
        data["status"] = AssignmentStatus(data["status"]).value
    return data


@strawberry.type
class AssignmentsMutation:
    @strawberry.mutation(permission_classes=WRITE)
    async def create_assignment(
        self, info: Info, input: CreateAssignmentInput
    ) -> AssignmentPayload:
        person_id = parse_id(input.person_id, "input.personId")
        data = {**assignment_data(input), "person_id": person_id}
        assignment = await run_service(services.create_assignment, data, info.context.scope)
        return AssignmentPayload(assignment=assignment)  # type: ignore[arg-type]

    @strawberry.mutation(permission_classes=WRITE)
    async def update_assignment(
        self, info: Info, id: strawberry.ID, input: UpdateAssignmentInput
    ) -> AssignmentPayload:
        data = assignment_data(input)
        expected = data.pop("expected_version")
        assignment = await run_service(
            services.update_assignment,
            parse_id(id, "id"),
            expected,
            data,
            info.context.scope,
        )
        return AssignmentPayload(assignment=assignment)  # type: ignore[arg-type]

    @strawberry.mutation(permission_classes=WRITE)
    async def delete_assignment(
        self, info: Info, id: strawberry.ID, expected_version: int | None = None
    ) -> DeletePayload:
        assignment_id = parse_id(id, "id")
        await run_service(
            services.delete_assignment,
            assignment_id,
            expected_version,
            info.context.scope,
        )
        return DeletePayload(id=strawberry.ID(str(assignment_id)))
