"""A live capgraph server for tests that drive it from outside the process (Node clients, a
browser): uvicorn in a subprocess on a free loopback port, stopped when the block ends."""

import os
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest

REPO = Path(__file__).resolve().parent.parent
STARTUP_SECONDS = 30


@dataclass(frozen=True)
class LiveServer:
    base: str  # http://127.0.0.1:<port>
    log_path: Path

    @property
    def graphql(self) -> str:
        return f"{self.base}/graphql"

    def log(self) -> str:
        """What the server printed so far (for failure messages)."""
        return self.log_path.read_text()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_url(settings_dict: dict) -> str:
    """A postgres:// URL for a Django database settings dict (the test database)."""
    s = settings_dict
    user = quote(s["USER"] or "", safe="")
    if s.get("PASSWORD"):
        user += ":" + quote(s["PASSWORD"], safe="")
    return f"postgres://{user}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def manage(env: dict[str, str], *args: str) -> str:
    """Runs `manage.py <args>` with `env` (another database, say); fails the test on error."""
    result = subprocess.run(
        [str(REPO / ".venv" / "bin" / "python"), "backend/manage.py", *args],
        cwd=REPO,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )
    if result.returncode != 0:
        pytest.fail(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


@contextmanager
def serve(env: dict[str, str], log_dir: Path) -> Iterator[LiveServer]:
    """uvicorn on a free port with `env` over this process's environment; ready once
    /readyz answers 200."""
    port = free_port()
    log_path = log_dir / "uvicorn.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [
                str(REPO / ".venv" / "bin" / "uvicorn"),
                "--app-dir",
                "backend",
                "config.asgi:application",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--lifespan",
                "off",
            ],
            cwd=REPO,
            env={**os.environ, **env},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        server = LiveServer(f"http://127.0.0.1:{port}", log_path)
        try:
            deadline = time.monotonic() + STARTUP_SECONDS
            while True:
                if process.poll() is not None:
                    pytest.fail(f"uvicorn exited with {process.returncode}:\n{server.log()}")
                try:
                    if httpx.get(f"{server.base}/readyz", timeout=2).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    pytest.fail(f"uvicorn did not answer in {STARTUP_SECONDS} s:\n{server.log()}")
                time.sleep(0.1)
            yield server
        finally:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
