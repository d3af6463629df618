"""Who is asking and what they may see: resolved once per request."""

from __future__ import annotations

import time
from collections.abc import Collection
from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from .models import ApiToken, hash_token

if TYPE_CHECKING:
    from people.tree import DepartmentTree


@dataclass(frozen=True, slots=True)
class Viewer:
    user_id: int
    username: str
    is_staff: bool
    can_write: bool
    auth: str  # "token" or "session"
    token_id: int | None = None
    # None: every department. Otherwise the roots the viewer is restricted to; the
    # request context expands them to descendants with the department tree.
    department_roots: frozenset[int] | None = None
    token_name: str = ""  # the change log's actor: "token:<name>" (the key prefix if unnamed)

    @property
    def restricted(self) -> bool:
        return self.department_roots is not None


@dataclass(frozen=True, slots=True)
class Scope:
    """What a viewer may see: the departments (expanded to their descendants) whose people,
    and those people's assignments and hours, it may read and write. None: every department.

    Built once per request (graphql_schema.context) and by background jobs (exports) from
    the viewer that `token_viewer` / `session_viewer` derive, so both read the same rows.
    Querysets apply it with `.visible_to(scope)` (people.models), the one place the
    department filter is written."""

    departments: frozenset[int] | None = None

    @classmethod
    def for_viewer(cls, viewer: Viewer | None, tree: DepartmentTree | None) -> Scope:
        """`tree` may be None only for a viewer that is not restricted (nothing to expand)."""
        if viewer is None or viewer.department_roots is None:
            return EVERYTHING
        if tree is None:
            raise ValueError("a department-restricted viewer's scope needs the department tree")
        return cls(frozenset(tree.descendants(viewer.department_roots)))

    @property
    def restricted(self) -> bool:
        return self.departments is not None

    def can_see_department(self, department_id: int | None) -> bool:
        if self.departments is None:
            return True
        return department_id is not None and department_id in self.departments


EVERYTHING = Scope()  # an unrestricted viewer's scope


class InvalidToken(Exception):
    pass


class TokenExpired(InvalidToken):
    pass


# Token -> Viewer, per process, for a few seconds: a token is looked up on every request,
# and the query was a fifth of a cached answer's time. Saving or deleting any token or user
# (revocation, a scope change, deactivation) clears it; other processes see such a change
# within TOKEN_CACHE_SECONDS.
TOKEN_CACHE_SECONDS = 5.0
_token_cache: dict[str, tuple[float, Viewer]] = {}


def cached_viewer(raw: str) -> Viewer | None:
    entry = _token_cache.get(hash_token(raw))
    if entry is None or entry[0] < time.monotonic():
        return None
    return entry[1]


def remember_viewer(raw: str, viewer: Viewer, expires_at: float | None = None) -> None:
    if len(_token_cache) > 10_000:
        _token_cache.clear()
    until = time.monotonic() + TOKEN_CACHE_SECONDS
    _token_cache[hash_token(raw)] = (min(until, expires_at or until), viewer)


def forget_viewers(**kwargs: object) -> None:
    _token_cache.clear()


def viewer_from_token(raw: str) -> Viewer:
    viewer, _ = viewer_and_expiry(raw)
    return viewer


def viewer_and_expiry(raw: str) -> tuple[Viewer, float | None]:
    """The token's viewer, and when (on the monotonic clock) the token expires."""
    try:
        token = ApiToken.objects.select_related("user").get(key_hash=hash_token(raw))
    except ApiToken.DoesNotExist:
        raise InvalidToken("Invalid API token") from None
    return token_viewer(token)


def token_viewer(token: ApiToken) -> tuple[Viewer, float | None]:
    """The viewer a token row (with its user) stands for, checked as every request checks
    it: revoked, its user deactivated or past its expiry is InvalidToken. Requests and
    background jobs (exports) both derive their viewer here."""
    if token.revoked or not token.user.is_active:
        raise InvalidToken("Invalid API token")
    if token.expires_at is not None and token.expires_at <= timezone.now():
        raise TokenExpired("API token expired")
    roots = None
    if token.restricted:
        roots = frozenset(token.departments.values_list("id", flat=True))
    viewer = Viewer(
        user_id=token.user.pk,
        username=token.user.get_username(),
        is_staff=token.user.is_staff,
        can_write=token.scope == ApiToken.Scope.WRITE,
        auth="token",
        token_id=token.pk,
        token_name=token.name or token.key_prefix,
        department_roots=roots,
    )
    expires = None
    if token.expires_at is not None:
        expires = time.monotonic() + (token.expires_at - timezone.now()).total_seconds()
    return viewer, expires


def session_viewer(user: AbstractBaseUser) -> Viewer:
    """A job's viewer for a session user (no token): as at the request, if still active."""
    viewer = viewer_from_user(user) if getattr(user, "is_active", False) else None
    if viewer is None:
        raise InvalidToken("User is not active")
    return viewer


def viewer_from_user(user: AbstractBaseUser | AnonymousUser) -> Viewer | None:
    if not user.is_authenticated:
        return None
    return Viewer(
        user_id=user.pk,
        username=user.get_username(),
        is_staff=getattr(user, "is_staff", False),  # Django's User; AbstractBaseUser has none
        can_write=True,
        auth="session",
    )


@dataclass(frozen=True, slots=True)
class Credential:
    """What an open subscription was admitted with: its viewer, and the session it came
    through (the web app's login; None for a token). `lapsed` checks it again."""

    viewer: Viewer
    session_key: str | None = None


TOKEN_LAPSED = "Invalid API token"
TOKEN_CHANGED = "The API token's access changed since subscribing: subscribe again"
SESSION_ENDED = "The session ended: sign in again"


def lapsed(credentials: Collection[Credential]) -> dict[Credential, str]:
    """Those of `credentials` that no longer stand, each with why: a token revoked, expired,
    deleted, its user disabled, or its scope or departments changed (the subscription's
    scope was fixed when it began); a session signed out or expired, or its user disabled.
    One query for the tokens (and one per restricted token, for its departments), one for
    the session users, one per session."""
    from django.contrib.auth import get_user_model

    out: dict[Credential, str] = {}
    by_token = {c.viewer.token_id: c for c in credentials if c.viewer.token_id is not None}
    tokens = {
        t.pk: t for t in ApiToken.objects.select_related("user").filter(pk__in=list(by_token))
    }
    for token_id, credential in by_token.items():
        try:
            row = tokens.get(token_id)
            if row is None:
                raise InvalidToken(TOKEN_LAPSED)
            viewer, _ = token_viewer(row)
        except InvalidToken as e:
            out[credential] = str(e)
            continue
        if viewer != credential.viewer:
            out[credential] = TOKEN_CHANGED
    sessions = [c for c in credentials if c.viewer.token_id is None]
    if sessions:
        active = {
            user.pk: user
            for user in get_user_model().objects.filter(
                pk__in={c.viewer.user_id for c in sessions}, is_active=True
            )
        }
        engine = import_module(settings.SESSION_ENGINE)
        for credential in sessions:
            key = credential.session_key
            data = engine.SessionStore(key).load() if key else {}
            user = active.get(credential.viewer.user_id)
            if (
                user is None
                or data.get(SESSION_KEY) != str(user.pk)
                or not _session_hash_verified(user, data.get(HASH_SESSION_KEY))
            ):
                out[credential] = SESSION_ENDED
    return out


def _session_hash_verified(user: AbstractBaseUser, session_hash: str | None) -> bool:
    """Django's own test (django.contrib.auth.get_user): the session's hash of the password
    still matches, under the secret key or one of its fallbacks. A password changed since the
    sign-in (on another device, by an administrator) ends the session, and so its
    subscriptions."""
    if not session_hash:
        return False
    if constant_time_compare(session_hash, user.get_session_auth_hash()):
        return True
    return any(
        constant_time_compare(session_hash, fallback)
        for fallback in user.get_session_auth_fallback_hash()
    )
