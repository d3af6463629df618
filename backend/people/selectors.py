"""People as the reports and the export read them: plain rows, one query each."""

from collections import defaultdict
from collections.abc import Collection

from accounts.access import Scope
from planning.reports import PersonFacts
from planning.skills import HeldSkill

from .models import Person, PersonRows, PersonSkill

FACT_FIELDS = (
    "id",
    "name",
    "weekly_capacity",
    "hire_date",
    "department_id",
    "role_id",
    "email",
    "end_date",
    "holiday_calendar_id",
)


def people_in_scope(scope: Scope, departments: Collection[int] | None) -> PersonRows:
    """Active people in `scope` and in `departments` (None: any), as a queryset."""
    return Person.objects.filter(is_active=True).visible_to(scope).in_departments(departments)


def active_people(scope: Scope, departments: Collection[int] | None) -> list[PersonFacts]:
    """Active people in scope, by name then id (rows, not model instances: reports read
    hundreds of people and only these attributes)."""
    qs = people_in_scope(scope, departments).order_by("name", "id")
    return [PersonFacts(*row) for row in qs.values_list(*FACT_FIELDS)]


def held_skills(person_ids: Collection[int]) -> dict[int, list[HeldSkill]]:
    result: dict[int, list[HeldSkill]] = defaultdict(list)
    rows = PersonSkill.objects.filter(person_id__in=person_ids).values_list(
        "person_id", "skill__name", "proficiency", "kind"
    )
    for person_id, name, proficiency, kind in rows:
        result[person_id].append(HeldSkill(name, proficiency, kind))
    return result
