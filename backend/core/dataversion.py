"""The data version: one integer that every write bumps. Response-cache keys include it, so
an answer computed before a write can never be served after it."""

import functools
import logging
import time
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger("capgraph.cache")
KEY = "capgraph:data-version"
P = ParamSpec("P")
R = TypeVar("R")
_last_outage_log = 0.0
OUTAGE_LOG_INTERVAL = 60.0


def cache_outage(exc: BaseException) -> None:
    """Log a cache (Redis) failure at most once per interval, not once per request."""
    global _last_outage_log
    now = time.monotonic()
    if now - _last_outage_log >= OUTAGE_LOG_INTERVAL:
        _last_outage_log = now
        logger.warning("cache unavailable, serving uncached: %s", exc)


def current() -> int | None:
    """The current data version; None when the cache cannot be reached."""
    try:
        value = cache.get(KEY)
        if value is None:
            cache.add(KEY, 1, timeout=None)
            value = cache.get(KEY)
        return int(value) if value is not None else None
    except Exception as exc:
        cache_outage(exc)
        return None


def bump() -> None:
    try:
        try:
            cache.incr(KEY)
        except ValueError:  # missing key
            cache.add(KEY, 1, timeout=None)
            cache.incr(KEY)
    except Exception as exc:
        cache_outage(exc)


# Called after every write commits (webhooks start delivering its change rows). Apps above
# core register here in their AppConfig.ready(); core imports none of them.
_after_commit: list[Callable[[], None]] = []


def after_write_commit(fn: Callable[[], None]) -> None:
    if fn not in _after_commit:
        _after_commit.append(fn)


def _committed() -> None:
    bump()
    for fn in _after_commit:
        try:
            fn()
        except Exception:  # the write has committed: a follower's failure must not fail it
            logger.exception("after-commit hook %s failed", getattr(fn, "__qualname__", fn))


def bump_for_write() -> None:
    """Call inside a write's transaction. Bumps now, so nothing cached so far is served
    again, and once more at commit, so that nothing computed from the data before the
    commit is served after it either; then the after-commit hooks run."""
    bump()
    transaction.on_commit(_committed)


def write_transaction(fn: Callable[P, R]) -> Callable[P, R]:
    """A write service: one transaction that bumps the data version when it succeeds."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with transaction.atomic():
            result = fn(*args, **kwargs)
            bump_for_write()
            return result

    return wrapper


class DataVersionAdmin:
    """ModelAdmin mixin: edits made in the Django admin invalidate cached answers too."""

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            bump_for_write()

    def delete_model(self, request, obj):
        with transaction.atomic():
            super().delete_model(request, obj)
            bump_for_write()

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            super().delete_queryset(request, queryset)
            bump_for_write()

    def save_related(self, request, form, formsets, change):
        with transaction.atomic():
            super().save_related(request, form, formsets, change)
            bump_for_write()
