"""What every HTTP request passes first: whose address it comes from, and whether the
database can serve it.

TrustedProxyMiddleware: `X-Forwarded-For` and `X-Forwarded-Proto` are believed only from
the peers named in TRUSTED_PROXIES (IPs, networks or host names, such as compose's nginx
service); from anyone else they are dropped. REMOTE_ADDR is then the client's address, the
one rate limits, login throttling and logs are keyed on. (uvicorn runs with
--no-proxy-headers: this is the one place that decides.)

EdgeErrorsMiddleware: a database that cannot be reached becomes a JSON 503
`SERVICE_UNAVAILABLE` with Retry-After on every endpoint, never Django's HTML 500; and while
the database breaker is open (core.outage) requests get it at once instead of each waiting
DB_POOL_TIMEOUT for a connection. A login refused by the failed-login throttle (raised
from inside `authenticate()`, whichever view called it: /auth/login or the admin's) becomes
a JSON 429 `RATE_LIMITED` with Retry-After. `server_error` (handler500) does the same for errors
raised outside a view (a session save in a middleware, say).
"""

import asyncio
import ipaddress
import logging
import sys
import time
from typing import Any

from asgiref.sync import markcoroutinefunction
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults

from accounts.throttle import LoginThrottled
from core import outage
from core.errors import ErrorCode

logger = logging.getLogger("capgraph.edge")
Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
RESOLVE_SECONDS = 60.0  # how long a proxy host name's addresses are kept
UNAVAILABLE_ERRORS: tuple[type[BaseException], ...] = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 5
UNAVAILABLE_MESSAGE = "The service is busy or unavailable: retry shortly"
EXEMPT = ("/healthz", "/readyz")  # they report the outage themselves


def _address(text: str) -> Address | None:
    try:
        return ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return None


class _Proxies:
    """TRUSTED_PROXIES, parsed once per value; host names resolved (off the event loop) at
    most every RESOLVE_SECONDS."""

    def __init__(self) -> None:
        self.source: tuple[str, ...] = ()
        self.networks: list[Network] = []
        self.hosts: list[str] = []
        self.resolved: set[Address] = set()
        self.resolved_at = -RESOLVE_SECONDS

    def _load(self) -> None:
        source = tuple(settings.TRUSTED_PROXIES)
        if source == self.source:
            return
        self.source, self.networks, self.hosts = source, [], []
        for entry in source:
            try:
                self.networks.append(ipaddress.ip_network(entry, strict=False))
            except ValueError:
                self.hosts.append(entry)
        self.resolved, self.resolved_at = set(), -RESOLVE_SECONDS

    async def _resolve(self) -> None:
        now = time.monotonic()
        if not self.hosts or now - self.resolved_at < RESOLVE_SECONDS:
            return
        self.resolved_at = now
        loop = asyncio.get_running_loop()
        found: set[Address] = set()
        for host in self.hosts:
            try:
                infos = await loop.getaddrinfo(host, None)
            except OSError:
                logger.warning("TRUSTED_PROXIES: %s does not resolve", host)
                continue
            for info in infos:
                address = _address(str(info[4][0]))
                if address is not None:
                    found.add(address)
        self.resolved = found

    async def trusted(self, text: str) -> bool:
        self._load()
        if not self.source:
            return False
        address = _address(text)
        if address is None:
            return False
        if any(address in network for network in self.networks):
            return True
        await self._resolve()
        return address in self.resolved


proxies = _Proxies()


async def client_address(meta: dict[str, Any]) -> str:
    """The client's address for a request's META, dropping forwarded headers that no
    trusted proxy set. The rightmost address in X-Forwarded-For that is not a trusted
    proxy is the client (nginx sets it to the address it saw)."""
    peer = meta.get("REMOTE_ADDR") or ""
    if not await proxies.trusted(peer):
        meta.pop("HTTP_X_FORWARDED_FOR", None)
        meta.pop("HTTP_X_FORWARDED_PROTO", None)
        return peer
    client = peer
    forwarded = [a.strip() for a in meta.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for entry in reversed([a for a in forwarded if a]):
        address = _address(entry)
        if address is None:
            break  # garbage: the last trusted hop's address stands
        client = str(address)
        if not await proxies.trusted(client):
            break
    return client


class TrustedProxyMiddleware:
    async_capable = True
    sync_capable = False

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response
        markcoroutinefunction(self)

    async def __call__(self, request: HttpRequest) -> HttpResponse:
        request.META["REMOTE_ADDR"] = await client_address(request.META)
        return await self.get_response(request)


class TrustedProxyScope:
    """TrustedProxyMiddleware for the WebSocket route (an ASGI middleware: Django's do not
    run there): the scope's client becomes the client's address by the same rule, and
    forwarded headers from a peer that is not a trusted proxy are dropped."""

    FORWARDED = (b"x-forwarded-for", b"x-forwarded-proto")

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        host, port = scope.get("client") or ("", 0)
        headers = list(scope.get("headers") or ())
        meta = {"REMOTE_ADDR": host or ""}
        forwarded = b", ".join(v for k, v in headers if k.lower() == b"x-forwarded-for")
        if forwarded:
            meta["HTTP_X_FORWARDED_FOR"] = forwarded.decode("latin1")
        client = await client_address(meta)
        if not await proxies.trusted(host or ""):
            headers = [(k, v) for k, v in headers if k.lower() not in self.FORWARDED]
        scope = {**scope, "client": (client, port), "headers": headers}
        return await self.app(scope, receive, send)


def unavailable_response(retry_after: int = RETRY_AFTER_SECONDS) -> JsonResponse:
    body = {
        "errors": [
            {"message": UNAVAILABLE_MESSAGE, "extensions": {"code": ErrorCode.SERVICE_UNAVAILABLE}}
        ]
    }
    response = JsonResponse(body, status=503)
    response["Retry-After"] = str(retry_after)
    response["Cache-Control"] = "no-store"
    return response


def login_throttled_response(exc: LoginThrottled) -> JsonResponse:
    response = JsonResponse(
        {"error": str(exc), "code": ErrorCode.RATE_LIMITED, "retryAfter": exc.retry_after},
        status=429,
    )
    response["Retry-After"] = str(exc.retry_after)
    response["Cache-Control"] = "no-store"
    return response


def is_unavailable(exc: BaseException | None) -> bool:
    """A database that cannot be reached (refused, dropped, pool timed out), not a
    statement that ran too long (that one is a TIMEOUT, and the database is fine)."""
    if not isinstance(exc, UNAVAILABLE_ERRORS):
        return False
    from psycopg.errors import QueryCanceled

    cause = exc.__cause__
    return not isinstance(cause, QueryCanceled)


class EdgeErrorsMiddleware:
    async_capable = True
    sync_capable = False

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response
        markcoroutinefunction(self)

    async def __call__(self, request: HttpRequest) -> HttpResponse:
        if outage.database.is_open() and request.path not in EXEMPT:
            return unavailable_response(outage.database.retry_after())
        return await self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, LoginThrottled):
            return login_throttled_response(exception)
        if not is_unavailable(exception):
            return None
        logger.error("database unavailable at %s: %s", request.path, type(exception).__name__)
        return unavailable_response()


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a database outage raised outside a view is a 503 too; anything else is
    Django's 500 (JSON for the API's paths: no HTML page to a JSON client)."""
    if is_unavailable(sys.exc_info()[1]):
        return unavailable_response()
    if request.path.startswith(("/graphql", "/auth/", "/exports/")):
        body = {
            "errors": [
                {
                    "message": "Internal server error",
                    "extensions": {"code": ErrorCode.INTERNAL_SERVER_ERROR},
                }
            ]
        }
        return JsonResponse(body, status=500)
    return defaults.server_error(request)
