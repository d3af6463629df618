"""The read-replica router's decisions (core/routing.py), without a second server."""

import pytest

from core import routing as routers
from core.routing import REPLICA, ReplicaRouter, read_alias, report_reads
from people.models import Person


def test_report_reads_go_to_the_replica_when_there_is_one(monkeypatch):
    monkeypatch.setattr(routers, "has_replica", lambda: True)
    router = ReplicaRouter()
    assert router.db_for_read(Person) is None  # Django's default: `default`
    with report_reads():
        assert router.db_for_read(Person) == REPLICA
        assert read_alias() == REPLICA
        # writes, and migrations, never leave the primary
        assert router.db_for_write(Person) == "default"
    assert router.db_for_read(Person) is None
    assert read_alias() == "default"
    assert router.allow_migrate("default", "people") is True
    assert router.allow_migrate(REPLICA, "people") is False
    assert router.allow_relation(Person(), Person()) is True


def test_without_a_replica_report_reads_stay_on_default(settings):
    assert REPLICA not in settings.DATABASES
    with report_reads():
        assert ReplicaRouter().db_for_read(Person) is None
        assert read_alias() == "default"


def test_the_flag_follows_the_request_into_sync_to_async_threads(monkeypatch):
    from asgiref.sync import async_to_sync, sync_to_async

    monkeypatch.setattr(routers, "has_replica", lambda: True)

    async def request() -> tuple[str, str]:
        with report_reads():
            inside = await sync_to_async(read_alias)()
        after = await sync_to_async(read_alias)()
        return inside, after

    assert async_to_sync(request)() == (REPLICA, "default")


def test_settings_add_the_replica_and_router_only_when_configured(monkeypatch):
    import importlib

    import config.settings as module

    monkeypatch.setenv("DATABASE_URL", "postgres://u@db:5432/capgraph")
    monkeypatch.setenv("DATABASE_REPLICA_URL", "postgres://u@replica:5432/capgraph")
    try:
        configured = importlib.reload(module)
        assert configured.DATABASES["replica"]["HOST"] == "replica"
        assert configured.DATABASES["replica"]["OPTIONS"]["pool"]["max_size"] >= 1
        assert configured.DATABASE_ROUTERS == ["core.routing.ReplicaRouter"]
        monkeypatch.delenv("DATABASE_REPLICA_URL")
        plain = importlib.reload(module)
        assert "replica" not in plain.DATABASES
        assert plain.DATABASE_ROUTERS == []
    finally:
        monkeypatch.undo()
        importlib.reload(module)


@pytest.mark.postgres
def test_reports_read_from_the_replica_when_one_is_configured(gql, settings, monkeypatch):
    """A real second connection as the replica (the same database: the session's dataset is
    committed, so it sees the same rows): a report's aggregate reads go there, on whichever
    thread reads them (the heatmap's hours on a worker's own connection, core.overlap), and
    its answer is unchanged."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connections

    from core import overlap

    query = """{ capacityHeatmap(from: "2026-12-21", weeks: 4, department: "4",
      includeChildren: true) { rows { person { name } hoursByWeek } }
      roleCapacity(from: "2026-12-21", weeks: 4, department: "4") { series { assigned } } }"""
    expected = gql.post(query).data
    ran: list[tuple[str, str]] = []  # (alias, statement) on this thread's and the worker's

    def record(execute, sql, params, many, context):
        ran.append((context["connection"].alias, sql))
        return execute(sql, params, many, context)

    replica_settings = {**connections.settings["default"]}

    def declare_replica() -> None:
        # A connection made here, not declared in the test's databases: Django allows
        # those. One per thread (this one and the read worker's), as Django's own are.
        connections["replica"] = type(connections["default"])(replica_settings, alias="replica")
        connections["replica"].execute_wrappers.append(record)

    declare_replica()
    workers = ThreadPoolExecutor(max_workers=1, initializer=declare_replica)
    monkeypatch.setattr(overlap, "_workers", workers)
    monkeypatch.setattr(routers, "has_replica", lambda: True)
    settings.DATABASE_ROUTERS = ["core.routing.ReplicaRouter"]
    connections["default"].execute_wrappers.append(record)
    try:
        from core import dataversion

        dataversion.bump()  # not the answer cached a moment ago
        assert gql.post(query).data == expected
        # heatmap: active people, hours, schedules, time off; role capacity: active people,
        # schedules, time off, one role x week statement, the placeholders' hours by role and
        # week, and the roles it names
        assert len([sql for alias, sql in ran if alias == "replica"]) == 10
        # and none of the report's reads ran on the primary: only the department tree
        # (the request's scope, read before the report) did
        on_default = [sql for alias, sql in ran if alias == "default" and "people_" in sql]
        assert len(on_default) == 1
        assert on_default[0].startswith('SELECT "people_department"."id"')
    finally:
        connections["default"].execute_wrappers.remove(record)
        workers.submit(lambda: connections["replica"].close()).result()
        workers.shutdown()
        connections["replica"].close()
        if hasattr(connections["replica"], "close_pool"):
            connections["replica"].close_pool()
        del connections["replica"]
