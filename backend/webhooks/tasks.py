"""Celery tasks (found by config.celery's autodiscovery). The beat runs `webhooks.dispatch`
every WEBHOOK_POLL_SECONDS as the safety net; committed writes queue it at once
(webhooks.dispatch.nudge)."""

import time

from celery import shared_task

from . import delivery


@shared_task(name="webhooks.dispatch", soft_time_limit=120, time_limit=150)
def dispatch_webhooks() -> dict[str, int]:
    """Fan the change log out, then one delivery task per subscription with a due delivery
    (a subscription's lease keeps a second task for it from sending anything)."""
    created = delivery.fan_out_all(time.monotonic() + delivery.PASS_SECONDS)
    due = delivery.due_subscriptions()
    for subscription_id in due:
        deliver_webhooks.delay(subscription_id)
    return {"created": created, "subscriptions": len(due)}


@shared_task(name="webhooks.deliver", soft_time_limit=120, time_limit=150)
def deliver_webhooks(subscription_id: int) -> int:
    # acks_late (settings): a worker lost mid-delivery leaves the task to another, and the
    # delivery stays pending until it succeeds.
    return delivery.deliver_subscription(subscription_id, time.monotonic() + delivery.PASS_SECONDS)
