"""Who may resolve a field: strawberry permission classes, declared on the field.

A refused check raises before the resolver runs (after the arguments are converted, where
the resolver's own first line used to check), with CONTRACT.md's code and message.
"""

from typing import Any

from strawberry.permission import BasePermission

from core.errors import ErrorCode


class IsAuthenticated(BasePermission):
    message = "Authentication required"
    error_extensions = {"code": ErrorCode.UNAUTHENTICATED}

    def has_permission(self, source: Any, info: Any, **kwargs: Any) -> bool:
        return info.context.viewer is not None


class HasWriteScope(BasePermission):
    """A write-scope token, or a session. Listed after IsAuthenticated: an anonymous caller
    is UNAUTHENTICATED, not FORBIDDEN."""

    message = "This operation needs the write scope"
    error_extensions = {"code": ErrorCode.FORBIDDEN}

    def has_permission(self, source: Any, info: Any, **kwargs: Any) -> bool:
        viewer = info.context.viewer
        return viewer is not None and viewer.can_write


AUTH: list[type[BasePermission]] = [IsAuthenticated]
WRITE: list[type[BasePermission]] = [IsAuthenticated, HasWriteScope]
