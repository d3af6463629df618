"""The README's frontend workflow: `make run` in one terminal, `cd frontend && npm run dev` in
another, and signing in on the Vite dev server works (its proxy passes the API's Host while
the browser's Origin is the dev server's, which DEBUG trusts for CSRF by default)."""

import os
import socket
import subprocess
from pathlib import Path

import pytest

from deploy.stack import free_port
from tests.devserver import CHROMIUM, SHOTS, make_run_server, wait_until_answering
from tests.live import REPO

WEB = REPO / "frontend"
VITE = WEB / "node_modules" / ".bin" / "vite"


def port_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def test_sign_in_through_the_vite_dev_server(tmp_path):
    from playwright.sync_api import expect, sync_playwright

    if not VITE.exists():
        pytest.fail("no frontend/node_modules: run `make frontend` (make test does)")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"no Chromium at {CHROMIUM}: apt-get install -y chromium (.ci/run does)")
    # Vite's own port, whose origin DEBUG trusts; when another developer's dev server holds
    # it, another port, trusted through CSRF_TRUSTED_ORIGINS as a user would.
    port = 5173 if port_free(5173) else free_port()
    dev = f"http://127.0.0.1:{port}"
    extra = {} if port == 5173 else {"CSRF_TRUSTED_ORIGINS": dev}
    SHOTS.mkdir(parents=True, exist_ok=True)
    with make_run_server(tmp_path, **extra) as server:
        log = tmp_path / "vite.log"
        with log.open("w") as out:
            vite = subprocess.Popen(
                [str(VITE), "--host", "127.0.0.1", "--port", str(port), "--strictPort"],
                cwd=WEB,
                env={**os.environ, "CAPGRAPH_API": server.base},
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        try:
            wait_until_answering(f"{dev}/", vite, log, "vite")

            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM)
                page = browser.new_page(viewport={"width": 1400, "height": 900})
                page.goto(f"{dev}/")
                page.get_by_label("Username").fill("demo")
                page.get_by_label("Password").fill("demo")
                with page.expect_response(lambda r: r.url.endswith("/auth/login")) as login:
                    page.get_by_role("button", name="Sign in").click()
                assert login.value.status == 200
                page.locator("table.heatmap").wait_for(timeout=30_000)
                expect(page.get_by_text("sign-in failed")).to_have_count(0)
                expect(page.locator(".who")).to_contain_text("demo")
                page.screenshot(path=str(SHOTS / "dev-server-signed-in.png"))
                browser.close()
        finally:
            vite.terminate()
            vite.wait(timeout=30)
    assert "Forbidden (Origin checking failed" not in server.log()
