"""The server as `make run` starts it, for tests that drive it from outside: DEBUG on, the
embedded SQLite database (a file of its own), demo data and a token from seed_demo, uvicorn
on a free loopback port, the built web app if there is one. Stopped when the block ends."""

import os
import re
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from deploy.stack import free_port
from tests.conftest import REPO

PYTHON = str(REPO / ".venv" / "bin" / "python")
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SHOTS = REPO / "frontend" / "test-results"


@dataclass(frozen=True)
class DevServer:
    base: str
    token: str  # seed_demo's, printed as make run prints it
    log_path: Path
    process: subprocess.Popen

    def log(self) -> str:
        return self.log_path.read_text()


def wait_until_answering(url: str, process: subprocess.Popen, log: Path, what: str) -> None:
    """Returns once `url` answers 200; fails the test with `log` if `process` exits first or
    60 s pass."""
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            pytest.fail(f"{what} did not start:\n{log.read_text()}")
        time.sleep(0.2)


@contextmanager
def make_run_server(tmp: Path, **env: str) -> Iterator[DevServer]:
    environ = {
        **{k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "DEBUG"}},
        "SQLITE_PATH": str(tmp / "capgraph.sqlite3"),
        **env,
    }
    port = free_port()
    base = f"http://127.0.0.1:{port}"

    def manage(*args: str) -> str:
        r = subprocess.run(
            [PYTHON, "backend/manage.py", *args],
            cwd=REPO,
            env=environ,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if r.returncode:
            pytest.fail(f"manage.py {' '.join(args)}:\n{r.stdout}\n{r.stderr}")
        return r.stdout

    manage("migrate", "--no-input", "-v", "0")
    seeded = manage("seed_demo", "--url", base)
    token = re.search(r"API token:\s+(\S+)", seeded)
    assert token, seeded
    log = tmp / "server.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [
                *(PYTHON, "-m", "uvicorn", "--app-dir", "backend", "config.asgi:application"),
                *("--host", "127.0.0.1", "--port", str(port), "--lifespan", "off"),
            ],
            cwd=REPO,
            env=environ,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until_answering(f"{base}/healthz", server, log, "the server")
        yield DevServer(base, token.group(1), log, server)
    finally:
        server.terminate()
        server.wait(timeout=30)
