"""`seed_demo` (what `make run` loads into an empty database): the small dataset moved to
start two weeks ago, with its plans carried on so that the next 26 weeks are planned."""

import datetime as dt
import re
from io import StringIO

from django.core.management import call_command
from django.db.models import Count

from assignments.models import AssignmentWeek
from people.dataset import load
from people.management.commands import seed_demo
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


def test_seed_demo_gives_the_demo_a_calendar(db, monkeypatch):
    # Given an empty database on the week of 30 November 2026 (the demo then runs from
    # 16 November 2026 through the week of 7 June 2027)
    from calendars.models import Holiday, HolidayCalendar, TimeOff, WorkSchedule
    from calendars.selectors import load_calendars
    from people.models import Department
    from people.tree import DepartmentTree

    load(dataset([], [], []), replace=True)
    monkeypatch.setattr(seed_demo, "current_week", lambda: dt.date(2026, 11, 30))
    # When
    call_command("seed_demo", stdout=StringIO())
    # Then: two calendars with the public holidays of 2026 and 2027
    calendars = {
        c.name: (c.country, c.subdivision, c.holidays.count())
        for c in HolidayCalendar.objects.all()
    }
    assert calendars == {"DE-BY": ("DE", "BY", 24), "GB-ENG": ("GB", "ENG", 19)}
    assert list(
        Holiday.objects.filter(
            calendar__name="GB-ENG", date__range=(dt.date(2026, 11, 16), dt.date(2027, 6, 13))
        ).values_list("date", "name")
    ) == [
        (dt.date(2026, 12, 25), "Christmas Day"),
        (dt.date(2026, 12, 26), "Boxing Day"),
        (dt.date(2026, 12, 28), "Boxing Day (observed)"),
        (dt.date(2027, 1, 1), "New Year's Day"),
        (dt.date(2027, 3, 26), "Good Friday"),
        (dt.date(2027, 3, 29), "Easter Monday"),
        (dt.date(2027, 5, 3), "May Day"),
        (dt.date(2027, 5, 31), "Spring Bank Holiday"),
    ]
    assert sorted(
        Department.objects.filter(holiday_calendar__isnull=False).values_list(
            "name", "holiday_calendar__name"
        )
    ) == [
        ("Consulting", "DE-BY"),
        ("Data", "DE-BY"),
        ("Delivery", "GB-ENG"),
        ("Design", "GB-ENG"),
        ("Engineering", "GB-ENG"),
        ("Infrastructure", "DE-BY"),
        ("Operations", "GB-ENG"),
    ]
    assert list(
        Person.objects.filter(holiday_calendar__isnull=False).values_list(
            "id", "name", "holiday_calendar__name"
        )
    ) == [(22, "Alan Clarke", "DE-BY")]
    # a few part-timers, their weekly hours unchanged
    assert [
        (s.person.name, s.effective_from, [float(h) for h in s.hours], s.person.weekly_capacity)
        for s in WorkSchedule.objects.select_related("person").order_by(
            "person_id", "effective_from"
        )
    ] == [
        ("Linus Torvalds", dt.date(2026, 11, 16), [8, 8, 8, 8, 4, 0, 0], 36),
        ("Dennis Knuth", dt.date(2026, 11, 16), [8, 8, 4, 0, 0, 0, 0], 20),
        ("Margaret Matsumoto", dt.date(2026, 11, 16), [8, 8, 8, 8, 0, 0, 0], 32),
        ("Grace Borg", dt.date(2026, 11, 16), [4, 4, 4, 4, 4, 0, 0], 20),
        ("Grace Borg", dt.date(2027, 2, 8), [0, 8, 8, 4, 0, 0, 0], 20),
        ("Hedy Liskov", dt.date(2026, 11, 16), [0, 8, 8, 8, 8, 0, 0], 32),
    ]
    # and time off inside the window: a sick day, a partial day, vacations, a parental leave
    assert [
        (t.person.name, t.kind, t.start_date, t.end_date, t.hours_per_day, t.note)
        for t in TimeOff.objects.select_related("person")
    ] == [
        ("Leslie Johnson", "sick", dt.date(2026, 11, 24), dt.date(2026, 11, 24), None, ""),
        (
            "Ada Thompson",
            "other",
            dt.date(2026, 12, 11),
            dt.date(2026, 12, 11),
            4,
            "Afternoon off: moving house",
        ),
        (
            "Lynn Berners-Lee",
            "vacation",
            dt.date(2026, 12, 21),
            dt.date(2026, 12, 25),
            None,
            "Lake District",
        ),
        ("Mary Wirth", "vacation", dt.date(2027, 2, 1), dt.date(2027, 2, 12), None, ""),
        ("Yukihiro Liskov", "parental", dt.date(2027, 2, 22), dt.date(2027, 3, 19), None, ""),
        (
            "Niklaus Wilson",
            "vacation",
            dt.date(2027, 3, 22),
            dt.date(2027, 3, 26),
            None,
            "Lisbon",
        ),
    ]
    # What that makes of capacity (hours, worked out by hand from the rows above):
    people = Person.objects.in_bulk()
    weeks = [dt.date(2026, 12, 7), dt.date(2026, 12, 21), dt.date(2026, 12, 28)]
    cal = load_calendars(people.values(), weeks[0], weeks[-1], DepartmentTree.load())
    hours = {
        (pid, people[pid].name): [w.capacity / 100 for w in cal.weeks(pid, weeks)]
        for pid in (25, 4, 22, 53, 8)
    }
    assert hours == {
        # Engineering (GB-ENG): Friday afternoon off; 25 Dec; 28 Dec and 1 Jan
        (25, "Ada Thompson"): [36.0, 32.0, 24.0],
        # Web (Engineering: GB-ENG): a vacation week over Christmas (25 Dec counts once)
        (4, "Lynn Berners-Lee"): [40.0, 0.0, 24.0],
        # Web, but his own DE-BY: 25 Dec; 1 Jan (Germany has no observed days)
        (22, "Alan Clarke"): [40.0, 32.0, 32.0],
        # the other Alan Clarke: Engineering (GB-ENG), 36 h and no schedule: 7.2 h a day
        (53, "Alan Clarke"): [36.0, 28.8, 21.6],
        # QA (GB-ENG), 36 h with short Fridays: 25 Dec is a short day, 1 Jan too
        (8, "Linus Torvalds"): [36.0, 32.0, 24.0],
    }
