"""The domains' Query, Mutation and Subscription classes composed into one. The HTTP edge builds the
schema it serves from them with its own extensions (api/schema.py)."""

import strawberry

from graphql_schema.accounts.types import RateLimitQuery, ViewerQuery
from graphql_schema.assignments.bulk import BulkHoursMutation
from graphql_schema.assignments.mutations import AssignmentsMutation
from graphql_schema.assignments.queries import AssignmentsQuery
from graphql_schema.calendars.mutations import CalendarsMutation
from graphql_schema.calendars.queries import CalendarsQuery
from graphql_schema.changes.queries import ChangesQuery
from graphql_schema.changes.subscriptions import ChangesSubscription
from graphql_schema.demand.mutations import DemandMutation
from graphql_schema.demand.queries import DemandQuery
from graphql_schema.exports.mutations import ExportsMutation
from graphql_schema.exports.queries import ExportsQuery
from graphql_schema.people.mutations import PeopleMutation
from graphql_schema.people.queries import PeopleQuery
from graphql_schema.projects.mutations import ProjectsMutation
from graphql_schema.projects.queries import ProjectsQuery
from graphql_schema.reports.queries import ReportsQuery
from graphql_schema.webhooks.mutations import WebhooksMutation
from graphql_schema.webhooks.queries import WebhooksQuery


@strawberry.type
class Query(
    ViewerQuery,
    RateLimitQuery,
    PeopleQuery,
    ProjectsQuery,
    AssignmentsQuery,
    ReportsQuery,
    ExportsQuery,
    CalendarsQuery,
    WebhooksQuery,
    ChangesQuery,
    DemandQuery,
):
    pass


@strawberry.type
class Mutation(
    PeopleMutation,
    ProjectsMutation,
    AssignmentsMutation,
    BulkHoursMutation,
    ExportsMutation,
    CalendarsMutation,
    WebhooksMutation,
    DemandMutation,
):
    pass


@strawberry.type
class Subscription(ChangesSubscription):
    pass
