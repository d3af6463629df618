"""Relay-style connections over a queryset: one query per page (first + 1 rows)."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

import strawberry

from graphql_schema.policy import policy
from graphql_schema.validation import check_first, decode_cursor, encode_cursor

T = TypeVar("T")


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type
class Connection(Generic[T]):
    # as many as the connection's `first` (50 when it is sent as null)
    edges: list[Edge[T]] = strawberry.field(metadata=policy(items=50, page=True))
    page_info: PageInfo
    queryset: strawberry.Private[Any]

    @strawberry.field(description="All matching rows (one extra COUNT query, only when asked).")
    async def total_count(self) -> int:
        return await self.queryset.acount()


async def paginate(queryset: Any, first: int | None, after: str | None) -> Connection[Any]:
    first = check_first(first)
    offset = decode_cursor(after)
    rows = [row async for row in queryset[offset : offset + first + 1]]
    has_next = len(rows) > first
    rows = rows[:first]
    edges = [Edge(cursor=encode_cursor(offset + i), node=row) for i, row in enumerate(rows)]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=has_next,
            has_previous_page=offset > 0,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        queryset=queryset,
    )
