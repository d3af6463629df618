"""Cached query responses, keyed so that no answer outlives a write or crosses a scope.

Key: schema version, document hash, operation name, canonical variables, the viewer's
access scope (its departments and scope; the user too when the document reads `viewer`)
and the data version that every write bumps. Values are the encoded response bodies
(with their ETag), stored as bytes in Redis, not pickled as Django's cache stores values:
pickling copied the whole answer (11 MB for a 10,000-person heatmap) on every store.
Misses for one key compute once per process at a time (single flight).
"""

import asyncio
import hashlib
from collections.abc import Awaitable, Callable
from typing import Any, NamedTuple, TypeVar

import orjson
from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.db import connection

from core import dataversion
from core.dataversion import cache_outage

# rc2: the values are raw bytes (rc: pickled; never read as raw)
PREFIX = "capgraph:rc2:"


def scope_key(
    visible: frozenset[int] | None, can_write: bool, user_id: int | None, per_viewer: bool
) -> str:
    departments = "all" if visible is None else ",".join(map(str, sorted(visible)))
    scope = f"{departments}|{'w' if can_write else 'r'}"
    return f"{scope}|u{user_id}" if per_viewer else scope


def response_key(
    schema_version: str,
    document_hash: str,
    operation_name: str | None,
    variables: dict | None,
    scope: str,
    data_version: int | str,
) -> str:
    canonical = orjson.dumps(variables or {}, option=orjson.OPT_SORT_KEYS)
    digest = hashlib.sha256(
        b"\0".join(
            [
                document_hash.encode(),
                (operation_name or "").encode(),
                canonical,
                scope.encode(),
            ]
        )
    ).hexdigest()
    return f"{PREFIX}{schema_version}:{data_version}:{digest}"


class Entry(NamedTuple):
    etag: str  # of the body: computed once, when the answer is stored
    body: bytes


def entry(body: bytes) -> Entry:
    return Entry('"' + hashlib.sha256(body).hexdigest()[:32] + '"', body)


def _redis() -> Any | None:
    """The Redis cache's redis-py client; None for the in-process cache (Django's API)."""
    if not isinstance(caches["default"], RedisCache):
        return None
    return cache._cache.get_client(write=True)  # type: ignore[attr-defined]


def get(key: str) -> Entry | None:
    try:
        client = _redis()
        value = cache.get(key) if client is None else client.get(cache.make_key(key))
    except Exception as exc:  # a cache outage serves uncached
        cache_outage(exc)
        return None
    return None if value is None else _entry(value)


def _entry(value: bytes) -> Entry:
    etag, _, body = value.partition(b"\n")
    return Entry(etag.decode(), body)


# The data version (made 1 when missing, as dataversion.current() does) and the answer
# stored under the key that holds it, in one round trip instead of two.
_LOOKUP = """
local version = redis.call('GET', KEYS[1])
if not version then
  redis.call('SET', KEYS[1], 1, 'NX')
  version = redis.call('GET', KEYS[1])
end
return {version, redis.call('GET', ARGV[1] .. version .. ARGV[2])}
"""
_SLOT = "<version>"


def lookup(key_at: Callable[[int | str], str]) -> tuple[int | None, Entry | None]:
    """The current data version and the answer cached at `key_at(version)`: (None, None)
    when the cache cannot be reached."""
    if not isinstance(caches["default"], RedisCache):  # in-process: the two reads
        version = dataversion.current()
        return version, None if version is None else get(key_at(version))
    head, tail = cache.make_key(key_at(_SLOT)).split(_SLOT)
    try:
        client = _redis()
        assert client is not None
        version, value = client.eval(_LOOKUP, 1, cache.make_key(dataversion.KEY), head, tail)
    except Exception as exc:
        cache_outage(exc)
        return None, None
    return int(version), None if value is None else _entry(value)


def put(key: str, answer: Entry) -> None:
    value = answer.etag.encode() + b"\n" + answer.body
    ttl = settings.RESPONSE_CACHE_TTL
    try:
        client = _redis()
        if client is None:
            cache.set(key, value, timeout=ttl)
        else:
            client.set(cache.make_key(key), value, ex=ttl)
    except Exception as exc:
        cache_outage(exc)


T = TypeVar("T")
_in_flight: dict[str, asyncio.Future[Any]] = {}


def release_connection() -> None:
    """Hand this request's pooled connection back (outside a transaction; tests run inside
    one). Run in the request's thread, where its connection lives."""
    if not connection.in_atomic_block:
        connection.close()


async def single_flight(key: str, compute: Callable[[], Awaitable[T]]) -> tuple[T, bool]:
    """Run `compute` once for concurrent callers of one key in this process.

    Returns (result, shared): `shared` is True for callers that waited on another's work.
    A waiter gives its database connection back first: waiters holding every pooled
    connection while the computing request queues for one was a deadlock (measured: the
    load test's 100 clients on one process stalled until PoolTimeout).
    """
    pending = _in_flight.get(key)
    if pending is not None:
        await sync_to_async(release_connection)()
        return await asyncio.shield(pending), True
    future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
    _in_flight[key] = future
    try:
        result = await compute()
        future.set_result(result)
        return result, False
    except BaseException as exc:
        future.set_exception(exc)
        future.exception()  # retrieved here: waiters, if any, get it too
        raise
    finally:
        del _in_flight[key]
