import gc
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django_application = get_asgi_application()

# Needs the apps loaded (above).
from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.urls import re_path  # noqa: E402

from api import ws  # noqa: E402
from api.edge import TrustedProxyScope  # noqa: E402
from api.persisted import install_reload_on_sighup  # noqa: E402
from api.threads import RequestThreads  # noqa: E402

# HTTP is Django's (GraphQL over GET and POST, and as an event stream with Accept:
# text/event-stream); a WebSocket to the same /graphql speaks graphql-transport-ws
# (api/ws.py), with the session (the web app's login) read from its cookie and the client's
# address settled as for HTTP (TRUSTED_PROXIES).
application = ProtocolTypeRouter(
    {
        "http": RequestThreads(django_application),  # each request's ORM thread, lent
        "websocket": TrustedProxyScope(
            AuthMiddlewareStack(URLRouter([re_path(r"^graphql/?$", ws.consumer())]))
        ),
    }
)

install_reload_on_sighup()  # `kill -HUP <pid>` reloads the trusted-documents manifest

# A report at 10,000 people makes hundreds of thousands of short-lived objects (rows, maps,
# the answer's dicts); at CPython's default threshold (700 allocations) the cyclic collector
# ran hundreds of times per request and took 15 to 30% of its CPU (docs/scaling.md). The
# reports make no cycles worth collecting early: collect the youngest generation every
# 50,000 allocations, and the older ones as rarely as before relative to it.
gc.set_threshold(50_000, 20, 10)
