"""Failed logins, counted per username and per client address.

LOGIN_MAX_FAILURES failures within LOGIN_FAILURE_WINDOW seconds (counted from the first)
refuse further attempts for that username, or from that address, until the window ends:
`LoginThrottled`, which the HTTP edge answers with 429 RATE_LIMITED and Retry-After. A
successful login clears both counts. Counts live in Redis when REDIS_URL is set (shared by
every process, atomic Lua), else in this process; if Redis fails, this process counts on
its own until it is back, as the points rate limiter (api.ratelimit) does.
"""

import contextlib
import hashlib
import threading
import time

from django.conf import settings
from django.core.cache import cache

_FAIL = """
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
local m = redis.call('INCR', KEYS[2])
if m == 1 then redis.call('EXPIRE', KEYS[2], ARGV[1]) end
return {n, m}
"""
_STATE = """
return {tonumber(redis.call('GET', KEYS[1]) or '0'), redis.call('PTTL', KEYS[1]),
        tonumber(redis.call('GET', KEYS[2]) or '0'), redis.call('PTTL', KEYS[2])}
"""


class LoginThrottled(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(f"Too many failed logins: retry in {retry_after} s")
        self.retry_after = retry_after


def keys(username: str, address: str) -> tuple[str, str]:
    # Hashed: a username is client text of any length and content.
    user = hashlib.sha256(username.encode("utf-8", "replace")).hexdigest()[:32]
    return f"capgraph:login:u:{user}", f"capgraph:login:a:{address or '?'}"


class _Local:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.counts: dict[str, tuple[int, float]] = {}  # key -> (failures, window end)

    def _live(self, key: str, now: float) -> tuple[int, float]:
        count, until = self.counts.get(key, (0, 0.0))
        return (count, until) if until > now else (0, 0.0)

    def fail(self, names: tuple[str, ...], window: int) -> None:
        now = time.time()
        with self.lock:
            if len(self.counts) > 100_000:  # expired entries go first
                self.counts = {k: v for k, v in self.counts.items() if v[1] > now}
            for key in names:
                count, until = self._live(key, now)
                self.counts[key] = (count + 1, until or now + window)

    def state(self, names: tuple[str, ...]) -> list[tuple[int, float]]:
        now = time.time()
        with self.lock:
            return [
                (count, max(0.0, until - now))
                for count, until in (self._live(k, now) for k in names)
            ]

    def clear(self, names: tuple[str, ...]) -> None:
        with self.lock:
            for key in names:
                self.counts.pop(key, None)


local = _Local()


def _client():
    return cache._cache.get_client(write=True)


def _state(names: tuple[str, str]) -> list[tuple[int, float]]:
    """(failures, seconds left) per key: Redis's, or this process's where they are higher
    (failures counted here while Redis was away still count)."""
    counts = local.state(names)
    if settings.REDIS_URL:
        try:
            a, ttl_a, b, ttl_b = _client().eval(_STATE, 2, *names)
        except Exception:  # Redis away: this process's own counts
            return counts
        shared = [(int(a), max(0, int(ttl_a)) / 1000), (int(b), max(0, int(ttl_b)) / 1000)]
        counts = [max(mine, theirs) for mine, theirs in zip(counts, shared, strict=True)]
    return counts


def check(username: str, address: str) -> None:
    """Raise LoginThrottled while the username or the address is over its failures."""
    limit = settings.LOGIN_MAX_FAILURES
    blocked = [ttl for count, ttl in _state(keys(username, address)) if count >= limit]
    if blocked:
        raise LoginThrottled(max(1, int(max(blocked) + 0.999)))


def failed(username: str, address: str) -> None:
    names = keys(username, address)
    if settings.REDIS_URL:
        try:
            _client().eval(_FAIL, 2, *names, settings.LOGIN_FAILURE_WINDOW)
            return
        except Exception:
            pass
    local.fail(names, settings.LOGIN_FAILURE_WINDOW)


def succeeded(username: str, address: str) -> None:
    names = keys(username, address)
    local.clear(names)
    if settings.REDIS_URL:
        with contextlib.suppress(Exception):  # the keys expire on their own
            _client().delete(*names)
