import datetime as dt
import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from accounts.models import ApiToken
from people.dataset import is_empty, load
from planning.weeks import current_week

DEMO = Path(__file__).resolve().parents[2] / "demo" / "small.json"


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


class Command(BaseCommand):
    help = (
        "Load demo data (the small dataset, moved to start two weeks ago) when the database "
        "is empty, make sure the demo login exists, and print a fresh demo API token."
    )

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000")

    def handle(self, *args, url: str, **options):
        if is_empty():
            data = json.loads(DEMO.read_text())
            start = dt.date.fromisoformat(data["weekStart"])
            weeks = (current_week() - start).days // 7 - 2
            load(shift_dates(data, weeks))
            self.stdout.write("Loaded the demo dataset.")
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
