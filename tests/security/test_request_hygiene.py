"""Request hygiene: body size, database statement timeout, CSRF on session POSTs."""

import pytest
from django.db import connection

from tests.client import GraphQLClient


def test_oversized_body_is_413(gql, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    r = gql.post("{ viewer { username } }" + " " * 2000)
    assert r.status == 413
    assert r.errors == [
        {
            "message": "The request body is larger than 1000 bytes",
            "extensions": {"code": "REQUEST_TOO_LARGE"},
        }
    ]


@pytest.mark.postgres
def test_a_statement_over_the_timeout_is_a_clean_error(gql, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.fail("this test needs PostgreSQL: run it with DATABASE_URL set")
    from graphql_schema.loaders import people

    def slow(self, keys):
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL statement_timeout = 50")
            cursor.execute("SELECT pg_sleep(1)")
        return {}

    monkeypatch.setattr(people.RoleByIdLoader, "load_batch", slow)
    r = gql.post('{ person(id: "25") { name role { name } } }')
    assert r.body["data"] == {"person": {"name": "Ada Thompson", "role": None}}
    (error,) = r.errors
    assert error["message"] == "The database took too long to answer; try a smaller request"
    assert error["extensions"] == {"code": "TIMEOUT"}
    assert error["path"] == ["person", "role"]


def test_cross_site_post_with_a_session_cookie_is_refused(db, tokens, client):
    from django.contrib.auth.models import User

    client.force_login(User.objects.create_user("victim"))
    browser = GraphQLClient(headers={"Cookie": f"sessionid={client.cookies['sessionid'].value}"})
    r = browser.post('mutation { deleteProject(id: "1") { id } }')
    assert r.status == 403
    assert r.codes == ["FORBIDDEN"]
    from projects.models import Project

    assert Project.objects.filter(pk=1).exists()


def test_no_database_connection_in_time_is_a_retryable_503(gql, monkeypatch):
    """The pool stayed exhausted past DB_POOL_TIMEOUT while the request was authenticated
    (psycopg_pool raises PoolTimeout there): a JSON 503 with Retry-After, not an HTML 500."""
    from psycopg_pool import PoolTimeout

    from api import views

    async def exhausted(request):
        raise PoolTimeout("couldn't get a connection after 10.00 sec")

    monkeypatch.setattr(views, "authenticate", exhausted)
    r = gql.post("{ viewer { username } }")
    assert r.status == 503
    assert r.headers["Retry-After"] == "5"
    assert r.headers["Cache-Control"] == "no-store"
    assert r.headers["Content-Type"] == "application/json"
    assert r.body == {
        "errors": [
            {
                "message": "The service is busy or unavailable: retry shortly",
                "extensions": {"code": "SERVICE_UNAVAILABLE"},
            }
        ]
    }
