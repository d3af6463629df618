"""createPerson/updatePerson take endDate (the last day employed), never before hireDate."""

import datetime as dt

from people.models import Person
from tests.calendar import state
from tests.helpers import only_error

CREATE = """mutation($input: CreatePersonInput!) { createPerson(input: $input) {
  person { name hireDate endDate } } }"""
UPDATE = """mutation($input: UpdatePersonInput!) { updatePerson(id: "25", input: $input) {
  person { hireDate endDate } } }"""  # Ada Thompson, hired 2021-09-13


def test_create_person_with_an_end_date(gql):
    r = gql.post(
        CREATE, {"input": {"name": "Temp", "hireDate": "2026-12-01", "endDate": "2026-12-01"}}
    )
    assert r.data["createPerson"]["person"] == {
        "name": "Temp",
        "hireDate": "2026-12-01",
        "endDate": "2026-12-01",
    }
    assert Person.objects.get(name="Temp").end_date == dt.date(2026, 12, 1)


def test_update_person_sets_and_clears_the_end_date(gql):
    r = gql.post(UPDATE, {"input": {"endDate": "2026-12-23"}})
    assert r.data["updatePerson"]["person"] == {"hireDate": "2021-09-13", "endDate": "2026-12-23"}
    assert Person.objects.get(pk=25).end_date == dt.date(2026, 12, 23)
    r = gql.post(UPDATE, {"input": {"endDate": None}})
    assert r.data["updatePerson"]["person"]["endDate"] is None
    assert Person.objects.get(pk=25).end_date is None


def test_an_end_date_before_the_hire_date_is_refused(gql):
    before = state()
    r = gql.post(
        CREATE, {"input": {"name": "Temp", "hireDate": "2026-12-02", "endDate": "2026-12-01"}}
    )
    assert only_error(r) == (
        "input.endDate must be on or after the hire date 2026-12-02",
        {"code": "BAD_USER_INPUT", "field": "input.endDate"},
    )
    r = gql.post(UPDATE, {"input": {"endDate": "2021-09-12"}})
    assert only_error(r) == (
        "input.endDate must be on or after the hire date 2021-09-13",
        {"code": "BAD_USER_INPUT", "field": "input.endDate"},
    )
    assert state() == before


def test_a_hire_date_after_the_end_date_is_refused(gql):
    Person.objects.filter(pk=25).update(end_date=dt.date(2026, 12, 23))
    before = state()
    r = gql.post(UPDATE, {"input": {"hireDate": "2026-12-24"}})
    assert only_error(r) == (
        "input.hireDate must be on or before the end date 2026-12-23",
        {"code": "BAD_USER_INPUT", "field": "input.hireDate"},
    )
    assert state() == before
