"""A second `make run` on a taken port says so and stops before it prints a new token."""

import http.server
import re
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from tests.conftest import REPO

CHECK = [sys.executable, str(REPO / "deploy" / "check_port.py")]


@contextmanager
def listening(body: bytes | None) -> Iterator[int]:
    """A server on a free loopback port: answering /healthz with `body` (capgraph's), or a
    bare socket that accepts nothing (another program)."""
    if body is None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            s.listen()
            yield s.getsockname()[1]
        return

    class Health(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200 if self.path == "/healthz" else 404)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Health)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def check(port: int) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*CHECK, "127.0.0.1", str(port)], capture_output=True, text=True, timeout=30
    )


def test_a_port_running_capgraph_is_named_as_such():
    with listening(b'{"status": "ok"}') as port:
        r = check(port)
    assert (r.returncode, r.stdout, r.stderr) == (
        1,
        "",
        f"capgraph is already running on http://127.0.0.1:{port} (another `make run`?).\n"
        f"Stop it, or run on another port: make run PORT={port + 1}\n",
    )


def test_a_port_taken_by_another_program():
    with listening(None) as port:
        r = check(port)
    assert (r.returncode, r.stderr) == (
        1,
        f"Port {port} on 127.0.0.1 is already in use by another program.\n"
        f"Stop it, or run on another port: make run PORT={port + 1}\n",
    )


def test_a_free_port_passes_silently():
    with listening(None) as port:
        pass  # closed again: free
    r = check(port)
    assert (r.returncode, r.stdout, r.stderr) == (0, "", "")


def test_make_run_checks_the_port_before_anything_else():
    """make builds prerequisites left to right: the check comes before install, migrate and
    seed_demo (which prints the token)."""
    makefile = (REPO / "Makefile").read_text()
    assert re.search(r"^run: portcheck install webapp$", makefile, re.M)
    dry = subprocess.run(
        ["make", "-n", "run", "PORT=8123", "HOST=127.0.0.1"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout.splitlines()
    first = next(i for i, line in enumerate(dry) if "check_port.py" in line)
    seed = next(i for i, line in enumerate(dry) if "seed_demo" in line)
    assert dry[first].endswith("deploy/check_port.py 127.0.0.1 8123")
    assert first < seed
    assert not any("seed_demo" in line or "migrate" in line for line in dry[:first])
