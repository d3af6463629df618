from __future__ import annotations

import strawberry

from graphql_schema.context import Info
from graphql_schema.errors import NotFound
from graphql_schema.pagination import Connection, Edge, paginate
from graphql_schema.permissions import AUTH
from graphql_schema.policy import policy
from graphql_schema.validation import parse_id
from webhooks import services

from .access import token_viewer
from .types import DeliveryStatus, WebhookDelivery, WebhookSubscription


@strawberry.type
class WebhooksQuery:
    @strawberry.field(
        permission_classes=AUTH,
        description="The calling token's webhook subscriptions, oldest first.",
        # deliveries move lastSequence and disable subscriptions without a write
        metadata=policy(items=services.MAX_SUBSCRIPTIONS, per_viewer=True, uncacheable=True),
    )
    async def webhook_subscriptions(self, info: Info) -> list[WebhookSubscription]:
        viewer = token_viewer(info)
        rows = [row async for row in services.owned(viewer).order_by("id")]
        return [WebhookSubscription(_row=row) for row in rows]

    @strawberry.field(
        permission_classes=AUTH,
        description="A subscription's deliveries in the order they were made (by id), "
        "optionally of one status.",
        metadata=policy(per_viewer=True, uncacheable=True),
    )
    async def webhook_deliveries(
        self,
        info: Info,
        subscription: strawberry.ID,
        status: DeliveryStatus | None = None,
        first: int | None = 50,
        after: str | None = None,
    ) -> Connection[WebhookDelivery]:
        viewer = token_viewer(info)
        subscription_id = parse_id(subscription, "subscription")
        found = await services.owned(viewer).filter(pk=subscription_id).aexists()
        if not found:
            raise NotFound(
                f"Webhook subscription {subscription_id} not found", field="subscription"
            )
        rows = services.owned_deliveries(viewer).filter(subscription_id=subscription_id)
        if status is not None:
            rows = rows.filter(status=status.value)
        page = await paginate(rows.order_by("id"), first, after)
        page.edges = [
            Edge(cursor=edge.cursor, node=WebhookDelivery(_row=edge.node)) for edge in page.edges
        ]
        return page
