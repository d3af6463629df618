from __future__ import annotations

from typing import Annotated

import strawberry

from graphql_schema.changes.types import ChangeEntityType
from graphql_schema.context import Info
from graphql_schema.people.mutations import DeletePayload
from graphql_schema.permissions import WRITE
from graphql_schema.policy import policy
from graphql_schema.services import run_service
from graphql_schema.validation import bounded, parse_id
from webhooks import services

from .access import token_viewer
from .types import CreateWebhookSubscriptionPayload, WebhookDelivery, WebhookSubscription


@strawberry.type
class WebhooksMutation:
    @strawberry.mutation(
        permission_classes=WRITE,
        description="POST every later change the token may see, of the given entity types "
        "(every type without `events`), to `url`, signed with `secret` (16..200 characters; "
        "generated when not given). The URL must be http(s) and resolve to public addresses "
        "only.",
        metadata=policy(per_viewer=True),
    )
    async def create_webhook_subscription(
        self,
        info: Info,
        url: str,
        events: Annotated[
            list[ChangeEntityType] | None,
            bounded(
                services.MAX_EVENTS,
                "events",
                description="The entity types to send; left out or null: every type, those "
                "added later too.",
            ),
        ] = None,
        secret: str | None = None,
    ) -> CreateWebhookSubscriptionPayload:
        viewer = token_viewer(info)
        names = None if events is None else [e.value for e in events]
        row = await run_service(services.create_subscription, viewer, url, names, secret)
        return CreateWebhookSubscriptionPayload(
            subscription=WebhookSubscription(_row=row), secret=row.secret
        )

    @strawberry.mutation(
        permission_classes=WRITE,
        description="Delete a subscription of the calling token, with its deliveries.",
        metadata=policy(per_viewer=True),
    )
    async def delete_webhook_subscription(self, info: Info, id: strawberry.ID) -> DeletePayload:
        viewer = token_viewer(info)
        subscription_id = parse_id(id, "id")
        await run_service(services.delete_subscription, viewer, subscription_id)
        return DeletePayload(id=strawberry.ID(str(subscription_id)))

    @strawberry.mutation(
        permission_classes=WRITE,
        description="Send a finished delivery again (same delivery id and body), before the "
        "subscription's later pending ones; re-enables a disabled subscription.",
        metadata=policy(per_viewer=True),
    )
    async def redeliver_webhook(self, info: Info, id: strawberry.ID) -> WebhookDelivery:
        viewer = token_viewer(info)
        row = await run_service(services.redeliver, viewer, parse_id(id, "id"))
        return WebhookDelivery(_row=row)
