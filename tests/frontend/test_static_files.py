"""Static files and the web app's pages over real HTTP to the ASGI app: the admin's CSS, the
built app's files, index.html for the app's own routes only, a 404 for everything else, and
no StreamingHttpResponse warning under ASGI."""

import json
import re
import warnings
from collections.abc import Iterator
from pathlib import Path

import django
import pytest
from django.core.handlers.asgi import ASGIHandler
from django.core.management import call_command
from django.test import override_settings

from api.webapp import ROUTES_FILE, app_routes, route_regex
from tests.client import GraphQLClient
from tests.conftest import REPO

ADMIN_STATIC = Path(django.__file__).parent / "contrib" / "admin" / "static"
BASE_CSS = (ADMIN_STATIC / "admin" / "css" / "base.css").read_bytes()
INDEX = b"<!doctype html><title>capgraph</title><div id=root></div>"
ASSET = "/assets/index-AbC12_-x.js"


@pytest.fixture
def dist(tmp_path) -> Path:
    """A built web app as Vite lays it out (frontend/dist, with frontend/public copied in)."""
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_bytes(INDEX)
    (tmp_path / "assets" / ASSET.rsplit("/", 1)[1]).write_text("console.log('capgraph')")
    for name in ("favicon.ico", "robots.txt"):
        (tmp_path / name).write_bytes((REPO / "frontend" / "public" / name).read_bytes())
    return tmp_path


def browser(**overrides) -> GraphQLClient:
    """A client of an ASGI application built under `overrides` (the middleware reads its
    settings once, when the application is built)."""
    with override_settings(**overrides):
        app = ASGIHandler()
    return GraphQLClient(app=app)


@pytest.fixture
def make_run(dist) -> Iterator[GraphQLClient]:
    """The application as `make run` serves it: DEBUG on, nothing collected."""
    with (
        override_settings(DEBUG=True, WEB_APP_DIST=dist),
        warnings.catch_warnings(record=True) as caught,
    ):
        warnings.simplefilter("always")
        yield browser(WHITENOISE_ROOT=str(dist))
    # Django warns once per file served from a synchronous iterator under ASGI
    assert [str(w.message) for w in caught] == []


def test_the_admin_css_is_served_as_css_in_debug_without_collectstatic(db, make_run):
    r = make_run.request("GET", "/static/admin/css/base.css")
    assert (r.status_code, r.headers["content-type"], r.content) == (
        200,
        'text/css; charset="utf-8"',
        BASE_CSS,
    )
    assert r.headers["cache-control"] == "max-age=0, public"

    again = make_run.request(
        "GET", "/static/admin/css/base.css", headers={"If-None-Match": r.headers["etag"]}
    )
    assert (again.status_code, again.content) == (304, b"")
    head = make_run.request("HEAD", "/static/admin/css/base.css")
    assert (head.status_code, head.headers["content-length"], head.content) == (
        200,
        str(len(BASE_CSS)),
        b"",
    )
    page = make_run.request("GET", "/admin/login/")
    assert page.status_code == 200
    assert '<link rel="stylesheet" href="/static/admin/css/base.css">' in page.text


def test_the_built_apps_files_favicon_and_robots_are_served(db, make_run, dist):
    asset = make_run.request("GET", ASSET)
    assert (asset.status_code, asset.headers["content-type"], asset.text) == (
        200,
        'text/javascript; charset="utf-8"',
        "console.log('capgraph')",
    )
    # hashed build output never changes under its name
    assert asset.headers["cache-control"] == "max-age=315360000, public, immutable"

    icon = make_run.request("GET", "/favicon.ico")
    assert (icon.status_code, icon.headers["content-type"], icon.content[:4]) == (
        200,
        "image/x-icon",
        b"\x00\x00\x01\x00",  # an ICO header
    )
    robots = make_run.request("GET", "/robots.txt")
    assert (robots.status_code, robots.headers["content-type"]) == (
        200,
        'text/plain; charset="utf-8"',
    )
    assert "User-agent: *\nDisallow: /\n" in robots.text


APP_PAGES = ["/", "/heatmap", "/grid", "/find", "/projects", "/projects/14", "/roles", "/roles/"]
NOT_APP_PAGES = [
    "/nope",
    "/heatmapx",
    "/projects/14/people",
    "/static/admin/css/nope.css",
    "/static/",
    "/assets/index-missing0.js",
    "/graphqlx",
    "/admin.php",
    "/.env",
    "/wp-login.php",
]


def test_only_the_apps_own_routes_get_index_html(db, make_run):
    for path in APP_PAGES:
        r = make_run.request("GET", path)
        assert (path, r.status_code, r.headers["content-type"], r.content) == (
            path,
            200,
            "text/html; charset=utf-8",
            INDEX,
        )
        assert r.headers["cache-control"] == "no-cache"
    for path in NOT_APP_PAGES:
        assert (path, make_run.request("GET", path).status_code) == (path, 404)


def test_without_a_built_app_favicon_and_robots_are_404_and_routes_say_so(db, tmp_path):
    with override_settings(DEBUG=True, WEB_APP_DIST=tmp_path / "dist"):
        client = browser(WHITENOISE_ROOT=str(tmp_path / "dist"))
        for path in ("/favicon.ico", "/robots.txt", ASSET):
            assert (path, client.request("GET", path).status_code) == (path, 404)
        page = client.request("GET", "/grid")
    assert (page.status_code, page.headers["content-type"]) == (200, "text/plain; charset=utf-8")
    assert page.text.startswith("capgraph API: the web app is not built")


def test_collectstatic_output_is_served_hashed_and_compressed_with_debug_off(db, tmp_path):
    # What the Docker image does: collectstatic, then serve with DEBUG off.
    with override_settings(STATIC_ROOT=tmp_path / "static", DEBUG=False):
        call_command("collectstatic", "--no-input", verbosity=0)
        manifest = json.loads((tmp_path / "static" / "staticfiles.json").read_text())
        hashed = manifest["paths"]["admin/css/base.css"]
        assert re.fullmatch(r"admin/css/base\.[0-9a-f]{12}\.css", hashed)
        client = browser()
        r = client.request("GET", f"/static/{hashed}", headers={"Accept-Encoding": "identity"})
        gz = client.request("GET", f"/static/{hashed}", headers={"Accept-Encoding": "gzip"})
        page = client.request("GET", "/admin/login/")
        unknown = client.request("GET", "/static/admin/css/nope.css")
    assert (r.status_code, r.headers["content-type"], r.content) == (
        200,
        'text/css; charset="utf-8"',
        (tmp_path / "static" / hashed).read_bytes(),
    )
    assert r.headers["cache-control"] == "max-age=315360000, public, immutable"
    assert (gz.status_code, gz.headers["content-encoding"], gz.content) == (
        200,
        "gzip",
        r.content,  # httpx decoded it
    )
    assert f'<link rel="stylesheet" href="/static/{hashed}">' in page.text
    assert unknown.status_code == 404


def test_route_patterns_become_django_regexes():
    assert route_regex("/heatmap") == "^heatmap/?$"
    assert route_regex("/projects/:projectId?") == "^projects(?:/[^/]+)?/?$"
    assert route_regex("/people/:id/edit") == "^people/[^/]+/edit/?$"
    assert route_regex("/files/*") == "^files/.*/?$"
    with pytest.raises(ValueError, match="an absolute path"):
        route_regex("heatmap")
    with pytest.raises(ValueError, match=r"unsupported route segment '\(a\|b\)'"):
        route_regex("/(a|b)")


def test_the_app_router_takes_every_path_from_routes_json():
    """routes.json is the one list: App.tsx names no route path of its own (its catch-all
    `*` sends anything else to the heatmap), and uses every entry."""
    app = (REPO / "frontend" / "src" / "App.tsx").read_text()
    paths = re.findall(r"<Route\s+path=(\{[^}]+\}|\"[^\"]*\")", app)
    assert sorted(paths) == sorted(
        ['"*"', *(f"{{ROUTES.{name}}}" for name in json.loads(ROUTES_FILE.read_text()))]
    )
    assert app_routes() == json.loads(ROUTES_FILE.read_text())


def test_nginx_gives_index_html_to_the_same_routes():
    """docker compose's `web` (deploy/nginx.conf) serves the app in production: the same
    routes get index.html there, every other unknown path is a 404."""
    conf = (REPO / "deploy" / "nginx.conf").read_text()
    (regex,) = re.findall(r"location ~ (\S+) \{[^}]*try_files /index\.html =404;", conf)
    assert re.search(r"location = / \{[^}]*try_files /index\.html =404;", conf)
    assert re.search(r"location / \{\s*try_files \$uri =404;\s*\}", conf)
    samples = []
    for pattern in app_routes().values():
        samples.append(re.sub(r"/:\w+\?", "", pattern))  # without the optional segment
        samples.append(re.sub(r":\w+\??", "14", pattern))
    assert sorted(samples) == sorted(
        ["/heatmap", "/heatmap", "/grid", "/grid", "/find", "/find", "/projects",
         "/projects/14", "/roles", "/roles"]
    )  # fmt: skip
    for path in [*samples, *APP_PAGES[1:]]:
        assert re.fullmatch(regex, path), path
    for path in NOT_APP_PAGES:
        assert not re.fullmatch(regex, path), path
