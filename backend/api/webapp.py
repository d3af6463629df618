"""Serves the built web app (frontend/dist) from the API process, so `make run` alone
shows the product. Production puts a web server or CDN in front (docker-compose `web`)."""

from pathlib import Path

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.views.static import serve

DIST = Path(settings.REPO_ROOT) / "frontend" / "dist"


def index(request: HttpRequest, path: str = "") -> HttpResponseBase:
    page = DIST / "index.html"
    if not page.exists():
        return HttpResponse(
            "capgraph API: the web app is not built (cd frontend && npm ci && npm run build). "
            "GraphQL is at /graphql.",
            content_type="text/plain",
        )
    # A small file, read whole: a FileResponse would stream it through a sync iterator,
    # which Django's ASGI handler warns about.
    return HttpResponse(page.read_bytes(), content_type="text/html")


def asset(request: HttpRequest, path: str) -> HttpResponseBase:
    if not DIST.exists():
        raise Http404("the web app is not built")
    return serve(request, path, document_root=str(DIST / "assets"))
