"""Generated operations from the committed schema, through the real ASGI app: whatever a
client sends, no 5xx and no INTERNAL_SERVER_ERROR.

hypothesis-graphql is the engine of schemathesis's GraphQL support; used directly, the
operations go through this suite's HTTP client and transaction (rolled back at the end).
"""

import datetime as dt
import os

from graphql import (
    FloatValueNode,
    IntValueNode,
    NameNode,
    ObjectFieldNode,
    ObjectValueNode,
    StringValueNode,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import from_schema

from tests.client import GraphQLClient
from tests.conftest import REPO

SDL = (REPO / "graphql_schema" / "schema.graphql").read_text()
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "500"))

dates = st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)).map(
    lambda d: StringValueNode(value=d.isoformat())
)
numbers = st.one_of(
    st.integers(-10, 1000).map(lambda n: IntValueNode(value=str(n))),
    st.floats(-1, 200, allow_nan=False).map(lambda f: FloatValueNode(value=repr(f))),
)
# GraphQL literals cannot spell date keys ("2026-11-02" is not a Name), so generated JSON
# maps hold names: the server must refuse them cleanly, as it must any odd value.
json_values = st.one_of(
    numbers,
    st.text(max_size=12).map(lambda s: StringValueNode(value=s)),
    st.dictionaries(
        st.from_regex(r"[a-z_][a-z0-9_]{0,8}", fullmatch=True), numbers, max_size=3
    ).map(
        lambda d: ObjectValueNode(
            fields=tuple(ObjectFieldNode(name=NameNode(value=k), value=v) for k, v in d.items())
        )
    ),
)


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(operation=from_schema(SDL, custom_scalars={"Date": dates, "JSON": json_values}))
def test_generated_operations_never_fail_on_the_server(gql: GraphQLClient, operation, settings):
    settings.RATE_LIMIT_POINTS = 10**9  # fuzzing the API, not the budget
    r = gql.post(operation)
    assert r.status < 500, (operation, r.body)
    assert "INTERNAL_SERVER_ERROR" not in r.codes, (operation, r.body)
