from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import sentry_sdk
from aiodataloader import DataLoader

if TYPE_CHECKING:
    from graphql_schema.context import Context
    from people.tree import DepartmentTree

K = TypeVar("K")
V = TypeVar("V")

# Left unread by the loaders of people, projects and assignments: no field of theirs shows
# them (updatedSince filters in SQL) and loaded rows are never saved, while parsing two
# timezone-aware datetimes per row was about a tenth of a nested page's ORM CPU.
TIMESTAMPS = ("created_at", "updated_at")


class SyncBatchLoader(DataLoader, Generic[K, V]):
    """A per-request DataLoader whose batch is one synchronous ORM function.

    The whole batch is one read in the request's thread (`Context.sync`: one thread hop,
    shared with the reads asked for meanwhile), never one per key.
    `load_batch` returns a mapping; keys it leaves out resolve to `default()`.
    """

    # Set by loaders whose batch reads the request's department tree (loaded once per request,
    # before the thread hop, and shared with every other resolver).
    needs_tree = False
    tree: DepartmentTree

    def __init__(self, context: Context) -> None:
        super().__init__()
        self.context = context

    async def batch_load_fn(self, keys: Sequence[K]) -> list[V]:
        if self.needs_tree:
            self.tree = await self.context.department_tree()
        with sentry_sdk.start_span(op="dataloader.batch", name=type(self).__name__) as span:
            span.set_data("keys", len(keys))
            found = await self.context.sync.run(lambda: self.load_batch(keys))
        return [found[k] if k in found else self.default() for k in keys]

    def load_batch(self, keys: Sequence[K]) -> Mapping[K, V]:
        raise NotImplementedError

    def default(self) -> Any:
        return None
