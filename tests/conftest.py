"""Shared fixtures: the small dataset loaded once, tokens, and a GraphQL client that
speaks real HTTP to the ASGI application (httpx over ASGI, in the test's transaction)."""

import os
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection

from tests.client import GraphQLClient

REPO = Path(__file__).resolve().parent.parent
DATASETS = REPO / "datasets"  # written by datasets/generate.py
SMALL = DATASETS / "small.json"
MEDIUM = DATASETS / "medium.json"


def pytest_configure(config):
    # As Django's own test client does: requests must not close the connection that holds
    # the test's transaction.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)


@pytest.fixture(scope="session")
def services_ready():
    """When CI names PostgreSQL and Redis, they must really be in use: fail, never skip."""
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        assert connection.vendor == "postgresql", "DATABASE_URL is set but not in use"
    if os.environ.get("REDIS_URL"):
        from django.core.cache import cache

        cache.set("capgraph:ping", "pong", 5)
        assert cache.get("capgraph:ping") == "pong", "REDIS_URL is set but Redis did not answer"


class Tokens:
    write: str
    read: str
    engineering: str  # read, restricted to department 1 (Engineering) and its children
    web: str  # write, restricted to department 3 (Web)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, request):
    """The small dataset and a set of tokens, committed once for the whole session."""
    from io import StringIO

    with django_db_blocker.unblock():
        _test_database_in_use(request, django_db_blocker)
        call_command("load_dataset", str(SMALL), "--replace", stdout=StringIO())
        tokens = Tokens()
        for attr, args in {
            "write": ["writer", "--scope", "write"],
            "read": ["reader"],
            "engineering": ["eng-reader", "--department", "1"],
            "web": ["web-writer", "--scope", "write", "--department", "3"],
        }.items():
            out = StringIO()
            call_command("create_api_token", *args, stdout=out)
            setattr(tokens, attr, out.getvalue().strip())
    pytest.capgraph_tokens = tokens  # type: ignore[attr-defined]


def _test_database_in_use(request, blocker) -> None:
    """pytest-django creates only the test databases that the collected tests ask for (`db`,
    a django_db mark). Tests that reach the database only through this session's data (the
    live tests, run alone) would otherwise load it into DATABASE_URL's own database: create
    the test database for them too."""
    from django.test.utils import setup_databases, teardown_databases
    from pytest_django.fixtures import _get_databases_for_setup

    aliases, _ = _get_databases_for_setup(request.session.items)
    if "default" in aliases:
        return
    config = setup_databases(verbosity=0, interactive=False, aliases={"default"})

    def teardown() -> None:
        with blocker.unblock():
            teardown_databases(config, verbosity=0)

    request.addfinalizer(teardown)


@pytest.fixture(autouse=True)
def fresh_data_version():
    """Each test starts with a new data version (answers cached by an earlier test, from
    data it rolled back, can never be served to this one) and a full points budget."""
    from accounts import throttle
    from accounts.access import forget_viewers
    from api import ratelimit
    from core import dataversion, outage

    outage.redis.reset()  # no breaker left open by a test that took a service away
    outage.database.reset()
    throttle.local.counts.clear()
    forget_viewers()  # and no token remembered from an earlier test's rolled-back rows
    dataversion.bump()
    ratelimit.local.used.clear()
    if os.environ.get("REDIS_URL"):
        from django.core.cache import cache

        client = cache._cache.get_client(write=True)
        for pattern in ("capgraph:rl:*", "capgraph:login:*"):
            for key in client.scan_iter(pattern):
                client.delete(key)


@pytest.fixture
def tokens(django_db_setup, services_ready) -> Tokens:
    return pytest.capgraph_tokens  # type: ignore[attr-defined]


@pytest.fixture
def gql(db, tokens) -> GraphQLClient:
    """A client authenticated with the unrestricted write token."""
    return GraphQLClient(token=tokens.write)


@pytest.fixture
def client_for(db, tokens):
    def make(token: str | None) -> GraphQLClient:
        return GraphQLClient(token=token)

    return make
