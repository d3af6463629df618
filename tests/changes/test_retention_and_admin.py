"""Retention: rows older than CHANGE_LOG_RETENTION_DAYS are pruned by the beat schedule's
task. The admin's writes are logged with actor "admin:<username>"."""

import datetime as dt
import re

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.utils import timezone

from changes.models import Change
from changes.tasks import prune_changes
from graphql_schema.changes.queries import encode_cursor
from people.models import Person
from projects.models import Project
from tests.changes import last_id, named_client, row, rows_after
from tests.client import GraphQLClient

FEED = """query($after: String) { changes(after: $after, first: 50) {
  edges { node { entityType entityId operation fields } } } }"""


def test_the_beat_schedule_prunes_the_change_log_hourly():
    assert settings.CELERY_BEAT_SCHEDULE["prune-changes"] == {
        "task": "changes.prune_changes",
        "schedule": 3600.0,
    }


def test_pruning_deletes_exactly_the_rows_older_than_the_retention(db, tokens, settings):
    settings.CHANGE_LOG_RETENTION_DAYS = 10
    now = timezone.now()
    Change.objects.all().delete()
    ages = {"old": 11, "edge": 9, "new": 0}
    made = {
        name: Change.objects.create(
            entity_type="project", entity_id=1, operation="update", actor="system"
        )
        for name in ages
    }
    for name, days in ages.items():
        Change.objects.filter(pk=made[name].pk).update(created_at=now - dt.timedelta(days=days))
    assert prune_changes() == {"deleted": 1}
    assert sorted(Change.objects.values_list("pk", flat=True)) == [made["edge"].pk, made["new"].pk]
    assert prune_changes() == {"deleted": 0}


@pytest.fixture
def staff(db, tokens, client) -> GraphQLClient:
    user = User.objects.create_superuser("boss", "boss@example.com", "pw-admin-1")
    client.force_login(user)
    return GraphQLClient(headers={"Cookie": f"sessionid={client.cookies['sessionid'].value}"})


def submit(staff: GraphQLClient, url: str, data: dict[str, str]):
    page = staff.request("GET", url, headers=staff.headers)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert token is not None
    cookie = f"{staff.headers['Cookie']}; csrftoken={page.cookies['csrftoken']}"
    return staff.request(
        "POST",
        url,
        data={"csrfmiddlewaretoken": token[1], **data},
        headers={"Cookie": cookie, "Referer": f"http://testserver{url}"},
    )


def test_admin_edits_and_deletes_are_logged(staff):
    since = last_id()
    project = Project.objects.get(pk=1)
    form = {"name": project.name, "client": "Initech", "status": project.status,
            "start_date": project.start_date.isoformat(), "end_date": ""}  # fmt: skip
    assert submit(staff, "/admin/projects/project/1/change/", form).status_code == 302
    deleted = submit(staff, "/admin/projects/project/1/delete/", {"post": "yes"})
    assert deleted.status_code == 302
    before = {
        "name": project.name,
        "client": "Initech",
        "status": project.status,
        "startDate": project.start_date.isoformat(),
        "endDate": None,
    }
    rows = rows_after(since)
    assert [rows[0], rows[-1]] == [
        row("project", 1, "update", {"client": {"before": "Umbrella", "after": "Initech"}},
            "admin:boss"),
        row("project", 1, "delete", {k: {"before": v} for k, v in before.items()}, "admin:boss"),
    ]  # fmt: skip
    # its assignments went with it, each logged in between (changes/cascade.py)
    assert [(r["entity_type"], r["entity_id"], r["operation"], r["actor"]) for r in rows[1:-1]] == [
        ("assignment", pk, "delete", "admin:boss") for pk in (13, 15, 30, 31, 33, 85, 120, 121)
    ]


def test_deleting_a_department_in_the_admin_logs_its_people_moving_out(staff):
    # given Brand (department 9), a leaf, and the people in it
    since = last_id()
    members = [13, 17, 29, 36, 54]
    assert (
        list(Person.objects.filter(department_id=9).order_by("pk").values_list("pk", flat=True))
        == members
    )

    # when the admin deletes it
    deleted = submit(staff, "/admin/people/department/9/delete/", {"post": "yes"})
    assert deleted.status_code == 302

    # then each person it leaves without a department has an UPDATE, a move out of Design (7):
    # Brand's parent, the nearest department a token's scope can still hold; then Brand's DELETE
    move = {"departmentId": {"before": 9, "after": None}}
    department = {"name": "Brand", "parentId": 7, "holidayCalendarId": None}
    assert rows_after(since) == [
        *(row("person", pk, "update", move, "admin:boss", None, 7) for pk in members),
        row("department", 9, "delete", {k: {"before": v} for k, v in department.items()},
            "admin:boss"),
    ]  # fmt: skip
    assert not Person.objects.filter(department_id=9).exists()

    # and a token limited to Design sees them removed, without values
    design = named_client("design-mirror", departments=[7])
    feed = design.post(FEED, {"after": encode_cursor(since)})
    assert [e["node"] for e in feed.data["changes"]["edges"]] == [
        {"entityType": "PERSON", "entityId": str(pk), "operation": "DELETE", "fields": {}}
        for pk in members
    ] + [{"entityType": "DEPARTMENT", "entityId": "9", "operation": "DELETE",
          "fields": {k: {"before": v} for k, v in department.items()}}]  # fmt: skip
