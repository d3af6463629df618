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
from contextlib import contextmanager
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import psycopg
import pytest
from django.db import connection

from tests.conftest import SMALL
from tests.frontend import calendar_reference as cal
from tests.live import REPO, LiveServer, manage, serve
from tests.reference import DATA, PEOPLE

pytestmark = pytest.mark.postgres

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SHOTS = REPO / "frontend" / "test-results"
MANIFEST = json.loads((REPO / "frontend/src/gql/persisted-documents.json").read_text())
HASHES = {key.removeprefix("sha256:") for key in MANIFEST}
PASSWORD = "plan-the-week-1"

JOAN = 2  # Mobile (department 4); assignment 5 on project 8 is inactive
PROJECT = 14
# A partner's write token on the browser test's server (another client than the browsers).
PARTNER: dict[str, str] = {}


def hours(person: int, week: str) -> float:
    """hours(P, W) as docs/design.md defines it, from the dataset file."""
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
def shots() -> Path:
    """frontend/test-results/, emptied once per run (CI keeps it as an artifact)."""
    if SHOTS.exists():
        shutil.rmtree(SHOTS)
    SHOTS.mkdir(parents=True)
    return SHOTS


@contextmanager
def web_app_server(
    tmp_path_factory, suffix: str, dataset: Path, users: tuple[str, ...]
) -> Iterator[LiveServer]:
    """The built web app and the API on a database of their own (`<name>_<suffix>`, the
    dataset loaded, `users` with PASSWORD) and the browser tests' Redis database (13,
    flushed); PARTNER["token"] is a write token for the other client of the tests."""
    if connection.vendor != "postgresql":
        pytest.fail("the browser test runs its server on PostgreSQL: set DATABASE_URL")
    if not (REPO / "frontend" / "dist" / "index.html").exists():
        pytest.fail("the web app is not built: run `make frontend` (make test does)")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"no Chromium at {CHROMIUM}: apt-get install -y chromium (.ci/run does)")

    base = urlparse(os.environ["DATABASE_URL"])
    name = f"{base.path.lstrip('/')}_{suffix}"
    admin = base._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        c.execute(f'CREATE DATABASE "{name}"')
    redis = urlparse(os.environ.get("REDIS_URL", ""))
    env = {
        "DATABASE_URL": base._replace(path=f"/{name}").geturl(),
        # a Redis database of its own (one browser server at a time uses it): no answer
        # cached for the test database is seen here
        "REDIS_URL": redis._replace(path="/13").geturl() if redis.scheme else "",
        "DEBUG": "false",
        "SECRET_KEY": "browser-test-secret",
        "ALLOWED_HOSTS": "127.0.0.1",
        "PERSISTED_QUERIES": "trusted",
        "SENTRY_DSN": "",
        "CELERY_BROKER_URL": "",  # exports run in the server's own thread pool
        "EXPORT_DIR": str(tmp_path_factory.mktemp("exports")),
    }
    os.environ.pop("PERSISTED_DOCUMENTS", None)  # the default: the web app's manifest
    manage(env, "migrate", "--no-input", "-v", "0")
    manage(env, "load_dataset", str(dataset), "--replace")
    manage(
        env,
        "shell",
        "-c",
        "from django.contrib.auth.models import User\n"
        + "".join(f"User.objects.create_user('{u}', password='{PASSWORD}')\n" for u in users),
    )
    PARTNER["token"] = manage(
        env, "create_api_token", "partner", "--scope", "write", "--name", "partner-sync"
    ).strip()
    if redis.scheme:
        import redis as redis_client

        redis_client.Redis.from_url(env["REDIS_URL"]).flushdb()
    with serve(env, tmp_path_factory.mktemp(f"{suffix}-server")) as server:
        yield server


@pytest.fixture(scope="module")
def browser_server(tmp_path_factory, shots) -> Iterator[LiveServer]:
    with web_app_server(tmp_path_factory, "browser", SMALL, ("planner", "colleague")) as server:
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

    def until(self, mark: int, page, operation: str) -> list[dict]:
        """The requests after `mark` once one of them is `operation` (waits up to 10 s): an
        earlier step's refetches may finish after the mark too."""
        for _ in range(100):
            if operation in operation_names(self.requests[mark:]):
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


@contextmanager
def signed_in(server: LiveServer, width: int = 1400, height: int = 900):
    """A browser page signed in as the planner, and the recorder of its GraphQL requests."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM)
        context = browser.new_context(viewport={"width": width, "height": height})
        recorder = Recorder(context)
        page = context.new_page()
        sign_in(page, server, "planner")
        yield page, recorder
        browser.close()


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
    week, next_week, later = "2026-12-28", "2027-01-04", "2027-01-11"
    grid_url = f"{server.base}/grid?from=2026-12-21&weeks=4&department=4"

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM)
        one = browser.new_context(viewport={"width": 1400, "height": 900})
        two = browser.new_context(viewport={"width": 1400, "height": 900})
        rec_one, rec_two = Recorder(one), Recorder(two)
        page, other = one.new_page(), two.new_page()
        frames: list[dict] = []  # what the second session sends over its WebSocket
        other.on(
            "websocket",
            lambda ws: ws.on("framesent", lambda payload: frames.append(json.loads(payload))),
        )

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

        # Live: the second session, still showing version 1, marks the row changed elsewhere
        # (its subscription to assignmentHoursChanged, over the WebSocket) before it saves
        # into the conflict; the planner's own save marks nothing on the planner's grid.
        marker = other.get_by_test_id("elsewhere-6")
        expect(marker).to_have_text("changed elsewhere", timeout=5000)
        expect(other.get_by_test_id("assignment-6")).to_have_class("assignment elsewhere")
        expect(other.get_by_test_id("assignment-7")).to_have_class("assignment")
        other.screenshot(path=str(SHOTS / "grid-changed-elsewhere.png"), full_page=True)
        # graphql-transport-ws, the session's cookie for credentials, the document by hash
        subscribe = [f for f in frames if f["type"] == "subscribe"]
        assert [f["type"] for f in frames[:1]] == ["connection_init"]
        assert [operation_names([f]) for f in subscribe] == [["Grid_HoursChanged"]]
        assert subscribe[0]["payload"]["query"] == ""  # no text (graphql-ws wants a string)
        assert subscribe[0]["payload"]["variables"] == {"department": "4", "includeChildren": True}
        page.wait_for_timeout(500)  # the planner's own change has reached its grid too
        expect(page.get_by_test_id("elsewhere-6")).to_have_count(0)
        expect(page.get_by_test_id("assignment-6")).to_have_class("assignment")

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
        # a person's total row has no project; their capacity row after it is "Capacity"
        (joan_total,) = [r for r in exported if r[0] == str(JOAN) and r[3:5] == ["", ""]]
        assert joan_total[6 + 1] == fmt(new_total)  # the week of 2026-12-28, as saved
        (joan_capacity,) = [r for r in exported if r[0] == str(JOAN) and r[4] == "Capacity"]
        assert joan_capacity[6 + 1] == fmt(float(capacity(JOAN, week)))
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
        expect(other.get_by_test_id("elsewhere-6")).to_have_count(0)  # reloaded, then its own

        # A partner's API call (a token, not a browser) changes assignment 7: the grid marks
        # it, live, within a few seconds; nothing else is marked.
        import httpx

        (save_hours,) = [k for k, v in MANIFEST.items() if "Grid_SaveHours" in v.split("(")[0]]
        r = httpx.post(
            server.graphql,
            json={  # a trusted document (PERSISTED_QUERIES=trusted): the grid's own, by hash
                "extensions": {
                    "persistedQuery": {"version": 1, "sha256Hash": save_hours.split(":")[1]}
                },
                "variables": {
                    "items": [
                        {
                            "assignmentId": "7",
                            "expectedVersion": 2,  # the dataset's 1, saved once above
                            "weeklyHours": {later: 9},
                            "mode": "MERGE",
                        }
                    ]
                },
            },
            headers={"Authorization": f"Bearer {PARTNER['token']}"},
            timeout=30,
        )
        assert [
            (a["id"], a["version"])
            for a in r.json()["data"]["bulkUpdateAssignmentHours"]["assignments"]
        ] == [("7", 3)]
        expect(other.get_by_test_id("elsewhere-7")).to_have_count(1, timeout=5000)
        expect(other.get_by_test_id("assignment-7")).to_have_class("assignment elsewhere")
        expect(other.locator("[data-testid^=elsewhere-]")).to_have_count(1)
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
            "availabilityWeight": 0.5,
            "skillWeight": 0.5,
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
        # Radia Hamilton, hired on 9 Jan, has 66 h planned that week: over, as on every screen
        radia = page.get_by_test_id("availability-1").locator("td")
        assert hours(1, week) == 66 and PEOPLE[1]["hireDate"] == "2027-01-09"
        expect(radia.nth(4)).to_have_text("0h")  # available
        expect(radia.last).to_have_text("over")
        expect(radia.last).to_have_class("num load over")

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
    assert {
        "find-available.png",
        "grid-after-sign-in.png",
        "grid-before-expiry.png",
        "grid-changed-elsewhere.png",
        "grid-conflict.png",
        "grid-second.png",
        "grid.png",
        "heatmap-after.png",
        "heatmap.png",
        "login.png",
        "project.png",
        "role-capacity.png",
        "session-ended.png",
    } <= {p.name for p in SHOTS.glob("*.png")}


# --- The capacity rule as the screens draw it, computed here from the dataset file ---------

SOPHIE = 50  # Mobile (department 4), hired 2026-11-25: 4 h planned the week before (assignment 100)
PRE_HIRE_WEEK = "2026-11-16"
WINDOW = ["2026-11-16", "2026-11-23", "2026-11-30", "2026-12-07"]


def capacity(person: int, week: str) -> Decimal:
    """capacity(P, W) as the API defines it, day by day (tests/frontend/calendar_reference):
    the employed weekdays' weeklyCapacity/5, no days before the hire date."""
    return cal.capacity(person, week)


def percent_text(hours_: Decimal, capacity_: Decimal) -> str:
    value = (100 * hours_ / capacity_).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{fmt(float(value))}%"


def expected_peak(person: int, cleared: dict[tuple[int, str], float]) -> str:
    """What the Peak column must say: "over" when a week holds hours and has no capacity,
    else the highest weekly percentage, a dash with neither hours nor capacity."""
    weeks = []
    for week in WINDOW:
        h = Decimal(str(hours(person, week)))
        for (owner, w), removed in cleared.items():
            if owner == person and w == week:
                h -= Decimal(str(removed))
        weeks.append((h, capacity(person, week)))
    if any(h > 0 and c == 0 for h, c in weeks):
        return "over"
    with_capacity = [(h, c) for h, c in weeks if c > 0]
    if not with_capacity:
        return "\u2013"
    return max((percent_text(h, c) for h, c in with_capacity), key=lambda t: float(t[:-1]))


def check_peaks(page, cleared: dict[tuple[int, str], float]) -> None:
    """Every row's Peak against the reference, and the band of its drawn week."""
    from playwright.sync_api import expect

    people = [p["id"] for p in DATA["people"] if p["departmentId"] == 4 and p["isActive"]]
    expect(page.locator("[data-testid^=peak-]")).to_have_count(len(people))
    for person in people:
        expect(page.get_by_test_id(f"peak-{person}")).to_have_text(expected_peak(person, cleared))


def test_a_pre_hire_week_is_over_everywhere_and_can_be_cleared_from_the_grid(browser_server):
    """Sophie Ritchie has 4 h in the week before her hire week: the heatmap cell, the grid's
    total and Peak all say over; the grid lets that cell be cleared (and nothing else typed
    there); after the save the week is empty and Peak is her highest percentage."""
    from playwright.sync_api import expect

    server = browser_server
    query = "from=2026-11-16&weeks=4&department=4"
    assert hours(SOPHIE, PRE_HIRE_WEEK) == 4 and capacity(SOPHIE, PRE_HIRE_WEEK) == 0
    with signed_in(server) as (page, recorder):
        screen(
            page,
            recorder,
            f"{server.base}/heatmap?{query}",
            "[data-testid^=peak-]",
            "pre-hire-heatmap",
        )
        expect(page.get_by_test_id(f"heat-{SOPHIE}-{PRE_HIRE_WEEK}")).to_have_class("cell over")
        expect(page.get_by_test_id(f"heat-{SOPHIE}-{PRE_HIRE_WEEK}")).to_have_text("4")
        expect(page.get_by_test_id(f"heat-{SOPHIE}-{PRE_HIRE_WEEK}")).to_have_attribute(
            "title",
            f"Sophie Ritchie, week of {PRE_HIRE_WEEK}: "
            "4h of 0h, over capacity (before the hire date)",
        )
        assert expected_peak(SOPHIE, {}) == "over"
        check_peaks(page, {})
        expect(page.get_by_test_id(f"peak-{SOPHIE}")).to_have_class("num peak over")

        screen(
            page,
            recorder,
            f"{server.base}/grid?{query}",
            f"[data-testid=cell-100-{PRE_HIRE_WEEK}]",
            "pre-hire-grid",
        )
        expect(page.get_by_test_id(f"total-{SOPHIE}-{PRE_HIRE_WEEK}")).to_have_class("cell over")
        cell = page.get_by_test_id(f"cell-100-{PRE_HIRE_WEEK}")
        expect(cell).to_be_enabled()
        expect(cell).to_have_value("4")
        # an empty pre-hire cell stays locked: nothing may be planned before the hire week
        expect(page.get_by_test_id(f"cell-102-{PRE_HIRE_WEEK}")).to_be_disabled()

        # New hours there are refused in the cell, counted in the status line, and Save
        # says why it is off.
        cell.fill("8")
        cell.press("Enter")
        expect(page.get_by_test_id("pending")).to_have_text("No unsaved changes, 1 invalid cell")
        expect(page.get_by_test_id("save-blocked")).to_have_text(
            "Save is disabled until the invalid cell is corrected (Before the hire date: these "
            "hours can only be cleared). Esc in a cell, or Discard, undoes it."
        )
        expect(page.get_by_role("button", name="Save")).to_be_disabled()
        # Discard takes the typed text back too.
        page.get_by_role("button", name="Discard").click()
        expect(cell).to_have_value("4")
        expect(page.get_by_test_id("pending")).to_have_text("No unsaved changes")
        expect(page.get_by_test_id("save-blocked")).to_have_count(0)

        # Clearing is allowed, and saved.
        cell.fill("")
        cell.press("Enter")
        expect(page.get_by_test_id("pending")).to_have_text("1 unsaved change")
        expect(page.get_by_test_id(f"total-{SOPHIE}-{PRE_HIRE_WEEK}")).to_have_class(
            "cell nocapacity"
        )
        mark = len(recorder.requests)
        page.get_by_role("button", name="Save").click()
        expect(page.get_by_role("status").filter(has_text="Saved")).to_have_text(
            "Saved 1 assignment."
        )
        (save,) = recorder.since(mark, page, expect=1)
        assert save["payload"]["variables"]["items"] == [
            {
                "assignmentId": "100",
                "expectedVersion": 1,
                "weeklyHours": {PRE_HIRE_WEEK: 0},
                "mode": "MERGE",
            }
        ]
        assert (
            PRE_HIRE_WEEK
            not in (
                save["body"]["data"]["bulkUpdateAssignmentHours"]["assignments"][0]["weeklyHours"]
            )
        )
        expect(cell).to_have_value("")
        expect(cell).to_be_disabled()  # empty now: locked like every other pre-hire cell

        # The heatmap agrees: the week is empty, and Peak is the highest percentage drawn.
        screen(
            page,
            recorder,
            f"{server.base}/heatmap?{query}",
            "[data-testid^=peak-]",
            "pre-hire-heatmap-after",
        )
        expect(page.get_by_test_id(f"heat-{SOPHIE}-{PRE_HIRE_WEEK}")).to_have_class(
            "cell nocapacity"
        )
        cleared = {(SOPHIE, PRE_HIRE_WEEK): 4}
        # 56 h of 24 in the hire week: she starts on its Wednesday
        assert expected_peak(SOPHIE, cleared) == "233.3%"
        check_peaks(page, cleared)

        # An invalid entry in an ordinary week, then Discard: the text goes with it.
        screen(
            page,
            recorder,
            f"{server.base}/grid?{query}",
            "[data-testid=cell-100-2026-11-23]",
            "grid-invalid",
        )
        ordinary = page.get_by_test_id("cell-100-2026-11-23")
        ordinary.fill("lots")
        ordinary.press("Tab")
        expect(page.get_by_test_id("pending")).to_have_text("No unsaved changes, 1 invalid cell")
        expect(page.get_by_test_id("save-blocked")).to_contain_text(
            "Hours are a number, like 8 or 7.5"
        )
        page.screenshot(path=str(SHOTS / "grid-invalid.png"), full_page=True)
        page.get_by_role("button", name="Discard").click()
        expect(ordinary).to_have_value("4")


# --- Time off from the person panel ---------------------------------------------------------

KATHERINE = 14  # Mobile (department 4), 40 h a week, hired 2023-12-24: 20 h in the week below
SKI_WEEK = "2027-01-04"


def cell_title(person: int, week: str, entries: tuple = (), reasons: tuple[str, ...] = ()) -> str:
    """What a cell says on hover, from the definitions: hours of capacity, the percentage
    (none without capacity), the band, the leave and one line per absence."""
    h = Decimal(str(hours(person, week)))
    c = cal.capacity(person, week, entries)
    off = cal.time_off_hours(person, week, entries)
    share = f" ({percent_text(h, c)})" if c else ""
    band = "over capacity" if h > c else "under capacity"  # no week here is near
    leave = f" ({fmt(float(off))}h of leave)" if off else ""
    return "\n".join([f"{fmt(float(h))}h of {fmt(float(c))}h{share}, {band}{leave}", *reasons])


def test_planner_adds_a_week_of_vacation_and_sees_the_heatmap_and_grid_change(browser_server):
    """Katherine Wilson takes the week of 4 January off: her 20 hours there, half her
    capacity before, are over capacity once the vacation is added from her panel on the
    heatmap (the cell hatched and over, the reason on hover), and on the grid; changed to
    three days from the grid, then removed, the week is as before."""
    from playwright.sync_api import expect

    server = browser_server
    query = "from=2026-12-21&weeks=4&department=4"
    week_off = (cal.Leave("2027-01-04", "2027-01-08"),)
    three_days = (cal.Leave("2027-01-04", "2027-01-06"),)
    assert hours(KATHERINE, SKI_WEEK) == 20
    assert [cal.capacity(KATHERINE, SKI_WEEK, e) for e in ((), week_off, three_days)] == [40, 0, 16]
    with signed_in(server) as (page, recorder):
        screen(
            page, recorder, f"{server.base}/heatmap?{query}", "[data-testid^=peak-]", "leave-before"
        )
        cell = page.get_by_test_id(f"heat-{KATHERINE}-{SKI_WEEK}")
        expect(cell).to_have_text("20")
        expect(cell).to_have_class("cell under")
        expect(cell).to_have_attribute(
            "title", f"Katherine Wilson, week of {SKI_WEEK}: {cell_title(KATHERINE, SKI_WEEK)}"
        )
        assert cell_title(KATHERINE, SKI_WEEK) == "20h of 40h (50%), under capacity"

        # Her panel, from her name: nothing yet in these weeks.
        page.get_by_role("button", name="Katherine Wilson").click()
        panel = page.get_by_test_id("person-panel")
        expect(panel.get_by_role("heading", level=3).first).to_have_text(
            "Time off, 21 Dec 2026 \u2013 17 Jan 2027"
        )
        expect(panel.get_by_text("No time off in these weeks.")).to_be_visible()
        panel.get_by_label("From", exact=True).fill("2027-01-04")
        panel.get_by_label("To", exact=True).fill("2027-01-08")
        panel.get_by_label("Note").fill("Ski trip")
        mark = len(recorder.requests)
        panel.get_by_role("button", name="Add").click()
        expect(panel.get_by_role("status")).to_have_text("Added: Vacation 4-8 Jan (Ski trip).")
        made = recorder.since(mark, page, expect=3)
        assert operation_names(made[:1]) == ["PersonPanel_CreateTimeOff"]
        assert sorted(operation_names(made[1:])) == ["Heatmap_Screen", "PersonPanel_Person"]
        assert made[0]["method"] == "POST"
        assert made[0]["payload"]["variables"] == {
            "input": {
                "personId": "14",
                "startDate": "2027-01-04",
                "endDate": "2027-01-08",
                "hoursPerDay": None,
                "kind": "VACATION",
                "note": "Ski trip",
            }
        }
        entry = made[0]["body"]["data"]["createTimeOff"]["timeOff"]
        expect(panel.get_by_test_id(f"time-off-{entry['id']}")).to_contain_text(
            "Vacation 4-8 Jan (Ski trip)"
        )

        # The heatmap behind the panel: the week has no capacity left, so its 20 hours are
        # over, hatched for the leave; the reason is on hover, and Peak says over.
        expect(cell).to_have_class("cell over leave")
        expect(cell).to_have_text("20")
        expected = cell_title(KATHERINE, SKI_WEEK, week_off, ("Vacation 4-8 Jan (Ski trip)",))
        assert expected == "20h of 0h, over capacity (40h of leave)\nVacation 4-8 Jan (Ski trip)"
        expect(cell).to_have_attribute("title", f"Katherine Wilson, week of {SKI_WEEK}: {expected}")
        expect(page.get_by_test_id(f"peak-{KATHERINE}")).to_have_text("over")
        page.screenshot(path=str(SHOTS / "leave-heatmap.png"), full_page=True)

        # The grid: the person's total for the week is over and hatched too.
        screen(page, recorder, f"{server.base}/grid?{query}", "[data-testid^=total-]", "leave-grid")
        total = page.get_by_test_id(f"total-{KATHERINE}-{SKI_WEEK}")
        expect(total).to_have_text("20")
        expect(total).to_have_class("cell over leave")
        expect(total).to_have_attribute("title", expected)

        # Changed from the grid to three days (Monday to Wednesday): 16 h left, 125%.
        page.get_by_role("button", name="Katherine Wilson").click()
        panel = page.get_by_test_id("person-panel")
        panel.get_by_test_id(f"time-off-{entry['id']}").get_by_role("button", name="Change").click()
        expect(panel.get_by_label("Note")).to_have_value("Ski trip")
        # an end before the start: the API's message, the field marked, nothing saved
        panel.get_by_label("To", exact=True).fill("2027-01-01")
        mark = len(recorder.requests)
        panel.get_by_role("button", name="Save changes").click()
        expect(panel.get_by_test_id("time-off-error")).to_have_text(
            "endDate must be on or after startDate"
        )
        expect(panel.get_by_label("To", exact=True)).to_have_attribute("aria-invalid", "true")
        (refused,) = recorder.since(mark, page, expect=1)
        assert refused["body"]["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
        page.screenshot(path=str(SHOTS / "leave-panel-error.png"), full_page=True)
        panel.get_by_label("To", exact=True).fill("2027-01-06")
        panel.get_by_role("button", name="Save changes").click()
        expect(panel.get_by_role("status")).to_have_text("Changed: Vacation 4-6 Jan (Ski trip).")
        expect(panel.get_by_test_id("time-off-error")).to_have_count(0)
        changed = cell_title(KATHERINE, SKI_WEEK, three_days, ("Vacation 4-6 Jan (Ski trip)",))
        assert (
            changed
            == "20h of 16h (125%), over capacity (24h of leave)\nVacation 4-6 Jan (Ski trip)"
        )
        expect(total).to_have_attribute("title", changed)
        expect(total).to_have_class("cell over leave")

        # Removed: the week is as before, on the grid and on the heatmap.
        mark = len(recorder.requests)
        panel.get_by_role("button", name="Remove").click()
        expect(panel.get_by_role("status")).to_have_text("Removed: Vacation 4-6 Jan (Ski trip).")
        # the one write after the mark is the removal (the change's refetches may come too)
        names = operation_names(recorder.until(mark, page, "PersonPanel_DeleteTimeOff"))
        assert [n for n in names if "TimeOff" in n] == ["PersonPanel_DeleteTimeOff"]
        expect(panel.get_by_text("No time off in these weeks.")).to_be_visible()
        expect(total).to_have_class("cell under")
        expect(total).to_have_attribute("title", cell_title(KATHERINE, SKI_WEEK))
        page.get_by_role("button", name="Close").click()
        expect(panel).to_have_count(0)
        screen(
            page, recorder, f"{server.base}/heatmap?{query}", "[data-testid^=peak-]", "leave-after"
        )
        expect(cell).to_have_class("cell under")
        expect(cell).to_have_text("20")


# --- Every screen at a desk and on a phone ------------------------------------------------

SCREENS = [
    # name, path, what shows it is ready
    ("heatmap", "/heatmap?department=4&from=2026-12-21", "[data-testid^=peak-]"),
    ("grid", "/grid?department=4&from=2026-12-21", "[data-testid^=total-]"),
    (
        "find-available",
        "/find?week=2026-12-28&skill=Python&skill=React",
        "[data-testid^=candidate-]",
    ),
    ("projects", "/projects", "[data-testid^=project-]"),
    ("project", f"/projects/{PROJECT}?week=2026-12-28", "[data-testid^=availability-]"),
    ("role-capacity", "/roles?from=2026-12-21", "[data-testid^=role-] svg"),
    ("stale-department", "/heatmap?department=zzz", "[data-testid^=peak-]"),
    ("missing-project", "/projects/9999", "[data-testid^=project-]"),
    ("unknown-skill", "/find?skill=Pythn", "[data-testid=unknown-skill]"),
]


@pytest.mark.parametrize(("width", "height"), [(1400, 900), (390, 844)])
def test_every_screen_at_a_desk_and_on_a_phone(browser_server, width, height):
    """Screenshots of every screen (frontend/test-results/<screen>-<width>.png); on no screen
    does the page itself scroll sideways (wide tables scroll inside their box), and the
    navigation stays inside the window."""
    from playwright.sync_api import expect, sync_playwright

    server = browser_server
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM)
        context = browser.new_context(viewport={"width": width, "height": height})
        recorder = Recorder(context)
        page = context.new_page()
        page.goto(f"{server.base}/")
        page.get_by_label("Username").wait_for()
        page.screenshot(path=str(SHOTS / f"login-{width}.png"), full_page=True)
        sign_in(page, server, "planner")
        for name, path, ready in SCREENS:
            screen(page, recorder, f"{server.base}{path}", ready, f"{name}-{width}")
            assert page.evaluate("document.documentElement.scrollWidth") <= width, name
            nav = page.locator("header.top nav").bounding_box()
            assert nav is not None and nav["x"] + nav["width"] <= width, name
            expect(page.get_by_role("alert")).to_have_count(0)
        browser.close()
    assert {f"{name}-{width}.png" for name, _, _ in SCREENS} <= {
        p.name for p in SHOTS.glob("*.png")
    }


def test_error_states_each_say_one_clear_thing_and_leave_a_working_screen(browser_server):
    from playwright.sync_api import expect

    server = browser_server
    with signed_in(server) as (page, recorder):
        # A stale ?department: the filter is dropped, everyone shown, and the page says why.
        screen(
            page,
            recorder,
            f"{server.base}/heatmap?department=zzz&weeks=4",
            "[data-testid^=peak-]",
            "stale",
        )
        expect(page.get_by_test_id("stale-department")).to_have_text(
            "The link named a department that does not exist (“zzz”): showing all departments."
        )
        expect(page).to_have_url(f"{server.base}/heatmap?weeks=4")
        expect(page.locator("[data-testid^=peak-]")).to_have_count(
            len([p for p in DATA["people"] if p["isActive"]])
        )
        page.get_by_label("Department", exact=True).select_option("4")
        expect(page.get_by_test_id("stale-department")).to_have_count(0)

        # /projects opens on the list of projects, each a link to its availability.
        screen(page, recorder, f"{server.base}/projects", "[data-testid^=project-]", "projects")
        expect(page.locator("[data-testid^=project-]")).to_have_count(len(DATA["projects"]))
        # /projects/9999: one message (no error banner, no Retry) and the list to choose from.
        screen(
            page, recorder, f"{server.base}/projects/9999", "[data-testid=no-project]", "no-project"
        )
        expect(page.get_by_test_id("no-project")).to_have_text(
            "There is no project “9999”, or it is not visible to you. Choose one below."
        )
        expect(page.get_by_role("alert")).to_have_count(0)
        expect(page.get_by_role("button", name="Retry")).to_have_count(0)
        page.get_by_test_id(f"project-{PROJECT}").get_by_role("link").click()
        expect(page).to_have_url(f"{server.base}/projects/{PROJECT}")
        page.locator("[data-testid^=availability-]").first.wait_for()
        expect(page.get_by_test_id("no-project")).to_have_count(0)

        # Find available: an unknown skill offers the known ones, one click fixes it; the
        # weights go to the API; scores show one decimal.
        screen(
            page,
            recorder,
            f"{server.base}/find?week=2026-12-28&skill=Pythn",
            "[data-testid=unknown-skill]",
            "unknown",
        )
        banner = page.get_by_test_id("unknown-skill")
        expect(banner).to_contain_text("“Pythn” is not a known skill, so nobody matches it.")
        banner.get_by_role("button", name="Python").click()
        expect(page).to_have_url(f"{server.base}/find?week=2026-12-28&skill=Python")
        expect(page.get_by_test_id("unknown-skill")).to_have_count(0)
        page.get_by_label("Filter skills").fill("reakt")
        page.get_by_role("button", name="React Frameworks").click()
        expect(page).to_have_url(f"{server.base}/find?week=2026-12-28&skill=Python&skill=React")
        mark = len(recorder.requests)
        page.get_by_label("Skill weight").fill("0.8")
        page.get_by_label("Skill weight").press("Enter")
        expect(page).to_have_url(
            f"{server.base}/find?week=2026-12-28&skill=Python&skill=React&sw=0.8"
        )
        # (the request for React may finish after the mark: wait for the weighted one)
        for _ in range(100):
            made = [r["payload"]["variables"] for r in recorder.since(mark)]
            if any(v["skillWeight"] == 0.8 for v in made):
                break
            page.wait_for_timeout(100)
        weighted = recorder.since(mark)[-1]
        assert weighted["payload"]["variables"] == {
            "week": "2026-12-28",
            "skills": ["Python", "React"],
            "department": None,
            "includeChildren": True,
            "availabilityWeight": 0.5,
            "skillWeight": 0.8,
        }
        first = weighted["body"]["data"]["findAvailable"][0]
        expect(page.locator("[data-testid^=candidate-]").first.locator("td").nth(2)).to_have_text(
            f"{first['score']:.1f}"
        )

        # Radia Hamilton (Design), 66 h in a week before her hire date: Load over here too.
        screen(
            page,
            recorder,
            f"{server.base}/find?week=2026-12-28&department=7",
            "[data-testid=candidate-1]",
            "find-pre-hire",
        )
        radia = page.get_by_test_id("candidate-1").locator("td")
        expect(radia.nth(3)).to_have_text("0h of 0h")
        expect(radia.nth(4)).to_have_text("over")
        expect(radia.nth(4)).to_have_class("num load over")

        # The week picker names its week, and steps it.
        screen(
            page,
            recorder,
            f"{server.base}/grid?from=2026-12-21&weeks=4&department=4",
            "[data-testid^=total-]",
            "week-picker",
        )
        expect(page.get_by_test_id("week-From week")).to_have_text("Week of 21 Dec 2026")
        page.get_by_role("button", name="From week: next week").click()
        expect(page.get_by_test_id("week-From week")).to_have_text("Week of 28 Dec 2026")
        expect(page).to_have_url(f"{server.base}/grid?from=2026-12-28&weeks=4&department=4")
        # any day picked in the browser's date picker names its week (a Wednesday here)
        page.locator(".week-picker-date").first.fill("2027-01-06")
        expect(page.get_by_test_id("week-From week")).to_have_text("Week of 4 Jan 2027")
        expect(page).to_have_url(f"{server.base}/grid?from=2027-01-04&weeks=4&department=4")
        page.get_by_role("button", name="This week").click()
        expect(page).to_have_url(f"{server.base}/grid?weeks=4&department=4")
        expect(page.get_by_test_id("week-From week")).to_contain_text("(this week)")
