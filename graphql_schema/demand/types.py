from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Any, cast

import strawberry

from demand import models
from graphql_schema.assignments.types import WeekHours, WeekHoursMaps
from graphql_schema.context import Info
from graphql_schema.filters import department_ids
from graphql_schema.loaders import CandidatesKey, OwnerKey, PersonWindow
from graphql_schema.people.types import NO_HOURS, Department, Proficiency, Role, Skill
from graphql_schema.policy import policy
from graphql_schema.validation import (
    MAX_LIMIT,
    FromArg,
    check_range,
    check_weeks,
    week_or_current,
)
from planning.weekmaps import HoursMaps, iso_keys, split_hours
from planning.weeks import week_keys

if TYPE_CHECKING:
    from graphql_schema.assignments.types import PlaceholderAssignment
    from graphql_schema.people.types import Person

PersonRef = Annotated["Person", strawberry.lazy("graphql_schema.people.types")]


async def _window_hours(
    root: models.Placeholder,
    info: Info,
    from_: dt.date | None,
    weeks: int | None,
    include_tentative: bool | None,
) -> tuple[dt.date, int, Any]:
    """hoursByWeek's and weekMaps' window (its first Monday and length, checked) and the
    placeholder's hours in it: {week: (confirmed, tentative)}."""
    weeks = check_weeks(weeks)
    first = week_or_current(from_, "from", weeks)
    hours = await info.context.loaders.hours_by_placeholder_window.load(
        PersonWindow(root.id, first, weeks, include_tentative is not False)
    )
    return first, weeks, hours


@strawberry.type(
    description="A person ranked for a placeholder: find-available's score over the "
    "placeholder's weeks with hours (docs/design.md)."
)
class PlaceholderCandidate:
    person: PersonRef
    score: float = strawberry.field(
        description="round(0.5 x availabilityPercent + 0.5 x skillScore, 0.1); the skill part "
        "is left out when the placeholder requires no skills."
    )
    availability_percent: float = strawberry.field(
        description="100 x availableHours / the person's capacity in the placeholder's weeks "
        "with hours (capacity-weighted); 0 without capacity."
    )
    available_hours: float = strawberry.field(
        description="Available hours summed over the placeholder's weeks with hours."
    )
    demand_hours: float = strawberry.field(description="The placeholder's hours over those weeks.")
    skill_score: int
    matched_skills: list[str]
    missing_skills: list[str] = strawberry.field(
        description="Required skills not held, or held below the required proficiency."
    )


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
        include_tentative: bool | None = True,
    ) -> list[WeekHours]:
        first, weeks, hours = await _window_hours(root, info, from_, weeks, include_tentative)
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

    @strawberry.field(
        metadata=policy(sized=True),
        description="hoursByWeek as JSON maps (the same load; priced as the list).",
    )
    async def week_maps(
        self,
        root: strawberry.Parent[models.Placeholder],
        info: Info,
        from_: FromArg = None,
        weeks: int | None = 12,
        include_tentative: bool | None = True,
    ) -> WeekHoursMaps:
        first, weeks, hours = await _window_hours(root, info, from_, weeks, include_tentative)
        dates = week_keys(first, weeks)
        confirmed, tentative = split_hours(hours)
        return cast(WeekHoursMaps, HoursMaps(dates, iso_keys(dates), confirmed, tentative))

    @strawberry.field(
        description="People ranked for this placeholder's weeks and required skills "
        "(docs/design.md): active people in scope employed in one of its weeks with hours, by "
        "score, then available hours, name, id. Empty when it has no hours.",
    )
    async def candidates(
        self,
        root: strawberry.Parent[models.Placeholder],
        info: Info,
        limit: int | None = 10,
        department: strawberry.ID | None = None,
        include_children: bool | None = True,
        include_tentative: bool | None = True,
    ) -> list[PlaceholderCandidate]:
        limit = check_range(10 if limit is None else limit, "limit", 1, MAX_LIMIT)
        deps = await department_ids(info, department, include_children)
        ranked = await info.context.loaders.candidates_by_placeholder.load(
            CandidatesKey(
                root.id,
                limit,
                None if deps is None else frozenset(deps),
                include_tentative is not False,
            )
        )
        return [
            PlaceholderCandidate(
                person=c.person,  # resolved from the planning rows
                score=float(c.score),
                availability_percent=float(c.availability_percent),
                available_hours=float(c.available_hours),
                demand_hours=float(c.demand_hours),
                skill_score=c.skill_score,
                matched_skills=c.matched_skills,
                missing_skills=c.missing_skills,
            )
            for c in ranked
        ]
