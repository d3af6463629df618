from tests.client import GraphQLClient


def test_healthz_answers_without_touching_dependencies(db):
    r = GraphQLClient().request("GET", "/healthz")
    assert (r.status_code, r.json()) == (200, {"status": "ok"})


def test_readyz_reports_each_dependency(db, settings):
    r = GraphQLClient().request("GET", "/readyz")
    body = r.json()
    assert r.status_code == 200
    assert body["status"] == "ready"
    expected = {"database"} | ({"redis"} if settings.REDIS_URL else set())
    assert set(body["checks"]) == expected
    for state in body["checks"].values():
        assert state["status"] == "up"
        assert state["latency_ms"] >= 0


def test_readyz_is_503_when_the_database_fails(db, monkeypatch):
    from api import health

    def broken():
        raise ConnectionError("database unreachable")

    monkeypatch.setattr(health, "_database", broken)
    r = GraphQLClient().request("GET", "/readyz")
    assert r.status_code == 503
    assert r.json()["status"] == "unavailable"
    assert r.json()["checks"]["database"]["status"] == "down"
    assert r.json()["checks"]["database"]["error"] == "ConnectionError"


def test_readyz_stays_ready_when_redis_is_down(db, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    r = GraphQLClient().request("GET", "/readyz")
    assert r.status_code == 200
    assert r.json()["checks"]["redis"]["status"] == "down"


def test_graphiql_in_debug_or_for_staff_sessions_only(db, settings, client):
    from django.contrib.auth.models import User

    html = {"Accept": "text/html"}
    settings.DEBUG = True
    page = GraphQLClient().request("GET", "/graphql", headers=html)
    assert page.status_code == 200
    assert "graphiql" in page.text.lower()
    settings.DEBUG = False
    assert GraphQLClient().request("GET", "/graphql", headers=html).status_code == 404
    staff = User.objects.create_user("lead", password="pw", is_staff=True)
    client.force_login(staff)
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    r = GraphQLClient().request("GET", "/graphql", headers={**html, "Cookie": cookie})
    assert r.status_code == 200
