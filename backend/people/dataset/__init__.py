"""Reading a `capgraph-dataset/1` or `/2` file (see datasets/generate.py) into the database.

Everything is validated before anything is written; the write is one transaction of bulk
inserts. Ids in the file become primary keys. /2 adds the availability calendar (calendar.py)
and demand (placeholders, assignments of placeholders, assignment status); its keys are all
optional, so a /1 file reads the same under either name.
"""

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from itertools import islice
from typing import Any

from django.core.management.color import no_style
from django.db import connection

from accounts.models import ApiToken
from assignments.models import Assignment, AssignmentWeek
from calendars.models import Holiday, HolidayCalendar, TimeOff, WorkSchedule
from changes import log
from core.dataversion import write_transaction
from core.errors import InvalidInput
from demand.models import Placeholder, PlaceholderSkill
from planning.hours import parse_amount, parse_week
from projects.models import Project

from ..models import Department, Person, PersonSkill, Role, SkillTag
from . import calendar
from .fields import DatasetError, Reader, date, ids, need, ref, text

__all__ = ["FORMATS", "MODELS", "DatasetError", "is_empty", "load", "parse"]

FORMATS = ("capgraph-dataset/1", "capgraph-dataset/2")
# In insert order: what a row points at comes before it.
MODELS = [
    HolidayCalendar,
    Holiday,
    Department,
    Role,
    SkillTag,
    Person,
    PersonSkill,
    WorkSchedule,
    TimeOff,
    Project,
    Placeholder,
    PlaceholderSkill,
    Assignment,
    AssignmentWeek,
]
LABELS: dict[type, str] = {TimeOff: "time off entries"}  # Django would say "time offs"
# Counted in the summary only when the file has some (the summary of a file without
# demand reads as it always has).
OPTIONAL_COUNTS = (Placeholder, PlaceholderSkill)
BATCH = 2000


class WeekRows:
    """The AssignmentWeek rows of a validated dataset, made as they are inserted: at 10,000
    people (628,389 rows) model instances for all of them at once took most of a load's
    memory. Each source is an assignment's validated weeklyHours, read again by __iter__."""

    def __init__(self) -> None:
        self.sources: list[tuple[int, int | None, int | None, bool, dict[str, Any]]] = []
        self.count = 0

    def add(self, source: tuple[int, int | None, int | None, bool, dict[str, Any]], n: int) -> None:
        self.sources.append(source)
        self.count += n

    def __len__(self) -> int:
        return self.count

    def __bool__(self) -> bool:
        return self.count > 0

    def __iter__(self) -> Iterator[AssignmentWeek]:
        for pk, person_id, placeholder_id, tentative, weekly in self.sources:
            for key, value in weekly.items():
                hours = parse_amount(value, key)
                if hours != Decimal(0):
                    yield AssignmentWeek(
                        assignment_id=pk,
                        person_id=person_id,
                        placeholder_id=placeholder_id,
                        tentative=tentative,
                        week=parse_week(key, key),
                        hours=hours,
                    )


def parse(data: Any) -> dict[type, list[Any]]:
    """Validate a whole dataset and build unsaved model instances, by model."""
    reader = Reader(data, FORMATS)
    out: dict[type, list[Any]] = {m: [] for m in MODELS}
    calendar_ids = calendar.calendars(reader, out)

    dep_rows = reader.records("departments")
    dep_ids: set[int] = set()
    for where, row in dep_rows:
        ids(where, row, dep_ids)
    for where, row in dep_rows:
        parent = ref(row, "parentId", where, dep_ids, "department", nullable=True)
        if parent == row["id"]:
            raise DatasetError(f"{where}: a department cannot be its own parent")
        out[Department].append(
            Department(
                id=row["id"],
                name=need(row, "name", where, str).strip(),
                parent_id=parent,
                holiday_calendar_id=calendar.calendar_of(row, where, calendar_ids),
            )
        )

    role_ids: set[int] = set()
    role_names: set[str] = set()
    for where, row in reader.records("roles"):
        ids(where, row, role_ids)
        name = need(row, "name", where, str).strip()
        if name in role_names:
            raise DatasetError(f"{where}: duplicate role name {name!r}")
        role_names.add(name)
        out[Role].append(Role(id=row["id"], name=name))

    skill_ids: set[int] = set()
    skill_names: set[str] = set()
    for where, row in reader.records("skills"):
        ids(where, row, skill_ids)
        name = need(row, "name", where, str).strip()
        if name.casefold() in skill_names:
            raise DatasetError(f"{where}: skill name {name!r} repeats another ignoring case")
        skill_names.add(name.casefold())
        category = row.get("category") or ""
        out[SkillTag].append(SkillTag(id=row["id"], name=name, category=str(category)))

    person_ids: set[int] = set()
    for where, row in reader.records("people"):
        ids(where, row, person_ids)
        try:
            capacity = parse_amount(row.get("weeklyCapacity"), "weeklyCapacity")
        except InvalidInput as e:
            raise DatasetError(f"{where}: {e.message}") from None
        hired = date(row, "hireDate", where)
        out[Person].append(
            Person(
                id=row["id"],
                name=need(row, "name", where, str).strip(),
                email=row.get("email") or None,
                department_id=ref(row, "departmentId", where, dep_ids, "department", True),
                role_id=ref(row, "roleId", where, role_ids, "role", True),
                weekly_capacity=capacity,
                hire_date=hired,
                end_date=calendar.end_date(row, where, hired),
                holiday_calendar_id=calendar.calendar_of(row, where, calendar_ids),
                is_active=need(row, "isActive", where, bool),
            )
        )
        calendar.schedules(row, where, out)
        seen_skill: set[tuple[int, str]] = set()
        for j, skill in enumerate(need(row, "skills", where, list)):
            swhere = f"{where}.skills[{j}]"
            if not isinstance(skill, dict):
                raise DatasetError(f"{swhere}: must be an object")
            skill_id = ref(skill, "skillId", swhere, skill_ids, "skill", False)
            proficiency = need(skill, "proficiency", swhere, str)
            kind = need(skill, "kind", swhere, str)
            if proficiency not in PersonSkill.Proficiency.values:
                raise DatasetError(f"{swhere}: unknown proficiency {proficiency!r}")
            if kind not in PersonSkill.Kind.values:
                raise DatasetError(f"{swhere}: unknown kind {kind!r}")
            if (skill_id, kind) in seen_skill:
                raise DatasetError(f"{swhere}: skill {skill_id} with kind {kind} repeats")
            seen_skill.add((skill_id, kind))
            out[PersonSkill].append(
                PersonSkill(
                    person_id=row["id"], skill_id=skill_id, proficiency=proficiency, kind=kind
                )
            )

    project_ids: set[int] = set()
    for where, row in reader.records("projects"):
        ids(where, row, project_ids)
        status = need(row, "status", where, str)
        if status not in Project.Status.values:
            raise DatasetError(f"{where}: unknown status {status!r}")
        start, end = date(row, "startDate", where), date(row, "endDate", where)
        if start and end and end < start:
            raise DatasetError(f"{where}: endDate is before startDate")
        client = row.get("client")
        if client is not None and not isinstance(client, str):
            raise DatasetError(f"{where}: client must be a string or null")
        out[Project].append(
            Project(
                id=row["id"],
                name=need(row, "name", where, str).strip(),
                client=client.strip() or None if client else None,
                status=status,
                start_date=start,
                end_date=end,
            )
        )

    placeholder_ids = _placeholders(reader, out, role_ids, dep_ids, skill_ids)

    week_rows = WeekRows()
    out[AssignmentWeek] = week_rows  # type: ignore[assignment]

    assignment_ids: set[int] = set()
    for where, row in reader.records("assignments"):
        pk = ids(where, row, assignment_ids)
        if ("personId" in row) == ("placeholderId" in row):
            raise DatasetError(f"{where}: give exactly one of personId and placeholderId")
        person_id = placeholder_id = None
        if "placeholderId" in row:
            placeholder_id = ref(row, "placeholderId", where, placeholder_ids, "placeholder", False)
        else:
            person_id = ref(row, "personId", where, person_ids, "person", False)
        status = row.get("status", Assignment.Status.CONFIRMED)
        if status not in Assignment.Status.values:
            raise DatasetError(f"{where}: unknown status {status!r}")
        role = row.get("roleOnProject")
        out[Assignment].append(
            Assignment(
                id=pk,
                person_id=person_id,
                placeholder_id=placeholder_id,
                project_id=ref(row, "projectId", where, project_ids, "project", False),
                role_on_project=role.strip() or None if isinstance(role, str) else None,
                is_active=need(row, "isActive", where, bool),
                status=status,
            )
        )
        seen_weeks: set[dt.date] = set()
        weekly = need(row, "weeklyHours", where, dict)
        counted = 0
        for key, value in weekly.items():
            try:
                week = parse_week(key, f"weeklyHours.{key}")
                hours = parse_amount(value, f"weeklyHours.{key}")
            except InvalidInput as e:
                raise DatasetError(f"{where}: {e.message}") from None
            if week in seen_weeks:
                raise DatasetError(f"{where}: weeklyHours names the week of {week} twice")
            seen_weeks.add(week)
            if hours != Decimal(0):
                counted += 1
        week_rows.add(
            (pk, person_id, placeholder_id, status == Assignment.Status.TENTATIVE, weekly),
            counted,
        )
    calendar.time_off(reader, out, person_ids)
    _check_tree(out[Department])
    return out


def _placeholders(
    reader: Reader,
    out: dict[type, list[Any]],
    role_ids: set[int],
    dep_ids: set[int],
    skill_ids: set[int],
) -> set[int]:
    """placeholders[]: id, name, roleId, departmentId (optional, or null), skills[]
    {skillId, minProficiency} (optional). Returns their ids."""
    placeholder_ids: set[int] = set()
    for where, row in reader.records("placeholders"):
        ids(where, row, placeholder_ids)
        department = (
            ref(row, "departmentId", where, dep_ids, "department", True)
            if "departmentId" in row
            else None
        )
        out[Placeholder].append(
            Placeholder(
                id=row["id"],
                name=text(row, "name", where, 200),
                role_id=ref(row, "roleId", where, role_ids, "role", False),
                department_id=department,
            )
        )
        seen: set[int] = set()
        for j, skill in enumerate(need(row, "skills", where, list) if "skills" in row else []):
            swhere = f"{where}.skills[{j}]"
            if not isinstance(skill, dict):
                raise DatasetError(f"{swhere}: must be an object")
            skill_id = ref(skill, "skillId", swhere, skill_ids, "skill", False)
            level = need(skill, "minProficiency", swhere, str)
            if level not in PersonSkill.Proficiency.values:
                raise DatasetError(f"{swhere}: unknown proficiency {level!r}")
            if skill_id in seen:
                raise DatasetError(f"{swhere}: skill {skill_id} repeats")
            seen.add(skill_id)
            out[PlaceholderSkill].append(
                PlaceholderSkill(placeholder_id=row["id"], skill_id=skill_id, min_proficiency=level)
            )
    return placeholder_ids


def _check_tree(departments: list[Department]) -> None:
    parent = {d.id: d.parent_id for d in departments}
    for dep in departments:
        seen = set()
        current: int | None = dep.id
        while current is not None:
            if current in seen:
                raise DatasetError(f"departments (id {dep.id}): the parent chain loops")
            seen.add(current)
            current = parent.get(current)


def is_empty() -> bool:
    return not any(
        m.objects.exists() for m in (Department, Person, Project, SkillTag, Role, HolidayCalendar)
    )


@write_transaction
def load(data: Any, replace: bool = False) -> dict[str, int]:
    objects = parse(data)
    restrictions: list[tuple[int, int]] = []
    if replace:
        # Tokens outlive a replace: their department restrictions are restored below for
        # the department ids the new data still has.
        through = ApiToken.departments.through
        restrictions = list(through.objects.values_list("apitoken_id", "department_id"))
        Department.objects.update(parent=None)  # parents are PROTECTed
        for model in reversed(MODELS):
            model._default_manager.all().delete()
    elif not is_empty():
        raise DatasetError("the database already holds data: use --replace to overwrite it")
    for model in MODELS:
        rows = iter(objects[model])  # batch by batch: WeekRows makes its rows as they go
        while batch := list(islice(rows, BATCH)):
            model._default_manager.bulk_create(batch, batch_size=BATCH)
    kept = {d.id for d in objects[Department]}
    ApiToken.departments.through.objects.bulk_create(
        ApiToken.departments.through(apitoken_id=t, department_id=d)
        for t, d in restrictions
        if d in kept
    )
    statements = connection.ops.sequence_reset_sql(no_style(), MODELS)
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
    if connection.vendor == "postgresql":
        # Fresh statistics for the planner: before autovacuum's next pass, it would plan the
        # reports over tens of thousands of new rows with the estimates of empty tables
        # (at 10,000 people the role-capacity statement took 3x as long that way).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE " + ", ".join(m._meta.db_table for m in MODELS))
    counts = {
        LABELS.get(m, str(m._meta.verbose_name_plural)): len(objects[m])
        for m in MODELS
        if objects[m] or m not in OPTIONAL_COUNTS
    }
    # One summary row, not one per record (docs/design.md, "Change log"): a partner that
    # reads it re-reads everything, which a load (or a replace) calls for anyway.
    fields = {"replace": {"after": replace}, "records": {"after": counts}}
    log.append_one(log.DATASET, 0, log.UPDATE if replace else log.CREATE, fields)
    return counts
