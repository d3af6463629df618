"""Django's middleware hooks run in the event loop (api.middleware.InlineHooks), not through
sync_to_async one thread hop each: a GraphQL request with a bearer token makes no hop for
any middleware, and a signed-in one still saves its session (that hook keeps its hop)."""

import contextlib
from collections import Counter

import pytest
from asgiref import sync
from django.conf import settings

from api import middleware
from tests.client import GraphQLClient

pytestmark = pytest.mark.django_db(transaction=False)


@contextlib.contextmanager
def hops():
    """The functions run through sync_to_async meanwhile, by qualified name."""
    seen: Counter = Counter()
    original = sync.SyncToAsync.__call__

    async def counted(self, *args, **kwargs):
        # never repr(): a bound QuerySet method's would run its query
        seen[getattr(self.func, "__qualname__", None) or type(self.func).__name__] += 1
        return await original(self, *args, **kwargs)

    sync.SyncToAsync.__call__ = counted  # type: ignore[method-assign]
    try:
        yield seen
    finally:
        sync.SyncToAsync.__call__ = original  # type: ignore[method-assign]


def middleware_hops(seen: Counter) -> dict[str, int]:
    return {
        name: n
        for name, n in seen.items()
        if name.split(".")[-1] in ("process_request", "process_response", "process_view")
    }


def test_every_django_middleware_is_the_inline_kind():
    for path in settings.MIDDLEWARE:
        module, _, name = path.rpartition(".")
        if module.startswith("django."):
            raise AssertionError(f"{path}: use api.middleware.{name} (InlineHooks)")
        if module == "api.middleware":
            assert issubclass(getattr(middleware, name), middleware.InlineHooks), path


def test_a_bearer_request_makes_no_middleware_hop(tokens):
    client = GraphQLClient(token=tokens.read)
    client.post("{ __typename }")  # warm: the token lookup and the document cache
    with hops() as seen:
        r = client.post("{ __typename }")
    assert r.data == {"__typename": "Query"}
    assert middleware_hops(seen) == {}
    # what is left: the request signals, the view's prelude and its after-work, the
    # response's close (at most 7, as docs/benchmarks.md says; 20 before)
    assert sum(seen.values()) <= 7, seen


def test_a_signed_in_request_saves_its_session_through_the_thread(django_user_model):
    django_user_model.objects.create_user("hops", password="a-long-password-1")
    client = GraphQLClient()
    csrf = client.request("GET", "/auth/session").json()["csrfToken"]
    with hops() as seen:
        r = client.request(
            "POST",
            "/auth/login",
            json={"username": "hops", "password": "a-long-password-1"},
            headers={"X-CSRFToken": csrf},
        )
    assert r.status_code == 200, r.text
    assert middleware_hops(seen) == {"SessionMiddleware.process_response": 1}
    assert settings.SESSION_COOKIE_NAME in client.cookies
    r = client.request(
        "POST",
        "/graphql",
        json={"query": "{ viewer { username } }"},
        headers={"X-CSRFToken": client.cookies["csrftoken"]},
    )
    assert r.json()["data"] == {"viewer": {"username": "hops"}}, r.text
