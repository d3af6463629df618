from __future__ import annotations

import datetime as dt
from enum import Enum

import strawberry

from changes import log
from graphql_schema.pagination import PageInfo
from graphql_schema.policy import policy
from graphql_schema.scalars import JSON


@strawberry.enum(description="What a change is about (the entity its entityId names).")
class ChangeEntityType(Enum):
    PERSON = log.PERSON
    ASSIGNMENT = log.ASSIGNMENT
    TIME_OFF = log.TIME_OFF
    WORK_SCHEDULE = log.WORK_SCHEDULE
    PLACEHOLDER = strawberry.enum_value(
        log.PLACEHOLDER,
        description="A placeholder (its required skills too); its assignments are ASSIGNMENT "
        "changes with placeholderId in place of personId.",
    )
    PROJECT = log.PROJECT
    DEPARTMENT = log.DEPARTMENT
    ROLE = log.ROLE
    SKILL = log.SKILL
    HOLIDAY_CALENDAR = log.HOLIDAY_CALENDAR
    HOLIDAY = log.HOLIDAY
    DATASET = strawberry.enum_value(
        log.DATASET, description="A bulk load (load_dataset, the demo seed): re-read everything."
    )


@strawberry.enum
class ChangeOperation(Enum):
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"


@strawberry.type(description="One entry of the change log.")
class Change:
    sequence: str = strawberry.field(
        description="The change's place in the log: increasing in commit order (a decimal id)."
    )
    entity_type: ChangeEntityType
    entity_id: strawberry.ID
    operation: ChangeOperation
    fields: JSON = strawberry.field(
        description='{"field": {"before": value, "after": value}}: a create has no "before", '
        'a delete no "after"; a removal from the viewer\'s departments has no fields.'
    )
    actor: str = strawberry.field(
        description='Who wrote: "user:<username>", "token:<token name>", "admin:<username>", '
        '"command:<name>" or "system".'
    )
    at: dt.datetime


@strawberry.type
class ChangeEdge:
    cursor: str
    node: Change


@strawberry.type(description="Changes in sequence order; poll again with after: endCursor.")
class ChangeConnection:
    edges: list[ChangeEdge] = strawberry.field(metadata=policy(items=100, page=True))
    page_info: PageInfo = strawberry.field(
        description="endCursor is the last change's cursor, or the `after` sent when there is "
        "no new change: always the cursor to resume from."
    )
