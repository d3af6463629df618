"""`make run`'s first step: is HOST:PORT free? A second `make run` says so and stops, before it
migrates, loads demo data or prints a new token, instead of dying on "address already in use".

    python deploy/check_port.py HOST PORT    # exit 0: free; 1: taken (and says by what)
"""

import socket
import sys
import urllib.request


def port_taken(host: str, port: int) -> bool:
    """Whether uvicorn could not listen there (it binds with SO_REUSEADDR, as here)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return True
    return False


def is_capgraph(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/healthz", timeout=2) as r:
            return r.status == 200 and r.read(200).startswith(b'{"status"')
    except OSError:
        return False


def main(host: str, port: int) -> int:
    if not port_taken(host, port):
        return 0
    url = f"http://{host}:{port}"
    who = (
        f"capgraph is already running on {url} (another `make run`?)"
        if is_capgraph(url)
        else f"Port {port} on {host} is already in use by another program"
    )
    print(
        f"{who}.\nStop it, or run on another port: make run PORT={port + 1}",
        file=sys.stderr,
    )
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], int(sys.argv[2])))
