import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from accounts.models import ApiToken
from people.dataset import is_empty, load
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


def demo_data(this_week: dt.date) -> dict:
    """The demo dataset: starting WEEKS_BEFORE weeks before `this_week`, planned through
    WEEKS_AHEAD weeks after it."""
    data = json.loads(DEMO.read_text())
    start = dt.date.fromisoformat(data["weekStart"])
    shifted = shift_dates(data, (this_week - start).days // 7 - WEEKS_BEFORE)
    return plan_ahead(shifted, this_week + dt.timedelta(weeks=WEEKS_AHEAD))


class Command(BaseCommand):
    help = (
        "Load demo data (the small dataset, moved to start two weeks ago, with its plans "
        f"carried on {WEEKS_AHEAD} weeks ahead) when the database is empty, make sure the demo "
        "login exists, and print a fresh demo API token."
    )

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000")

    def handle(self, *args, url: str, **options):
        if is_empty():
            this_week = current_week()
            load(demo_data(this_week))
            last = this_week + dt.timedelta(weeks=WEEKS_AHEAD)
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
