"""The per-request context: who asks, what they may see, and the request's loaders."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

import strawberry
from asgiref.sync import sync_to_async

from accounts.access import Viewer
from graphql_schema.errors import Forbidden, Unauthenticated

if TYPE_CHECKING:
    from django.http import HttpRequest

    from people.tree import DepartmentTree

    from .loaders import Loaders


@dataclass(eq=False)
class Context:
    request: HttpRequest | None
    viewer: Viewer | None
    # Expanded department ids the viewer may see; None means every department.
    visible_departments: frozenset[int] | None = None
    # Schema version and document hash: the key of the parsed-document cache.
    document_key: str | None = None
    introspection_allowed: bool = True
    document: Any = None  # the DocumentNode the HTTP edge admitted (api.gate)
    budget: Any = None  # api.ratelimit.Budget once the operation is charged
    _tree: asyncio.Future[DepartmentTree] | None = field(default=None, repr=False)

    @cached_property
    def loaders(self) -> Loaders:
        from .loaders import Loaders

        return Loaders(self)

    async def department_tree(self) -> DepartmentTree:
        """Loaded once per request; concurrent resolvers share the one load."""
        if self._tree is None:
            from people.tree import DepartmentTree

            self._tree = asyncio.ensure_future(sync_to_async(DepartmentTree.load)())
        return await self._tree

    def require_viewer(self) -> Viewer:
        if self.viewer is None:
            raise Unauthenticated("Authentication required")
        return self.viewer

    def require_write(self) -> Viewer:
        viewer = self.require_viewer()
        if not viewer.can_write:
            raise Forbidden("This operation needs the write scope")
        return viewer

    def require_unrestricted(self, what: str) -> None:
        if self.visible_departments is not None:
            raise Forbidden(f"A department-restricted viewer cannot {what}")

    def can_see_department(self, department_id: int | None) -> bool:
        if self.visible_departments is None:
            return True
        return department_id is not None and department_id in self.visible_departments

    def scope_people(self, qs: Any, prefix: str = "") -> Any:
        """Restrict a queryset to the viewer's departments (`prefix` leads to a Person)."""
        if self.visible_departments is None:
            return qs
        return qs.filter(**{f"{prefix}department_id__in": self.visible_departments})


async def build_context(request: HttpRequest | None, viewer: Viewer | None) -> Context:
    ctx = Context(request=request, viewer=viewer)
    if viewer is not None and viewer.department_roots is not None:
        tree = await ctx.department_tree()
        ctx.visible_departments = frozenset(tree.descendants(viewer.department_roots))
    return ctx


Info = strawberry.Info[Context, None]
