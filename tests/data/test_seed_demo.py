"""`seed_demo` (what `make run` loads into an empty database): the small dataset moved to
start two weeks ago, with its plans carried on so that the next 26 weeks are planned."""

import datetime as dt
import re
from io import StringIO

from django.core.management import call_command
from django.db.models import Count

from assignments.models import AssignmentWeek
from people.dataset import load
from people.management.commands.seed_demo import plan_ahead
from people.models import Person
from planning.weeks import current_week


def dataset(people, projects, assignments) -> dict:
    return {
        "format": "capgraph-dataset/1",
        "weekStart": "2026-11-23",
        "weeks": 2,
        "departments": [],
        "roles": [],
        "skills": [],
        "people": people,
        "projects": projects,
        "assignments": assignments,
    }


def person(pid: int, hired: str | None) -> dict:
    return {
        "id": pid,
        "name": f"P{pid}",
        "email": None,
        "departmentId": None,
        "roleId": None,
        "weeklyCapacity": 40,
        "hireDate": hired,
        "isActive": True,
        "skills": [],
    }


def project(pid: int, status: str, end: str | None) -> dict:
    return {"id": pid, "name": f"J{pid}", "client": None, "status": status,
            "startDate": "2026-11-02", "endDate": end}  # fmt: skip


def assignment(aid: int, pid: int, project_id: int, hours: dict, active: bool = True) -> dict:
    return {"id": aid, "personId": pid, "projectId": project_id, "roleOnProject": None,
            "isActive": active, "weeklyHours": hours}  # fmt: skip


def test_plan_ahead_carries_live_plans_on_into_free_capacity_only():
    given = dataset(
        [person(1, None), person(2, "2026-12-16"), person(3, None)],
        [
            project(1, "active", "2026-12-11"),
            project(2, "completed", "2026-12-04"),
            {**project(3, "planning", None), "startDate": "2026-12-02"},
        ],
        [
            assignment(1, 1, 1, {"2026-11-23": 30, "2026-11-30": 20}),
            assignment(2, 1, 1, {"2026-11-30": 16}),
            assignment(3, 1, 2, {"2026-11-30": 4}),  # a completed project: not carried on
            assignment(4, 2, 1, {"2026-11-30": 10}),  # hired on 16 Dec
            assignment(6, 3, 3, {"2026-12-07": 8}),  # its project starts on 2 Dec
            assignment(5, 1, 1, {"2026-11-30": 40}, active=False),  # counts for nothing
        ],
    )
    result = plan_ahead(given, dt.date(2026, 12, 21))
    hours = {a["id"]: a["weeklyHours"] for a in result["assignments"]}
    # Assignment 1 repeats its last amounts (30, 20, ...); assignment 2 (16 a week) only
    # fills what is left of person 1's 40 hours.
    assert hours[1] == {
        "2026-11-23": 30,
        "2026-11-30": 20,
        "2026-12-07": 30,
        "2026-12-14": 20,
        "2026-12-21": 30,
    }
    # Assignment 2 is also filled in back to the dataset's first week, into what is free.
    assert hours[2] == {
        "2026-11-23": 10,
        "2026-11-30": 16,
        "2026-12-07": 10,
        "2026-12-14": 16,
        "2026-12-21": 10,
    }
    assert hours[3] == {"2026-11-30": 4}
    # nothing in the week of 7 Dec, which ends before the hire date
    assert hours[4] == {"2026-11-30": 10, "2026-12-14": 10, "2026-12-21": 10}
    assert hours[5] == {"2026-11-30": 40}
    # filled back to its project's start week (not the dataset's first), and on; no end date
    assert hours[6] == {"2026-11-30": 8, "2026-12-07": 8, "2026-12-14": 8, "2026-12-21": 8}
    # project 1 now runs to the Friday of the last planned week; project 2 is left as it was
    assert [(p["id"], p["endDate"]) for p in result["projects"]] == [
        (1, "2026-12-25"),
        (2, "2026-12-04"),
        (3, None),
    ]
    assert given["assignments"][0]["weeklyHours"] == {"2026-11-23": 30, "2026-11-30": 20}


def test_seed_demo_plans_the_next_26_weeks_and_prints_how_to_start(db):
    load(dataset([], [], []), replace=True)  # an empty database, as on a first `make run`
    out = StringIO()
    call_command("seed_demo", "--url", "http://127.0.0.1:8000", stdout=out)
    this_week = current_week()
    last = this_week + dt.timedelta(weeks=27)
    text = re.sub(r"API token:  \S+", "API token:  <token>", out.getvalue())
    text = re.sub(r"Bearer \S+'", "Bearer <token>'", text)
    assert text == (
        f"Loaded the demo dataset, planned through the week of {last.isoformat()}.\n"
        "\ncapgraph is starting on http://127.0.0.1:8000\n"
        "  Web app:    http://127.0.0.1:8000/  (sign in as demo / demo)\n"
        "  GraphiQL:   http://127.0.0.1:8000/graphql\n"
        "  Admin:      http://127.0.0.1:8000/admin/  (demo / demo)\n"
        "  API token:  <token>\n"
        "  Try:        curl -s http://127.0.0.1:8000/graphql -H 'Authorization: Bearer <token>' "
        "-H 'Content-Type: application/json' -d '{\"query\": \"{ viewer { username } }\"}'\n"
    )
    # Who has planned hours, week by week, over the 26 weeks from this one.
    planned = dict(
        AssignmentWeek.objects.filter(
            week__gte=this_week,
            week__lt=this_week + dt.timedelta(weeks=26),
            assignment__is_active=True,
            person__is_active=True,
        )
        .values_list("week")
        .annotate(people=Count("person", distinct=True))
        .order_by()
    )
    active = Person.objects.filter(is_active=True).count()
    weeks = [this_week + dt.timedelta(weeks=i) for i in range(26)]
    assert active == 57
    # (before this change: 22 people this week, and 0 after the 12th week)
    assert [planned.get(w, 0) for w in weeks] == [47, 48, 49, 51, 51, 51, 49, 50, 51, 51] + [
        49
    ] * 16
    # A second run loads nothing more and prints a new token.
    again = StringIO()
    call_command("seed_demo", stdout=again)
    assert not again.getvalue().startswith("Loaded")
