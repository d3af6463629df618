"""Live subscriptions against the production processes (deploy/stack.py's Stack: uvicorn with
2 workers, on PostgreSQL and Redis), with real clients: `websockets` speaking
graphql-transport-ws and httpx reading an SSE stream. Writes go through the API (they commit
in the server), on a database of this module's own.

A second server (one more process, same database and Redis) proves the fan-out across
processes; a third, without REDIS_URL, the embedded in-process notice.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import re
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from urllib.parse import urlparse

import httpx
import psycopg
import pytest
import websockets
from django.db import connection

from tests.conftest import SMALL
from tests.live import REPO, manage

pytestmark = pytest.mark.postgres

HOURS = """subscription($dep: ID) { assignmentHoursChanged(department: $dep) {
  sequence assignmentId personId projectId operation version
  weeks { week before after } changedFields actor } }"""
CHANGES = """subscription($types: [ChangeEntityType!]) { changes(types: $types) {
  sequence entityType entityId operation fields actor } }"""
BULK = """mutation($items: [AssignmentHoursInput!]!) { bulkUpdateAssignmentHours(items: $items) {
  assignments { id version } } }"""
MOVE = """mutation($id: ID!, $dep: ID) { updatePerson(id: $id, input: {departmentId: $dep}) {
  person { id } } }"""
ENGINEERING = {1, 2, 3, 4, 5, 6}  # department 1 and the departments below it
WEEK = "2027-02-01"  # no assignment of the dataset has hours in it


def dataset() -> dict:
    return json.loads(SMALL.read_text())


def assignment_in(inside: bool) -> dict:
    data = dataset()
    departments = {p["id"]: p["departmentId"] for p in data["people"]}
    for a in data["assignments"]:
        dep = departments[a["personId"]]
        if dep is not None and (dep in ENGINEERING) == inside:
            return a
    raise AssertionError("no such assignment")


class Server:
    def __init__(self, stack, tokens: dict[str, str]) -> None:
        self.stack = stack
        self.tokens = tokens
        self.http = f"{stack.url}/graphql"
        self.ws = self.http.replace("http://", "ws://")

    def post(self, query: str, variables: dict, token: str = "writer") -> dict:
        r = httpx.post(
            self.http,
            json={"query": query, "variables": variables},
            headers={"Authorization": f"Bearer {self.tokens[token]}"},
            timeout=30,
        )
        body = r.json()
        assert "errors" not in body, body
        return body["data"]

    def version(self, assignment: dict) -> int:
        data = self.post(
            "query($id: ID!) { person(id: $id) { "
            "assignments(includeInactive: true) { id version } } }",
            {"id": str(assignment["personId"])},
        )
        found = data["person"]["assignments"]
        return next(a["version"] for a in found if a["id"] == str(assignment["id"]))

    def set_hours(self, assignment: dict, hours: float) -> tuple[int, float]:
        """Writes one week of an assignment; its new version and when the answer came."""
        items = [
            {
                "assignmentId": str(assignment["id"]),
                "expectedVersion": self.version(assignment),
                "weeklyHours": {WEEK: hours},
            }
        ]
        data = self.post(BULK, {"items": items})
        return data["bulkUpdateAssignmentHours"]["assignments"][0]["version"], time.monotonic()


def _stack(env: dict[str, str], log_dir, workers: int):
    from deploy.stack import Stack

    stack = Stack(
        env["DATABASE_URL"], env["REDIS_URL"], workers=workers, with_worker=False, env=env,
        log_dir=log_dir,
    )  # fmt: skip
    try:
        stack.start(migrate=False)
    except RuntimeError as exc:
        stack.stop()
        pytest.fail(f"the API did not start: {exc}\n{stack.log()}")
    return stack


@pytest.fixture(scope="module")
def live_env(django_db_setup, tmp_path_factory) -> Iterator[tuple[dict[str, str], dict[str, str]]]:
    if connection.vendor != "postgresql":
        pytest.fail("live subscriptions run their servers on PostgreSQL: set DATABASE_URL")
    base = urlparse(os.environ["DATABASE_URL"])
    name = f"{base.path.lstrip('/')}_subs"
    admin = base._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        c.execute(f'CREATE DATABASE "{name}"')
    redis = urlparse(os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/3")
    env = {
        "DATABASE_URL": base._replace(path=f"/{name}").geturl(),
        "REDIS_URL": redis._replace(path="/12").geturl(),  # its own: flushed below
        "DEBUG": "false",
        "SECRET_KEY": "subscriptions-test-secret",
        "ALLOWED_HOSTS": "127.0.0.1",
        "PERSISTED_QUERIES": "apq",
        "SENTRY_DSN": "",
        "CELERY_BROKER_URL": "",
        "SUBSCRIPTION_POLL_SECONDS": "30",  # deliveries within 1 s come from the notices
        "SUBSCRIPTIONS_PER_CONNECTION": "2",
        "SUBSCRIPTIONS_PER_TOKEN": "3",
        "SUBSCRIPTION_QUEUE": "3",
    }
    import redis as redis_client

    redis_client.Redis.from_url(env["REDIS_URL"]).flushdb()
    manage(env, "migrate", "--no-input", "-v", "0")
    manage(env, "load_dataset", str(SMALL), "--replace")
    tokens = {}
    for label, args in {
        "writer": ["sub-writer", "--scope", "write", "--name", "planner-sync"],
        "engineering": ["sub-eng", "--department", "1"],
        "reader": ["sub-reader"],
        "limits": ["sub-limits"],
        "slow": ["sub-slow"],
        "other": ["sub-other"],
        "doomed": ["sub-doomed", "--name", "doomed"],
    }.items():
        tokens[label] = manage(env, "create_api_token", args[0], *args[1:]).strip()
    yield env, tokens


@pytest.fixture(scope="module")
def server(live_env, tmp_path_factory) -> Iterator[Server]:
    env, tokens = live_env
    stack = _stack(env, tmp_path_factory.mktemp("subs-api"), workers=2)
    try:
        yield Server(stack, tokens)
    finally:
        stack.stop()


# --- clients ---------------------------------------------------------------------------------


class WsClient:
    """graphql-transport-ws over a real WebSocket."""

    def __init__(self, socket) -> None:
        self.socket = socket

    @classmethod
    async def open(cls, url: str, token: str | None, **kwargs) -> WsClient:
        socket = await websockets.connect(url, subprotocols=["graphql-transport-ws"], **kwargs)
        client = cls(socket)
        payload = {"authorization": f"Bearer {token}"} if token else {}
        await socket.send(json.dumps({"type": "connection_init", "payload": payload}))
        return client

    async def ack(self) -> dict:
        return await self.receive()

    async def subscribe(self, id: str, payload: dict) -> None:
        await self.socket.send(json.dumps({"type": "subscribe", "id": id, "payload": payload}))

    async def receive(self, timeout: float = 10) -> dict:
        return json.loads(await asyncio.wait_for(self.socket.recv(), timeout))

    async def close(self) -> None:
        await self.socket.close()


async def ready(server: Server, token: str) -> WsClient:
    client = await WsClient.open(server.ws, server.tokens[token])
    assert await client.ack() == {"type": "connection_ack"}
    return client


async def sse_events(response: httpx.Response):
    """The `event:`/`data:` pairs of an SSE stream (comments skipped)."""
    event = None
    async for line in response.aiter_lines():
        if line.startswith("event: "):
            event = line.removeprefix("event: ")
        elif line.startswith("data: "):
            yield event, line.removeprefix("data: ")


def run(coro):
    return asyncio.run(coro)


# --- the acceptance: a graphql-ws client and an SSE client, within 1 s, scoped -----------------


def test_ws_and_sse_clients_get_a_visible_assignment_change_within_a_second_and_nothing_else(
    server,
):
    inside, outside = assignment_in(True), assignment_in(False)

    async def scenario():
        ws = await ready(server, "engineering")
        await ws.subscribe("h", {"query": HOURS})
        async with httpx.AsyncClient(timeout=30) as http:
            headers = {
                "Authorization": f"Bearer {server.tokens['engineering']}",
                "Accept": "text/event-stream",
            }
            async with http.stream(
                "POST", server.http, json={"query": HOURS}, headers=headers
            ) as sse:
                assert sse.status_code == 200
                assert sse.headers["content-type"] == "text/event-stream"
                events = sse_events(sse)
                await asyncio.sleep(1)  # both subscribed (the hub reads the log's top first)
                # a change outside the token's departments, then one inside
                await asyncio.to_thread(server.set_hours, outside, 3)
                version, written = await asyncio.to_thread(server.set_hours, inside, 4.5)
                got_ws = await ws.receive(timeout=5)
                ws_delay = time.monotonic() - written
                event, data = await asyncio.wait_for(anext(events), 5)
                sse_delay = time.monotonic() - written
        await ws.close()
        return version, got_ws, ws_delay, event, json.loads(data), sse_delay

    version, got_ws, ws_delay, event, got_sse, sse_delay = run(scenario())
    expected = {
        "assignmentId": str(inside["id"]),
        "personId": str(inside["personId"]),
        "projectId": str(inside["projectId"]),
        "operation": "UPDATE",
        "version": version,
        "weeks": [{"week": WEEK, "before": 0.0, "after": 4.5}],
        "changedFields": ["version", "weeklyHours"],
        "actor": "token:planner-sync",
    }
    # the first event each gets is the inside change: the outside one (committed before it,
    # and so read first) was never sent
    assert got_ws["type"] == "next" and got_ws["id"] == "h"
    ws_node = got_ws["payload"]["data"]["assignmentHoursChanged"]
    assert {k: v for k, v in ws_node.items() if k != "sequence"} == expected
    assert event == "next"
    sse_node = got_sse["data"]["assignmentHoursChanged"]
    assert sse_node == ws_node
    assert ws_delay < 1.0, ws_delay
    assert sse_delay < 1.0, sse_delay


def test_a_person_moved_out_of_a_restricted_tokens_departments_is_a_removal(server):
    data = dataset()
    person = next(p for p in data["people"] if p["departmentId"] == 6)

    async def scenario():
        eng = await ready(server, "engineering")
        full = await ready(server, "reader")
        for client in (eng, full):
            await client.subscribe("c", {"query": CHANGES, "variables": {"types": ["PERSON"]}})
        await asyncio.sleep(1)
        await asyncio.to_thread(server.post, MOVE, {"id": str(person["id"]), "dep": "7"})
        got = await eng.receive(), await full.receive()
        # and back: the engineering token sees the person arrive again as an update
        await asyncio.to_thread(server.post, MOVE, {"id": str(person["id"]), "dep": "6"})
        again = await eng.receive()
        for client in (eng, full):
            await client.close()
        return got, again

    (eng, full), again = run(scenario())
    removal = eng["payload"]["data"]["changes"]
    assert {k: removal[k] for k in ("entityType", "entityId", "operation", "fields")} == {
        "entityType": "PERSON",
        "entityId": str(person["id"]),
        "operation": "DELETE",
        "fields": {},
    }
    change = full["payload"]["data"]["changes"]
    assert change["sequence"] == removal["sequence"]
    assert (change["operation"], change["fields"]) == (
        "UPDATE",
        {"departmentId": {"before": 6, "after": 7}},
    )
    back = again["payload"]["data"]["changes"]
    assert (back["operation"], back["fields"]) == (
        "UPDATE",
        {"departmentId": {"before": 7, "after": 6}},
    )


def _one_hours_change(
    listener: Server, writer: Server, variables: dict, before: float, hours: float
):
    """Set an in-scope assignment's hours to `before`, subscribe on `listener`, set them to
    `hours` through `writer`, and return that assignment, its new version, the message
    received and how long after the write's commit it arrived."""
    inside = assignment_in(True)
    writer.set_hours(inside, before)  # whatever the tests before this one left

    async def scenario():
        ws = await ready(listener, "other")
        await ws.subscribe("h", {"query": HOURS, "variables": variables})
        await asyncio.sleep(1)
        version, written = await asyncio.to_thread(writer.set_hours, inside, hours)
        got = await ws.receive(timeout=5)
        delay = time.monotonic() - written
        await ws.close()
        return version, got, delay

    return inside, *run(scenario())


def _assert_hours_changed(got: dict, inside: dict, version: int, before: float, after: float):
    node = got["payload"]["data"]["assignmentHoursChanged"]
    assert (node["assignmentId"], node["version"], node["weeks"]) == (
        str(inside["id"]),
        version,
        [{"week": WEEK, "before": before, "after": after}],
    )


def test_a_write_through_one_process_reaches_a_subscriber_on_another(
    server, live_env, tmp_path_factory
):
    env, tokens = live_env
    other = _stack(env, tmp_path_factory.mktemp("subs-api-b"), workers=1)
    try:
        inside, version, got, delay = _one_hours_change(
            Server(other, tokens), server, {"dep": "1"}, 4.5, 6
        )
    finally:
        other.stop()
    _assert_hours_changed(got, inside, version, 4.5, 6.0)
    assert delay < 1.0, delay


def test_without_redis_the_notice_is_in_process(live_env, tmp_path_factory):
    env, tokens = live_env
    embedded = _stack({**env, "REDIS_URL": ""}, tmp_path_factory.mktemp("subs-embedded"), 1)
    try:
        lone = Server(embedded, tokens)
        inside, version, got, delay = _one_hours_change(lone, lone, {}, 6, 7)
    finally:
        embedded.stop()
    _assert_hours_changed(got, inside, version, 6.0, 7.0)
    assert delay < 1.0, delay


# --- through deploy/nginx.conf (compose's web service) -----------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def nginx(server, tmp_path) -> Iterator[str]:
    """Debian's nginx (installed by .ci/run) running deploy/nginx.conf, with the upstream and
    the port of this machine instead of compose's; its base URL."""
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    if not os.path.exists(binary):
        pytest.fail("no nginx: apt-get install -y nginx (.ci/run does)")
    port = _free_port()
    upstream = urlparse(server.stack.url).netloc
    site = (REPO / "deploy" / "nginx.conf").read_text()
    site = site.replace("server api:8000;", f"server {upstream};")
    site = re.sub(r"listen\s+80;", f"listen 127.0.0.1:{port};", site)
    site = site.replace("/usr/share/nginx/html", str(REPO / "frontend" / "dist"))
    temp = tmp_path / "temp"
    temp.mkdir()
    conf = tmp_path / "nginx.conf"
    conf.write_text(
        f"daemon off;\nmaster_process off;\npid {tmp_path}/nginx.pid;\n"
        f"error_log {tmp_path}/error.log warn;\nevents {{}}\nhttp {{\n"
        f"access_log off;\nclient_body_temp_path {temp};\nproxy_temp_path {temp};\n"
        f"fastcgi_temp_path {temp};\nuwsgi_temp_path {temp};\nscgi_temp_path {temp};\n"
        f"{site}\n}}\n"
    )
    process = subprocess.Popen([binary, "-c", str(conf), "-e", str(tmp_path / "error.log")])
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail(f"nginx did not start: {(tmp_path / 'error.log').read_text()}")
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_through_nginx_a_websocket_and_an_event_stream_each_get_a_change_within_a_second(
    server, nginx
):
    inside = assignment_in(True)
    ws_url = nginx.replace("http://", "ws://") + "/graphql"

    async def scenario():
        ws = await WsClient.open(ws_url, server.tokens["reader"])
        assert await ws.ack() == {"type": "connection_ack"}
        await ws.subscribe("h", {"query": HOURS})
        async with httpx.AsyncClient(timeout=30) as http:
            headers = {
                "Authorization": f"Bearer {server.tokens['reader']}",
                "Accept": "text/event-stream",
            }
            async with http.stream(
                "POST", f"{nginx}/graphql", json={"query": HOURS}, headers=headers
            ) as sse:
                assert sse.headers["content-type"] == "text/event-stream"
                events = sse_events(sse)
                await asyncio.sleep(1)
                version, written = await asyncio.to_thread(server.set_hours, inside, 5)
                got_ws = await ws.receive(timeout=5)
                ws_delay = time.monotonic() - written
                _, data = await asyncio.wait_for(anext(events), 5)
                sse_delay = time.monotonic() - written  # not held in nginx's buffers
        await ws.close()
        return version, got_ws, ws_delay, json.loads(data), sse_delay

    version, got_ws, ws_delay, got_sse, sse_delay = run(scenario())
    node = got_ws["payload"]["data"]["assignmentHoursChanged"]
    assert (node["assignmentId"], node["version"]) == (str(inside["id"]), version)
    assert got_sse["data"]["assignmentHoursChanged"] == node
    assert ws_delay < 1.0, ws_delay
    assert sse_delay < 1.0, sse_delay


# --- credentials that lapse ---------------------------------------------------------------------


def test_revoking_a_token_ends_its_subscriptions_at_once_on_both_transports(server, live_env):
    env, _ = live_env
    revoke = (
        "from accounts.models import ApiToken\n"
        "t = ApiToken.objects.get(name='doomed')\n"
        "t.revoked = True\n"
        "t.save()"
    )

    async def scenario():
        ws = await ready(server, "doomed")
        await ws.subscribe("h", {"query": HOURS})
        async with httpx.AsyncClient(timeout=30) as http:
            headers = {
                "Authorization": f"Bearer {server.tokens['doomed']}",
                "Accept": "text/event-stream",
            }
            async with http.stream(
                "POST", server.http, json={"query": HOURS}, headers=headers
            ) as sse:
                events = sse_events(sse)
                await asyncio.sleep(1)
                # in another process (a shell, as an admin would): the AUTH notice reaches
                # both workers' hubs; their poll (SUBSCRIPTION_POLL_SECONDS) is 30 s
                await asyncio.to_thread(manage, env, "shell", "-c", revoke)
                revoked = time.monotonic()
                got_ws = [await ws.receive(), await ws.receive()]
                got_sse = await asyncio.wait_for(anext(events), 10)
                delay = time.monotonic() - revoked
                # a write now reaches nobody: the streams have ended
                rest = [e async for e in events]
        # and the socket takes no new subscription with the revoked token
        await ws.subscribe("again", {"query": HOURS})
        refused = await ws.receive()
        await ws.close()
        return got_ws, got_sse, rest, refused, delay

    got_ws, (event, data), rest, refused, delay = run(scenario())
    error = {"message": "Invalid API token", "extensions": {"code": "UNAUTHENTICATED"}}
    assert got_ws == [
        {"id": "h", "type": "next", "payload": {"data": None, "errors": [error]}},
        {"id": "h", "type": "complete"},
    ]
    assert (event, json.loads(data)) == ("next", {"data": None, "errors": [error]})
    assert [e for e, _ in rest] == ["complete"]
    assert refused == {"id": "again", "type": "error", "payload": [error]}
    assert delay < 3.0, delay


# --- refusals ----------------------------------------------------------------------------------


def test_a_bad_token_is_refused_with_its_code_on_both_transports(server):
    async def scenario():
        client = await WsClient.open(server.ws, "cg_not-a-token")
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await client.receive()
        return closed.value.rcvd

    rcvd = run(scenario())
    assert (rcvd.code, rcvd.reason) == (4403, "UNAUTHENTICATED: Invalid API token")
    r = httpx.post(
        server.http,
        json={"query": HOURS},
        headers={"Authorization": "Bearer cg_not-a-token", "Accept": "text/event-stream"},
    )
    assert r.status_code == 401
    assert r.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_documents_are_resolved_and_admitted_as_for_queries(server):
    async def scenario():
        ws = await ready(server, "reader")
        # an unknown trusted document, an unknown APQ hash, a query, an invalid field
        await ws.subscribe("a", {"query": None, "documentId": "sha256:" + "0" * 64})
        first = await ws.receive()
        digest = hashlib.sha256(HOURS.encode()).hexdigest()
        apq = {"persistedQuery": {"version": 1, "sha256Hash": digest}}
        await ws.subscribe("b", {"extensions": apq})
        second = await ws.receive()
        await ws.subscribe("c", {"query": "{ viewer { username } }"})
        third = await ws.receive()
        await ws.subscribe("d", {"query": "subscription { changes { nope } }"})
        fourth = await ws.receive()
        # the APQ registration, then the hash alone
        await ws.subscribe("e", {"query": HOURS, "extensions": apq})
        await ws.subscribe("f", {"extensions": apq})
        await asyncio.sleep(1)
        version, _ = await asyncio.to_thread(server.set_hours, assignment_in(False), 2)
        got = sorted([await ws.receive(), await ws.receive()], key=lambda m: m["id"])
        await ws.close()
        return first, second, third, fourth, got, version

    first, second, third, fourth, got, version = run(scenario())
    assert first == {
        "id": "a",
        "type": "error",
        "payload": [
            {"message": "Unknown documentId", "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"}}
        ],
    }
    assert second["payload"] == [
        {"message": "PersistedQueryNotFound", "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"}}
    ]
    assert third["payload"][0]["extensions"]["code"] == "BAD_REQUEST"
    assert third["payload"][0]["message"] == (
        "Only subscriptions run over a WebSocket: send queries and mutations as plain HTTP requests"
    )
    assert fourth["payload"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert [(m["id"], m["type"]) for m in got] == [("e", "next"), ("f", "next")]
    assert [m["payload"]["data"]["assignmentHoursChanged"]["version"] for m in got] == [
        version,
        version,
    ]
    # a subscription as a plain request
    r = httpx.post(
        server.http,
        json={"query": HOURS},
        headers={"Authorization": f"Bearer {server.tokens['reader']}"},
    )
    assert r.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


def test_too_many_subscriptions_per_connection_and_per_token(server):
    async def scenario():
        one = await ready(server, "limits")
        for id in ("1", "2", "3"):  # SUBSCRIPTIONS_PER_CONNECTION is 2
            await one.subscribe(id, {"query": HOURS})
        over_connection = await one.receive()
        two = await ready(server, "limits")
        await two.subscribe("4", {"query": HOURS})  # the token's third: SUBSCRIPTIONS_PER_TOKEN
        await asyncio.sleep(1)  # admitted (each subscribe runs as its own task: no order)
        await two.subscribe("5", {"query": HOURS})  # its fourth
        over_token = await two.receive()
        closing = await two.receive()
        await one.close()
        await two.close()
        return over_connection, over_token, closing

    over_connection, over_token, closing = run(scenario())
    assert over_connection == {
        "id": "3",
        "type": "error",
        "payload": [
            {
                "message": "This connection already has 2 subscriptions open",
                "extensions": {"code": "TOO_MANY_SUBSCRIPTIONS"},
            }
        ],
    }
    assert over_token["id"] == "5" and over_token["type"] == "next"
    assert over_token["payload"]["errors"][0]["extensions"] == {"code": "TOO_MANY_SUBSCRIPTIONS"}
    assert over_token["payload"]["errors"][0]["message"] == (
        "This token already has 3 subscriptions open"
    )
    assert closing == {"id": "5", "type": "complete"}


def test_a_subscriber_that_falls_behind_is_closed_with_slow_consumer(server):
    data = dataset()
    many = [a for a in data["assignments"]][:5]  # one write of 5 changes: past the queue of 3

    async def scenario():
        ws = await ready(server, "slow")
        await ws.subscribe("s", {"query": HOURS})
        await asyncio.sleep(1)
        items = [
            {
                "assignmentId": str(a["id"]),
                "expectedVersion": await asyncio.to_thread(server.version, a),
                "weeklyHours": {"2027-02-08": 1},
            }
            for a in many
        ]
        await asyncio.to_thread(server.post, BULK, {"items": items})
        got = [await ws.receive(), await ws.receive()]
        await ws.close()
        return got

    error, complete = run(scenario())
    assert error["type"] == "next"
    assert error["payload"]["data"] is None
    assert error["payload"]["errors"][0]["extensions"] == {"code": "SLOW_CONSUMER"}
    assert error["payload"]["errors"][0]["message"].startswith(
        "More than 3 changes were waiting for this subscription: it was closed"
    )
    assert complete == {"id": "s", "type": "complete"}
