"""fillPlaceholder over HTTP: exact hours moved, versions, the change log and the data version
in the same transaction; refusals change nothing; two concurrent fills of one placeholder
assignment on PostgreSQL have exactly one winner."""

import datetime as dt
import threading
import time
from decimal import Decimal

import pytest
from django.db import connection, transaction

from accounts.access import EVERYTHING
from assignments.fill import fill_placeholder
from assignments.models import Assignment, AssignmentWeek
from assignments.services import week_row
from changes.models import Change
from core import dataversion
from core.errors import VersionConflict
from demand.models import Placeholder
from tests.helpers import db_state, only_error, weeks_of
from tests.reference import hours as ref_hours
from tests.writes.test_bulk_concurrency import committed, in_thread

FILL = """mutation($id: ID!, $person: ID!, $v: Int!, $from: Date, $to: Date) {
  fillPlaceholder(placeholderAssignmentId: $id, personId: $person, expectedVersion: $v,
    from: $from, to: $to) {
    assignment { id version status weeklyHours person { id } project { id } }
    placeholderAssignment { id version weeklyHours }
    remainingHours
    overbookedWeeks { week hours capacity } } }"""
W1, W2, W3 = dt.date(2027, 1, 4), dt.date(2027, 1, 11), dt.date(2027, 1, 18)


def make_booking(department_id=3, hours=None, status="tentative", project_id=1):
    placeholder = Placeholder.objects.create(
        name="Senior developer", role_id=2, department_id=department_id
    )
    booking = Assignment.all_rows.create(
        placeholder=placeholder, project_id=project_id, status=status, role_on_project="Dev"
    )
    hours = hours or {W1: Decimal(10), W2: Decimal(20), W3: Decimal(30)}
    AssignmentWeek.all_rows.bulk_create(week_row(booking, w, h) for w, h in hours.items())
    return booking


def changes_since(since: int) -> list[tuple]:
    return list(
        Change.objects.filter(id__gt=since)
        .order_by("id")
        .values_list("entity_type", "entity_id", "operation", "fields", "department_id")
    )


def last_change() -> int:
    return Change.objects.order_by("-id").values_list("id", flat=True).first() or 0


def test_fill_some_weeks_into_the_persons_assignment(gql, db):
    booking = make_booking()
    since, version = last_change(), dataversion.current()
    # Any day names its week: 13 Jan is in the week of 11 Jan, 20 Jan in that of 18 Jan.
    r = gql.post(
        FILL,
        {"id": str(booking.pk), "person": "4", "v": 1, "from": "2027-01-13", "to": "2027-01-20"},
    )
    assert not r.errors
    # Lynn (person 4) has assignment 13 on project 1 (16 h in the week of 18 Jan): it takes
    # the hours and keeps its status.
    assert r.data["fillPlaceholder"] == {
        "assignment": {
            "id": "13",
            "version": 2,
            "status": "CONFIRMED",
            "weeklyHours": {"2027-01-11": 20.0, "2027-01-18": 46.0},
            "person": {"id": "4"},
            "project": {"id": "1"},
        },
        "placeholderAssignment": {
            "id": str(booking.pk),
            "version": 2,
            "weeklyHours": {"2027-01-04": 10.0},
        },
        "remainingHours": 10.0,
        "overbookedWeeks": [{"week": "2027-01-18", "hours": 46.0, "capacity": 40.0}],
    }
    assert weeks_of(13) == {"2027-01-11": Decimal(20), "2027-01-18": Decimal(46)}
    assert weeks_of(booking.pk) == {"2027-01-04": Decimal(10)}
    assert not AssignmentWeek.all_rows.filter(assignment_id=13, tentative=True).exists()
    assert changes_since(since) == [
        (
            "assignment",
            13,
            "update",
            {
                "version": {"before": 1, "after": 2},
                "weeklyHours": {
                    "before": {"2027-01-11": 0.0, "2027-01-18": 16.0},
                    "after": {"2027-01-11": 20.0, "2027-01-18": 46.0},
                },
            },
            3,
        ),
        (
            "assignment",
            booking.pk,
            "update",
            {
                "version": {"before": 1, "after": 2},
                "weeklyHours": {
                    "before": {"2027-01-11": 20.0, "2027-01-18": 30.0},
                    "after": {"2027-01-11": 0.0, "2027-01-18": 0.0},
                },
            },
            3,
        ),
    ]
    assert dataversion.current() != version


def test_fill_everything_makes_a_new_assignment_and_removes_the_emptied_one(gql, db):
    booking = make_booking()
    since = last_change()
    r = gql.post(FILL, {"id": str(booking.pk), "person": "10", "v": 1})
    payload = r.data["fillPlaceholder"]
    new = Assignment.objects.get(person_id=10, project_id=1)
    overbooked = [
        {"week": w.isoformat(), "hours": float(ref_hours(10, w) + h), "capacity": 40.0}
        for w, h in ((W1, 10), (W2, 20), (W3, 30))
        if ref_hours(10, w) + h > 40
    ]
    assert payload == {
        "assignment": {
            "id": str(new.pk),
            "version": 1,
            "status": "TENTATIVE",  # a new assignment takes the placeholder assignment's
            "weeklyHours": {"2027-01-04": 10.0, "2027-01-11": 20.0, "2027-01-18": 30.0},
            "person": {"id": "10"},
            "project": {"id": "1"},
        },
        "placeholderAssignment": None,
        "remainingHours": 0.0,
        "overbookedWeeks": overbooked,
    }
    assert (new.role_on_project, new.is_active) == ("Dev", True)
    assert AssignmentWeek.all_rows.filter(assignment=new, tentative=True).count() == 3
    assert not Assignment.all_rows.filter(pk=booking.pk).exists()
    assert changes_since(since) == [
        (
            "assignment",
            new.pk,
            "create",
            {
                "personId": {"after": 10},
                "projectId": {"after": 1},
                "roleOnProject": {"after": "Dev"},
                "isActive": {"after": True},
                "status": {"after": "tentative"},
                "version": {"after": 1},
                "weeklyHours": {
                    "after": {"2027-01-04": 10.0, "2027-01-11": 20.0, "2027-01-18": 30.0}
                },
            },
            3,
        ),
        (
            "assignment",
            booking.pk,
            "delete",
            {
                "placeholderId": {"before": booking.placeholder_id},
                "projectId": {"before": 1},
                "roleOnProject": {"before": "Dev"},
                "isActive": {"before": True},
                "status": {"before": "tentative"},
                "version": {"before": 1},
            },
            3,
        ),
    ]


def test_overbooked_weeks_read_the_calendar(gql, db):
    # Person 1 is hired on Saturday 9 Jan 2027: in the week of 4 Jan she has no capacity.
    booking = make_booking(hours={W1: Decimal(1), W2: Decimal(41)})
    r = gql.post(FILL, {"id": str(booking.pk), "person": "1", "v": 1})
    assert r.data["fillPlaceholder"]["overbookedWeeks"] == [
        {"week": "2027-01-04", "hours": float(ref_hours(1, W1) + 1), "capacity": 0.0},
        {"week": "2027-01-11", "hours": float(ref_hours(1, W2) + 41), "capacity": 40.0},
    ]


def refused(gql, variables, client=None) -> tuple[str, dict]:
    before = db_state(), last_change()
    r = (client or gql).post(FILL, variables)
    assert (db_state(), last_change()) == before  # nothing changed, nothing logged
    return only_error(r)


def test_a_stale_version_is_a_conflict_and_changes_nothing(gql, db):
    booking = make_booking()
    message, ext = refused(gql, {"id": str(booking.pk), "person": "4", "v": 7})
    assert message == f"Assignment changed since it was read: {booking.pk}"
    assert ext["code"] == "CONFLICT"
    assert ext["conflicts"] == [{"assignmentId": str(booking.pk), "currentVersion": 1}]


def test_a_restricted_token_fills_only_in_its_departments(gql, client_for, tokens, db):
    web = client_for(tokens.web)  # write, department 3 (Web)
    booking = make_booking(department_id=3)
    # Person 5 is in department 6: outside the token's, read as missing.
    message, ext = refused(gql, {"id": str(booking.pk), "person": "5", "v": 1}, web)
    assert (message, ext["code"], ext["field"]) == ("Person 5 not found", "NOT_FOUND", "personId")
    # A placeholder assignment outside its departments, or of no department: missing too.
    for department in (6, None):
        other = make_booking(department_id=department)
        message, ext = refused(gql, {"id": str(other.pk), "person": "4", "v": 1}, web)
        assert (message, ext["code"]) == (f"Assignment {other.pk} not found", "NOT_FOUND")
    # Inside its departments it fills.
    r = web.post(FILL, {"id": str(booking.pk), "person": "10", "v": 1})
    assert r.data["fillPlaceholder"]["remainingHours"] == 0.0
    # The read token may not write at all.
    message, ext = refused(
        gql, {"id": str(booking.pk), "person": "4", "v": 1}, client_for(tokens.read)
    )
    assert ext["code"] == "FORBIDDEN"


@pytest.mark.parametrize(
    ("person", "extra", "weeks", "message", "field"),
    [
        ("16", {}, None, "personId: {name} is not active", "personId"),
        (
            "1",
            {},
            {dt.date(2026, 12, 28): Decimal(5)},
            "personId: {name} is not employed in the week of 2026-12-28",
            "personId",
        ),
        (
            "4",
            {"from": "2027-01-18", "to": "2027-01-04"},
            None,
            "from must not be after to",
            "from",
        ),
        (
            "4",
            {"from": "2027-02-01"},
            None,
            "Assignment {booking} has no hours to move in those weeks",
            "from",
        ),
        ("999", {}, None, "Person 999 not found", "personId"),
    ],
)
def test_bad_fills_change_nothing(gql, db, person, extra, weeks, message, field):
    from people.models import Person

    booking = make_booking(hours=weeks)
    text, ext = refused(gql, {"id": str(booking.pk), "person": person, "v": 1, **extra})
    name = Person.objects.filter(pk=person).values_list("name", flat=True).first()
    assert text == message.format(name=name, booking=booking.pk)
    assert ext["field"] == field
    assert ext["code"] == ("NOT_FOUND" if person == "999" else "BAD_USER_INPUT")


def test_more_than_168_hours_in_a_week_is_refused(gql, db):
    booking = make_booking(hours={W3: Decimal(160)})  # assignment 13 holds 16 h that week
    text, ext = refused(gql, {"id": str(booking.pk), "person": "4", "v": 1})
    assert (ext["code"], ext["field"]) == ("BAD_USER_INPUT", "personId")
    assert "would hold 176.00 hours in the week of 2027-01-18" in text


def test_a_persons_assignment_id_is_not_a_placeholder_assignment(gql, db):
    message, ext = refused(gql, {"id": "13", "person": "4", "v": 1})
    assert (message, ext["code"]) == ("Assignment 13 not found", "NOT_FOUND")


# --- concurrency (PostgreSQL) ---------------------------------------------------------------


HOLD = 0.5


@pytest.mark.postgres
def test_two_concurrent_fills_have_exactly_one_winner(db, tokens):
    if connection.vendor != "postgresql":
        pytest.fail("this test needs PostgreSQL: run it with DATABASE_URL set")
    booking = committed(make_booking)
    try:
        locked = threading.Event()

        def first():
            with transaction.atomic():
                Assignment.all_rows.select_for_update().get(pk=booking.pk)
                locked.set()
                time.sleep(HOLD)  # the second fill is now waiting on the row lock
                return fill_placeholder(booking.pk, 10, 1, W2, W3, EVERYTHING)

        def second():
            locked.wait(5)
            return fill_placeholder(booking.pk, 11, 1, W2, W3, EVERYTHING)

        a, a_out = in_thread(first)
        b, b_out = in_thread(second)
        a.join(10)
        b.join(10)
        assert "error" not in a_out, a_out
        assert a_out["result"].remaining_hours == Decimal(10)
        assert isinstance(b_out.get("error"), VersionConflict)
        assert b_out["error"].conflicts == [(booking.pk, 2)]
        # The hours moved once, to the winner; the loser has no assignment on the project.
        assert weeks_of(a_out["result"].assignment.pk) == {
            "2027-01-11": Decimal(20),
            "2027-01-18": Decimal(30),
        }
        assert not Assignment.objects.filter(person_id=11, project_id=1).exists()
        assert weeks_of(booking.pk) == {"2027-01-04": Decimal(10)}
    finally:
        committed(
            lambda: (
                Assignment.objects.filter(person_id=10, project_id=1).delete(),
                Placeholder.objects.filter(pk=booking.placeholder_id).delete(),
            )
        )
