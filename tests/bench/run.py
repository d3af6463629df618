"""`make bench`: time the core documents on medium.json through the real ASGI app.

Runs on a throwaway database: a temporary SQLite file, or `<name>_bench` on the PostgreSQL
server that DATABASE_URL names (created fresh, never the configured database itself).
Prints a table of median/p95 latency, SQL queries per request and rows returned.
"""

import os
import statistics
import sys
import tempfile
import time
from io import StringIO
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
MEDIUM = REPO.parent / "shared" / "datasets" / "medium.json"
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "15"))


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


def main() -> None:
    backend = setup_database()
    sys.path[:0] = [str(REPO / "backend"), str(REPO)]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.client import GraphQLClient
    from tests.test_query_counts import ASSIGNMENTS_DOCUMENT, PEOPLE_DOCUMENT

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    call_command("load_dataset", str(MEDIUM), "--replace", stdout=StringIO())
    load_seconds = time.perf_counter() - started
    out = StringIO()
    call_command("create_api_token", "bench", stdout=out)
    client = GraphQLClient(token=out.getvalue().strip())

    cases = [
        ("people(first: 50), nested", PEOPLE_DOCUMENT, {"first": 50}, "people"),
        ("people(first: 200), nested", PEOPLE_DOCUMENT, {"first": 200}, "people"),
        ("assignments(first: 50), 26 weeks", ASSIGNMENTS_DOCUMENT, {"first": 50}, "assignments"),
        ("assignments(first: 200), 26 weeks", ASSIGNMENTS_DOCUMENT, {"first": 200}, "assignments"),
    ]
    print(f"capgraph bench on {backend}, medium.json, {ROUNDS} rounds per case")
    print(f"load_dataset medium.json: {load_seconds:.2f} s\n")
    print(f"{'operation':<36} {'median ms':>10} {'p95 ms':>8} {'SQL':>5} {'rows':>5} {'ms/row':>7}")
    for label, document, variables, root in cases:
        client.post(document, variables)  # warm-up
        timings = []
        for _ in range(ROUNDS):
            with CaptureQueriesContext(connection) as queries:
                t0 = time.perf_counter()
                response = client.post(document, variables)
                timings.append((time.perf_counter() - t0) * 1000)
        rows = len(response.data[root]["edges"])
        median = statistics.median(timings)
        p95 = sorted(timings)[max(0, int(len(timings) * 0.95) - 1)]
        print(
            f"{label:<36} {median:>10.1f} {p95:>8.1f} {len(queries.captured_queries):>5} "
            f"{rows:>5} {median / rows:>7.2f}"
        )


if __name__ == "__main__":
    main()
