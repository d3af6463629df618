from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry

from graphql_schema.context import Info
from graphql_schema.permissions import WRITE
from graphql_schema.services import given, run_service
from graphql_schema.validation import MAX_PERSON_SKILLS, bounded, parse_id
from people import services
from people.models import PersonSkill as PersonSkillModel

from .types import Person, Proficiency, SkillKind


@strawberry.input
class CreatePersonInput:
    name: str
    email: str | None = strawberry.UNSET
    department_id: strawberry.ID | None = strawberry.UNSET
    role_id: strawberry.ID | None = strawberry.UNSET
    weekly_capacity: float | None = strawberry.UNSET
    hire_date: dt.date | None = strawberry.UNSET
    end_date: dt.date | None = strawberry.field(
        default=strawberry.UNSET, description="The last day employed; null: still employed."
    )
    is_active: bool | None = strawberry.UNSET


@strawberry.input
class UpdatePersonInput:
    name: str | None = strawberry.UNSET
    email: str | None = strawberry.UNSET
    department_id: strawberry.ID | None = strawberry.UNSET
    role_id: strawberry.ID | None = strawberry.UNSET
    weekly_capacity: float | None = strawberry.UNSET
    hire_date: dt.date | None = strawberry.UNSET
    end_date: dt.date | None = strawberry.field(
        default=strawberry.UNSET, description="The last day employed; null: still employed."
    )
    is_active: bool | None = strawberry.UNSET


@strawberry.input
class PersonSkillInput:
    skill: str = strawberry.field(description="Skill name; a new name creates the skill.")
    proficiency: Proficiency
    kind: SkillKind = SkillKind.STRENGTH


@strawberry.type
class PersonPayload:
    person: Person


@strawberry.type
class DeletePayload:
    id: strawberry.ID


def person_data(data: CreatePersonInput | UpdatePersonInput) -> dict:
    values = given(data)
    for key in ("department_id", "role_id"):
        if values.get(key) is not None:
            values[key] = parse_id(
                values[key], "input." + ("departmentId" if key == "department_id" else "roleId")
            )
    return values


@strawberry.type
class PeopleMutation:
    @strawberry.mutation(permission_classes=WRITE)
    async def create_person(self, info: Info, input: CreatePersonInput) -> PersonPayload:
        person = await run_service(services.create_person, person_data(input), info.context.scope)
        return PersonPayload(person=person)  # type: ignore[arg-type]

    @strawberry.mutation(permission_classes=WRITE)
    async def update_person(
        self, info: Info, id: strawberry.ID, input: UpdatePersonInput
    ) -> PersonPayload:
        person = await run_service(
            services.update_person,
            parse_id(id, "id"),
            person_data(input),
            info.context.scope,
        )
        return PersonPayload(person=person)  # type: ignore[arg-type]

    @strawberry.mutation(permission_classes=WRITE)
    async def delete_person(self, info: Info, id: strawberry.ID) -> DeletePayload:
        person_id = parse_id(id, "id")
        await run_service(services.delete_person, person_id, info.context.scope)
        return DeletePayload(id=strawberry.ID(str(person_id)))

    @strawberry.mutation(
        permission_classes=WRITE, description="Replace a person's skills with the given list."
    )
    async def set_person_skills(
        self,
        info: Info,
        person_id: strawberry.ID,
        skills: Annotated[list[PersonSkillInput], bounded(MAX_PERSON_SKILLS, "skills")],
    ) -> PersonPayload:
        entries = [
            services.SkillEntry(
                skill=s.skill,
                proficiency=PersonSkillModel.Proficiency(s.proficiency).value,
                kind=PersonSkillModel.Kind(s.kind).value,
            )
            for s in skills
        ]
        person = await run_service(
            services.set_person_skills,
            parse_id(person_id, "personId"),
            entries,
            info.context.scope,
        )
        return PersonPayload(person=person)  # type: ignore[arg-type]
