"""Cold speed against an older commit, measured in the same run (issue 17, part 5).

The old commit runs in a `git worktree` (BENCH_OLD_TREE names one at OLD_COMMIT; by default
the bench makes one in the temporary folder, `capgraph-2fab52d`, from this clone's history,
once) as a subprocess of
the bench: its own code, its own throwaway database `<bench>_old` on the same PostgreSQL
server (or its own SQLite file), the same dataset file loaded by its own `load_dataset`, the
same Redis. Each side sends the same documents through its own ASGI app in process, the data
version bumped before every request (cold: the response cache misses), and times the
request itself (wall and CPU, in its own process), both alike (`Side`): one event loop and
one client for all of a side's requests, as a server keeps its loop and a client its
connection; the bump before the clock starts. Rounds alternate new, old, old, new so that
the machine's load drifts over both alike. Both answers must be byte-identical.

    python tests/bench/old_commit.py --serve OLD_TREE DATASET   (the old side: internal)
"""

from __future__ import annotations

import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
OLD_COMMIT = "2fab52d"
TARGET = 2.5  # old median / new median, for each document
FROM = "2026-11-02"

GRID = """{{ gridSnapshot(from: "{start}", weeks: {weeks}) {{ weekKeys people {{ id
name weeklyCapacity departmentId firstEligibleWeek }} hoursByPerson
assignments {{ id personId projectId projectName projectClient version
weeklyHours }} }} }}"""
PEOPLE_100 = """{ people(first: 100) { edges { node { id name email weeklyCapacity
department { id name } role { id name } } } pageInfo { hasNextPage endCursor } } }"""


def documents() -> list[tuple[str, str]]:
    return [
        ("gridSnapshot 12 weeks", GRID.format(start=FROM, weeks=12)),
        ("gridSnapshot 26 weeks", GRID.format(start=FROM, weeks=26)),
        ("people(first: 100), department, role", PEOPLE_100),
    ]


def old_tree() -> tuple[Path | None, str]:
    """The old commit's worktree, or None and why it is unavailable."""
    given = os.environ.get("BENCH_OLD_TREE")
    tree = Path(given or Path(tempfile.gettempdir()) / f"capgraph-{OLD_COMMIT}")
    if not given and not tree.exists():
        try:
            subprocess.run(
                ["git", "-C", str(REPO), "worktree", "add", "--detach", str(tree), OLD_COMMIT],
                capture_output=True,
                check=True,
                timeout=120,
            )
        except (OSError, subprocess.SubprocessError) as exc:
            return None, (
                f"cannot make a worktree of {OLD_COMMIT} at {tree} ({type(exc).__name__}: "
                "no git, or a clone without that commit); set BENCH_OLD_TREE to one"
            )
    if not (tree / "backend" / "manage.py").exists():
        return None, (
            f"no worktree of {OLD_COMMIT} at {tree} (make one: git worktree add --detach "
            f"{tree} {OLD_COMMIT}; or set BENCH_OLD_TREE)"
        )
    try:
        head = subprocess.run(
            ["git", "-C", str(tree), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
            timeout=30,
        ).stdout.strip()
        wanted = subprocess.run(
            ["git", "-C", str(tree), "rev-parse", OLD_COMMIT],
            capture_output=True,
            text=True,
            check=True,
            timeout=30,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError) as exc:
        return None, f"git is unavailable ({type(exc).__name__}): cannot check {tree}"
    if head != wanted:
        return None, f"{tree} is at {head[:7]}, not {OLD_COMMIT}"
    return tree, ""


class OldSide:
    """The old commit's app in a subprocess: one JSON line per request and per answer."""

    def __init__(self, tree: Path, dataset: Path, database_url: str) -> None:
        env = {**os.environ, "DATABASE_URL": database_url}
        if not database_url:
            env.pop("DATABASE_URL")
        self.process = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "--serve", str(tree), str(dataset)],
            cwd=tree,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        ready = self._read()
        self.load_seconds = ready["load_seconds"]

    def _read(self) -> dict:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"the old commit's process ended ({self.process.wait()})")
        return json.loads(line)

    def request(self, document: str) -> dict:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps({"document": document}) + "\n")
        self.process.stdin.flush()
        return self._read()

    def close(self) -> None:
        if self.process.stdin:
            self.process.stdin.close()
        self.process.wait(30)


def data_digest(body: bytes) -> str:
    """The answer without its extensions (the rate limit's remaining points differ)."""
    return hashlib.sha256(body.split(b',"extensions":', 1)[0]).hexdigest()


def timed(fn) -> tuple[float, float, bytes]:
    wall, cpu = time.perf_counter(), time.process_time()
    body = fn()
    return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000, body


class Side:
    """One side's cold requests, timed the same way on both: the data version bumped first,
    then the clock runs over the request alone, the ASGI app called as a server calls it
    (one event loop for all of a side's requests, its sync work on asgiref's one thread, as
    under uvicorn). Before, each request was timed with the bump, a new httpx client and
    transport, and async_to_sync's new event loop: fixed costs of the harness on both sides,
    which squeezed every ratio toward 1."""

    def __init__(self, application, token: str, bump) -> None:
        import asyncio

        self.app = application
        self.bump = bump
        # Not asyncio.Runner: its run() swaps the SIGINT handler each time (with a repr of
        # the task in the way), harness work inside the clock.
        self.loop = asyncio.new_event_loop()
        self.headers = [
            (b"host", b"testserver"),
            (b"accept", b"*/*"),
            (b"content-type", b"application/json"),
            (b"authorization", f"Bearer {token}".encode()),
        ]

    async def _post(self, body: bytes) -> tuple[int, bytes]:
        import asyncio

        headers = [*self.headers, (b"content-length", str(len(body)).encode())]
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "POST",
            "scheme": "http",
            "path": "/graphql",
            "raw_path": b"/graphql",
            "query_string": b"",
            "root_path": "",
            "headers": headers,
            "server": ("testserver", 80),
            "client": ("127.0.0.1", 40000),
        }
        incoming = [{"type": "http.request", "body": body, "more_body": False}]
        done = asyncio.Event()
        status, parts = 0, []

        async def receive() -> dict:
            if incoming:
                return incoming.pop()
            await done.wait()  # the app listens for a disconnect until it has answered
            return {"type": "http.disconnect"}

        async def send(message: dict) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                parts.append(message.get("body", b""))
                if not message.get("more_body"):
                    done.set()

        await self.app(scope, receive, send)
        return status, b"".join(parts)

    def post(self, document: str) -> bytes:
        status, body = self.loop.run_until_complete(
            self._post(json.dumps({"query": document}).encode())
        )
        assert status == 200 and not body.startswith(b'{"errors"'), body[:500]
        return body

    def cold(self, document: str) -> tuple[float, float, bytes]:
        self.bump()
        return timed(lambda: self.post(document))

    def close(self) -> None:
        self.loop.close()


def compare(token: str, dataset: Path, rounds: int) -> bool | None:
    """The section of `make bench`: prints both medians, the ratio and PASS/FAIL per
    document. `token` is a write token of the bench's database (the new side's).
    None when skipped (no git or no worktree of the old commit)."""
    print(f"\ncold speed against commit {OLD_COMMIT} (same run, alternating; target {TARGET}x)")
    tree, why = old_tree()
    if dataset.name != "medium.json":  # the old commit knows no calendar (generate.py's)
        tree, why = None, f"measured on medium.json only, not {dataset.name}"
    if tree is None:
        print(f"  skipped: {why}")
        return None
    database_url = os.environ.get("DATABASE_URL", "")
    if database_url.startswith("postgres"):
        database_url = f"{database_url}_old"
        import psycopg

        base, _, name = database_url.rpartition("/")
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
    old = OldSide(tree, dataset, database_url)
    from config.asgi import application
    from core import dataversion

    new = Side(application, token, dataversion.bump)
    passed = True
    try:
        print(
            f"  {'document':<38} {'new ms':>8} {'old ms':>8} {'ratio':>6} "
            f"{'new CPU':>8} {'old CPU':>8} {'ratio':>6}  same answer"
        )
        for label, document in documents():
            new.cold(document), old.request(document)  # warm both (documents parsed, imports)
            samples: dict[str, list[tuple[float, float]]] = {"new": [], "old": []}
            same = True
            for i in range(rounds):
                for side in ("new", "old") if i % 2 == 0 else ("old", "new"):
                    if side == "new":
                        wall, cpu, new_body = new.cold(document)
                    else:
                        answer = old.request(document)
                        wall, cpu = answer["wall_ms"], answer["cpu_ms"]
                        old_sha = answer["sha256"]
                    samples[side].append((wall, cpu))
                same &= data_digest(new_body) == old_sha
                if os.environ.get("BENCH_OLD_DUMP"):
                    Path(os.environ["BENCH_OLD_DUMP"], "new-" + old_sha).write_bytes(new_body)
            n_wall = statistics.median(w for w, _ in samples["new"])
            o_wall = statistics.median(w for w, _ in samples["old"])
            n_cpu = statistics.median(c for _, c in samples["new"])
            o_cpu = statistics.median(c for _, c in samples["old"])
            ratio = o_wall / n_wall
            ok = ratio >= TARGET and same
            passed &= ok
            print(
                f"  {label:<38} {n_wall:>8.1f} {o_wall:>8.1f} {ratio:>5.2f}x "
                f"{n_cpu:>8.1f} {o_cpu:>8.1f} {o_cpu / n_cpu:>5.2f}x  "
                f"{'yes' if same else 'NO'}: {'PASS' if ok else 'FAIL'}"
            )
    finally:
        new.close()
        old.close()
        if database_url.startswith("postgres"):
            import psycopg

            base, _, name = database_url.rpartition("/")
            with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return passed


def serve(tree: Path, dataset: Path) -> None:
    """The old side: set up its database, then answer one request per input line."""
    from io import StringIO

    sys.path[:0] = [str(tree / "backend"), str(tree)]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("RATE_LIMIT_POINTS", str(10**9))
    if not os.environ.get("DATABASE_URL"):
        import tempfile

        os.environ["SQLITE_PATH"] = str(Path(tempfile.mkdtemp()) / "old.sqlite3")
    import django

    django.setup()
    import logging

    logging.getLogger("capgraph.operation").setLevel(logging.ERROR)
    from django.core.management import call_command

    from api import dataversion  # type: ignore[import-not-found]  # the old commit's
    from config.asgi import application

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    call_command("load_dataset", str(dataset), "--replace", stdout=StringIO())
    load_seconds = time.perf_counter() - started
    out = StringIO()
    call_command("create_api_token", "bench", "--scope", "write", stdout=out)
    side = Side(application, out.getvalue().strip(), dataversion.bump)

    print(json.dumps({"load_seconds": load_seconds}), flush=True)
    for line in sys.stdin:
        wall, cpu, body = side.cold(json.loads(line)["document"])
        digest = data_digest(body)
        if os.environ.get("BENCH_OLD_DUMP"):
            Path(os.environ["BENCH_OLD_DUMP"], digest).write_bytes(body)
        print(json.dumps({"wall_ms": wall, "cpu_ms": cpu, "sha256": digest}), flush=True)


if __name__ == "__main__":
    if sys.argv[1:2] != ["--serve"]:
        sys.exit(__doc__)
    serve(Path(sys.argv[2]), Path(sys.argv[3]))
