"""Who is asking and what they may see: resolved once per request."""

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.utils import timezone

from .models import ApiToken, hash_token


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


class InvalidToken(Exception):
    pass


def viewer_from_token(raw: str) -> Viewer:
    try:
        token = ApiToken.objects.select_related("user").get(key_hash=hash_token(raw))
    except ApiToken.DoesNotExist:
        raise InvalidToken("Invalid API token") from None
    if token.revoked or not token.user.is_active:
        raise InvalidToken("Invalid API token")
    if token.expires_at is not None and token.expires_at <= timezone.now():
        raise InvalidToken("API token expired")
    roots = None
    if token.restricted:
        roots = frozenset(token.departments.values_list("id", flat=True))
    return Viewer(
        user_id=token.user.pk,
        username=token.user.get_username(),
        is_staff=token.user.is_staff,
        can_write=token.scope == ApiToken.Scope.WRITE,
        auth="token",
        token_id=token.pk,
        department_roots=roots,
    )


def viewer_from_user(user: AbstractBaseUser | AnonymousUser) -> Viewer | None:
    if not user.is_authenticated:
        return None
    return Viewer(
        user_id=user.pk,
        username=user.get_username(),
        is_staff=user.is_staff,
        can_write=True,
        auth="session",
    )
