"""CSRF for the API: enforced by Django's middleware on every cookie-authenticated POST,
the GraphQL endpoint included. A GraphQL request without the session cookie carries no
credential a foreign site could ride on (bearer tokens must be set by the caller), so it
needs none; everything else (the login form too) is checked as usual."""

from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth.middleware import AuthenticationMiddleware as DjangoAuthentication
from django.contrib.messages.middleware import MessageMiddleware as DjangoMessages
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessions
from django.http import HttpRequest, HttpResponseBase, JsonResponse
from django.middleware.clickjacking import XFrameOptionsMiddleware as DjangoXFrameOptions
from django.middleware.common import CommonMiddleware as DjangoCommon
from django.middleware.csrf import CsrfViewMiddleware
from django.middleware.security import SecurityMiddleware as DjangoSecurity
from django.views.csrf import csrf_failure as django_csrf_failure

from core.errors import ErrorCode

CSRF_MESSAGE = "CSRF verification failed: send the csrftoken cookie's value as X-CSRFToken"


class InlineHooks:
    """For Django's own middleware (MiddlewareMixin) whose hooks do no I/O: under ASGI the
    mixin runs every process_request and process_response in the sync thread, one thread
    hop each (a dozen per request for the stack in settings.MIDDLEWARE, each a handoff of
    the GIL and a wake-up of the event loop). These run them in the event loop instead.
    A hook that touched the database there would raise SynchronousOnlyOperation (Django's
    guard), so a mistake fails loudly; `response_needs_thread` keeps the hop where a
    response hook may write (a session to save). Under WSGI nothing changes."""

    get_response: Any

    async def __acall__(self, request: HttpRequest) -> HttpResponseBase:
        response = None
        if hasattr(self, "process_request"):
            response = self.process_request(request)
        response = response or await self.get_response(request)
        if hasattr(self, "process_response"):
            if self.response_needs_thread(request):
                response = await sync_to_async(self.process_response, thread_sensitive=True)(
                    request, response
                )
            else:
                response = self.process_response(request, response)
        return response

    def response_needs_thread(self, request: HttpRequest) -> bool:
        return False


class SecurityMiddleware(InlineHooks, DjangoSecurity):
    pass


class SessionMiddleware(InlineHooks, DjangoSessions):
    """process_request makes a lazy session (no I/O); a session that was read may be saved
    by process_response: that one in the thread, as Django does."""

    def response_needs_thread(self, request: HttpRequest) -> bool:
        session = getattr(request, "session", None)
        return session is not None and (session.accessed or session.modified)


class CommonMiddleware(InlineHooks, DjangoCommon):
    pass


class AuthenticationMiddleware(InlineHooks, DjangoAuthentication):
    pass  # request.user and request.auser are lazy: the session is read when asked


class MessageMiddleware(InlineHooks, DjangoMessages):
    """Messages that were read or added are stored by process_response (in the session or
    a cookie): that one in the thread."""

    def response_needs_thread(self, request: HttpRequest) -> bool:
        messages = getattr(request, "_messages", None)
        return messages is not None and (messages.used or messages.added_new)


class XFrameOptionsMiddleware(InlineHooks, DjangoXFrameOptions):
    pass


class ApiCsrfViewMiddleware(InlineHooks, CsrfViewMiddleware):
    def _view(self, request: HttpRequest, callback, callback_args, callback_kwargs):
        if request.path == "/graphql" and settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return self._accept(request)  # type: ignore[attr-defined]  # private, not in the stubs
        return super().process_view(request, callback, callback_args, callback_kwargs)

    # A coroutine, so that the ASGI handler calls it in the event loop (a sync process_view
    # is one more thread hop); the check reads cookies, headers and the body already in
    # memory. The sync handler (WSGI, the test Client) runs it through async_to_sync.
    async def process_view(  # type: ignore[override]
        self, request: HttpRequest, callback, callback_args, callback_kwargs
    ):
        return self._view(request, callback, callback_args, callback_kwargs)


def csrf_failure(request: HttpRequest, reason: str = ""):
    if not request.path.startswith("/admin/"):  # the API's clients read JSON, never HTML
        return JsonResponse(
            {"errors": [{"message": CSRF_MESSAGE, "extensions": {"code": ErrorCode.FORBIDDEN}}]},
            status=403,
        )
    return django_csrf_failure(request, reason)
