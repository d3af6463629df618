"""CSRF for the API: enforced by Django's middleware on every cookie-authenticated POST,
the GraphQL endpoint included. A GraphQL request without the session cookie carries no
credential a foreign site could ride on (bearer tokens must be set by the caller), so it
needs none; everything else (the login form too) is checked as usual."""

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.views.csrf import csrf_failure as django_csrf_failure

from core.errors import ErrorCode

CSRF_MESSAGE = "CSRF verification failed: send the csrftoken cookie's value as X-CSRFToken"


class ApiCsrfViewMiddleware(CsrfViewMiddleware):
    def process_view(self, request: HttpRequest, callback, callback_args, callback_kwargs):
        if request.path == "/graphql" and settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return self._accept(request)  # type: ignore[attr-defined]  # private, not in the stubs
        return super().process_view(request, callback, callback_args, callback_kwargs)


def csrf_failure(request: HttpRequest, reason: str = ""):
    if not request.path.startswith("/admin/"):  # the API's clients read JSON, never HTML
        return JsonResponse(
            {"errors": [{"message": CSRF_MESSAGE, "extensions": {"code": ErrorCode.FORBIDDEN}}]},
            status=403,
        )
    return django_csrf_failure(request, reason)
