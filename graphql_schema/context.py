"""The per-request context: who asks, what they may see, and the request's loaders."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

import strawberry
from asgiref.sync import sync_to_async

from accounts.access import EVERYTHING, Scope, Viewer
from changes.log import actor_of, set_actor
from graphql_schema.errors import Forbidden, Unauthenticated

if TYPE_CHECKING:
    from django.http import HttpRequest

    from people.tree import DepartmentTree

    from .loaders import Loaders


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
    _tree: asyncio.Future[DepartmentTree] | None = field(default=None, repr=False)
    _tree_loaded: DepartmentTree | None = field(default=None, repr=False)

    @cached_property
    def loaders(self) -> Loaders:
        from .loaders import Loaders

        return Loaders(self)

    async def department_tree(self) -> DepartmentTree:
        """Loaded once per request; concurrent resolvers share the one load."""
        if self._tree is None:
            self._tree = asyncio.ensure_future(sync_to_async(self.loaded_department_tree)())
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
