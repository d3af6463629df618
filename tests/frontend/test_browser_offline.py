"""With no network beyond loopback, `make run`'s server is whole: the admin is styled and
GraphiQL (served by the server itself) runs the README's example query. Chromium (Debian's,
never a downloaded one) resolves no host but 127.0.0.1, and every request to anywhere else is
refused and recorded: the test fails if the pages even tried."""

import json
from pathlib import Path
from urllib.parse import urlparse

import httpx
import pytest

from api.graphiql import EXAMPLE_QUERY
from tests.conftest import REPO
from tests.devserver import CHROMIUM, SHOTS, make_run_server

LOOPBACK = {"127.0.0.1", "localhost"}


def test_admin_styles_and_graphiql_work_with_no_network(tmp_path):
    from playwright.sync_api import expect, sync_playwright

    if not (REPO / "frontend" / "dist" / "index.html").exists():
        pytest.fail("the web app is not built: run `make frontend` (make test does)")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"no Chromium at {CHROMIUM}: apt-get install -y chromium (.ci/run does)")
    SHOTS.mkdir(parents=True, exist_ok=True)
    with make_run_server(tmp_path) as server, sync_playwright() as p:
        expected = httpx.post(
            f"{server.base}/graphql",
            json={"query": EXAMPLE_QUERY},
            headers={"Authorization": f"Bearer {server.token}"},
        ).json()
        assert expected["data"]["people"]["pageInfo"]["hasNextPage"] is True

        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"],
        )
        outside: list[str] = []
        failed: list[str] = []
        errors: list[str] = []

        def only_loopback(route):
            url = route.request.url
            if urlparse(url).hostname in LOOPBACK or url.startswith("data:"):
                route.continue_()
            else:
                outside.append(url)
                route.abort("internetdisconnected")

        def new_page():
            context = browser.new_context(viewport={"width": 1400, "height": 900})
            context.route("**/*", only_loopback)
            page = context.new_page()
            page.on("requestfailed", lambda r: failed.append(f"{r.url} {r.failure}"))
            page.on("response", lambda r: r.status >= 400 and failed.append(f"{r.url} {r.status}"))
            page.on("pageerror", lambda e: errors.append(str(e)))
            return page

        def editor(page, selector: str):
            return f"document.querySelector('{selector} .CodeMirror').CodeMirror"

        def run_in_graphiql(page) -> dict:
            page.locator(".graphiql-execute-button").click()
            # CodeMirror draws only the lines in view: its value has the whole answer
            page.wait_for_function(
                f"{editor(page, '.result-window')}.getValue().includes('hasNextPage')",
                timeout=20_000,
            )
            shown = json.loads(page.evaluate(f"{editor(page, '.result-window')}.getValue()"))
            shown.pop("extensions", None)  # the cost
            return shown

        expected.pop("extensions", None)

        # GraphiQL as a newcomer meets it: the README's query in the first tab, the headers
        # editor open; the token from `make run` goes in Headers, then Run.
        page = new_page()
        page.goto(f"{server.base}/graphql")
        expect(page.locator(".graphiql-execute-button")).to_be_visible(timeout=20_000)
        query = page.evaluate(f"{editor(page, '.graphiql-query-editor')}.getValue()")
        assert query.endswith(EXAMPLE_QUERY)
        headers = page.get_by_role("region", name="Headers")
        expect(headers).to_be_visible()
        headers.locator(".graphiql-editor:not(.hidden) .CodeMirror").click()
        page.keyboard.insert_text(json.dumps({"Authorization": f"Bearer {server.token}"}))
        assert run_in_graphiql(page) == expected
        page.screenshot(path=str(SHOTS / "offline-graphiql.png"))

        # The admin, styled: its stylesheets are the server's CSS, and they apply.
        page = new_page()
        page.goto(f"{server.base}/admin/login/")
        css = page.evaluate(
            "[...document.styleSheets].filter(s => s.href).map(s => [new URL(s.href).pathname,"
            " s.cssRules.length])"
        )
        assert {path for path, rules in css if rules > 0} >= {
            "/static/admin/css/base.css",
            "/static/admin/css/login.css",
        }
        expect(page.locator("#header")).to_have_css("background-color", "rgb(65, 118, 144)")
        page.screenshot(path=str(SHOTS / "offline-admin-login.png"))
        page.fill("#id_username", "demo")
        page.fill("#id_password", "demo")
        page.click("input[type=submit]")
        expect(page.locator("#content h1")).to_have_text("Site administration")
        page.screenshot(path=str(SHOTS / "offline-admin.png"))

        # Signed in to the admin, GraphiQL needs no token: the session (and its CSRF token).
        page.goto(f"{server.base}/graphql")
        expect(page.locator(".graphiql-execute-button")).to_be_visible(timeout=20_000)
        assert run_in_graphiql(page) == expected
        browser.close()

    assert outside == []
    assert failed == []
    assert errors == []
    # No log noise: no warning in the server's output (Django's StreamingHttpResponse one
    # came once per static file served).
    log = [line for line in server.log().splitlines() if not line.startswith("INFO:")]
    assert [line for line in log if "arning" in line or "WARNING" in line] == []
