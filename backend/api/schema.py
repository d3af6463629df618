"""The schema the endpoint serves: graphql_schema's Query and Mutation with the edge's
extensions (the document cache and the gate). Built here, not in graphql_schema, so that the
schema package never imports the edge."""

import strawberry
from strawberry.schema.config import StrawberryConfig

from graphql_schema.schema import Mutation, Query, Subscription

from .documents import DocumentCache, schema_version
from .execution import PlainObjectsExecutionContext
from .gate import Gate


class CapgraphSchema(strawberry.Schema):
    def process_errors(self, errors, execution_context=None) -> None:
        # Logging and masking of unexpected errors happen at the HTTP edge (api.views),
        # which knows which errors are intended; Strawberry would log every one of them.
        return None


schema = CapgraphSchema(
    query=Query,
    mutation=Mutation,
    subscription=Subscription,
    config=StrawberryConfig(auto_camel_case=True),
    extensions=[DocumentCache, Gate],
    execution_context_class=PlainObjectsExecutionContext,
)
# Part of every cache key: a schema change (or a change of validation rules, which must
# change this too) never reuses a document or an answer cached for the old one.
SCHEMA_VERSION = schema_version(schema.as_str())
