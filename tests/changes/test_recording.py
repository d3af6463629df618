"""Each write path appends exactly its Change rows: fields before/after, actor, department;
a rolled-back write leaves none."""

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

from accounts.access import EVERYTHING
from assignments.models import Assignment
from changes import log
from changes.models import Change
from people import services as people
from people.models import Person, SkillTag
from tests.calendar import (
    ASSIGN_CALENDAR,
    CREATE_CALENDAR,
    CREATE_TIME_OFF,
    DELETE_TIME_OFF,
    SET_HOLIDAYS,
    SET_SCHEDULE,
    UPDATE_TIME_OFF,
)
from tests.changes import last_id, named_client, row, rows_after
from tests.conftest import SMALL
from tests.helpers import (
    CREATE_ASSIGNMENT,
    CREATE_PERSON,
    CREATE_PROJECT,
    DELETE_ASSIGNMENT,
    DELETE_PERSON,
    DELETE_PROJECT,
    SET_SKILLS,
    UPDATE_ASSIGNMENT,
    UPDATE_PERSON,
    UPDATE_PROJECT,
)

BULK = """mutation($items: [AssignmentHoursInput!]!) { bulkUpdateAssignmentHours(items: $items)
  { assignments { id version } } }"""
ACTOR = "token:partner-sync"
# Lynn Berners-Lee (person 4, in Web, department 3) and her assignment 10 (project 11,
# 4 h in the week of 2026-12-07 and 2 h in that of 2026-12-28).
LYNN = {
    "name": "Lynn Berners-Lee",
    "email": "lynn.bernerslee.4@example.com",
    "departmentId": 3,
    "roleId": 12,
    "weeklyCapacity": 40.0,
    "hireDate": "2021-08-22",
    "endDate": None,
    "isActive": True,
    "holidayCalendarId": None,
}


@pytest.fixture
def api(db, tokens):
    return named_client("partner-sync")


def test_create_update_and_delete_a_person(api):
    since = last_id()
    made = api.post(CREATE_PERSON, {"input": {"name": "Grace Hopper", "departmentId": "3"}})
    new = int(made.data["createPerson"]["person"]["id"])
    api.post(UPDATE_PERSON, {"id": str(new), "input": {"departmentId": "7", "name": "G. Hopper"}})
    api.post(DELETE_PERSON, {"id": str(new)})
    after = {
        "name": "Grace Hopper",
        "email": None,
        "departmentId": 3,
        "roleId": None,
        "weeklyCapacity": 40.0,
        "hireDate": None,
        "endDate": None,
        "isActive": True,
        "holidayCalendarId": None,
    }
    moved = {**after, "name": "G. Hopper", "departmentId": 7}
    assert rows_after(since) == [
        row("person", new, "create", {k: {"after": v} for k, v in after.items()}, ACTOR, 3),
        row(
            "person",
            new,
            "update",
            {
                "name": {"before": "Grace Hopper", "after": "G. Hopper"},
                "departmentId": {"before": 3, "after": 7},
            },
            ACTOR,
            7,
            previous=3,
        ),
        row("person", new, "delete", {k: {"before": v} for k, v in moved.items()}, ACTOR, 7),
    ]


def test_an_update_that_changes_nothing_appends_nothing(api):
    since = last_id()
    api.post(UPDATE_PERSON, {"id": "4", "input": {"name": "Lynn Berners-Lee"}})
    assert rows_after(since) == []


def test_setting_skills_records_the_person_and_a_new_skill_and_touches_the_person(api):
    since = last_id()
    touched = Person.objects.get(pk=4).updated_at
    before = sorted(
        (
            {"skill": s.skill.name, "proficiency": s.proficiency, "kind": s.kind}
            for s in Person.objects.get(pk=4).skills.select_related("skill")
        ),
        key=lambda e: (e["skill"], e["kind"]),
    )
    api.post(
        SET_SKILLS,
        {
            "id": "4",
            "skills": [
                {"skill": "Zig", "proficiency": "BEGINNER", "kind": "GOAL"},
                {"skill": "python", "proficiency": "EXPERT"},
            ],
        },
    )
    zig = SkillTag.objects.get(name="Zig").pk
    python = SkillTag.objects.get(name__iexact="python").name  # the existing spelling
    assert rows_after(since) == [
        row("skill", zig, "create", {"name": {"after": "Zig"}, "category": {"after": ""}}, ACTOR),
        row(
            "person",
            4,
            "update",
            {
                "skills": {
                    "before": before,
                    "after": [
                        {"skill": python, "proficiency": "expert", "kind": "strength"},
                        {"skill": "Zig", "proficiency": "beginner", "kind": "goal"},
                    ],
                }
            },
            ACTOR,
            3,
        ),
    ]
    assert Person.objects.get(pk=4).updated_at > touched


def test_create_update_and_delete_a_project(api):
    since = last_id()
    made = api.post(CREATE_PROJECT, {"input": {"name": "Apollo", "client": "NASA"}})
    new = int(made.data["createProject"]["project"]["id"])
    api.post(UPDATE_PROJECT, {"id": str(new), "input": {"status": "ACTIVE"}})
    api.post(DELETE_PROJECT, {"id": str(new)})
    created = {
        "name": "Apollo",
        "client": "NASA",
        "status": "planning",
        "startDate": None,
        "endDate": None,
    }
    assert rows_after(since) == [
        row("project", new, "create", {k: {"after": v} for k, v in created.items()}, ACTOR),
        row("project", new, "update", {"status": {"before": "planning", "after": "active"}}, ACTOR),
        row(
            "project",
            new,
            "delete",
            {k: {"before": v} for k, v in {**created, "status": "active"}.items()},
            ACTOR,
        ),
    ]


def test_an_assignments_hours_record_the_weeks_changed_and_touch_it(api):
    since = last_id()
    touched = Assignment.objects.get(pk=10).updated_at
    api.post(
        UPDATE_ASSIGNMENT,
        {
            "id": "10",
            "input": {"expectedVersion": 1, "weeklyHours": {"2026-12-07": 4, "2027-01-04": 8}},
        },
    )
    assert rows_after(since) == [
        row(
            "assignment",
            10,
            "update",
            {
                "version": {"before": 1, "after": 2},
                "weeklyHours": {
                    "before": {"2026-12-28": 2.0, "2027-01-04": 0.0},
                    "after": {"2026-12-28": 0.0, "2027-01-04": 8.0},
                },
            },
            ACTOR,
            3,
        )
    ]
    assert Assignment.objects.get(pk=10).updated_at > touched


def test_bulk_hours_record_one_row_per_assignment_with_its_changed_weeks(api):
    since = last_id()
    r = api.post(
        BULK,
        {
            "items": [
                {
                    "assignmentId": "10",
                    "expectedVersion": 1,
                    "weeklyHours": {"2026-12-28": 5, "2026-12-14": 0},
                },
                {
                    "assignmentId": "11",
                    "expectedVersion": 1,
                    "weeklyHours": {"2027-01-04": 20},
                    "mode": "REPLACE",
                },
            ]
        },
    )
    assert r.data["bulkUpdateAssignmentHours"]["assignments"] == [
        {"id": "10", "version": 2},
        {"id": "11", "version": 2},
    ]
    version = {"before": 1, "after": 2}
    assert rows_after(since) == [
        row(
            "assignment",
            10,
            "update",
            {
                "version": version,
                "weeklyHours": {"before": {"2026-12-28": 2.0}, "after": {"2026-12-28": 5.0}},
            },
            ACTOR,
            3,
        ),
        row(
            "assignment",
            11,
            "update",
            {
                "version": version,
                "weeklyHours": {
                    "before": {"2026-12-28": 24.0, "2027-01-04": 22.5},
                    "after": {"2026-12-28": 0.0, "2027-01-04": 20.0},
                },
            },
            ACTOR,
            3,
        ),
    ]


def test_create_and_delete_an_assignment(api):
    since = last_id()
    made = api.post(
        CREATE_ASSIGNMENT,
        {"input": {"personId": "4", "projectId": "1", "weeklyHours": {"2027-01-04": 6}}},
    )
    new = int(made.data["createAssignment"]["assignment"]["id"])
    api.post(DELETE_ASSIGNMENT, {"id": str(new), "v": 1})
    fields = {
        "personId": 4,
        "projectId": 1,
        "roleOnProject": None,
        "isActive": True,
        "status": "confirmed",
        "version": 1,
    }
    assert rows_after(since) == [
        row(
            "assignment",
            new,
            "create",
            {
                **{k: {"after": v} for k, v in fields.items()},
                "weeklyHours": {"after": {"2027-01-04": 6.0}},
            },
            ACTOR,
            3,
        ),
        row("assignment", new, "delete", {k: {"before": v} for k, v in fields.items()}, ACTOR, 3),
    ]


def test_time_off_writes(api):
    since = last_id()
    made = api.post(
        CREATE_TIME_OFF,
        {"input": {"personId": "4", "startDate": "2027-01-04", "endDate": "2027-01-08"}},
    )
    new = int(made.data["createTimeOff"]["timeOff"]["id"])
    api.post(UPDATE_TIME_OFF, {"id": str(new), "input": {"kind": "SICK", "hoursPerDay": 4}})
    api.post(DELETE_TIME_OFF, {"id": str(new)})
    created = {
        "personId": 4,
        "startDate": "2027-01-04",
        "endDate": "2027-01-08",
        "hoursPerDay": None,
        "kind": "vacation",
        "note": "",
    }
    updated = {**created, "kind": "sick", "hoursPerDay": 4.0}
    assert rows_after(since) == [
        row("timeOff", new, "create", {k: {"after": v} for k, v in created.items()}, ACTOR, 3),
        row(
            "timeOff",
            new,
            "update",
            {
                "hoursPerDay": {"before": None, "after": 4.0},
                "kind": {"before": "vacation", "after": "sick"},
            },
            ACTOR,
            3,
        ),
        row("timeOff", new, "delete", {k: {"before": v} for k, v in updated.items()}, ACTOR, 3),
    ]


def test_work_schedule_writes(api):
    since = last_id()
    hours = [8, 8, 8, 8, 4, 0, 0]
    for value in (hours, [8, 8, 8, 8, 8, 0, 0], None):
        api.post(SET_SCHEDULE, {"person": "4", "from": "2027-01-04", "hours": value})
    (first, *_) = rows_after(since)
    new = first["entity_id"]
    days = dict(zip(log.camel("monday tuesday wednesday thursday friday saturday sunday")
                    .split(" "), hours, strict=True))  # fmt: skip
    created = {
        "personId": 4,
        "effectiveFrom": "2027-01-04",
        **{k: float(v) for k, v in days.items()},
    }
    assert rows_after(since) == [
        row("workSchedule", new, "create", {k: {"after": v} for k, v in created.items()}, ACTOR, 3),
        row("workSchedule", new, "update", {"friday": {"before": 4.0, "after": 8.0}}, ACTOR, 3),
        row(
            "workSchedule",
            new,
            "delete",
            {k: {"before": v} for k, v in {**created, "friday": 8.0}.items()},
            ACTOR,
            3,
        ),
    ]


def test_holiday_calendar_writes_are_for_everyone(api):
    since = last_id()
    made = api.post(CREATE_CALENDAR, {"input": {"name": "Company", "country": "GB"}})
    new = int(made.data["createHolidayCalendar"]["holidayCalendar"]["id"])
    holidays = [{"date": "2026-12-25", "name": "Christmas Day"}]
    window = {"id": str(new), "from": "2026-12-01", "to": "2026-12-31"}
    api.post(SET_HOLIDAYS, {**window, "holidays": holidays})
    api.post(SET_HOLIDAYS, {**window, "holidays": [{"date": "2026-12-24", "name": "Eve"}]})
    api.post(ASSIGN_CALENDAR, {"calendar": str(new), "person": "4"})
    api.post(ASSIGN_CALENDAR, {"calendar": str(new), "department": "7"})
    calendar_id = {"before": None, "after": new}
    assert rows_after(since) == [
        row(
            "holidayCalendar",
            new,
            "create",
            {
                "name": {"after": "Company"},
                "country": {"after": "GB"},
                "subdivision": {"after": None},
            },
            ACTOR,
        ),
        row(
            "holidayCalendar",
            new,
            "update",
            {
                "holidays": {
                    "before": {"2026-12-25": None},
                    "after": {"2026-12-25": "Christmas Day"},
                }
            },
            ACTOR,
        ),
        row(
            "holidayCalendar",
            new,
            "update",
            {
                "holidays": {
                    "before": {"2026-12-24": None, "2026-12-25": "Christmas Day"},
                    "after": {"2026-12-24": "Eve", "2026-12-25": None},
                }
            },
            ACTOR,
        ),
        row("person", 4, "update", {"holidayCalendarId": calendar_id}, ACTOR, 3),
        row("department", 7, "update", {"holidayCalendarId": calendar_id}, ACTOR),
    ]


def test_a_session_users_writes_name_the_user(db, tokens):
    from django.contrib.auth.models import User

    from tests.client import GraphQLClient
    from tests.helpers import login

    User.objects.create_user("planner", password="secret")
    web = GraphQLClient()
    status, _ = login(web)
    assert status == 200
    since = last_id()
    csrf = {"X-CSRFToken": web.cookies["csrftoken"]}
    web.post(UPDATE_PROJECT, {"id": "1", "input": {"client": "Initech"}}, headers=csrf)
    assert rows_after(since) == [
        row(
            "project",
            1,
            "update",
            {"client": {"before": "Umbrella", "after": "Initech"}},
            "user:planner",
        )
    ]


def test_a_rolled_back_write_leaves_no_change_row(db, tokens):
    count, name = Change.objects.count(), Person.objects.get(pk=4).name
    with pytest.raises(RuntimeError), transaction.atomic():
        people.update_person(4, {"name": "Someone Else"}, EVERYTHING)  # written and logged
        assert Change.objects.count() == count + 1
        raise RuntimeError("the rest of the write failed")
    assert Change.objects.count() == count
    assert Person.objects.get(pk=4).name == name


def test_a_write_outside_a_transaction_is_refused(db):
    with pytest.raises(RuntimeError, match="outside a transaction"):
        # pytest-django's own transaction is open: step out of it to see the refusal.
        from django.db import connection

        atomic = connection.in_atomic_block
        connection.in_atomic_block = False
        try:
            log.append_one(log.PROJECT, 1, log.UPDATE, {})
        finally:
            connection.in_atomic_block = atomic


def test_load_dataset_appends_one_summary_row(db, tokens):
    data = json.loads(SMALL.read_text())
    since = last_id()
    call_command("load_dataset", str(SMALL), "--replace", stdout=StringIO())
    (summary,) = rows_after(since)
    records = summary["fields"]["records"]["after"]
    assert (records["persons"], records["projects"], records["assignments"]) == (
        len(data["people"]),
        len(data["projects"]),
        len(data["assignments"]),
    )
    assert summary == row(
        "dataset",
        0,
        "update",
        {"replace": {"after": True}, "records": {"after": records}},
        "command:load_dataset",
    )


def test_changes_carry_their_time(api):
    started = dt.datetime.now(dt.UTC)
    since = last_id()
    api.post(UPDATE_PROJECT, {"id": "1", "input": {"client": "Initech"}})
    (change,) = Change.objects.filter(pk__gt=since)
    assert started <= change.created_at <= dt.datetime.now(dt.UTC)
