"""The per-request context: who asks, what they may see, and the request's loaders."""

from __future__ import annotations

import asyncio
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, TypeVar

import strawberry
from asgiref.sync import sync_to_async

from accounts.access import EVERYTHING, Scope, Viewer
from changes.log import actor_of, set_actor
from graphql_schema.errors import Forbidden, Unauthenticated

if TYPE_CHECKING:
    from django.http import HttpRequest

    from people.tree import DepartmentTree

    from .loaders import Loaders


T = TypeVar("T")


class SyncWork:
    """The request's sync reads (the department tree, loader batches) in its thread, in as
    few thread hops as they allow: a read asked for while a hop is on its way or running is
    done by that hop, after the others (the department tree and the roles of a people page,
    asked for at the same level: one hop, not two). Each read's answer or error goes to its
    own caller. The hop runs in the first caller's context: the request's (its SQL counter,
    its actor), the same for every read of one request."""

    def __init__(self) -> None:
        self._queue: deque[tuple[Callable[[], Any], asyncio.Future[Any]]] = deque()
        self._lock = threading.Lock()
        self._hopping = False  # a hop is on its way or running
        self._hop: asyncio.Future[None] | None = None  # (a task is kept by reference)

    async def run(self, read: Callable[[], T]) -> T:
        loop = asyncio.get_running_loop()
        answer: asyncio.Future[T] = loop.create_future()
        with self._lock:
            self._queue.append((read, answer))
            start, self._hopping = not self._hopping, True
        if start:
            self._hop = asyncio.ensure_future(sync_to_async(self._drain)(loop))
        return await answer

    def _drain(self, loop: asyncio.AbstractEventLoop) -> None:
        while True:
            with self._lock:
                if not self._queue:
                    self._hopping = False
                    return
                read, answer = self._queue.popleft()
            try:
                value = read()
            except BaseException as error:  # its caller's to raise, not the hop's
                loop.call_soon_threadsafe(_settle, answer, None, error)
            else:
                loop.call_soon_threadsafe(_settle, answer, value, None)


def _settle(answer: asyncio.Future[Any], value: Any, error: BaseException | None) -> None:
    if answer.done():  # its caller was cancelled
        return
    if error is not None:
        answer.set_exception(error)
    else:
        answer.set_result(value)


@dataclass(eq=False)
class Context:
    request: HttpRequest | None
    viewer: Viewer | None
    # What the viewer may see (accounts.access.Scope), built once by build_context.
    scope: Scope = EVERYTHING
    # Schema version and document hash: the key of the parsed-document cache.
    document_key: str | None = None
    introspection_allowed: bool = True
    document: Any = None  # the DocumentNode the HTTP edge admitted (api.gate)
    budget: Any = None  # api.ratelimit.Budget once the operation is charged
    sync: SyncWork = field(default_factory=SyncWork, repr=False)
    _tree: asyncio.Future[DepartmentTree] | None = field(default=None, repr=False)
    _tree_loaded: DepartmentTree | None = field(default=None, repr=False)

    @cached_property
    def loaders(self) -> Loaders:
        from .loaders import Loaders

        return Loaders(self)

    async def department_tree(self) -> DepartmentTree:
        """Loaded once per request; concurrent resolvers share the one load."""
        if self._tree is None:
            self._tree = asyncio.ensure_future(self.sync.run(self.loaded_department_tree))
        return await self._tree

    def loaded_department_tree(self) -> DepartmentTree:
        """`department_tree` in a worker thread (a report's data gathering, which needs it
        anyway: one thread hop less per request). The two share the one load: both run on
        the thread sync_to_async runs the request's sync work on, one after the other."""
        if self._tree_loaded is None:
            from people.tree import DepartmentTree

            self._tree_loaded = DepartmentTree.load()
        return self._tree_loaded

    def require_viewer(self) -> Viewer:
        if self.viewer is None:
            raise Unauthenticated("Authentication required")
        return self.viewer

    def require_unrestricted(self, what: str) -> None:
        if self.scope.restricted:
            raise Forbidden(f"A department-restricted viewer cannot {what}")


async def build_context(request: HttpRequest | None, viewer: Viewer | None) -> Context:
    ctx = Context(request=request, viewer=viewer)
    # Set in the request's own task (awaited, not a new task), so the resolvers and the
    # sync_to_async threads that run the writes (they copy the context) record this actor.
    set_actor(actor_of(viewer))
    if viewer is not None and viewer.restricted:  # only then is the tree needed (one query)
        ctx.scope = Scope.for_viewer(viewer, await ctx.department_tree())
    return ctx


Info = strawberry.Info[Context, None]
