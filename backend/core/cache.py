"""Django's Redis cache backend, with one connection pool per process, every call bounded
by a short socket timeout and guarded by a circuit breaker (core.outage.redis).

Django keeps a cache object per async context, and each one built its own redis-py client
and connection pool: every request opened a new Redis connection (about 1 ms, and a socket
left for the pool to reap). The client is thread-safe, so all instances share one. And
Django made a new redis-py `Redis` object for every call (about 50 us of CPU each: it copies
its table of response callbacks), four or five per request: one per pool now serves them all.

A Redis that accepts connections and never answers held every request for seconds. Each
call now gives up after REDIS_TIMEOUT_MS (250 ms at most, no retry), and after
REDIS_BREAKER_FAILURES consecutive failures Redis is skipped for REDIS_BREAKER_SECONDS:
callers get an immediate ConnectionError, which every caller already treats as "serve
uncached" (core.dataversion.cache_outage).
"""

import threading
from functools import cached_property
from typing import Any

import redis
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.connection import HiredisRespSerializer, PythonRespSerializer

from . import outage

_clients: dict[tuple, RedisCacheClient] = {}
_lock = threading.Lock()
_FAILURES = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError)


class CircuitOpen(redis.exceptions.ConnectionError):
    pass


# A value at least this large is sent as it is (redis-py's own packer) instead of copied
# into one buffer with the command (hiredis's): that copy of a 10,000-person heatmap's
# 11 MB answer took 10 to 25 ms of CPU, twice the rest of storing it.
LARGE_VALUE = 1 << 16


class _Packer:
    """hiredis's packer for the usual small commands (the fastest), redis-py's for a
    command with a large value (which it sends as a chunk of its own, not copied)."""

    def __init__(self, small: Any, large: Any) -> None:
        self.small, self.large = small, large

    def pack(self, *args: Any) -> Any:
        for arg in args:
            if type(arg) is bytes and len(arg) >= LARGE_VALUE:
                return self.large.pack(*args)
        return self.small.pack(*args)


class _Guarded:
    """Mixed into redis-py's connection classes: every connect, send and read reports to
    the breaker, and none is attempted while it is open. And large values are sent
    without a copy (_Packer)."""

    def _construct_command_packer(self, packer: Any) -> Any:
        chosen = super()._construct_command_packer(packer)  # type: ignore[misc]
        if packer is not None or not isinstance(chosen, HiredisRespSerializer):
            return chosen
        large = PythonRespSerializer(self._buffer_cutoff, self.encoder.encode)  # type: ignore[attr-defined]
        return _Packer(chosen, large)

    def _guard(self, call: Any, *args: Any, **kwargs: Any) -> Any:
        if outage.redis.is_open():
            raise CircuitOpen("Redis skipped after repeated failures (circuit open)")
        try:
            result = call(*args, **kwargs)
        except _FAILURES as exc:
            # once per failure: connect() reads the handshake through read_response()
            if not getattr(exc, "counted_by_breaker", False):
                setattr(exc, "counted_by_breaker", True)  # noqa: B010
                outage.redis.failure()
            raise
        return result

    def connect(self, *args: Any, **kwargs: Any) -> Any:
        return self._guard(super().connect, *args, **kwargs)  # type: ignore[misc]

    def send_packed_command(self, *args: Any, **kwargs: Any) -> Any:
        return self._guard(super().send_packed_command, *args, **kwargs)  # type: ignore[misc]

    def read_response(self, *args: Any, **kwargs: Any) -> Any:
        result = self._guard(super().read_response, *args, **kwargs)  # type: ignore[misc]
        outage.redis.success()
        return result


class GuardedConnection(_Guarded, redis.Connection):
    pass


class GuardedSSLConnection(_Guarded, redis.SSLConnection):
    pass


class GuardedUnixConnection(_Guarded, redis.UnixDomainSocketConnection):
    pass


def guarded_class(url: str) -> type:
    if url.startswith("rediss://"):
        return GuardedSSLConnection
    if url.startswith("unix://"):
        return GuardedUnixConnection
    return GuardedConnection


class GuardedPool(redis.ConnectionPool):
    @classmethod
    def from_url(cls, url: str, **kwargs: Any) -> Any:
        pool = super().from_url(url, **kwargs)
        pool.connection_class = guarded_class(url)
        return pool


class SharedRedisCacheClient(RedisCacheClient):
    """One redis-py client per connection pool, made on first use (thread-safe: a client
    holds nothing but its pool; each command takes a connection from the pool)."""

    def __init__(self, servers: list[str], **options: Any) -> None:
        super().__init__(servers, **options)
        self._redis_clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]  # not in stubs
        client = self._redis_clients.get(id(pool))
        if client is None:
            client = self._redis_clients[id(pool)] = self._client(connection_pool=pool)  # type: ignore[attr-defined]
        return client


class SharedPoolRedisCache(RedisCache):
    # Set by RedisCache.__init__; django-stubs leaves these private attributes out.
    _servers: list[str]
    _options: dict[str, Any]

    @cached_property
    def _cache(self) -> RedisCacheClient:
        options = {"pool_class": GuardedPool, **self._options}
        key = (tuple(self._servers), repr(sorted(options.items())))
        with _lock:
            client = _clients.get(key)
            if client is None:
                client = _clients[key] = SharedRedisCacheClient(self._servers, **options)
        return client
