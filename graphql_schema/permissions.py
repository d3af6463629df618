from typing import Any

from strawberry.permission import BasePermission

from core.errors import ErrorCode


class IsAuthenticated(BasePermission):
    message = "Authentication required"
    error_extensions = {"code": ErrorCode.UNAUTHENTICATED}

    def has_permission(self, source: Any, info: Any, **kwargs: Any) -> bool:
        return info.context.viewer is not None


AUTH: list[type[BasePermission]] = [IsAuthenticated]
