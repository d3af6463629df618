"""Demand planning in a real browser (issue 15): placeholders as rows of the grid, filled from
their ranked candidates with one click, the role-capacity screen's unstaffed series falling by
the hours filled, tentative hours drawn apart, and the "include tentative" toggle.

As tests/frontend/test_browser.py: Debian's Chromium driven by Playwright against the built
app served by a live server in production mode (DEBUG off, PERSISTED_QUERIES=trusted), on a
database of its own (`<name>_browser_demand`) holding tests/data/tentative_cases.json (people
with confirmed and tentative assignments, placeholders with confirmed and tentative hours).
Expected values are computed from the dataset file (tests/reference.py), with the test's own
writes applied to a copy of it, not from the code under test.
"""

import copy
import csv
import datetime as dt
import io
import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.calendar_data import TEST_DATA
from tests.frontend.test_browser import (
    CHROMIUM,
    MANIFEST,
    PARTNER,
    SHOTS,
    Recorder,
    operation_names,
    screen,
    sign_in,
    web_app_server,
)
from tests.live import LiveServer
from tests.reference import Reference, candidates

pytestmark = pytest.mark.postgres

CASES = TEST_DATA / "tentative_cases.json"
DATA = json.loads(CASES.read_text())
FROM = "2027-01-04"
KEYS = [dt.date(2027, 1, 4) + dt.timedelta(weeks=i) for i in range(4)]  # ?weeks=4
W1, W2 = "2027-01-04", "2027-01-11"
ADA = 1  # Platform; Atlas confirmed (1) and Beacon tentative (2)
ENGINEER = 1  # the role of "Senior Python developer" (placeholder 1)
PYTHON_DEV = 1
ATLAS_DEMAND = 10  # placeholder 1 on Atlas, tentative
BEACON_DEMAND = 11  # placeholder 1 on Beacon, confirmed
ADA_BEACON = 2


def fmt(value) -> str:
    value = float(value)
    return str(int(value)) if value == int(value) else str(value)


def edited(**hours_by_assignment: dict[str, float]) -> dict:
    """A copy of the dataset with assignments' weeks set ({"a10": {week: hours}})."""
    data = copy.deepcopy(DATA)
    for key, weeks in hours_by_assignment.items():
        (a,) = [a for a in data["assignments"] if a["id"] == int(key.removeprefix("a"))]
        a["weeklyHours"] = {**a["weeklyHours"], **weeks}
    return data


def filled(data: dict, placeholder_assignment: int, into: int) -> dict:
    """fillPlaceholder as docs/design.md defines it: every week of the placeholder assignment
    moves to the person's assignment on the same project, and the emptied one is gone."""
    data = copy.deepcopy(data)
    (source,) = [a for a in data["assignments"] if a["id"] == placeholder_assignment]
    (target,) = [a for a in data["assignments"] if a["id"] == into]
    assert (source["projectId"], target["personId"]) == (target["projectId"], ADA)
    for week, hours in source["weeklyHours"].items():
        target["weeklyHours"][week] = target["weeklyHours"].get(week, 0) + hours
    data["assignments"].remove(source)
    return data


def unstaffed(data: dict) -> list[float]:
    return [float(h) for h in Reference(data).unstaffed(ENGINEER, KEYS, None, None, True)]


@pytest.fixture(scope="module")
def demand_server(tmp_path_factory) -> Iterator[LiveServer]:
    SHOTS.mkdir(parents=True, exist_ok=True)
    with web_app_server(tmp_path_factory, "browser_demand", CASES, ("planner",)) as server:
        yield server


def partner_saves(server: LiveServer, assignment: int, version: int, hours: dict) -> int:
    """Another client (a token, not a browser) saves hours through the grid's own document;
    returns the assignment's new version."""
    (key,) = [k for k, v in MANIFEST.items() if "Grid_SaveHours" in v.split("(")[0]]
    r = httpx.post(
        server.graphql,
        json={
            "extensions": {"persistedQuery": {"version": 1, "sha256Hash": key.split(":")[1]}},
            "variables": {
                "items": [
                    {
                        "assignmentId": str(assignment),
                        "expectedVersion": version,
                        "weeklyHours": hours,
                        "mode": "MERGE",
                    }
                ]
            },
        },
        headers={"Authorization": f"Bearer {PARTNER['token']}"},
        timeout=30,
    )
    (saved,) = r.json()["data"]["bulkUpdateAssignmentHours"]["placeholderAssignments"]
    return saved["version"]


def made(recorder: Recorder, mark: int, page, name: str, count: int = 1) -> list[dict]:
    """The `name` requests the page made after `mark`, once `count` of them have finished
    (up to 10 s). Picked by name: a request of the screen before (the candidates' panel, the
    grid's reload) may finish after the mark."""
    for _ in range(100):
        found = [r for r in recorder.requests[mark:] if operation_names([r]) == [name]]
        if len(found) >= count:
            return found
        page.wait_for_timeout(100)
    return found


def role_capacity(page, recorder: Recorder, server: LiveServer, shot: str) -> list[float]:
    """Opens role capacity and reads the Engineer role's unstaffed series from the page."""
    mark = len(recorder.requests)
    screen(
        page,
        recorder,
        f"{server.base}/roles?from={FROM}&weeks=4",
        f"[data-testid=role-{ENGINEER}] svg",
        shot,
    )
    assert len(made(recorder, mark, page, "RoleCapacity_Screen")) == 1
    figure = page.get_by_test_id(f"role-{ENGINEER}")
    return [float(v) for v in (figure.get_attribute("data-unstaffed") or "").split()]


def test_planner_fills_a_placeholder_from_the_grid_and_the_unstaffed_series_falls(demand_server):
    from playwright.sync_api import expect, sync_playwright

    server = demand_server
    grid_url = f"{server.base}/grid?from={FROM}&weeks=4"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM)
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        recorder = Recorder(context)
        page = context.new_page()
        sign_in(page, server, "planner")

        # The grid: placeholders in rows of their own, after the people, with their hours.
        opened = screen(
            page, recorder, grid_url, f"[data-testid=placeholder-{PYTHON_DEV}]", "demand-grid"
        )
        assert operation_names(opened) == ["Grid_Screen"]
        assert opened[0]["payload"]["variables"]["includeTentative"] is True
        placeholders, _ = Reference(DATA).grid_placeholders(KEYS)
        rows = page.locator("tr.placeholder")
        expect(rows).to_have_count(len(placeholders))
        for i, ph in enumerate(placeholders):
            expect(rows.nth(i)).to_contain_text(ph["name"])
        ref = Reference(DATA)
        python_w2 = ref.placeholder_hours(PYTHON_DEV, KEYS[1])
        assert python_w2 == 34  # 24 tentative (Atlas) + 10 confirmed (Beacon)
        total = page.get_by_test_id(f"placeholder-total-{PYTHON_DEV}-{W2}")
        expect(total).to_have_text(fmt(python_w2))
        expect(total).to_have_class("cell demand tentative")
        # A placeholder assignment's hours are editable like a person's.
        expect(page.get_by_test_id(f"cell-{BEACON_DEMAND}-{W2}")).to_have_value("10")
        expect(page.get_by_test_id(f"cell-{BEACON_DEMAND}-{W2}")).to_be_editable()

        # Tentative hours are drawn dashed: Ada's Beacon assignment, and her total that holds it.
        tentative_cell = page.get_by_test_id(f"cell-{ADA_BEACON}-{W1}").locator("xpath=..")
        expect(tentative_cell).to_have_class("edit tentative")
        expect(page.get_by_test_id(f"cell-1-{W1}").locator("xpath=..")).to_have_class("edit")
        confirmed, tentative = ref.split(ADA, KEYS[0])
        assert (confirmed, tentative) == (20, 10)
        ada_w1 = page.get_by_test_id(f"total-{ADA}-{W1}")
        expect(ada_w1).to_have_text(fmt(confirmed + tentative))
        expect(ada_w1).to_have_class("cell under tentative")  # 30 of 40 hours
        expect(ada_w1).to_have_attribute(
            "title", f"30h of 40h (75%), under capacity\n{fmt(confirmed)}h confirmed, 10h tentative"
        )
        expect(page.locator(".legend .swatch.tentative")).to_have_text("tentative hours (dashed)")

        # The candidates beside the placeholder, ranked as the definition ranks them.
        page.get_by_test_id(f"candidates-{PYTHON_DEV}").click()
        panel = page.get_by_test_id("candidates-panel")
        ranked = candidates(ref, PYTHON_DEV)
        listed = panel.locator("[data-testid^=fill-candidate-]")
        expect(listed).to_have_count(len(ranked))
        for i, row in enumerate(ranked):
            expect(listed.nth(i)).to_have_attribute(
                "data-testid", f"fill-candidate-{row['person']['id']}"
            )
            expect(listed.nth(i).locator(".score")).to_have_text(f"{row['score']:.1f}")
        assert ranked[0]["person"]["id"] == str(ADA) and ranked[0]["matchedSkills"] == ["Python"]
        expect(listed.first).to_contain_text(
            f"{fmt(ranked[0]['availableHours'])}h free of {fmt(ranked[0]['demandHours'])}h needed"
        )
        page.screenshot(path=str(SHOTS / "demand-candidates.png"), full_page=True)

        # Someone else changes the Atlas demand meanwhile: the grid marks it live, and filling
        # it from the version shown is refused as a CONFLICT, in the bulk edits' banner.
        assert partner_saves(server, ATLAS_DEMAND, 1, {W1: 20}) == 2
        expect(page.get_by_test_id(f"elsewhere-{ATLAS_DEMAND}")).to_have_count(1, timeout=5000)
        mark = len(recorder.requests)
        panel.get_by_test_id(f"fill-{ATLAS_DEMAND}-{ADA}").click()
        conflict = page.get_by_test_id("conflict")
        expect(conflict).to_contain_text(
            "One assignment was changed elsewhere since you loaded them: "
            "Senior Python developer on Atlas. Nothing was saved."
        )
        (refused,) = made(recorder, mark, page, "Grid_FillPlaceholder")
        assert refused["body"]["errors"][0]["extensions"]["conflicts"] == [
            {"assignmentId": str(ATLAS_DEMAND), "currentVersion": 2}
        ]
        expect(page.get_by_test_id(f"assignment-{ATLAS_DEMAND}")).to_have_class(
            "assignment conflicted"
        )
        expect(panel).to_have_count(0)  # closed: nothing covers the banner and its Reload
        page.screenshot(path=str(SHOTS / "demand-conflict.png"), full_page=True)
        conflict.get_by_role("button", name="Reload").click()
        expect(conflict).to_have_count(0)
        expect(page.get_by_test_id(f"cell-{ATLAS_DEMAND}-{W1}")).to_have_value("20")
        expect(page.get_by_test_id(f"elsewhere-{ATLAS_DEMAND}")).to_have_count(0)

        # Role capacity before the fill (with the other client's change).
        before_data = edited(a10={W1: 20})
        before = role_capacity(page, recorder, server, "demand-roles-before")
        assert before == unstaffed(before_data) == [24.0, 34.0, 10.5, 0.0]
        expect(page.get_by_test_id(f"unstaffed-{ENGINEER}")).to_have_text("68.5h unstaffed")

        # One click fills the Beacon demand with Ada; the grid reloads and says what happened.
        screen(page, recorder, grid_url, f"[data-testid=placeholder-{PYTHON_DEV}]", "demand-grid-2")
        page.get_by_test_id(f"candidates-{PYTHON_DEV}").click()
        mark = len(recorder.requests)
        page.get_by_test_id(f"fill-{BEACON_DEMAND}-{ADA}").click()
        notice = page.get_by_role("status").filter(has_text="Filled")
        expect(notice).to_have_text(
            "Filled Senior Python developer on Beacon with Ada. Nothing left on the placeholder."
        )
        after_data = filled(before_data, BEACON_DEMAND, into=ADA_BEACON)
        after_ref = Reference(after_data)
        over = after_ref.hours(ADA, KEYS[1])
        assert over == 60  # 20 Atlas + 30 Beacon + the 10 filled, of 40
        expect(page.get_by_test_id("overbooked")).to_have_text(
            f"Now over capacity in one week: 11 Jan: {fmt(over)}h of 40h."
        )
        (fill,) = made(recorder, mark, page, "Grid_FillPlaceholder")
        (reloaded,) = made(recorder, mark, page, "Grid_Screen")  # after the fill's answer
        assert recorder.requests.index(fill) < recorder.requests.index(reloaded)
        assert fill["payload"]["variables"] == {
            "placeholderAssignmentId": str(BEACON_DEMAND),
            "personId": str(ADA),
            "expectedVersion": 1,
        }
        expect(page.get_by_test_id(f"assignment-{BEACON_DEMAND}")).to_have_count(0)
        expect(page.get_by_test_id("candidates-panel")).to_have_count(0)
        expect(page.get_by_test_id(f"cell-{ADA_BEACON}-{W2}")).to_have_value(
            fmt(after_ref.assignments[ADA_BEACON]["weeklyHours"][W2])
        )
        expect(page.get_by_test_id(f"total-{ADA}-{W2}")).to_have_text(fmt(over))
        expect(page.get_by_test_id(f"total-{ADA}-{W2}")).to_have_class("cell over tentative")
        expect(page.get_by_test_id(f"placeholder-total-{PYTHON_DEV}-{W2}")).to_have_text(
            fmt(after_ref.placeholder_hours(PYTHON_DEV, KEYS[1]))
        )
        page.screenshot(path=str(SHOTS / "demand-filled.png"), full_page=True)

        # Role capacity: the unstaffed series fell by exactly the hours filled, week by week.
        after = role_capacity(page, recorder, server, "demand-roles-after")
        (moved,) = [a["weeklyHours"] for a in DATA["assignments"] if a["id"] == BEACON_DEMAND]
        assert moved == {W2: 10, "2027-01-18": 10.5}
        assert after == unstaffed(after_data) == [24.0, 24.0, 0.0, 0.0]
        assert [b - a for b, a in zip(before, after, strict=True)] == [
            float(moved.get(w.isoformat(), 0)) for w in KEYS
        ]
        expect(page.get_by_test_id(f"unstaffed-{ENGINEER}")).to_have_text(
            f"{fmt(sum(before) - sum(moved.values()))}h unstaffed"
        )
        browser.close()


def test_the_include_tentative_toggle_on_the_heatmap_and_the_grid(demand_server):
    from playwright.sync_api import expect, sync_playwright

    server = demand_server
    ref = Reference(DATA)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM)
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        recorder = Recorder(context)
        page = context.new_page()
        sign_in(page, server, "planner")

        # Ben (2): Atlas tentative 8 and Comet confirmed 0 in the first week.
        ben = 2
        confirmed, tentative = ref.split(ben, KEYS[0])
        assert (confirmed, tentative) == (0, 8)
        url = f"{server.base}/heatmap?from={FROM}&weeks=4"
        opened = screen(page, recorder, url, f"[data-testid=heat-{ben}-{W1}]", "demand-heatmap")
        assert opened[0]["payload"]["variables"]["includeTentative"] is True
        cell = page.get_by_test_id(f"heat-{ben}-{W1}")
        expect(cell).to_have_text(fmt(tentative))
        expect(cell).to_have_class("cell under tentative")
        expect(page.locator(".legend .swatch.tentative")).to_have_text(
            "with tentative hours (dashed)"
        )
        mark = len(recorder.requests)
        page.get_by_test_id("include-tentative").click()  # the URL changes, then the box
        expect(page).to_have_url(f"{url}&tentative=0")
        expect(page.get_by_test_id("include-tentative")).not_to_be_checked()
        expect(cell).to_have_text(fmt(confirmed))
        expect(cell).to_have_class("cell none")
        (firm,) = made(recorder, mark, page, "Heatmap_Screen")
        assert firm["payload"]["variables"]["includeTentative"] is False
        page.screenshot(path=str(SHOTS / "demand-heatmap-firm.png"), full_page=True)

        # The grid keeps the toggle in its URL too: Ada's total without her tentative Beacon.
        grid = f"{server.base}/grid?from={FROM}&weeks=4"
        screen(page, recorder, grid, f"[data-testid=total-{ADA}-{W1}]", "demand-grid-all")
        total = page.get_by_test_id(f"total-{ADA}-{W1}")
        expect(total).to_have_text(fmt(ref.hours(ADA, KEYS[0])))
        expect(page.get_by_test_id(f"assignment-{ADA_BEACON}")).to_have_count(1)
        page.get_by_test_id("include-tentative").click()
        expect(page).to_have_url(f"{grid}&tentative=0")
        expect(page.get_by_test_id("include-tentative")).not_to_be_checked()
        expect(total).to_have_text(fmt(ref.hours(ADA, KEYS[0], tentative=False)))
        expect(total).to_have_class("cell under")
        expect(page.get_by_test_id(f"assignment-{ADA_BEACON}")).to_have_count(0)
        # the tentative placeholder assignment is gone too; the confirmed one stays
        expect(page.get_by_test_id(f"assignment-{ATLAS_DEMAND}")).to_have_count(0)
        page.screenshot(path=str(SHOTS / "demand-grid-firm.png"), full_page=True)
        # The export follows the toggle: Ada's total without her tentative hours, no Beacon row.
        page.get_by_role("button", name="Export 52 weeks").click()
        link = page.get_by_role("link", name="Download CSV")
        link.wait_for()
        with page.expect_download() as download:
            link.click()
        exported = list(csv.reader(io.StringIO(Path(download.value.path()).read_text())))
        assert exported[0][6] == FROM
        ada_rows = [r for r in exported if r[0] == str(ADA)]
        (ada_total,) = [r for r in ada_rows if r[3:5] == ["", ""]]
        assert ada_total[6] == fmt(ref.hours(ADA, KEYS[0], tentative=False))
        assert "Beacon" not in {r[3] for r in ada_rows}
        # a link with the toggle off opens with it off
        screen(
            page, recorder, f"{grid}&tentative=0", f"[data-testid=total-{ADA}-{W1}]", "demand-link"
        )
        expect(page.get_by_test_id("include-tentative")).not_to_be_checked()
        expect(page.get_by_test_id(f"total-{ADA}-{W1}")).to_have_text("20")
        browser.close()


def test_placeholder_rows_and_candidates_fit_a_phone(demand_server):
    """As every screen (test_browser.py): the page itself never scrolls sideways, with the
    placeholders' rows and the candidates panel open."""
    from playwright.sync_api import expect, sync_playwright

    server, width = demand_server, 390
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM)
        context = browser.new_context(viewport={"width": width, "height": 844})
        recorder = Recorder(context)
        page = context.new_page()
        sign_in(page, server, "planner")
        grid = f"{server.base}/grid?from={FROM}&weeks=4"
        screen(page, recorder, grid, f"[data-testid=placeholder-{PYTHON_DEV}]", "demand-grid-390")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.get_by_test_id(f"candidates-{PYTHON_DEV}").click()
        panel = page.get_by_test_id("candidates-panel")
        expect(panel.locator("[data-testid^=fill-candidate-]").first).to_be_visible()
        box = panel.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=str(SHOTS / "demand-candidates-390.png"), full_page=True)
        page.keyboard.press("Escape")
        expect(panel).to_have_count(0)
        browser.close()
