"""Test helpers: an HTTP GraphQL client for the ASGI app and an exact SQL query counter."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
from asgiref.sync import async_to_sync
from django.db import connection
from django.test.utils import CaptureQueriesContext

# What no response may carry, whatever a client sent: a Python traceback, SQL, a file path
# of the server, or a field suggestion (which maps the schema for a stranger).
LEAKS = re.compile(
    r"Traceback \(most recent call last\)|File \"[^\"]+\", line \d"
    r"|\b(?:SELECT|INSERT INTO|DELETE FROM)\b.{0,200}?\b(?:FROM|WHERE|VALUES)\b|\bUPDATE \S+ SET\b"
    r"|psycopg|sqlite3\.|django\.db|\w+\.py\b|site-packages|/(?:usr|home|work|tmp|opt|srv)/\w"
    r"|Did you mean"
)


def assert_no_leak(text: str) -> None:
    """Every response body the suite sees passes through this (GraphQLClient, the fuzz and
    hostile tests)."""
    found = LEAKS.search(text)
    assert found is None, f"a response leaks {found.group(0)!r}: {text[:2000]}"


@dataclass
class Response:
    """`body` is the response without `extensions` (the cost, which changes with every
    request); `extensions` holds it."""

    status: int
    headers: httpx.Headers
    body: dict[str, Any]
    extensions: dict[str, Any]

    @classmethod
    def of(cls, r: httpx.Response) -> Response:
        body = r.json()
        return cls(r.status_code, r.headers, body, body.pop("extensions", {}))

    @property
    def data(self) -> Any:
        assert "errors" not in self.body, self.body["errors"]
        return self.body["data"]

    @property
    def errors(self) -> list[dict[str, Any]]:
        return self.body.get("errors", [])

    @property
    def codes(self) -> list[str]:
        return [e["extensions"]["code"] for e in self.errors]


class GraphQLClient:
    """Posts to /graphql through Django's real ASGI handler.

    `async_to_sync` from the test's thread means the view's ORM work (sync_to_async,
    thread-sensitive) runs back on this thread, inside the test's transaction.
    """

    def __init__(
        self,
        token: str | None = None,
        headers: dict[str, str] | None = None,
        address: str = "127.0.0.1",  # the peer address the server sees
        app: Any = None,  # another ASGI application (built under other settings)
    ) -> None:
        self.app = app
        self.token = token
        self.address = address
        self.headers = dict(headers or {})
        self.cookies = httpx.Cookies()  # kept across requests, as a browser does

    def _headers(self, extra: dict[str, str] | None) -> dict[str, str]:
        headers = dict(self.headers)
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        headers.update(extra or {})
        return headers

    def request(self, method: str, path: str = "/graphql", **kwargs: Any) -> httpx.Response:
        from config.asgi import application

        async def send() -> httpx.Response:
            transport = httpx.ASGITransport(
                app=self.app or application, client=(self.address, 40000)
            )
            async with httpx.AsyncClient(
                transport=transport, base_url="http://testserver", cookies=self.cookies
            ) as c:
                response = await c.request(method, path, **kwargs)
                self.cookies = httpx.Cookies(c.cookies)
                # Files served as they are on disk (the admin's, vendored GraphiQL's, the
                # built app's) answer no input: graphql-js itself says "Did you mean".
                verbatim = path.startswith(("/static/", "/assets/"))
                if not verbatim and response.headers.get("content-type", "").startswith(
                    ("application/", "text/")
                ):
                    assert_no_leak(response.text)
                return response

        return async_to_sync(send)()

    def post(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> Response:
        payload: dict[str, Any] = {"query": query, **extra}
        if variables is not None:
            payload["variables"] = variables
        return Response.of(self.request("POST", json=payload, headers=self._headers(headers)))

    def get(self, params: dict[str, str], headers: dict[str, str] | None = None) -> Response:
        return Response.of(self.request("GET", params=params, headers=self._headers(headers)))


@contextlib.contextmanager
def exact_queries(expected: int) -> Iterator[CaptureQueriesContext]:
    """Assert that the block runs exactly `expected` SQL queries; print them if not."""
    with CaptureQueriesContext(connection) as ctx:
        yield ctx
    if len(ctx.captured_queries) != expected:
        listing = "\n".join(
            f"{i + 1}. {q['sql'][:300]}" for i, q in enumerate(ctx.captured_queries)
        )
        raise AssertionError(
            f"expected {expected} SQL queries, ran {len(ctx.captured_queries)}:\n{listing}"
        )
