"""/healthz: the process answers. /readyz: the database (and Redis, when configured)
answer, each reported with its state and latency."""

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
        state = {"status": "down", "error": type(exc).__name__}
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


async def readyz(request: HttpRequest) -> JsonResponse:
    checks = await sync_to_async(_checks)()
    # Redis down degrades to uncached answers; only the database makes us unready.
    ready = checks["database"]["status"] == "up"
    return JsonResponse(
        {"status": "ready" if ready else "unavailable", "checks": checks},
        status=200 if ready else 503,
    )
