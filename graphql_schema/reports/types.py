from __future__ import annotations

import datetime as dt
import enum
from typing import TYPE_CHECKING, Annotated, NamedTuple

import strawberry

from graphql_schema.assignments.types import AssignmentStatus
from graphql_schema.people.types import Role
from graphql_schema.policy import policy
from graphql_schema.scalars import JSON

if TYPE_CHECKING:
    from graphql_schema.people.types import Person

PersonRef = Annotated["Person", strawberry.lazy("graphql_schema.people.types")]


@strawberry.enum(description="The kind of a time-off entry.")
class AbsenceKind(enum.Enum):
    VACATION = "vacation"
    SICK = "sick"
    PARENTAL = "parental"
    OTHER = "other"


@strawberry.type(description="A time-off entry overlapping a report's window.")
class Absence:
    kind: AbsenceKind
    start_date: dt.date
    end_date: dt.date
    hours_per_day: float | None = strawberry.field(description="Null: whole days.")
    name: str = strawberry.field(description="The time off's note.")
    time_off_id: strawberry.ID


@strawberry.type(description="A holiday: a day the calendar's followers have no capacity.")
class ReportHoliday:
    date: dt.date
    name: str


@strawberry.type(
    description="The holidays in a report's window of one calendar its people follow (listed "
    "once per calendar, not per person: rows name theirs in holidayCalendarId)."
)
class ReportHolidays:
    calendar_id: strawberry.ID
    holidays: list[ReportHoliday] = strawberry.field(metadata=policy(items=10))


@strawberry.type
class HeatmapRow:
    person: PersonRef
    weekly_capacity: float
    hours_by_week: JSON = strawberry.field(description='{ "<Monday>": hours }, non-zero weeks.')
    percent_by_week: JSON = strawberry.field(
        description='{ "<Monday>": utilization % }, every week; null where capacity is 0.'
    )
    available_by_week: JSON = strawberry.field(description='{ "<Monday>": hours }, every week.')
    capacity_by_week: JSON = strawberry.field(
        description='{ "<Monday>": capacity }, every week (schedule, holidays, time off).'
    )
    time_off_by_week: JSON = strawberry.field(
        description='{ "<Monday>": hours removed by time off }, non-zero weeks.'
    )
    holiday_by_week: JSON = strawberry.field(
        description='{ "<Monday>": scheduled hours on holidays }, non-zero weeks.'
    )
    absences: list[Absence] = strawberry.field(
        metadata=policy(items=5), description="Time off in the window, by start date."
    )
    holiday_calendar_id: strawberry.ID | None = strawberry.field(
        description="The holiday calendar followed (own or the department's): its holidays "
        "are in the report's `holidays`."
    )
    peak_percent: float | None = strawberry.field(description="Highest weekly utilization.")
    average_percent: float | None = strawberry.field(
        description="100 * hours / capacity over the weeks with capacity, rounded to 0.1."
    )
    tentative_by_week: JSON = strawberry.field(
        description='{ "<Monday>": tentative hours included in hoursByWeek }, non-zero weeks '
        "(empty when includeTentative is false)."
    )


@strawberry.type
class CapacityHeatmap:
    week_keys: list[dt.date]
    holidays: list[ReportHolidays] = strawberry.field(metadata=policy(items=3))
    rows: list[HeatmapRow] = strawberry.field(metadata=policy(items=500))  # people in scope


@strawberry.type
class SkillMatch:
    person: PersonRef
    score: float
    skill_score: int
    matched_skills: list[str]
    missing_skills: list[str]


@strawberry.type
class AvailableCandidate:
    person: PersonRef
    score: float
    available_hours: float
    capacity: float
    utilization_percent: float | None
    skill_score: int
    matched_skills: list[str]
    missing_skills: list[str]
    hours: float = strawberry.field(
        description="Hours planned in the week (with capacity 0 and hours > 0: over capacity)."
    )


@strawberry.enum
class AvailabilityScope(enum.Enum):
    ASSIGNED = "assigned"
    DEPARTMENTS = "departments"


@strawberry.type
class PersonAvailability:
    person: PersonRef
    project_hours: float
    total_hours: float
    capacity: float
    available_hours: float
    utilization_percent: float | None


@strawberry.type
class GridPerson:
    id: strawberry.ID
    name: str
    weekly_capacity: float
    department_id: strawberry.ID | None
    role_id: strawberry.ID | None
    email: str | None = strawberry.field(description="Tells apart two people of the same name.")
    first_eligible_week: dt.date | None = strawberry.field(
        description="Monday of the hire week; hours before it are refused. Null: no hire date."
    )
    end_date: dt.date | None = strawberry.field(description="The last day employed.")
    capacity_by_week: JSON = strawberry.field(
        description='{ "<Monday>": capacity }, every week (schedule, holidays, time off).'
    )
    time_off_by_week: JSON = strawberry.field(
        description='{ "<Monday>": hours removed by time off }, non-zero weeks.'
    )
    holiday_by_week: JSON = strawberry.field(
        description='{ "<Monday>": scheduled hours on holidays }, non-zero weeks.'
    )
    absences: list[Absence] = strawberry.field(
        metadata=policy(items=5), description="Time off in the window, by start date."
    )
    holiday_calendar_id: strawberry.ID | None = strawberry.field(
        description="The holiday calendar followed (own or the department's): its holidays "
        "are in the report's `holidays`."
    )


@strawberry.type
class GridAssignment:
    id: strawberry.ID
    person_id: strawberry.ID
    project_id: strawberry.ID
    project_name: str
    project_client: str | None
    role_on_project: str | None
    version: int
    weekly_hours: JSON = strawberry.field(description='{ "<Monday>": hours } inside the window.')
    status: AssignmentStatus


class GridAssignmentRow(NamedTuple):
    """A GridAssignment as gridSnapshot makes it: a tuple with the type's attributes, which
    both execution paths read by name (the type has no interface: nothing checks the class).
    A 26-week grid makes one per active assignment, and the type's keyword __init__ took 2.5
    times as long (medium.json, 909 rows: 1.16 -> 0.45 ms; tests/reports/test_grid_selection.py
    holds the fields to the type's)."""

    id: str
    person_id: str
    project_id: str
    project_name: str
    project_client: str | None
    role_on_project: str | None
    version: int
    weekly_hours: dict[str, float]
    status: AssignmentStatus


@strawberry.type(description="A placeholder (unstaffed demand) as a row of the grid.")
class GridPlaceholder:
    id: strawberry.ID
    name: str
    role_id: strawberry.ID
    department_id: strawberry.ID | None
    hours_by_week: JSON = strawberry.field(
        description='{ "<Monday>": hours } over its assignments in the window, non-zero weeks.'
    )


@strawberry.type(description="An active assignment of a grid placeholder.")
class GridPlaceholderAssignment:
    id: strawberry.ID
    placeholder_id: strawberry.ID
    project_id: strawberry.ID
    project_name: str
    project_client: str | None
    role_on_project: str | None
    status: AssignmentStatus
    version: int
    weekly_hours: JSON = strawberry.field(description='{ "<Monday>": hours } inside the window.')


@strawberry.type
class GridSnapshot:
    week_keys: list[dt.date]
    holidays: list[ReportHolidays] = strawberry.field(metadata=policy(items=3))
    people: list[GridPerson] = strawberry.field(metadata=policy(items=500))
    hours_by_person: JSON = strawberry.field(
        description='{ "<personId>": { "<Monday>": hours } }, non-zero weeks only.'
    )
    # 10: the estimate this list has always had (it shared Person.assignments' name)
    assignments: list[GridAssignment] = strawberry.field(metadata=policy(items=10))
    placeholders: list[GridPlaceholder] = strawberry.field(
        metadata=policy(items=20),
        description="Placeholders in scope with an active assignment listed, by name then id.",
    )
    placeholder_assignments: list[GridPlaceholderAssignment] = strawberry.field(
        metadata=policy(items=20),
        description="Their active assignments: by placeholder, then the assignment order.",
    )


@strawberry.type
class RoleSeries:
    role: Role
    assigned: list[float]
    capacity: list[float]
    unstaffed: list[float] = strawberry.field(
        description="Placeholder hours of the role by week (demand with no one on it)."
    )


@strawberry.type
class RoleCapacityReport:
    week_keys: list[dt.date]
    roles: list[Role] = strawberry.field(metadata=policy(items=50))
    series: list[RoleSeries] = strawberry.field(metadata=policy(items=20))


@strawberry.type(description="A project's hours in one week, by who holds them.")
class StaffingWeek:
    week: dt.date
    confirmed_hours: float = strawberry.field(description="People's CONFIRMED hours.")
    tentative_hours: float = strawberry.field(
        description="People's TENTATIVE hours (0 when includeTentative is false)."
    )
    unstaffed_hours: float = strawberry.field(
        description="Placeholders' hours (their TENTATIVE ones only when includeTentative)."
    )
