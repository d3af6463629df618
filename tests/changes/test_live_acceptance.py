"""Issue 16's acceptance, live: the processes `make stack` runs (deploy/stack.py: the API with
its 2 worker processes, the Celery worker and beat, Redis as the broker) on a database of
their own, and a real HTTP receiver on 127.0.0.1 (WEBHOOK_ALLOW_PRIVATE_URLS on).

20 clients make 1,000 writes of mixed kinds over HTTP, each logging exactly one change, in
two halves with a quiet instant between them (the `updatedSince` checkpoint). Meanwhile a
partner tails the change feed, and the Celery worker is killed (SIGKILL) once deliveries are
under way and a new one started. Then:
- the change log holds exactly those 1,000 rows, one per write, of the expected types;
- the tailing partner read exactly the rows the finished feed returns page by page: ids
  handed out in commit order (a row that committed after a higher id was read would be
  missing from the tail);
- the receiver answers 500 to its first 3 attempts and still gets everything: it
  deduplicates by delivery id to exactly 1,000, every signature verifies (docs/webhooks.md's
  snippet), the changes arrive in sequence order and equal the feed's;
- `updatedSince` at the checkpoint returns exactly the records the second half wrote.

The retry schedule is shortened by the WEBHOOK_RETRY_DELAYS setting (production: 1 min ..
12 h), the worker's lease by WEBHOOK_LEASE_SECONDS, the beat's dispatch by
WEBHOOK_POLL_SECONDS, so the whole test takes well under a minute of deliveries.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
import signal
import threading
import time
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
import pytest
from django.db import connection

from changes import log
from graphql_schema.changes.types import ChangeEntityType
from tests.conftest import SMALL
from tests.live import database_url as live_database_url

# django_db: so that pytest-django creates the test database (whose name this test's own
# database is derived from) when this test runs alone.
pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

CLIENTS = 20
HALF = 25  # writes per client before the checkpoint, and after it
WRITES = CLIENTS * 2 * HALF
# After the last write, for the receiver to have everything. One subscription's deliveries
# go one at a time, in order: about 10 ms each on an idle 2-core machine, over 100 ms when
# it is loaded by several test runs.
DELIVERY_SECONDS = 150
KILL_AFTER = 150  # the worker is killed once the receiver has accepted this many
SECRET = "live-acceptance-secret-0123456789"
ACTOR = "token:live-writer"
# The broker's Redis database: REDIS_URL's server, one no test's cache uses (the export
# test's is 15).
BROKER_DB = int(os.environ.get("LIVE_TEST_BROKER_DB", "14"))
RETRY_DELAYS = "0.2,0.4,0.8,1,1,1,1"  # 8 attempts, as in production, in seconds

# --- the receivers ---------------------------------------------------------------------------


def verify(secret: str, headers: Any, raw_body: bytes) -> bool:
    """docs/webhooks.md's three lines, verbatim."""
    message = headers["X-Capgraph-Timestamp"].encode() + b"." + raw_body
    expected = "sha256=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, headers["X-Capgraph-Signature"])


class Receiver:
    """A partner's endpoint: answers 500 to its first `fail_first` requests, then 200, and
    keeps what it accepted deduplicated by delivery id, as a partner should."""

    def __init__(self, fail_first: int = 0) -> None:
        self.fail_first = fail_first
        self.lock = threading.Lock()
        self.answered: list[tuple[str, int]] = []  # (delivery id, status) per request
        self.accepted: dict[str, dict] = {}  # delivery id -> body, first accepted
        self.problems: list[str] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as a partner's server would

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers["Content-Length"]))
                outer.receive(self.headers, raw)
                status = outer.status_for_last()
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/capgraph"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._status = threading.local()

    def receive(self, headers: Any, raw: bytes) -> None:
        delivery_id = headers["X-Capgraph-Delivery"]
        problems = []
        if not verify(SECRET, headers, raw):
            problems.append(f"{delivery_id}: the signature does not verify")
        if abs(int(headers["X-Capgraph-Timestamp"]) - time.time()) > 300:
            problems.append(f"{delivery_id}: the timestamp is off")
        body = json.loads(raw)
        if body["deliveryId"] != delivery_id or body["sequence"] != body["change"]["sequence"]:
            problems.append(f"{delivery_id}: the body does not match its headers")
        with self.lock:
            status = 500 if len(self.answered) < self.fail_first else 200
            self.answered.append((delivery_id, status))
            if status == 200:
                self.accepted.setdefault(delivery_id, body)
            self.problems += problems
        self._status.value = status

    def status_for_last(self) -> int:
        return self._status.value

    def count(self) -> int:
        with self.lock:
            return len(self.accepted)

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


# --- the writers -----------------------------------------------------------------------------

PERSON_Q = "mutation($i: CreatePersonInput!) { createPerson(input: $i) { person { id } } }"
PROJECT_Q = "mutation($i: CreateProjectInput!) { createProject(input: $i) { project { id } } }"
ASSIGNMENT_Q = """mutation($i: CreateAssignmentInput!) {
  createAssignment(input: $i) { assignment { id version } } }"""
CALENDAR_Q = """mutation($i: CreateHolidayCalendarInput!) {
  createHolidayCalendar(input: $i) { holidayCalendar { id } } }"""
WRITES_Q = {
    "person": """mutation($id: ID!, $name: String!) {
      updatePerson(id: $id, input: {name: $name}) { person { id } } }""",
    "project": """mutation($id: ID!, $name: String!) {
      updateProject(id: $id, input: {name: $name}) { project { id } } }""",
    "assignment": """mutation($id: ID!, $v: Int!, $role: String!) {
      updateAssignment(id: $id, input: {expectedVersion: $v, roleOnProject: $role}) {
        assignment { version } } }""",
    "hours": """mutation($id: ID!, $v: Int!, $hours: JSON!) {
      bulkUpdateAssignmentHours(items: [{assignmentId: $id, expectedVersion: $v,
        weeklyHours: $hours}]) { assignments { version } } }""",
    "skills": """mutation($id: ID!, $skill: String!) {
      setPersonSkills(personId: $id, skills: [{skill: $skill, proficiency: EXPERT}]) {
        person { id } } }""",
    "createTimeOff": """mutation($id: ID!, $day: Date!) {
      createTimeOff(input: {personId: $id, startDate: $day, endDate: $day}) {
        timeOff { id } } }""",
    "deleteTimeOff": "mutation($id: ID!) { deleteTimeOff(id: $id) { id } }",
    "holidays": """mutation($id: ID!, $day: Date!, $name: String!) {
      setHolidays(calendarId: $id, from: $day, to: $day, holidays: [{date: $day, name: $name}])
        { holidayCalendar { id } } }""",
    "schedule": """mutation($id: ID!, $day: Date!) {
      setWorkSchedule(personId: $id, effectiveFrom: $day, hours: [8, 8, 8, 8, 8, 0, 0]) {
        person { id } } }""",
}
# The entity type of the one change row each kind of write logs.
LOGS = {
    "person": log.PERSON,
    "project": log.PROJECT,
    "assignment": log.ASSIGNMENT,
    "hours": log.ASSIGNMENT,
    "skills": log.PERSON,
    "createTimeOff": log.TIME_OFF,
    "deleteTimeOff": log.TIME_OFF,
    "holidays": log.HOLIDAY_CALENDAR,
    "schedule": log.WORK_SCHEDULE,
}
KINDS = ("person", "project", "assignment", "hours", "skills", "timeOff", "holidays", "schedule")
# After the checkpoint each client leaves one record alone, so that `updatedSince` must pick
# the records that changed, not every record the test made.
LEFT_ALONE = [("person", "skills"), ("project",), ("assignment", "hours"), ()]


class Writer:
    """One client: its own person, project, assignment and holiday calendar, written by one
    request at a time over its own HTTP connection."""

    def __init__(self, base: str, token: str, index: int, skills: list[str]) -> None:
        self.http = httpx.Client(
            base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=60
        )
        self.index = index
        self.skills = skills
        self.step = 0
        self.skill = 0
        self.logged: Counter[str] = Counter()  # change rows expected, by entity type
        self.touched: dict[str, set[str]] = {"person": set(), "project": set(), "assignment": set()}
        self.time_off: str | None = None
        self.version = 0
        self.error: BaseException | None = None

    def gql(self, query: str, variables: dict) -> dict:
        r = self.http.post("/graphql", json={"query": query, "variables": variables})
        body = r.json()
        assert r.status_code == 200 and "errors" not in body, (self.index, variables, body)
        return body["data"]

    def day(self, start: str) -> str:
        return (dt.date.fromisoformat(start) + dt.timedelta(days=self.step)).isoformat()

    def create(self) -> None:
        i = self.index
        self.person = self.gql(
            PERSON_Q,
            {"i": {"name": f"Live {i}", "departmentId": str(2 + i % 5), "hireDate": "2020-01-06"}},
        )["createPerson"]["person"]["id"]
        self.project = self.gql(PROJECT_Q, {"i": {"name": f"Live project {i}"}})["createProject"][
            "project"
        ]["id"]
        made = self.gql(
            ASSIGNMENT_Q,
            {"i": {"personId": self.person, "projectId": self.project, "weeklyHours": {}}},
        )["createAssignment"]["assignment"]
        self.assignment, self.version = made["id"], made["version"]
        self.calendar = self.gql(CALENDAR_Q, {"i": {"name": f"Live calendar {i}"}})[
            "createHolidayCalendar"
        ]["holidayCalendar"]["id"]
        self.logged.update([log.PERSON, log.PROJECT, log.ASSIGNMENT, log.HOLIDAY_CALENDAR])
        self.touched = {"person": {self.person}, "project": {self.project}}
        self.touched["assignment"] = {self.assignment}

    def write(self, kind: str) -> None:
        self.step += 1
        k = self.step
        if kind == "timeOff":
            kind = "deleteTimeOff" if self.time_off else "createTimeOff"
        if kind == "person":
            self.gql(WRITES_Q[kind], {"id": self.person, "name": f"Live {self.index} #{k}"})
        elif kind == "project":
            self.gql(
                WRITES_Q[kind], {"id": self.project, "name": f"Live project {self.index} #{k}"}
            )
        elif kind == "assignment":
            data = self.gql(
                WRITES_Q[kind], {"id": self.assignment, "v": self.version, "role": f"r{k}"}
            )
            self.version = data["updateAssignment"]["assignment"]["version"]
        elif kind == "hours":
            hours = {"2027-01-04": k, "2027-01-11": k / 2}  # never the same twice
            data = self.gql(
                WRITES_Q[kind], {"id": self.assignment, "v": self.version, "hours": hours}
            )
            self.version = data["bulkUpdateAssignmentHours"]["assignments"][0]["version"]
        elif kind == "skills":  # one skill, never the one before: one person row
            self.skill += 1
            skill = self.skills[self.skill % len(self.skills)]
            self.gql(WRITES_Q[kind], {"id": self.person, "skill": skill})
        elif kind == "createTimeOff":
            data = self.gql(WRITES_Q[kind], {"id": self.person, "day": self.day("2027-03-01")})
            self.time_off = data["createTimeOff"]["timeOff"]["id"]
        elif kind == "deleteTimeOff":
            self.gql(WRITES_Q[kind], {"id": self.time_off})
            self.time_off = None
        elif kind == "holidays":
            self.gql(
                WRITES_Q[kind],
                {"id": self.calendar, "day": self.day("2027-01-01"), "name": f"Day {k}"},
            )
        elif kind == "schedule":
            self.gql(WRITES_Q[kind], {"id": self.person, "day": self.day("2027-06-01")})
        self.logged[LOGS[kind]] += 1
        if LOGS[kind] in self.touched:  # a person, project or assignment: updatedSince's
            record = {"person": self.person, "project": self.project}
            self.touched[LOGS[kind]].add(record.get(LOGS[kind], self.assignment))

    def run_half(self, first: bool) -> None:
        try:
            kinds = list(KINDS)
            if first:
                self.create()
                count = HALF - 4
            else:
                self.touched = {"person": set(), "project": set(), "assignment": set()}
                kinds = [k for k in KINDS if k not in LEFT_ALONE[self.index % 4]]
                count = HALF
            for n in range(count):
                self.write(kinds[(self.index + n) % len(kinds)])
        except BaseException as exc:
            self.error = exc


def run_clients(writers: list[Writer], first: bool) -> None:
    threads = [threading.Thread(target=w.run_half, args=(first,)) for w in writers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(300)
    for w in writers:
        if w.error is not None:
            raise w.error


# --- the feed --------------------------------------------------------------------------------

FEED_Q = """query($after: String, $first: Int) { changes(after: $after, first: $first) {
  edges { cursor node { sequence entityType entityId operation fields actor at } }
  pageInfo { hasNextPage endCursor } } }"""


class Tail(threading.Thread):
    """A partner following the feed while it is written: pages of up to 100 from where it
    last stopped, until told to stop and it has caught up."""

    def __init__(self, base: str, token: str) -> None:
        super().__init__(daemon=True)
        self.http = httpx.Client(
            base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=60
        )
        self.nodes: list[dict] = []
        self.done = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        cursor = None
        try:
            while True:
                stopping = self.done.is_set()
                page = self.http.post(
                    "/graphql", json={"query": FEED_Q, "variables": {"after": cursor, "first": 100}}
                ).json()["data"]["changes"]
                self.nodes += [e["node"] for e in page["edges"]]
                cursor = page["pageInfo"]["endCursor"]
                if not page["edges"]:
                    if stopping:
                        return
                    time.sleep(0.05)
        except BaseException as exc:
            self.error = exc


def feed_pages(http: httpx.Client) -> list[list[dict]]:
    pages, cursor = [], None
    while True:
        r = http.post("/graphql", json={"query": FEED_Q, "variables": {"after": cursor}})
        page = r.json()["data"]["changes"]
        pages.append([e["node"] for e in page["edges"]])
        if not page["pageInfo"]["hasNextPage"]:
            return pages
        cursor = page["pageInfo"]["endCursor"]


def as_delivered(node: dict) -> dict:
    """A feed node as a webhook body's `change` says it (the enum's value, "person")."""
    return {**node, "entityType": ChangeEntityType[node["entityType"]].value}


def instant(change: dict) -> dict:
    """`at` as an instant: the feed and the webhook body write it differently."""
    return {**change, "at": dt.datetime.fromisoformat(change["at"])}


# --- the stack -------------------------------------------------------------------------------


def database_url(name: str) -> str:
    return live_database_url({**connection.settings_dict, "NAME": name})


def broker_url() -> str:
    parts = urlsplit(os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0")
    return urlunsplit(parts._replace(path=f"/{BROKER_DB}"))


@pytest.fixture
def live_database(django_db_setup, django_db_blocker) -> Iterator[str]:
    if connection.vendor != "postgresql":
        pytest.fail("the live acceptance test needs PostgreSQL (DATABASE_URL=postgres://...)")
    from deploy.stack import drop_database, ensure_database

    with django_db_blocker.unblock():
        url = database_url(f"{connection.settings_dict['NAME']}_live")
    drop_database(url)
    ensure_database(url)
    try:
        yield url
    finally:
        drop_database(url)


def sql(url: str, query: str, *params: Any) -> list[tuple]:
    import psycopg

    with psycopg.connect(url.replace("postgres://", "postgresql://")) as conn:
        return conn.execute(query, params).fetchall()


def test_a_thousand_writes_reach_the_feed_and_two_receivers_through_a_killed_worker(
    live_database, tmp_path
):
    from deploy.stack import API_WORKERS, Stack

    stack = Stack(
        live_database,
        os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0",
        with_worker=True,
        env={
            "CELERY_BROKER_URL": broker_url(),
            "RATE_LIMIT_POINTS": str(10**9),
            "SENTRY_DSN": "",
            "WEBHOOK_ALLOW_PRIVATE_URLS": "true",  # the receivers are on loopback
            "WEBHOOK_RETRY_DELAYS": RETRY_DELAYS,
            "WEBHOOK_POLL_SECONDS": "0.5",
            "WEBHOOK_LEASE_SECONDS": "10",
        },
        log_dir=tmp_path,
    )
    with stack, Receiver(fail_first=3) as receiver:
        # given `make stack`'s processes on small.json, a write token, and a subscription to
        # every entity type whose receiver answers 500 to its first 3 attempts, then 200
        assert sorted(stack.processes) == ["api", "beat", "worker"]
        assert stack.workers == API_WORKERS == 2
        stack.manage("load_dataset", str(SMALL), "--replace")
        token = stack.manage(
            "create_api_token", "partner", "--scope", "write", "--name", "live-writer"
        ).strip()
        admin = httpx.Client(
            base_url=stack.url, headers={"Authorization": f"Bearer {token}"}, timeout=60
        )

        def gql(query: str, variables: dict | None = None) -> dict:
            body = admin.post("/graphql", json={"query": query, "variables": variables}).json()
            assert "errors" not in body, body
            return body["data"]

        subscribe = """mutation($url: String!, $secret: String) {
          createWebhookSubscription(url: $url, secret: $secret) {
            subscription { id lastSequence } } }"""
        subscription = gql(subscribe, {"url": receiver.url, "secret": SECRET})[
            "createWebhookSubscription"
        ]["subscription"]
        start = int(subscription["lastSequence"])
        assert sql(live_database, "SELECT entity_type FROM changes_change") == [("dataset",)]
        skills = [s["name"] for s in gql("{ skills { name } }")["skills"]]
        writers = [Writer(stack.url, token, i, skills) for i in range(CLIENTS)]

        tail = Tail(stack.url, token)
        tail.start()
        killed: dict[str, int] = {}

        def kill_worker_mid_run() -> None:
            deadline = time.monotonic() + 180
            while receiver.count() < KILL_AFTER and time.monotonic() < deadline:
                time.sleep(0.02)
            killed["accepted"] = receiver.count()
            killed["code"] = stack.kill("worker", signal.SIGKILL)
            stack.start_worker("worker2")

        killer = threading.Thread(target=kill_worker_mid_run, daemon=True)
        killer.start()

        # when 20 clients write 500 times, a quiet instant passes, and they write 500 more
        started = time.monotonic()
        run_clients(writers, first=True)
        print(f"first half written in {time.monotonic() - started:.1f} s", flush=True)
        time.sleep(0.05)
        checkpoint = dt.datetime.now(dt.UTC)
        boundary = sql(live_database, "SELECT max(id) FROM changes_change")[0][0]
        time.sleep(0.05)
        run_clients(writers, first=False)
        written = time.monotonic() - started

        # and the deliveries run their course
        deadline = time.monotonic() + DELIVERY_SECONDS
        while receiver.count() < WRITES and time.monotonic() < deadline:
            time.sleep(0.1)
        delivered = time.monotonic() - started
        # the receiver counts a delivery when it answers; the worker records its outcome (the
        # delivery's status, the subscription's lastSequence) only after reading that answer
        while time.monotonic() < deadline and sql(
            live_database,
            "SELECT (SELECT count(*) FROM webhooks_webhookdelivery WHERE status <> 'succeeded'),"
            " (SELECT min(last_sequence) FROM webhooks_webhooksubscription)"
            " = (SELECT max(id) FROM changes_change)",
        ) != [(0, True)]:
            time.sleep(0.05)
        tail.done.set()
        tail.join(60)
        killer.join(5)
        print(
            f"{WRITES} writes in {written:.1f} s; all delivered after "
            f"{delivered:.1f} s ({len(receiver.answered)} requests); "
            f"worker killed after {killed.get('accepted')} deliveries"
        )
        state = gql("{ webhookSubscriptions { id isActive disabledReason lastSequence } }")
        pages = feed_pages(admin)
        people = gql(
            "query($t: DateTime) { people(updatedSince: $t, includeInactive: true, first: 200) "
            "{ edges { node { id } } pageInfo { hasNextPage } } }",
            {"t": checkpoint.isoformat()},
        )["people"]
        projects = gql(
            "query($t: DateTime) { projects(updatedSince: $t, first: 200) "
            "{ edges { node { id } } pageInfo { hasNextPage } } }",
            {"t": checkpoint.isoformat()},
        )["projects"]
        assignments = gql(
            "query($t: DateTime) { assignments(updatedSince: $t, includeInactive: true, "
            "first: 200) { edges { node { id } } pageInfo { hasNextPage } } }",
            {"t": checkpoint.isoformat()},
        )["assignments"]
        rows = sql(
            live_database,
            "SELECT id, entity_type, entity_id, actor FROM changes_change WHERE id > %s "
            "ORDER BY id",
            start,
        )
        statuses = sql(
            live_database,
            "SELECT subscription_id, status, count(*) FROM webhooks_webhookdelivery "
            "GROUP BY 1, 2 ORDER BY 1, 2",
        )
        worker_log = stack.log("worker2")

    # then the change log holds exactly one row per write, of the write's type, in commit order
    assert tail.error is None, tail.error
    assert len(rows) == WRITES
    expected_types: Counter[str] = Counter()
    for w in writers:
        expected_types += w.logged
    assert sum(expected_types.values()) == WRITES
    assert Counter(t for _, t, _, _ in rows) == expected_types
    assert {a for *_, a in rows} == {ACTOR}
    ids = [r[0] for r in rows]
    assert ids == sorted(set(ids))  # strictly increasing

    # and the feed returns them page by page: exactly what the tailing partner read as they
    # committed (an id handed out before an earlier one committed would be missing there)
    assert [len(p) for p in pages] == [100] * 10 + [1]
    feed = [n for page in pages for n in page]
    assert feed[0]["entityType"] == "DATASET" and int(feed[0]["sequence"]) == start
    feed = feed[1:]
    assert [int(n["sequence"]) for n in feed] == ids
    assert [(n["entityType"], int(n["entityId"])) for n in feed] == [
        (ChangeEntityType(t).name, e) for _, t, e, _ in rows
    ]
    assert tail.nodes == [pages[0][0], *feed]

    # and the receiver accepted every change exactly once after deduplication, in order,
    # signed, with the feed's content
    assert receiver.problems == []
    assert len(receiver.accepted) == WRITES
    bodies = list(receiver.accepted.values())
    assert [int(b["sequence"]) for b in bodies] == ids
    assert [instant(b["change"]) for b in bodies] == [instant(as_delivered(n)) for n in feed]
    in_order = [int(receiver.accepted[d]["sequence"]) for d, s in receiver.answered if s == 200]
    assert in_order == sorted(in_order)  # resends after the kill included
    # its first three answers were failures of the first delivery, retried
    first_id = receiver.answered[0][0]
    assert receiver.answered[:4] == [(first_id, 500)] * 3 + [(first_id, 200)]
    assert receiver.accepted[first_id]["sequence"] == str(ids[0])
    # and the killed worker's successor delivered; nothing stayed pending or failed
    assert killed["code"] == -signal.SIGKILL and killed["accepted"] < WRITES
    assert "webhooks.deliver" in worker_log
    assert [
        (s["isActive"], s["disabledReason"], int(s["lastSequence"]))
        for s in state["webhookSubscriptions"]
    ] == [(True, None, ids[-1])]
    assert {status for _, status, _ in statuses} == {"succeeded"}

    # and updatedSince at the checkpoint returns exactly the records the second half wrote,
    # which are those the change log holds after it
    after = [(t, e) for i, t, e, _ in rows if i > boundary]
    for kind, connection_ in (
        ("person", people),
        ("project", projects),
        ("assignment", assignments),
    ):
        expected = set().union(*(w.touched[kind] for w in writers))
        assert 0 < len(expected) < CLIENTS
        assert not connection_["pageInfo"]["hasNextPage"]
        assert {e["node"]["id"] for e in connection_["edges"]} == expected
        assert {str(e) for t, e in after if t == kind} == expected
