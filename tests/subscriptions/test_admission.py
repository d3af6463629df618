"""Subscriptions over plain HTTP, and other operations on the event stream, are refused
before anything runs (in process: on PostgreSQL and on SQLite alike)."""

SUB = 'subscription { assignmentHoursChanged(department: "1") { assignmentId } }'
SSE = {"Accept": "text/event-stream"}


def test_a_subscription_sent_as_a_plain_request_is_a_bad_request(gql):
    r = gql.post(SUB)
    assert r.status == 400
    assert r.errors == [
        {
            "message": "Subscriptions run over a WebSocket (graphql-transport-ws) or as an "
            "event stream (Accept: text/event-stream), not as plain HTTP requests",
            "extensions": {"code": "BAD_REQUEST"},
        }
    ]


def test_a_query_from_a_client_accepting_an_event_stream_is_answered_as_json(gql):
    # urql lists text/event-stream in every request's Accept
    r = gql.post("{ viewer { username } }", headers=SSE)
    assert r.headers["content-type"] == "application/json"
    assert r.data == {"viewer": {"username": "writer"}}


def test_an_invalid_subscription_on_the_event_stream_is_refused_as_json(gql):
    r = gql.post("subscription { changes { nope } }", headers=SSE)
    assert r.headers["content-type"] == "application/json"
    assert [e["extensions"]["code"] for e in r.errors] == ["GRAPHQL_VALIDATION_FAILED"]


def test_a_bad_token_on_the_event_stream_is_a_401(client_for):
    r = client_for("cg_not-a-token").post(SUB, headers=SSE)
    assert r.status == 401
    assert r.errors == [{"message": "Invalid API token", "extensions": {"code": "UNAUTHENTICATED"}}]
