from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry

from assignments import fill
from assignments import services as assignment_services
from demand import services
from graphql_schema.assignments.mutations import UpdateAssignmentInput, assignment_data
from graphql_schema.assignments.types import Assignment, AssignmentStatus, PlaceholderAssignment
from graphql_schema.context import Info
from graphql_schema.people.mutations import DeletePayload
from graphql_schema.people.types import Proficiency
from graphql_schema.permissions import WRITE
from graphql_schema.policy import policy
from graphql_schema.scalars import JSON
from graphql_schema.services import given, run_service
from graphql_schema.validation import (
    MAX_PERSON_SKILLS,
    WEEKLY_HOURS_BOUND,
    bounded,
    parse_id,
)
from planning.weeks import monday

from .types import Placeholder


@strawberry.input
class CreatePlaceholderInput:
    name: str
    role_id: strawberry.ID
    department_id: strawberry.ID | None = strawberry.UNSET


@strawberry.input
class UpdatePlaceholderInput:
    name: str | None = strawberry.UNSET
    role_id: strawberry.ID | None = strawberry.UNSET
    department_id: strawberry.ID | None = strawberry.UNSET


@strawberry.input
class RequiredSkillInput:
    skill: str = strawberry.field(description="Skill name; a new name creates the skill.")
    min_proficiency: Proficiency


@strawberry.type
class PlaceholderPayload:
    placeholder: Placeholder


@strawberry.input
class CreatePlaceholderAssignmentInput:
    placeholder_id: strawberry.ID
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
class UpdatePlaceholderAssignmentInput(UpdateAssignmentInput):
    """The same fields as a person's assignment (the owner cannot change)."""


@strawberry.type
class PlaceholderAssignmentPayload:
    assignment: PlaceholderAssignment


@strawberry.type(description="A week where the person's hours are above capacity after a fill.")
class OverbookedWeek:
    week: dt.date
    hours: float = strawberry.field(description="hours(P, W), tentative hours included.")
    capacity: float


@strawberry.type
class FillPlaceholderPayload:
    assignment: Assignment = strawberry.field(description="The person's assignment after the move.")
    placeholder_assignment: PlaceholderAssignment | None = strawberry.field(
        description="The placeholder assignment with the hours left; null when no hours were "
        "left and it was removed."
    )
    remaining_hours: float = strawberry.field(
        description="Hours left on the placeholder assignment (0 when it was removed)."
    )
    overbooked_weeks: list[OverbookedWeek] = strawberry.field(
        metadata=policy(items=10),
        description="The moved weeks where the person is now over capacity (calendar-aware), "
        "by week.",
    )


def placeholder_data(data: CreatePlaceholderInput | UpdatePlaceholderInput) -> dict:
    values = given(data)
    for key, field in (("department_id", "input.departmentId"), ("role_id", "input.roleId")):
        if values.get(key) is not None:
            values[key] = parse_id(values[key], field)
    return values


@strawberry.type
class DemandMutation:
    @strawberry.mutation(permission_classes=WRITE)
    async def create_placeholder(
        self, info: Info, input: CreatePlaceholderInput
    ) -> PlaceholderPayload:
        placeholder = await run_service(
            services.create_placeholder, placeholder_data(input), info.context.scope
        )
        return PlaceholderPayload(placeholder=placeholder)  # type: ignore[arg-type]

    @strawberry.mutation(permission_classes=WRITE)
    async def update_placeholder(
        self, info: Info, id: strawberry.ID, input: UpdatePlaceholderInput
    ) -> PlaceholderPayload:
        placeholder = await run_service(
            services.update_placeholder,
            parse_id(id, "id"),
            placeholder_data(input),
            info.context.scope,
        )
        return PlaceholderPayload(placeholder=placeholder)  # type: ignore[arg-type]

    @strawberry.mutation(
        permission_classes=WRITE, description="Deletes its assignments and their hours too."
    )
    async def delete_placeholder(self, info: Info, id: strawberry.ID) -> DeletePayload:
        placeholder_id = parse_id(id, "id")
        await run_service(services.delete_placeholder, placeholder_id, info.context.scope)
        return DeletePayload(id=strawberry.ID(str(placeholder_id)))

    @strawberry.mutation(
        permission_classes=WRITE,
        description="Replace a placeholder's required skills with the given list.",
    )
    async def set_placeholder_skills(
        self,
        info: Info,
        placeholder_id: strawberry.ID,
        skills: Annotated[list[RequiredSkillInput], bounded(MAX_PERSON_SKILLS, "skills")],
    ) -> PlaceholderPayload:
        entries = [
            services.RequiredSkill(
                skill=s.skill, min_proficiency=Proficiency(s.min_proficiency).value
            )
            for s in skills
        ]
        placeholder = await run_service(
            services.set_placeholder_skills,
            parse_id(placeholder_id, "placeholderId"),
            entries,
            info.context.scope,
        )
        return PlaceholderPayload(placeholder=placeholder)  # type: ignore[arg-type]

    @strawberry.mutation(permission_classes=WRITE)
    async def create_placeholder_assignment(
        self, info: Info, input: CreatePlaceholderAssignmentInput
    ) -> PlaceholderAssignmentPayload:
        placeholder_id = parse_id(input.placeholder_id, "input.placeholderId")
        data = {**assignment_data(input), "placeholder_id": placeholder_id}
        assignment = await run_service(
            assignment_services.create_assignment, data, info.context.scope
        )
        return PlaceholderAssignmentPayload(assignment=assignment)  # type: ignore[arg-type]

    @strawberry.mutation(permission_classes=WRITE)
    async def update_placeholder_assignment(
        self, info: Info, id: strawberry.ID, input: UpdatePlaceholderAssignmentInput
    ) -> PlaceholderAssignmentPayload:
        data = assignment_data(input)
        expected = data.pop("expected_version")
        assignment = await run_service(
            assignment_services.update_assignment,
            parse_id(id, "id"),
            expected,
            data,
            info.context.scope,
            assignment_services.PLACEHOLDER,
        )
        return PlaceholderAssignmentPayload(assignment=assignment)  # type: ignore[arg-type]

    @strawberry.mutation(permission_classes=WRITE)
    async def delete_placeholder_assignment(
        self, info: Info, id: strawberry.ID, expected_version: int | None = None
    ) -> DeletePayload:
        assignment_id = parse_id(id, "id")
        await run_service(
            assignment_services.delete_assignment,
            assignment_id,
            expected_version,
            info.context.scope,
            assignment_services.PLACEHOLDER,
        )
        return DeletePayload(id=strawberry.ID(str(assignment_id)))

    @strawberry.mutation(
        permission_classes=WRITE,
        description="Move a placeholder assignment's hours (all, or the weeks from..to) to the "
        "person's assignment on the same project (created if missing), all or nothing. A stale "
        "expectedVersion is a CONFLICT; filling beyond the person's availability is allowed and "
        "listed in overbookedWeeks.",
    )
    async def fill_placeholder(
        self,
        info: Info,
        placeholder_assignment_id: strawberry.ID,
        person_id: strawberry.ID,
        expected_version: int,
        from_: Annotated[dt.date | None, strawberry.argument(name="from")] = None,
        to: dt.date | None = None,
    ) -> FillPlaceholderPayload:
        result = await run_service(
            fill.fill_placeholder,
            parse_id(placeholder_assignment_id, "placeholderAssignmentId"),
            parse_id(person_id, "personId"),
            expected_version,
            None if from_ is None else monday(from_),
            None if to is None else monday(to),
            info.context.scope,
        )
        return FillPlaceholderPayload(
            assignment=result.assignment,  # type: ignore[arg-type]
            placeholder_assignment=result.placeholder_assignment,  # type: ignore[arg-type]
            remaining_hours=float(result.remaining_hours),
            overbooked_weeks=[
                OverbookedWeek(week=w.week, hours=float(w.hours), capacity=float(w.capacity))
                for w in result.overbooked_weeks
            ],
        )
