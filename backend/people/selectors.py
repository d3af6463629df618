"""People as the reports and the export read them: plain rows, one query each."""

from collections import defaultdict
from collections.abc import Collection

from accounts.access import Scope
from core.rows import fetch_all
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
    return [PersonFacts(*row) for row in fetch_all(qs.values_list(*FACT_FIELDS))]


# A report asks about everyone in scope: binding thousands of ids costs more (in Django, the
# driver and the planner) than the report's people query as a subquery (`among`), as in
# calendars.selectors.
MAX_ID_LIST = 64


def _names_pattern(requested: Collection[str]) -> str:
    """A regular expression (the same in PostgreSQL and in Python, SQLite's REGEXP) for the
    skill names that can equal one of `requested` ignoring case (str.casefold, as
    planning.skills compares them): a superset, exact for ASCII names. An ASCII name
    casefolds to ASCII, so it can only match a requested name whose casefold is ASCII: spelled
    here letter by letter in both cases. Any name with a character outside printable ASCII
    is let through whole (planning.skills.skill_score ignores a skill nobody asked for)."""
    spelled = []
    for name in requested:
        key = name.casefold()
        if key.isascii():
            spelled.append(
                "".join(
                    f"[{c.upper()}{c}]" if c.isalpha() else c if c.isdigit() else "\\" + c
                    for c in key
                )
            )
    return "|".join([f"^(?:{'|'.join(spelled)})$", "[^ -~]"] if spelled else ["[^ -~]"])


def held_skills(
    person_ids: Collection[int],
    among: PersonRows | None = None,
    requested: Collection[str] | None = None,
) -> dict[int, list[HeldSkill]]:
    """The skills `person_ids` hold; with `among` (a query of people holding them all) and
    more than MAX_ID_LIST ids, read through a join with it instead of an id list. With
    `requested`, only (a superset of) the skills with those names (_names_pattern): what a
    skill score reads, not every skill of ten thousand people."""
    result: dict[int, list[HeldSkill]] = defaultdict(list)
    if among is not None and len(person_ids) > MAX_ID_LIST:
        rows = PersonSkill.objects.filter(person_id__in=among.order_by().values("id"))
    else:
        rows = PersonSkill.objects.filter(person_id__in=person_ids)
    if requested is not None:
        rows = rows.filter(skill__name__regex=_names_pattern(requested))
    for person_id, name, proficiency, kind in rows.values_list(
        "person_id", "skill__name", "proficiency", "kind"
    ):
        result[person_id].append(HeldSkill(name, proficiency, kind))
    return result
