"""Points per identity per hour, in Redis (atomic Lua), or per process without Redis.

A query costs max(1, nodes / 100) points, a mutation RATE_LIMIT_MUTATION_COST plus
nodes / 100, an operation refused before it runs (invalid, too complex, too large)
RATE_LIMIT_REFUSED_COST. A request that would go over the budget is refused (RATE_LIMITED)
and costs nothing. If Redis fails,
each process limits on its own until it is back: never everything refused, never unlimited.
"""

import datetime as dt
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from core.dataversion import cache_outage

WINDOW = 3600

_CONSUME = """
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
local cost = tonumber(ARGV[1])
if used + cost > tonumber(ARGV[2]) then return {0, used} end
used = redis.call('INCRBY', KEYS[1], cost)
if used == cost then redis.call('EXPIRE', KEYS[1], tonumber(ARGV[3])) end
return {1, used}
"""


@dataclass(frozen=True, slots=True)
class Budget:
    limit: int
    used: int
    cost: int
    reset_at: int  # epoch seconds
    allowed: bool

    @property
    def remaining(self) -> int:
        return max(0, self.limit - self.used)

    @property
    def reset_iso(self) -> str:
        return dt.datetime.fromtimestamp(self.reset_at, dt.UTC).isoformat().replace("+00:00", "Z")

    def retry_after(self, now: float | None = None) -> int:
        return max(1, int(self.reset_at - (now or time.time())))


def points(nodes: int, mutation: bool) -> int:
    """A query's nodes / 100 (at least 1); a mutation RATE_LIMIT_MUTATION_COST plus its
    nodes / 100 (what it returns and the items of the lists it sends)."""
    if mutation:
        return settings.RATE_LIMIT_MUTATION_COST + nodes // 100
    return max(1, (nodes + 50) // 100)


class _LocalLimiter:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.used: dict[tuple[str, int], int] = {}

    def consume(self, identity: str, window: int, cost: int, limit: int) -> tuple[bool, int]:
        with self.lock:
            for key in [k for k in self.used if k[1] < window]:
                del self.used[key]
            used = self.used.get((identity, window), 0)
            if used + cost > limit:
                return False, used
            self.used[(identity, window)] = used + cost
            return True, used + cost


local = _LocalLimiter()


def _redis_consume(key: str, cost: int, limit: int) -> tuple[bool, int]:
    client = cache._cache.get_client(key, write=True)  # type: ignore[attr-defined]
    allowed, used = client.eval(_CONSUME, 1, key, cost, limit, WINDOW + 60)
    return bool(allowed), int(used)


def consume(identity: str, cost: int, now: float | None = None) -> Budget:
    now = time.time() if now is None else now
    window = int(now // WINDOW)
    limit = settings.RATE_LIMIT_POINTS
    allowed = used = None
    if settings.REDIS_URL:
        try:
            allowed, used = _redis_consume(f"capgraph:rl:{identity}:{window}", cost, limit)
        except Exception as exc:
            cache_outage(exc)
    if allowed is None or used is None:
        allowed, used = local.consume(identity, window, cost, limit)
    return Budget(limit, used, cost, (window + 1) * WINDOW, allowed)
