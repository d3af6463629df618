"""Real GraphQL clients drive Apollo APQ against a live server, in Node (tests/node/):
urql's persistedExchange with preferGetForPersistedQueries, and Apollo Client's
persisted-queries link with useGETForHashedQueries.

The server is uvicorn in a subprocess on the pytest-django test database, so it sees only
what is committed: the session's dataset and tokens (tests/conftest.py). That needs
PostgreSQL (the SQLite test database lives in this process's memory).
"""

import hashlib
import json
import shutil
import subprocess
import uuid

import httpx
import pytest
from django.db import connection
from graphql import parse, print_ast

from tests.conftest import REPO
from tests.live import LiveServer, database_url, serve

pytestmark = pytest.mark.postgres

NODE_DIR = REPO / "tests" / "node"
QUERY = """query %s($dep: ID) {
  people(first: 3, department: $dep) {
    edges {
      node {
        id
        name
        hoursByWeek(from: "2026-12-28", weeks: 2) {
          week
          hours
        }
      }
    }
  }
}"""
# The first call misses and registers the document, the second repeats it by hash alone, the
# third sends the known hash with other variables.
CALLS = [{"dep": "1"}, {"dep": "1"}, {"dep": "3"}]
NOT_FOUND = [
    {"message": "PersistedQueryNotFound", "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"}}
]
APOLLO_VERSION = json.loads((NODE_DIR / "package.json").read_text())["dependencies"][
    "@apollo/client"
]


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def unique_query(client: str) -> str:
    """A document no earlier run registered: the APQ store (Redis) outlives test runs."""
    return QUERY % f"Apq{client}_{uuid.uuid4().hex}"


def without_typename(value):
    if isinstance(value, dict):
        return {k: without_typename(v) for k, v in value.items() if k != "__typename"}
    if isinstance(value, list):
        return [without_typename(v) for v in value]
    return value


@pytest.fixture(scope="module")
def node_project():
    """tests/node with its locked dependencies installed: `npm ci` when node_modules is
    missing, half-installed (npm writes node_modules/.package-lock.json last) or older than
    package-lock.json."""
    for tool in ("node", "npm"):
        if shutil.which(tool) is None:
            pytest.fail(f"`{tool}` is not on PATH: these tests need Node 20+ and npm")
    installed = NODE_DIR / "node_modules" / ".package-lock.json"
    lock = NODE_DIR / "package-lock.json"
    if not installed.exists() or installed.stat().st_mtime < lock.stat().st_mtime:
        result = subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund"],
            cwd=NODE_DIR,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if result.returncode != 0:
            pytest.fail(
                f"`npm ci` in {NODE_DIR} failed (exit {result.returncode}):\n"
                f"{result.stdout}\n{result.stderr}",
                pytrace=False,
            )
    return NODE_DIR


@pytest.fixture(scope="module")
def uvicorn_server(django_db_setup, tmp_path_factory):
    """uvicorn on a free port, on the test database; stopped when the module is done. Tests
    get it through `live()`."""
    env = {
        # REDIS_URL, when set, is passed through: the tests' Redis
        "DATABASE_URL": database_url(connection.settings_dict),
        "PERSISTED_QUERIES": "apq",
        "PERSISTED_DOCUMENTS": "",
        "RESPONSE_CACHE_TTL": "30",
        "SENTRY_DSN": "",
    }
    with serve(env, tmp_path_factory.mktemp("live-server")) as server:
        yield server


def live(request: pytest.FixtureRequest) -> LiveServer:
    """The live server, or a test failure (not a skip) when the database is not PostgreSQL."""
    if connection.vendor != "postgresql":
        pytest.fail(
            "the live-server APQ client tests need PostgreSQL (the SQLite test database is "
            "in this process's memory, out of a server's reach): run them with "
            "DATABASE_URL=postgres://...",
            pytrace=False,
        )
    return request.getfixturevalue("uvicorn_server")


def run_client(node_project, server: LiveServer, script: str, token: str, query: str) -> dict:
    spec = json.dumps({"query": query, "calls": CALLS})
    result = subprocess.run(
        ["node", str(node_project / script), server.graphql, token, spec],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, (
        f"node {script} failed ({result.returncode}):\n{result.stderr}\n"
        f"--- server log:\n{server.log()}"
    )
    return json.loads(result.stdout)


def free_text(server: LiveServer, token: str, query: str, variables: dict) -> dict:
    """The same query sent as free text over POST: the reference answer."""
    r = httpx.post(
        server.graphql,
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert "errors" not in body, body["errors"]
    nodes = [edge["node"] for edge in body["data"]["people"]["edges"]]
    assert any(week["hours"] for node in nodes for week in node["hoursByWeek"]), body
    return body["data"]


def assert_missed_then_by_hash(requests: list[dict], retry_method: str) -> str:
    """The observed flow: a GET with only the hash misses; the retry carries the document;
    every later call sends only the hash over GET and succeeds. Returns the hash."""
    summary = [(r["call"], r["method"], r["hasQuery"], r["hash"] is not None) for r in requests]
    assert summary == [
        (0, "GET", False, True),
        (0, retry_method, True, True),
        (1, "GET", False, True),
        (2, "GET", False, True),
    ], json.dumps(requests, indent=2)
    miss, retry, *later = requests
    digest = miss["hash"]
    assert digest == sha(retry["query"])  # the hash of the very text the retry carried
    assert all(r["hash"] == digest for r in requests)

    assert miss["response"]["status"] == 200
    assert miss["response"]["body"]["errors"] == NOT_FOUND
    assert "data" not in miss["response"]["body"]
    assert miss["response"]["cacheControl"] == "private, no-cache, must-revalidate"

    for r, variables in zip([retry, *later], CALLS, strict=True):
        assert r["variables"] == variables
        assert r["response"]["status"] == 200
        assert "errors" not in r["response"]["body"], r["response"]["body"]
    # The document was computed once, then the repeat by hash was answered from cache.
    assert [r["response"]["cache"] for r in (miss, retry, *later)] == [
        "BYPASS",
        "MISS",
        "HIT",
        "MISS",
    ]
    return digest


def test_urql_persisted_exchange_misses_once_then_sends_only_the_hash_over_get(
    db, tokens, node_project, request
):
    server = live(request)
    query = unique_query("Urql")
    out = run_client(node_project, server, "urql.mjs", tokens.write, query)
    requests = out["requests"]

    # urql retries a miss over GET too (preferGetMethod stays on for the operation), with
    # the document in the URL and `miss: true` added to the persistedQuery extension.
    digest = assert_missed_then_by_hash(requests, retry_method="GET")
    retry = requests[1]
    assert retry["extensions"] == {
        "persistedQuery": {"version": 1, "sha256Hash": digest, "miss": True}
    }
    # urql sends the source text "sanitized": comments dropped and, a quirk of its regex, a
    # newline put before every string literal; the hash is of that text. Same operation.
    assert print_ast(parse(retry["query"])) == print_ast(parse(query))
    for r in requests[2:]:
        assert r["extensions"] == {"persistedQuery": {"version": 1, "sha256Hash": digest}}

    for result, variables in zip(out["results"], CALLS, strict=True):
        assert result["data"] == free_text(server, tokens.write, query, variables)


def test_apollo_persisted_query_link_misses_once_then_sends_only_the_hash_over_get(
    db, tokens, node_project, request
):
    server = live(request)
    query = unique_query("Apollo")
    out = run_client(node_project, server, "apollo.mjs", tokens.write, query)
    requests = out["requests"]

    # Apollo Client retries a miss over POST, with the document in the body (its link
    # switches a retry carrying the query to POST, apollo-client issue 7456).
    digest = assert_missed_then_by_hash(requests, retry_method="POST")
    for r in requests:  # Apollo Client 4 also names itself in every request's extensions
        assert r["extensions"] == {
            "clientLibrary": {"name": "@apollo/client", "version": APOLLO_VERSION},
            "persistedQuery": {"version": 1, "sha256Hash": digest},
        }
    # Apollo's cache adds __typename to the document it prints and hashes.
    assert "__typename" in requests[1]["query"]

    for result, variables in zip(out["results"], CALLS, strict=True):
        assert without_typename(result["data"]) == free_text(server, tokens.write, query, variables)
