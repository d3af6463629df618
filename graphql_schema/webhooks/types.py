from __future__ import annotations

import datetime as dt
import enum

import strawberry

from graphql_schema.changes.types import ChangeEntityType
from graphql_schema.scalars import JSON
from webhooks.models import WebhookDelivery as DeliveryModel
from webhooks.models import WebhookSubscription as SubscriptionModel
from webhooks.services import ALL


@strawberry.enum
class DeliveryStatus(enum.Enum):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


@strawberry.type(
    name="WebhookSubscription",
    description="Changes POSTed to a URL, signed, in sequence order (docs/webhooks.md). Owned "
    "by the API token that created it, and scoped like it.",
)
class WebhookSubscription:
    _row: strawberry.Private[SubscriptionModel]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self._row.pk))

    @strawberry.field
    def url(self) -> str:
        return self._row.url

    @strawberry.field(description="The entity types sent; null: every type, those added later too.")
    def events(self) -> list[ChangeEntityType] | None:
        if ALL in self._row.events:
            return None
        return [ChangeEntityType(name) for name in self._row.events]

    @strawberry.field(description="False once disabled (see disabledReason).")
    def is_active(self) -> bool:
        return self._row.is_active

    @strawberry.field(description="Why deliveries stopped: the last failure, or the token.")
    def disabled_reason(self) -> str | None:
        return self._row.disabled_reason or None

    @strawberry.field(
        description="The highest change sequence delivered (succeeded or failed for good)."
    )
    def last_sequence(self) -> str:
        return str(self._row.last_sequence)

    @strawberry.field
    def created_at(self) -> dt.datetime:
        return self._row.created_at

    @strawberry.field
    def updated_at(self) -> dt.datetime:
        return self._row.updated_at


@strawberry.type(
    name="WebhookDelivery",
    description="One change sent to one subscription: its attempts and the last response.",
)
class WebhookDelivery:
    _row: strawberry.Private[DeliveryModel]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self._row.pk))

    @strawberry.field(
        description="X-Capgraph-Delivery: the same on every retry and on a redelivery."
    )
    def delivery_id(self) -> str:
        return str(self._row.delivery_id)

    @strawberry.field
    def subscription_id(self) -> strawberry.ID:
        return strawberry.ID(str(self._row.subscription_id))

    @strawberry.field(description="The change's sequence.")
    def sequence(self) -> str:
        return str(self._row.sequence)

    @strawberry.field(description="The body's change, as the change feed shows it.")
    def change(self) -> JSON:
        return JSON(self._row.change)

    @strawberry.field
    def status(self) -> DeliveryStatus:
        return DeliveryStatus(self._row.status)

    @strawberry.field(description="Attempts made so far (at most 8).")
    def attempts(self) -> int:
        return self._row.attempts

    @strawberry.field(description="Sent again by redeliverWebhook.")
    def redelivery(self) -> bool:
        return self._row.redelivery

    @strawberry.field(description="When the next attempt is due; null once finished.")
    def next_attempt_at(self) -> dt.datetime | None:
        return self._row.next_attempt_at if self._row.status == "pending" else None

    @strawberry.field
    def last_attempt_at(self) -> dt.datetime | None:
        return self._row.last_attempt_at

    @strawberry.field(description="The last attempt's HTTP status; null: no answer.")
    def response_status(self) -> int | None:
        return self._row.response_status

    @strawberry.field(
        description="The start of the last answer (1000 bytes at most), or why there was none."
    )
    def response_body(self) -> str | None:
        return self._row.response_body or None

    @strawberry.field
    def created_at(self) -> dt.datetime:
        return self._row.created_at


@strawberry.type
class CreateWebhookSubscriptionPayload:
    subscription: WebhookSubscription
    secret: str = strawberry.field(
        description="The signing secret: shown here only, keep it (docs/webhooks.md)."
    )
