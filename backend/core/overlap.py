"""A read started beside the caller's, on another pooled connection, so that PostgreSQL runs
it while the caller makes its own reads (docs/design.md, "gridSnapshot").

`start_read(read)` returns a function that gives the read's result. The read runs on a
worker thread with the caller's context (the replica routing of core.routing and the
request's SQL counter follow it) on its own connection borrowed from the pool and given
back at once. It runs inline, before returning, where another connection would be wrong
or slower: in a transaction (another connection would not see its writes: the tests' data),
without a connection pool (a new connection costs more than the read), on SQLite, and when
the pool has no idle connection (a worker waiting for one while its caller holds another
could stall both).
Each read still sees its own snapshot, as reads outside a transaction always did.
"""

import contextvars
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from django.db import connections

from .routing import read_alias

T = TypeVar("T")


def _new_workers() -> ThreadPoolExecutor:
    # Long-lived threads: each borrows a pooled connection for one read and returns it.
    return ThreadPoolExecutor(max_workers=4, thread_name_prefix="capgraph-read")


_workers = _new_workers()


def _after_fork() -> None:
    # A forked child (a prefork server or worker) has none of its parent's threads, but an
    # inherited executor that counted one idle would queue reads that nothing runs.
    global _workers
    _workers = _new_workers()


os.register_at_fork(after_in_child=_after_fork)


def _on_own_connection(alias: str, read: Callable[[], T]) -> T:
    try:
        return read()
    finally:
        connections[alias].close()  # back to the pool


def start_read(read: Callable[[], T]) -> Callable[[], T]:
    alias = read_alias()
    connection = connections[alias]
    pool = getattr(connection, "pool", None) if connection.vendor == "postgresql" else None
    if pool is not None and not connection.in_atomic_block:
        # The caller holds its own connection before it looks for a second (it reads next
        # anyway): were every connection held by callers waiting on their workers, the last
        # caller to take one found none idle and read inline, so some read always finishes.
        connection.ensure_connection()
        if pool.get_stats()["pool_available"]:
            context = contextvars.copy_context()
            return _workers.submit(context.run, _on_own_connection, alias, read).result
    result = read()
    return lambda: result
