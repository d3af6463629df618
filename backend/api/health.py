"""/healthz: the process answers. /readyz: the database (and Redis, when configured)
answer, each reported with its state and latency, and this process's connection pool (when
PostgreSQL's is in use) has not stayed exhausted past READY_POOL_EXHAUSTED_SECONDS.

Every probe reports to its breaker (core.outage): a failed database probe makes /readyz
503 at once and opens the breaker (requests answer 503 without waiting for a connection);
a good one closes it. With no pooled connection free, the database is probed on a
connection of its own (DIRECT_PROBE_TIMEOUT), so a probe never queues behind requests and
a database that went away is seen at the first probe."""

import time

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse

from core import outage

DIRECT_PROBE_TIMEOUT = 2  # seconds (libpq's connect_timeout is whole seconds)


async def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def _probe(check) -> dict:
    started = time.perf_counter()
    try:
        check()
    except Exception as exc:
        state: dict[str, object] = {"status": "down", "error": type(exc).__name__}
    else:
        state = {"status": "up"}
    state["latency_ms"] = round((time.perf_counter() - started) * 1000, 2)
    return state


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _database_direct() -> None:
    """SELECT 1 on a connection of its own, outside the pool."""
    from core.database import GuardedPgConnection

    params = connection.get_connection_params()
    with GuardedPgConnection.connect(**params, connect_timeout=DIRECT_PROBE_TIMEOUT) as conn:
        conn.execute("SELECT 1")


def _probe_database(direct: bool) -> dict:
    state = _probe(_database_direct if direct else _database)
    if state["status"] == "up":
        outage.database.success()
    else:
        outage.database.failure()
    return state


def _redis() -> None:
    if outage.redis.is_open():
        raise RuntimeError("skipped: circuit open after repeated failures")

    cache.set("capgraph:readyz", "1", timeout=5)
    if cache.get("capgraph:readyz") != "1":
        raise RuntimeError("redis did not return what was written")


def _checks(direct: bool = False) -> dict:
    checks = {"database": _probe_database(direct)}
    if settings.REDIS_URL:
        checks["redis"] = _probe(_redis)
    return checks


# When this process's pool was first seen exhausted, at a probe (None: not exhausted at the
# last probe). Probes are what sample it: "continuously" means at every probe since then.
_exhausted_since: float | None = None


def _pool_state() -> dict | None:
    """psycopg_pool's figures for this process's pool (None without one: SQLite, or no pool
    configured), and for how long it has been exhausted: every connection out with the pool
    at max_size, or requests waiting for one."""
    global _exhausted_since
    pool = getattr(connection, "pool", None)
    if pool is None:
        return None
    stats = pool.get_stats()
    state: dict[str, float] = {
        "size": stats.get("pool_size", 0),
        "max_size": stats.get("pool_max", 0),
        "available": stats.get("pool_available", 0),
        "waiting": stats.get("requests_waiting", 0),
    }
    exhausted = state["waiting"] > 0 or (
        state["available"] == 0 and state["size"] >= state["max_size"]
    )
    now = time.monotonic()
    if not exhausted:
        _exhausted_since = None
    elif _exhausted_since is None:
        _exhausted_since = now
    since = _exhausted_since  # None exactly when not exhausted
    state["exhausted"] = exhausted
    state["exhausted_seconds"] = round(now - since, 3) if since is not None else 0.0
    return state


async def readyz(request: HttpRequest) -> JsonResponse:
    pool = _pool_state()  # read first: it needs no connection
    # No pooled connection free (exhausted, or the database away and the pool empty): a
    # pooled probe would queue behind the requests waiting, so it gets its own connection.
    direct = pool is not None and pool["available"] == 0
    checks = await sync_to_async(_checks)(direct)
    if pool is not None and pool["exhausted"] and checks["database"]["status"] == "up":
        checks["database"]["status"] = "busy"
    # Redis down degrades to uncached answers; only the database, or a pool that stays
    # exhausted for longer than READY_POOL_EXHAUSTED_SECONDS, makes us unready.
    ready = checks["database"]["status"] in ("up", "busy")
    body: dict = {"checks": checks}
    if pool is not None:
        if pool["exhausted_seconds"] > settings.READY_POOL_EXHAUSTED_SECONDS:
            ready = False
        body["pool"] = pool
    return JsonResponse(
        {"status": "ready" if ready else "unavailable", **body},
        status=200 if ready else 503,
    )
