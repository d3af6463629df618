"""The real access paths use indexes (PostgreSQL's planner, on the medium dataset)."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Sum

from assignments.models import AssignmentWeek
from tests.conftest import MEDIUM

pytestmark = pytest.mark.postgres


@pytest.fixture
def analyzed_medium(db, tokens):
    if connection.vendor != "postgresql":
        pytest.fail("this test needs PostgreSQL: run it with DATABASE_URL set")
    call_command("load_dataset", str(MEDIUM), "--replace", stdout=StringIO())
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def test_department_window_hours_aggregation_uses_an_assignmentweek_index(analyzed_medium):
    # The aggregation behind hoursByWeek and the reports: one department, four weeks.
    qs = (
        AssignmentWeek.objects.filter(
            person__department_id__in=[3],
            week__gte=dt.date(2026, 11, 30),
            week__lte=dt.date(2026, 12, 21),
            assignment__is_active=True,
        )
        .values_list("person_id", "week")
        .annotate(total=Sum("hours"))
        .order_by()
    )
    plan = qs.explain()
    assert "assignmentweek_week_idx" in plan or "assignmentweek_person_week_idx" in plan, plan
    assert "Seq Scan on assignments_assignmentweek" not in plan, plan


def test_the_people_list_reads_a_page_in_index_order(analyzed_medium):
    # `people(first: 100)`'s query: active people by name, then id, one page and one more
    from accounts.access import EVERYTHING
    from people.models import Person

    qs = Person.objects.visible_to(EVERYTHING).order_by("name", "id").filter(is_active=True)
    plan = qs[:101].explain()
    assert "person_name_id_idx" in plan, plan
    assert "Sort" not in plan, plan
