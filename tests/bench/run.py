"""`make bench`: capgraph's operations on medium.json through the real ASGI app.

Runs on a throwaway database: `<name>_bench` on the PostgreSQL server that DATABASE_URL names
(created fresh, never the configured database itself), or a temporary SQLite file when
DATABASE_URL is unset. For each operation: median and p95 latency over BENCH_ROUNDS runs
(default 20), SQL queries per request, response bytes. Then the floor for the heatmap: the
same aggregation as one raw SQL statement plus json.dumps, and the ratio to it.
"""

import json
import os
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from io import StringIO
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
MEDIUM = REPO / "datasets" / "medium.json"
# Another file of datasets/generate.py's (same first week), e.g. 10,000 people:
#   python datasets/generate.py --people 10000 > /tmp/p10k.json
#   BENCH_DATASET=/tmp/p10k.json make bench
DATASET = Path(os.environ.get("BENCH_DATASET", MEDIUM))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "20"))
FROM = "2026-11-02"  # medium.json's first week


def setup_database() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        import psycopg

        base, _, name = url.rpartition("/")
        bench = f"{name}_bench"
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{bench}"')
            conn.execute(f'CREATE DATABASE "{bench}"')
        os.environ["DATABASE_URL"] = f"{base}/{bench}"
        return f"PostgreSQL ({bench})"
    os.environ["SQLITE_PATH"] = str(Path(tempfile.mkdtemp()) / "bench.sqlite3")
    return "SQLite (temporary file)"


def operations() -> list[tuple[str, str, dict]]:
    from tests.helpers import ASSIGNMENTS_DOCUMENT, PEOPLE_DOCUMENT

    ops = [
        ("people(first: 200), nested", PEOPLE_DOCUMENT, {"first": 200}),
        ("assignments(first: 200), 26 weeks", ASSIGNMENTS_DOCUMENT, {"first": 200}),
    ]
    for weeks in (12, 26):
        ops += [
            (
                f"capacityHeatmap {weeks} weeks",
                f"""{{ capacityHeatmap(from: "{FROM}", weeks: {weeks}) {{ weekKeys rows {{
                person {{ id name }} weeklyCapacity hoursByWeek percentByWeek availableByWeek
                peakPercent averagePercent }} }} }}""",
                {},
            ),
            (
                f"gridSnapshot {weeks} weeks",
                f"""{{ gridSnapshot(from: "{FROM}", weeks: {weeks}) {{ weekKeys people {{ id
                name weeklyCapacity departmentId firstEligibleWeek }} hoursByPerson
                assignments {{ id personId projectId projectName projectClient version
                weeklyHours }} }} }}""",
                {},
            ),
            (
                f"roleCapacity {weeks} weeks",
                f"""{{ roleCapacity(from: "{FROM}", weeks: {weeks}) {{ weekKeys roles {{ id
                name }} series {{ role {{ id }} assigned capacity }} }} }}""",
                {},
            ),
        ]
    ops += [
        (
            "findAvailable limit 100",
            """{ findAvailable(week: "2026-11-16", skills: ["Python", "React"], limit: 100) {
            person { id name } score availableHours capacity utilizationPercent skillScore
            matchedSkills missingSkills } }""",
            {},
        ),
        (
            "skillMatch limit 100, with week",
            """{ skillMatch(skills: ["Python", "React", "SQL"], week: "2026-11-16",
            limit: 100) { person { id name } score skillScore matchedSkills missingSkills } }""",
            {},
        ),
        (
            "projects(first: 50) availability",
            """{ projects(first: 50) { edges { node { id availability(week: "2026-11-16") {
            person { id name } projectHours totalHours capacity availableHours
            utilizationPercent } } } } }""",
            {},
        ),
    ]
    return ops


@contextmanager
def on_every_connection(wrapper):
    """`wrapper` (a Django execute wrapper) on this thread's connection and on every one
    opened meanwhile: the grid reads its assignment weeks on a worker's own connection
    (core.overlap), which one connection's wrapper or CaptureQueriesContext would miss."""
    from django.db import connection
    from django.db.backends.signals import connection_created

    hooked = []

    def hook(sender, connection, **kwargs) -> None:
        if wrapper not in connection.execute_wrappers:
            connection.execute_wrappers.append(wrapper)
            hooked.append(connection)

    connection_created.connect(hook)
    hook(None, connection)  # this thread's, perhaps connected already
    try:
        yield
    finally:
        connection_created.disconnect(hook)
        for each in hooked:
            each.execute_wrappers.remove(wrapper)


def counted_sql(fn):
    """fn's result and the queries its request makes on every thread's connection."""
    count = [0]

    def counter(execute, sql, params, many, context):
        count[0] += 1
        return execute(sql, params, many, context)

    with on_every_connection(counter):
        result = fn()
    return result, count[0]


def measure(fn) -> tuple[float, float]:
    fn()  # warm-up
    timings = []
    for _ in range(ROUNDS):
        t0 = time.perf_counter()
        fn()
        timings.append((time.perf_counter() - t0) * 1000)
    timings.sort()
    return statistics.median(timings), timings[max(0, round(len(timings) * 0.95) - 1)]


def heatmap_floor(weeks: int):
    """The heatmap's aggregation as one raw SQL statement, serialized with json.dumps."""
    import datetime as dt

    from django.db import connection

    first = dt.date.fromisoformat(FROM)
    last = first + dt.timedelta(weeks=weeks - 1)
    sql = """
        SELECT p.id, p.name, p.weekly_capacity, aw.week, SUM(aw.hours)
        FROM people_person p
        LEFT JOIN assignments_assignmentweek aw ON aw.person_id = p.id
          AND aw.week BETWEEN %s AND %s
          AND EXISTS (SELECT 1 FROM assignments_assignment a
                      WHERE a.id = aw.assignment_id AND a.is_active)
        WHERE p.is_active
        GROUP BY p.id, p.name, p.weekly_capacity, aw.week
        ORDER BY p.name, p.id, aw.week
    """

    def run() -> int:
        with connection.cursor() as cursor:
            cursor.execute(sql, [first, last])
            rows = cursor.fetchall()
        body = json.dumps(
            [
                [pid, name, float(cap), week.isoformat() if week else None, float(h or 0)]
                for pid, name, cap, week, h in rows
            ]
        )
        return len(body)

    return run


def server_ms(response) -> float:
    return float(response.headers["Server-Timing"].split("dur=")[1])


def warm_cache_and_throughput(client, document: str, request) -> None:
    """The 26-week heatmap by hash: warm response cache against cold, and throughput of 50
    concurrent clients (in this process, as one API worker serves them)."""
    import asyncio
    import hashlib

    import httpx
    from django.conf import settings

    from config.asgi import application
    from core import dataversion

    digest = hashlib.sha256(document.encode()).hexdigest()
    extensions = json.dumps({"persistedQuery": {"version": 1, "sha256Hash": digest}})
    headers = {"Authorization": f"Bearer {client.token}"}
    request(document, {})  # registers nothing yet: APQ needs hash + text once
    client.request(
        "POST", json={"query": document, "extensions": json.loads(extensions)}, headers=headers
    )

    def by_hash():
        r = client.request("GET", params={"extensions": extensions}, headers=headers)
        assert r.status_code == 200 and r.content.startswith(b'{"data"'), r.text[:300]
        return r

    warm = statistics.median(server_ms(by_hash()) for _ in range(ROUNDS))
    cold = []
    for _ in range(ROUNDS):
        dataversion.bump()
        cold.append(server_ms(by_hash()))
    cold_median = statistics.median(cold)
    print(
        f"\n26-week heatmap by hash (GET): server time warm cache {warm:.2f} ms, cold "
        f"{cold_median:.1f} ms: {cold_median / warm:.0f}x faster warm"
    )

    async def throughput(seconds: float = 3.0, clients: int = 50) -> float:
        transport = httpx.ASGITransport(app=application)
        done = 0
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            deadline = time.perf_counter() + seconds

            async def worker():
                nonlocal done
                while time.perf_counter() < deadline:
                    r = await c.get("/graphql", params={"extensions": extensions}, headers=headers)
                    assert r.status_code == 200 and r.content.startswith(b'{"data"'), r.text[:99]
                    done += 1

            started = time.perf_counter()
            await asyncio.gather(*(worker() for _ in range(clients)))
            return done / (time.perf_counter() - started)

    cached = asyncio.run(throughput())
    ttl = settings.RESPONSE_CACHE_TTL
    settings.RESPONSE_CACHE_TTL = 0  # every request computes
    try:
        uncached = asyncio.run(throughput())
    finally:
        settings.RESPONSE_CACHE_TTL = ttl
    print(
        f"50 concurrent clients, one process, 3 s: {cached:.0f} req/s cached, "
        f"{uncached:.1f} req/s uncached"
    )


def limits_overhead(documents: list[tuple[str, str, dict]]) -> None:
    """What the hostile-input limits add to a request (api/gate.py, api/limits.py): the
    document limits (depth, aliases, directives, expanded size, same-place fields), then the
    cost check (variables coerced with their defaults, list bounds, nodes). graphql-core's
    own validation, for comparison, runs once per document (then the document is cached)."""
    from graphql import get_operation_ast, parse, validate
    from graphql.execution.values import get_variable_values

    from api import gate, limits
    from api.schema import schema

    graphql_schema = schema._schema
    print("\nlimits overhead (median of 200 runs, ms): target under 2 ms each")
    print(f"{'document':<36} {'limits':>8} {'cost':>8} {'total':>8} {'validate':>9}")
    for label, document, variables in documents:
        node = parse(document)
        operation = get_operation_ast(node)
        assert operation is not None

        def check(node=node) -> None:
            assert limits.check_document(node) == []

        def cost(node=node, operation=operation, variables=variables) -> None:
            coerced = get_variable_values(
                graphql_schema, operation.variable_definitions or (), variables
            )
            assert not isinstance(coerced, list)
            assert limits.price(graphql_schema, node, operation, coerced).error is None

        def validation(node=node) -> None:
            assert validate(graphql_schema, node, gate._rules(False)) == []

        figures = []
        for fn in (check, cost, validation):
            fn()
            runs = []
            for _ in range(200):
                t0 = time.perf_counter()
                fn()
                runs.append((time.perf_counter() - t0) * 1000)
            figures.append(statistics.median(runs))
        total = figures[0] + figures[1]
        print(f"{label:<36} {figures[0]:>8.3f} {figures[1]:>8.3f} {total:>8.3f} {figures[2]:>9.2f}")


def static_files_overhead(token: str) -> None:
    """WhiteNoise 6.12's middleware as is (sync only) against api/staticfiles.py's async
    subclass, both under Django's ASGI handler: a GraphQL request (no static file: the cost
    is the sync middleware's thread hops), the admin's base.css, and the warnings Django
    prints for files served from a synchronous iterator."""
    import warnings

    from django.conf import settings
    from django.core.handlers.asgi import ASGIHandler
    from django.test import override_settings

    from tests.client import GraphQLClient

    ours = list(settings.MIDDLEWARE)
    stock = [
        "whitenoise.middleware.WhiteNoiseMiddleware" if m.endswith("StaticFilesMiddleware") else m
        for m in ours
    ]
    viewer = {"query": "{ viewer { username } }"}
    clients = {}
    for label, middleware in (("WhiteNoise 6.12 as is", stock), ("async subclass", ours)):
        with override_settings(MIDDLEWARE=middleware):
            clients[label] = GraphQLClient(token=token, app=ASGIHandler())
    # Alternating runs, the median of each kind: the machine's load drifts.
    runs: dict[str, list[tuple[float, float, int]]] = {label: [] for label in clients}
    for _ in range(5):
        for label, client in clients.items():
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                graphql = measure(
                    lambda c=client: c.request("POST", json=viewer, headers=c._headers(None))
                )
                css = measure(lambda c=client: c.request("GET", "/static/admin/css/base.css"))
            runs[label].append((graphql[0], css[0], len(caught)))
    rows = {
        label: tuple(statistics.median(r[i] for r in found) for i in range(3))
        for label, found in runs.items()
    }
    print("\nstatic files under ASGI (median ms; Django's warnings over the rounds)")
    for label, (graphql, css, caught) in rows.items():
        print(
            f"  {label:<22} GraphQL viewer {graphql:6.2f}  base.css {css:6.2f}  warnings {caught}"
        )
    (g0, c0, _), (g1, c1, _) = rows.values()
    print(f"  async / as is: GraphQL {g1 / g0:.2f}x, base.css {c1 / c0:.2f}x")


def role_capacity_paths() -> None:
    """assignments.aggregates keeps a PostgreSQL-only role-capacity statement beside the
    portable path only while it is at least 2x faster at 10,000 people (BENCH_DATASET)."""
    import datetime as dt

    from django.db import connection

    from accounts.access import EVERYTHING
    from assignments.aggregates import role_week_totals
    from people.tree import DepartmentTree
    from planning.weeks import week_keys

    if connection.vendor != "postgresql":
        print("\nrole capacity paths: PostgreSQL only")
        return
    print("\nrole capacity, all roles: PostgreSQL statement vs portable path (function only)")
    tree = DepartmentTree.load()
    for weeks in (12, 26):
        keys = week_keys(dt.date.fromisoformat(FROM), weeks)
        pg = measure(lambda keys=keys: role_week_totals(EVERYTHING, None, None, keys, tree))[0]
        portable = measure(
            lambda keys=keys: role_week_totals(EVERYTHING, None, None, keys, tree, portable=True)
        )[0]
        print(
            f"  {weeks} weeks: statement {pg:.1f} ms, portable {portable:.1f} ms; "
            f"portable / statement = {portable / pg:.2f}x"
        )


WRITES = {
    "updatePerson": """mutation($c: Float) { updatePerson(id: "1", input: {weeklyCapacity: $c})
      { person { id } } }""",
    "updateProject": """mutation($c: String) { updateProject(id: "1", input: {client: $c})
      { project { id } } }""",
    "bulkUpdateAssignmentHours": """mutation($v: Int!, $h: JSON!) { bulkUpdateAssignmentHours(
      items: [{assignmentId: "1", expectedVersion: $v, weeklyHours: $h}])
      { assignments { version } } }""",
}


def write_overhead(client) -> None:
    """The change log's cost to writes: the same mix of three mutations through the ASGI app
    with the log on and suspended (changes.log.suspended, the bench's switch), alternating
    rounds so that the machine's drift hits both alike. Target: at most 15% slower."""
    from assignments.models import Assignment
    from changes import log
    from changes.models import Change

    headers = {"Authorization": f"Bearer {client.token}"}
    state = {"n": 0, "version": Assignment.objects.get(pk=1).version}

    def mix() -> None:
        state["n"] += 1
        n = state["n"]
        for name, variables in (
            ("updatePerson", {"c": 30 + n % 10}),
            ("updateProject", {"c": f"Client {n}"}),
            ("bulkUpdateAssignmentHours", {"v": state["version"], "h": {FROM: n % 40}}),
        ):
            r = client.request(
                "POST", json={"query": WRITES[name], "variables": variables}, headers=headers
            )
            assert r.status_code == 200 and b'"errors"' not in r.content, r.text[:300]
        state["version"] += 1

    def unlogged() -> None:
        with log.suspended():
            mix()

    before = Change.objects.count()
    runs: dict[str, list[float]] = {"on": [], "off": []}
    for _ in range(5):
        runs["on"].append(measure(mix)[0])
        runs["off"].append(measure(unlogged)[0])
    on, off = statistics.median(runs["on"]), statistics.median(runs["off"])
    logged = Change.objects.count() - before
    print(
        f"\nwrites (updatePerson + updateProject + bulkUpdateAssignmentHours, median ms of 3 "
        f"writes): change log on {on:.1f}, off {off:.1f} = {100 * (on / off - 1):+.1f}% "
        f"({logged:,} change rows appended)"
    )
    # Part of "on": the after-commit notice to live subscribers (changes.live.committed), one
    # Redis PUBLISH per committed write; without REDIS_URL an in-process call_soon.
    from django.conf import settings

    from changes import live

    if settings.REDIS_URL:
        publish, p95 = measure(lambda: live._redis().publish(live.CHANNEL, "0"))
        print(
            f"  of which the live subscriptions' notice (Redis PUBLISH): {publish:.3f} ms "
            f"(p95 {p95:.3f}) per write"
        )


CALENDAR_OPERATIONS = [
    (
        "capacityHeatmap 26 weeks",
        f"""{{ capacityHeatmap(from: "{FROM}", weeks: 26) {{ weekKeys holidays {{ calendarId
        holidays {{ date name }} }} rows {{ person {{ id name }}
        weeklyCapacity hoursByWeek percentByWeek availableByWeek capacityByWeek timeOffByWeek
        holidayByWeek peakPercent averagePercent absences {{ kind startDate endDate }}
        holidayCalendarId }} }} }}""",
    ),
    (
        "gridSnapshot 26 weeks",
        f"""{{ gridSnapshot(from: "{FROM}", weeks: 26) {{ weekKeys holidays {{ calendarId
        holidays {{ date name }} }} people {{ id name
        weeklyCapacity departmentId firstEligibleWeek endDate capacityByWeek timeOffByWeek
        holidayByWeek absences {{ kind startDate endDate }} holidayCalendarId }} hoursByPerson
        assignments {{ id
        personId projectId projectName projectClient version weeklyHours }} }} }}""",
    ),
    (
        "findAvailable limit 100",
        """{ findAvailable(week: "2026-11-16", skills: ["Python", "React"], limit: 100) {
        person { id name } score availableHours capacity utilizationPercent skillScore
        matchedSkills missingSkills } }""",
    ),
]
CALENDAR_TARGET = 1.25


CALENDAR_PAIRS = int(os.environ.get("BENCH_CALENDAR_PAIRS", "6"))


def calendar_cost(request) -> None:
    """The issue's speed target: the 26-week heatmap, the grid and findAvailable on the
    dataset with a generated availability calendar (datasets/generate.py's add_calendar with
    the generator's seed: for medium.json, `generate.py --people 500 --weeks 26 --seed 42
    --calendar`) within 1.25x of their time on the same data without one, measured in this
    run. The machine's load drifts, so the two sides are measured in adjacent blocks
    (BENCH_CALENDAR_PAIRS pairs, a reload before each block, the order alternating from pair
    to pair), each block a warm-up then ROUNDS rounds of the three operations in turn. Each
    pair gives a ratio of medians (with / without); the verdict is the median of those
    ratios, shown with their spread (lowest..highest), next to the median of all rounds and
    the median CPU time of this process per request."""
    import importlib.util
    import random

    from django.core.management import call_command

    spec = importlib.util.spec_from_file_location("generate", REPO / "datasets" / "generate.py")
    assert spec is not None and spec.loader is not None
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    data = json.loads(DATASET.read_text())
    generator.add_calendar(data, random.Random(data["seed"] + 1))
    with_calendar = Path(tempfile.mkdtemp()) / f"{DATASET.stem}_calendar.json"
    with_calendar.write_text(json.dumps(data))
    # blocks[label][calendar] = one list of round times per block
    blocks: dict[str, dict[bool, list[list[float]]]] = {
        label: {False: [], True: []} for label, _ in CALENDAR_OPERATIONS
    }
    # this process's CPU time per request (the app's Python; PostgreSQL's work is not in it):
    # other jobs on the machine stretch it much less than the wall clock
    cpu: dict[str, dict[bool, list[float]]] = {
        label: {False: [], True: []} for label, _ in CALENDAR_OPERATIONS
    }
    for pair in range(CALENDAR_PAIRS):
        for calendar in (False, True) if pair % 2 == 0 else (True, False):
            path = with_calendar if calendar else DATASET
            call_command("load_dataset", str(path), "--replace", stdout=StringIO())
            for label, _ in CALENDAR_OPERATIONS:
                blocks[label][calendar].append([])
            for _, document in CALENDAR_OPERATIONS:
                request(document, {})  # warm-up
            for _ in range(ROUNDS):
                for label, document in CALENDAR_OPERATIONS:
                    c0, t0 = time.process_time(), time.perf_counter()
                    request(document, {})
                    blocks[label][calendar][-1].append((time.perf_counter() - t0) * 1000)
                    cpu[label][calendar].append((time.process_time() - c0) * 1000)
    print(
        f"\navailability calendar: {DATASET.name} without / with a generated calendar "
        f"({len(data['holidays'])} holidays, {len(data['timeOff'])} time-off entries, "
        f"{sum(len(p['schedules']) for p in data['people'])} schedules); target <= "
        f"{CALENDAR_TARGET}x; {CALENDAR_PAIRS} pairs of blocks of {ROUNDS} rounds"
    )
    for label, _ in CALENDAR_OPERATIONS:
        sides = blocks[label]
        ratios = sorted(
            statistics.median(cal) / statistics.median(plain)
            for plain, cal in zip(sides[False], sides[True], strict=True)
        )
        ratio = statistics.median(ratios)
        plain = statistics.median(t for block in sides[False] for t in block)
        cal = statistics.median(t for block in sides[True] for t in block)
        verdict = "ok" if ratio <= CALENDAR_TARGET else "OVER"
        cpu_plain, cpu_cal = (statistics.median(cpu[label][side]) for side in (False, True))
        print(
            f"  {label:<26} without {plain:6.1f} ms  with {cal:6.1f} ms  "
            f"ratio median {ratio:.2f}x {verdict} (pairs {ratios[0]:.2f}x..{ratios[-1]:.2f}x); "
            f"CPU {cpu_plain:.1f} / {cpu_cal:.1f} ms = {cpu_cal / cpu_plain:.2f}x"
        )
    call_command("load_dataset", str(DATASET), "--replace", stdout=StringIO())


COMPILED_TARGET_US = 5.0  # server CPU per resolved field, compiled path
COMPILED_TARGET_RATIO = 0.6  # compiled / the bare graphql-core floor


def _fields(value) -> int:
    """Resolved fields in an answer: every entry of every object in it."""
    if isinstance(value, dict):
        return sum(1 + _fields(v) for v in value.values())
    if isinstance(value, list):
        return sum(_fields(v) for v in value)
    return 0


def compiled_execution(client, document: str, variables: dict, repeats: int = 5) -> None:
    """Issue 17 part 1: the nested people document's server CPU per resolved field on the
    compiled path and on graphql-core's, beside two floors measured in the same run: bare
    graphql-core executing the same document over the answer as prebuilt plain data (a
    schema built from the SDL, default resolvers), and building the same dicts in plain
    Python plus orjson. CPU is the process's (time.process_time: the event loop and the
    ORM threads, not PostgreSQL's), per request through the ASGI app; the four are
    measured in turns, `repeats` times, and the ratio is taken within each turn."""
    import orjson
    from django.conf import settings
    from graphql import build_schema, execute_sync, parse

    from api.schema import schema

    # Posted as _requester posts: without the test client's leak check of the response (a
    # regular expression over 0.7 MB, about 55 ms of the client's CPU per request, which
    # time.process_time would count as the server's).
    request = _requester(client)

    def server(on: bool):
        def run():
            settings.COMPILED_QUERIES = on
            r = request(document, variables)
            assert r.content.startswith(b'{"data"'), r.text[:300]
            return r

        return run

    data = orjson.loads(server(False)().content)["data"]
    fields = _fields(data)
    bare = build_schema(schema.as_str())
    parsed = parse(document)

    def graphql_floor():
        result = execute_sync(bare, parsed, root_value=data, variable_values=variables)
        assert not result.errors, result.errors
        return orjson.dumps({"data": result.data})

    def rebuild(value):
        if type(value) is dict:
            return {k: rebuild(v) for k, v in value.items()}
        if type(value) is list:
            return [rebuild(v) for v in value]
        return value

    def dict_floor():
        return orjson.dumps({"data": rebuild(data)})

    def cpu_us(fn, rounds: int) -> float:
        fn()
        samples = []
        for _ in range(rounds):
            t0 = time.process_time()
            fn()
            samples.append(time.process_time() - t0)
        return statistics.median(samples) * 1e6 / fields

    rounds = max(3, ROUNDS // 4)
    turns = []
    for _ in range(repeats):
        turns.append(
            (
                cpu_us(server(True), rounds),
                cpu_us(server(False), rounds),
                cpu_us(graphql_floor, rounds),
                cpu_us(dict_floor, rounds),
            )
        )
    settings.COMPILED_QUERIES = True  # the default, for the sections after this one
    compiled, normal, _, _ = (statistics.median(t[i] for t in turns) for i in range(4))
    ratios = sorted(t[0] / t[2] for t in turns)
    ratio = statistics.median(ratios)
    print(
        f"\ncompiled execution: people(first: {variables.get('first')}), nested: "
        f"{fields:,} fields resolved; server CPU per field, median of {repeats} turns of "
        f"{rounds} requests (spread min..max)"
    )
    for label, i in (
        ("compiled path", 0),
        ("graphql-core path (normal)", 1),
        ("floor: bare graphql-core", 2),
        ("floor: plain dicts + orjson", 3),
    ):
        values = [t[i] for t in turns]
        print(
            f"  {label:<30} {statistics.median(values):6.2f} us/field  "
            f"({min(values):.2f}..{max(values):.2f})"
        )
    verdict = "PASS" if compiled <= COMPILED_TARGET_US else "FAIL"
    print(f"  compiled {compiled:.2f} us/field, target <= {COMPILED_TARGET_US} us: {verdict}")
    verdict = "PASS" if ratio <= COMPILED_TARGET_RATIO else "FAIL"
    print(
        f"  compiled / bare graphql-core floor = {ratio:.2f}x ({ratios[0]:.2f}..{ratios[-1]:.2f}),"
        f" target <= {COMPILED_TARGET_RATIO}x: {verdict}"
    )
    print(f"  compiled / normal path = {compiled / normal:.2f}x")
    week_data_share(request, document, variables, rounds, repeats)


# The nested document's two typed week lists (issue 17 part 3), as tests.helpers spells them,
# and the week maps that carry the same (tests.helpers.PEOPLE_MAPS_DOCUMENT).
WEEK_LISTS = (
    " hoursByWeek(weeks: 12) { week hours }",
    """
  hoursByWeek(weeks: 12) { week hours capacity availableHours utilizationPercent
    scheduledHours holidayHours timeOffHours }""",
)
WEEK_MAPS = (
    " weekMaps(weeks: 12) { hoursByWeek }",
    """
  weekMaps(weeks: 12) { weekKeys hoursByWeek capacityByWeek availableByWeek percentByWeek
    scheduledByWeek holidayByWeek timeOffByWeek }""",
)
# The same document with the week maps reduced to their __typename: the loads the week
# data needs (the 12-week calendar, the hours, the assignments' weeks), which the lists and
# the maps both make, and nothing built from them.
WEEK_LOADS = (" weekMaps(weeks: 12) { __typename }", "\n  weekMaps(weeks: 12) { __typename }")
# What the week data may add, as maps, to the document without it, on the compiled path.
# The loads alone add about 37% (load 3.3); the rest of the 60 is for building the maps.
WEEK_MAPS_TARGET = 0.60


def week_data_share(request, document: str, variables: dict, rounds: int, repeats: int) -> None:
    """Issue 17 part 3: what the week data costs in the nested document on each path: the
    document with the typed lists (Person.hoursByWeek and Assignment.hoursByWeek), with the
    week maps instead (Person.weekMaps, Assignment.weekMaps), and without either; on the
    compiled path also with the maps' keys alone (the loads). CPU per request, measured in
    turns; each figure is the median over the turns, each share the median of the turns'
    own ratios (what the week data adds to the document without it)."""
    from django.conf import settings

    from tests.helpers import PEOPLE_MAPS_DOCUMENT

    without, maps, loads = document, document, document
    for lists_text, maps_text, keys_text in zip(WEEK_LISTS, WEEK_MAPS, WEEK_LOADS, strict=True):
        assert lists_text in document, lists_text
        without = without.replace(lists_text, "")
        maps = maps.replace(lists_text, maps_text)
        loads = loads.replace(lists_text, keys_text)
    assert maps.split("{", 1)[1] == PEOPLE_MAPS_DOCUMENT.split("{", 1)[1]

    def cpu_ms(on: bool, text: str) -> float:
        settings.COMPILED_QUERIES = on
        request(text, variables)
        samples = []
        for _ in range(rounds):
            t0 = time.process_time()
            request(text, variables)
            samples.append(time.process_time() - t0)
        return statistics.median(samples) * 1000

    # per turn: compiled lists, maps, without, loads; graphql-core lists, maps, without
    texts = {True: (document, maps, without, loads), False: (document, maps, without)}
    turns = [
        [cpu_ms(on, text) for on in (True, False) for text in texts[on]] for _ in range(repeats)
    ]
    settings.COMPILED_QUERIES = True

    def median(i: int) -> float:
        return statistics.median(t[i] for t in turns)

    def added(i: int, base: int) -> list[float]:
        return sorted(t[i] / t[base] - 1 for t in turns)

    print(
        "  week data (Person 12 weeks x 8 fields, Assignment 12 weeks of hours): CPU per "
        "request, and what it adds to the document without it"
    )
    for label, i in (("compiled path", 0), ("graphql-core path", 4)):
        lists_added, maps_added = (statistics.median(added(i + j, i + 2)) for j in (0, 1))
        print(
            f"    {label:<18} no week data {median(i + 2):6.1f} ms; typed lists "
            f"{median(i):6.1f} ms (+{lists_added:.0%}); maps {median(i + 1):6.1f} ms "
            f"(+{maps_added:.0%})"
        )
    loads_added = statistics.median(added(3, 2))
    print(
        f"    compiled path      the loads alone (weekMaps {{ __typename }}) {median(3):6.1f} ms "
        f"(+{loads_added:.0%}); the maps add {statistics.median(added(1, 3)):.0%} to them, "
        f"the typed lists {statistics.median(added(0, 3)):.0%}"
    )
    maps_added = added(1, 2)
    share = statistics.median(maps_added)
    verdict = "PASS" if share <= WEEK_MAPS_TARGET else "FAIL"
    print(
        f"  compiled: the maps add {share:.0%} ({maps_added[0]:.0%}..{maps_added[-1]:.0%}) "
        f"to the document without week data, target <= {WEEK_MAPS_TARGET:.0%}: {verdict}"
    )


def differential_corpus(client, count: int, seed: int) -> None:
    """`run.py --corpus N`: N generated documents through both paths (tests/compiled_corpus)."""
    from django.conf import settings

    from api.schema import schema
    from people.models import Department, Person
    from projects.models import Project
    from tests.compiled_corpus import both_paths, generate, same_answer

    settings.RESPONSE_CACHE_TTL = 0
    ids = {
        "person": [str(i) for i in Person.objects.order_by("id").values_list("id", flat=True)[:3]],
        "project": [
            str(i) for i in Project.objects.order_by("id").values_list("id", flat=True)[:3]
        ],
        "department": [
            str(i) for i in Department.objects.order_by("id").values_list("id", flat=True)[:3]
        ],
    }
    documents = generate(schema._schema, count, seed, ids)
    same = compiled = errors = wavered = 0
    started = time.perf_counter()
    for text, variables in documents:
        outcome = both_paths(client, text, variables)
        if same_answer(client, text, variables, outcome):
            same += 1
            wavered += outcome.compiled != outcome.normal
        else:
            print(f"  DIFFERENT: {text} {variables}")
            print(f"    graphql-core ({outcome.normal_sql} SQL): {outcome.normal[:400]!r}")
            print(
                f"    compiled ({outcome.compiled_sql} SQL, plan ran to the end: "
                f"{outcome.ran_compiled}): {outcome.compiled[:400]!r}"
            )
        compiled += outcome.ran_compiled
        errors += b'"errors"' in outcome.normal
    print(
        f"\ndifferential corpus (seed {seed}): {count:,} documents in "
        f"{time.perf_counter() - started:.0f} s: {same:,} identical, {compiled:,} ran compiled, "
        f"{errors:,} answered errors ({wavered} of them answered two ways by graphql-core "
        f"itself, the plan's one among them): {'PASS' if same == count else 'FAIL'}"
    )


def _requester(client):
    """request(document, variables, cached=False): one POST through the ASGI app, the data
    version bumped first unless `cached` (measure the work, not the response cache)."""
    import httpx
    from asgiref.sync import async_to_sync

    from config.asgi import application
    from core import dataversion

    headers = {"Authorization": f"Bearer {client.token}"}

    async def post(payload: dict):
        # The ASGI app through httpx as GraphQLClient sends, without the test suite's leak
        # check of every response (a regular expression over up to a megabyte: its time is
        # the client's, not the server's, and grows with the answer's size).
        transport = httpx.ASGITransport(app=application, client=("127.0.0.1", 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            return await c.post("/graphql", json=payload, headers=headers)

    def request(document, variables, cached=False):
        if not cached:
            dataversion.bump()
        r = async_to_sync(post)({"query": document, "variables": variables})
        # checked without decoding: timing a client's JSON parsing is not the point
        assert r.status_code == 200 and not r.content.startswith(b'{"errors"'), r.text[:500]
        return r

    return request


# --- `run.py --people N` (make bench ARGS="--people 10000"): the reports at organisation scale
SCALE_WEEKS = 104  # weeks of generated plans (datasets/generate.py --weeks)
SCALE_SEED = 42
SCALE_ROUNDS = int(os.environ.get("BENCH_SCALE_ROUNDS", "7"))
SCALE_HEATMAP_MB = 150  # extra RSS of one 26-week heatmap request
SCALE_LOAD_MB = 300  # peak RSS of load_dataset
# (label, document, target: server time / floor)
SCALE_REPORTS = [
    # the documents of the main table (operations()): the web app's, with every calendar
    # map and absence, would be over the 16 MB answer limit at 10,000 people
    (
        "capacityHeatmap 26 weeks",
        f"""{{ capacityHeatmap(from: "{FROM}", weeks: 26) {{ weekKeys rows {{
        person {{ id name }} weeklyCapacity hoursByWeek percentByWeek availableByWeek
        peakPercent averagePercent }} }} }}""",
        2.0,
    ),
    (
        "gridSnapshot 26 weeks",
        f"""{{ gridSnapshot(from: "{FROM}", weeks: 26) {{ weekKeys people {{ id
        name weeklyCapacity departmentId firstEligibleWeek }} hoursByPerson
        assignments {{ id personId projectId projectName projectClient version
        weeklyHours }} }} }}""",
        2.0,
    ),
    (CALENDAR_OPERATIONS[2][0], CALENDAR_OPERATIONS[2][1], 3.0),
    (
        "skillMatch limit 100, with week",
        """{ skillMatch(skills: ["Python", "React", "SQL"], week: "2026-11-16",
        limit: 100) { person { id name } score skillScore matchedSkills missingSkills } }""",
        3.0,
    ),
    (
        "roleCapacity 26 weeks",
        f"""{{ roleCapacity(from: "{FROM}", weeks: 26) {{ weekKeys roles {{ id name }} series
        {{ role {{ id }} assigned capacity unstaffed }} }} }}""",
        3.0,
    ),
]


def scale_dataset(people: int) -> Path:
    """datasets/generate.py --people N --weeks 104 --seed 42 --calendar, generated once and
    kept in the temporary directory under a name made of those parameters."""
    import importlib.util

    folder = Path(tempfile.gettempdir()) / "capgraph-bench"
    folder.mkdir(exist_ok=True)
    argv = ["--people", str(people), "--weeks", str(SCALE_WEEKS), "--seed", str(SCALE_SEED)]
    path = folder / f"people{people}_weeks{SCALE_WEEKS}_seed{SCALE_SEED}_calendar.json"
    if not path.exists():
        spec = importlib.util.spec_from_file_location("generate", REPO / "datasets" / "generate.py")
        assert spec is not None and spec.loader is not None
        generator = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(generator)
        partial = path.with_suffix(f".{os.getpid()}.partial")
        partial.write_text(generator.render([*argv, "--calendar"]))
        partial.replace(path)  # whole or absent: a run stopped halfway leaves no cached file
    return path


# A child's own peak RSS: /proc/self/status's VmHWM, read by the child. Not getrusage's
# ru_maxrss: Linux carries a process's high-water mark across fork and exec, so a child of a
# large parent reports at least the parent's RSS (this process holds hundreds of MB after
# the reports).
_PEAK_AT_EXIT = (
    "import atexit, re, sys\n"
    "def peak():\n"
    "    status = open('/proc/self/status').read()\n"
    "    kb = int(re.search(r'VmHWM:\\s+(\\d+)', status).group(1))\n"
    "    sys.stdout.flush()\n"
    "    print(f'VmHWM {kb}')\n"
    "atexit.register(peak)\n"
    "sys.argv = sys.argv[1:]\n"
    "sys.path[0] = __import__('os').path.dirname(sys.argv[0])  # as `python script`\n"
    "import runpy\n"
    "runpy.run_path(sys.argv[0], run_name='__main__')\n"
)


def _child_peak_mb(argv: list[str]) -> tuple[float, float, str]:
    """Run a Python script (argv: the script and its arguments) in a child process:
    (seconds, the child's peak RSS in MB, its output)."""
    import re
    import subprocess

    started = time.perf_counter()
    child = subprocess.run(
        [sys.executable, "-c", _PEAK_AT_EXIT, *argv],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    output = child.stdout.decode()
    if child.returncode:
        raise SystemExit(f"{' '.join(argv)} failed ({child.returncode}):\n{output}")
    found = re.search(r"VmHWM (\d+)", output)
    assert found is not None, output
    output = output[: found.start()] + output[found.end() :]
    return time.perf_counter() - started, int(found.group(1)) / 1024, output.strip()


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def heatmap_rss_child(token: str) -> None:
    """`run.py --heatmap-rss TOKEN` (a child of --people): the extra RSS of one 26-week heatmap
    request in a fresh process, after a one-week heatmap has imported and warmed the app."""
    sys.path[:0] = [str(REPO / "backend"), str(REPO)]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    import logging

    logging.getLogger("capgraph.operation").setLevel(logging.ERROR)
    from tests.client import GraphQLClient

    request = _requester(GraphQLClient(token=token))
    request(f'{{ capacityHeatmap(from: "{FROM}", weeks: 1) {{ weekKeys }} }}', {})
    before = _rss_mb()
    size = len(request(SCALE_REPORTS[0][1], {}).content)
    with open("/proc/self/status") as status:  # this process's own high-water mark
        peak = int(status.read().split("VmHWM:")[1].split()[0]) / 1024
    print(f"{before:.1f} {peak:.1f} {size}")


def _statements(client, document: str) -> tuple[bytes, list[tuple[str, object]]]:
    """One request's answer and the read statements it ran, with their parameters."""
    ran: list[tuple[str, object]] = []

    def record(execute, sql, params, many, context):
        if not many and sql.lstrip().upper().startswith(("SELECT", "WITH")):
            ran.append((sql, params))
        return execute(sql, params, many, context)

    with on_every_connection(record):  # the grid's weeks are read on a worker's connection
        body = client(document, {}).content
    return body, ran


def report_against_floor(request, label: str, document: str, target: float) -> float:
    """One line of --people: the report's server time against its floor, ROUNDS pairs."""
    import orjson
    from django.db import connection

    def rebuild(value):
        if type(value) is dict:
            return {k: rebuild(v) for k, v in value.items()}
        if type(value) is list:
            return [rebuild(v) for v in value]
        return value

    body, statements = _statements(request, document)
    data = orjson.loads(body)["data"]

    def sql_alone() -> None:
        with connection.cursor() as cursor:
            for sql, params in statements:
                cursor.execute(sql, params)
                cursor.fetchall()

    def build() -> bytes:
        return orjson.dumps({"data": rebuild(data)})

    pairs = []
    for _ in range(SCALE_ROUNDS):
        c0 = time.process_time()
        served = server_ms(request(document, {}))
        cpu = (time.process_time() - c0) * 1000
        t0 = time.perf_counter()
        sql_alone()
        t1 = time.perf_counter()
        build()
        t2 = time.perf_counter()
        floor = (t2 - t0) * 1000
        pairs.append((served / floor, served, cpu, floor, (t1 - t0) * 1000, (t2 - t1) * 1000))
    ratio, served, cpu, floor, sql_ms, build_ms = (
        statistics.median(p[i] for p in pairs) for i in range(6)
    )
    verdict = "PASS" if ratio <= target else "FAIL"
    print(
        f"{label:<34} {served:>9.1f} {cpu:>7.1f} {floor:>8.1f} {sql_ms:>7.1f} "
        f"{build_ms:>8.1f} {ratio:>5.2f}x {target:>5.1f}x  {verdict}  "
        f"({len(statements)} statements, {len(body):,} bytes)"
    )
    return ratio


def scale_reports(people: int) -> None:
    """Issue 17 part 2: each report's server time (the Server-Timing header) at N people
    beside its floor: the report's own SQL statements alone (captured from a request, run
    again with their parameters, rows fetched) plus building the same answer from plain data
    (the response's data as plain dicts and lists, rebuilt) and encoding it with orjson.
    Request and floor alternate, ROUNDS pairs; the verdict is the median of the pairs'
    ratios. Then the extra RSS of one 26-week heatmap request and load_dataset's peak RSS,
    each in a child process."""
    from django.core.management import call_command

    from tests.client import GraphQLClient

    path = scale_dataset(people)
    manage = str(REPO / "backend" / "manage.py")
    seconds, load_mb, output = _child_peak_mb([manage, "load_dataset", str(path), "--replace"])
    print(f"{output.strip()}")
    out = StringIO()
    call_command("create_api_token", "bench", "--scope", "write", stdout=out)
    token = out.getvalue().strip()
    request = _requester(GraphQLClient(token=token))
    print(
        f"\nreports at {people:,} people ({path.name}); server time (Server-Timing) and CPU "
        f"of this process per request, beside the floor: the request's own SQL statements "
        f"alone + the same answer rebuilt from plain data and encoded with orjson; median of "
        f"{SCALE_ROUNDS} alternating pairs"
    )
    print(
        f"{'report':<34} {'server ms':>9} {'CPU ms':>7} {'floor ms':>8} {'SQL ms':>7} "
        f"{'build ms':>8} {'ratio':>6} {'target':>6}  verdict"
    )

    for label, document, target in SCALE_REPORTS:
        report_against_floor(request, label, document, target)

    _, _, output = _child_peak_mb([str(Path(__file__).resolve()), "--heatmap-rss", token])
    before, peak, size = output.split()[-3:]
    extra = float(peak) - float(before)
    verdict = "PASS" if extra < SCALE_HEATMAP_MB else "FAIL"
    print(
        f"\nmemory: one 26-week heatmap request ({int(size):,} bytes) in a fresh process: "
        f"{extra:.0f} MB extra RSS (peak {float(peak):.0f} MB, {float(before):.0f} MB before), "
        f"target < {SCALE_HEATMAP_MB} MB: {verdict}"
    )
    verdict = "PASS" if load_mb < SCALE_LOAD_MB else "FAIL"
    print(
        f"memory: load_dataset {path.name} in a child process: peak RSS {load_mb:.0f} MB "
        f"({seconds:.0f} s), target < {SCALE_LOAD_MB} MB: {verdict}"
    )
    print(f"load average (1, 5, 15 min): {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


def main() -> None:
    os.environ.setdefault("RATE_LIMIT_POINTS", str(10**9))  # measuring, not limiting
    backend = setup_database()
    sys.path[:0] = [str(REPO / "backend"), str(REPO)]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    import logging

    # one log line per request would bury the table (and cost time in the measured loop)
    logging.getLogger("capgraph.operation").setLevel(logging.ERROR)
    from django.core.management import call_command

    from tests.bench import old_commit
    from tests.client import GraphQLClient

    call_command("migrate", verbosity=0)
    if "--people" in sys.argv:  # run.py --people N: the reports at N people only
        print(f"capgraph bench on {backend}")
        scale_reports(int(sys.argv[sys.argv.index("--people") + 1]))
        return
    started = time.perf_counter()
    call_command("load_dataset", str(DATASET), "--replace", stdout=StringIO())
    load_seconds = time.perf_counter() - started
    out = StringIO()
    call_command("create_api_token", "bench", "--scope", "write", stdout=out)
    client = GraphQLClient(token=out.getvalue().strip())
    if "--corpus" in sys.argv:  # run.py --corpus N [--seed S]: the differential test only
        count = int(sys.argv[sys.argv.index("--corpus") + 1])
        seed = int(sys.argv[sys.argv.index("--seed") + 1]) if "--seed" in sys.argv else 17
        differential_corpus(client, count, seed)
        return
    if "--compiled" in sys.argv:  # run.py --compiled: the compiled-execution section only
        from tests.helpers import PEOPLE_DOCUMENT

        compiled_execution(client, PEOPLE_DOCUMENT, {"first": 200})
        return

    if "--section" in sys.argv:  # run.py --section writes|calendar: that section only
        section = sys.argv[sys.argv.index("--section") + 1]
        print(f"capgraph bench on {backend}, {DATASET.name}: the {section} section only")
        if section == "writes":
            write_overhead(client)
        elif section == "calendar":
            calendar_cost(_requester(client))
        elif section == "old":
            old_commit.compare(client.token, DATASET, ROUNDS)
        else:
            raise SystemExit(f"unknown section {section!r}: writes, calendar or old")
        return

    from people.models import Person

    print(
        f"capgraph bench on {backend}, {DATASET.name} ({Person.objects.count():,} people), "
        f"{ROUNDS} rounds each"
    )
    print(f"load_dataset {DATASET.name}: {load_seconds:.2f} s\n")
    request = _requester(client)

    print("Uncached unless marked: the data version is bumped before every request.")
    print(
        "SQL: queries per request with the token already in the process's 5 s token cache; "
        "a request that looks its token up makes one more (tests/people/test_query_counts.py).\n"
    )
    print(f"{'operation':<36} {'median ms':>10} {'p95 ms':>8} {'SQL':>4} {'bytes':>9}")
    medians = {}
    ops = operations()
    heatmap26 = next(op for op in ops if op[0] == "capacityHeatmap 26 weeks")
    ops.append(("capacityHeatmap 26 weeks, cache hit", heatmap26[1], {}))
    for label, document, variables in ops:

        def call(document=document, variables=variables, cached="cache hit" in label):
            return request(document, variables, cached)

        median, p95 = measure(call)
        response, sql = counted_sql(call)
        size = len(response.content)
        medians[label] = median
        print(f"{label:<36} {median:>10.1f} {p95:>8.1f} {sql:>4} {size:>9,}")

    print("\nheatmap floor: one raw SQL statement + json.dumps")
    for weeks in (12, 26):
        median, p95 = measure(heatmap_floor(weeks))
        ratio = medians[f"capacityHeatmap {weeks} weeks"] / median
        print(
            f"  {weeks} weeks: floor median {median:.1f} ms, p95 {p95:.1f} ms; "
            f"GraphQL request / floor = {ratio:.2f}x"
        )
    for weeks in (12, 26):
        ratio = medians[f"gridSnapshot {weeks} weeks"] / measure(heatmap_floor(weeks))[0]
        print(f"  gridSnapshot {weeks} weeks / heatmap floor = {ratio:.2f}x")

    old_commit.compare(client.token, DATASET, ROUNDS)
    role_capacity_paths()
    write_overhead(client)
    calendar_cost(request)

    people = next(op for op in ops if op[0].startswith("people(first: 200)"))
    compiled_execution(client, people[1], people[2])
    limits_overhead([heatmap26, people])

    if DATASET != MEDIUM:
        # 50 clients each asking for a multi-second report exhaust the pool's 10 s wait
        print("\nthroughput, static files and tracing: measured on medium.json only")
        return
    warm_cache_and_throughput(client, heatmap26[1], request)
    static_files_overhead(client.token)

    # Tracing overhead: the same heatmap with Sentry on, every transaction sampled, and a
    # transport that drops envelopes (no Sentry server here).
    import sentry_sdk
    from sentry_sdk.transport import Transport

    from config.observability import init_sentry

    class Drop(Transport):
        def capture_envelope(self, envelope):
            pass

    # Baseline measured right before, not reused from above: the machine's load drifts.
    untraced, _ = measure(lambda: request(heatmap26[1], {}))
    init_sentry("https://public@sentry.invalid/1", 1.0, transport=Drop)
    traced, _ = measure(lambda: request(heatmap26[1], {}))
    sentry_sdk.get_client().close()
    print(
        f"\ntracing on (Sentry, traces_sample_rate=1.0): capacityHeatmap 26 weeks median "
        f"{traced:.1f} ms vs {untraced:.1f} ms off = {100 * (traced / untraced - 1):+.1f}%"
    )


if __name__ == "__main__":
    if "--heatmap-rss" in sys.argv:  # a child of --people, on its database
        heatmap_rss_child(sys.argv[sys.argv.index("--heatmap-rss") + 1])
    else:
        main()
