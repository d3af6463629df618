"""A value that does not fit its argument is BAD_USER_INPUT naming the argument, whether
written in the document or sent as a variable."""

import pytest

from people.models import Person


@pytest.mark.parametrize(
    ("document", "variables", "message", "field"),
    [
        (
            '{ findAvailable(week: "2026-13-45") { score } }',
            None,
            "Argument 'week': Value cannot represent a Date: \"2026-13-45\". month must be in "
            "1..12",
            "week",
        ),
        (
            "query($w: Date) { findAvailable(week: $w) { score } }",
            {"w": "next monday"},
            "Variable '$w' has invalid value: Value cannot represent a Date: \"next monday\". "
            "Invalid isoformat string: 'next monday'",
            "week",
        ),
        (
            "{ capacityHeatmap(from: 20261102) { weekKeys } }",
            None,
            "Argument 'from': Value cannot represent a Date: \"20261102\". Expected a string.",
            "from",
        ),
        (
            'mutation { createPerson(input: {name: "X", hireDate: "2020-02-30"}) { person '
            "{ id } } }",
            None,
            "Argument 'input.hireDate': Value cannot represent a Date: \"2020-02-30\". day is "
            "out of range for month",
            "input.hireDate",
        ),
        (
            "mutation($i: CreatePersonInput!) { createPerson(input: $i) { person { id } } }",
            {"i": {"name": "X", "hireDate": "2020-02-30"}},
            "Variable '$i' has invalid value at .hireDate: Value cannot represent a Date: "
            '"2020-02-30". day is out of range for month',
            "input.hireDate",
        ),
    ],
)
def test_bad_argument_value_names_the_argument(gql, document, variables, message, field):
    before = Person.objects.count()
    r = gql.post(document, variables)
    assert r.status == 200
    assert [e["message"] for e in r.errors] == [message]
    assert r.errors[0]["extensions"] == {"code": "BAD_USER_INPUT", "field": field}
    assert "data" not in r.body
    assert Person.objects.count() == before


def test_graphql_response_media_type_gets_400_for_request_errors(gql):
    r = gql.post(
        '{ findAvailable(week: "nope") { score } }',
        headers={"Accept": "application/graphql-response+json"},
    )
    assert r.status == 400
    assert r.headers["Content-Type"] == "application/graphql-response+json"
    assert r.codes == ["BAD_USER_INPUT"]
