from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, cast

import strawberry

from demand import models
from graphql_schema.assignments.types import WeekHours
from graphql_schema.context import Info
from graphql_schema.loaders import OwnerKey, PersonWindow
from graphql_schema.people.types import NO_HOURS, Department, Proficiency, Role, Skill
from graphql_schema.policy import policy
from graphql_schema.validation import FromArg, check_weeks, week_or_current
from planning.weeks import week_keys

if TYPE_CHECKING:
    from graphql_schema.assignments.types import PlaceholderAssignment


@strawberry.type(description="A skill a placeholder requires, at least at minProficiency.")
class RequiredSkill:
    min_proficiency: Proficiency

    @strawberry.field
    def skill(self, root: strawberry.Parent[models.PlaceholderSkill]) -> Skill:
        return root.skill  # type: ignore[return-value]  # fetched by the loader's select_related


@strawberry.type(
    description="Unstaffed demand: a named, unassigned resource with a role and required "
    "skills. It has no capacity; its assignments hold hours like a person's."
)
class Placeholder:
    id: strawberry.ID
    name: str

    @strawberry.field
    async def role(self, root: strawberry.Parent[models.Placeholder], info: Info) -> Role:
        return await info.context.loaders.role_by_id.load(root.role_id)

    @strawberry.field
    async def department(
        self, root: strawberry.Parent[models.Placeholder], info: Info
    ) -> Department | None:
        if root.department_id is None:
            return None
        tree = await info.context.department_tree()
        return cast("Department | None", tree.by_id.get(root.department_id))

    @strawberry.field(metadata=policy(items=10), description="By skill name.")
    async def required_skills(
        self, root: strawberry.Parent[models.Placeholder], info: Info
    ) -> list[RequiredSkill]:
        return await info.context.loaders.required_skills_by_placeholder.load(root.id)

    @strawberry.field(metadata=policy(items=10))
    async def assignments(
        self,
        root: strawberry.Parent[models.Placeholder],
        info: Info,
        include_inactive: bool | None = False,
    ) -> list[
        Annotated[PlaceholderAssignment, strawberry.lazy("graphql_schema.assignments.types")]
    ]:
        return await info.context.loaders.assignments_by_placeholder.load(
            OwnerKey(root.id, bool(include_inactive))
        )

    @strawberry.field(
        description="Hours per week over its active assignments, zeros included (no capacity)."
    )
    async def hours_by_week(
        self,
        root: strawberry.Parent[models.Placeholder],
        info: Info,
        from_: FromArg = None,
        weeks: int | None = 12,
    ) -> list[WeekHours]:
        weeks = check_weeks(weeks)
        first = week_or_current(from_, "from", weeks)
        hours = await info.context.loaders.hours_by_placeholder_window.load(
            PersonWindow(root.id, first, weeks)
        )
        result = []
        for w in week_keys(first, weeks):
            confirmed, tentative = hours.get(w, NO_HOURS)
            result.append(
                WeekHours(
                    week=w,
                    hours=confirmed + tentative,
                    confirmed_hours=confirmed,
                    tentative_hours=tentative,
                )
            )
        return result
