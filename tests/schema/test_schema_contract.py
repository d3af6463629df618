"""graphql_schema/schema.graphql is the committed contract: it must equal the code's schema,
and it must keep every type and field the documented API promises (docs/api.md)."""

from pathlib import Path

from graphql import build_schema

from api.schema import schema
from graphql_schema.governance import compare

SDL = Path(__file__).resolve().parents[2] / "graphql_schema" / "schema.graphql"


def test_committed_schema_matches_the_code():
    printed = schema.as_str() + "\n"
    assert SDL.read_text() == printed, (
        "graphql_schema/schema.graphql drifted from the code: run `make schema` and review "
        "the diff; a breaking change needs an entry in graphql_schema/CHANGELOG.md (docs/api.md)"
    )


def test_code_schema_has_no_breaking_change_against_the_committed_contract():
    breaking = compare(SDL.read_text(), schema.as_str()).breaking
    assert breaking == [], [f"{c.type.name}: {c.description}" for c in breaking]


def test_contract_surface_is_present():
    current = build_schema(schema.as_str())
    query = current.query_type
    for name, args in {
        "viewer": [],
        "person": ["id"],
        "people": [
            "department",
            "includeChildren",
            "search",
            "includeInactive",
            "first",
            "after",
            "updatedSince",
        ],
        "project": ["id"],
        "projects": ["status", "client", "search", "first", "after", "updatedSince"],
        "changes": ["after", "types", "first"],
        "assignments": [
            "person",
            "project",
            "department",
            "includeChildren",
            "includeInactive",
            "first",
            "after",
            "updatedSince",
        ],
        "departments": [],
        "roles": [],
        "skills": ["search"],
    }.items():
        assert name in query.fields, name
        assert sorted(query.fields[name].args) == sorted(args), name
    person = current.type_map["Person"].fields
    for field in [
        "id",
        "name",
        "email",
        "department",
        "role",
        "weeklyCapacity",
        "hireDate",
        "isActive",
        "skills",
        "assignments",
        "hoursByWeek",
        "availableHours",
        "utilizationPercent",
        "skillScore",
    ]:
        assert field in person, field
    assert sorted(person["hoursByWeek"].args) == ["from", "includeTentative", "weeks"]
    assignment = current.type_map["Assignment"].fields
    for field in [
        "id",
        "person",
        "project",
        "roleOnProject",
        "isActive",
        "version",
        "weeklyHours",
        "hoursByWeek",
    ]:
        assert field in assignment, field
    assert str(current.type_map["WeekLoad"].fields["utilizationPercent"].type) == "Float"
