"""/healthz: the process answers. /readyz: the database (and Redis, when configured)
answer, each reported with its state and latency, and this process's connection pool (when
PostgreSQL's is in use) has not stayed exhausted past READY_POOL_EXHAUSTED_SECONDS."""

import time

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse


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


def _redis() -> None:
    cache.set("capgraph:readyz", "1", timeout=5)
    if cache.get("capgraph:readyz") != "1":
        raise RuntimeError("redis did not return what was written")


def _checks() -> dict:
    checks = {"database": _probe(_database)}
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
    if pool is not None and pool["exhausted"]:
        # No connection is free: a probe would only queue behind the requests waiting.
        checks = {"database": {"status": "busy", "latency_ms": 0.0}}
        if settings.REDIS_URL:
            checks["redis"] = await sync_to_async(_probe)(_redis)
    else:
        checks = await sync_to_async(_checks)()
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
