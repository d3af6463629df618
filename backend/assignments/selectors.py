"""hours(P, W) read from the database: the one place it is queried.

docs/design.md: hours(P, W) is the sum of `AssignmentWeek.hours` over P's active assignments.
`counted_weeks` is the set of rows that sum covers; the functions below are the shapes the
loaders and reports need, each one query. A report passes its `scope` (and the department
subtree it asks for): then only active people in scope count, as every report defines.
`include_tentative=False` leaves out the hours of TENTATIVE assignments (a WHERE on the
weeks' own `tentative` column, no join).

Placeholders' hours (`placeholder_hours_by_week`) are read here too, from the placeholders'
rows only: `AssignmentWeek.objects` holds people's rows and nothing else.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Collection
from decimal import Decimal
from typing import Any

from django.db.models import F, IntegerField, Q, Sum, Value
from django.db.models.functions import Cast, Round

from accounts.access import Scope
from core.rows import fetch_all
from planning.capacity import ZERO
from planning.weeks import monday, week_keys

from .models import AssignmentWeek, PersonOwnedRows, PlaceholderOwnedRows

HoursMap = dict[int, dict[dt.date, Decimal]]
# {owner id: {week: (confirmed hours, tentative hours)}}, weeks without hours left out.
SplitMap = dict[int, dict[dt.date, tuple[Decimal, Decimal]]]


def _split(rows: Any, owner: str) -> SplitMap:
    """Sum `rows` per owner and week, confirmed and tentative apart (one GROUP BY)."""
    result: SplitMap = defaultdict(dict)
    for owner_id, week, tentative, total in (
        rows.values_list(owner, "week", "tentative").annotate(total=Sum("hours")).order_by()
    ):
        confirmed, held = result[owner_id].get(week, (ZERO, ZERO))
        if tentative:
            result[owner_id][week] = (confirmed, held + total)
        else:
            result[owner_id][week] = (confirmed + total, held)
    return result


def split_hours_by_person_week(
    first: dt.date,
    last: dt.date,
    person_ids: Collection[int] | None = None,
    *,
    scope: Scope | None = None,
    departments: Collection[int] | None = None,
    include_tentative: bool = True,
) -> SplitMap:
    """hours(P, W) in first..last, split into confirmed and tentative (of `person_ids`, or
    with a `scope` of the active people in it and in `departments`)."""
    rows = counted_weeks(
        first,
        last,
        person_ids=person_ids,
        scope=scope,
        departments=departments,
        include_tentative=include_tentative,
    )
    return _split(rows, "person_id")


class IntegerCast(Cast):
    """CAST(... AS integer): the database hands back an int (PostgreSQL, SQLite), so the
    per-row int() Django adds for an IntegerField expression is left out; on PostgreSQL
    that leaves split_cents_by_person_week's rows with no converter at all (about 50,000
    rows at 10,000 people: Django's converter pass was a fifth of reading them)."""

    def __init__(self, expression: Any) -> None:
        super().__init__(expression, IntegerField())

    def get_db_converters(self, connection: Any) -> list[Any]:
        return self.output_field.get_db_converters(connection)


class Cents(IntegerCast):
    """Hours (numeric(5, 2)) as integer cents. PostgreSQL's numeric to integer cast rounds,
    so no ROUND; SQLite keeps the hours as floats (0.29 * 100 is 28.999999999999996) and
    its CAST truncates: ROUND first there."""

    def __init__(self, hours: str) -> None:
        super().__init__(F(hours) * Value(100))

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return compiler.compile(IntegerCast(Round(self.source_expressions[0])))


# {person id: {week: [confirmed cents, tentative cents]}}, weeks without hours left out.
CentsMap = dict[int, dict[dt.date, list[int]]]


def split_cents_by_person_week(
    first: dt.date,
    last: dt.date,
    *,
    scope: Scope,
    departments: Collection[int] | None = None,
    include_tentative: bool = True,
) -> CentsMap:
    """split_hours_by_person_week for a whole report (the heatmap), in integer cents: the
    rows themselves (hours x 100 as an integer in SQL, `Cents`; no GROUP BY) summed here. At
    10,000 people the GROUP BY's sort spilled to disk at PostgreSQL's default work_mem and
    merged only a tenth of the rows, and a Decimal per cell was most of the report's
    arithmetic (docs/scaling.md)."""
    rows = counted_weeks(
        first, last, scope=scope, departments=departments, include_tentative=include_tentative
    )
    result: CentsMap = defaultdict(dict)
    for owner_id, week, tentative, amount in fetch_all(
        rows.values_list("person_id", "week", "tentative", Cents("hours")).order_by()
    ):
        cell = result[owner_id].get(week)
        if cell is None:
            cell = result[owner_id][week] = [0, 0]
        cell[tentative] += amount
    return result


def placeholder_weeks(
    first: dt.date,
    last: dt.date,
    *,
    placeholder_ids: Collection[int] | None = None,
    scope: Scope | None = None,
    departments: Collection[int] | None = None,
    include_tentative: bool = True,
) -> PlaceholderOwnedRows:
    """The placeholders' rows that count (active assignments) in first..last: of
    `placeholder_ids`, or with a `scope` of the placeholders in it (and in `departments`)."""
    rows = AssignmentWeek.placeholder_rows.filter(
        week__gte=first, week__lte=last, assignment__is_active=True
    )
    if not include_tentative:
        rows = rows.filter(tentative=False)
    if placeholder_ids is not None:
        rows = rows.filter(placeholder_id__in=placeholder_ids)
    if scope is not None:
        rows = rows.visible_to(scope).in_departments(departments)
    return rows


def placeholder_hours_by_week(
    first: dt.date,
    last: dt.date,
    placeholder_ids: Collection[int],
    include_tentative: bool = True,
) -> SplitMap:
    """A placeholder's hours per week (its active assignments), confirmed and tentative."""
    rows = placeholder_weeks(
        first, last, placeholder_ids=placeholder_ids, include_tentative=include_tentative
    )
    return _split(rows, "placeholder_id")


def unstaffed_by_role_week(
    first: dt.date,
    last: dt.date,
    scope: Scope,
    departments: Collection[int] | None,
    roles: Collection[int] | None,
    include_tentative: bool = True,
) -> dict[int, dict[dt.date, Decimal]]:
    """{role_id: {week: hours}} of the placeholders in scope (the roleCapacity report's
    `unstaffed`): one GROUP BY over the placeholders' rows."""
    rows = placeholder_weeks(
        first, last, scope=scope, departments=departments, include_tentative=include_tentative
    )
    if roles is not None:
        rows = rows.filter(placeholder__role_id__in=roles)
    result: dict[int, dict[dt.date, Decimal]] = defaultdict(dict)
    for role_id, week, total in (
        rows.values_list("placeholder__role_id", "week").annotate(total=Sum("hours")).order_by()
    ):
        result[role_id][week] = total
    return result


# (people's confirmed, people's tentative, placeholders' confirmed, placeholders' tentative)
StaffingHours = tuple[Decimal, Decimal, Decimal, Decimal]


def staffing_by_project_week(
    first: dt.date,
    last: dt.date,
    project_ids: Collection[int],
    scope: Scope,
    include_tentative: bool = True,
) -> dict[int, dict[dt.date, StaffingHours]]:
    """Project.staffing: per project and week, the hours of its active assignments of active
    people and of placeholders the viewer may see, by owner kind and status (one GROUP BY)."""
    rows = (
        AssignmentWeek.all_rows.filter(
            week__gte=first,
            week__lte=last,
            assignment__is_active=True,
            assignment__project_id__in=project_ids,
        )
        .filter(Q(person__is_active=True) | Q(placeholder__isnull=False))
        .visible_to(scope)
    )
    if not include_tentative:
        rows = rows.filter(tentative=False)
    result: dict[int, dict[dt.date, StaffingHours]] = defaultdict(dict)
    for project_id, week, tentative, people, placeholders in (
        rows.values_list("assignment__project_id", "week", "tentative")
        .annotate(
            people=Sum("hours", filter=Q(person__isnull=False)),
            placeholders=Sum("hours", filter=Q(placeholder__isnull=False)),
        )
        .order_by()
    ):
        pc, pt, uc, ut = result[project_id].get(week, (ZERO, ZERO, ZERO, ZERO))
        people, placeholders = people or ZERO, placeholders or ZERO
        if tentative:
            result[project_id][week] = (pc, pt + people, uc, ut + placeholders)
        else:
            result[project_id][week] = (pc + people, pt, uc + placeholders, ut)
    return result


def counted_weeks(
    first: dt.date | None = None,
    last: dt.date | None = None,
    *,
    weeks: Collection[dt.date] | None = None,
    person_ids: Collection[int] | None = None,
    scope: Scope | None = None,
    departments: Collection[int] | None = None,
    include_tentative: bool = True,
) -> PersonOwnedRows:
    """The rows hours(P, W) sums, in weeks first..last (or among `weeks`), of `person_ids`;
    with a `scope`, of active people in it (and in `departments`)."""
    rows = AssignmentWeek.objects.all()
    if not include_tentative:
        rows = rows.filter(tentative=False)
    if first is not None:
        rows = rows.filter(week__gte=first, week__lte=last)
    if weeks is not None:
        rows = rows.filter(week__in=weeks)
    rows = rows.filter(assignment__is_active=True)
    if scope is not None:
        rows = rows.filter(person__is_active=True).visible_to(scope).in_departments(departments)
    if person_ids is not None:
        rows = rows.filter(person_id__in=person_ids)
    return rows


def hours_by_person_week(
    first: dt.date | None = None,
    last: dt.date | None = None,
    *,
    weeks: Collection[dt.date] | None = None,
    person_ids: Collection[int] | None = None,
    scope: Scope | None = None,
    departments: Collection[int] | None = None,
    include_tentative: bool = True,
) -> HoursMap:
    """{person_id: {week: hours(P, W)}}; weeks without hours are left out. One GROUP BY."""
    rows = counted_weeks(
        first,
        last,
        weeks=weeks,
        person_ids=person_ids,
        scope=scope,
        departments=departments,
        include_tentative=include_tentative,
    )
    result: HoursMap = defaultdict(dict)
    for person_id, week, total in (
        rows.values_list("person_id", "week").annotate(total=Sum("hours")).order_by()
    ):
        result[person_id][week] = total
    return result


def split_hours_of_people_in_weeks(
    weeks: Collection[dt.date], person_ids: Collection[int], include_tentative: bool = True
) -> SplitMap:
    """hours(P, W) of `person_ids` in `weeks`, confirmed and tentative apart."""
    rows = counted_weeks(weeks=weeks, person_ids=person_ids, include_tentative=include_tentative)
    return _split(rows, "person_id")


def project_hours_by_person_week(
    project_ids: Collection[int],
    weeks: Collection[dt.date],
    person_ids: Collection[int],
    include_tentative: bool = True,
) -> dict[tuple[int, int, dt.date], tuple[Decimal, Decimal]]:
    """{(project_id, person_id, week): (confirmed, tentative)} over the same rows: P's hours
    on a project."""
    rows = counted_weeks(
        weeks=weeks, person_ids=person_ids, include_tentative=include_tentative
    ).filter(assignment__project_id__in=project_ids)
    result: dict[tuple[int, int, dt.date], tuple[Decimal, Decimal]] = {}
    for project_id, person_id, week, tentative, total in (
        rows.values_list("assignment__project_id", "person_id", "week", "tentative")
        .annotate(total=Sum("hours"))
        .order_by()
    ):
        confirmed, held = result.get((project_id, person_id, week), (ZERO, ZERO))
        result[project_id, person_id, week] = (
            (confirmed, held + total) if tentative else (confirmed + total, held)
        )
    return result


def hours_by_assignment_and_person(
    first: dt.date,
    last: dt.date,
    scope: Scope,
    departments: Collection[int] | None,
    include_tentative: bool = True,
    placeholders: bool = False,
) -> tuple[HoursMap, HoursMap]:
    """({assignment_id: {week: hours}}, {owner_id: {week: hours(P, W)}}) from one read of
    the rows: the grid shows both, and summing the rows it reads anyway costs no query.
    `placeholders`: the placeholders' rows in scope instead of the people's."""
    by_assignment: HoursMap = defaultdict(dict)
    by_person: HoursMap = defaultdict(dict)
    owner = "placeholder_id" if placeholders else "person_id"
    if placeholders:
        rows: Any = placeholder_weeks(
            first, last, scope=scope, departments=departments, include_tentative=include_tentative
        )
    else:
        rows = counted_weeks(
            first, last, scope=scope, departments=departments, include_tentative=include_tentative
        )
    rows = rows.order_by("assignment_id", "week")
    for assignment_id, person_id, week, hours in rows.values_list(
        "assignment_id", owner, "week", "hours"
    ):
        by_assignment[assignment_id][week] = hours
        per_week = by_person[person_id]
        per_week[week] = per_week.get(week, ZERO) + hours
    return by_assignment, by_person


# {id: {"<Monday>": hours}}: the grid's answer as it is sent, weeks in order
IsoHoursMap = dict[int, dict[str, float]]


def iso_hours_by_assignment_and_person(
    first: dt.date,
    last: dt.date,
    scope: Scope,
    departments: Collection[int] | None,
    include_tentative: bool = True,
    placeholders: bool = False,
) -> tuple[IsoHoursMap, IsoHoursMap]:
    """`hours_by_assignment_and_person` shaped as the grid sends it, in one pass over the
    same rows: ISO weeks as keys, hours as floats of the exact sums, weeks in order. The
    grid's 26 weeks at 500 people spent more time reshaping the maps afterwards than reading
    them, and then most of that pass on Decimals: the hours are read as integer cents
    (`Cents`, as split_cents_by_person_week's), summed as ints and divided once
    (int / int is correctly rounded: the float of the exact sum, as float(Decimal) gives)."""
    owner = "placeholder_id" if placeholders else "person_id"
    if placeholders:
        rows: Any = placeholder_weeks(
            first, last, scope=scope, departments=departments, include_tentative=include_tentative
        )
    else:
        rows = counted_weeks(
            first, last, scope=scope, departments=departments, include_tentative=include_tentative
        )
    weeks = week_keys(first, (last - monday(first)).days // 7 + 1)
    keys = [week.isoformat() for week in weeks]
    slot = {week: i for i, week in enumerate(weeks)}
    by_assignment: IsoHoursMap = {}
    # {owner id: {week's slot: cents}}: slots sort as the weeks do
    sums: dict[int, dict[int, int]] = {}
    owner_id, per_week = None, {}
    assignment_id, current = None, {}
    # by owner, assignment, then week: each owner's rows arrive together, and within them
    # each assignment's weeks, in order
    for row_assignment, row_owner, week, amount in rows.order_by(
        owner, "assignment_id", "week"
    ).values_list("assignment_id", owner, "week", Cents("hours")):
        if row_assignment != assignment_id:
            assignment_id, current = row_assignment, by_assignment.setdefault(row_assignment, {})
            if row_owner != owner_id:
                owner_id, per_week = row_owner, sums.setdefault(row_owner, {})
        i = slot[week]
        current[keys[i]] = amount / 100
        per_week[i] = per_week.get(i, 0) + amount
    by_owner = {
        owner_key: {keys[i]: cents[i] / 100 for i in sorted(cents)}
        for owner_key, cents in sums.items()
    }
    return by_assignment, by_owner


def placeholder_hours_all_weeks(placeholder_ids: Collection[int]) -> SplitMap:
    """Placeholders' hours per week over their active assignments, all weeks (what
    Placeholder.candidates ranks over), confirmed and tentative."""
    rows = AssignmentWeek.placeholder_rows.filter(
        assignment__is_active=True, placeholder_id__in=placeholder_ids
    )
    return _split(rows, "placeholder_id")


def split_hours_in_weeks(
    weeks: Collection[dt.date], scope: Scope, departments: Collection[int] | None
) -> SplitMap:
    """hours(P, W) of the active people in scope (and `departments`) in `weeks`, confirmed
    and tentative apart."""
    return _split(counted_weeks(weeks=weeks, scope=scope, departments=departments), "person_id")
