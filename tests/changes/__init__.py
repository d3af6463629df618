"""The change log (backend/changes) and the change feed (graphql_schema/changes)."""

from django.contrib.auth import get_user_model
from django.db import connection

from accounts.models import ApiToken
from changes.models import Change
from tests.client import GraphQLClient

# Queries one write's change log adds: the commit-order lock (PostgreSQL only) and the INSERT.
LOG_QUERIES = 2 if connection.vendor == "postgresql" else 1


def last_id() -> int:
    return Change.objects.order_by("-id").values_list("id", flat=True).first() or 0


def rows_after(since: int) -> list[dict]:
    """The rows appended since `since`, without their ids and times (checked apart)."""
    return list(
        Change.objects.filter(pk__gt=since)
        .order_by("pk")
        .values(
            "entity_type",
            "entity_id",
            "operation",
            "fields",
            "actor",
            "department_id",
            "previous_department_id",
        )
    )


def row(
    entity_type: str,
    entity_id: int,
    operation: str,
    fields: dict,
    actor: str,
    department: int | None = None,
    previous: int | None = None,
) -> dict:
    return {
        "entity_type": entity_type,
        "entity_id": entity_id,
        "operation": operation,
        "fields": fields,
        "actor": actor,
        "department_id": department,
        "previous_department_id": previous,
    }


def named_client(name: str, scope: str = "write", departments=()) -> GraphQLClient:
    """A client with a token of its own, named: its changes' actor is "token:<name>"."""
    user, _ = get_user_model().objects.get_or_create(username=f"u-{name}")
    _, raw = ApiToken.issue(user, scope=scope, departments=departments, name=name)
    return GraphQLClient(token=raw)
