"""The WebSocket route settles the client's address as HTTP does (api.edge): X-Forwarded-For
is believed only from TRUSTED_PROXIES, and dropped from anyone else. In process."""

import json

from asgiref.sync import async_to_sync
from asgiref.testing import ApplicationCommunicator

from api import ws
from api.edge import TrustedProxyScope

FORWARDED = [(b"x-forwarded-for", b"198.51.100.7, 203.0.113.9"), (b"x-forwarded-proto", b"https")]


def settle(client: tuple[str, int], headers: list) -> dict:
    seen: dict = {}

    async def app(scope, receive, send):
        seen.update(scope)

    async_to_sync(TrustedProxyScope(app))(
        {"type": "websocket", "client": client, "headers": headers}, None, None
    )
    return seen


def test_a_trusted_proxys_forwarded_address_is_the_client(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    seen = settle(("10.0.0.2", 5000), FORWARDED)
    assert seen["client"] == ("203.0.113.9", 5000)  # the rightmost address not a proxy
    assert seen["headers"] == FORWARDED


def test_anyone_elses_forwarded_headers_are_dropped(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    seen = settle(("192.0.2.1", 5000), [*FORWARDED, (b"host", b"testserver")])
    assert seen["client"] == ("192.0.2.1", 5000)
    assert seen["headers"] == [(b"host", b"testserver")]


def test_the_asgi_applications_websocket_route_applies_it(db, settings, monkeypatch):
    from config.asgi import application

    settings.TRUSTED_PROXIES = ["10.0.0.2"]
    addresses = []
    build = ws.build_context

    async def recording(request, viewer):
        addresses.append(request.META["REMOTE_ADDR"])
        return await build(request, viewer)

    monkeypatch.setattr(ws, "build_context", recording)
    scope = {
        "type": "websocket",
        "path": "/graphql",
        "raw_path": b"/graphql",
        "query_string": b"",
        "headers": [(b"host", b"testserver"), *FORWARDED],
        "subprotocols": ["graphql-transport-ws"],
        "client": ("10.0.0.2", 5000),
        "server": ("testserver", 80),
    }

    async def talk():
        socket = ApplicationCommunicator(application, scope)
        await socket.send_input({"type": "websocket.connect"})
        accepted = await socket.receive_output(5)
        init = {"type": "websocket.receive", "text": json.dumps({"type": "connection_init"})}
        await socket.send_input(init)
        ack = await socket.receive_output(5)
        await socket.send_input({"type": "websocket.disconnect", "code": 1000})
        await socket.wait(5)
        return accepted, ack

    accepted, ack = async_to_sync(talk)()
    assert accepted["type"] == "websocket.accept"
    assert json.loads(ack["text"]) == {"type": "connection_ack"}
    assert addresses == ["203.0.113.9"]
