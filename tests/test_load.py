"""The short form of the load test (tests/bench/load.py; `make bench` runs the full one):
20 concurrent clients for 10 s against a live API with the compose file's worker count, on a
throwaway database holding medium.json. 90% reads, 10% contended bulk edits with
expectedVersion and retries on CONFLICT. No request may fail, and no edit may be lost: the
hours in the database end exactly at the initial hours plus every applied edit."""

import os

import pytest

from deploy.stack import API_WORKERS
from tests.bench.load import READS, LoadStack, report

pytestmark = pytest.mark.postgres

CLIENTS = 20
SECONDS = 10


def test_twenty_clients_for_ten_seconds_no_errors_no_lost_writes(tmp_path):
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith("postgres"):
        pytest.fail("the load test needs PostgreSQL: set DATABASE_URL=postgres://...")
    load = LoadStack(base, os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0", tmp_path)
    load.prepare()
    try:
        result = load.run(API_WORKERS, CLIENTS, SECONDS)
    finally:
        load.drop()
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
