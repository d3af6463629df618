"""The database side of core.outage: psycopg's pool opens connections in its own worker
threads, and a refused one used to surface only as each waiting request's PoolTimeout,
DB_POOL_TIMEOUT (10 s) later. The pool's connection class reports every attempt to the
database breaker; a failed one also ends the wait of the requests queued for a connection
(they answer 503 at once, as every later request does while the breaker is open)."""

import logging
from typing import Any

import psycopg
from psycopg_pool import PoolTimeout

from . import outage

logger = logging.getLogger("capgraph.outage")


def _address(kwargs: dict[str, Any]) -> tuple[Any, str, Any]:
    return kwargs.get("host"), str(kwargs.get("port") or ""), kwargs.get("dbname")


def _pools_for(kwargs: dict[str, Any]) -> list[Any]:
    """This process's live pools that connect where `kwargs` does (a pool left over from
    before a settings change, or a probe's own connection, matches none)."""
    from django.db.backends.postgresql.base import DatabaseWrapper

    target = _address(kwargs)
    pools = list(getattr(DatabaseWrapper, "_connection_pools", {}).values())
    return [p for p in pools if _address(getattr(p, "kwargs", None) or {}) == target]


def release_waiters(pools: list[Any], reason: BaseException) -> int:
    """Fail every request waiting on `pools` for a connection. psycopg_pool does this
    itself when a pool closes; it has no public call for it, hence the guarded use of its
    queue (a version without one just leaves them to their timeout)."""
    failed = 0
    for pool in pools:
        waiting, lock = getattr(pool, "_waiting", None), getattr(pool, "_lock", None)
        if waiting is None or lock is None:
            continue
        with lock:
            clients = list(waiting)
            waiting.clear()
        for client in clients:
            error = PoolTimeout(f"database unavailable: {type(reason).__name__}")
            failed += bool(client.fail(error))
    if failed:
        logger.warning("database unavailable: %d waiting request(s) answered at once", failed)
    return failed


class GuardedPgConnection(psycopg.Connection):
    @classmethod
    def connect(cls, *args: Any, **kwargs: Any) -> Any:
        try:
            connection = super().connect(*args, **kwargs)
        except psycopg.OperationalError as exc:
            pools = _pools_for(kwargs)
            if pools:  # an attempt for a pool in use (the /readyz probe reports its own)
                outage.database.failure()
                release_waiters(pools, exc)
            raise
        if _pools_for(kwargs):
            outage.database.success()
        return connection
