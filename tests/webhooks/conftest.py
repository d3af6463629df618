"""A real HTTP receiver on 127.0.0.1 (a thread running http.server) that records every POST
and answers as told, and helpers to create subscriptions and stand-in Change rows."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from accounts.models import ApiToken, hash_token
from changes.models import Change
from tests.client import GraphQLClient
from webhooks import delivery

CREATE = """mutation($url: String!, $events: [ChangeEntityType!], $secret: String) {
  createWebhookSubscription(url: $url, events: $events, secret: $secret) {
    secret subscription { id url events isActive disabledReason lastSequence } } }"""


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Receiver:
    url: str
    requests: list[Received] = field(default_factory=list)
    fail_first: int = 0  # answer 500 to this many requests, then 200
    status: int = 200
    answer: bytes = b"ok"
    failure: bytes = b"boom"

    def reply(self) -> tuple[int, bytes]:
        if len(self.requests) <= self.fail_first:
            return 500, self.failure
        return self.status, self.answer

    @property
    def delivery_ids(self) -> list[str]:
        return [r.headers["X-Capgraph-Delivery"] for r in self.requests]

    def unique(self) -> list[Any]:
        """The bodies, deduplicated by delivery id as a receiver should."""
        seen: dict[str, Any] = {}
        for r in self.requests:
            seen.setdefault(r.headers["X-Capgraph-Delivery"], r.json)
        return list(seen.values())


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            with lock:
                state.requests.append(Received(self.path, dict(self.headers), body))
                status, answer = state.reply()
            self.send_response(status)
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state = Receiver(url=f"http://127.0.0.1:{server.server_address[1]}/hooks/capgraph")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def private_urls(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = True  # the receiver is on loopback


def token_row(raw: str) -> ApiToken:
    return ApiToken.objects.get(key_hash=hash_token(raw))


def subscribe(client: GraphQLClient, url: str, events: list[str] | None, secret: str | None = None):
    r = client.post(CREATE, {"url": url, "events": events, "secret": secret})
    return r.data["createWebhookSubscription"]


def change(
    entity_type: str = "person",
    entity_id: int = 4,
    operation: str = "update",
    department: int | None = 3,
    previous: int | None = None,
    fields: dict | None = None,
    actor: str = "token:writer",
) -> Change:
    """A Change row, as the change log records a committed write."""
    return Change.objects.create(
        entity_type=entity_type,
        entity_id=entity_id,
        operation=operation,
        fields={"name": {"before": "A", "after": "B"}} if fields is None else fields,
        actor=actor,
        department_id=department,
        previous_department_id=previous,
    )


def node(row: Change, operation: str | None = None, fields: dict | None = None) -> dict:
    return {
        "sequence": str(row.id),
        "entityType": row.entity_type,
        "entityId": str(row.entity_id),
        "operation": operation or row.operation.upper(),
        "fields": row.fields if fields is None else fields,
        "actor": row.actor,
        "at": delivery.iso(row.created_at),
    }
