from __future__ import annotations

from accounts.access import Viewer
from graphql_schema.context import Info
from graphql_schema.errors import Forbidden

TOKEN_ONLY = "Webhook subscriptions belong to an API token and see what it sees: call with a token"


def token_viewer(info: Info) -> Viewer:
    """Sessions (staff included) have no token to own a subscription and scope it."""
    viewer = info.context.require_viewer()
    if viewer.token_id is None:
        raise Forbidden(TOKEN_ONLY)
    return viewer
