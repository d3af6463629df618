"""GraphiQL is served from the project: the page loads nothing from another host, each file
it names is served here and matches its Subresource Integrity hash, the vendored files are
the pinned npm packages' (VENDOR.json), and the first tab is the README's example."""

import base64
import hashlib
import json
import re
import warnings
from html.parser import HTMLParser
from pathlib import Path

import pytest
import strawberry
from django.core.handlers.asgi import ASGIHandler

from api.graphiql import EXAMPLE_QUERY, HINT, VENDOR_JSON
from api.management.commands.vendor_graphiql import PACKAGES, STATIC
from tests.client import GraphQLClient
from tests.conftest import REPO

HTML = {"Accept": "text/html"}


class Assets(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.assets: list[tuple[str, str, str | None]] = []  # (tag, url, integrity)
        self.config: str | None = None
        self._in_config = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script" and a.get("src"):
            self.assets.append((tag, a["src"], a.get("integrity")))
        if tag == "link" and a.get("href"):
            self.assets.append((tag, a["href"], a.get("integrity")))
        self._in_config = tag == "script" and a.get("id") == "graphiql-config"

    def handle_data(self, data):
        if self._in_config:
            self.config = data
            self._in_config = False


def sri(data: bytes) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()


def test_graphiql_page_loads_only_files_of_this_server_with_integrity(db, settings):
    settings.DEBUG = True  # as make run: GraphiQL is on, static files come from the apps
    browser = GraphQLClient(app=ASGIHandler())  # its middleware reads DEBUG when built
    page = browser.request("GET", "/graphql", headers=HTML)
    assert (page.status_code, page.headers["cache-control"]) == (200, "no-store")
    parsed = Assets()
    parsed.feed(page.text)
    assert [url for _, url, _ in parsed.assets] == [
        "/favicon.ico",
        "/static/graphiql/graphiql.min.css",
        "/static/graphiql/react.production.min.js",
        "/static/graphiql/react-dom.production.min.js",
        "/static/graphiql/graphiql.min.js",
        "/static/api/graphiql.js",
    ]
    assert not re.search(r"(src|href)=\"(https?:)?//", page.text)
    vendored = json.loads(VENDOR_JSON.read_text())["files"]
    for _tag, url, integrity in parsed.assets[1:5]:
        assert integrity == vendored[url.rsplit("/", 1)[1]]
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            served = browser.request("GET", url)  # graphiql.min.js (3.5 MB) is streamed
        assert (url, served.status_code, sri(served.content)) == (url, 200, integrity)
        assert [str(w.message) for w in caught] == []

    config = json.loads(parsed.config or "{}")
    assert config == {
        "endpoint": "/graphql",
        "csrfToken": config["csrfToken"],
        "exampleQuery": HINT + EXAMPLE_QUERY,
    }
    assert browser.cookies.get("csrftoken")  # the page set the cookie its token goes with


def test_vendored_files_are_the_pinned_packages_files():
    vendor = json.loads(VENDOR_JSON.read_text())
    assert vendor["packages"] == {spec: pin.integrity for spec, pin in PACKAGES.items()}
    names = [name for pin in PACKAGES.values() for name in pin.files.values()]
    assert sorted(vendor["files"]) == sorted(names)
    assert sorted(p.name for p in STATIC.iterdir()) == sorted([*names, "VENDOR.json"])
    for name, integrity in vendor["files"].items():
        assert (name, sri((STATIC / name).read_bytes())) == (name, integrity)


def test_vendored_files_equal_what_strawberry_loads_from_its_cdn():
    """An independent check: strawberry's own GraphiQL page pins the same files from a CDN
    with Subresource Integrity; ours are byte for byte those."""
    cdn_page = (Path(strawberry.__file__).parent / "static" / "graphiql.html").read_text()
    pinned = dict(
        re.findall(r'(?:src|href)="https://unpkg\.com/([^"]+)"\s+integrity="([^"]+)"', cdn_page)
    )
    vendor = json.loads(VENDOR_JSON.read_text())["files"]
    assert pinned["react@18.2.0/umd/react.production.min.js"] == vendor["react.production.min.js"]
    assert (
        pinned["react-dom@18.2.0/umd/react-dom.production.min.js"]
        == vendor["react-dom.production.min.js"]
    )
    assert pinned["graphiql@3.8.3/graphiql.min.js"] == vendor["graphiql.min.js"]
    assert pinned["graphiql@3.8.3/graphiql.min.css"] == vendor["graphiql.min.css"]


def test_the_first_tab_is_the_readmes_example_query():
    docs = [REPO / "README.md", *sorted((REPO / "docs").rglob("*.md"))]
    blocks = [
        block
        for doc in docs
        for block in re.findall(r"```graphql\n(.*?)```", doc.read_text(), re.S)
    ]
    assert EXAMPLE_QUERY in blocks


def test_vendor_graphiql_refuses_a_tarball_that_is_not_the_pinned_one(monkeypatch, tmp_path):
    """What npm hands over must be the pinned package: a substitute is refused before any
    file is written."""
    import io
    import subprocess
    import tarfile

    from django.core.management import CommandError, call_command

    from api.management.commands import vendor_graphiql

    def fake_npm_pack(argv, **kwargs):
        assert argv[:3] == ["npm", "pack", "react@18.2.0"]  # the first package asked for
        destination = Path(argv[argv.index("--pack-destination") + 1])
        data = b"window.React = 'not react'"
        with tarfile.open(destination / "react-18.2.0.tgz", "w:gz") as tar:
            info = tarfile.TarInfo("package/umd/react.production.min.js")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        return subprocess.CompletedProcess(argv, 0, json.dumps([{"filename": "react-18.2.0.tgz"}]))

    before = {p.name: p.stat().st_mtime_ns for p in STATIC.iterdir()}
    monkeypatch.setattr(vendor_graphiql.subprocess, "run", fake_npm_pack)
    with pytest.raises(
        CommandError, match=r"^react@18\.2\.0: integrity sha512-\S+, expected sha512-/3IjMdb2"
    ):
        call_command("vendor_graphiql")
    assert {p.name: p.stat().st_mtime_ns for p in STATIC.iterdir()} == before
