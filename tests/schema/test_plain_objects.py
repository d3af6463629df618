"""api/execution.py completes plain objects in one step: the answers and the errors must be
graphql-core's own, whatever the objects hold."""

import datetime as dt
import enum

import pytest
import strawberry

from api.execution import PlainObjectsExecutionContext


@strawberry.enum
class Kind(enum.Enum):
    A = "a"
    B = "b"


@strawberry.type
class Plain:
    kind: Kind
    day: dt.date
    name: str | None
    count: int


@strawberry.type
class Mixed:
    count: int

    @strawberry.field
    def doubled(self) -> int:
        return 2 * self.count


ROWS = [
    Plain(kind=Kind.A, day=dt.date(2026, 11, 2), name="x", count=1),
    Plain(kind=Kind.B, day=dt.date(2026, 11, 3), name=None, count=2),
]
BROKEN = [  # a null in a non-null field, a value the type refuses
    Plain(kind=Kind.A, day=dt.date(2026, 11, 2), name="x", count=None),  # type: ignore[arg-type]
    Plain(kind="c", day=dt.date(2026, 11, 2), name="y", count=3),  # type: ignore[arg-type]
]


@strawberry.type
class Query:
    @strawberry.field
    def rows(self) -> list[Plain]:
        return ROWS

    @strawberry.field
    def broken(self) -> list[Plain | None]:
        return BROKEN

    @strawberry.field
    def mixed(self) -> list[Mixed]:
        return [Mixed(count=3)]


PLAIN = strawberry.Schema(query=Query, execution_context_class=PlainObjectsExecutionContext)
STOCK = strawberry.Schema(query=Query)


@pytest.mark.parametrize(
    "document",
    [
        "{ rows { kind day name count } }",
        "{ rows { n: name k: kind count day } }",
        "{ rows { kind __typename } }",
        "{ rows { ...F } } fragment F on Plain { day count }",
        "{ broken { kind day name count } }",
        "{ mixed { count doubled } }",
    ],
)
def test_answers_and_errors_are_graphql_cores(document):
    plain, stock = PLAIN.execute_sync(document), STOCK.execute_sync(document)
    assert plain.data == stock.data
    assert [e.formatted for e in plain.errors or []] == [e.formatted for e in stock.errors or []]


def test_plain_objects_take_the_short_path():
    assert PLAIN.execute_sync("{ rows { kind day name count } }").data == {
        "rows": [
            {"kind": "A", "day": "2026-11-02", "name": "x", "count": 1},
            {"kind": "B", "day": "2026-11-03", "name": None, "count": 2},
        ]
    }
    calls = []
    original = PlainObjectsExecutionContext.execute_field

    def spy(self, parent_type, source, field_details_list, *args):
        calls.append(f"{parent_type.name}.{field_details_list[0].node.name.value}")
        return original(self, parent_type, source, field_details_list, *args)

    PlainObjectsExecutionContext.execute_field = spy  # type: ignore[method-assign]
    try:
        PLAIN.execute_sync("{ rows { kind day name count } mixed { count doubled } }")
    finally:
        PlainObjectsExecutionContext.execute_field = original  # type: ignore[method-assign]
    # a plain row's fields are never executed one by one; a row with a resolver's are
    assert calls == ["Query.rows", "Query.mixed", "Mixed.count", "Mixed.doubled"]
    errors = PLAIN.execute_sync("{ broken { count } }").errors or []
    assert [e.message for e in errors] == ["Cannot return null for non-nullable field Plain.count."]
