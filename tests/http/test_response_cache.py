"""The response cache: hits cost no execution, every write invalidates, scopes never mix,
errors are never cached, HTTP validators work, and a cache outage only costs speed."""

import asyncio
import logging
from io import StringIO

import httpx
import pytest
from django.core.management import call_command

from core import dataversion
from tests.client import exact_queries
from tests.conftest import SMALL

NAME = '{ person(id: "25") { name weeklyCapacity } }'


def name_of(client) -> tuple[str, str]:
    r = client.post(NAME)
    return r.data["person"]["name"], r.headers["X-Capgraph-Cache"]


def test_repeated_query_is_a_hit_costing_no_sql(gql):
    first = gql.post(NAME)
    assert first.headers["X-Capgraph-Cache"] == "MISS"
    with exact_queries(0):  # the token is remembered for a few seconds, the answer cached
        second = gql.post(NAME)
    assert second.headers["X-Capgraph-Cache"] == "HIT"
    assert first.body == second.body


WRITES = {
    "updatePerson": lambda gql: gql.post(
        'mutation { updatePerson(id: "25", input: {name: "Ada T."}) { person { id } } }'
    ),
    "bulkUpdateAssignmentHours": lambda gql: gql.post(
        """mutation($items: [AssignmentHoursInput!]!) { bulkUpdateAssignmentHours(items: $items)
           { assignments { id } } }""",
        {"items": [{"assignmentId": "54", "expectedVersion": 1, "weeklyHours": {"2026-11-16": 1}}]},
    ),
    "load_dataset": lambda gql: call_command(
        "load_dataset", str(SMALL), "--replace", stdout=StringIO()
    ),
}


@pytest.mark.parametrize("write", list(WRITES))
def test_every_write_path_invalidates(gql, write):
    doc = '{ person(id: "25") { name hoursByWeek(from: "2026-11-16", weeks: 1) { hours } } }'
    before = gql.post(doc)
    assert gql.post(doc).headers["X-Capgraph-Cache"] == "HIT"
    WRITES[write](gql)
    after = gql.post(doc)
    assert after.headers["X-Capgraph-Cache"] == "MISS"
    if write == "updatePerson":
        assert after.data["person"]["name"] == "Ada T."
    if write == "bulkUpdateAssignmentHours":
        assert before.data["person"]["hoursByWeek"] == [{"hours": 36.0}]
        assert after.data["person"]["hoursByWeek"] == [{"hours": 1.0}]


def test_admin_edit_invalidates(gql, rf):
    from django.contrib import admin
    from django.contrib.auth.models import User

    from people.models import Person

    gql.post(NAME)
    assert name_of(gql) == ("Ada Thompson", "HIT")
    person = Person.objects.get(pk=25)
    person.name = "Ada Admin"
    request = rf.post("/admin/people/person/25/change/")
    request.user = User.objects.create(username="root", is_staff=True, is_superuser=True)
    admin.site._registry[Person].save_model(request, person, form=None, change=True)
    assert name_of(gql) == ("Ada Admin", "MISS")


def test_scopes_share_entries_only_when_departments_and_scope_match(client_for, tokens):
    from django.contrib.auth.models import User

    from accounts.models import ApiToken
    from people.models import Department

    other_writer = client_for(ApiToken.issue(User.objects.create(username="w2"), "write")[1])
    same_departments = client_for(
        ApiToken.issue(User.objects.create(username="e2"), "read", [Department.objects.get(pk=1)])[
            1
        ]
    )
    doc = "{ people(first: 3) { edges { node { id } } } }"
    writer = client_for(tokens.write)
    writer.post(doc)
    assert other_writer.post(doc).headers["X-Capgraph-Cache"] == "HIT"
    engineering = client_for(tokens.engineering)
    assert engineering.post(doc).headers["X-Capgraph-Cache"] == "MISS"
    assert same_departments.post(doc).headers["X-Capgraph-Cache"] == "HIT"
    assert engineering.post(doc).body != writer.post(doc).body  # and the answers really differ


def test_answers_about_the_viewer_are_never_shared_between_users(client_for, tokens):
    from django.contrib.auth.models import User

    from accounts.models import ApiToken

    twin = client_for(ApiToken.issue(User.objects.create(username="twin"), "write")[1])
    writer = client_for(tokens.write)
    doc = "{ viewer { username } }"
    assert writer.post(doc).data == {"viewer": {"username": "writer"}}
    r = twin.post(doc)
    assert (r.data, r.headers["X-Capgraph-Cache"]) == ({"viewer": {"username": "twin"}}, "MISS")


def test_errors_are_never_cached(gql):
    doc = '{ person(id: "9999") { name } }'
    for _ in range(3):
        r = gql.post(doc)
        assert r.codes == ["NOT_FOUND"]
        assert r.headers["X-Capgraph-Cache"] != "HIT"
        assert r.headers["Cache-Control"] == "no-store"


def test_etag_and_if_none_match(gql):
    r = gql.post(NAME)
    assert r.headers["Cache-Control"] == "private, max-age=30"
    etag = r.headers["ETag"]
    raw = gql.request(
        "POST",
        json={"query": NAME},
        headers={"Authorization": f"Bearer {gql.token}", "If-None-Match": etag},
    )
    assert raw.status_code == 304
    assert raw.content == b""
    assert raw.headers["ETag"] == etag
    mutation = gql.post('mutation { updatePerson(id: "25", input: {}) { person { id } } }')
    assert mutation.headers["Cache-Control"] == "no-store"
    assert "ETag" not in mutation.headers


def test_redis_outage_serves_uncached_and_logs_once(gql, settings, caplog):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens here
        }
    }
    dataversion._last_outage_log = 0.0
    with caplog.at_level(logging.WARNING, logger="capgraph.cache"):
        answers = [gql.post(NAME) for _ in range(3)]
    assert [a.data["person"]["name"] for a in answers] == ["Ada Thompson"] * 3
    assert [a.headers["X-Capgraph-Cache"] for a in answers] == ["BYPASS"] * 3
    outages = [r for r in caplog.records if r.name == "capgraph.cache"]
    assert len(outages) == 1
    assert outages[0].getMessage().startswith("cache unavailable, serving uncached: ")


def test_50_concurrent_misses_on_one_key_compute_once(gql, monkeypatch):
    from config.asgi import application

    gql.post(NAME)  # the document is known from now on
    dataversion.bump()  # a cold key
    from graphql_schema.loaders.people import PersonByIdLoader

    batches = []
    real = PersonByIdLoader.load_batch

    def counted(self, keys):
        batches.append(list(keys))
        return real(self, keys)

    monkeypatch.setattr(PersonByIdLoader, "load_batch", counted)

    async def both():
        transport = httpx.ASGITransport(app=application)
        headers = {"Authorization": f"Bearer {gql.token}"}
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            return await asyncio.gather(
                *(c.post("/graphql", json={"query": NAME}, headers=headers) for _ in range(50))
            )

    from asgiref.sync import async_to_sync

    with exact_queries(1):  # one execution; the token was looked up by the first request
        responses = async_to_sync(both)()
    assert batches == [[25]]  # the resolver work ran once
    assert {r.json()["data"]["person"]["name"] for r in responses} == {"Ada Thompson"}
    assert all(r.json()["extensions"]["cost"]["requested"] == 1 for r in responses)
    statuses = sorted(r.headers["X-Capgraph-Cache"] for r in responses)
    assert statuses == ["HIT"] * 49 + ["MISS"]


def test_operation_log_line(gql, caplog):
    import json

    with caplog.at_level(logging.INFO, logger="capgraph.operation"):
        gql.post("query Who { viewer { username } }", operationName="Who")
    (record,) = [r for r in caplog.records if r.name == "capgraph.operation"]
    line = json.loads(record.getMessage())
    assert line.pop("duration_ms") >= 0
    from accounts.models import ApiToken
    from api.persisted import sha256

    assert line == {
        "operation": "Who",
        "hash": sha256("query Who { viewer { username } }"),
        "cache": "MISS",
        "user": ApiToken.objects.get(user__username="writer").user_id,
        "status": 200,
        "sql_queries": 1,
        "cost": 1,
    }


def test_an_answer_is_stored_as_its_etag_and_body_and_read_back(db):
    from django.core.cache import cache, caches
    from django.core.cache.backends.redis import RedisCache

    from api import response_cache

    answer = response_cache.entry(b'{"data":{"x":1}}')
    response_cache.put("test:stored", answer)
    stored = answer.etag.encode() + b"\n" + answer.body
    if isinstance(caches["default"], RedisCache):  # bytes as they are, not pickled
        client = cache._cache.get_client(write=True)
        assert client.get(cache.make_key("test:stored")) == stored
    else:
        assert cache.get("test:stored") == stored
    assert response_cache.get("test:stored") == answer
    version = dataversion.current()
    assert response_cache.lookup(lambda v: f"test:{v}") == (version, None)
    response_cache.put(f"test:{version}", answer)
    assert response_cache.lookup(lambda v: f"test:{v}") == (version, answer)


def test_a_large_value_is_sent_to_redis_as_it_is():
    from core.cache import LARGE_VALUE, GuardedConnection

    packer = GuardedConnection()._command_packer  # not connected: packing only
    large = b"x" * LARGE_VALUE
    chunks = packer.pack("SET", "k", large, "EX", 30)
    assert any(chunk is large for chunk in chunks)  # not copied into a buffer
    header = b"*5\r\n$3\r\nSET\r\n$1\r\nk\r\n$%d\r\n" % LARGE_VALUE
    assert b"".join(chunks) == header + large + b"\r\n$2\r\nEX\r\n$2\r\n30\r\n"
    # a small command: one buffer (hiredis's packer)
    assert packer.pack("SET", "k", b"v") == [b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n"]
