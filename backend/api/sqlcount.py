"""Counting the SQL queries of one request, whatever thread runs them.

A wrapper on every database connection adds to the counter of the current context;
asgiref carries the context into `sync_to_async` threads, so loader batches count too.
"""

from contextvars import ContextVar

from django.db.backends.signals import connection_created

_counter: ContextVar[list[int] | None] = ContextVar("capgraph_sql_counter", default=None)


def _count(execute, sql, params, many, context):
    counter = _counter.get()
    if counter is not None:
        counter[0] += 1
    return execute(sql, params, many, context)


def _install(sender, connection, **kwargs) -> None:
    if _count not in connection.execute_wrappers:
        connection.execute_wrappers.append(_count)


connection_created.connect(_install)


def start() -> list[int]:
    counter = [0]
    _counter.set(counter)
    return counter
