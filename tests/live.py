"""A live capgraph server for tests that drive it from outside the process (Node clients, a
browser): the API as production runs it (deploy/stack.py), on a free loopback port, stopped
when the block ends."""

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest

REPO = Path(__file__).resolve().parent.parent


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
    """The API as production runs it (deploy/stack.py's command, one worker process), with
    `env` over this process's environment; ready once /readyz answers 200."""
    from deploy.stack import Stack

    stack = Stack(
        env["DATABASE_URL"],
        env.get("REDIS_URL", os.environ.get("REDIS_URL", "")),
        workers=1,
        with_worker=False,
        env=env,
        log_dir=log_dir,
    )
    server = LiveServer(stack.url, log_dir / "api.log")
    try:
        try:
            stack.start(migrate=False)
        except RuntimeError as exc:
            pytest.fail(f"the API did not start: {exc}\n{server.log()}")
        yield server
    finally:
        stack.stop()
