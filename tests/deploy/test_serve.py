"""deploy/serve.py, the API's process manager: one SO_REUSEPORT socket per uvicorn process,
so the kernel spreads connections over the processes (uvicorn --workers shares one socket,
and one process could take every connection of a burst). Runs the real command on the
embedded SQLite database: /healthz needs no database."""

import errno
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from deploy import serve
from deploy.stack import REPO, api_command, free_port

CONNECTIONS = 40


def children(parent: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == parent:
            found.add(int(stat.parent.name))
    return found


def established_by_process(pids: set[int], port: int) -> dict[int, int]:
    """How many established connections to `port` each process holds (from /proc)."""
    inodes = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if int(fields[1].split(":")[1], 16) == port and fields[3] == "01":  # ESTABLISHED
            inodes.add(fields[9])
    held = {}
    for pid in pids:
        count = 0
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            if target.startswith("socket:[") and target[8:-1] in inodes:
                count += 1
        held[pid] = count
    return held


def wait_healthy(url: str, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stderr.read() if process.stderr else ""
        try:
            if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"no 200 from {url}/healthz in {seconds} s")


@pytest.fixture
def server(tmp_path):
    port = free_port()
    env = {
        k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")
    } | {"SQLITE_PATH": str(tmp_path / "serve.sqlite3"), "DEBUG": "false",
         "SECRET_KEY": "capgraph-serve-test", "ALLOWED_HOSTS": "127.0.0.1"}  # fmt: skip
    command = api_command("127.0.0.1", port, 2, sys.executable)
    process = subprocess.Popen(
        command, cwd=REPO, env=env, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, process)
        yield process, url, port
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(15)


def test_the_api_command_runs_serve_with_uvicorns_options():
    command = api_command("0.0.0.0", 8000, 2, "python")
    assert command[:2] == ["python", "deploy/serve.py"]
    params = serve.uvicorn_params(command[2:])
    assert (params["host"], params["port"], params["workers"]) == ("0.0.0.0", 8000, 2)
    assert params["app"] == "config.asgi:application"
    assert (params["timeout_keep_alive"], params["proxy_headers"]) == (75, False)


def test_a_taken_port_is_refused_even_to_reuseport():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(OSError) as raised:
            serve.reuseport_sockets("127.0.0.1", port, 2, 16)
        assert raised.value.errno == errno.EADDRINUSE
    # and a running group cannot be joined by a second server either
    group = serve.reuseport_sockets("127.0.0.1", 0, 2, 16)
    try:
        port = group[0].getsockname()[1]
        assert {s.getsockname()[1] for s in group} == {port}
        with pytest.raises(OSError) as raised:
            serve.reuseport_sockets("127.0.0.1", port, 1, 16)
        assert raised.value.errno == errno.EADDRINUSE
    finally:
        for sock in group:
            sock.close()


def test_a_second_server_on_the_port_says_so_and_stops(server):
    _, _, port = server
    second = subprocess.run(
        api_command("127.0.0.1", port, 2, sys.executable),
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert second.returncode == 1
    assert f"serve: 127.0.0.1:{port} is in use" in second.stderr


def test_connections_are_spread_over_both_processes(server):
    """A burst of keep-alive connections, as nginx's upstream pool or the load test opens
    them: each process holds some. (uvicorn --workers could give one process all 40.) With
    the kernel's hash, fewer than 5 of 40 on one side has a probability below 1e-6."""
    process, url, port = server
    workers = children(process.pid)
    assert len(workers) == 2
    clients = [httpx.Client(base_url=url) for _ in range(CONNECTIONS)]
    try:
        for client in clients:
            assert client.get("/healthz").status_code == 200
        held = established_by_process(workers, port)
        assert sum(held.values()) == CONNECTIONS, held
        assert min(held.values()) >= 5, held
    finally:
        for client in clients:
            client.close()


def test_a_dead_worker_is_replaced_and_sighup_keeps_them(server):
    process, url, _ = server
    first = children(process.pid)
    victim = min(first)
    os.kill(victim, signal.SIGKILL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        now = children(process.pid)
        if len(now) == 2 and victim not in now:
            break
        time.sleep(0.1)
    now = children(process.pid)
    assert len(now) == 2 and victim not in now and max(first) in now
    wait_healthy(url, process)
    # SIGHUP is passed on (each process re-reads the manifest); none of them ends
    os.kill(process.pid, signal.SIGHUP)
    time.sleep(1)
    assert children(process.pid) == now
    assert httpx.get(f"{url}/healthz").status_code == 200


def test_sigterm_stops_every_process(server):
    process, _, _ = server
    workers = children(process.pid)
    process.send_signal(signal.SIGTERM)
    assert process.wait(30) == 0
    for pid in workers:
        assert not Path(f"/proc/{pid}").exists() or "Z" in Path(f"/proc/{pid}/stat").read_text()
