import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import ApiToken
from calendars.holiday_import import create_and_import, public_holidays
from calendars.models import WEEKDAYS, TimeOff, WorkSchedule
from changes import log
from core.dataversion import write_transaction
from people.dataset import is_empty, load
from people.models import Department, Person
from planning.capacity import is_counted
from planning.weeks import current_week, sunday

DEMO = Path(__file__).resolve().parents[2] / "demo" / "small.json"
# The demo starts two weeks ago and is planned this far ahead: the heatmap's longest window
# (26 weeks from this week) is planned to its end.
WEEKS_BEFORE = 2
WEEKS_AHEAD = 27
LIVE_STATUSES = ("active", "planning")


def shift_dates(data: dict, weeks: int) -> dict:
    """Move every date of a dataset by whole weeks (Mondays stay Mondays)."""
    delta = dt.timedelta(weeks=weeks)

    def move(value: str | None) -> str | None:
        return None if value is None else (dt.date.fromisoformat(value) + delta).isoformat()

    data = json.loads(json.dumps(data))
    data["weekStart"] = move(data["weekStart"])
    for person in data["people"]:
        person["hireDate"] = move(person["hireDate"])
    for project in data["projects"]:
        project["startDate"], project["endDate"] = (
            move(project["startDate"]),
            move(project["endDate"]),
        )
    for assignment in data["assignments"]:
        assignment["weeklyHours"] = {move(k): v for k, v in assignment["weeklyHours"].items()}
    return data


def plan_ahead(data: dict, last_week: dt.date) -> dict:
    """Carry the demo's plans on through `last_week`, as a planner would have booked them.

    The dataset covers 12 weeks with plans that start and stop at random, so most of a
    26-week heatmap was empty. Every active assignment on an active or planning project is
    filled in from the dataset's first week (or its project's start) to its first planned
    week, repeating its first (up to four) weekly amounts, and goes on after its last planned
    week through `last_week`, repeating its last ones: only ever into the person's free
    capacity in that week (a plan carried on overbooks nobody), never before a hire date. Its
    project's end date moves out with it. Assignments are taken in id order, so the result is
    the same on every run. Returns a new dataset."""
    data = json.loads(json.dumps(data))
    projects = {p["id"]: p for p in data["projects"]}
    people = {p["id"]: p for p in data["people"]}
    booked: dict[tuple[int, str], float] = {}
    for a in data["assignments"]:
        if a["isActive"]:
            for week, hours in a["weeklyHours"].items():
                booked[a["personId"], week] = booked.get((a["personId"], week), 0) + hours
    first_week = dt.date.fromisoformat(data["weekStart"])
    end = last_week.isoformat()
    for a in sorted(data["assignments"], key=lambda a: a["id"]):
        project = projects[a["projectId"]]
        if not (a["isActive"] and a["weeklyHours"] and project["status"] in LIVE_STATUSES):
            continue
        person: dict[str, Any] = people[a["personId"]]
        hired = dt.date.fromisoformat(person["hireDate"]) if person["hireDate"] else None
        starts = dt.date.fromisoformat(project["startDate"]) if project["startDate"] else None

        planned = sorted(a["weeklyHours"])
        earliest, latest = dt.date.fromisoformat(planned[0]), dt.date.fromisoformat(planned[-1])
        first = [a["weeklyHours"][week] for week in planned[:4]]
        last = [a["weeklyHours"][week] for week in planned[-4:]]
        wanted = [
            (earliest - dt.timedelta(weeks=i + 1), first[i % len(first)])
            for i in range((earliest - first_week).days // 7)
        ] + [
            (latest + dt.timedelta(weeks=i + 1), last[i % len(last)])
            for i in range((last_week - latest).days // 7)
        ]
        for week, amount in wanted:
            if not is_counted(hired, week) or (starts is not None and sunday(week) < starts):
                continue
            key = (a["personId"], week.isoformat())
            hours = min(amount, person["weeklyCapacity"] - booked.get(key, 0))
            if hours > 0:
                a["weeklyHours"][key[1]] = hours
                booked[key] = booked.get(key, 0) + hours
        if project["endDate"] is not None and project["endDate"] < end:
            project["endDate"] = (last_week + dt.timedelta(days=4)).isoformat()  # a Friday
    return data


# The demo's demand: placeholders (name, role, department or None, required skills as
# (skill name, minimum proficiency), then bookings as (project id, first week from this week,
# weeks, hours, status)). Skill and role names are the demo dataset's.
DEMO_PLACEHOLDERS = [
    (
        "Senior Python developer",
        "Senior Engineer",
        "Web",
        [("Python", "advanced"), ("Django", "intermediate")],
        [(1, 1, 8, 24, "confirmed"), (3, 4, 6, 16, "tentative")],
    ),
    (
        "Cloud architect",
        "Architect",
        "Cloud",
        [("AWS", "expert"), ("Terraform", "advanced")],
        [(2, 2, 10, 20, "tentative")],
    ),
    (
        "Product designer",
        "Designer",
        None,
        [("Figma", "advanced")],
        [(7, 0, 12, 16, "confirmed")],
    ),
]


def add_demand(data: dict, this_week: dt.date) -> dict:
    """Placeholders with bookings from this week on, and the assignments of projects still in
    planning made TENTATIVE (not signed yet). Returns a new dataset (format /2)."""
    data = json.loads(json.dumps(data))
    projects = {p["id"]: p for p in data["projects"]}
    for a in data["assignments"]:
        if projects[a["projectId"]]["status"] == "planning":
            a["status"] = "tentative"
    roles = {r["name"]: r["id"] for r in data["roles"]}
    skills = {s["name"]: s["id"] for s in data["skills"]}
    departments = {d["name"]: d["id"] for d in data["departments"]}
    next_id = max(a["id"] for a in data["assignments"]) + 1
    data["placeholders"] = []
    for pid, (name, role, department, required, bookings) in enumerate(DEMO_PLACEHOLDERS, 1):
        data["placeholders"].append(
            {
                "id": pid,
                "name": name,
                "roleId": roles[role],
                "departmentId": departments[department] if department else None,
                "skills": [{"skillId": skills[s], "minProficiency": p} for s, p in required],
            }
        )
        for project, first, weeks, hours, status in bookings:
            start = this_week + dt.timedelta(weeks=first)
            data["assignments"].append(
                {
                    "id": next_id,
                    "placeholderId": pid,
                    "projectId": project,
                    "roleOnProject": None,
                    "isActive": True,
                    "status": status,
                    "weeklyHours": {
                        (start + dt.timedelta(weeks=i)).isoformat(): hours for i in range(weeks)
                    },
                }
            )
            next_id += 1
    data["format"] = "capgraph-dataset/2"
    return data


def demo_data(this_week: dt.date) -> dict:
    """The demo dataset: starting WEEKS_BEFORE weeks before `this_week`, planned through
    WEEKS_AHEAD weeks after it, with placeholders and tentative assignments."""
    data = json.loads(DEMO.read_text())
    start = dt.date.fromisoformat(data["weekStart"])
    shifted = shift_dates(data, (this_week - start).days // 7 - WEEKS_BEFORE)
    return add_demand(plan_ahead(shifted, this_week + dt.timedelta(weeks=WEEKS_AHEAD)), this_week)


# The demo's calendar: two offices' public holidays (from the holidays package, for the years
# the demo spans), departments following them, a few part-timers and some time off, all placed
# relative to this week so that the heatmap shows them whenever the demo is loaded.
CALENDARS = {"GB-ENG": ("GB", "ENG"), "DE-BY": ("DE", "BY")}
DEPARTMENT_CALENDARS = {
    1: "GB-ENG",  # Engineering, and its teams...
    5: "DE-BY",  # ...but for Data, which sits in Munich
    7: "GB-ENG",  # Design
    10: "GB-ENG",  # Delivery
    13: "DE-BY",  # Infrastructure
    17: "DE-BY",  # Consulting
    20: "GB-ENG",  # Operations
}
PERSON_CALENDARS = {22: "DE-BY"}  # Alan Clarke works for Web from Munich
# person id: (weeks from the demo's first week, hours Monday..Sunday); each schedule keeps the
# person's weekly capacity, so the plans carried on still fit.
SCHEDULES = [
    (8, 0, (8, 8, 8, 8, 4, 0, 0)),  # Linus Torvalds, 36 h: short Fridays
    (15, 0, (8, 8, 4, 0, 0, 0, 0)),  # Dennis Knuth, 20 h
    (17, 0, (8, 8, 8, 8, 0, 0, 0)),  # Margaret Matsumoto, 32 h: Fridays off
    (21, 0, (4, 4, 4, 4, 4, 0, 0)),  # Grace Borg, 20 h: mornings...
    (21, 12, (0, 8, 8, 4, 0, 0, 0)),  # ...then three days a week
    (24, 0, (0, 8, 8, 8, 8, 0, 0)),  # Hedy Liskov, 32 h: Mondays off
]
# person id, kind, (week from this one, weekday) first and last day, hours per day, note
TIME_OFF = [
    (19, "sick", (-1, 1), (-1, 1), None, ""),
    (25, "other", (1, 4), (1, 4), 4, "Afternoon off: moving house"),
    (4, "vacation", (3, 0), (3, 4), None, "Lake District"),
    (10, "vacation", (9, 0), (10, 4), None, ""),
    (28, "parental", (12, 0), (15, 4), None, ""),
    (13, "vacation", (16, 0), (16, 4), None, "Lisbon"),
]


@write_transaction
def seed_calendar(first_week: dt.date, this_week: dt.date, last_week: dt.date) -> None:
    """Holiday calendars for the years from `first_week` through `last_week`, and who follows
    them, the part-time schedules and the time off above."""
    years = range(first_week.year, sunday(last_week).year + 1)
    calendars = {
        name: create_and_import(name, public_holidays(country, subdivision, years))[0]
        for name, (country, subdivision) in CALENDARS.items()
    }
    for department, name in DEPARTMENT_CALENDARS.items():
        Department.objects.filter(pk=department).update(holiday_calendar=calendars[name])
    for person, name in PERSON_CALENDARS.items():
        Person.objects.filter(pk=person).update(holiday_calendar=calendars[name])
    WorkSchedule.objects.bulk_create(
        WorkSchedule(
            person_id=person,
            effective_from=first_week + dt.timedelta(weeks=weeks),
            **dict(zip(WEEKDAYS, hours, strict=True)),
        )
        for person, weeks, hours in SCHEDULES
    )

    def day(week: int, weekday: int) -> dt.date:
        return this_week + dt.timedelta(weeks=week, days=weekday)

    TimeOff.objects.bulk_create(
        TimeOff(
            person_id=person,
            kind=kind,
            start_date=day(*start),
            end_date=day(*end),
            hours_per_day=hours,
            note=note,
        )
        for person, kind, start, end, hours, note in TIME_OFF
    )
    # Seeded in bulk like the dataset: one summary row (docs/design.md, "Change log").
    fields = {
        "workSchedules": {"after": len(SCHEDULES)},
        "timeOff": {"after": len(TIME_OFF)},
        "holidayCalendarsFollowed": {"after": len(DEPARTMENT_CALENDARS) + len(PERSON_CALENDARS)},
    }
    log.append_one(log.DATASET, 0, log.UPDATE, fields)


class Command(BaseCommand):
    help = (
        "Load demo data (the small dataset, moved to start two weeks ago, with its plans "
        f"carried on {WEEKS_AHEAD} weeks ahead, and a holiday calendar, part-time schedules and "
        "time off) when the database is empty, make sure the demo "
        "login exists, and print a fresh demo API token."
    )

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000")

    def handle(self, *args, url: str, **options):
        with log.acting_as("command:seed_demo"):
            self.seed(url)

    def seed(self, url: str) -> None:
        if is_empty():
            this_week = current_week()
            first = this_week - dt.timedelta(weeks=WEEKS_BEFORE)
            last = this_week + dt.timedelta(weeks=WEEKS_AHEAD)
            with transaction.atomic():
                load(demo_data(this_week))
                seed_calendar(first, this_week, last)
            self.stdout.write(f"Loaded the demo dataset, planned through the week of {last}.")
        user_model = get_user_model()
        user = user_model.objects.filter(username="demo").first()
        if user is None:
            user = user_model.objects.create_superuser("demo", "demo@example.com", "demo")
        _, token = ApiToken.issue(user, scope="write", name="make run")
        self.stdout.write(
            f"\ncapgraph is starting on {url}\n"
            f"  Web app:    {url}/  (sign in as demo / demo)\n"
            f"  GraphiQL:   {url}/graphql\n"
            f"  Admin:      {url}/admin/  (demo / demo)\n"
            f"  API token:  {token}\n"
            f"  Try:        curl -s {url}/graphql -H 'Authorization: Bearer {token}' "
            "-H 'Content-Type: application/json' -d '{\"query\": \"{ viewer { username } }\"}'\n"
        )
