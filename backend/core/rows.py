"""Rows of a large read fetched at once."""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet


def fetch_all(rows: QuerySet) -> Iterable[Any]:
    """A values_list queryset's rows as iterating it gives them (the fields' converters
    applied), fetched at once: Django fetches 100 rows at a time and copies each into a new
    tuple, a fifth of the CPU of reading a 10,000-person heatmap's 50,000 hours rows
    (docs/scaling.md). The statement is the queryset's own, on its database."""
    compiler = rows.query.get_compiler(using=rows.db)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:  # as Django runs it: no statement, no rows
        return ()
    with connections[rows.db].cursor() as cursor:
        cursor.execute(sql, params)
        return compiler.results_iter([cursor.fetchall()])
