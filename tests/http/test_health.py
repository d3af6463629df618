import threading
import time

import pytest

from tests.client import GraphQLClient


def test_healthz_answers_without_touching_dependencies(db):
    r = GraphQLClient().request("GET", "/healthz")
    assert (r.status_code, r.json()) == (200, {"status": "ok"})


def test_readyz_reports_each_dependency(db, settings):
    r = GraphQLClient().request("GET", "/readyz")
    body = r.json()
    assert r.status_code == 200
    assert body["status"] == "ready"
    expected = {"database"} | ({"redis"} if settings.REDIS_URL else set())
    assert set(body["checks"]) == expected
    for state in body["checks"].values():
        assert state["status"] == "up"
        assert state["latency_ms"] >= 0


def test_readyz_is_503_when_the_database_fails(db, monkeypatch):
    from api import health

    def broken():
        raise ConnectionError("database unreachable")

    monkeypatch.setattr(health, "_database", broken)
    r = GraphQLClient().request("GET", "/readyz")
    assert r.status_code == 503
    assert r.json()["status"] == "unavailable"
    assert r.json()["checks"]["database"]["status"] == "down"
    assert r.json()["checks"]["database"]["error"] == "ConnectionError"


def test_readyz_stays_ready_when_redis_is_down(db, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    r = GraphQLClient().request("GET", "/readyz")
    assert r.status_code == 200
    assert r.json()["checks"]["redis"]["status"] == "down"


def test_graphiql_in_debug_or_for_staff_sessions_only(db, settings, client):
    from django.contrib.auth.models import User

    html = {"Accept": "text/html"}
    settings.DEBUG = True
    page = GraphQLClient().request("GET", "/graphql", headers=html)
    assert page.status_code == 200
    assert "graphiql" in page.text.lower()
    settings.DEBUG = False
    assert GraphQLClient().request("GET", "/graphql", headers=html).status_code == 404
    staff = User.objects.create_user("lead", password="pw", is_staff=True)
    client.force_login(staff)
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    r = GraphQLClient().request("GET", "/graphql", headers={**html, "Cookie": cookie})
    assert r.status_code == 200


def _hold_connections(count: int, release: threading.Event, got: list) -> list[threading.Thread]:
    """Threads that each take a pooled connection through Django and keep it until
    `release` is set (those beyond the pool's max_size wait for one)."""
    from django.db import connections

    def hold():
        conn = connections["default"]
        try:
            conn.ensure_connection()
            got.append(1)
            release.wait(30)
        finally:
            conn.close()  # back to the pool

    threads = [threading.Thread(target=hold, daemon=True) for _ in range(count)]
    for thread in threads:
        thread.start()
    return threads


@pytest.mark.postgres
def test_readyz_is_503_once_the_pool_stays_exhausted(db, settings):
    """Every pooled connection held (and one more request waiting): /readyz reports the pool
    busy but ready at first, 503 once that lasted past READY_POOL_EXHAUSTED_SECONDS, and
    ready again when the connections come back."""
    from django.db import connection

    assert connection.vendor == "postgresql", "needs PostgreSQL's connection pool"
    settings.READY_POOL_EXHAUSTED_SECONDS = 0.5
    pool = connection.pool
    connection.ensure_connection()  # the test's own transaction holds one
    r = GraphQLClient().request("GET", "/readyz")
    assert r.status_code == 200
    assert r.json()["pool"]["max_size"] == pool.max_size
    assert r.json()["pool"]["exhausted"] is False

    release, got = threading.Event(), []
    # max_size - 1 more connections exhaust it; one more thread waits for a connection.
    threads = _hold_connections(pool.max_size, release, got)
    try:
        deadline = time.monotonic() + 10
        while pool.get_stats().get("requests_waiting", 0) < 1 or len(got) < pool.max_size - 1:
            assert time.monotonic() < deadline, pool.get_stats()
            time.sleep(0.02)
        first = GraphQLClient().request("GET", "/readyz")
        assert first.status_code == 200, first.text
        body = first.json()
        assert body["status"] == "ready"
        assert body["checks"]["database"]["status"] == "busy"
        assert body["pool"]["size"] == pool.max_size
        assert body["pool"]["available"] == 0
        assert body["pool"]["waiting"] == 1
        assert body["pool"]["exhausted"] is True
        time.sleep(0.6)
        later = GraphQLClient().request("GET", "/readyz")
        assert later.status_code == 503, later.text
        assert later.json()["status"] == "unavailable"
        assert later.json()["pool"]["exhausted_seconds"] > 0.5
    finally:
        release.set()
        for thread in threads:
            thread.join(15)
    again = GraphQLClient().request("GET", "/readyz")
    assert again.status_code == 200, again.text
    assert again.json()["checks"]["database"]["status"] == "up"
    assert again.json()["pool"]["exhausted"] is False
