"""Settings: `.env.example` lists exactly what the settings module reads; the Vite dev
server's origins are trusted for CSRF with DEBUG on (a sign-in through them works); Django's
warnings are logged once."""

import ast
import json
import logging
import os
import re
import subprocess
import sys

from django.contrib.auth.models import User

from tests.client import GraphQLClient
from tests.conftest import REPO

SETTINGS = REPO / "backend" / "config" / "settings.py"
ENV_EXAMPLE = REPO / ".env.example"
COMPOSE = REPO / "docker-compose.yml"
CSRF_MESSAGE = "CSRF verification failed: send the csrftoken cookie's value as X-CSRFToken"


def env_vars_read_by_settings() -> set[str]:
    """Names in `os.environ.get("X", ...)`, `os.environ["X"]` and `env_bool("X", ...)`."""
    names = set()
    for node in ast.walk(ast.parse(SETTINGS.read_text())):
        key = None
        if isinstance(node, ast.Call) and node.args:
            func = ast.unparse(node.func)
            if func in {"os.environ.get", "env_bool", "os.getenv"}:
                key = node.args[0]
        elif isinstance(node, ast.Subscript) and ast.unparse(node.value) == "os.environ":
            key = node.slice
        if isinstance(key, ast.Name) and key.id == "name":
            continue  # env_bool's own body
        if key is not None:
            assert isinstance(key, ast.Constant), f"settings.py reads {ast.unparse(key)}"
            names.add(key.value)
    return names


def env_example_names() -> set[str]:
    """Every `NAME=` of .env.example, set or commented out (`# NAME=...`)."""
    return set(re.findall(r"^(?:# ?)?([A-Z][A-Z0-9_]*)=", ENV_EXAMPLE.read_text(), re.M))


def test_env_example_lists_every_setting_and_nothing_else():
    read = env_vars_read_by_settings()
    compose_only = set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", COMPOSE.read_text())) - read
    assert compose_only == {"POSTGRES_PASSWORD", "WEB_PORT"}  # docker compose's own
    listed = env_example_names()
    assert sorted(read - listed) == [], "read by settings.py, missing from .env.example"
    assert sorted(listed - read - compose_only) == [], "in .env.example, read by nothing"
    assert len(read) >= 30  # the parser found the settings (36 when written)


def test_the_env_parser_sees_every_way_settings_read_the_environment():
    assert {
        "DEBUG",  # env_bool
        "PERSISTED_DOCUMENTS",  # os.environ.get over two lines
        "DB_STATEMENT_TIMEOUT_MS",  # inside an f-string
        "CSRF_TRUSTED_ORIGINS",
        "MAX_REQUEST_BYTES",
    } <= env_vars_read_by_settings()


def settings_in_a_fresh_process(**env: str) -> dict:
    """config.settings imported by a new interpreter with only `env` set."""
    code = (
        "import json, config.settings as s; "
        "print(json.dumps({'CSRF_TRUSTED_ORIGINS': s.CSRF_TRUSTED_ORIGINS}))"
    )
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "CSRF_TRUSTED_ORIGINS"}}
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO / "backend",
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return json.loads(out.stdout)


def test_csrf_trusted_origins_from_the_environment_plus_vite_in_debug():
    vite = ["http://localhost:5173", "http://127.0.0.1:5173"]
    assert settings_in_a_fresh_process() == {"CSRF_TRUSTED_ORIGINS": vite}  # DEBUG defaults on
    assert settings_in_a_fresh_process(
        DEBUG="true", CSRF_TRUSTED_ORIGINS=" https://plan.example.com,https://b.example.com "
    ) == {"CSRF_TRUSTED_ORIGINS": ["https://plan.example.com", "https://b.example.com", *vite]}
    production = {"DEBUG": "false", "SECRET_KEY": "s"}
    assert settings_in_a_fresh_process(**production) == {"CSRF_TRUSTED_ORIGINS": []}
    assert settings_in_a_fresh_process(
        **production, CSRF_TRUSTED_ORIGINS="https://plan.example.com"
    ) == {"CSRF_TRUSTED_ORIGINS": ["https://plan.example.com"]}


def sign_in_from(origin: str) -> tuple[GraphQLClient, int, dict]:
    """What the browser does on the Vite dev server: its proxy sends the request on to the API
    with the API's Host, while the browser's Origin and Referer name the dev server."""
    browser = GraphQLClient(headers={"Origin": origin, "Referer": f"{origin}/heatmap"})
    csrf = browser.request("GET", "/auth/session", headers=browser.headers).json()["csrfToken"]
    r = browser.request(
        "POST",
        "/auth/login",
        json={"username": "planner", "password": "secret-1"},
        headers={**browser.headers, "X-CSRFToken": csrf},
    )
    return browser, r.status_code, r.json()


def test_sign_in_through_the_vite_dev_server_origins(db, tokens, settings):
    User.objects.create_user("planner", password="secret-1")
    for origin in ("http://localhost:5173", "http://127.0.0.1:5173"):
        browser, status, me = sign_in_from(origin)
        assert (origin, status, me["authenticated"], me["username"]) == (
            origin,
            200,
            True,
            "planner",
        )
        r = browser.post(
            "mutation { __typename }",
            headers={"X-CSRFToken": me["csrfToken"]},
        )
        assert r.body == {"data": {"__typename": "Mutation"}}
        viewer = browser.post("{ viewer { username } }", headers={"X-CSRFToken": me["csrfToken"]})
        assert viewer.data == {"viewer": {"username": "planner"}}


def test_sign_in_from_an_origin_not_trusted_is_refused(db, tokens):
    User.objects.create_user("planner", password="secret-1")
    for origin in ("http://localhost:5174", "https://localhost:5173", "http://evil.example"):
        _, status, body = sign_in_from(origin)
        assert (origin, status, body) == (
            origin,
            403,
            {"errors": [{"message": CSRF_MESSAGE, "extensions": {"code": "FORBIDDEN"}}]},
        )


def stream_handlers_reached(name: str) -> list[logging.Handler]:
    """The console handlers a record of logger `name` passes through (pytest's capture
    handlers aside)."""
    found: list[logging.Handler] = []
    logger: logging.Logger | None = logging.getLogger(name)
    while logger is not None:
        found += [
            h
            for h in logger.handlers
            if type(h) is logging.StreamHandler
            and all(f.filter(logging.makeLogRecord({})) for f in h.filters)
        ]
        logger = logger.parent if logger.propagate else None
    return found


def test_django_warnings_reach_one_console_handler(settings):
    settings.DEBUG = True  # Django's own console handler prints only in DEBUG
    for name in ("django.security.csrf", "django.request", "capgraph.operation"):
        assert (name, len(stream_handlers_reached(name))) == (name, 1)
