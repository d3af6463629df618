"""Serves the built web app (frontend/dist) from the API process, so `make run` alone
shows the product. Production puts a web server or CDN in front (docker-compose `web`).

The app's files (/assets/..., /favicon.ico, /robots.txt) are WhiteNoise's (api/staticfiles.py).
Here: index.html, for the app's own client-side routes only. They are read from the router's
one list, frontend/src/routes.json (React Router path patterns, which App.tsx uses), so a
page the app cannot show, a missing asset or a mistyped API path is a 404, not the app."""

import json
import re
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase

ROUTES_FILE = Path(settings.REPO_ROOT) / "frontend" / "src" / "routes.json"


def route_regex(pattern: str) -> str:
    """A React Router path pattern as a Django `re_path` regex: `:name` is one segment,
    a trailing `?` makes a segment optional, `*` at the end is the rest of the path.
    `/projects/:projectId?` -> `^projects(?:/[^/]+)?/?$`."""
    if not pattern.startswith("/"):
        raise ValueError(f"{ROUTES_FILE.name}: a route is an absolute path, not {pattern!r}")
    regex = ""
    for segment in pattern.strip("/").split("/"):
        optional = segment.endswith("?")
        name = segment.removesuffix("?")
        if name == "*":
            part = ".*"
        elif name.startswith(":"):
            part = "[^/]+"
        elif re.fullmatch(r"[A-Za-z0-9._~-]+", name):
            part = re.escape(name)
        else:
            raise ValueError(f"{ROUTES_FILE.name}: unsupported route segment {segment!r}")
        part = "/" + part if regex else part
        regex += f"(?:{part})?" if optional else part
    return f"^{regex}/?$"


def app_routes() -> dict[str, str]:
    """{name: pattern} from frontend/src/routes.json; none when the file is not there (the
    API image, whose web app nginx serves)."""
    if not ROUTES_FILE.exists():
        return {}
    routes = json.loads(ROUTES_FILE.read_text())
    if not isinstance(routes, dict) or not all(isinstance(v, str) for v in routes.values()):
        raise ValueError(f"{ROUTES_FILE}: expected {{name: path pattern}}")
    return routes


def index(request: HttpRequest, path: str = "") -> HttpResponseBase:
    page = Path(settings.WEB_APP_DIST) / "index.html"
    if not page.exists():
        return HttpResponse(
            "capgraph API: the web app is not built (cd frontend && npm ci && npm run build). "
            "GraphQL is at /graphql.",
            content_type="text/plain; charset=utf-8",
        )
    # A small file, read whole (no file streaming through a sync iterator under ASGI).
    # Always revalidated: it names the current build's hashed assets.
    response = HttpResponse(page.read_bytes(), content_type="text/html; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response
