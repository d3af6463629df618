"""The web app in a real browser: Playwright driving Debian's Chromium (/usr/bin/chromium,
installed with apt by .ci/run; no browser is ever downloaded) against a live server running
the built app (frontend/dist) in production mode: DEBUG off, PERSISTED_QUERIES=trusted, so
only the documents of the committed manifest can run.

The server has a database of its own (`<name>_browser`, small.json loaded through
`load_dataset`), so the edits made here never reach the other tests' data. Expected values
are computed from the dataset file, not from the code under test. Screenshots of every
screen go to frontend/test-results/ (CI artifacts, not committed).
"""

import csv
import io
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import psycopg
import pytest
from django.db import connection

from tests.conftest import SMALL
from tests.live import REPO, LiveServer, manage, serve

pytestmark = pytest.mark.postgres

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SHOTS = REPO / "frontend" / "test-results"
MANIFEST = json.loads((REPO / "frontend/src/gql/persisted-documents.json").read_text())
HASHES = {key.removeprefix("sha256:") for key in MANIFEST}
PASSWORD = "plan-the-week-1"

DATA = json.loads(SMALL.read_text())
JOAN = 2  # Mobile (department 4); assignment 5 on project 8 is inactive
PROJECT = 14


def hours(person: int, week: str) -> float:
    """hours(P, W) as DESIGN.md defines it, from the dataset file."""
    return sum(
        a["weeklyHours"].get(week, 0)
        for a in DATA["assignments"]
        if a["personId"] == person and a["isActive"]
    )


def assignment_hours(assignment: int, week: str) -> float:
    (a,) = [a for a in DATA["assignments"] if a["id"] == assignment]
    return a["weeklyHours"].get(week, 0)


def fmt(value: float) -> str:
    return str(int(value)) if value == int(value) else str(value)


@pytest.fixture(scope="module")
def browser_server(tmp_path_factory) -> Iterator[LiveServer]:
    if connection.vendor != "postgresql":
        pytest.fail("the browser test runs its server on PostgreSQL: set DATABASE_URL")
    if not (REPO / "frontend" / "dist" / "index.html").exists():
        pytest.fail("the web app is not built: run `make frontend` (make test does)")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"no Chromium at {CHROMIUM}: apt-get install -y chromium (.ci/run does)")

    base = urlparse(os.environ["DATABASE_URL"])
    name = f"{base.path.lstrip('/')}_browser"
    admin = base._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        c.execute(f'CREATE DATABASE "{name}"')
    redis = urlparse(os.environ.get("REDIS_URL", ""))
    env = {
        "DATABASE_URL": base._replace(path=f"/{name}").geturl(),
        # a Redis database of its own: no answer cached for the test database is seen here
        "REDIS_URL": redis._replace(path="/13").geturl() if redis.scheme else "",
        "DEBUG": "false",
        "SECRET_KEY": "browser-test-secret",
        "ALLOWED_HOSTS": "127.0.0.1",
        "PERSISTED_QUERIES": "trusted",
        "SENTRY_DSN": "",
        "CELERY_BROKER_URL": "",  # exports run in the server's own thread pool
        "EXPORT_DIR": str(tmp_path_factory.mktemp("exports")),
    }
    env.pop("PERSISTED_DOCUMENTS", None)  # the default: the web app's manifest
    os.environ.pop("PERSISTED_DOCUMENTS", None)
    manage(env, "migrate", "--no-input", "-v", "0")
    manage(env, "load_dataset", str(SMALL), "--replace")
    manage(
        env,
        "shell",
        "-c",
        "from django.contrib.auth.models import User\n"
        f"User.objects.create_user('planner', password='{PASSWORD}')\n"
        f"User.objects.create_user('colleague', password='{PASSWORD}')",
    )
    if redis.scheme:
        import redis as redis_client

        redis_client.Redis.from_url(env["REDIS_URL"]).flushdb()
    with serve(env, tmp_path_factory.mktemp("browser-server")) as server:
        yield server


class Recorder:
    """Every /graphql request the page makes, with the answer's JSON."""

    def __init__(self, context):
        self.requests: list[dict] = []
        context.on("requestfinished", self._finished)

    def _finished(self, request):
        if urlparse(request.url).path != "/graphql":
            return
        if request.method == "GET":
            params = {k: v[0] for k, v in parse_qs(urlparse(request.url).query).items()}
            payload = {
                k: json.loads(v) if k in ("variables", "extensions") else v
                for k, v in params.items()
            }
        else:
            payload = json.loads(request.post_data or "{}")
        try:
            response = request.response()
        except Exception:  # the browser closed while the last answer was in flight
            return
        self.requests.append(
            {
                "method": request.method,
                "payload": payload,
                "status": response.status if response else None,
                "body": response.json() if response else None,
            }
        )

    def since(self, mark: int, page=None, expect: int | None = None) -> list[dict]:
        """The requests after `mark`; with `expect`, waits (up to 10 s) for that many to
        have finished: the page can show an answer before the browser reports it done."""
        for _ in range(100):
            if expect is None or len(self.requests) - mark >= expect:
                break
            page.wait_for_timeout(100)
        return self.requests[mark:]


def screen(page, recorder: Recorder, url: str | None, ready: str, shot: str) -> list[dict]:
    """Opens a screen (or waits on the current one), waits for `ready` and for the network
    to settle, saves a screenshot; returns the GraphQL requests the screen made."""
    mark = len(recorder.requests)
    if url is not None:
        page.goto(url)
    page.locator(ready).first.wait_for()
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(SHOTS / f"{shot}.png"), full_page=True)
    return recorder.since(mark, page, expect=1)


def operation_names(requests: list[dict]) -> list[str]:
    names = {}
    for key, text in MANIFEST.items():
        names[key.removeprefix("sha256:")] = text.split("(")[0].split()[1]
    return [names[r["payload"]["extensions"]["persistedQuery"]["sha256Hash"]] for r in requests]


def sign_in(page, server: LiveServer, user: str) -> None:
    page.goto(f"{server.base}/")
    page.get_by_label("Username").fill(user)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    # the app opens on the heatmap: let its request finish before the test moves on
    page.locator("table.heatmap").wait_for()
    page.wait_for_load_state("networkidle")


def test_planner_edits_the_grid_sees_the_heatmap_change_and_a_conflict_is_reported(
    browser_server,
):
    from playwright.sync_api import expect, sync_playwright

    server = browser_server
    if SHOTS.exists():
        shutil.rmtree(SHOTS)
    SHOTS.mkdir(parents=True)
    week, next_week, later = "2026-12-28", "2027-01-04", "2027-01-11"
    grid_url = f"{server.base}/grid?from=2026-12-21&weeks=4&department=4"

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM)
        one = browser.new_context(viewport={"width": 1400, "height": 900})
        two = browser.new_context(viewport={"width": 1400, "height": 900})
        rec_one, rec_two = Recorder(one), Recorder(two)
        page, other = one.new_page(), two.new_page()

        # Sign in (Django session, CSRF): the login page, then the heatmap.
        page.goto(f"{server.base}/")
        page.get_by_label("Username").wait_for()
        page.screenshot(path=str(SHOTS / "login.png"))
        sign_in(page, server, "planner")

        # The heatmap: a known cell, computed from the dataset (inactive assignment left out).
        heatmap_url = f"{server.base}/heatmap?from=2026-12-21&weeks=4&department=4"
        made = screen(page, rec_one, heatmap_url, f"[data-testid=heat-{JOAN}-{week}]", "heatmap")
        assert operation_names(made) == ["Heatmap_Screen"]
        assert hours(JOAN, week) == 32.5
        cell = page.get_by_test_id(f"heat-{JOAN}-{week}")
        expect(cell).to_have_text(fmt(hours(JOAN, week)))
        expect(cell).to_have_class("cell near")  # 32.5 of 40 hours: 81.25%

        # A second session opens the grid now, before the planner's edit.
        sign_in(other, server, "colleague")
        made = screen(other, rec_two, grid_url, "[data-testid=cell-6-2027-01-11]", "grid-second")
        assert operation_names(made) == ["Grid_Screen"]

        # The planner edits two cells of assignment 6 (Joan on project 14) and saves once.
        made = screen(page, rec_one, grid_url, "[data-testid=cell-6-2026-12-28]", "grid")
        assert operation_names(made) == ["Grid_Screen"]
        expect(page.get_by_test_id(f"cell-6-{week}")).to_have_value(fmt(assignment_hours(6, week)))
        page.get_by_test_id(f"cell-6-{week}").fill("30")
        page.get_by_test_id(f"cell-6-{next_week}").fill("16")
        page.get_by_test_id(f"cell-6-{next_week}").press("Enter")
        expect(page.get_by_test_id("pending")).to_have_text("2 unsaved changes")
        mark = len(rec_one.requests)
        page.get_by_role("button", name="Save").click()
        expect(page.get_by_role("status").filter(has_text="Saved")).to_have_text(
            "Saved 1 assignment."
        )
        (save,) = rec_one.since(mark, page, expect=1)
        assert operation_names([save]) == ["Grid_SaveHours"]
        assert save["method"] == "POST"
        assert save["payload"]["variables"] == {
            "items": [
                {
                    "assignmentId": "6",
                    "expectedVersion": 1,
                    "weeklyHours": {week: 30, next_week: 16},
                    "mode": "MERGE",
                }
            ]
        }
        saved = save["body"]["data"]["bulkUpdateAssignmentHours"]["assignments"]
        assert [(a["id"], a["version"]) for a in saved] == [("6", 2)]
        new_total = hours(JOAN, week) - assignment_hours(6, week) + 30
        expect(page.get_by_test_id(f"total-{JOAN}-{week}")).to_have_text(fmt(new_total))

        # Export the grid's department, 52 weeks from its first, as CSV: built in the
        # background, polled, then downloaded with the session.
        mark = len(rec_one.requests)
        page.get_by_role("button", name="Export 52 weeks").click()
        link = page.get_by_role("link", name="Download CSV")
        link.wait_for()
        with page.expect_download() as download:
            link.click()
        exported = list(csv.reader(io.StringIO(Path(download.value.path()).read_text())))
        assert exported[0][6] == "2026-12-21" and len(exported[0]) == 6 + 52 + 1
        (joan_total,) = [r for r in exported if r[0] == str(JOAN) and r[3] == ""]
        assert joan_total[6 + 1] == fmt(new_total)  # the week of 2026-12-28, as saved
        export_ops = operation_names(rec_one.since(mark, page, expect=2))
        assert export_ops[0] == "Grid_RequestExport"
        assert set(export_ops[1:]) == {"Grid_ExportJob"}  # polled until ready

        # The heatmap shows the saved hours at once (no answer kept from before the write).
        made = screen(
            page, rec_one, heatmap_url, f"[data-testid=heat-{JOAN}-{week}]", "heatmap-after"
        )
        assert operation_names(made) == ["Heatmap_Screen"]
        expect(page.get_by_test_id(f"heat-{JOAN}-{week}")).to_have_text(fmt(new_total))
        assert new_total == 38.5

        # The second session, still on version 1, edits assignment 6 and another one: the
        # save is refused as a whole and names the assignment changed elsewhere.
        other.get_by_test_id(f"cell-6-{later}").fill("12")
        other.get_by_test_id(f"cell-7-{later}").fill("14")
        other.get_by_test_id(f"cell-7-{later}").press("Enter")
        mark = len(rec_two.requests)
        other.get_by_role("button", name="Save").click()
        conflict = other.get_by_test_id("conflict")
        expect(conflict).to_contain_text(
            "One assignment was changed elsewhere since you loaded them: Joan Clarke on "
        )
        other.screenshot(path=str(SHOTS / "grid-conflict.png"), full_page=True)
        (refused,) = rec_two.since(mark, other, expect=1)
        assert refused["body"]["errors"][0]["extensions"]["code"] == "CONFLICT"
        assert refused["body"]["errors"][0]["extensions"]["conflicts"] == [
            {"assignmentId": "6", "currentVersion": 2}
        ]
        expect(other.get_by_test_id("assignment-6")).to_have_class("assignment conflicted")
        expect(other.get_by_test_id("assignment-7")).to_have_class("assignment")
        expect(other.get_by_test_id("pending")).to_have_text("2 unsaved changes")

        # Reload: the latest hours come in, both edits are kept, and saving now succeeds.
        mark = len(rec_two.requests)
        conflict.get_by_role("button", name="Reload").click()
        expect(conflict).to_have_count(0)
        expect(other.get_by_test_id(f"cell-6-{week}")).to_have_value("30")
        expect(other.get_by_test_id(f"cell-6-{later}")).to_have_value("12")
        expect(other.get_by_test_id(f"cell-7-{later}")).to_have_value("14")
        expect(other.get_by_test_id("pending")).to_have_text("2 unsaved changes")
        other.get_by_role("button", name="Save").click()
        expect(other.get_by_role("status").filter(has_text="Saved")).to_have_text(
            "Saved 2 assignments."
        )
        assert operation_names(rec_two.since(mark, other, expect=2)) == [
            "Grid_Screen",
            "Grid_SaveHours",
        ]

        # Find available: skills, week and department in one request; rows as answered.
        made = screen(
            page,
            rec_one,
            f"{server.base}/find?week={week}&skill=Python&skill=React&department=1",
            "[data-testid^=candidate-]",
            "find-available",
        )
        assert operation_names(made) == ["FindAvailable_Screen"]
        ranked = made[0]["body"]["data"]["findAvailable"]
        rows = page.locator("[data-testid^=candidate-]")
        expect(rows).to_have_count(len(ranked))
        expect(rows.first).to_contain_text(ranked[0]["person"]["name"])
        # Another department: one new request, the chosen skills and week kept.
        mark = len(rec_one.requests)
        page.get_by_label("Department", exact=True).select_option("3")
        (narrowed,) = rec_one.since(mark, page, expect=1)
        assert narrowed["payload"]["variables"] == {
            "week": week,
            "skills": ["Python", "React"],
            "department": "3",
            "includeChildren": True,
        }
        expect(page).to_have_url(
            f"{server.base}/find?week={week}&skill=Python&skill=React&weeks=12&department=3"
        )

        # Project availability for a week: the people with an active assignment on it.
        made = screen(
            page,
            rec_one,
            f"{server.base}/projects/{PROJECT}?week={week}",
            "[data-testid^=availability-]",
            "project",
        )
        assert operation_names(made) == ["Project_Screen"]
        on_project = {
            a["personId"]
            for a in DATA["assignments"]
            if a["projectId"] == PROJECT and a["isActive"]
        }
        expect(page.locator("[data-testid^=availability-]")).to_have_count(len(on_project))
        expect(page.get_by_test_id(f"availability-{JOAN}").locator("td").nth(1)).to_have_text("30h")

        # Role capacity: one chart per role in the answer.
        made = screen(
            page,
            rec_one,
            f"{server.base}/roles?from=2026-12-21&weeks=4",
            "[data-testid^=role-] svg",
            "role-capacity",
        )
        assert operation_names(made) == ["RoleCapacity_Screen"]
        series = made[0]["body"]["data"]["roleCapacity"]["series"]
        expect(page.locator("figure[data-testid^=role-]")).to_have_count(len(series))

        # The session ends with an edit unsaved: saving sends the planner back to sign in,
        # saying why, and the edit is still there afterwards.
        screen(page, rec_one, grid_url, f"[data-testid=cell-7-{week}]", "grid-before-expiry")
        page.get_by_test_id(f"cell-7-{week}").fill("9")
        page.get_by_test_id(f"cell-7-{week}").press("Enter")
        one.clear_cookies()
        mark = len(rec_one.requests)
        page.get_by_role("button", name="Save").click()
        expect(page.get_by_role("status")).to_have_text("Your session has ended. Sign in again.")
        page.screenshot(path=str(SHOTS / "session-ended.png"))
        (refused,) = rec_one.since(mark, page, expect=1)
        assert refused["body"]["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        sign_in(page, server, "planner")
        screen(page, rec_one, grid_url, f"[data-testid=cell-7-{week}]", "grid-after-sign-in")
        expect(page.get_by_test_id(f"cell-7-{week}")).to_have_value("9")
        expect(page.get_by_test_id("pending")).to_have_text("1 unsaved change")

        browser.close()

    # Every request carried a hash from the manifest and never a document's text.
    # Besides the export's polls: 14 in the planner's session (the heatmap after each of two
    # sign-ins, then the 12 steps above) and 5 in the second (the heatmap after sign-in,
    # grid, refused save, reload, save).
    everything = rec_one.requests + rec_two.requests
    screens = [
        len([n for n in operation_names(r.requests) if n != "Grid_ExportJob"])
        for r in (rec_one, rec_two)
    ]
    assert screens == [14, 5]
    for r in everything:
        assert "query" not in r["payload"], r
        assert r["payload"]["extensions"]["persistedQuery"]["sha256Hash"] in HASHES
        assert r["payload"]["extensions"]["persistedQuery"]["version"] == 1
    mutations = {"Grid_SaveHours", "Grid_RequestExport"}
    assert {(operation_names([r])[0] in mutations, r["method"]) for r in everything} == {
        (True, "POST"),
        (False, "GET"),
    }
    assert sorted(p.name for p in SHOTS.glob("*.png")) == [
        "find-available.png",
        "grid-after-sign-in.png",
        "grid-before-expiry.png",
        "grid-conflict.png",
        "grid-second.png",
        "grid.png",
        "heatmap-after.png",
        "heatmap.png",
        "login.png",
        "project.png",
        "role-capacity.png",
        "session-ended.png",
    ]
