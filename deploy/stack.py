"""`make stack`: the production processes of docker-compose.yml, natively, on this machine's
PostgreSQL and Redis.

Migrates, then starts the API (the very command and worker count the compose `api` service
runs, see `api_command`) and, when backend/config/celery.py exists, the Celery worker and
beat (the compose `worker` and `beat` commands); waits for /readyz, prints the URLs, and
stops them all on Ctrl-C.

    DATABASE_URL  default postgres://postgres@127.0.0.1:5432/capgraph (created if missing)
    REDIS_URL     default redis://127.0.0.1:6379/0 (also the Celery broker unless
                  CELERY_BROKER_URL is set)

Tests and the load test reuse `Stack` to run the same processes on their own database.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

REPO = Path(__file__).resolve().parent.parent
VENV_BIN = REPO / ".venv" / "bin"
CELERY_APP = REPO / "backend" / "config" / "celery.py"

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/capgraph"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
# What the compose `api` service runs: deploy/serve.py, API_WORKERS uvicorn processes each on
# its own SO_REUSEPORT socket (2 cores here: one per core; docs/scaling.md has the
# measurements, and why not `uvicorn --workers`).
API_PORT = 8000  # inside the container
API_WORKERS = 2
STARTUP_SECONDS = 60
SERVE = "deploy/serve.py"


def uvicorn_options(host: str, port: int, workers: int) -> list[str]:
    """uvicorn's options for the API, as deploy/serve.py (or uvicorn itself) takes them."""
    return [
        "--app-dir",
        "backend",
        "config.asgi:application",
        "--host",
        host,
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--lifespan",
        "off",
        "--no-access-log",  # capgraph logs one JSON line per operation itself
        # Longer than nginx's upstream keepalive_timeout (60 s) and than clients' idle
        # pools: a connection is closed by the side that reuses it, never under a request
        # (uvicorn's 5 s default lost a POST under load: ReadError).
        "--timeout-keep-alive",
        "75",
        # Forwarded headers are judged by the app (TRUSTED_PROXIES, api/edge.py), never by
        # uvicorn: `--forwarded-allow-ips '*'` let any caller choose its own address.
        "--no-proxy-headers",
    ]


def api_command(
    host: str = "0.0.0.0", port: int = API_PORT, workers: int = API_WORKERS, program="python"
) -> list[str]:
    """The API server command; docker-compose.yml's `api` runs exactly this (tested)."""
    return [program, SERVE, *uvicorn_options(host, port, workers)]


def shared_socket_command(host: str, port: int, workers: int, program: str) -> list[str]:
    """`uvicorn --workers N` (one listening socket shared by the processes): what the API ran
    before deploy/serve.py, kept for the load test's comparison (tests/bench/load.py)."""
    return [program, *uvicorn_options(host, port, workers)]


def worker_command(program: str = "celery") -> list[str]:
    """The Celery worker command; docker-compose.yml's `worker` runs exactly this (tested)."""
    return [program, "--workdir", "backend", "-A", "config", "worker", "--loglevel=INFO"]


def beat_command(program: str = "celery", schedule: str = "/tmp/celerybeat-schedule") -> list[str]:
    """Celery beat: the periodic tasks (CELERY_BEAT_SCHEDULE: cleanup of expired exports).
    One per deployment; docker-compose.yml's `beat` runs exactly this (tested)."""
    return [
        program, "--workdir", "backend", "-A", "config", "beat", "--loglevel=INFO",
        "--schedule", schedule,
    ]  # fmt: skip


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ensure_database(url: str) -> bool:
    """Create the database DATABASE_URL names when it is missing. True when created."""
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return False
        conn.execute(f'CREATE DATABASE "{name}"')
        return True


def drop_database(url: str) -> None:
    import psycopg

    parsed = urlparse(url)
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{parsed.path.lstrip("/")}" WITH (FORCE)')


class Stack:
    """The API (and the Celery worker and beat, when the app exists) as subprocesses."""

    def __init__(
        self,
        database_url: str,
        redis_url: str,
        port: int = 0,
        workers: int = API_WORKERS,
        with_worker: bool | None = None,
        env: dict[str, str] | None = None,
        log_dir: Path | None = None,
        host: str = "127.0.0.1",
        shared_socket: bool = False,
    ) -> None:
        self.database_url = database_url
        self.redis_url = redis_url
        self.host = host
        self.port = port or free_port()
        self.workers = workers
        self.shared_socket = shared_socket  # `uvicorn --workers`: the load test's comparison
        self.with_worker = CELERY_APP.exists() if with_worker is None else with_worker
        self.log_dir = log_dir
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "CELERY_BROKER_URL": os.environ.get("CELERY_BROKER_URL") or redis_url,
            **(env or {}),
        }
        self.processes: dict[str, subprocess.Popen] = {}
        self._logs: dict[str, Path] = {}

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def manage(self, *args: str) -> str:
        """Runs a manage.py command in the stack's environment; returns its stdout."""
        result = subprocess.run(
            [str(VENV_BIN / "python"), "backend/manage.py", *args],
            cwd=REPO,
            env=self.env,
            check=True,
            stdout=subprocess.PIPE,
            text=True,
        )
        return result.stdout

    def _spawn(self, name: str, argv: list[str]) -> None:
        out = None
        if self.log_dir is not None:
            self._logs[name] = self.log_dir / f"{name}.log"
            out = self._logs[name].open("w")
        self.processes[name] = subprocess.Popen(
            argv,
            cwd=REPO,
            env=self.env,
            stdout=out,
            stderr=subprocess.STDOUT if out else None,
            start_new_session=True,  # its own process group: stopped as a whole
        )
        if out is not None:
            out.close()

    def log(self, name: str = "api") -> str:
        path = self._logs.get(name)
        return path.read_text(errors="replace") if path and path.exists() else ""

    def start(self, migrate: bool = True) -> Stack:
        if migrate:
            self.manage("migrate", "--no-input", "-v", "0")
        if self.shared_socket:
            argv = shared_socket_command(
                self.host, self.port, self.workers, str(VENV_BIN / "uvicorn")
            )
        else:
            argv = api_command(self.host, self.port, self.workers, str(VENV_BIN / "python"))
        self._spawn("api", argv)
        if self.with_worker:
            self.start_worker()
            schedule = Path(tempfile.gettempdir()) / f"capgraph-beat-{self.port}"
            self._spawn("beat", beat_command(str(VENV_BIN / "celery"), str(schedule)))
        self.wait_ready()
        return self

    def kill(self, name: str, sig: int = signal.SIGKILL) -> int:
        """Send `sig` to a process and its children (its process group); returns its exit
        code. The live test kills the Celery worker this way mid-run."""
        process = self.processes[name]
        os.killpg(process.pid, sig)
        return process.wait(15)

    def start_worker(self, log_name: str = "worker") -> None:
        """A (new) Celery worker, as `start` runs it: after `kill("worker")`, say."""
        self._spawn(log_name, worker_command(str(VENV_BIN / "celery")))
        if log_name != "worker":
            self.processes["worker"] = self.processes.pop(log_name)

    def wait_ready(self, seconds: float = STARTUP_SECONDS) -> None:
        import httpx

        deadline = time.monotonic() + seconds
        while True:
            for name, process in self.processes.items():
                if process.poll() is not None:
                    raise RuntimeError(
                        f"{name} exited with {process.returncode}\n{self.log(name)[-3000:]}"
                    )
            try:
                if httpx.get(f"{self.url}/readyz", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"no 200 from {self.url}/readyz in {seconds} s")
            time.sleep(0.1)

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()

    def __enter__(self) -> Stack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("STACK_PORT", "8080")))
    parser.add_argument("--host", default=os.environ.get("STACK_HOST", "127.0.0.1"))
    parser.add_argument("--workers", type=int, default=API_WORKERS)
    args = parser.parse_args()
    database_url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    redis_url = os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL
    if not database_url.startswith("postgres"):
        sys.exit("make stack runs on PostgreSQL: DATABASE_URL must be postgres://...")
    if ensure_database(database_url):
        print(f"created database {urlparse(database_url).path.lstrip('/')}")
    stack = Stack(database_url, redis_url, args.port, args.workers, host=args.host)
    # Ctrl-C reaches the whole terminal's process group; the children have their own, so
    # stop them here, once.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        stack.start()
        worker = (
            "Celery worker and beat running"
            if stack.with_worker
            else "no config/celery.py: no worker"
        )
        print(
            f"capgraph stack on {stack.url} ({args.workers} API workers; {worker})\n"
            f"  GraphQL:   {stack.url}/graphql\n"
            f"  Web app:   {stack.url}/\n"
            f"  Admin:     {stack.url}/admin/\n"
            f"  Readiness: {stack.url}/readyz\n"
            f"  Database:  {database_url}\n  Redis:     {redis_url}\n"
            "Ctrl-C stops it.",
            flush=True,
        )
        while all(p.poll() is None for p in stack.processes.values()):
            time.sleep(0.5)
        gone = [n for n, p in stack.processes.items() if p.poll() is not None]
        sys.exit(f"{', '.join(gone)} exited; stopping")
    except KeyboardInterrupt:
        print("\nstopping", flush=True)
    finally:
        stack.stop()


if __name__ == "__main__":
    main()
