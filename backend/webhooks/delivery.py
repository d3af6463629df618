"""Delivering the change log to webhook subscriptions (docs/webhooks.md).

Two steps, both safe to run in any number of workers at once:
- fan-out: each active subscription reads the change log after its `read_sequence`, in
  sequence order, and gets one pending WebhookDelivery per change it may see. Moving
  `read_sequence` is a compare-and-set, so two workers never create the same deliveries.
- delivery: the worker holding a subscription's lease sends its oldest pending delivery, and
  the next only once that one has succeeded; a failed attempt waits for its retry (the
  deliveries behind it wait too: in order per subscription). The eighth failure disables the
  subscription with the reason. An attempt is counted before it is sent and marked done after:
  a worker killed in between leaves it pending, and once its lease lapses another worker sends
  it again (at least once; the receiver deduplicates by X-Capgraph-Delivery).
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import hmac
import json
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Greatest
from django.utils import timezone

from accounts import access
from changes import log
from changes.models import Change
from people.tree import DepartmentTree

from . import urls
from .models import WebhookDelivery, WebhookSubscription

logger = logging.getLogger("capgraph.webhooks")
Status = WebhookDelivery.Status

# Seconds to wait after failed attempt n before attempt n + 1, each +-JITTER: settings'
# WEBHOOK_RETRY_DELAYS, by default (60, 300, 900, 3600, 10800, 21600, 43200): the eighth
# attempt comes about 22 h 21 min after the first. Then the subscription is disabled.
JITTER = 0.1
TIMEOUT_SECONDS = 10.0


def retry_delays() -> tuple[float, ...]:
    return tuple(settings.WEBHOOK_RETRY_DELAYS)


def max_attempts() -> int:
    return len(settings.WEBHOOK_RETRY_DELAYS) + 1


def lease_seconds() -> float:
    """A worker renews its lease before an attempt once a quarter of it has run; an attempt
    takes at most about three timeouts (connect, send, read), so with 60 s a lease that
    lapses means the worker is gone (WEBHOOK_LEASE_SECONDS)."""
    return float(settings.WEBHOOK_LEASE_SECONDS)


BATCH = 500  # changes read per subscription per fan-out query
PASS_SECONDS = 50.0  # a pass starts no delivery after this (the next pass goes on)
EXCERPT_BYTES = 1000
USER_AGENT = "capgraph-webhooks/1"


def retry_delay(attempts: int, rand: Callable[[], float] = random.random) -> float:
    """Seconds before the next attempt once `attempts` have failed (1..max_attempts() - 1)."""
    return round(retry_delays()[attempts - 1] * (1 + JITTER * (2 * rand() - 1)), 3)


def iso(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


class Seen(enum.Enum):
    CHANGE = "change"
    REMOVAL = "removal"  # it left the viewer's departments: a DELETE without field values


def seen_as(change: Change, scope: access.Scope) -> Seen | None:
    """The change feed's rule (changes.log.seen_as), for a subscription's token."""
    seen = log.seen_as(change, scope.departments)
    return None if seen is None else Seen(seen)


def change_node(change: Change, seen: Seen = Seen.CHANGE) -> dict[str, Any]:
    """The change as the feed's `Change` node shows it (field names as in GraphQL)."""
    removal = seen is Seen.REMOVAL
    return {
        "sequence": str(change.id),
        "entityType": change.entity_type,
        "entityId": str(change.entity_id),
        "operation": "DELETE" if removal else change.operation.upper(),
        "fields": {} if removal else change.fields,
        "actor": change.actor,
        "at": iso(change.created_at),
    }


def body_of(delivery: WebhookDelivery) -> bytes:
    payload = {
        "deliveryId": str(delivery.delivery_id),
        "sequence": str(delivery.sequence),
        "change": delivery.change,
    }
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """X-Capgraph-Signature: HMAC-SHA256 of "<timestamp>.<body>" keyed with the secret."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return f"sha256={mac.hexdigest()}"


def disable(subscription_id: int, reason: str) -> None:
    WebhookSubscription.objects.filter(pk=subscription_id).update(
        is_active=False, disabled_reason=reason, lease_until=None, updated_at=timezone.now()
    )
    logger.warning("webhook %s disabled: %s", subscription_id, reason)


def owner_viewer(subscription: WebhookSubscription) -> access.Viewer | None:
    """The owning token's viewer, as a request derives it; None (and the subscription
    disabled) once the token is revoked or expired, or its user deactivated."""
    try:
        viewer, _ = access.token_viewer(subscription.token)
    except access.InvalidToken as exc:
        state = "expired" if isinstance(exc, access.TokenExpired) else "was revoked or disabled"
        disable(subscription.pk, f"The API token that owns this subscription {state}")
        return None
    return viewer


# --- fan-out -------------------------------------------------------------------------------


def fan_out(subscription: WebhookSubscription, scope: access.Scope) -> tuple[int, int]:
    """One batch of the change log after the subscription's read_sequence: (changes read,
    deliveries created); (0, 0) also when another worker took this batch first."""
    start = subscription.read_sequence
    changes = list(Change.objects.filter(id__gt=start).order_by("id")[:BATCH])
    if not changes:
        return 0, 0
    now = timezone.now()
    rows = []
    for change in changes:
        if not subscription.wants(change.entity_type):
            continue
        seen = seen_as(change, scope)
        if seen is not None:
            rows.append(
                WebhookDelivery(
                    subscription_id=subscription.pk,
                    sequence=change.id,
                    change=change_node(change, seen),
                    next_attempt_at=now,
                )
            )
    with transaction.atomic():
        moved = WebhookSubscription.objects.filter(pk=subscription.pk, read_sequence=start).update(
            read_sequence=changes[-1].id
        )
        if moved:
            WebhookDelivery.objects.bulk_create(rows)
    if not moved:
        subscription.refresh_from_db(fields=["read_sequence"])
        return 0, 0
    subscription.read_sequence = changes[-1].id
    return len(changes), len(rows)


def fan_out_all(deadline: float | None = None) -> int:
    """Every active subscription, up to the end of the change log (or the deadline).
    Returns the deliveries created."""
    tree: DepartmentTree | None = None
    created = 0
    subscriptions = WebhookSubscription.objects.filter(is_active=True).select_related("token__user")
    for subscription in subscriptions.order_by("id"):
        viewer = owner_viewer(subscription)
        if viewer is None:
            continue
        if viewer.restricted and tree is None:
            tree = DepartmentTree.load()  # once per pass, for every restricted owner
        scope = access.Scope.for_viewer(viewer, tree)
        read = BATCH
        while read == BATCH and (deadline is None or time.monotonic() < deadline):
            read, made = fan_out(subscription, scope)
            created += made
    return created


# --- delivery ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Outcome:
    ok: bool
    status: int | None
    excerpt: str


def post(
    client: httpx.Client, subscription: WebhookSubscription, body: bytes, headers: dict
) -> Outcome:
    """POST to the subscription's URL, connecting only to addresses checked just now."""
    try:
        target = urls.parse(subscription.url)
        addresses = urls.resolve(target)
    except urls.Refused as exc:
        return Outcome(False, None, str(exc))
    headers = {**headers, "Host": target.netloc}
    extensions = {"sni_hostname": target.host} if target.scheme == "https" else {}
    last = Outcome(False, None, "Could not connect")
    for ip in addresses:
        host = f"[{ip}]" if ip.version == 6 else str(ip)
        url = f"{target.scheme}://{host}:{target.port}{target.path}"
        try:
            with client.stream(
                "POST", url, content=body, headers=headers, extensions=extensions
            ) as response:
                excerpt = b""
                for chunk in response.iter_bytes():
                    excerpt += chunk
                    if len(excerpt) >= EXCERPT_BYTES:
                        break
            text = excerpt[:EXCERPT_BYTES].decode("utf-8", "replace")
            text = text.replace(subscription.secret, "[secret]")
            return Outcome(200 <= response.status_code < 300, response.status_code, text)
        except httpx.TimeoutException:
            return Outcome(False, None, f"No answer within {TIMEOUT_SECONDS:g} s")
        except httpx.ConnectError:
            last = Outcome(False, None, f"Could not connect to {target.host}:{target.port}")
        except httpx.HTTPError as exc:
            return Outcome(False, None, f"The connection failed ({type(exc).__name__})")
    return last


def attempt(
    client: httpx.Client, subscription: WebhookSubscription, delivery: WebhookDelivery
) -> bool:
    """One attempt at the delivery; True when the receiver answered 2xx."""
    attempts = delivery.attempts + 1
    started = timezone.now()
    # Counted before sending: a worker killed during the request has used this attempt.
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        attempts=attempts, last_attempt_at=started, updated_at=started
    )
    body = body_of(delivery)
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Capgraph-Delivery": str(delivery.delivery_id),
        "X-Capgraph-Timestamp": timestamp,
        "X-Capgraph-Signature": signature(subscription.secret, timestamp, body),
    }
    outcome = post(client, subscription, body, headers)
    now = timezone.now()
    done = {"response_status": outcome.status, "response_body": outcome.excerpt, "updated_at": now}
    rows = WebhookDelivery.objects.filter(pk=delivery.pk)
    if outcome.ok:
        _settle(rows, Status.SUCCEEDED, done, subscription.pk, delivery.sequence)
        return True
    if attempts < max_attempts():
        wait = dt.timedelta(seconds=retry_delay(attempts))
        rows.update(next_attempt_at=now + wait, **done)
        logger.info(
            "webhook %s: delivery %s attempt %d failed (%s); retry in %s",
            subscription.pk,
            delivery.delivery_id,
            attempts,
            outcome.status or outcome.excerpt,
            wait,
        )
        return False
    _settle(rows, Status.FAILED, done, subscription.pk, delivery.sequence)
    last = f"HTTP {outcome.status}" if outcome.status is not None else outcome.excerpt
    disable(
        subscription.pk,
        f"Delivery {delivery.delivery_id} (change {delivery.sequence}) failed {attempts} "
        f"times; the last attempt: {last}",
    )
    return False


def _settle(
    rows: QuerySet[WebhookDelivery],
    status: str,
    done: dict[str, Any],
    subscription_id: int,
    sequence: int,
) -> None:
    """Done with this change, one way or the other (`status`): the delivery's outcome, and
    the stream may move past it. One transaction, so a worker killed here leaves both or
    neither (no savepoint when the caller holds one already)."""
    with transaction.atomic(savepoint=False):
        rows.update(status=status, next_attempt_at=None, **done)
        WebhookSubscription.objects.filter(pk=subscription_id).update(
            last_sequence=Greatest(F("last_sequence"), sequence)
        )


def take_lease(subscription_id: int) -> bool:
    now = timezone.now()
    free = Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    return bool(
        WebhookSubscription.objects.filter(free, pk=subscription_id, is_active=True).update(
            lease_until=now + dt.timedelta(seconds=lease_seconds())
        )
    )


def renew_lease(subscription_id: int) -> None:
    WebhookSubscription.objects.filter(pk=subscription_id).update(
        lease_until=timezone.now() + dt.timedelta(seconds=lease_seconds())
    )


def release_lease(subscription_id: int) -> None:
    WebhookSubscription.objects.filter(pk=subscription_id).update(lease_until=None)


def http_client() -> httpx.Client:
    # No proxies from the environment (the addresses checked are the ones connected to), no
    # redirects (a 3xx is a failure: a redirect could point anywhere).
    return httpx.Client(timeout=TIMEOUT_SECONDS, follow_redirects=False, trust_env=False)


def deliver_subscription(subscription_id: int, deadline: float | None = None) -> int:
    """Send the subscription's due deliveries in order while they succeed, if no other
    worker holds its lease. Returns the attempts made.

    Each attempt costs four statements: the head of the queue read with its subscription,
    token and user (one join: the subscription still active, the token still valid), the
    attempt counted, its outcome, the subscription's last_sequence. The lease is renewed
    once a quarter of it has run (an attempt takes at most about half of it)."""
    if not take_lease(subscription_id):
        return 0
    made = 0
    renewed = time.monotonic()
    try:
        with http_client() as client:
            while deadline is None or time.monotonic() < deadline:
                head = (
                    WebhookDelivery.objects.filter(
                        subscription_id=subscription_id,
                        subscription__is_active=True,
                        status=Status.PENDING,
                    )
                    .select_related("subscription__token__user")
                    .order_by("sequence", "id")
                    .first()
                )
                if head is None or (
                    head.next_attempt_at is not None and head.next_attempt_at > timezone.now()
                ):
                    break
                subscription = head.subscription
                if owner_viewer(subscription) is None:
                    break
                if time.monotonic() - renewed > lease_seconds() / 4:
                    renew_lease(subscription_id)
                    renewed = time.monotonic()
                made += 1
                if not attempt(client, subscription, head):
                    break
    finally:
        release_lease(subscription_id)
    return made


def due_subscriptions() -> list[int]:
    """Active subscriptions whose oldest pending delivery may be sent now."""
    return list(
        WebhookDelivery.objects.filter(
            status=Status.PENDING,
            subscription__is_active=True,
            next_attempt_at__lte=timezone.now(),
        )
        .values_list("subscription_id", flat=True)
        .distinct()
        .order_by("subscription_id")
    )


def run_pass(seconds: float = PASS_SECONDS) -> tuple[int, int]:
    """Fan out, then deliver every due subscription in turn (the no-broker path and tests;
    with a broker each subscription is its own task). Returns (created, attempts)."""
    deadline = time.monotonic() + seconds
    created = fan_out_all(deadline)
    made = 0
    for subscription_id in due_subscriptions():
        made += deliver_subscription(subscription_id, deadline)
    return created, made
