"""Webhook subscriptions and their deliveries (docs/webhooks.md).

A subscription belongs to an API token and sees what the token sees, read again at every
delivery. Its deliveries are made from the change log (changes.Change) in sequence order:
`read_sequence` is how far the change log has been read for it, each matching change becomes
one WebhookDelivery, and only the oldest pending delivery of a subscription is ever sent."""

import uuid

from django.db import models


class WebhookSubscription(models.Model):
    token = models.ForeignKey(
        "accounts.ApiToken", on_delete=models.CASCADE, related_name="webhook_subscriptions"
    )
    url = models.URLField(max_length=2000)
    # Entity types as the change feed names them ("person", "assignment", ...), or ["*"].
    events = models.JSONField(default=list)
    # Kept as given: the HMAC needs it (it is shown once, in createWebhookSubscription's answer).
    secret = models.CharField(max_length=200)
    is_active = models.BooleanField(default=True)
    disabled_reason = models.TextField(blank=True, default="")
    # The change log has been read up to this sequence (a delivery made for each matching
    # change): every later change is still to come.
    read_sequence = models.BigIntegerField(default=0)
    # The highest sequence delivered: succeeded, or failed for good.
    last_sequence = models.BigIntegerField(default=0)
    # One worker at a time sends a subscription's deliveries (that keeps them in order); a
    # worker that dies mid-delivery loses its lease when this passes, and the next one resends.
    lease_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"webhook {self.pk} -> {self.url}"

    def wants(self, entity_type: str) -> bool:
        return "*" in self.events or entity_type in self.events


class WebhookDelivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending"
        SUCCEEDED = "succeeded"
        FAILED = "failed"

    subscription = models.ForeignKey(
        WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    # The change's id: the change log is pruned after its retention, the delivery keeps the
    # sequence and the payload it sends.
    sequence = models.BigIntegerField()
    # X-Capgraph-Delivery: the same on every retry and on a redelivery, so that a receiver
    # deduplicates by it.
    delivery_id = models.UUIDField(default=uuid.uuid4, editable=False)
    redelivery = models.BooleanField(default=False)
    change = models.JSONField()  # the body's "change": the feed's node for this receiver
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    # The start of the receiver's answer, or why there was none (a timeout, a refused
    # connection); never the secret or the signature.
    response_body = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            # the head of a subscription's queue: its oldest pending delivery
            models.Index(fields=["subscription", "status", "sequence", "id"], name="webhook_queue"),
            models.Index(fields=["status", "next_attempt_at"], name="webhook_due"),
        ]

    def __str__(self) -> str:
        return f"delivery {self.delivery_id} of change {self.sequence} ({self.status})"
