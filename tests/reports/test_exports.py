"""Background grid exports: requested over GraphQL, built by the job (inline here, on the
test's connection), polled with `job(id)` and downloaded over HTTP, against a reference
computed from small.json (not from the code under test)."""

import csv
import datetime as dt
import io
from concurrent.futures import Executor, Future
from unittest import mock

import pytest
from django.db import OperationalError
from django.utils import timezone

from exports import dispatch, services
from exports.models import ExportJob
from tests import calendar_data
from tests.calendar_data import load_calendar_dataset
from tests.client import GraphQLClient, exact_queries
from tests.reference import (
    DATA,
    DEPARTMENTS,
    PEOPLE,
    PROJECTS,
    D,
    Reference,
    capacity,
    monday,
    subtree,
)

REQUEST = """mutation Export($from: Date, $weeks: Int!, $department: ID,
    $includeChildren: Boolean, $format: ExportFormat!) {
  requestGridExport(from: $from, weeks: $weeks, department: $department,
                    includeChildren: $includeChildren, format: $format) {
    id status progress format result { url expiresAt } error
  }
}"""
JOB = "query Job($id: ID!) { job(id: $id) { id status progress result { url expiresAt } error } }"


class InlineExecutor(Executor):
    """Runs a job in the calling thread: on the test's connection, inside its transaction
    (a pool thread would have a connection of its own that cannot see uncommitted rows)."""

    def submit(self, fn, /, *args, **kwargs):
        future: Future = Future()
        future.set_result(fn(*args, **kwargs))
        return future


@pytest.fixture(autouse=True)
def export_settings(db, settings, tmp_path):
    settings.EXPORT_DIR = tmp_path / "exports"
    settings.CELERY_BROKER_URL = ""
    settings.EXPORT_TTL_SECONDS = 3600
    with (
        mock.patch.object(dispatch, "local_executor", InlineExecutor),
        mock.patch.object(services, "RETRY_BASE_SECONDS", 0.0),
    ):
        yield settings


@pytest.fixture
def export(django_capture_on_commit_callbacks):
    """Request an export and run it (the on-commit start, executed inline)."""

    def run(client: GraphQLClient, **variables):
        variables.setdefault("format", "CSV")
        with django_capture_on_commit_callbacks(execute=True):
            r = client.post(REQUEST, variables)
        return r

    return run


def job_state(client: GraphQLClient, job_id: str) -> dict:
    return client.post(JOB, {"id": job_id}).data["job"]


def path_of(url: str) -> str:
    assert url.startswith("http://testserver/exports/"), url
    return url.removeprefix("http://testserver")


def download(client: GraphQLClient, url: str):
    return client.request("GET", path_of(url), headers=client._headers(None))


# The reference: docs/design.md's definitions applied to the dataset file.


def mondays(first: str, n: int) -> list[str]:
    day = dt.date.fromisoformat(first)
    start = day - dt.timedelta(days=day.weekday())
    return [(start + dt.timedelta(weeks=i)).isoformat() for i in range(n)]


def number(value) -> str:
    return format(D(str(value)).normalize(), "f")


def expected_csv(first: str, n: int, departments: set[int] | None = None) -> list[list[str]]:
    weeks = mondays(first, n)
    people = sorted(
        (
            p
            for p in DATA["people"]
            if p["isActive"] and (departments is None or p["departmentId"] in departments)
        ),
        key=lambda p: (p["name"], p["id"]),
    )

    def order(a):
        project = PROJECTS[a["projectId"]]
        return (project["client"] is None, (project["client"] or "").lower(),
                project["name"].lower(), a["id"])  # fmt: skip

    fixed = ["person_id", "person_name", "department", "project_id", "project_name", "client"]
    rows = [[*fixed, *weeks, "total"]]
    for p in people:
        department = DEPARTMENTS[p["departmentId"]]["name"] if p["departmentId"] else ""
        lead = [str(p["id"]), p["name"], department]
        mine = sorted(
            (a for a in DATA["assignments"] if a["personId"] == p["id"] and a["isActive"]),
            key=order,
        )
        totals = [D(0)] * n
        for a in mine:
            cells = [D(str(a["weeklyHours"].get(w, 0))) for w in weeks]
            totals = [t + c for t, c in zip(totals, cells, strict=True)]
            project = PROJECTS[a["projectId"]]
            rows.append(
                lead
                + [str(project["id"]), project["name"], project["client"] or ""]
                + [number(c) for c in cells]
                + [number(sum(cells))]
            )
        rows.append(lead + ["", "", ""] + [number(t) for t in totals] + [number(sum(totals))])
        # capacity(P, W) from the availability calendar: here the hire day, a mid-week hire
        # counting from that day
        caps = [capacity(p["id"], monday(w)) for w in weeks]
        rows.append(
            lead + ["", "Capacity", ""] + [number(c) for c in caps] + [number(sum(caps, D(0)))]
        )
    return rows


def week_sums(first: str, n: int, departments: set[int] | None = None) -> dict:
    """{person id: {Monday: hours}} straight from the AssignmentWeek rows of the file."""
    weeks = set(mondays(first, n))
    sums: dict[int, dict[str, D]] = {}
    for a in DATA["assignments"]:
        person = PEOPLE[a["personId"]]
        if not (a["isActive"] and person["isActive"]):
            continue
        if departments is not None and person["departmentId"] not in departments:
            continue
        for week, hours in a["weeklyHours"].items():
            if week in weeks and hours:
                per = sums.setdefault(a["personId"], {})
                per[week] = per.get(week, D(0)) + D(str(hours))
    return sums


def totals_of(rows: list[list[str]]) -> dict:
    """{person id: {Monday: hours}} read from the exported total rows (non-zero weeks)."""
    header, body = rows[0], rows[1:]
    weeks = header[6:-1]
    return {
        int(row[0]): {w: D(c) for w, c in zip(weeks, row[6:-1], strict=True) if D(c)}
        for row in body
        if row[3] == "" and row[4] == ""  # a capacity row's project name is "Capacity"
    }


def finished(client: GraphQLClient, export, **variables) -> tuple[dict, str]:
    r = export(client, **variables)
    job_id = r.data["requestGridExport"]["id"]
    state = job_state(client, job_id)
    assert state["status"] == "SUCCEEDED", state
    return state, job_id


# The tests


def test_csv_export_equals_the_dataset(tokens, export):
    # Given the writer's token, when it exports 8 weeks from a Wednesday (its week counts)
    client = GraphQLClient(token=tokens.write)
    r = export(client, **{"from": "2026-11-18", "weeks": 8})
    queued = r.data["requestGridExport"]
    assert queued["status"] == "QUEUED"
    assert queued["progress"] == 0 and queued["format"] == "CSV"
    assert queued["result"] is None and queued["error"] is None

    # then the job has succeeded with a download URL for an hour
    state = job_state(client, queued["id"])
    assert state["id"] == queued["id"]
    assert state["status"] == "SUCCEEDED" and state["progress"] == 100 and state["error"] is None
    assert state["result"]["url"] == f"http://testserver/exports/{queued['id']}/download"
    expires = dt.datetime.fromisoformat(state["result"]["expiresAt"].replace("Z", "+00:00"))
    assert 3590 < (expires - timezone.now()).total_seconds() <= 3600

    # and the file is the reference grid, cell for cell
    response = download(client, state["result"]["url"])
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == (
        'attachment; filename="capgraph-grid-2026-11-16-8w.csv"'
    )
    assert response.headers["cache-control"] == "private, no-store"
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows == expected_csv("2026-11-16", 8)
    assert rows[0][6:8] == ["2026-11-16", "2026-11-23"] and rows[0][-2] == "2027-01-04"
    # every active person is listed, once in a total row and once in a capacity row
    active = [p for p in DATA["people"] if p["isActive"]]
    assert len([r for r in rows[1:] if r[3] == "" and r[4] == ""]) == len(active)
    assert len([r for r in rows[1:] if r[4] == "Capacity"]) == len(active)
    # Sophie Ritchie (50, 40 h a week) is hired on Wednesday 2026-11-25: 3 x 8 h that week
    (sophie,) = [r for r in rows[1:] if r[0] == "50" and r[4] == "Capacity"]
    assert sophie[6:9] == ["0", "24", "40"] and sophie[-1] == "264"
    # and each person's weekly totals are the sums of the AssignmentWeek rows
    assert totals_of(rows) == {
        pid: week_sums("2026-11-16", 8).get(pid, {}) for pid in totals_of(rows)
    }
    assert sum(sum(w.values()) for w in totals_of(rows).values()) == sum(
        sum(w.values()) for w in week_sums("2026-11-16", 8).values()
    )


def test_xlsx_export_has_the_same_cells(tokens, export):
    from openpyxl import load_workbook

    client = GraphQLClient(token=tokens.write)
    state, _ = finished(client, export, **{"from": "2026-11-02", "weeks": 12, "format": "XLSX"})
    response = download(client, state["result"]["url"])
    assert response.status_code == 200
    assert response.headers["content-type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response.headers["content-disposition"] == (
        'attachment; filename="capgraph-grid-2026-11-02-12w.xlsx"'
    )
    sheet = load_workbook(io.BytesIO(response.content), read_only=True)["Grid"]

    def cell(value) -> str:
        if value is None:
            return ""
        if isinstance(value, int | float):
            return number(value)
        return str(value)

    rows = [[cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    assert rows == expected_csv("2026-11-02", 12)
    # ids and hours are numbers in the sheet, not text
    first = next(sheet.iter_rows(min_row=2, max_row=2, values_only=True))
    assert isinstance(first[0], int) and isinstance(first[6], int | float)


def test_department_subtree_export(tokens, export):
    client = GraphQLClient(token=tokens.write)
    state, _ = finished(client, export, **{"from": "2026-11-02", "weeks": 12, "department": "1"})
    rows = list(csv.reader(io.StringIO(download(client, state["result"]["url"]).text)))
    assert rows == expected_csv("2026-11-02", 12, subtree(1))
    # includeChildren: false is the department alone
    state, _ = finished(
        client,
        export,
        **{"from": "2026-11-02", "weeks": 12, "department": "1", "includeChildren": False},
    )
    rows = list(csv.reader(io.StringIO(download(client, state["result"]["url"]).text)))
    assert rows == expected_csv("2026-11-02", 12, {1})


def test_restricted_token_exports_only_its_departments(tokens, export):
    # The engineering token (read scope) sees department 1 and its children only; asking for
    # everything, or for a department outside, gives its departments and nothing else.
    client = GraphQLClient(token=tokens.engineering)
    state, _ = finished(client, export, **{"from": "2026-11-02", "weeks": 12})
    rows = list(csv.reader(io.StringIO(download(client, state["result"]["url"]).text)))
    assert rows == expected_csv("2026-11-02", 12, subtree(1))
    assert {r[2] for r in rows[1:]} <= {DEPARTMENTS[d]["name"] for d in subtree(1)}
    assert totals_of(rows) == {
        pid: week_sums("2026-11-02", 12, subtree(1)).get(pid, {}) for pid in totals_of(rows)
    }

    state, _ = finished(client, export, **{"from": "2026-11-02", "weeks": 12, "department": "7"})
    rows = list(csv.reader(io.StringIO(download(client, state["result"]["url"]).text)))
    assert rows == expected_csv("2026-11-02", 12, set())  # the header alone


def test_weeks_outside_1_to_104_are_refused(tokens, export):
    client = GraphQLClient(token=tokens.write)
    for weeks, code in [(105, "REQUEST_TOO_LARGE"), (0, "BAD_USER_INPUT"), (-1, "BAD_USER_INPUT")]:
        r = export(client, weeks=weeks)
        assert r.body["data"] is None
        assert [(e["extensions"]["code"], e["extensions"]["field"]) for e in r.errors] == [
            (code, "weeks")
        ], weeks
    r = export(client, weeks=4, department="999")
    assert r.codes == ["NOT_FOUND"] and r.errors[0]["extensions"]["field"] == "department"
    r = export(client, weeks=4, department="x")
    assert r.codes == ["BAD_USER_INPUT"] and r.errors[0]["extensions"]["field"] == "department"
    r = export(client, **{"weeks": 2, "from": "9999-12-27"})
    assert r.codes == ["BAD_USER_INPUT"] and r.errors[0]["extensions"]["field"] == "from"
    assert ExportJob.objects.count() == 0
    # 104 weeks is allowed
    assert export(client, weeks=104).data["requestGridExport"]["status"] == "QUEUED"


def test_exports_need_authentication(export):
    r = export(GraphQLClient(), weeks=4)
    assert r.codes == ["UNAUTHENTICATED"]
    assert ExportJob.objects.count() == 0


def test_another_token_cannot_read_or_download_the_job(tokens, export):
    owner = GraphQLClient(token=tokens.write)
    state, job_id = finished(owner, export, weeks=4)
    for other in (GraphQLClient(token=tokens.read), GraphQLClient(token=tokens.web)):
        r = other.post(JOB, {"id": job_id})
        assert r.body["data"] == {"job": None}
        assert r.codes == ["NOT_FOUND"] and r.errors[0]["extensions"]["field"] == "id"
        response = download(other, state["result"]["url"])
        assert response.status_code == 404
        assert response.json() == {"error": "Export not found"}
    # without credentials: 401; a malformed job id is no job either
    assert download(GraphQLClient(), state["result"]["url"]).status_code == 401
    assert owner.post(JOB, {"id": "not-a-uuid"}).codes == ["NOT_FOUND"]
    assert download(owner, state["result"]["url"]).status_code == 200


def test_job_status_is_never_served_from_the_response_cache(tokens, export):
    # Progress changes without a write bumping the data version.
    client = GraphQLClient(token=tokens.write)
    with mock.patch.object(dispatch, "_start"):  # queued, not started
        job_id = export(client, weeks=4).data["requestGridExport"]["id"]
    r = client.post(JOB, {"id": job_id})
    assert r.data["job"]["status"] == "QUEUED"
    assert r.headers["x-capgraph-cache"] == "BYPASS"
    services.run_local(job_id)
    r = client.post(JOB, {"id": job_id})
    assert r.data["job"]["status"] == "SUCCEEDED"
    assert r.headers["x-capgraph-cache"] == "BYPASS"


def test_expired_export_is_gone_and_cleanup_deletes_it(tokens, export, settings):
    client = GraphQLClient(token=tokens.write)
    state, job_id = finished(client, export, weeks=4)
    job = ExportJob.objects.get(pk=job_id)
    path = settings.EXPORT_DIR / job.file_path
    assert path.is_file()

    # When its hour has passed, the URL answers 410 and the job reads EXPIRED
    ExportJob.objects.filter(pk=job_id).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    response = download(client, state["result"]["url"])
    assert response.status_code == 410
    assert response.json() == {"error": "Export expired"}
    assert job_state(client, job_id) == {
        "id": job_id,
        "status": "EXPIRED",
        "progress": 100,
        "result": None,
        "error": None,
    }

    # and cleanup deletes the file, marks the job, and leaves a fresh export alone
    _, fresh_id = finished(client, export, weeks=2)
    fresh = settings.EXPORT_DIR / ExportJob.objects.get(pk=fresh_id).file_path
    from django.core.management import call_command

    out = io.StringIO()
    call_command("cleanup_exports", stdout=out)
    assert out.getvalue() == "deleted 1 file(s), expired 1 job(s)\n"
    assert not path.exists() and fresh.is_file()
    assert ExportJob.objects.get(pk=job_id).status == ExportJob.Status.EXPIRED
    assert download(client, state["result"]["url"]).status_code == 410
    call_command("cleanup_exports", stdout=out)
    assert out.getvalue().endswith("deleted 0 file(s), expired 0 job(s)\n")


def test_transient_database_error_is_retried(tokens, export):
    from assignments import aggregates

    real = aggregates.grid_rows
    calls = []

    def flaky(*args, **kwargs):
        calls.append(args)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return real(*args, **kwargs)

    client = GraphQLClient(token=tokens.write)
    with (
        mock.patch.object(aggregates, "grid_rows", flaky),
        mock.patch("exports.services.time.sleep") as sleep,
    ):
        state, job_id = finished(client, export, **{"from": "2026-11-02", "weeks": 12})
    # one retry, after the first backoff step (0 s here: RETRY_BASE_SECONDS is patched)
    assert len(calls) == 2
    assert sleep.call_args_list == [mock.call(0.0)]
    assert ExportJob.objects.get(pk=job_id).attempts == 2
    rows = list(csv.reader(io.StringIO(download(client, state["result"]["url"]).text)))
    assert rows == expected_csv("2026-11-02", 12)


def test_backoff_is_exponential_and_gives_up(tokens, export):
    assert [services.backoff(n) for n in range(3)] == [0.0, 0.0, 0.0]  # patched base
    with mock.patch.object(services, "RETRY_BASE_SECONDS", 2.0):
        assert [services.backoff(n) for n in range(7)] == [2, 4, 8, 16, 32, 60, 60]
    client = GraphQLClient(token=tokens.write)
    with (
        mock.patch.object(services, "build", side_effect=OperationalError("down")) as build,
        mock.patch("exports.services.time.sleep") as sleep,
    ):
        job_id = export(client, weeks=4).data["requestGridExport"]["id"]
    assert build.call_count == services.MAX_RETRIES + 1 == 4
    assert sleep.call_count == 3
    state = job_state(client, job_id)
    assert state["status"] == "FAILED" and state["error"] == "Database unavailable (4 attempts)"
    assert state["result"] is None


def test_celery_task_retries_transient_error(tokens, export):
    # The worker's path: the task re-queues itself (eagerly here) after a transient error.
    from assignments import aggregates
    from exports.tasks import build_export

    client = GraphQLClient(token=tokens.write)
    with mock.patch.object(dispatch, "_start"):
        job_id = export(client, weeks=4).data["requestGridExport"]["id"]
    real, calls = aggregates.active_people, []

    def flaky(*args):
        calls.append(args)
        if len(calls) == 1:
            raise OperationalError("the database system is starting up")
        return real(*args)

    with mock.patch.object(aggregates, "active_people", flaky):
        result = build_export.apply(args=[job_id])
    assert len(calls) == 2
    assert result.successful() or result.state == "RETRY", result.state
    job = ExportJob.objects.get(pk=job_id)
    assert (job.status, job.attempts, job.progress) == (ExportJob.Status.SUCCEEDED, 2, 100)


def test_a_failing_export_reports_a_safe_error(tokens, export):
    client = GraphQLClient(token=tokens.write)
    with mock.patch("exports.layout.rows", side_effect=ValueError("secret detail")):
        job_id = export(client, weeks=4).data["requestGridExport"]["id"]
    state = job_state(client, job_id)
    assert state["status"] == "FAILED"
    assert state["error"] == "Export failed (internal error)"


def test_export_job_runs_a_fixed_number_of_queries(tokens, export):
    # Whatever the number of people or weeks: job, tree, people, assignments, weekly hours,
    # placeholders' assignments and their weekly hours, the calendar's schedules and time
    # off (small.json follows no holiday calendar: no holidays query) and three updates (a
    # restricted token adds its departments).
    client = GraphQLClient(token=tokens.write)
    with mock.patch.object(dispatch, "_start"):
        small = export(client, weeks=1, department="3").data["requestGridExport"]["id"]
        large = export(client, weeks=104).data["requestGridExport"]["id"]
    with exact_queries(12):
        services.run_local(small)
    with exact_queries(12):
        services.run_local(large)
    eng = GraphQLClient(token=tokens.engineering)
    with mock.patch.object(dispatch, "_start"):
        restricted = export(eng, weeks=104).data["requestGridExport"]["id"]
    with exact_queries(13):
        services.run_local(restricted)
    assert set(ExportJob.objects.values_list("status", flat=True)) == {"succeeded"}


def test_a_broker_that_cannot_be_reached_fails_the_job(tokens, export, settings):
    from exports.tasks import build_export

    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    client = GraphQLClient(token=tokens.write)
    with mock.patch.object(build_export, "delay", side_effect=ConnectionError("refused")):
        job_id = export(client, weeks=4).data["requestGridExport"]["id"]
    state = job_state(client, job_id)
    assert state["status"] == "FAILED"
    assert state["error"] == "Could not queue the export; try again later"


def test_a_session_export_belongs_to_that_session_user_only(db, tokens, export):
    from django.contrib.auth.models import User

    from accounts.models import ApiToken
    from tests.helpers import login

    planner = User.objects.create_user("planner", password="secret")
    browser = GraphQLClient()
    status, me = login(browser)
    assert status == 200
    browser.headers["X-CSRFToken"] = me["csrfToken"]
    state, job_id = finished(browser, export, **{"from": "2026-11-02", "weeks": 12})
    assert ExportJob.objects.filter(pk=job_id, user=planner, token=None).exists()
    response = browser.request("GET", path_of(state["result"]["url"]))  # the session cookie
    assert response.status_code == 200
    assert list(csv.reader(io.StringIO(response.text))) == expected_csv("2026-11-02", 12)

    # The same user's API token is not the session that asked: NOT_FOUND, 404
    _, raw = ApiToken.issue(planner, scope="write")
    with_token = GraphQLClient(token=raw)
    assert with_token.post(JOB, {"id": job_id}).codes == ["NOT_FOUND"]
    assert download(with_token, state["result"]["url"]).status_code == 404


def test_progress_and_time_limit(tokens, export, settings):
    from exports import layout

    real, seen = layout.rows, []

    def watching(*args):
        job = ExportJob.objects.get()
        seen.append((job.status, job.progress, job.attempts))
        return real(*args)

    client = GraphQLClient(token=tokens.write)
    with mock.patch.object(layout, "rows", watching):
        finished(client, export, weeks=4)
    assert seen == [(ExportJob.Status.RUNNING, 60, 1)]  # read, writing the file

    # A job past its time limit stops with a clear error (0 s: past it at the first check)
    settings.EXPORT_TASK_TIME_LIMIT = 0
    job_id = export(client, weeks=4).data["requestGridExport"]["id"]
    state = job_state(client, job_id)
    assert (state["status"], state["error"], state["result"]) == (
        "FAILED",
        "Export took longer than 0 s",
        None,
    )


def test_capacity_rows_follow_the_calendar(tokens, export):
    # Given the calendar cases (one person per rule of the availability calendar)
    load_calendar_dataset(calendar_data.CASES)
    cases = Reference.of(calendar_data.CASES)
    client = GraphQLClient(token=tokens.write)
    with mock.patch.object(dispatch, "_start"):
        job = export(client, **{"from": "2027-01-04", "weeks": 2}).data["requestGridExport"]
    # when the job runs: job, tree, people, assignments, weekly hours, placeholders'
    # assignments and their weekly hours, schedules, holidays (people here follow holiday
    # calendars), time off, three updates
    with exact_queries(13):
        services.run_local(job["id"])
    rows = list(
        csv.reader(
            io.StringIO(download(client, job_state(client, job["id"])["result"]["url"]).text)
        )
    )
    # then each person's capacity row is capacity(P, W), its total the sum
    capacity_rows = {int(r[0]): r[6:] for r in rows[1:] if r[4] == "Capacity"}
    weeks = [dt.date(2027, 1, 4), dt.date(2027, 1, 11)]
    assert capacity_rows == {
        p["id"]: [number(cases.capacity(p["id"], w)) for w in weeks]
        + [number(sum((cases.capacity(p["id"], w) for w in weeks), D(0)))]
        for p in cases.active()
    }
    assert capacity_rows[9] == ["26.66", "33.33", "59.99"]  # Ivy: 33.33 a week, a holiday
    assert capacity_rows[2] == ["32", "0", "32"]  # Ben leaves on Thursday of the first week
