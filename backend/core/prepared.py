"""Querysets whose SQL is compiled once per process, for the small reads every request
makes (the department tree, a page's roles): Django compiles a queryset anew each time it
runs, and for such a read compiling and the queryset's machinery are most of its CPU.

The SQL text, the database (the router's), the rows and the model instances are the ORM's
own: the queryset is compiled once per database vendor and key, then run with its compiled
parameters, or with new ones of the same shape (the key says which shape:
`("roles by id", 9)` for nine ids)."""

from collections.abc import Callable, Hashable, Sequence
from typing import Any

from django.db import connections, router
from django.db.models import Model, QuerySet

_compiled: dict[tuple[str, Hashable], tuple[Any, list[str], str, tuple]] = {}
MAX_SHAPES = 1000  # a few in practice: never unbounded


def instances(
    model: type[Model],
    key: Hashable,
    queryset: Callable[[], QuerySet],
    params: Sequence[Any] | None = None,
) -> list[Any]:
    """The `model` instances of `queryset()`'s rows, as the ORM makes them."""
    alias = router.db_for_read(model) or "default"
    connection = connections[alias]
    compiled = _compiled.get((connection.vendor, key))
    if compiled is None:
        compiler = queryset().query.get_compiler(connection=connection)
        sql, compiled_params = compiler.as_sql()
        columns = [column.target.attname for column, _, _ in compiler.select]
        compiled = (compiler, columns, sql, compiled_params)
        if len(_compiled) < MAX_SHAPES:
            _compiled[(connection.vendor, key)] = compiled
    compiler, columns, sql, compiled_params = compiled
    with connection.cursor() as cursor:
        cursor.execute(sql, compiled_params if params is None else tuple(params))
        rows = compiler.results_iter([cursor.fetchall()])  # the fields' converters
    return [model.from_db(alias, columns, row) for row in rows]
