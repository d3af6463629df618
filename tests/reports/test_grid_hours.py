"""The grid's hours read straight into the shape it sends
(assignments.selectors.iso_hours_by_assignment_and_person): the same maps as the Decimal
maps of hours_by_assignment_and_person reshaped ({"<Monday>": float of the exact sum},
weeks in order), from the same single query, for people and for placeholders."""

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count

from accounts.access import EVERYTHING, Scope
from assignments import aggregates, selectors
from assignments.models import Assignment, AssignmentWeek
from tests.client import exact_queries
from tests.conftest import DATASETS, MEDIUM

FIRST = dt.date(2026, 11, 2)


def reshaped(hours: dict[int, dict[dt.date, Decimal]]) -> dict[int, dict[str, float]]:
    return {
        owner: {week.isoformat(): float(h) for week, h in sorted(weeks.items())}
        for owner, weeks in hours.items()
    }


def same_maps(old, new) -> None:
    assert new == reshaped(old)
    # weeks in order, as the grid sends them (dict equality ignores order)
    for owner, weeks in new.items():
        assert list(weeks) == sorted(weeks), owner


@pytest.mark.parametrize("dataset", [MEDIUM, DATASETS / "small_demand.json"], ids=lambda p: p.stem)
@pytest.mark.parametrize("weeks", [1, 12, 26])
@pytest.mark.parametrize("placeholders", [False, True], ids=["people", "placeholders"])
def test_iso_maps_equal_the_decimal_maps_reshaped(db, tokens, dataset, weeks, placeholders):
    call_command("load_dataset", str(dataset), "--replace", stdout=StringIO())
    last = FIRST + dt.timedelta(weeks=weeks - 1)
    cells = 0
    for scope, deps, tentative in [
        (EVERYTHING, None, True),
        (EVERYTHING, None, False),
        (Scope(frozenset({1, 2, 3})), [3], True),
    ]:
        old = selectors.hours_by_assignment_and_person(
            FIRST, last, scope, deps, tentative, placeholders=placeholders
        )
        with exact_queries(1):
            new = selectors.iso_hours_by_assignment_and_person(
                FIRST, last, scope, deps, tentative, placeholders=placeholders
            )
        same_maps(old[0], new[0])
        same_maps(old[1], new[1])
        cells += sum(len(w) for w in new[0].values())
    # compared on real hours: medium.json has no placeholders, and small_demand.json's
    # have none in the first week
    empty = placeholders and (dataset == MEDIUM or weeks == 1)
    assert (cells == 0) == empty, cells


def test_sums_are_exact_then_converted(db, tokens):
    """0.1 hours on each of three assignments of one person in one week: the person's sum
    is Decimal 0.3, sent as 0.3 (adding floats would send 0.30000000000000004)."""
    person_id, *_ = (
        Assignment.objects.filter(is_active=True, person__is_active=True)
        .values("person_id")
        .annotate(n=Count("id"))
        .filter(n__gte=3)
        .values_list("person_id", flat=True)
    )
    ids = list(
        Assignment.objects.filter(person_id=person_id, is_active=True).values_list("id", flat=True)[
            :3
        ]
    )
    week = dt.date(2030, 1, 7)
    for assignment_id in ids:
        AssignmentWeek.objects.create(
            assignment_id=assignment_id, person_id=person_id, week=week, hours=Decimal("0.1")
        )
    by_assignment, by_person = selectors.iso_hours_by_assignment_and_person(
        week, week, EVERYTHING, None
    )
    assert by_person == {person_id: {"2030-01-07": 0.3}}
    assert by_assignment == {i: {"2030-01-07": 0.1} for i in ids}
    assert 0.1 + 0.1 + 0.1 != 0.3  # what float sums would have sent


def test_hours_read_as_cents_round_in_sql(db, tokens):
    """Hours whose float times 100 falls just below the cent (0.29 * 100 is
    28.999999999999996; SQLite keeps them as floats): each read as its cent, sent as the
    float of the decimal, and summed exactly."""
    person_id, *_ = (
        Assignment.objects.filter(is_active=True, person__is_active=True)
        .values("person_id")
        .annotate(n=Count("id"))
        .filter(n__gte=3)
        .values_list("person_id", flat=True)
    )
    ids = list(
        Assignment.objects.filter(person_id=person_id, is_active=True).values_list("id", flat=True)[
            :3
        ]
    )
    week = dt.date(2030, 1, 7)
    hours = ["0.29", "0.57", "1.15"]
    for assignment_id, amount in zip(ids, hours, strict=True):
        AssignmentWeek.objects.create(
            assignment_id=assignment_id, person_id=person_id, week=week, hours=Decimal(amount)
        )
    by_assignment, by_person = selectors.iso_hours_by_assignment_and_person(
        week, week, EVERYTHING, None
    )
    assert by_assignment == {i: {"2030-01-07": float(h)} for i, h in zip(ids, hours, strict=True)}
    assert by_person == {person_id: {"2030-01-07": 2.01}}
    assert int(0.29 * 100) == 28  # what a truncating cast would have read


def test_the_grid_and_the_export_read_the_same_assignments(db, tokens):
    call_command("load_dataset", str(MEDIUM), "--replace", stdout=StringIO())
    last = FIRST + dt.timedelta(weeks=25)
    rows = aggregates.grid_rows(EVERYTHING, None, FIRST, last)
    sent = aggregates.grid_json(EVERYTHING, None, FIRST, last)
    assert sent.assignments == rows.assignments
    same_maps(rows.hours_by_assignment, sent.hours_by_assignment)
    same_maps(rows.hours_by_person, sent.hours_by_person)
    demand = aggregates.placeholder_grid_rows(EVERYTHING, None, FIRST, last)
    demand_sent = aggregates.placeholder_grid_json(EVERYTHING, None, FIRST, last)
    assert (demand_sent.placeholders, demand_sent.assignments) == (
        demand.placeholders,
        demand.assignments,
    )
    same_maps(demand.hours_by_assignment, demand_sent.hours_by_assignment)
    same_maps(demand.hours_by_placeholder, demand_sent.hours_by_placeholder)
