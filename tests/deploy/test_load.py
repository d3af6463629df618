"""The short form of the load test (tests/bench/load.py; `make bench` runs the full one)
against a live API (deploy/stack.py: the compose command) on a throwaway database holding
medium.json: 90% reads, 10% contended bulk edits with expectedVersion and retries on
CONFLICT. No request may fail, and no edit may be lost: the hours in the database end
exactly at the initial hours plus every applied edit."""

import os
from pathlib import Path

import pytest

from deploy.stack import API_WORKERS
from tests.bench.load import READS, LoadStack, report

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def load_stack(tmp_path_factory):
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith("postgres"):
        pytest.fail("the load test needs PostgreSQL: set DATABASE_URL=postgres://...")
    redis_url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    load = LoadStack(base, redis_url, Path(tmp_path_factory.mktemp("load")))
    load.prepare()
    yield load
    load.drop()


def test_twenty_clients_for_ten_seconds_no_errors_no_lost_writes(load_stack):
    result = load_stack.run(API_WORKERS, clients=20, seconds=10)
    print(report(result))
    assert result.error_count == 0, report(result)
    assert result.lost == {}, report(result)
    assert result.checked == 20
    assert result.applied_edits > 0, report(result)
    # every kind of request ran, and the server logged each with its SQL count
    for operation, *_ in READS:
        assert result.latencies[operation], operation
        assert result.sql[operation], operation
    assert result.sql["BulkHours"]
    # reports stay a small, fixed number of SQL queries under load (cache hits: fewer)
    assert max(max(v) for v in result.sql_computed.values()) <= 10, report(result)


def test_waiting_on_a_shared_computation_does_not_hold_a_connection(load_stack):
    """Many more clients than pooled connections in one process: requests that wait on
    another's computation of the same answer (single flight) must not keep a connection
    meanwhile, or the one computing can never get one. Before the fix this stalled every
    request until PoolTimeout."""
    env = {"DB_POOL_MIN_SIZE": "1", "DB_POOL_MAX_SIZE": "2", "DB_POOL_TIMEOUT": "5"}
    result = load_stack.run(1, clients=30, seconds=6, env=env)
    print(report(result))
    assert result.error_count == 0, report(result)
    assert result.lost == {}, report(result)
    assert result.requests > 30, report(result)


@pytest.mark.django_db
def test_the_load_tests_postgresql_cpu_counts_one_databases_backends():
    from django.db import connection

    from tests.bench.load import _backend_database, service_cpu_seconds

    # given this test's connection, whose backend sets its process title
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid(), current_database()")
        pid, database = cursor.fetchone()
    # then the load test reads that backend's database from it, and nothing for a process
    # that is not a client backend (this one, a Python process)
    assert _backend_database(pid) == database
    assert _backend_database(os.getpid()) is None
    # and counts PostgreSQL's CPU for one database no higher than for all
    assert service_cpu_seconds("no such database")["PostgreSQL"] > 0
    assert service_cpu_seconds(database)["PostgreSQL"] <= service_cpu_seconds()["PostgreSQL"]
