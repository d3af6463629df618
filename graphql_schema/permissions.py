from typing import Any

from strawberry.permission import BasePermission


class IsAuthenticated(BasePermission):
    message = "Authentication required"
    error_extensions = {"code": "UNAUTHENTICATED"}

    def has_permission(self, source: Any, info: Any, **kwargs: Any) -> bool:
        return info.context.viewer is not None


AUTH: list[type[BasePermission]] = [IsAuthenticated]
