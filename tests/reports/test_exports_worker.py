"""A 104-week export of medium.json (500 people) through the real pieces `make stack` runs
(deploy/stack.py): the API, a Celery worker and beat in subprocesses, Redis as the broker,
PostgreSQL. They cannot see the test's transaction, so they share a database of their own
(`<test database>_exports`), migrated and loaded here, and dropped afterwards. Totals are
checked against the dataset file."""

import csv
import io
import json
import os
import time
from decimal import Decimal
from urllib.parse import urlsplit, urlunsplit

import httpx
import pytest
from django.db import connection

from tests.conftest import MEDIUM
from tests.live import database_url as live_database_url

pytestmark = pytest.mark.postgres

EXPORT_SECONDS = 120
# The broker's Redis database: REDIS_URL's server, a database no test's cache uses.
BROKER_DB = int(os.environ.get("EXPORT_TEST_BROKER_DB", "15"))


def database_url(name: str) -> str:
    return live_database_url({**connection.settings_dict, "NAME": name})


def broker_url() -> str:
    parts = urlsplit(os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0")
    return urlunsplit(parts._replace(path=f"/{BROKER_DB}"))


@pytest.fixture
def export_database(django_db_setup, django_db_blocker):
    if connection.vendor != "postgresql":
        pytest.fail("the Celery worker test needs PostgreSQL (DATABASE_URL=postgres://...)")
    import psycopg

    with django_db_blocker.unblock():
        name = f"{connection.settings_dict['NAME']}_exports"
    admin = database_url("postgres")
    with psycopg.connect(admin.replace("postgres://", "postgresql://"), autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        c.execute(f'CREATE DATABASE "{name}"')
    try:
        yield database_url(name)
    finally:
        with psycopg.connect(admin.replace("postgres://", "postgresql://"), autocommit=True) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def reference_totals(first_weeks: set[str]) -> tuple[dict[int, dict[str, Decimal]], int]:
    data = json.loads(MEDIUM.read_text())
    people = {p["id"]: p for p in data["people"]}
    sums: dict[int, dict[str, Decimal]] = {}
    for a in data["assignments"]:
        if not (a["isActive"] and people[a["personId"]]["isActive"]):
            continue
        for week, hours in a["weeklyHours"].items():
            if week in first_weeks and hours:
                per = sums.setdefault(a["personId"], {})
                per[week] = per.get(week, Decimal(0)) + Decimal(str(hours))
    return sums, sum(1 for p in data["people"] if p["isActive"])


def test_make_stack_exports_104_weeks_of_medium(export_database, tmp_path):
    """The processes `make stack` starts (deploy/stack.py: the API as docker-compose runs it,
    the Celery worker and beat), on a database of their own."""
    import datetime as dt

    from deploy.stack import Stack

    stack = Stack(
        export_database,
        os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0",
        with_worker=True,
        env={
            "CELERY_BROKER_URL": broker_url(),
            "EXPORT_DIR": str(tmp_path / "exports"),
            "PERSISTED_QUERIES": "apq",
            "SENTRY_DSN": "",
        },
        log_dir=tmp_path,
    )
    with stack:
        assert sorted(stack.processes) == ["api", "beat", "worker"]
        stack.manage("load_dataset", str(MEDIUM), "--replace")
        token = stack.manage("create_api_token", "exporter", "--scope", "read").strip()
        base = stack.url
        headers = {"Authorization": f"Bearer {token}"}

        def gql(query: str, variables: dict) -> dict:
            r = httpx.post(
                f"{base}/graphql",
                json={"query": query, "variables": variables},
                headers=headers,
                timeout=30,
            )
            body = r.json()
            assert "errors" not in body, body
            return body["data"]

        # When the export is requested through the API
        started = time.monotonic()
        job = gql(
            "mutation($f: Date) { requestGridExport(from: $f, weeks: 104, format: CSV) "
            "{ id status } }",
            {"f": "2026-11-02"},
        )["requestGridExport"]
        assert job["status"] == "QUEUED"
        # then the worker builds it; polling shows it finish
        deadline = started + EXPORT_SECONDS
        while True:
            state = gql(
                "query($id: ID!) { job(id: $id) { status progress result { url } error } }",
                {"id": job["id"]},
            )["job"]
            if state["status"] in ("SUCCEEDED", "FAILED") or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        elapsed = time.monotonic() - started
        assert state["status"] == "SUCCEEDED", (state, stack.log("worker"))
        assert state["progress"] == 100
        assert "Task exports.build_export[" in stack.log("worker")

        response = httpx.get(state["result"]["url"], headers=headers, timeout=30)
        assert response.status_code == 200
        rows = list(csv.reader(io.StringIO(response.text)))
        print(f"104-week CSV of medium.json: {elapsed:.2f} s, {len(response.content):,} bytes")

    # and its total rows equal the dataset's AssignmentWeek sums, person by person
    mondays = [(dt.date(2026, 11, 2) + dt.timedelta(weeks=i)).isoformat() for i in range(104)]
    assert rows[0] == [
        "person_id", "person_name", "department", "project_id", "project_name", "client",
        *mondays, "total",
    ]  # fmt: skip
    totals = {
        int(r[0]): {w: Decimal(c) for w, c in zip(mondays, r[6:-1], strict=True) if Decimal(c)}
        for r in rows[1:]
        if r[3] == "" and r[4] == ""  # total rows (capacity rows say "Capacity")
    }
    expected, active = reference_totals(set(mondays))
    assert len(totals) == active == 485
    assert totals == {pid: expected.get(pid, {}) for pid in totals}
    assert sum(Decimal(r[-1]) for r in rows[1:] if r[3] == "" and r[4] == "") == sum(
        sum(w.values()) for w in expected.values()
    )
