"""load_dataset at organisation scale (docs/scaling.md): the week rows are made as they are
inserted, not held as model instances, and PostgreSQL's planner statistics describe what
was loaded."""

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from assignments.models import AssignmentWeek
from people.dataset import WeekRows, parse
from tests.calendar_data import sequences_kept_ahead
from tests.conftest import MEDIUM, SMALL


def test_week_rows_are_made_from_the_file_as_they_are_read():
    data = json.loads(SMALL.read_text())
    rows = parse(data)[AssignmentWeek]
    assert isinstance(rows, WeekRows)
    expected = {
        (a["id"], a["personId"], week, Decimal(str(hours)))
        for a in data["assignments"]
        for week, hours in a["weeklyHours"].items()
        if hours
    }
    made = [(r.assignment_id, r.person_id, r.week.isoformat(), r.hours) for r in rows]
    assert len(rows) == len(made) == len(expected) == 564
    assert set(made) == expected
    assert [r.week.isoformat() for r in rows][:3] == list(data["assignments"][0]["weeklyHours"])[:3]


@pytest.mark.postgres
def test_the_planner_sees_what_was_loaded(db, tokens):
    # The session holds small.json; without the load's ANALYZE the statistics would still
    # describe it (or an empty table) while medium.json's rows are read.
    with sequences_kept_ahead():
        call_command("load_dataset", str(MEDIUM), "--replace", stdout=StringIO())
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples::bigint FROM pg_class WHERE relname = 'assignments_assignmentweek'"
        )
        (estimate,) = cursor.fetchone()
    assert estimate == AssignmentWeek.objects.count() == 8_215
