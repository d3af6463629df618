"""The API's process manager: `--workers N` uvicorn processes, each accepting connections on
its own listening socket, all bound to one address with SO_REUSEPORT, so the kernel spreads
new connections evenly over the processes.

    python deploy/serve.py <uvicorn's own options> --workers N

Why not `uvicorn --workers N`: its processes share one listening socket, and whichever is
awake when connections arrive accepts all that are waiting. Keep-alive clients (nginx's
upstream pool, a load balancer, the load test's 20 clients) open their connections in a
burst and keep them, so one process could end up with nearly all of them while the other
idled: 2 processes measured 20.9 to 25.7 req/s in some runs, 36.5 to 38.9 in others. With a
socket per process the kernel hashes each new connection to one of the sockets
(docs/scaling.md has the measurements).

The options are uvicorn's (parsed by uvicorn's own command line, so the same command with
`uvicorn` in front of it means the same thing, apart from the balancing). This process binds
the sockets, forks one uvicorn server per socket and keeps the sockets open, so connections
that arrive while a process restarts wait in its queue. It restarts a process that dies,
passes SIGHUP on (each process re-reads the persisted-documents manifest), and on SIGTERM or
SIGINT stops them all (each finishes its requests in flight, as uvicorn does) and exits.
Linux (SO_REUSEPORT balancing); elsewhere it says so and stops.
"""

from __future__ import annotations

import contextlib
import errno
import inspect
import os
import signal
import socket
import sys
import time

RESTART_PAUSE = 1.0  # seconds between restarts of a process that keeps dying


def reuseport_sockets(host: str, port: int, count: int, backlog: int) -> list[socket.socket]:
    """`count` listening sockets on (host, port), in one SO_REUSEPORT group. Fails as a
    plain bind would (EADDRINUSE) when anything else listens there, even a process that set
    SO_REUSEPORT itself: a second server must not silently share the port."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    probe = socket.socket(family, socket.SOCK_STREAM)
    try:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
        probe.bind((host, port))  # without SO_REUSEPORT: refused if anyone listens there
        port = probe.getsockname()[1]  # port 0: the one the kernel chose, for all of them
    finally:
        probe.close()
    sockets = []
    for _ in range(count):
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((host, port))
        sock.listen(backlog)
        sock.set_inheritable(True)
        sockets.append(sock)
    return sockets


def uvicorn_params(args: list[str]) -> dict:
    """uvicorn's command line, parsed by uvicorn (its option names and defaults)."""
    from uvicorn.main import main

    return dict(main.make_context("uvicorn", list(args)).params)


def serve_one(params: dict, sock: socket.socket) -> None:
    """One uvicorn server on `sock` (in a forked child)."""
    from uvicorn import Config, Server

    if params.get("app_dir") is not None:
        sys.path.insert(0, params["app_dir"])
    accepted = inspect.signature(Config).parameters
    options = {k: v for k, v in params.items() if k in accepted and k not in ("app", "workers")}
    config = Config(params["app"], **{**options, "workers": 1})
    Server(config).run(sockets=[sock])


class Supervisor:
    def __init__(self, params: dict, sockets: list[socket.socket]) -> None:
        self.params = params
        self.sockets = sockets
        self.children: dict[int, int] = {}  # pid: index of its socket
        self.stopping = False

    def spawn(self, index: int) -> None:
        pid = os.fork()
        if pid == 0:  # the child: its own socket only, default signal handling
            try:
                for i, sock in enumerate(self.sockets):
                    if i != index:
                        sock.close()
                for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGCHLD):
                    signal.signal(sig, signal.SIG_DFL)
                # until the app installs its own handler (api/persisted.py) as it is
                # imported: a SIGHUP before then has nothing to reload
                signal.signal(signal.SIGHUP, signal.SIG_IGN)
                serve_one(self.params, self.sockets[index])
            except BaseException as exc:  # the child never returns to the supervisor's loop
                if not isinstance(exc, SystemExit | KeyboardInterrupt):
                    print(f"serve: worker {index} failed: {exc!r}", file=sys.stderr, flush=True)
                os._exit(1)
            os._exit(0)
        self.children[pid] = index

    def signal_children(self, sig: int) -> None:
        for pid in list(self.children):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, sig)

    def run(self) -> int:
        def stop(signum: int, frame: object) -> None:
            self.stopping = True
            self.signal_children(signal.SIGTERM)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGHUP, lambda *_: self.signal_children(signal.SIGHUP))
        for index in range(len(self.sockets)):
            self.spawn(index)
        print(
            f"serve: {len(self.sockets)} uvicorn processes on "
            f"{self.params['host']}:{self.params['port']} (SO_REUSEPORT), pids "
            f"{' '.join(map(str, self.children))}",
            file=sys.stderr,
            flush=True,
        )
        while self.children:
            try:
                pid, status = os.wait()
            except InterruptedError:  # pragma: no cover (PEP 475 retries)
                continue
            except ChildProcessError:
                break
            index = self.children.pop(pid, None)
            if index is None or self.stopping:
                continue
            code = os.waitstatus_to_exitcode(status)
            print(f"serve: worker {index} (pid {pid}) exited {code}: restarting", file=sys.stderr)
            time.sleep(RESTART_PAUSE)
            if not self.stopping:
                self.spawn(index)
        return 0


def main(args: list[str]) -> int:
    if not hasattr(socket, "SO_REUSEPORT") or not sys.platform.startswith("linux"):
        print("serve: SO_REUSEPORT balancing needs Linux; run uvicorn itself", file=sys.stderr)
        return 2
    params = uvicorn_params(args)
    if params.get("uds") or params.get("fd") is not None or params.get("reload"):
        print("serve: --uds, --fd and --reload are uvicorn's alone", file=sys.stderr)
        return 2
    try:
        sockets = reuseport_sockets(
            params["host"], params["port"], max(1, params["workers"] or 1), params["backlog"]
        )
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            print(f"serve: {params['host']}:{params['port']} is in use", file=sys.stderr)
            return 1
        raise
    params["port"] = sockets[0].getsockname()[1]
    return Supervisor(params, sockets).run()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
