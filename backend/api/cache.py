"""Django's Redis cache backend, with one connection pool per process.

Django keeps a cache object per async context, and each one built its own redis-py client
and connection pool: every request opened a new Redis connection (about 1 ms, and a socket
left for the pool to reap). The client is thread-safe, so all instances share one.
"""

import threading
from functools import cached_property
from typing import Any

from django.core.cache.backends.redis import RedisCache, RedisCacheClient

_clients: dict[tuple, RedisCacheClient] = {}
_lock = threading.Lock()


class SharedPoolRedisCache(RedisCache):
    # Set by RedisCache.__init__; django-stubs leaves these private attributes out.
    _servers: list[str]
    _options: dict[str, Any]
    _class: type[RedisCacheClient]

    @cached_property
    def _cache(self) -> RedisCacheClient:
        key = (tuple(self._servers), repr(sorted(self._options.items())))
        with _lock:
            client = _clients.get(key)
            if client is None:
                client = _clients[key] = self._class(self._servers, **self._options)
        return client
