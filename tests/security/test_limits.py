"""Document limits, node cost and the points budget, refused before anything executes."""

import pytest

from api import ratelimit
from tests.client import exact_queries


def nested(depth: int) -> str:
    """person > department > parent x (depth - 3) > name: `depth` levels of fields."""
    inner = "name"
    for _ in range(depth - 3):
        inner = f"parent {{ {inner} }}"
    return f'{{ person(id: "25") {{ department {{ {inner} }} }} }}'


def test_depth_10_passes_and_11_is_refused(gql):
    ok = gql.post(nested(10))
    assert "errors" not in ok.body
    r = gql.post(nested(11))
    assert r.errors == [
        {
            "message": "Query depth 11 exceeds the limit of 10",
            "extensions": {"code": "QUERY_TOO_COMPLEX"},
        }
    ]
    assert "data" not in r.body


def test_fragments_cannot_hide_depth(gql):
    document = """
      query { person(id: "25") { ...A } }
      fragment A on Person { department { ...B } }
      fragment B on Department { parent { parent { parent { parent { parent { parent {
        parent { parent { parent { name } } } } } } } } } }
    """
    assert gql.post(document).errors[0]["message"] == "Query depth 12 exceeds the limit of 10"


def test_fragment_cycles_are_refused_without_looping(gql):
    document = """
      query { person(id: "25") { ...A } }
      fragment A on Person { department { ...B } }
      fragment B on Department { parent { ...B } }
    """
    r = gql.post(document)
    assert r.codes == ["GRAPHQL_VALIDATION_FAILED"]
    assert r.errors[0]["message"] == "Cannot spread fragment 'B' within itself."


def test_more_than_15_aliases_are_refused_even_through_fragments(gql):
    fragment = " ".join(f"a{i}: name" for i in range(8))
    document = (
        f'query {{ person(id: "25") {{ ...F ...F2 }} }} '
        f"fragment F on Person {{ {fragment} }} "
        f"fragment F2 on Person {{ b1: name ...F }}"
    )
    r = gql.post(document)
    assert r.errors == [
        {
            "message": "Query uses 17 aliases; the limit is 15",
            "extensions": {"code": "QUERY_TOO_COMPLEX"},
        }
    ]


def test_more_than_50_directives_are_refused(gql):
    fields = " ".join("name @include(if: true)" for _ in range(51))
    r = gql.post(f'{{ person(id: "25") {{ {fields} }} }}')
    assert r.errors == [
        {
            "message": "Query uses 51 directives; the limit is 50",
            "extensions": {"code": "QUERY_TOO_COMPLEX"},
        }
    ]


def test_more_than_2000_tokens_are_refused(gql):
    fields = " ".join(["name"] * 2000)
    r = gql.post(f'{{ person(id: "25") {{ {fields} }} }}')
    assert r.codes == ["QUERY_TOO_COMPLEX"]
    assert r.errors[0]["message"] == (
        "Syntax Error: Document contains more than 2000 tokens. Parsing aborted."
    )


def test_documents_over_15000_characters_are_refused(gql):
    document = "{ viewer { username } }" + " " * 15000
    r = gql.post(document)
    assert r.errors == [
        {
            "message": "Document has 15023 characters; the limit is 15000",
            "extensions": {"code": "QUERY_TOO_COMPLEX"},
        }
    ]


def test_cost_over_50000_nodes_is_refused_before_execution(gql):
    # 1 connection + 200 edges + 200 people + 2,000 assignments (10 assumed per person)
    # + 52,000 weeks
    document = """{ people(first: 200) { edges { node { assignments {
      hoursByWeek(weeks: 26) { hours } } } } } }"""
    with exact_queries(1):  # the token lookup; nothing executes
        r = gql.post(document)
    assert r.errors == [
        {
            "message": "Query cost 54401 nodes exceeds the limit of 50000 nodes",
            "extensions": {"code": "QUERY_TOO_COMPLEX"},
        }
    ]


def test_cost_uses_variables_and_is_reported(gql):
    document = """query($n: Int!) { people(first: $n) { edges { node { name
      hoursByWeek(weeks: 4) { hours } } } } }"""
    r = gql.post(document, {"n": 100})
    # 1 connection + 100 edges + 100 people + 400 week loads = 601 nodes = 6 points
    assert r.extensions["cost"]["requested"] == 6
    assert r.extensions["cost"]["remaining"] == 5000 - 6
    assert r.headers["X-RateLimit-Limit"] == "5000"
    assert r.headers["X-RateLimit-Remaining"] == "4994"
    assert r.headers["X-RateLimit-Used"] == "6"
    rate = gql.post("{ rateLimit { limit remaining used cost resetAt } }").data["rateLimit"]
    assert (rate["limit"], rate["remaining"], rate["used"], rate["cost"]) == (5000, 4993, 7, 1)
    assert rate["resetAt"] == r.extensions["cost"]["resetAt"]
    assert rate["resetAt"].endswith(":00:00Z")


def test_mutations_cost_5_points(gql):
    r = gql.post('mutation { updatePerson(id: "25", input: {}) { person { id } } }')
    assert r.extensions["cost"]["requested"] == 5


def test_exhausted_budget_is_rate_limited_with_retry_after(gql, settings):
    settings.RATE_LIMIT_POINTS = 3
    for remaining in (2, 1, 0):
        assert gql.post('{ person(id: "25") { name } }').extensions["cost"]["remaining"] == (
            remaining
        )
    r = gql.post('{ person(id: "22") { name } }')
    assert r.status == 429
    assert r.codes == ["RATE_LIMITED"]
    assert r.errors[0]["message"].startswith(
        "Rate limit of 3 points per hour exceeded; this request costs 1, 0 remain until "
    )
    assert 1 <= int(r.headers["Retry-After"]) <= 3600
    assert r.headers["X-RateLimit-Remaining"] == "0"
    assert "data" not in r.body
    # a cached answer is refused the same way
    assert gql.post('{ person(id: "25") { name } }').status == 429


def test_budgets_are_per_token(client_for, tokens, settings):
    settings.RATE_LIMIT_POINTS = 1
    assert client_for(tokens.write).post("{ viewer { username } }").status == 200
    assert client_for(tokens.write).post("{ viewer { username } }").status == 429
    assert client_for(tokens.read).post("{ viewer { username } }").status == 200


def test_redis_outage_falls_back_to_a_per_process_limit(gql, settings):
    # Redis "stopped mid-run": the cache now points at a port nothing listens on.
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.SharedPoolRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2},
        }
    }
    settings.RATE_LIMIT_POINTS = 2
    answers = [gql.post('{ person(id: "25") { name } }') for _ in range(3)]
    assert [a.status for a in answers] == [200, 200, 429]  # still limited, per process
    assert answers[0].data == {"person": {"name": "Ada Thompson"}}
    assert answers[0].headers["X-Capgraph-Cache"] == "BYPASS"  # and served uncached
    assert ratelimit.local.used  # the per-process limiter did the counting


@pytest.mark.parametrize("debug", [False, True])
def test_field_suggestions_never_leave(gql, settings, debug):
    settings.DEBUG = debug  # not even in DEBUG: the suite checks no response has one
    r = gql.post('{ person(id: "25") { nam } }')
    assert r.errors[0]["message"] == "Cannot query field 'nam' on type 'Person'."


def test_introspection_only_in_debug_or_for_staff(client_for, tokens, settings):
    from django.contrib.auth.models import User

    from accounts.models import ApiToken

    settings.DEBUG = False
    document = "{ __schema { queryType { name } } }"
    r = client_for(tokens.write).post(document)
    assert r.errors == [
        {
            "message": "Introspection is disabled",
            "locations": [{"line": 1, "column": 3}],
            "extensions": {"code": "GRAPHQL_VALIDATION_FAILED"},
        }
    ]
    staff = client_for(ApiToken.issue(User.objects.create(username="ops", is_staff=True))[1])
    assert staff.post(document).data == {"__schema": {"queryType": {"name": "Query"}}}
    # and the staff member's validated document does not open the door for others
    assert client_for(tokens.write).post(document).codes == ["GRAPHQL_VALIDATION_FAILED"]


def nodes_document(aliases: int) -> str:
    # 1 connection + 200 x (edge + person + `aliases` departments + 10 assignments x
    # (1 + 23 weeks)): with 8 aliases, 1 + 200 x 250 = 50,001 nodes.
    departments = " ".join(f"d{i}: department {{ name }}" for i in range(aliases))
    return (
        "{ people(first: 200) { edges { node { "
        + departments
        + " assignments { hoursByWeek(weeks: 23) { hours } } } } } }"
    )


def test_50001_nodes_are_refused_and_49801_run(gql):
    r = gql.post(nodes_document(8))
    assert r.errors == [
        {
            "message": "Query cost 50001 nodes exceeds the limit of 50000 nodes",
            "extensions": {"code": "QUERY_TOO_COMPLEX"},
        }
    ]
    ok = gql.post(nodes_document(7))
    assert "errors" not in ok.body
    assert ok.extensions["cost"]["requested"] == 498  # 49,801 nodes / 100, rounded


def test_batched_requests_are_refused(gql):
    r = gql.request(
        "POST",
        json=[{"query": "{ viewer { username } }"}] * 2,
        headers={"Authorization": f"Bearer {gql.token}"},
    )
    assert r.status_code == 400
    assert r.json() == {
        "errors": [
            {
                "message": "Batched operations are not supported: send one operation per request",
                "extensions": {"code": "BAD_REQUEST"},
            }
        ]
    }
