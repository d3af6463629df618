"""The schema: the domains' Query and Mutation classes composed into one."""

import strawberry
from strawberry.schema.config import StrawberryConfig

from api.documents import DocumentCache, schema_version
from api.gate import Gate
from graphql_schema.accounts.types import RateLimitQuery, ViewerQuery
from graphql_schema.assignments.bulk import BulkHoursMutation
from graphql_schema.assignments.mutations import AssignmentsMutation
from graphql_schema.assignments.queries import AssignmentsQuery
from graphql_schema.exports.mutations import ExportsMutation
from graphql_schema.exports.queries import ExportsQuery
from graphql_schema.people.mutations import PeopleMutation
from graphql_schema.people.queries import PeopleQuery
from graphql_schema.projects.mutations import ProjectsMutation
from graphql_schema.projects.queries import ProjectsQuery
from graphql_schema.reports.queries import ReportsQuery


@strawberry.type
class Query(
    ViewerQuery,
    RateLimitQuery,
    PeopleQuery,
    ProjectsQuery,
    AssignmentsQuery,
    ReportsQuery,
    ExportsQuery,
):
    pass


@strawberry.type
class Mutation(
    PeopleMutation, ProjectsMutation, AssignmentsMutation, BulkHoursMutation, ExportsMutation
):
    pass


class CapgraphSchema(strawberry.Schema):
    def process_errors(self, errors, execution_context=None) -> None:
        # Logging and masking of unexpected errors happen at the HTTP edge (api.views),
        # which knows which errors are intended; Strawberry would log every one of them.
        return None


schema = CapgraphSchema(
    query=Query,
    mutation=Mutation,
    config=StrawberryConfig(auto_camel_case=True),
    extensions=[DocumentCache, Gate],
)
# Part of every cache key: a schema change (or a change of validation rules, which must
# change this too) never reuses a document or an answer cached for the old one.
SCHEMA_VERSION = schema_version(schema.as_str())
