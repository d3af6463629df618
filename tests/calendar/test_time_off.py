"""createTimeOff, updateTimeOff, deleteTimeOff: the whole payload, what is written, every
refusal's code, message and field with nothing changed, and who may write whose."""

import datetime as dt
from decimal import Decimal

import pytest

from calendars.models import TimeOff
from tests.calendar import CREATE_TIME_OFF, DELETE_TIME_OFF, UPDATE_TIME_OFF, iso, state
from tests.helpers import only_error

LYNN = {"id": "4", "name": "Lynn Berners-Lee"}  # department 3 (Web)


def entry(person_id=4, **fields) -> TimeOff:
    values = {"start_date": dt.date(2026, 12, 21), "end_date": dt.date(2026, 12, 24)} | fields
    return TimeOff.objects.create(person_id=person_id, **values)


def test_create_time_off_with_every_field(gql):
    r = gql.post(
        CREATE_TIME_OFF,
        {
            "input": {
                "personId": "4",
                "startDate": "2026-12-21",
                "endDate": "2026-12-24",
                "hoursPerDay": 3.25,
                "kind": "SICK",
                "note": "  dentist, then rest  ",
            }
        },
    )
    payload = r.data["createTimeOff"]["timeOff"]
    row = TimeOff.objects.get(pk=int(payload["id"]))
    assert payload == {
        "id": str(row.pk),
        "person": LYNN,
        "startDate": "2026-12-21",
        "endDate": "2026-12-24",
        "hoursPerDay": 3.25,
        "kind": "SICK",
        "note": "dentist, then rest",
        "createdAt": iso(row.created_at),
        "updatedAt": iso(row.updated_at),
    }
    assert (
        row.person_id,
        row.start_date,
        row.end_date,
        row.hours_per_day,
        row.kind,
        row.note,
    ) == (
        4,
        dt.date(2026, 12, 21),
        dt.date(2026, 12, 24),
        Decimal("3.25"),
        "sick",
        "dentist, then rest",
    )


def test_create_time_off_defaults_to_whole_days_of_vacation(gql):
    r = gql.post(
        CREATE_TIME_OFF,
        {"input": {"personId": "4", "startDate": "2026-12-21", "endDate": "2026-12-21"}},
    )
    payload = r.data["createTimeOff"]["timeOff"]
    assert {k: payload[k] for k in ("startDate", "endDate", "hoursPerDay", "kind", "note")} == {
        "startDate": "2026-12-21",
        "endDate": "2026-12-21",
        "hoursPerDay": None,
        "kind": "VACATION",
        "note": "",
    }
    assert TimeOff.objects.filter(person_id=4).count() == 1


def test_update_time_off_changes_only_the_given_fields(gql):
    row = entry(hours_per_day=Decimal(4), kind="sick", note="keep")
    r = gql.post(
        UPDATE_TIME_OFF,
        {"id": str(row.pk), "input": {"endDate": "2026-12-31", "hoursPerDay": None}},
    )
    payload = r.data["updateTimeOff"]["timeOff"]
    row.refresh_from_db()
    assert payload == {
        "id": str(row.pk),
        "person": LYNN,
        "startDate": "2026-12-21",
        "endDate": "2026-12-31",
        "hoursPerDay": None,
        "kind": "SICK",
        "note": "keep",
        "createdAt": iso(row.created_at),
        "updatedAt": iso(row.updated_at),
    }
    assert (row.end_date, row.hours_per_day, row.kind, row.note) == (
        dt.date(2026, 12, 31),
        None,
        "sick",
        "keep",
    )


def test_delete_time_off_removes_only_that_entry(gql):
    gone, kept = entry(), entry(note="stays")
    r = gql.post(DELETE_TIME_OFF, {"id": str(gone.pk)})
    assert r.data == {"deleteTimeOff": {"id": str(gone.pk)}}
    assert list(TimeOff.objects.values_list("pk", flat=True)) == [kept.pk]


VALID = {"personId": "4", "startDate": "2026-12-21", "endDate": "2026-12-24"}
CONTROL_MESSAGE = (
    "input.note contains a control character: only tab, newline and carriage return are "
    "allowed in strings"
)


@pytest.mark.parametrize(
    ("change", "code", "message", "field"),
    [
        (
            {"endDate": "2026-12-20"},
            "BAD_USER_INPUT",
            "endDate must be on or after startDate",
            "input.endDate",
        ),
        (
            {"hoursPerDay": 24.5},
            "BAD_USER_INPUT",
            "input.hoursPerDay must be between 0 and 24, got 24.5",
            "input.hoursPerDay",
        ),
        (
            {"hoursPerDay": -1},
            "BAD_USER_INPUT",
            "input.hoursPerDay must be between 0 and 24, got -1.0",
            "input.hoursPerDay",
        ),
        (
            {"hoursPerDay": 1.005},
            "BAD_USER_INPUT",
            "input.hoursPerDay must have at most two decimals, got 1.005",
            "input.hoursPerDay",
        ),
        (
            {"note": "x" * 501},
            "BAD_USER_INPUT",
            "input.note must be at most 500 characters",
            "input.note",
        ),
        ({"note": "a\x00b"}, "BAD_USER_INPUT", CONTROL_MESSAGE, "input.note"),
        (
            {"startDate": "2026-01-01", "endDate": "2031-01-06"},  # 1832 days
            "BAD_USER_INPUT",
            "A time-off entry spans at most 1830 days, got 1832",
            "input.endDate",
        ),
        (
            {"startDate": "9999-12-20", "endDate": "9999-12-27"},
            "BAD_USER_INPUT",
            "input.endDate must be on or before 9999-12-26, got 9999-12-27",
            "input.endDate",
        ),
        (
            {"personId": "999999"},
            "NOT_FOUND",
            "Person 999999 not found",
            "input.personId",
        ),
        (
            {"personId": "abc"},
            "BAD_USER_INPUT",
            "input.personId must be a numeric id, got 'abc'",
            "input.personId",
        ),
    ],
)
def test_create_time_off_refusals_change_nothing(gql, change, code, message, field):
    before = state()
    r = gql.post(CREATE_TIME_OFF, {"input": VALID | change})
    assert only_error(r) == (message, {"code": code, "field": field})
    assert state() == before


def test_a_range_of_exactly_1830_days_is_accepted(gql):
    r = gql.post(
        CREATE_TIME_OFF, {"input": VALID | {"startDate": "2026-01-01", "endDate": "2031-01-04"}}
    )
    assert r.data["createTimeOff"]["timeOff"]["endDate"] == "2031-01-04"


@pytest.mark.parametrize(
    ("change", "message", "field"),
    [
        ({"endDate": "2026-12-20"}, "endDate must be on or after startDate", "input.endDate"),
        ({"startDate": "2026-12-25"}, "endDate must be on or after startDate", "input.endDate"),
        ({"kind": None}, "input.kind must not be null", "input.kind"),
        ({"startDate": None}, "input.startDate must not be null", "input.startDate"),
        (
            {"hoursPerDay": 25},
            "input.hoursPerDay must be between 0 and 24, got 25.0",
            "input.hoursPerDay",
        ),
    ],
)
def test_update_time_off_refusals_change_nothing(gql, change, message, field):
    row = entry()
    before = state()
    r = gql.post(UPDATE_TIME_OFF, {"id": str(row.pk), "input": change})
    assert only_error(r) == (message, {"code": "BAD_USER_INPUT", "field": field})
    assert state() == before


@pytest.mark.parametrize("document", [UPDATE_TIME_OFF, DELETE_TIME_OFF])
def test_missing_time_off_is_not_found(gql, document):
    before = state()
    r = gql.post(document, {"id": "999999", "input": {"note": "x"}})
    assert only_error(r) == ("Time off 999999 not found", {"code": "NOT_FOUND", "field": "id"})
    assert state() == before


# --- who may write whose ---------------------------------------------------------------------


def test_a_restricted_write_token_writes_its_own_peoples_time_off(client_for, tokens):
    web = client_for(tokens.web)  # write, department 3 (Web): person 4 is in it
    r = web.post(CREATE_TIME_OFF, {"input": VALID})
    created = r.data["createTimeOff"]["timeOff"]
    assert created["person"] == LYNN
    r = web.post(UPDATE_TIME_OFF, {"id": created["id"], "input": {"kind": "OTHER"}})
    assert r.data["updateTimeOff"]["timeOff"]["kind"] == "OTHER"
    r = web.post(DELETE_TIME_OFF, {"id": created["id"]})
    assert r.data == {"deleteTimeOff": {"id": created["id"]}}
    assert TimeOff.objects.count() == 0


def test_a_restricted_write_token_cannot_reach_anyone_elses_time_off(client_for, tokens):
    web = client_for(tokens.web)
    other = entry(person_id=25)  # department 1 (Engineering), above Web: outside the token
    before = state()
    r = web.post(CREATE_TIME_OFF, {"input": VALID | {"personId": "25"}})
    # the same answer as for a person who does not exist
    assert only_error(r) == (
        "Person 25 not found",
        {"code": "NOT_FOUND", "field": "input.personId"},
    )
    r = web.post(UPDATE_TIME_OFF, {"id": str(other.pk), "input": {"note": "mine now"}})
    assert only_error(r) == (f"Time off {other.pk} not found", {"code": "NOT_FOUND", "field": "id"})
    r = web.post(DELETE_TIME_OFF, {"id": str(other.pk)})
    assert only_error(r) == (f"Time off {other.pk} not found", {"code": "NOT_FOUND", "field": "id"})
    assert state() == before
