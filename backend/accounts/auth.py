"""Authenticating a GraphQL request: a bearer token, or the Django session."""

from asgiref.sync import sync_to_async
from django.http import HttpRequest

from .access import (
    InvalidToken,
    Viewer,
    cached_viewer,
    remember_viewer,
    viewer_and_expiry,
    viewer_from_user,
)


class AuthFailed(Exception):
    def __init__(self, message: str, status: int = 401) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


async def bearer_viewer(header: str) -> Viewer:
    """The viewer of an `Authorization: Bearer <token>` value (a header, or the WebSocket's
    connection_init payload)."""
    scheme, _, raw = header.partition(" ")
    if scheme.lower() != "bearer" or not raw.strip():
        raise AuthFailed("Authorization header must be 'Bearer <token>'")
    raw = raw.strip()
    viewer = cached_viewer(raw)
    if viewer is None:
        try:
            viewer, expires = await sync_to_async(viewer_and_expiry)(raw)
        except InvalidToken as e:
            raise AuthFailed(str(e)) from None
        remember_viewer(raw, viewer, expires)
    return viewer


async def authenticate(request: HttpRequest) -> Viewer | None:
    header = request.headers.get("Authorization")
    if header:
        return await bearer_viewer(header)
    if not request.COOKIES.get("sessionid"):
        return None  # no session to look up: skip the queries
    # CSRF for session requests is enforced before the view (api.middleware).
    return viewer_from_user(await request.auser())
