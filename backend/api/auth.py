"""Authenticating a GraphQL request: a bearer token, or the Django session with CSRF."""

from asgiref.sync import sync_to_async
from django.http import HttpRequest
from django.middleware.csrf import CsrfViewMiddleware

from accounts.access import InvalidToken, Viewer, viewer_from_token, viewer_from_user


class AuthFailed(Exception):
    def __init__(self, message: str, status: int = 401) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def _csrf_failure(request: HttpRequest) -> str | None:
    middleware = CsrfViewMiddleware(lambda r: None)  # type: ignore[arg-type, return-value]
    middleware.process_request(request)
    rejected = middleware.process_view(request, lambda r: None, (), {})  # type: ignore[arg-type]
    if rejected is None:
        return None
    return "CSRF verification failed: send the csrftoken cookie's value as X-CSRFToken"


async def authenticate(request: HttpRequest) -> Viewer | None:
    header = request.headers.get("Authorization")
    if header:
        scheme, _, raw = header.partition(" ")
        if scheme.lower() != "bearer" or not raw.strip():
            raise AuthFailed("Authorization header must be 'Bearer <token>'")
        try:
            return await sync_to_async(viewer_from_token)(raw.strip())
        except InvalidToken as e:
            raise AuthFailed(str(e)) from None
    if not request.COOKIES.get("sessionid"):
        return None  # no session to look up: skip the queries
    user = await request.auser()
    viewer = viewer_from_user(user)
    if viewer is not None and request.method == "POST":
        failure = _csrf_failure(request)
        if failure:
            raise AuthFailed(failure, status=403)
    return viewer
