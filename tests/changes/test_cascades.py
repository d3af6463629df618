"""Deleting a person or a project deletes rows with it (assignments and their weeks, time
off, work schedules): the change log lists one DELETE per deleted row of a logged type, in
the same transaction, before the deleted record's own row, so a partner's mirror that
applies the feed (or its webhooks) ends up without them too (changes/cascade.py)."""

import datetime as dt
from decimal import Decimal

from assignments.models import Assignment, AssignmentWeek
from calendars.models import TimeOff, WorkSchedule
from changes import log
from changes.models import Change
from people.models import Person
from tests.changes import LOG_QUERIES, last_id, named_client, row, rows_after
from tests.client import exact_queries
from tests.helpers import DELETE_PERSON, DELETE_PROJECT

ACTOR = "token:partner-sync"
FEED = """query($after: String) { changes(after: $after, first: 50) {
  edges { node { entityType entityId operation fields } } } }"""


def assignment_before(a: Assignment) -> dict:
    return {
        "personId": a.person_id,
        "projectId": a.project_id,
        "roleOnProject": a.role_on_project,
        "isActive": a.is_active,
        "status": a.status,
        "version": a.version,
    }


def deleted(fields: dict) -> dict:
    return {k: {"before": v} for k, v in fields.items()}


def test_deleting_a_person_logs_each_assignment_time_off_and_schedule_deleted_with_them(db, tokens):
    # given Lynn (person 4, Web: department 3) with four assignments, time off and a schedule
    api = named_client("partner-sync")
    leave = TimeOff.objects.create(
        person_id=4, start_date=dt.date(2027, 1, 4), end_date=dt.date(2027, 1, 8), note="Ski"
    )
    schedule = WorkSchedule.objects.create(
        person_id=4, effective_from=dt.date(2027, 2, 1), monday=Decimal("7.5")
    )
    lynn = Person.objects.get(pk=4)
    assignments = list(Assignment.objects.filter(person_id=4).order_by("pk"))
    assert [a.pk for a in assignments] == [10, 11, 12, 13]
    since = last_id()

    # when she is deleted
    r = api.post(DELETE_PERSON, {"id": "4"})

    # then one row per assignment, her time off and schedule, then hers: all in department 3
    assert r.data == {"deletePerson": {"id": "4"}}
    schedule_fields = {"personId": 4, "effectiveFrom": "2027-02-01", "monday": 7.5}
    schedule_fields |= {d: 0.0 for d in ("tuesday", "wednesday", "thursday", "friday")}
    schedule_fields |= {"saturday": 0.0, "sunday": 0.0}
    assert rows_after(since) == [
        *(
            row("assignment", a.pk, "delete", deleted(assignment_before(a)), ACTOR, 3)
            for a in assignments
        ),
        row(
            "timeOff",
            leave.pk,
            "delete",
            deleted(
                {
                    "personId": 4,
                    "startDate": "2027-01-04",
                    "endDate": "2027-01-08",
                    "hoursPerDay": None,
                    "kind": "vacation",
                    "note": "Ski",
                }
            ),
            ACTOR,
            3,
        ),
        row("workSchedule", schedule.pk, "delete", deleted(schedule_fields), ACTOR, 3),
        row(
            "person",
            4,
            "delete",
            deleted(
                {
                    "name": lynn.name,
                    "email": lynn.email,
                    "departmentId": 3,
                    "roleId": lynn.role_id,
                    "weeklyCapacity": 40.0,
                    "hireDate": "2021-08-22",
                    "endDate": None,
                    "isActive": True,
                    "holidayCalendarId": None,
                }
            ),
            ACTOR,
            3,
        ),
    ]
    assert not Assignment.objects.filter(person_id=4).exists()
    assert not AssignmentWeek.objects.filter(person_id=4).exists()
    # the rows are one INSERT in the delete's transaction: consecutive sequences
    ids = list(Change.objects.filter(pk__gt=since).order_by("pk").values_list("pk", flat=True))
    assert ids == list(range(ids[0], ids[0] + 7))


def test_deleting_a_project_logs_its_assignments_in_their_peoples_departments(
    db, tokens, client_for
):
    # given project 7, whose seven assignments belong to people of several departments
    api = named_client("partner-sync")
    assignments = list(
        Assignment.objects.filter(project_id=7).select_related("person").order_by("pk")
    )
    assert [a.pk for a in assignments] == [54, 61, 81, 86, 93, 97, 107]
    since = last_id()

    # when it is deleted
    r = api.post(DELETE_PROJECT, {"id": "7"})

    # then each assignment's row carries its person's department, then the project's row
    assert r.data == {"deleteProject": {"id": "7"}}
    rows = rows_after(since)
    assert rows[:-1] == [
        row(
            "assignment",
            a.pk,
            "delete",
            deleted(assignment_before(a)),
            ACTOR,
            a.person.department_id,
        )
        for a in assignments
    ]
    assert (rows[-1]["entity_type"], rows[-1]["entity_id"], rows[-1]["operation"]) == (
        "project",
        7,
        "delete",
    )
    # and a department-restricted partner reads the deletions of its departments' rows only
    web = {a.pk for a in assignments if a.person.department_id in (1, 2, 3, 4, 5, 6)}
    nodes = client_for(tokens.engineering).post(FEED, {"after": None}).data
    seen = [
        (n["node"]["entityType"], int(n["node"]["entityId"]))
        for n in nodes["changes"]["edges"]
        if n["node"]["operation"] == "DELETE"
    ]
    assert seen == [("ASSIGNMENT", pk) for pk in sorted(web)] + [("PROJECT", 7)]
    assert 0 < len(web) < len(assignments)


def test_a_delete_without_cascades_costs_one_query_more_for_each_logged_kind_of_row(db, tokens):
    """What the cascade costs: deleting a person reads their time off and schedules (Django
    deletes those without reading them otherwise); assignments Django reads anyway."""
    from accounts.access import EVERYTHING
    from people import services as people

    made = Person.objects.create(name="Nobody", department_id=3)
    since = last_id()
    # lock, collect (assignments, weeks, skills...), read time off and schedules, delete
    # (each table), the log
    with exact_queries(11 + LOG_QUERIES) as ctx:
        people.delete_person(made.pk, EVERYTHING)
    assert [r["entity_type"] for r in rows_after(since)] == ["person"]
    selects = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("SELECT")]
    assert any('FROM "calendars_timeoff"' in s for s in selects)
    assert any('FROM "calendars_workschedule"' in s for s in selects)
    assert log.PERSON == "person"
