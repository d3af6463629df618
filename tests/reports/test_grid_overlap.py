"""gridSnapshot reads its assignment weeks, and capacityHeatmap its hours, beside its other
reads (core.overlap): on PostgreSQL with the connection pool and outside a transaction, on
a worker thread with its own connection, counted in the request's SQL and giving the answer
that the inline read gives; inside a transaction (every test's own data), on SQLite, or with
no idle connection in the pool, on the request's thread."""

import json
import logging
import os
import threading
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from assignments import selectors
from tests.conftest import SMALL

GRID = """{ gridSnapshot(from: "2026-11-02", weeks: 12) { weekKeys people { id name }
  hoursByPerson assignments { id personId weeklyHours } } }"""
# people, assignment weeks, assignments (the token is in the process's token cache)
GRID_QUERIES = 3
HEATMAP = """{ capacityHeatmap(from: "2026-11-02", weeks: 12) { weekKeys rows { person { id }
  hoursByWeek percentByWeek tentativeByWeek peakPercent } } }"""
# department tree, hours, people, schedules, time off (small.json follows no holiday calendar)
HEATMAP_QUERIES = 5


@pytest.fixture
def committed(transactional_db) -> str:
    """small.json and a read token, committed (read in autocommit, as a server reads) and
    flushed after the test: the session's own committed data is gone by the time the tests
    without `db` run (a transactional test before them flushes it)."""
    if connection.vendor != "postgresql":
        pytest.fail("this test needs PostgreSQL: run it with DATABASE_URL set")
    call_command("load_dataset", str(SMALL), "--replace", stdout=StringIO())
    out = StringIO()
    call_command("create_api_token", "overlap", stdout=out)
    return out.getvalue().strip()


def _poster(settings, caplog, monkeypatch, read: str, document: str, field: str):
    """post(token) -> (the answer, the request's SQL count from the operation log, the
    threads that ran `selectors.<read>`)."""
    # the app's first import configures logging again: here, before the test's capture
    import config.asgi  # noqa: F401
    from tests.client import GraphQLClient

    settings.RESPONSE_CACHE_TTL = 0
    original = getattr(selectors, read)
    threads: list[str] = []

    def recorded(*args, **kwargs):
        threads.append(threading.current_thread().name)
        return original(*args, **kwargs)

    monkeypatch.setattr(selectors, read, recorded)

    def post(token: str):
        client = GraphQLClient(token=token)
        client.post(document)  # the token into the token cache: the counted request reads none
        threads.clear()
        caplog.clear()
        with caplog.at_level(logging.INFO, logger="capgraph.operation"):
            r = client.post(document)
        (record,) = [json.loads(r.getMessage()) for r in caplog.records]
        return r.data[field], record["sql_queries"], list(threads)

    return post


@pytest.fixture
def grid(settings, caplog, monkeypatch):
    return _poster(
        settings, caplog, monkeypatch, "iso_hours_by_assignment_and_person", GRID, "gridSnapshot"
    )


@pytest.fixture
def heatmap(settings, caplog, monkeypatch):
    return _poster(
        settings, caplog, monkeypatch, "split_cents_by_person_week", HEATMAP, "capacityHeatmap"
    )


def _beside_and_inline(post, token: str, queries: int):
    """The report outside a transaction, its long read on a worker, and inside one, inline:
    the same statements and the same answer (returned)."""
    beside, beside_sql, beside_threads = post(token)
    with transaction.atomic():
        inline, inline_sql, inline_threads = post(token)
    stats = connection.pool.get_stats()
    # the worker gave its connection back: the test's own is the one out of the pool
    assert stats["pool_size"] - stats["pool_available"] == 1
    assert beside_threads == ["capgraph-read_0"]
    assert inline_threads == [threading.current_thread().name]
    assert beside_sql == inline_sql == queries
    assert beside == inline
    return beside


@pytest.mark.postgres
def test_outside_a_transaction_the_weeks_are_read_on_a_worker_with_the_same_answer(grid, committed):
    beside = _beside_and_inline(grid, committed, GRID_QUERIES)
    # small.json: 57 active people, 112 active assignments of theirs, 367 (person, week)
    # cells with hours in the 12 weeks
    assert len(beside["people"]) == 57 and len(beside["assignments"]) == 112
    assert sum(len(w) for w in beside["hoursByPerson"].values()) == 367


@pytest.mark.postgres
def test_without_an_idle_pooled_connection_the_weeks_are_read_inline(grid, committed, monkeypatch):
    pool = connection.pool
    stats = pool.get_stats
    monkeypatch.setattr(pool, "get_stats", lambda: {**stats(), "pool_available": 0})
    _, sql, threads = grid(committed)
    assert threads == [threading.current_thread().name]
    assert sql == GRID_QUERIES


def test_in_the_tests_transaction_the_weeks_are_read_inline(grid, db, tokens):
    _, sql, threads = grid(tokens.read)
    assert threads == [threading.current_thread().name]
    assert sql == GRID_QUERIES


@pytest.mark.postgres
def test_outside_a_transaction_the_heatmaps_hours_are_read_on_a_worker(heatmap, committed):
    beside = _beside_and_inline(heatmap, committed, HEATMAP_QUERIES)
    # small.json: 57 active people, 367 (person, week) cells with hours in the 12 weeks
    assert len(beside["rows"]) == 57
    assert sum(len(row["hoursByWeek"]) for row in beside["rows"]) == 367


def test_in_the_tests_transaction_the_heatmaps_hours_are_read_inline(heatmap, db, tokens):
    _, sql, threads = heatmap(tokens.read)
    assert threads == [threading.current_thread().name]
    assert sql == HEATMAP_QUERIES


def test_a_forked_child_runs_reads_on_workers_of_its_own():
    from core import overlap

    # the parent's worker threads exist and one is idle when the child is forked
    parent = overlap._workers.submit(threading.current_thread).result()
    assert parent.name.startswith("capgraph-read")
    reader, writer = os.pipe()
    child = os.fork()
    if child == 0:  # the child: a read on a worker, or a timeout
        try:
            name = overlap._workers.submit(lambda: threading.current_thread().name).result(5)
            os.write(writer, name.encode())
        finally:
            os._exit(0)
    os.close(writer)
    os.waitpid(child, 0)
    with os.fdopen(reader) as answer:
        assert answer.read() == "capgraph-read_0"
