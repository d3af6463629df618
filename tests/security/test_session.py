"""The web app's session: log in with CSRF, call GraphQL with the session, log out."""

from django.contrib.auth.models import User

from tests.client import GraphQLClient
from tests.helpers import login


def test_session_login_graphql_and_logout(db, tokens):
    User.objects.create_user("planner", password="secret")
    browser = GraphQLClient()
    first = browser.request("GET", "/auth/session").json()
    assert (first["authenticated"], first["username"]) == (False, None)
    assert browser.cookies.get("csrftoken")

    status, me = login(browser)
    assert (status, me["authenticated"], me["username"], me["isStaff"]) == (
        200,
        True,
        "planner",
        False,
    )

    csrf = me["csrfToken"]
    r = browser.post("{ viewer { username authMethod canWrite } }", headers={"X-CSRFToken": csrf})
    assert r.data == {"viewer": {"username": "planner", "authMethod": "session", "canWrite": True}}

    forged = browser.post("{ viewer { username } }")  # no X-CSRFToken: another site's form
    assert forged.status == 403
    assert forged.errors == [
        {
            "message": "CSRF verification failed: send the csrftoken cookie's value as X-CSRFToken",
            "extensions": {"code": "FORBIDDEN"},
        }
    ]

    out = browser.request("POST", "/auth/logout", headers={"X-CSRFToken": csrf})
    assert out.json() == {"authenticated": False}
    after = browser.post("{ viewer { username } }")
    assert after.codes == ["UNAUTHENTICATED"]


def test_wrong_password_is_401_and_logs_nobody_in(db, tokens):
    User.objects.create_user("planner", password="secret")
    browser = GraphQLClient()
    status, body = login(browser, password="nope")
    assert (status, body) == (
        401,
        {"error": "Wrong username or password", "code": "UNAUTHENTICATED"},
    )
    assert browser.request("GET", "/auth/session").json()["authenticated"] is False


def test_login_needs_the_csrf_token(db, tokens):
    r = GraphQLClient().request(
        "POST", "/auth/login", json={"username": "planner", "password": "secret"}
    )
    assert r.status_code == 403


def test_web_app_index_is_served_at_the_root(db, tokens):
    r = GraphQLClient().request("GET", "/")
    assert r.status_code == 200
    page = GraphQLClient().request("GET", "/heatmap")  # routes of the app get the same page
    assert page.status_code == 200 and page.text == r.text


def test_a_revoked_token_stops_working_at_once_in_this_process(client_for, tokens):
    from accounts.models import ApiToken, hash_token

    client = client_for(tokens.read)
    assert client.post("{ viewer { username } }").status == 200  # now remembered
    token = ApiToken.objects.get(key_hash=hash_token(tokens.read))
    token.revoked = True
    token.save()
    r = client.post("{ viewer { username } }")
    assert (r.status, r.errors[0]["message"]) == (401, "Invalid API token")
