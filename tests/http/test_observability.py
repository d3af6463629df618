"""Sentry through the SDK's transport hook (no Sentry server here), masking, and the log."""

import hashlib
import json
import logging

import pytest
import sentry_sdk

from config.observability import init_sentry
from tests.helpers import CapturingTransport, items


@pytest.fixture
def sentry():
    CapturingTransport.envelopes = []
    init_sentry("https://public@sentry.invalid/1", 1.0, transport=CapturingTransport)
    yield CapturingTransport.envelopes
    sentry_sdk.get_client().close()
    sentry_sdk.init()  # back to a disabled client


BOOM = 'query Boom { person(id: "25") { skillScore(skills: ["Python"]) { score } } }'


def test_unexpected_errors_are_masked_and_reported_with_an_event_id(gql, sentry, monkeypatch):
    from graphql_schema.people import types

    def boom(*args):
        raise RuntimeError("SELECT secret FROM people_person -- password=hunter2")

    monkeypatch.setattr(types, "skill_score", boom)
    r = gql.post(BOOM, operationName="Boom")
    sentry_sdk.flush()
    assert r.body["data"] == {"person": None}
    (error,) = r.errors
    assert error["message"] == "Internal server error"
    assert error["path"] == ["person", "skillScore"]
    assert set(error["extensions"]) == {"code", "eventId"}
    assert error["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    assert "hunter2" not in str(r.body) and "SELECT" not in str(r.body)
    (event,) = items(sentry, "event")
    assert event["event_id"] == error["extensions"]["eventId"]
    assert event["transaction"] == "graphql Boom"  # the operation it happened in
    raw = json.dumps(event)
    assert gql.token not in raw and gql.token[:10] not in raw  # no token, not even its prefix
    assert "Authorization" not in raw and "Ada Thompson" not in raw  # no header, no person
    assert event["exception"]["values"][-1]["value"].startswith("SELECT secret")
    crumbs = [b for b in event["breadcrumbs"]["values"] if b.get("category") == "graphql"]
    assert [(b["message"], b["data"]) for b in crumbs] == [
        ("start Boom", {"hash": hashlib.sha256(BOOM.encode()).hexdigest()})
    ]


def test_one_transaction_per_operation_with_a_span_per_loader_batch(gql, sentry):
    r = gql.post(
        """query Team { people(first: 5) { edges { node { name role { name }
             skills { proficiency } hoursByWeek(from: "2026-11-02", weeks: 2) { hours } } } } }""",
        operationName="Team",
    )
    assert "errors" not in r.body
    sentry_sdk.flush()
    (transaction,) = items(sentry, "transaction")
    assert transaction["transaction"] == "graphql Team"
    batches = sorted(
        s["description"] for s in transaction["spans"] if s["op"] == "dataloader.batch"
    )
    assert batches == [
        "CapacityByPersonWindowLoader",
        "HoursByPersonWindowLoader",
        "RoleByIdLoader",
        "SkillsByPersonLoader",
    ]
    # no span per resolved field: Strawberry's integration is off
    assert not [s for s in transaction["spans"] if s["op"].startswith("graphql.resolve")]


def test_slow_operations_are_logged_at_warning(gql, settings, caplog):
    settings.SLOW_OPERATION_MS = 0
    with caplog.at_level(logging.INFO, logger="capgraph.operation"):
        gql.post("{ viewer { username } }")
    (record,) = [r for r in caplog.records if r.name == "capgraph.operation"]
    assert record.levelno == logging.WARNING
    assert '"sql_queries": 1' in record.getMessage()
