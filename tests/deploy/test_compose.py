"""docker-compose.yml checked against the code, since Docker cannot run here.

Every service: each environment variable is one that backend/config/*.py reads (found in
their source) or that the service's image documents; each command's program is pinned in
pyproject.toml and its arguments parse with that program's own CLI, naming an app or module
that imports; ports agree between the commands, healthchecks, `expose`/`ports` and nginx;
healthcheck URLs and nginx's proxied prefixes are real Django routes; depends_on and volumes
name what exists; .env.example mentions every variable the file passes or interpolates.

`compose_problems` lists what is wrong; the tests below assert it finds nothing in the real
files and something in each deliberately broken copy.
"""

from __future__ import annotations

import ast
import copy
import json
import re
import shlex
import tomllib
import types
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.urls import Resolver404, get_resolver, resolve

from deploy import stack
from tests.conftest import REPO

COMPOSE = REPO / "docker-compose.yml"
NGINX = REPO / "deploy" / "nginx.conf"
DOCKERFILE = REPO / "Dockerfile"
ENV_EXAMPLE = REPO / ".env.example"
APP_ROOT = "/app"  # the Dockerfile's WORKDIR: the repository root inside the api image

# What the official images read (their documentation's "Environment Variables").
IMAGE_ENV = {
    "postgres": {
        "POSTGRES_USER",
        "POSTGRES_PASSWORD",
        "POSTGRES_DB",
        "POSTGRES_INITDB_ARGS",
        "POSTGRES_INITDB_WALDIR",
        "POSTGRES_HOST_AUTH_METHOD",
        "PGDATA",
    },
    "redis": set(),
    "nginx": set(),
}
# The proxied prefixes the web service must pass to the API.
PROXIED = {"/graphql", "/auth/", "/admin/", "/exports/", "/healthz", "/readyz"}
INTERPOLATION = re.compile(r"\$\{([A-Z_][A-Z0-9_]*)")
URL = re.compile(r"https?://([A-Za-z0-9_.-]+)(?::(\d+))?(/[^\s'\"]*)?")


def settings_env_names() -> set[str]:
    """Environment variables read by backend/config/*.py: os.environ.get/[]/setdefault,
    os.getenv, and helpers (like settings.env_bool) whose body reads their first parameter."""
    names: set[str] = set()
    for path in sorted((REPO / "backend" / "config").glob("*.py")):
        tree = ast.parse(path.read_text(), str(path))
        helpers = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and node.args.args:
                param = node.args.args[0].arg
                for call in ast.walk(node):
                    if (
                        _env_read(call) is not None
                        and isinstance(_env_read(call), ast.Name)
                        and _env_read(call).id == param
                    ):
                        helpers.add(node.name)
        for node in ast.walk(tree):
            arg = _env_read(node)
            if arg is None and isinstance(node, ast.Call):
                func = node.func
                if isinstance(func, ast.Name) and func.id in helpers and node.args:
                    arg = node.args[0]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                names.add(arg.value)
    return names


def _env_read(node: ast.AST) -> ast.expr | None:
    """The key expression of an environment read, else None."""
    if isinstance(node, ast.Subscript) and ast.unparse(node.value) == "os.environ":
        return node.slice
    if isinstance(node, ast.Call) and node.args:
        name = ast.unparse(node.func)
        if name in {"os.environ.get", "os.getenv", "os.environ.setdefault"}:
            return node.args[0]
    return None


def pinned() -> set[str]:
    """Distribution names in [project].dependencies (what the image installs)."""
    deps = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"]
    return {re.split(r"[\[=<>~! ]", d, maxsplit=1)[0].lower() for d in deps}


def argv(command) -> list[str]:
    return list(command) if isinstance(command, list) else shlex.split(command)


def is_app(service: dict) -> bool:
    """Built from the repository's Dockerfile (the api image)."""
    build = service.get("build")
    if build is None:
        return False
    context = build if isinstance(build, str) else build.get("context", ".")
    dockerfile = "Dockerfile" if isinstance(build, str) else build.get("dockerfile", "Dockerfile")
    return context == "." and dockerfile == "Dockerfile"


def image_name(service: dict) -> str:
    """The image a service runs; for one built from a Dockerfile, its final FROM."""
    image = service.get("image", "")
    build = service.get("build")
    if isinstance(build, dict) and build.get("dockerfile"):
        dockerfile = REPO / build.get("context", ".") / build["dockerfile"]
        if dockerfile.is_file():
            image = re.findall(r"^FROM\s+(\S+)", dockerfile.read_text(), re.M)[-1]
    return image.split(":")[0].split("/")[-1]


def environment(service: dict) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        return dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {k: "" if v is None else str(v) for k, v in env.items()}


def strings(value) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield str(k)
            yield from strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from strings(v)


def nginx_locations(conf: str) -> list[tuple[str, str, str]]:
    """(modifier, path, body) of every location block."""
    return re.findall(r"location\s+(=\s*)?(\S+)\s*\{([^}]*)\}", conf)


def django_route_under(prefix: str) -> bool:
    """A URL pattern of the API (not the web app's catch-all) starts with this prefix."""
    wanted = prefix.lstrip("/")
    for pattern in get_resolver().url_patterns:
        route = str(pattern.pattern)
        if route and not route.startswith("^") and route.startswith(wanted.rstrip("/")):
            return True
    return False


def api_route(path: str) -> bool:
    """The path resolves to a view of the API, not to the web app's catch-all."""
    try:
        match = resolve(path)
    except Resolver404:
        return False
    return match.func.__module__ != "api.webapp"


def check_uvicorn(args: list[str]) -> tuple[list[str], int | None]:
    from uvicorn.importer import ImportFromStringError, import_from_string
    from uvicorn.main import main

    try:
        params = main.make_context("uvicorn", list(args)).params
    except Exception as exc:  # click's UsageError and friends
        return [f"uvicorn does not accept {args}: {exc}"], None
    problems = []
    if params["app_dir"] and not (REPO / params["app_dir"]).is_dir():
        problems.append(f"uvicorn --app-dir {params['app_dir']} does not exist")
    try:
        import_from_string(params["app"])
    except (ImportFromStringError, ImportError) as exc:
        problems.append(f"uvicorn app {params['app']} does not import: {exc}")
    return problems, params["port"]


def check_celery(args: list[str]) -> list[str]:
    from celery import Celery
    from celery.app.utils import find_app
    from celery.bin.celery import celery as cli

    problems, app_name, workdir, rest = [], None, None, list(args)
    while rest and rest[0].startswith("-"):  # the global options before the subcommand
        option = rest.pop(0)
        value = option.split("=", 1)[1] if "=" in option else rest.pop(0) if rest else ""
        if option.split("=")[0] in ("-A", "--app"):
            app_name = value
        elif option.split("=")[0] == "--workdir":
            workdir = value
        else:
            problems.append(f"celery option {option} is not checked here")
    if workdir != "backend":
        problems.append(f"celery --workdir is {workdir}, not backend (where `config` is)")
    try:
        app = find_app(app_name or "")
        assert isinstance(app, Celery), app
    except Exception as exc:
        return [*problems, f"celery app {app_name!r} does not import: {exc!r}"]
    if not rest or rest[0] not in cli.commands:
        return [*problems, f"celery has no subcommand {rest[:1]}"]
    try:
        cli.commands[rest[0]].make_context(rest[0], rest[1:], obj=types.SimpleNamespace(app=app))
    except Exception as exc:
        problems.append(f"celery {rest[0]} does not accept {rest[1:]}: {exc}")
    return problems


SERVE = "deploy/serve.py"  # the API's process manager: uvicorn's options after it


def uvicorn_args(command: list[str]) -> list[str]:
    """uvicorn's options in the api's command: `python deploy/serve.py ...` or `uvicorn ...`."""
    return command[2:] if command[:2] == ["python", SERVE] else command[1:]


def check_python(args: list[str]) -> list[str]:
    from django.core.management import get_commands

    if args[:1] == [SERVE] and (REPO / SERVE).exists():
        return check_uvicorn(args[1:])[0]
    if len(args) < 2 or args[0] != "backend/manage.py" or not (REPO / args[0]).exists():
        return [f"python {args}: only backend/manage.py commands and {SERVE} are run"]
    if args[1] not in get_commands():
        return [f"manage.py has no command {args[1]}"]
    return []


def compose_problems(
    compose: dict, nginx: str, dockerfile: str, env_example: str, settings_env: set[str]
) -> list[str]:
    problems: list[str] = []
    services: dict[str, dict] = compose.get("services", {})
    volumes = set(compose.get("volumes") or {})
    for required in ("postgres", "redis", "api", "worker", "web"):
        if required not in services:
            problems.append(f"no {required} service")
    deps = pinned()
    api_port: int | None = None
    api = services.get("api", {})
    if "command" in api:
        found, api_port = check_uvicorn(uvicorn_args(argv(api["command"])))
        problems += found

    for name, service in services.items():
        where = f"services.{name}"
        # depends_on
        depends = service.get("depends_on") or []
        for dep in depends if isinstance(depends, list) else list(depends):
            if dep not in services:
                problems.append(f"{where}.depends_on: no service {dep}")
        # volumes: named ones are declared
        for volume in service.get("volumes") or []:
            source = volume.split(":")[0] if isinstance(volume, str) else volume.get("source")
            if source and not source.startswith((".", "/")) and source not in volumes:
                problems.append(f"{where}.volumes: {source} is not a declared volume")
        # environment
        env = environment(service)
        allowed = settings_env if is_app(service) else IMAGE_ENV.get(image_name(service))
        if allowed is None:
            problems.append(f"{where}: no known image (build . or one of {sorted(IMAGE_ENV)})")
            allowed = set()
        for key in env:
            if key not in allowed:
                kind = "read by backend/config" if is_app(service) else f"of {image_name(service)}"
                problems.append(f"{where}.environment: {key} is not a setting {kind}")
        if is_app(service):
            if service.get("env_file") not in (".env", [".env"]):
                problems.append(f"{where}.env_file is not .env")
            targets = {
                (v.split(":")[1] if isinstance(v, str) else v.get("target"))
                for v in service.get("volumes") or []
            }
            if "EXPORT_DIR" in env and env["EXPORT_DIR"] not in targets:
                problems.append(f"{where}: EXPORT_DIR {env['EXPORT_DIR']} is not a volume")
        # command
        command = argv(service["command"]) if "command" in service else []
        program, args = (command[0], command[1:]) if command else ("", [])
        port = None
        if is_app(service):
            if not command:
                problems.append(f"{where}: no command")
            elif program in ("uvicorn", "celery"):
                if program not in deps:
                    problems.append(f"{where}: {program} is not pinned in pyproject.toml")
                if program == "uvicorn":
                    found, port = check_uvicorn(args)
                    problems += found
                else:
                    problems += check_celery(args)
            elif program == "python":
                problems += check_python(args)
                if args[:1] == [SERVE]:
                    port = check_uvicorn(args[1:])[1]
            else:
                problems.append(f"{where}: program {program} is not one the image runs")
        # healthcheck
        test = argv((service.get("healthcheck") or {}).get("test", []))
        text = " ".join(test)
        if name in ("api", "web") and not test:
            problems.append(f"{where}: no healthcheck")
        for host, url_port, path in URL.findall(text):
            url_port = int(url_port or 80)
            if host not in ("127.0.0.1", "localhost"):
                problems.append(f"{where}.healthcheck: {host} is not the container itself")
            if name == "web":
                listen = [int(p) for p in re.findall(r"listen\s+(\d+)", nginx)]
                if url_port not in listen:
                    problems.append(f"{where}.healthcheck: nginx listens on {listen}")
                if not any(
                    (m.strip() and path == p) or (not m.strip() and path.startswith(p))
                    for m, p, body in nginx_locations(nginx)
                    if "proxy_pass" in body
                ):
                    problems.append(f"{where}.healthcheck: nginx does not proxy {path}")
            elif url_port != port:
                problems.append(f"{where}.healthcheck: port {url_port}, command listens on {port}")
            if not api_route(path or "/"):
                problems.append(f"{where}.healthcheck: {path} is not a route of the API")
        if name == "postgres" and test:
            user = env.get("POSTGRES_USER", "postgres")
            if "pg_isready" not in text or f"-U {user}" not in text:
                problems.append(f"{where}.healthcheck: not pg_isready -U {user}")
        if name == "redis" and test and "redis-cli" not in text:
            problems.append(f"{where}.healthcheck: not redis-cli ping")
        # ports
        if name == "api":
            exposed = {int(str(p).split("/")[0]) for p in service.get("expose") or []}
            if exposed != {port}:
                problems.append(f"{where}.expose {sorted(exposed)}: the command listens on {port}")
        if name == "web":
            listen = {int(p) for p in re.findall(r"listen\s+(\d+)", nginx)}
            for mapping in service.get("ports") or []:
                container = int(str(mapping).rsplit(":", 1)[-1].split("/")[0])
                if container not in listen:
                    problems.append(f"{where}.ports {mapping}: nginx listens on {listen}")

    # uvicorn keeps idle connections longer than nginx does: the side reusing one closes it
    nginx_idle = re.search(r"keepalive_timeout\s+(\d+)s?;", nginx)
    if "command" in api and nginx_idle:
        from uvicorn.main import main as uvicorn_cli

        try:
            idle = uvicorn_cli.make_context("uvicorn", uvicorn_args(argv(api["command"]))).params
            if idle["timeout_keep_alive"] <= int(nginx_idle.group(1)):
                problems.append(
                    f"services.api: --timeout-keep-alive {idle['timeout_keep_alive']} is not "
                    f"above nginx's keepalive_timeout {nginx_idle.group(1)}s"
                )
        except Exception:
            pass  # reported above
    # The client address: uvicorn believes no forwarded header (the app decides, with
    # TRUSTED_PROXIES), the api trusts exactly the service nginx runs in, and nginx sends the
    # address it saw, not the client's own X-Forwarded-For with it appended.
    if "command" in api:
        from uvicorn.main import main as uvicorn_cli

        try:
            params = uvicorn_cli.make_context("uvicorn", uvicorn_args(argv(api["command"]))).params
            if params["proxy_headers"] or params["forwarded_allow_ips"] not in (None, ""):
                problems.append(
                    "services.api: uvicorn must not believe forwarded headers "
                    "(--no-proxy-headers, no --forwarded-allow-ips): TRUSTED_PROXIES decides"
                )
        except Exception:
            pass  # reported above
    nginx_services = [
        name for name, svc in services.items() if "nginx" in str(svc.get("build", svc.get("image")))
        or name == "web"
    ]  # fmt: skip
    trusted = str(api.get("environment", {}).get("TRUSTED_PROXIES", ""))
    trusted_names = {t.strip() for t in trusted.split(",") if t.strip()}
    if trusted_names != set(nginx_services):
        problems.append(
            f"services.api: TRUSTED_PROXIES is {trusted!r}, not the nginx service "
            f"{', '.join(nginx_services)}"
        )
    forwarded = sorted(set(re.findall(r"proxy_set_header\s+X-Forwarded-For\s+(\S+);", nginx)))
    if forwarded != ["$remote_addr"]:
        problems.append(
            f"nginx: X-Forwarded-For is {forwarded}, not $remote_addr (the appended form "
            "passes on whatever the client wrote)"
        )
    # nginx: upstream is the api service on its port; each proxied prefix is an API route
    upstreams = re.findall(r"server\s+([A-Za-z0-9_-]+):(\d+)\s*;", nginx)
    if not upstreams:
        problems.append("nginx: no upstream server")
    for host, port in upstreams:
        if host not in services:
            problems.append(f"nginx: upstream {host} is not a service")
        elif host == "api" and int(port) != api_port:
            problems.append(f"nginx: upstream api:{port}, the api listens on {api_port}")
    proxied = {p for m, p, body in nginx_locations(nginx) if "proxy_pass" in body}
    for prefix in sorted(PROXIED - proxied):
        problems.append(f"nginx: {prefix} is not proxied to the API")
    for modifier, path, body in nginx_locations(nginx):
        if "proxy_pass" not in body:
            continue
        ok = api_route(path) if modifier.strip() else django_route_under(path)
        if not ok:
            problems.append(f"nginx: location {path} is not a route of the API")
    # A location that sets a header of its own inherits none of the server's: it sets all.
    for _, path, body in nginx_locations(nginx):
        own = set(re.findall(r"proxy_set_header\s+(\S+)\s", body))
        for header in sorted({"Host", "X-Forwarded-For", "X-Forwarded-Proto"} - own if own else ()):
            problems.append(f"nginx: location {path} sets its own headers but not {header}")
    # /graphql's live subscriptions: WebSocket upgrades pass, streams outlive the default
    graphql = [body for _, path, body in nginx_locations(nginx) if path == "/graphql"]
    upgrade = re.search(r"map\s+\$http_upgrade\s+\$connection_upgrade\s*\{", nginx)
    for body in graphql:
        if not (
            upgrade
            and re.search(r"proxy_set_header\s+Upgrade\s+\$http_upgrade;", body)
            and re.search(r"proxy_set_header\s+Connection\s+\$connection_upgrade;", body)
        ):
            problems.append("nginx: /graphql does not pass WebSocket upgrades")
        timeout = re.search(r"proxy_read_timeout\s+(\d+)([smh]?);", body)
        seconds = (
            int(timeout.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600}[timeout.group(2)]
            if timeout
            else 0
        )
        if seconds <= 60:
            problems.append("nginx: /graphql's streams are cut after 60 s (proxy_read_timeout)")
    # /static: collectstatic's STATIC_ROOT in the api container, the alias in web's
    static_root = f"{APP_ROOT}/{Path(settings.STATIC_ROOT).relative_to(REPO).as_posix()}"
    aliases = [
        a for m, p, body in nginx_locations(nginx) if p == "/static/"
        for a in re.findall(r"alias\s+(\S+?)/?;", body)
    ]  # fmt: skip
    if not aliases:
        problems.append("nginx: /static/ is not served")

    def volume_at(service: dict, target: str) -> str | None:
        for v in service.get("volumes") or []:
            parts = v.split(":") if isinstance(v, str) else [v.get("source"), v.get("target")]
            if len(parts) > 1 and parts[1].rstrip("/") == target.rstrip("/"):
                return parts[0]
        return None

    static_volume = volume_at(api, static_root)
    if static_volume is None:
        problems.append(f"services.api: no volume at STATIC_ROOT ({static_root})")
    for alias in aliases:
        if volume_at(services.get("web", {}), alias) != static_volume:
            problems.append(f"services.web: {alias} is not the api's static volume")

    # The Dockerfile's default command is the api's
    match = re.search(r"^CMD\s+(\[.*\])\s*$", dockerfile, re.M)
    if not match or json.loads(match.group(1)) != argv(api.get("command", [])):
        problems.append("Dockerfile CMD differs from services.api.command")
    if argv(api.get("command", []))[1:2] == [SERVE] and not re.search(
        rf"^COPY {re.escape(SERVE)} ", dockerfile, re.M
    ):
        problems.append(f"Dockerfile does not copy {SERVE}, the api's command")
    # The web app sends only hashes: the api image holds the manifest that names them.
    manifest = "frontend/src/gql/persisted-documents.json"
    if not re.search(rf"^COPY {re.escape(manifest)} ", dockerfile, re.M):
        problems.append(f"Dockerfile does not copy the web app's manifest ({manifest})")
    if not re.search(r"^FROM python:3\.11-slim\b", dockerfile, re.M):
        problems.append("Dockerfile is not FROM python:3.11-slim")
    web_build = services.get("web", {}).get("build", {})
    if isinstance(web_build, dict) and not (REPO / web_build.get("dockerfile", "")).is_file():
        problems.append(f"services.web.build: no {web_build.get('dockerfile')}")

    # .env.example mentions each variable passed to the app or interpolated
    passed = {k for s in services.values() if is_app(s) for k in environment(s)}
    interpolated = {v for s in strings(compose) for v in INTERPOLATION.findall(s)}
    for var in sorted(passed | interpolated):
        if not re.search(rf"^#?\s*{var}=", env_example, re.M):
            problems.append(f".env.example does not mention {var}")
    return problems


def load() -> tuple[dict, str, str, str, set[str]]:
    return (
        yaml.safe_load(COMPOSE.read_text()),
        NGINX.read_text(),
        DOCKERFILE.read_text(),
        ENV_EXAMPLE.read_text(),
        settings_env_names(),
    )


def test_settings_env_names_are_found_in_the_source():
    names = settings_env_names()
    # a plain read, a helper (env_bool), and the pool settings
    assert {"DATABASE_URL", "REDIS_URL", "DEBUG", "DB_POOL_MAX_SIZE"} <= names
    assert "READY_POOL_EXHAUSTED_SECONDS" in names


def test_compose_file_matches_the_code():
    assert compose_problems(*load()) == []


def test_compose_runs_the_commands_make_stack_runs():
    compose = yaml.safe_load(COMPOSE.read_text())["services"]
    assert argv(compose["api"]["command"]) == stack.api_command("0.0.0.0", 8000)
    assert argv(compose["worker"]["command"]) == stack.worker_command()
    assert argv(compose["beat"]["command"]) == stack.beat_command()


def _set(path: str, value) -> Callable[[dict], None]:
    def mutate(compose: dict) -> None:
        *parents, last = path.split(".")
        node = compose
        for key in parents:
            node = node[int(key)] if isinstance(node, list) else node[key]
        if isinstance(node, list):
            node[int(last)] = value
        else:
            node[last] = value

    return mutate


def _api_arg(old: str, new: str) -> Callable[[dict], None]:
    def mutate(compose: dict) -> None:
        command = compose["services"]["api"]["command"]
        command[command.index(old)] = new

    return mutate


BROKEN = {
    "unknown setting": (
        _set("services.api.environment.DATABSE_URL", "postgres://x"),
        "DATABSE_URL is not a setting",
    ),
    "unknown postgres variable": (
        _set("services.postgres.environment.POSTGRES_PASSWD", "x"),
        "POSTGRES_PASSWD is not a setting of postgres",
    ),
    "api port": (_api_arg("8000", "8001"), "the command listens on 8001"),
    "api app": (
        _api_arg("config.asgi:application", "config.asgi:app"),
        "uvicorn app config.asgi:app does not import",
    ),
    "uvicorn option": (_api_arg("--no-access-log", "--no-such-flag"), "uvicorn does not accept"),
    "server not pinned": (_api_arg("python", "gunicorn"), "program gunicorn"),
    "server script": (_api_arg(SERVE, "deploy/nothere.py"), "and deploy/serve.py are run"),
    "keepalive race": (_api_arg("75", "5"), "not above nginx's keepalive_timeout 60s"),
    "celery app": (_set("services.worker.command.4", "nosuchapp"), "celery app 'nosuchapp'"),
    "celery subcommand": (_set("services.worker.command.5", "wurker"), "no subcommand"),
    "manage.py command": (_set("services.migrate.command.2", "migrat"), "no command migrat"),
    "healthcheck route": (
        lambda c: c["services"]["api"]["healthcheck"].__setitem__(
            "test", ["CMD", "curl", "-f", "http://127.0.0.1:8000/ready"]
        ),
        "/ready is not a route of the API",
    ),
    "healthcheck port": (
        lambda c: c["services"]["api"]["healthcheck"].__setitem__(
            "test", ["CMD", "curl", "-f", "http://127.0.0.1:9000/readyz"]
        ),
        "port 9000, command listens on 8000",
    ),
    "depends_on": (
        _set("services.web.depends_on", {"apii": {"condition": "service_healthy"}}),
        "no service apii",
    ),
    "undeclared volume": (_set("services.api.volumes.0", "exprots:/data/exports"), "exprots"),
    "web port": (_set("services.web.ports.0", "8080:8080"), "nginx listens on"),
    "uvicorn believes any proxy": (
        lambda c: c["services"]["api"]["command"].extend(["--forwarded-allow-ips", "*"]),
        "uvicorn must not believe forwarded headers",
    ),
    "uvicorn proxy headers on": (
        lambda c: c["services"]["api"]["command"].remove("--no-proxy-headers"),
        "uvicorn must not believe forwarded headers",
    ),
    "no trusted proxy": (
        lambda c: c["services"]["api"]["environment"].pop("TRUSTED_PROXIES"),
        "TRUSTED_PROXIES is '', not the nginx service web",
    ),
    "everyone trusted": (
        _set("services.api.environment.TRUSTED_PROXIES", "0.0.0.0/0"),
        "TRUSTED_PROXIES is '0.0.0.0/0', not the nginx service web",
    ),
    "interpolated variable": (
        _set("services.postgres.environment.POSTGRES_PASSWORD", "${PG_SECRET}"),
        ".env.example does not mention PG_SECRET",
    ),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_a_broken_compose_file_fails(case):
    mutate, expected = BROKEN[case]
    compose, *rest = load()
    broken = copy.deepcopy(compose)
    mutate(broken)
    problems = compose_problems(broken, *rest)
    assert any(expected in p for p in problems), problems


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("server api:8000;", "server api:9000;", "upstream api:9000"),
        ("server api:8000;", "server apy:8000;", "upstream apy is not a service"),
        ("location /exports/ {", "location /export/ {", "/exports/ is not proxied"),
        ("location /auth/ {", "location /nope/ {", "location /nope/ is not a route"),
        ("alias /srv/static/;", "alias /srv/statics/;", "/srv/statics is not the api's static"),
        (
            "X-Forwarded-For $remote_addr;",
            "X-Forwarded-For $proxy_add_x_forwarded_for;",
            "X-Forwarded-For is ['$proxy_add_x_forwarded_for'], not $remote_addr",
        ),
        (
            "proxy_set_header Upgrade $http_upgrade;",
            "",
            "/graphql does not pass WebSocket upgrades",
        ),
        ("map $http_upgrade", "map $http_upgrades", "/graphql does not pass WebSocket upgrades"),
        (
            "proxy_set_header Host $host;\n        proxy_set_header X-Forwarded-For",
            "proxy_set_header X-Forwarded-For",
            "location /graphql sets its own headers but not Host",
        ),
        ("proxy_read_timeout 1h;", "", "/graphql's streams are cut after 60 s"),
    ],
)
def test_a_broken_nginx_conf_fails(old, new, expected):
    compose, nginx, *rest = load()
    assert old in nginx
    problems = compose_problems(compose, nginx.replace(old, new), *rest)
    assert any(expected in p for p in problems), problems


def test_images_are_built_without_secrets_or_local_state():
    ignored = {
        line.strip() for line in (REPO / ".dockerignore").read_text().splitlines() if line.strip()
    }
    assert {".env", ".git", ".venv", "**/node_modules", "frontend/dist"} <= ignored


def test_env_example_must_mention_every_passed_variable():
    compose, nginx, dockerfile, env_example, names = load()
    trimmed = re.sub(r"^#?\s*CELERY_BROKER_URL=.*$", "", env_example, flags=re.M)
    problems = compose_problems(compose, nginx, dockerfile, trimmed, names)
    assert ".env.example does not mention CELERY_BROKER_URL" in problems


def test_an_api_image_without_the_web_apps_manifest_is_refused():
    compose, nginx, dockerfile, env_example, settings_env = load()
    without = "\n".join(
        line for line in dockerfile.splitlines() if "persisted-documents.json" not in line
    )
    assert compose_problems(compose, nginx, without, env_example, settings_env) == [
        "Dockerfile does not copy the web app's manifest "
        "(frontend/src/gql/persisted-documents.json)"
    ]
