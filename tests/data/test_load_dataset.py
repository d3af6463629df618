"""load_dataset: one transaction, ids kept, clear errors naming the record, nothing written.
A capgraph-dataset/2 file adds the availability calendar; a /1 file is a /2 file without one."""

import copy
import datetime as dt
import json
import os
import subprocess
import sys
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from assignments.models import Assignment, AssignmentWeek
from calendars.models import WEEKDAYS, Holiday, HolidayCalendar, TimeOff, WorkSchedule
from people.models import Department, Person, PersonSkill
from tests.conftest import DATASETS, REPO
from tests.reference import DATA

CALENDAR = json.loads((DATASETS / "small_calendar.json").read_text())
CALENDAR_MODELS = (HolidayCalendar, Holiday, WorkSchedule, TimeOff)


def counts():
    return tuple(
        m.objects.count()
        for m in (Department, Person, PersonSkill, Assignment, AssignmentWeek, *CALENDAR_MODELS)
    )


def load(data, tmp_path, *args):
    path = tmp_path / "data.json"
    path.write_text(json.dumps(data))
    out = StringIO()
    call_command("load_dataset", str(path), *args, stdout=out)
    return out.getvalue()


def test_replace_loads_every_record_and_keeps_ids(db, tokens, tmp_path):
    output = load(DATA, tmp_path, "--replace")
    assert output.startswith("Loaded data.json in ")
    assert output.split(": ", 1)[1].strip() == (
        "0 holiday calendars, 0 holidays, 20 departments, 12 roles, 61 skill tags, 60 persons, "
        "331 person skills, 0 work schedules, 0 time off entries, 15 projects, 123 assignments, "
        "564 assignment weeks"
    )
    first = DATA["people"][0]
    person = Person.objects.get(pk=first["id"])
    assert (person.name, person.department_id, str(person.weekly_capacity)) == (
        first["name"],
        first["departmentId"],
        f"{first['weeklyCapacity']:.2f}",
    )


def test_non_empty_database_needs_replace(db, tokens, tmp_path):
    before = counts()
    with pytest.raises(CommandError) as err:
        load(DATA, tmp_path)
    assert str(err.value).endswith(
        "data.json: the database already holds data: use --replace to overwrite it; "
        "nothing was written"
    )
    assert counts() == before


def broken(mutate, base=DATA):
    data = copy.deepcopy(base)
    mutate(data)
    return data


def broken_calendar(mutate):
    return broken(mutate, CALENDAR)


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (
            lambda d: d["departments"][3].update(parentId=99),
            "departments[3] (id 4): parentId 99 does not name a department in the file",
        ),
        (
            lambda d: d["people"][5].update(id=d["people"][4]["id"]),
            "people[5] (id 5): duplicate id 5",
        ),
        (
            lambda d: d["people"][0].update(weeklyCapacity=-1),
            "people[0] (id 1): weeklyCapacity must be between 0 and 168, got -1",
        ),
        (
            lambda d: d["people"][0]["skills"][0].update(proficiency="guru"),
            "people[0] (id 1).skills[0]: unknown proficiency 'guru'",
        ),
        (
            lambda d: d["skills"][1].update(name="PYTHON"),
            "skills[1] (id 2): skill name 'PYTHON' repeats another ignoring case",
        ),
        (
            lambda d: d["assignments"][2].update(personId=999),
            "assignments[2] (id 3): personId 999 does not name a person in the file",
        ),
        (
            lambda d: d["assignments"][0]["weeklyHours"].update({"2026-13-01": 4}),
            "assignments[0] (id 1): weeklyHours.2026-13-01 must be a date (YYYY-MM-DD), "
            "got '2026-13-01'",
        ),
        (
            lambda d: d["assignments"][0]["weeklyHours"].update({"2026-11-10": 169}),
            "assignments[0] (id 1): weeklyHours.2026-11-10 must be between 0 and 168, got 169",
        ),
        (
            lambda d: d["projects"][0].update(status="paused"),
            "projects[0] (id 1): unknown status 'paused'",
        ),
        (
            lambda d: d.update(format="other/1"),
            'not a capgraph dataset: "format" must be "capgraph-dataset/1" or "capgraph-dataset/2"',
        ),
    ],
)
def test_invalid_record_is_named_and_nothing_is_written(db, tokens, tmp_path, mutate, message):
    before = counts()
    with pytest.raises(CommandError) as err:
        load(broken(mutate), tmp_path, "--replace")
    assert str(err.value) == f"{tmp_path / 'data.json'}: {message}; nothing was written"
    assert counts() == before


def test_two_keys_naming_one_week_are_refused(db, tokens, tmp_path):
    data = broken(lambda d: d["assignments"][0]["weeklyHours"].update({"2026-11-04": 1}))
    data["assignments"][0]["weeklyHours"]["2026-11-03"] = 2
    before = counts()
    with pytest.raises(
        CommandError,
        match=r"assignments\[0\] \(id 1\): weeklyHours names the "
        r"week of 2026-11-02 twice; nothing was written",
    ):
        load(data, tmp_path, "--replace")
    assert counts() == before


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            broken(lambda d: d["people"][0].update(isActive="yes")),
            "people[0] (id 1): isActive must be a boolean, got 'yes'",
        ),
        (
            broken_calendar(lambda d: d["timeOff"][3].update(endDate="2026-01-01")),
            "timeOff[3] (id 4): endDate 2026-01-01 is before startDate",
        ),
    ],
)
def test_command_line_exits_1_with_the_message(tmp_path, data, message):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data))
    env = {**os.environ, "SQLITE_PATH": str(tmp_path / "db.sqlite3")}
    env.pop("DATABASE_URL", None)
    manage = [sys.executable, str(REPO / "backend" / "manage.py")]
    subprocess.run([*manage, "migrate", "-v", "0"], env=env, check=True)
    result = subprocess.run(
        [*manage, "load_dataset", str(bad)], env=env, capture_output=True, text=True
    )
    assert result.returncode == 1
    assert result.stderr.strip() == f"CommandError: {bad}: {message}; nothing was written"
    assert result.stdout == ""


# capgraph-dataset/2: the availability calendar. Expected counts are the file's own.


def calendar_rows():
    """Every calendar row by its content (holidays and schedules get new ids on each load)."""
    return (
        list(HolidayCalendar.objects.values_list("id", "name", "country", "subdivision")),
        list(Holiday.objects.values_list("calendar_id", "date", "name")),
        list(WorkSchedule.objects.values_list("person_id", "effective_from", *WEEKDAYS)),
        list(
            TimeOff.objects.values_list(
                "id", "person_id", "start_date", "end_date", "hours_per_day", "kind", "note"
            )
        ),
        list(Department.objects.values_list("id", "holiday_calendar_id")),
        list(Person.objects.values_list("id", "end_date", "holiday_calendar_id")),
    )


def test_calendar_file_loads_every_calendar_row(db, tokens, tmp_path):
    output = load(CALENDAR, tmp_path, "--replace")
    summary = dict(
        reversed(part.split(" ", 1)) for part in output.split(": ", 1)[1].strip().split(", ")
    )
    expected = (
        len(CALENDAR["holidayCalendars"]),
        len(CALENDAR["holidays"]),
        sum(len(p["schedules"]) for p in CALENDAR["people"]),
        len(CALENDAR["timeOff"]),
    )
    assert expected == (3, 31, 27, 63)  # the file has some of each
    assert tuple(m.objects.count() for m in CALENDAR_MODELS) == expected
    labels = ("holiday calendars", "holidays", "work schedules", "time off entries")
    assert tuple(int(summary[label]) for label in labels) == expected
    assert (
        Department.objects.filter(holiday_calendar__isnull=False).count(),
        Person.objects.filter(holiday_calendar__isnull=False).count(),
        Person.objects.filter(end_date__isnull=False).count(),
    ) == (
        sum(1 for d in CALENDAR["departments"] if d["holidayCalendarId"] is not None),
        sum(1 for p in CALENDAR["people"] if p["holidayCalendarId"] is not None),
        sum(1 for p in CALENDAR["people"] if p["endDate"] is not None),
    )


def test_calendar_records_keep_their_values(db, tokens, tmp_path):
    load(CALENDAR, tmp_path, "--replace")
    eight, four, zero = Decimal("8.00"), Decimal("4.00"), Decimal("0.00")
    assert list(
        WorkSchedule.objects.filter(person_id=9)
        .order_by("effective_from")
        .values_list("effective_from", *WEEKDAYS)
    ) == [
        (dt.date(2026, 1, 25), eight, eight, eight, eight, zero, zero, zero),
        (dt.date(2027, 4, 30), four, four, four, four, four, zero, zero),
    ]
    assert WorkSchedule.objects.get(person_id=5).hours == (
        Decimal("7.50"), Decimal("7.50"), Decimal("7.50"), Decimal("7.50"), Decimal("6.00"),
        zero, zero,
    )  # fmt: skip
    partial = TimeOff.objects.get(pk=10)
    assert (
        partial.person_id,
        partial.start_date,
        partial.end_date,
        partial.hours_per_day,
        partial.kind,
        partial.note,
    ) == (12, dt.date(2027, 3, 14), dt.date(2027, 3, 15), four, "sick", "")
    whole = TimeOff.objects.get(pk=4)
    assert (whole.person_id, whole.start_date, whole.end_date, whole.hours_per_day) == (
        5,
        dt.date(2027, 3, 30),
        dt.date(2027, 4, 8),
        None,
    )
    engineering = Department.objects.select_related("holiday_calendar").get(pk=1)
    calendar = engineering.holiday_calendar
    assert calendar is not None
    assert (calendar.id, calendar.name, calendar.country, calendar.subdivision) == (
        3,
        "US-CA holidays",
        "US",
        "CA",
    )
    assert Department.objects.get(pk=2).holiday_calendar_id is None  # inherits, stores nothing
    assert HolidayCalendar.objects.get(pk=1).subdivision is None
    christmas = Holiday.objects.filter(calendar_id=1, date__gte=dt.date(2026, 12, 25))
    assert list(christmas.values_list("date", "name")[:2]) == [
        (dt.date(2026, 12, 25), "Christmas Day"),
        (dt.date(2026, 12, 26), "Boxing Day"),
    ]
    assert Person.objects.values_list("end_date", "holiday_calendar_id").get(pk=25) == (
        dt.date(2027, 2, 3),
        2,
    )
    assert Person.objects.values_list("end_date", "holiday_calendar_id").get(pk=6) == (None, 1)


def test_replace_with_the_same_calendar_file_changes_nothing(db, tokens, tmp_path):
    first_output = load(CALENDAR, tmp_path, "--replace")
    first = calendar_rows()
    second_output = load(CALENDAR, tmp_path, "--replace")
    assert calendar_rows() == first
    assert second_output.split(": ", 1)[1] == first_output.split(": ", 1)[1]
    assert tuple(m.objects.count() for m in CALENDAR_MODELS) == (3, 31, 27, 63)


def test_a_format_1_file_replaces_the_calendar_with_none(db, tokens, tmp_path):
    load(CALENDAR, tmp_path, "--replace")
    load(DATA, tmp_path, "--replace")
    assert tuple(m.objects.count() for m in CALENDAR_MODELS) == (0, 0, 0, 0)
    assert not Department.objects.filter(holiday_calendar__isnull=False).exists()
    assert not Person.objects.filter(end_date__isnull=False).exists()
    assert Person.objects.count() == len(DATA["people"])


def test_a_format_2_file_without_calendar_keys_loads_as_format_1(db, tokens, tmp_path):
    as_2 = load({**DATA, "format": "capgraph-dataset/2"}, tmp_path, "--replace")
    as_1 = load(DATA, tmp_path, "--replace")
    assert as_2.split(": ", 1)[1] == as_1.split(": ", 1)[1]
    assert tuple(m.objects.count() for m in CALENDAR_MODELS) == (0, 0, 0, 0)


def test_new_rows_take_ids_after_the_files(db, tokens, tmp_path):
    load(CALENDAR, tmp_path, "--replace")
    calendar = HolidayCalendar.objects.create(name="Company")
    leave = TimeOff.objects.create(
        person_id=1, start_date=dt.date(2026, 11, 2), end_date=dt.date(2026, 11, 2)
    )
    assert (calendar.id, leave.id) == (
        max(c["id"] for c in CALENDAR["holidayCalendars"]) + 1,
        max(t["id"] for t in CALENDAR["timeOff"]) + 1,
    )


def set_schedule_hours(person: int, schedule: int, hours):
    def mutate(d):
        d["people"][person]["schedules"][schedule]["hours"] = hours

    return mutate


def set_in(section: str, index: int, **values):
    return lambda d: d[section][index].update(values)


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (
            set_in("timeOff", 3, endDate="2026-01-01"),
            "timeOff[3] (id 4): endDate 2026-01-01 is before startDate",
        ),
        (
            set_in("timeOff", 0, startDate="2026/10/30"),
            "timeOff[0] (id 1): startDate is not a date (YYYY-MM-DD): '2026/10/30'",
        ),
        (
            set_in("holidays", 1, date="2026-02-30"),
            "holidays[1]: date is not a date (YYYY-MM-DD): '2026-02-30'",
        ),
        (
            lambda d: d["people"][4]["schedules"][0].update(effectiveFrom="20251226"),
            "people[4] (id 5).schedules[0]: effectiveFrom is not a date (YYYY-MM-DD): '20251226'",
        ),
        (
            set_in("people", 24, endDate="2021-07-02"),
            "people[24] (id 25): endDate 2021-07-02 is before hireDate 2021-07-03",
        ),
        (
            set_schedule_hours(4, 0, [7.5, 7.5, 7.5, 7.5, 24.5, 0, 0]),
            "people[4] (id 5).schedules[0]: hours[4] must be between 0 and 24, got 24.5",
        ),
        (
            set_schedule_hours(4, 0, [7.505, 7.5, 7.5, 7.5, 6, 0, 0]),
            "people[4] (id 5).schedules[0]: hours[0] must have at most two decimals, got 7.505",
        ),
        (
            set_schedule_hours(4, 0, [7.5, "8", 7.5, 7.5, 6, 0, 0]),
            "people[4] (id 5).schedules[0]: hours[1] must be a number, got '8'",
        ),
        (
            set_schedule_hours(4, 0, [8, 8, 8, 8, 8, 0]),
            "people[4] (id 5).schedules[0]: hours must list 7 numbers (Monday to Sunday), got 6",
        ),
        (
            lambda d: d["people"][8]["schedules"][1].update(effectiveFrom="2026-01-25"),
            "people[8] (id 9).schedules[1]: another schedule is effective from 2026-01-25",
        ),
        (
            set_in("timeOff", 9, hoursPerDay=24.01),
            "timeOff[9] (id 10): hoursPerDay must be between 0 and 24, got 24.01",
        ),
        (
            set_in("timeOff", 9, hoursPerDay=-1),
            "timeOff[9] (id 10): hoursPerDay must be between 0 and 24, got -1",
        ),
        (
            set_in("timeOff", 0, kind="holiday"),
            "timeOff[0] (id 1): unknown kind 'holiday'",
        ),
        (
            set_in("people", 0, holidayCalendarId=9),
            "people[0] (id 1): holidayCalendarId 9 does not name a holiday calendar in the file",
        ),
        (
            set_in("departments", 1, holidayCalendarId=4),
            "departments[1] (id 2): holidayCalendarId 4 does not name a holiday calendar in the "
            "file",
        ),
        (
            set_in("holidays", 0, calendarId=4),
            "holidays[0]: calendarId 4 does not name a holiday calendar in the file",
        ),
        (
            set_in("timeOff", 0, personId=999),
            "timeOff[0] (id 1): personId 999 does not name a person in the file",
        ),
        (
            set_in("holidays", 1, date="2026-01-01"),
            "holidays[1]: calendar 1 already has a holiday on 2026-01-01",
        ),
        (
            set_in("timeOff", 0, note="x" * 501),
            "timeOff[0] (id 1): note must be at most 500 characters, got 501",
        ),
        (
            set_in("timeOff", 0, note="back on\x00Monday"),
            "timeOff[0] (id 1): note contains a control character: only tab, newline and "
            "carriage return are allowed",
        ),
        (
            set_in("timeOff", 1, id=1),
            "timeOff[1] (id 1): duplicate id 1",
        ),
        (
            set_in("holidayCalendars", 1, name="gb HOLIDAYS"),
            "holidayCalendars[1] (id 2): calendar name 'gb HOLIDAYS' repeats another ignoring case",
        ),
    ],
)
def test_invalid_calendar_record_is_named_and_nothing_is_written(
    db, tokens, tmp_path, mutate, message
):
    before = counts()
    with pytest.raises(CommandError) as err:
        load(broken_calendar(mutate), tmp_path, "--replace")
    assert str(err.value) == f"{tmp_path / 'data.json'}: {message}; nothing was written"
    assert counts() == before


def test_a_note_keeps_tabs_and_newlines(db, tokens, tmp_path):
    load(broken_calendar(set_in("timeOff", 0, note="back\tMonday\nmaybe")), tmp_path, "--replace")
    assert TimeOff.objects.get(pk=1).note == "back\tMonday\nmaybe"
