"""Creating, deleting and redelivering webhooks; each write one transaction.

A subscription belongs to the API token that created it: only that token lists, reads,
deletes or redelivers it (another token's reads as NOT_FOUND), and it receives what the
token may see. Sessions have no token to own one: the GraphQL edge refuses them."""

from __future__ import annotations

import secrets as secrets_module
import time
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils import timezone

from accounts.access import Viewer
from changes import log
from changes.models import Change
from core.dataversion import write_transaction
from core.errors import Denied, InvalidInput, Missing
from core.text import CONTROL

from . import urls
from .models import WebhookDelivery, WebhookSubscription

MAX_SUBSCRIPTIONS = 20  # per token
MAX_EVENTS = 30
MIN_SECRET = 16
MAX_SECRET = 200
SECRET_PREFIX = "whsec_"
ALL = "*"  # stored for a subscription to every entity type


def owned(viewer: Viewer) -> QuerySet[WebhookSubscription]:
    if viewer.token_id is None:
        return WebhookSubscription.objects.none()
    return WebhookSubscription.objects.filter(token_id=viewer.token_id)


def owned_deliveries(viewer: Viewer) -> QuerySet[WebhookDelivery]:
    if viewer.token_id is None:
        return WebhookDelivery.objects.none()
    return WebhookDelivery.objects.filter(subscription__token_id=viewer.token_id)


def clean_events(events: Sequence[str] | None) -> list[str]:
    """Entity types as the change log names them ("person", "timeOff"...; the GraphQL edge
    sends ChangeEntityType values); None: every type, those added later too (stored "*")."""
    if events is None:
        return [ALL]
    if not events:
        raise InvalidInput(
            "events must name at least one entity type; leave it out for every type", "events"
        )
    if len(events) > MAX_EVENTS:
        raise InvalidInput(f"events names at most {MAX_EVENTS} entity types", "events")
    cleaned: list[str] = []
    for i, name in enumerate(events):
        if name not in log.ENTITY_TYPES:
            raise InvalidInput(
                f"events[{i}] must be one of {', '.join(log.ENTITY_TYPES)}, got {name[:50]!r}",
                f"events[{i}]",
            )
        if name not in cleaned:
            cleaned.append(name)
    return cleaned


def clean_secret(secret: str | None) -> str:
    if secret is None:
        return SECRET_PREFIX + secrets_module.token_urlsafe(32)
    if not MIN_SECRET <= len(secret) <= MAX_SECRET:
        raise InvalidInput(
            f"secret must be {MIN_SECRET} to {MAX_SECRET} characters, got {len(secret)}",
            "secret",
        )
    if CONTROL.search(secret) or secret != secret.strip():
        raise InvalidInput(
            "secret must not contain control characters or surrounding spaces", "secret"
        )
    return secret


def create_subscription(
    viewer: Viewer, url: str, events: Sequence[str] | None, secret: str | None
) -> WebhookSubscription:
    """The URL is checked (and its host resolved) before the transaction: DNS can be slow."""
    if viewer.token_id is None:
        raise Denied("Webhook subscriptions belong to an API token: call with one")
    cleaned_url = url.strip()
    urls.checked(cleaned_url)
    return _insert(viewer.token_id, cleaned_url, clean_events(events), clean_secret(secret))


@write_transaction
def _insert(token_id: int, url: str, events: list[str], secret: str) -> WebhookSubscription:
    if WebhookSubscription.objects.filter(token_id=token_id).count() >= MAX_SUBSCRIPTIONS:
        raise InvalidInput(
            f"A token has at most {MAX_SUBSCRIPTIONS} webhook subscriptions: delete one first",
            "url",
        )
    # From now on: changes committed before the subscription are not sent. Sequences are
    # handed out in commit order, so no change below this one can still commit.
    start = Change.objects.aggregate(last=Max("id"))["last"] or 0
    subscription = WebhookSubscription.objects.create(
        token_id=token_id,
        url=url,
        events=events,
        secret=secret,
        read_sequence=start,
        last_sequence=start,
    )
    transaction.on_commit(presence_changed)
    return subscription


@write_transaction
def delete_subscription(viewer: Viewer, subscription_id: int) -> None:
    deleted, _ = owned(viewer).filter(pk=subscription_id).delete()
    if not deleted:
        raise Missing(f"Webhook subscription {subscription_id} not found", "id")
    transaction.on_commit(presence_changed)


@write_transaction
def redeliver(viewer: Viewer, delivery_pk: int) -> WebhookDelivery:
    """Send a finished delivery again, with the same delivery id and body. It goes to the
    head of the subscription's queue (the lowest sequence pending goes first), and a
    subscription disabled after failures is active again: the fixed receiver then gets
    everything the change log holds since."""
    found = owned_deliveries(viewer).select_related("subscription").filter(pk=delivery_pk).first()
    if found is None:
        raise Missing(f"Webhook delivery {delivery_pk} not found", "id")
    if found.status == WebhookDelivery.Status.PENDING:
        raise InvalidInput(
            f"Webhook delivery {delivery_pk} is still pending: it is retried on its own", "id"
        )
    now = timezone.now()
    copy = WebhookDelivery.objects.create(
        subscription_id=found.subscription_id,
        sequence=found.sequence,
        delivery_id=found.delivery_id,
        redelivery=True,
        change=found.change,
        next_attempt_at=now,
    )
    if not found.subscription.is_active:
        WebhookSubscription.objects.filter(pk=found.subscription_id).update(
            is_active=True, disabled_reason="", updated_at=now
        )
        transaction.on_commit(presence_changed)
    return copy


# Whether any subscription is active, per process, for a few seconds: every committed write
# asks (webhooks.dispatch.nudge), and a deployment without webhooks must not pay a query or
# a broker message per write for it.
PRESENCE_SECONDS = 5.0
_presence: tuple[float, bool] = (0.0, False)


def any_active() -> bool:
    global _presence
    until, active = _presence
    if until < time.monotonic():
        active = WebhookSubscription.objects.filter(is_active=True).exists()
        _presence = (time.monotonic() + PRESENCE_SECONDS, active)
    return active


def presence_changed(**_: Any) -> None:
    global _presence
    _presence = (0.0, False)
