"""Load test: N concurrent clients for T seconds against a live API (deploy/stack.py: the
uvicorn command and worker processes of docker-compose.yml) on medium.json (500 people).

    .venv/bin/python tests/bench/load.py --clients 50,100 --seconds 30 --workers 1,2,4

Runs on a throwaway database, `<name>_load` on the PostgreSQL server DATABASE_URL names
(created and loaded fresh, dropped at the end), with REDIS_URL's Redis. Each client loops:
90% reads (people pages, capacity heatmap, grid snapshot, findAvailable) and 10% bulk edits:
`bulkUpdateAssignmentHours` in MERGE mode adding a few hours to one week of one of
HOT_ASSIGNMENTS assignments, with `expectedVersion`, re-reading the version and hours on
CONFLICT and retrying. Reported: throughput, p50/p95/p99 per operation (client side),
errors (any non-200, GraphQL error other than CONFLICT, or transport error), SQL queries per
request (from the server's operation log lines) and the lost-write check: at the end the
hours in the database equal the initial hours plus the sum of the edits that were applied.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from deploy.stack import Stack, drop_database, ensure_database  # noqa: E402

MEDIUM = REPO / "datasets" / "medium.json"
FROM = "2026-11-02"  # medium.json's first week
WEEK = "2026-11-16"  # the week the edits change
HOT_ASSIGNMENTS = 20  # edits contend on these: conflicts are part of the test
SERVER_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "capgraph-load-test",
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "RATE_LIMIT_POINTS": str(10**9),  # measuring, not limiting
    "SENTRY_DSN": "",
    "PERSISTED_QUERIES": "apq",
    "LOG_LEVEL": "INFO",  # the operation log lines carry sql_queries
    "SLOW_OPERATION_MS": "100000",
}

READS = [
    # (operation name, weight, document, variables)
    (
        "People",
        30,
        """query People($first: Int!, $dep: ID) { people(first: $first, department: $dep,
        includeChildren: true) { edges { node { id name role { name } department { name }
        hoursByWeek(from: "2026-11-02", weeks: 12) { week hours capacity utilizationPercent }
        } } pageInfo { hasNextPage endCursor } } }""",
        lambda rng: {"first": 50, "dep": str(rng.randint(1, 5))},
    ),
    (
        "Heatmap",
        20,
        """query Heatmap($dep: ID) { capacityHeatmap(from: "2026-11-02", weeks: 12,
        department: $dep, includeChildren: true) { weekKeys rows { person { id name }
        weeklyCapacity hoursByWeek percentByWeek availableByWeek peakPercent } } }""",
        lambda rng: {"dep": rng.choice([None, "1", "2", "3"])},
    ),
    (
        "GridSnapshot",
        20,
        """query GridSnapshot($dep: ID) { gridSnapshot(from: "2026-11-02", weeks: 12,
        department: $dep, includeChildren: true) { weekKeys people { id name weeklyCapacity
        } hoursByPerson assignments { id personId projectId version weeklyHours } } }""",
        lambda rng: {"dep": rng.choice([None, "1", "2", "3"])},
    ),
    (
        "FindAvailable",
        20,
        """query FindAvailable($skills: [String!]) { findAvailable(week: "2026-11-16",
        skills: $skills, limit: 50) { person { id name } score availableHours
        utilizationPercent matchedSkills } }""",
        lambda rng: {"skills": rng.choice([["Python"], ["Python", "React"], ["SQL", "Go"]])},
    ),
]
WRITE_WEIGHT = 10
BULK = """mutation BulkHours($items: [AssignmentHoursInput!]!) {
  bulkUpdateAssignmentHours(items: $items) { assignments { id version weeklyHours } } }"""
REREAD = """query Reread($person: ID!) { assignments(person: $person, first: 200,
  includeInactive: true) { edges { node { id version weeklyHours } } } }"""
MAX_RETRIES = 50


def cents(hours) -> int:
    return round(float(hours) * 100)


@dataclass
class Hot:
    """One contended assignment: what the clients last saw, and what they applied."""

    id: str
    person: str
    version: int
    cents: int
    applied: int = 0


@dataclass
class Result:
    clients: int
    seconds: float
    workers: int
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: Counter = field(default_factory=Counter)
    error_samples: list[str] = field(default_factory=list)
    conflicts: int = 0
    applied_edits: int = 0
    elapsed: float = 0.0
    sql: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    sql_computed: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    cache: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    lost: dict[str, tuple[int, int]] = field(default_factory=dict)  # id: (expected, found)
    checked: int = 0
    worker_cpu: list[float] = field(default_factory=list)  # CPU s per API worker process
    # CPU s over the run of the services beside the API and of the whole machine (/proc)
    service_cpu: dict[str, float] = field(default_factory=dict)
    machine_cpu: float = 0.0

    @property
    def requests(self) -> int:
        return sum(len(v) for v in self.latencies.values())

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    def error(self, operation: str, message: str) -> None:
        self.errors[operation] += 1
        if len(self.error_samples) < 5:
            self.error_samples.append(f"{operation}: {message[:300]}")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def hot_assignments(database_url: str) -> list[Hot]:
    """HOT_ASSIGNMENTS active assignments of active people with hours in WEEK."""
    import psycopg

    with psycopg.connect(database_url) as conn:
        rows = conn.execute(
            """SELECT a.id, a.person_id, a.version, w.hours
               FROM assignments_assignment a
               JOIN assignments_assignmentweek w ON w.assignment_id = a.id AND w.week = %s
               JOIN people_person p ON p.id = a.person_id
               WHERE a.is_active AND p.is_active AND w.hours BETWEEN 4 AND 40
               ORDER BY a.id LIMIT %s""",
            [WEEK, HOT_ASSIGNMENTS],
        ).fetchall()
    return [Hot(str(a), str(p), v, cents(h)) for a, p, v, h in rows]


def hours_in_db(database_url: str, ids: list[str]) -> dict[str, int]:
    import psycopg

    with psycopg.connect(database_url) as conn:
        rows = conn.execute(
            "SELECT assignment_id, hours FROM assignments_assignmentweek "
            "WHERE week = %s AND assignment_id = ANY(%s)",
            [WEEK, [int(i) for i in ids]],
        ).fetchall()
    found = {str(a): cents(h) for a, h in rows}
    return {i: found.get(i, 0) for i in ids}  # MERGE with 0 removes the row


class Reply:
    """An HTTP answer: status and body (what the load client reads of one)."""

    __slots__ = ("content", "status_code")

    def __init__(self, status_code: int, content: bytes) -> None:
        self.status_code, self.content = status_code, content

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", "replace")

    def json(self):
        return json.loads(self.content)


class Connection:
    """One keep-alive HTTP/1.1 connection, one request at a time: each client of the load
    test owns one, as a browser tab or a partner's worker does. A few lines over asyncio
    streams rather than an HTTP library: the load client shares the two cores with what it
    measures, and httpx cost 2 ms of CPU a request (15 to 40% of a core, as much as
    PostgreSQL), which the API's workers could not use. Content-Length and chunked bodies;
    a transport error closes the connection, and the next request opens a new one."""

    def __init__(self, url: str, headers: dict[str, str]) -> None:
        parsed = urlparse(url)
        self.host, self.port = parsed.hostname or "127.0.0.1", parsed.port or 80
        self.head = "".join(
            f"{k}: {v}\r\n"
            for k, v in {
                "Host": parsed.netloc,
                "Content-Type": "application/json",
                **headers,
            }.items()
        ).encode()
        self.streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def post(self, path: str, body: bytes) -> Reply:
        try:
            async with asyncio.timeout(60):
                return await self._post(path, body)
        except BaseException:
            self.close()
            raise

    async def _post(self, path: str, body: bytes) -> Reply:
        if self.streams is None:
            self.streams = await asyncio.open_connection(self.host, self.port)
        reader, writer = self.streams
        writer.write(
            b"POST %s HTTP/1.1\r\n%sContent-Length: %d\r\n\r\n%s"
            % (path.encode(), self.head, len(body), body)
        )
        head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        status = int(head[0].split(" ", 2)[1])
        fields = {k.strip().lower(): v.strip() for k, _, v in (h.partition(":") for h in head[1:])}
        if "content-length" in fields:
            content = await reader.readexactly(int(fields["content-length"]))
        elif fields.get("transfer-encoding", "").lower() == "chunked":
            parts = []
            while size := int((await reader.readuntil(b"\r\n")).split(b";")[0], 16):
                parts.append(await reader.readexactly(size))
                await reader.readexactly(2)
            await reader.readuntil(b"\r\n")  # no trailers are sent
            content = b"".join(parts)
        else:
            content = await reader.read()  # read to the close
            self.close()
        if fields.get("connection", "").lower() == "close":
            self.close()
        return Reply(status, content)

    def close(self) -> None:
        if self.streams is not None:
            self.streams[1].close()
            self.streams = None


TRANSPORT_ERRORS = (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError)


async def run_load(
    url: str, token: str, database_url: str, clients: int, seconds: float, workers: int
) -> Result:
    """The clients against `url` for `seconds`; then the lost-write check on the database."""
    result = Result(clients, seconds, workers)
    hot = hot_assignments(database_url)
    assert hot, f"no assignment with hours in {WEEK}: is medium.json loaded?"
    initial = {h.id: h.cents for h in hot}
    weights = [w for _, w, _, _ in READS] + [WRITE_WEIGHT]
    headers = {"Authorization": f"Bearer {token}"}
    connections = [Connection(url, headers) for _ in range(clients)]
    try:

        async def post(
            conn: Connection, operation: str, document: str, variables: dict
        ) -> Reply | None:
            started = time.perf_counter()
            body = json.dumps(
                {"query": document, "variables": variables, "operationName": operation}
            ).encode()
            try:
                r = await conn.post("/graphql", body)
            except TRANSPORT_ERRORS as exc:
                result.error(operation, f"{type(exc).__name__}: {exc}")
                return None
            result.latencies[operation].append((time.perf_counter() - started) * 1000)
            if r.status_code != 200:
                result.error(operation, f"HTTP {r.status_code}: {r.text}")
                return None
            return r

        async def read(rng: random.Random, conn: Connection, operation, document, variables):
            r = await post(conn, operation, document, variables(rng))
            # checked without decoding the body: a client's JSON parsing is not measured
            if r is None:
                return
            if not r.content.startswith(b'{"data"') or b'"errors":' in r.content:
                result.error(operation, r.text)

        async def reread(conn: Connection, target: Hot) -> bool:
            r = await post(conn, "Reread", REREAD, {"person": target.person})
            if r is None:
                return False
            body = r.json()
            if "errors" in body:
                result.error("Reread", json.dumps(body["errors"]))
                return False
            for edge in body["data"]["assignments"]["edges"]:
                node = edge["node"]
                if node["id"] == target.id:
                    target.version = node["version"]
                    target.cents = cents(node["weeklyHours"].get(WEEK, 0))
                    return True
            result.error("Reread", f"assignment {target.id} not among its person's")
            return False

        async def write(rng: random.Random, conn: Connection) -> None:
            target = rng.choice(hot)
            delta = rng.choice([25, 50, 100, -25, -50])
            for _ in range(MAX_RETRIES):
                version, current = target.version, target.cents
                step = delta if 0 <= current + delta <= 16800 else -delta
                item = {
                    "assignmentId": target.id,
                    "expectedVersion": version,
                    "weeklyHours": {WEEK: (current + step) / 100},
                    "mode": "MERGE",
                }
                r = await post(conn, "BulkHours", BULK, {"items": [item]})
                if r is None:
                    return
                body = r.json()
                codes = [e.get("extensions", {}).get("code") for e in body.get("errors", [])]
                if codes == ["CONFLICT"]:
                    result.conflicts += 1
                    if not await reread(conn, target):
                        return
                    continue
                if codes:
                    result.error("BulkHours", json.dumps(body["errors"]))
                    return
                (node,) = body["data"]["bulkUpdateAssignmentHours"]["assignments"]
                if cents(node["weeklyHours"].get(WEEK, 0)) != current + step:
                    result.error("BulkHours", f"answer does not show the edit: {node}")
                target.applied += step
                result.applied_edits += 1
                if node["version"] > target.version:  # a later re-read may already be newer
                    target.version = node["version"]
                    target.cents = cents(node["weeklyHours"].get(WEEK, 0))
                return
            result.error("BulkHours", f"still CONFLICT after {MAX_RETRIES} tries")

        async def client(index: int, deadline: float) -> None:
            rng = random.Random(index)
            while time.perf_counter() < deadline:
                (choice,) = rng.choices(range(len(weights)), weights)
                if choice == len(READS):
                    await write(rng, connections[index])
                else:
                    operation, _, document, variables = READS[choice]
                    await read(rng, connections[index], operation, document, variables)

        started = time.perf_counter()
        deadline = started + seconds
        await asyncio.wait_for(
            asyncio.gather(*(client(i, deadline) for i in range(clients))), seconds + 120
        )
        result.elapsed = time.perf_counter() - started
    finally:
        for conn in connections:
            conn.close()

    found = hours_in_db(database_url, list(initial))
    result.checked = len(found)
    for h in hot:
        expected = initial[h.id] + h.applied
        if found[h.id] != expected:
            result.lost[h.id] = (expected, found[h.id])
    return result


def read_operation_log(text: str, result: Result) -> None:
    """SQL queries and cache state per operation from the server's log lines."""
    for line in text.splitlines():
        _, marker, payload = line.partition(" capgraph.operation ")
        if not marker:
            continue
        try:
            entry = json.loads(payload)
        except ValueError:
            continue
        name = entry.get("operation") or "?"
        if entry.get("sql_queries") is not None:
            result.sql[name].append(entry["sql_queries"])
            if entry.get("cache") != "HIT":
                result.sql_computed[name].append(entry["sql_queries"])
        result.cache[name][entry.get("cache", "?")] += 1


def report(result: Result) -> str:
    lines = [
        f"{result.workers} API worker(s), {result.clients} clients, {result.seconds:.0f} s: "
        f"{result.requests} requests, {result.requests / result.elapsed:.1f} req/s, "
        f"errors {result.error_count}, edits applied {result.applied_edits} "
        f"(conflicts retried {result.conflicts}), lost writes {len(result.lost)} "
        f"({result.checked} assignments checked)"
        + (f", CPU per API process {cpu_split(result)}" if result.worker_cpu else ""),
        f"  {'operation':<14} {'count':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
        f"{'SQL/req':>8} {'SQL/miss':>8} {'cache hits':>10}",
    ]
    for name in sorted(result.latencies):
        values = result.latencies[name]
        sql, computed = result.sql.get(name), result.sql_computed.get(name)
        cache = result.cache.get(name, Counter())
        served = sum(cache.values())
        lines.append(
            f"  {name:<14} {len(values):>6} {percentile(values, 50):>8.1f} "
            f"{percentile(values, 95):>8.1f} {percentile(values, 99):>8.1f} "
            f"{statistics.mean(sql) if sql else float('nan'):>8.1f} "
            f"{statistics.mean(computed) if computed else float('nan'):>8.1f} "
            f"{(100 * cache['HIT'] / served if served else 0):>9.0f}%"
        )
    for sample in result.error_samples:
        lines.append(f"  error: {' '.join(sample.split())}")
    for assignment, (expected, found) in sorted(result.lost.items()):
        lines.append(f"  LOST WRITE: assignment {assignment} {WEEK}: {expected} != {found}")
    return "\n".join(lines)


def load_database_url(base_url: str) -> str:
    parsed = urlparse(base_url)
    return parsed._replace(path=f"{parsed.path.rstrip('/')}_load").geturl()


class LoadStack:
    """A throwaway `<name>_load` database with medium.json and a token, and the API on it."""

    def __init__(self, base_url: str, redis_url: str, log_dir: Path) -> None:
        self.database_url = load_database_url(base_url)
        self.redis_url = redis_url
        self.log_dir = log_dir
        self.token = ""
        self.runs = 0

    def prepare(self) -> None:
        drop_database(self.database_url)
        ensure_database(self.database_url)
        stack = self.stack(1)
        stack.manage("migrate", "--no-input", "-v", "0")
        stack.manage("load_dataset", str(MEDIUM), "--replace")
        self.token = stack.manage("create_api_token", "load", "--scope", "write").strip()

    def stack(
        self,
        workers: int,
        log_dir: Path | None = None,
        env: dict[str, str] | None = None,
        shared_socket: bool = False,
    ) -> Stack:
        return Stack(
            self.database_url,
            self.redis_url,
            workers=workers,
            with_worker=False,  # no exports are requested: the API alone is measured
            env={**SERVER_ENV, **(env or {})},
            log_dir=log_dir or self.log_dir,
            shared_socket=shared_socket,
        )

    def run(
        self,
        workers: int,
        clients: int,
        seconds: float,
        env: dict[str, str] | None = None,
        shared_socket: bool = False,
    ) -> Result:
        """One run; `env` overrides the server's settings (SERVER_ENV); `shared_socket`
        runs `uvicorn --workers` instead of deploy/serve.py (the comparison)."""
        self.runs += 1
        log_dir = self.log_dir / f"{self.runs}-{workers}-workers-{clients}-clients"
        log_dir.mkdir(exist_ok=True)
        stack = self.stack(workers, log_dir, env, shared_socket)
        stack.start(migrate=False)
        try:
            parent = stack.processes["api"].pid
            before = worker_cpu_seconds(parent)
            database = urlparse(self.database_url).path.lstrip("/")
            services, machine = service_cpu_seconds(database), machine_cpu_seconds()
            result = asyncio.run(
                run_load(stack.url, self.token, self.database_url, clients, seconds, workers)
            )
            after = worker_cpu_seconds(parent)  # the workers' CPU over the run
            result.worker_cpu = sorted(
                (c - before.get(pid, 0.0) for pid, c in after.items()), reverse=True
            )
            result.machine_cpu = machine_cpu_seconds() - machine
            result.service_cpu = {
                name: c - services.get(name, 0.0)
                for name, c in service_cpu_seconds(database).items()
            }
        finally:
            stack.stop()
        log = stack.log()
        read_operation_log(log, result)
        if result.error_count:  # what the server said about them
            failures = Counter(
                line.strip()
                for line in log.splitlines()
                if line.startswith(("psycopg", "django", "Exception", "RuntimeError"))
                or "Error:" in line
            )
            for line, count in failures.most_common(3):
                result.error_samples.append(f"server log ({count}x): {line[:200]}")
            result.error_samples.append(f"server log: {log_dir / 'api.log'}")
        return result

    def drop(self) -> None:
        drop_database(self.database_url)


BALANCE_TARGET = 1.6  # 2 workers' throughput / 1 worker's, in each pair of runs


def balance_check(
    load: LoadStack, clients: int, seconds: float, pairs: int, shared_socket: bool = False
) -> bool:
    """1 worker against 2, alternating (1, 2, 2, 1, 1, 2, ...) so that the machine's load
    drifts over both alike: each pair's ratio must reach BALANCE_TARGET. Prints one line per
    run and the check (PASS or FAIL). Returns whether any run had errors or lost writes."""
    server = "uvicorn --workers (shared socket)" if shared_socket else "deploy/serve.py"
    print(
        f"balance: {server}, {clients} clients, {seconds:.0f} s per run, {pairs} pairs of "
        f"1 and 2 workers; load average before: {load_average()}",
        flush=True,
    )
    ratios, efficiency, ceilings, failed = [], [], [], False
    for pair in range(pairs):
        order = (1, 2) if pair % 2 == 0 else (2, 1)
        rates: dict[int, float] = {}
        per_cpu: dict[int, float] = {}
        for workers in order:
            cpu = os.times()
            result = load.run(workers, clients, seconds, shared_socket=shared_socket)
            client_cpu = sum(os.times()[:2]) - sum(cpu[:2])
            rates[workers] = result.requests / result.elapsed
            failed |= bool(result.error_count or result.lost)
            split = cpu_split(result)
            api_cpu = sum(result.worker_cpu)
            per_cpu[workers] = result.requests / api_cpu if api_cpu else float("nan")
            busy = result.machine_cpu / result.elapsed
            own = (api_cpu + client_cpu + sum(result.service_cpu.values())) / result.elapsed
            if workers == 1 and busy:
                ceilings.append(((os.cpu_count() or 1) / busy, (os.cpu_count() or 1) / own))
            print(
                f"  pair {pair + 1}, {workers} worker(s): {rates[workers]:.1f} req/s, "
                f"errors {result.error_count}, lost writes {len(result.lost)}, "
                f"CPU per API process {split} of a core ({per_cpu[workers]:.0f} requests per "
                f"API CPU-second), load client's {client_cpu / result.elapsed:.0%} of a core, "
                + "".join(
                    f"{name}'s {c / result.elapsed:.0%}, " for name, c in result.service_cpu.items()
                )
                + f"whole machine {busy:.0%} of {os.cpu_count()} cores busy, "
                f"load average {load_average()}",
                flush=True,
            )
            for sample in result.error_samples:
                print(f"    error: {' '.join(sample.split())}", flush=True)
        ratios.append(rates[2] / rates[1])
        efficiency.append(per_cpu[2] / per_cpu[1])
    passed = all(r >= BALANCE_TARGET for r in ratios)
    print(
        f"balance: 2 workers / 1 worker = {', '.join(f'{r:.2f}x' for r in ratios)}; target "
        f">= {BALANCE_TARGET}x in each pair: {'PASS' if passed else 'FAIL'}",
        flush=True,
    )
    # What the ratio cannot show on a shared machine: whether 2 workers had 2 cores. Their
    # requests per CPU-second against 1 worker's says what they do with what they get.
    print(
        f"balance: requests per API CPU-second, 2 workers / 1 worker = "
        f"{', '.join(f'{e:.2f}x' for e in efficiency)} (1.0x: no CPU lost to running two)",
        flush=True,
    )
    # The most 2 workers could reach if every core were theirs to fill: the cores over what
    # the 1-worker run kept busy (API, PostgreSQL, Redis, the client and every other job).
    # And the same over what the run's own processes used (the API, its PostgreSQL
    # backends, Redis, the client): the ceiling on this machine without other jobs.
    if ceilings:
        print(
            f"balance: the machine's ceiling, {os.cpu_count()} cores / cores busy in the "
            f"1-worker run = {', '.join(f'{c:.2f}x' for c, _ in ceilings)}; over the run's "
            f"own processes' cores = {', '.join(f'{c:.2f}x' for _, c in ceilings)}",
            flush=True,
        )
    return failed


def cpu_split(result: Result) -> str:
    """Each API process's CPU over the run, in % of a core (busiest first; a helper process
    of uvicorn's supervisor shows as 0%)."""
    return "/".join(f"{c / result.elapsed:.0%}" for c in result.worker_cpu)


def load_average() -> str:
    return " ".join(f"{v:.2f}" for v in os.getloadavg())


def processes():
    """(pid, command name, parent pid, CPU seconds: user + system) of every process, from
    /proc; nothing where /proc is not there."""
    tick = os.sysconf("SC_CLK_TCK")
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
            fields = text[text.rindex(")") + 1 :].split()  # ppid at 1; utime, stime at 11, 12
            yield (
                int(stat.parent.name),
                text[text.index("(") + 1 : text.rindex(")")],
                int(fields[1]),
                (int(fields[11]) + int(fields[12])) / tick,
            )
        except (OSError, ValueError):
            continue


def worker_cpu_seconds(parent: int) -> dict[int, float]:
    """CPU seconds of each API process by pid: the children of `parent` (its worker
    processes), or `parent` itself when it has none (one uvicorn process)."""
    found, own = {}, {}
    for pid, _, ppid, seconds in processes():
        if ppid == parent:
            found[pid] = seconds
        elif pid == parent:
            own[pid] = seconds
    return found or own


SERVICES = {"postgres": "PostgreSQL", "redis-server": "Redis"}


def service_cpu_seconds(database: str = "") -> dict[str, float]:
    """CPU seconds of every PostgreSQL and Redis process by service name (a backend that
    exits during the run takes its CPU with it: the pool keeps the API's). With `database`,
    PostgreSQL's client backends count only when connected to it (the server's own
    processes always count): other jobs' queries on a shared machine are not this run's.
    Empty where /proc is not there."""
    found = dict.fromkeys(SERVICES.values(), 0.0)
    for pid, command, _, seconds in processes():
        name = SERVICES.get(command)
        if name == "PostgreSQL" and database and _backend_database(pid) not in (None, database):
            continue
        if name:
            found[name] += seconds
    return found if Path("/proc/stat").exists() else {}


def _backend_database(pid: int) -> str | None:
    """The database of a PostgreSQL client backend, from the title it sets ("postgres:
    [cluster:] user database host(port) state"); None for the server's own processes
    (postmaster, checkpointer, walwriter, ...)."""
    try:
        title = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").split()
    except OSError:
        return None
    for i, word in enumerate(title[3:], 3):  # host(port) follows the database
        if word.endswith(b")") and b"(" in word:
            return title[i - 1].decode(errors="replace")
    return None


def machine_cpu_seconds() -> float:
    """CPU seconds every core has been busy (not idle or waiting on I/O) since boot: the
    first line of /proc/stat; 0 where it is not there."""
    try:
        first = Path("/proc/stat").read_text().split("\n", 1)[0].split()
    except OSError:
        return 0.0
    ticks = [int(v) for v in first[1:]]
    return (sum(ticks[:8]) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", default="50,100", help="comma-separated, one run each")
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--workers", default="1,2,4", help="API worker processes, one run each")
    parser.add_argument(
        "--balance",
        type=int,
        default=0,
        metavar="PAIRS",
        help=f"the balance check only: PAIRS alternating pairs of 1 and 2 workers at "
        f"--clients clients (one number), 2 workers >= {BALANCE_TARGET}x in each",
    )
    parser.add_argument(
        "--shared-socket",
        action="store_true",
        help="run `uvicorn --workers N` (one shared socket) instead of deploy/serve.py",
    )
    args = parser.parse_args()
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith("postgres"):
        sys.exit("the load test runs on PostgreSQL: set DATABASE_URL=postgres://...")
    redis_url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    load = LoadStack(base, redis_url, Path(tempfile.mkdtemp(prefix="capgraph-load-")))
    load.prepare()
    print(
        f"capgraph load test: medium.json on {urlparse(load.database_url).path[1:]}, "
        f"{os.cpu_count()} cores; reads 90% (People 30, Heatmap 20, GridSnapshot 20, "
        f"FindAvailable 20), BulkHours 10% on {HOT_ASSIGNMENTS} assignments",
        flush=True,
    )
    failed = False
    try:
        if args.balance:
            clients = int(args.clients)
            failed = balance_check(load, clients, args.seconds, args.balance, args.shared_socket)
        else:
            for workers in [int(w) for w in args.workers.split(",")]:
                for clients in [int(c) for c in args.clients.split(",")]:
                    result = load.run(
                        workers, clients, args.seconds, shared_socket=args.shared_socket
                    )
                    print(report(result) + "\n", flush=True)
                    failed |= bool(result.error_count or result.lost)
    finally:
        load.drop()
    if failed:
        sys.exit("load test: errors or lost writes (above)")


if __name__ == "__main__":
    main()
