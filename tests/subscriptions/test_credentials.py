"""An open subscription stands only while its credentials do: accounts.access.lapsed says
which no longer stand and why, and the hub (changes.live) ends those subscriptions with
Unauthenticated before it offers them anything more. In process, on PostgreSQL and SQLite;
the live test (test_live.py) revokes a token under real ws and SSE clients."""

import asyncio
import datetime as dt

import pytest
from asgiref.sync import async_to_sync
from django.contrib.auth.models import User
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone

from accounts.access import (
    SESSION_ENDED,
    TOKEN_CHANGED,
    Credential,
    lapsed,
    token_viewer,
    viewer_from_user,
)
from accounts.models import ApiToken
from changes import live
from people.models import Department
from tests.client import exact_queries


def _token(name: str, departments=()) -> ApiToken:
    user, _ = User.objects.get_or_create(username=f"u-{name}")
    token, _ = ApiToken.issue(user, name=name, departments=departments)
    return token


def credential(token: ApiToken) -> Credential:
    token.refresh_from_db()
    viewer, _ = token_viewer(token)
    return Credential(viewer)


def session_credential(user: User) -> Credential:
    store = SessionStore()
    store["_auth_user_id"] = str(user.pk)
    store["_auth_user_hash"] = user.get_session_auth_hash()  # as django.contrib.auth.login
    store.create()
    viewer = viewer_from_user(user)
    assert viewer is not None
    return Credential(viewer, store.session_key)


def test_lapsed_names_each_credential_that_no_longer_stands_and_why(db):
    fine, revoked, expired, disabled, rescoped, deleted = (
        _token(n) for n in ("fine", "revoked", "expired", "disabled", "rescoped", "deleted")
    )
    creds = {t.name: credential(t) for t in (fine, revoked, expired, disabled, rescoped, deleted)}
    person = User.objects.create_user("planner")
    signed_in, signed_out = session_credential(person), session_credential(person)

    ApiToken.objects.filter(pk=revoked.pk).update(revoked=True)  # no signal: the tick's case
    ApiToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - dt.timedelta(1))
    User.objects.filter(pk=disabled.user_id).update(is_active=False)
    rescoped.restricted = True
    rescoped.save()
    rescoped.departments.set([Department.objects.order_by("pk").first()])
    deleted.delete()
    SessionStore(signed_out.session_key).delete()

    everything = [*creds.values(), signed_in, signed_out]
    # the tokens; the restricted one's departments; the session users; one per session
    with exact_queries(5):
        found = lapsed(everything)
    assert found == {
        creds["revoked"]: "Invalid API token",
        creds["expired"]: "API token expired",
        creds["disabled"]: "Invalid API token",
        creds["rescoped"]: TOKEN_CHANGED,
        creds["deleted"]: "Invalid API token",
        signed_out: SESSION_ENDED,
    }


def test_a_disabled_session_user_is_lapsed(db):
    person = User.objects.create_user("planner")
    cred = session_credential(person)
    assert lapsed([cred]) == {}
    User.objects.filter(pk=person.pk).update(is_active=False)
    assert lapsed([cred]) == {cred: SESSION_ENDED}


def test_a_password_changed_since_signing_in_ends_the_session(db):
    # given two sessions of one user, and one of another
    person, other = User.objects.create_user("planner"), User.objects.create_user("other")
    first, second, theirs = (session_credential(u) for u in (person, person, other))
    assert lapsed([first, second, theirs]) == {}

    # when the first user's password changes elsewhere (another device, an administrator)
    person.set_password("a-new-password-1")
    person.save()

    # then both of that user's sessions have lapsed, as Django's own get_user would say
    assert lapsed([first, second, theirs]) == {first: SESSION_ENDED, second: SESSION_ENDED}


def test_a_session_signed_with_a_fallback_secret_still_stands(db, settings):
    person = User.objects.create_user("planner")
    cred = session_credential(person)
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-rotated-secret-key-" + "x" * 40
    assert lapsed([cred]) == {}
    settings.SECRET_KEY_FALLBACKS = []
    assert lapsed([cred]) == {cred: SESSION_ENDED}


@pytest.mark.django_db(transaction=True)
def test_the_hub_ends_a_lapsed_subscription_with_unauthenticated_and_keeps_the_others(
    django_db_setup,
):
    fine, doomed = _token("fine"), _token("doomed")
    hub = live.Hub()
    kept = live.Subscriber(None, lambda row: True, 10, credential(fine))
    ended = live.Subscriber(None, lambda row: True, 10, credential(doomed))
    hub.subscribers |= {kept, ended}
    ApiToken.objects.filter(pk=doomed.pk).update(revoked=True)

    async def vet():
        await hub.vet()
        with pytest.raises(live.Unauthenticated) as caught:
            await asyncio.wait_for(anext(ended), 1)
        return caught.value

    error = async_to_sync(vet)()
    assert str(error) == "Invalid API token"
    assert hub.subscribers == {kept}
    assert kept.queue.empty() and not kept.dropped
