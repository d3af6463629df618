"""A 104-week export of medium.json (500 people) through the real pieces: uvicorn and a Celery
worker in subprocesses, Redis as the broker, PostgreSQL. They cannot see the test's
transaction, so they share a database of their own (`<test database>_exports`), migrated and
loaded here, and dropped afterwards. Totals are checked against the dataset file."""

import csv
import io
import json
import os
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import httpx
import pytest
from django.db import connection

from tests.conftest import MEDIUM, REPO

pytestmark = pytest.mark.postgres

STARTUP_SECONDS = 30
EXPORT_SECONDS = 120
# The broker's Redis database: REDIS_URL's server, a database no test's cache uses.
BROKER_DB = int(os.environ.get("EXPORT_TEST_BROKER_DB", "15"))


def database_url(name: str) -> str:
    s = connection.settings_dict
    user = quote(s["USER"] or "", safe="")
    if s.get("PASSWORD"):
        user += ":" + quote(s["PASSWORD"], safe="")
    return f"postgres://{user}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{name}"


def broker_url() -> str:
    parts = urlsplit(os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0")
    return urlunsplit(parts._replace(path=f"/{BROKER_DB}"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [str(REPO / ".venv" / "bin" / "python"), "backend/manage.py", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, f"manage.py {args}:\n{result.stdout}\n{result.stderr}"
    return result.stdout


@contextmanager
def process(command: list[str], env: dict[str, str], log_path: Path) -> Iterator[subprocess.Popen]:
    with log_path.open("w") as log:
        proc = subprocess.Popen(command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            yield proc
        finally:
            proc.terminate()
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def wait_for(check, what: str, seconds: float, log: Path, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if proc.poll() is not None:
            pytest.fail(f"{what}: exited with {proc.returncode}:\n{log.read_text()}")
        if time.monotonic() > deadline:
            pytest.fail(f"{what}: not ready in {seconds} s:\n{log.read_text()}")
        time.sleep(0.2)


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


def test_celery_worker_exports_104_weeks_of_medium(export_database, tmp_path):
    import datetime as dt

    env = {
        **os.environ,
        "DATABASE_URL": export_database,
        "CELERY_BROKER_URL": broker_url(),
        "EXPORT_DIR": str(tmp_path / "exports"),
        "PERSISTED_QUERIES": "apq",
        "SENTRY_DSN": "",
    }
    run(env, "migrate", "--no-input", "-v", "0")
    run(env, "load_dataset", str(MEDIUM), "--replace")
    token = run(env, "create_api_token", "exporter", "--scope", "read").strip()

    worker_log, server_log = tmp_path / "worker.log", tmp_path / "uvicorn.log"
    port = free_port()
    worker_cmd = [str(REPO / ".venv" / "bin" / "celery"), "--workdir", "backend", "-A", "config"]
    worker_cmd += ["worker", "--loglevel=INFO", "--concurrency=1"]
    server_cmd = [str(REPO / ".venv" / "bin" / "uvicorn"), "--app-dir", "backend"]
    server_cmd += ["config.asgi:application", "--port", str(port), "--lifespan", "off"]
    base = f"http://127.0.0.1:{port}"

    def server_up() -> bool:
        try:
            return httpx.get(f"{base}/readyz", timeout=2).status_code == 200
        except httpx.TransportError:
            return False

    with (
        process(worker_cmd, env, worker_log) as worker,
        process(server_cmd, env, server_log) as server,
    ):
        wait_for(lambda: " ready." in worker_log.read_text(), "worker", 60, worker_log, worker)
        wait_for(server_up, "uvicorn", STARTUP_SECONDS, server_log, server)
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
        assert state["status"] == "SUCCEEDED", (state, worker_log.read_text())
        assert state["progress"] == 100
        assert "Task exports.build_export[" in worker_log.read_text()

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
        if r[3] == ""
    }
    expected, active = reference_totals(set(mondays))
    assert len(totals) == active == 485
    assert totals == {pid: expected.get(pid, {}) for pid in totals}
    assert sum(Decimal(r[-1]) for r in rows[1:] if r[3] == "") == sum(
        sum(w.values()) for w in expected.values()
    )
