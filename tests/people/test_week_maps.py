"""The week maps (`Person.weekMaps`, `Booking.weekMaps`, `Placeholder.weekMaps`): the typed
`hoursByWeek` lists' values as JSON maps keyed by Monday (docs/design.md, "Week maps").

Each map is checked against the typed list of the same request and arguments, converted by
the rule written here (sums usually 0 list their non-zero weeks; capacity, schedule,
availability and percent list every week; overbooked lists the weeks it is true), on both
execution paths, on the calendar cases (schedules, holidays, time off, zero capacity, hire
and end dates) and the tentative cases (includeTentative on and off); a few values are also
written out by hand. Then: the same SQL as the list alone, the same cost, the same
argument errors."""

import pytest

from tests import calendar_data
from tests.calendar_data import CASES, TEST_DATA, load_calendar_dataset
from tests.client import exact_queries

TENTATIVE_CASES = TEST_DATA / "tentative_cases.json"

LOAD = """week hours confirmedHours tentativeHours capacity availableHours utilizationPercent
  scheduledHours holidayHours timeOffHours overbooked"""
LOAD_MAPS = """weekKeys hoursByWeek confirmedByWeek tentativeByWeek capacityByWeek
  scheduledByWeek availableByWeek percentByWeek timeOffByWeek holidayByWeek
  overbookedByWeek"""
HOURS_MAPS = "weekKeys hoursByWeek confirmedByWeek tentativeByWeek"

# Every person's and assignment's list and maps over one window (the differential test in
# tests/http/test_compiled.py runs this document through both paths too).
PEOPLE_LISTS_AND_MAPS = f"""
query PeopleWeekMaps($from: Date!, $weeks: Int!, $tentative: Boolean!) {{
  people(first: 50, includeInactive: true) {{ edges {{ node {{ id
    hoursByWeek(from: $from, weeks: $weeks, includeTentative: $tentative) {{ {LOAD} }}
    weekMaps(from: $from, weeks: $weeks, includeTentative: $tentative) {{ {LOAD_MAPS} }}
    assignments(includeInactive: true) {{ id
      hoursByWeek(from: $from, weeks: $weeks) {{ week hours confirmedHours tentativeHours }}
      weekMaps(from: $from, weeks: $weeks) {{ {HOURS_MAPS} }} }} }} }} }} }}"""

PLACEHOLDER_LISTS_AND_MAPS = f"""
query PlaceholderWeekMaps($id: ID!, $from: Date!, $weeks: Int!, $tentative: Boolean!) {{
  placeholder(id: $id) {{
    hoursByWeek(from: $from, weeks: $weeks, includeTentative: $tentative) {{
      week hours confirmedHours tentativeHours }}
    weekMaps(from: $from, weeks: $weeks, includeTentative: $tentative) {{ {HOURS_MAPS} }}
    assignments(includeInactive: true) {{ id
      hoursByWeek(from: $from, weeks: $weeks) {{ week hours confirmedHours tentativeHours }}
      weekMaps(from: $from, weeks: $weeks) {{ {HOURS_MAPS} }} }} }} }}"""

# map -> the list's field, weeks where not 0
SPARSE = {
    "hoursByWeek": "hours",
    "confirmedByWeek": "confirmedHours",
    "tentativeByWeek": "tentativeHours",
    "timeOffByWeek": "timeOffHours",
    "holidayByWeek": "holidayHours",
}
# map -> the list's field, every week
DENSE = {
    "capacityByWeek": "capacity",
    "scheduledByWeek": "scheduledHours",
    "availableByWeek": "availableHours",
    "percentByWeek": "utilizationPercent",
}


def as_maps(weeks: list[dict]) -> dict:
    """The maps a typed list stands for, by the rule above."""
    maps: dict = {"weekKeys": [w["week"] for w in weeks]}
    for name, field in SPARSE.items():
        if field in weeks[0]:
            maps[name] = {w["week"]: w[field] for w in weeks if w[field]}
    for name, field in DENSE.items():
        maps[name] = {w["week"]: w[field] for w in weeks}
    maps["overbookedByWeek"] = {w["week"]: True for w in weeks if w["overbooked"]}
    return maps


def hours_maps(weeks: list[dict]) -> dict:
    return {
        "weekKeys": [w["week"] for w in weeks],
        **{
            name: {w["week"]: w[f] for w in weeks if w[f]}
            for name, f in SPARSE.items()
            if f in weeks[0]
        },
    }


@pytest.fixture(params=[True, False], ids=["compiled", "graphql-core"])
def path(request, settings):
    settings.COMPILED_QUERIES = request.param
    settings.RESPONSE_CACHE_TTL = 0
    return request.param


@pytest.fixture
def calendar_cases(db, tokens):
    load_calendar_dataset(CASES)


@pytest.fixture
def tentative_cases(db, tokens):
    load_calendar_dataset(TENTATIVE_CASES)


def people_of(gql, variables: dict) -> list[dict]:
    r = gql.post(PEOPLE_LISTS_AND_MAPS, variables)
    return [e["node"] for e in r.data["people"]["edges"]]


def assert_maps_match_lists(people: list[dict]) -> None:
    for person in people:
        assert person["weekMaps"] == as_maps(person["hoursByWeek"]), person["id"]
        for assignment in person["assignments"]:
            assert assignment["weekMaps"] == hours_maps(assignment["hoursByWeek"]), (
                person["id"],
                assignment["id"],
            )


def test_calendar_cases_maps_equal_the_lists(gql, calendar_cases, path):
    people = people_of(gql, {"from": "2027-01-04", "weeks": 2, "tentative": True})
    assert len(people) == 10
    assert_maps_match_lists(people)
    maps = [p["weekMaps"] for p in people]
    # the cases reach every zero rule: holidays, time off, no capacity (null percent)
    assert any(m["holidayByWeek"] for m in maps) and any(m["timeOffByWeek"] for m in maps)
    assert any(None in m["percentByWeek"].values() for m in maps)
    assert any(m["overbookedByWeek"] for m in maps)


@pytest.mark.parametrize("tentative", [True, False])
def test_medium_calendar_maps_equal_the_lists(gql, tokens, path, tentative):
    # 500 people with schedules, holiday calendars and time off: 100 of them (the lists and
    # the maps of 200 cost more nodes than a request may), 12 weeks
    load_calendar_dataset(calendar_data.medium_calendar())
    r = gql.post(
        PEOPLE_LISTS_AND_MAPS.replace("first: 50", "first: 100"),
        {"from": "2026-11-23", "weeks": 12, "tentative": tentative},
    )
    people = [e["node"] for e in r.data["people"]["edges"]]
    assert len(people) == 100
    assert_maps_match_lists(people)
    maps = [p["weekMaps"] for p in people]
    assert any(m["holidayByWeek"] for m in maps) and any(m["timeOffByWeek"] for m in maps)
    assert any(m["overbookedByWeek"] for m in maps)
    assert any(v not in (None, 0.0, 100.0) for m in maps for v in m["percentByWeek"].values())


def test_ivy_by_hand(gql, calendar_cases, path):
    # docs/design.md's worked example: a holiday on Wednesday 2027-01-06, 20 h planned.
    r = gql.post(
        f"""{{ person(id: "9") {{ weekMaps(from: "2027-01-04", weeks: 2) {{ {LOAD_MAPS} }}
             }} }}"""
    )
    assert r.data["person"]["weekMaps"] == {
        "weekKeys": ["2027-01-04", "2027-01-11"],
        "hoursByWeek": {"2027-01-04": 20.0},
        "confirmedByWeek": {"2027-01-04": 20.0},
        "tentativeByWeek": {},
        "capacityByWeek": {"2027-01-04": 26.66, "2027-01-11": 33.33},
        "scheduledByWeek": {"2027-01-04": 33.33, "2027-01-11": 33.33},
        "availableByWeek": {"2027-01-04": 6.66, "2027-01-11": 33.33},
        "percentByWeek": {"2027-01-04": 75.0, "2027-01-11": 0.0},
        "timeOffByWeek": {},
        "holidayByWeek": {"2027-01-04": 6.67},
        "overbookedByWeek": {},
    }


HEATMAP_MAPS = (
    "hoursByWeek percentByWeek availableByWeek capacityByWeek timeOffByWeek "
    "holidayByWeek tentativeByWeek"
)


@pytest.mark.parametrize(
    ("dataset", "tentative"), [(CASES, True), (TENTATIVE_CASES, True), (TENTATIVE_CASES, False)]
)
def test_maps_are_the_heatmap_rows_maps(gql, tokens, dataset, tentative):
    load_calendar_dataset(dataset)
    variables = {"tentative": tentative}
    window = 'from: "2027-01-04", weeks: 3, includeTentative: $tentative'
    r = gql.post(
        f"""query($tentative: Boolean!) {{
          capacityHeatmap({window}) {{ rows {{ person {{ id }} {HEATMAP_MAPS} }} }}
          people(first: 50) {{ edges {{ node {{ id weekMaps({window}) {{ {HEATMAP_MAPS} }}
          }} }} }} }}""",
        variables,
    )
    maps = {e["node"]["id"]: e["node"]["weekMaps"] for e in r.data["people"]["edges"]}
    rows = r.data["capacityHeatmap"]["rows"]
    assert len(rows) >= 5
    for row in rows:
        person = row.pop("person")["id"]
        assert maps[person] == row, person


@pytest.mark.parametrize("tentative", [True, False])
def test_tentative_cases_maps_equal_the_lists(gql, tentative_cases, path, tentative):
    people = people_of(gql, {"from": "2027-01-04", "weeks": 3, "tentative": tentative})
    assert len(people) == 6
    assert_maps_match_lists(people)
    ada = next(p for p in people if p["id"] == "1")["weekMaps"]
    # Ada: Atlas confirmed 20, 20, 10; Beacon tentative 10, 30 (counted only when asked)
    if tentative:
        assert ada["hoursByWeek"] == {"2027-01-04": 30.0, "2027-01-11": 50.0, "2027-01-18": 10.0}
        assert ada["tentativeByWeek"] == {"2027-01-04": 10.0, "2027-01-11": 30.0}
        assert ada["overbookedByWeek"] == {"2027-01-11": True}
    else:
        assert ada["hoursByWeek"] == {"2027-01-04": 20.0, "2027-01-11": 20.0, "2027-01-18": 10.0}
        assert ada["tentativeByWeek"] == {} and ada["overbookedByWeek"] == {}
    assert ada["confirmedByWeek"] == {"2027-01-04": 20.0, "2027-01-11": 20.0, "2027-01-18": 10.0}
    beacon = next(
        a for a in next(p for p in people if p["id"] == "1")["assignments"] if a["id"] == "2"
    )
    assert beacon["weekMaps"] == {
        "weekKeys": ["2027-01-04", "2027-01-11", "2027-01-18"],
        "hoursByWeek": {"2027-01-04": 10.0, "2027-01-11": 30.0},
        "confirmedByWeek": {},
        "tentativeByWeek": {"2027-01-04": 10.0, "2027-01-11": 30.0},
    }


@pytest.mark.parametrize("tentative", [True, False])
def test_placeholder_maps_equal_the_lists(gql, tentative_cases, path, tentative):
    variables = {"id": "1", "from": "2027-01-04", "weeks": 3, "tentative": tentative}
    placeholder = gql.post(PLACEHOLDER_LISTS_AND_MAPS, variables).data["placeholder"]
    assert placeholder["weekMaps"] == hours_maps(placeholder["hoursByWeek"])
    for assignment in placeholder["assignments"]:
        assert assignment["weekMaps"] == hours_maps(assignment["hoursByWeek"])
    # "Senior Python developer": tentative 24, 24 and confirmed 10, 10.5
    assert placeholder["weekMaps"]["confirmedByWeek"] == {"2027-01-11": 10.0, "2027-01-18": 10.5}
    if tentative:
        assert placeholder["weekMaps"]["hoursByWeek"] == {
            "2027-01-04": 24.0,
            "2027-01-11": 34.0,
            "2027-01-18": 10.5,
        }
        assert placeholder["weekMaps"]["tentativeByWeek"] == {
            "2027-01-04": 24.0,
            "2027-01-11": 24.0,
        }
    else:
        assert placeholder["weekMaps"]["hoursByWeek"] == {"2027-01-11": 10.0, "2027-01-18": 10.5}
        assert placeholder["weekMaps"]["tentativeByWeek"] == {}


# --- SQL and cost: the maps cost what the lists cost -------------------------------------

LISTS_ONLY = """query($from: Date!) { people(first: 50) { edges { node { name
  hoursByWeek(from: $from, weeks: 3) { week hours capacity holidayHours }
  assignments { hoursByWeek(from: $from, weeks: 3) { week hours } } } } } }"""
MAPS_ONLY = """query($from: Date!) { people(first: 50) { edges { node { name
  weekMaps(from: $from, weeks: 3) { hoursByWeek capacityByWeek holidayByWeek }
  assignments { weekMaps(from: $from, weeks: 3) { hoursByWeek } } } } } }"""
BOTH = """query($from: Date!) { people(first: 50) { edges { node { name
  hoursByWeek(from: $from, weeks: 3) { week hours capacity holidayHours }
  weekMaps(from: $from, weeks: 3) { hoursByWeek capacityByWeek holidayByWeek }
  assignments { hoursByWeek(from: $from, weeks: 3) { week hours }
    weekMaps(from: $from, weeks: 3) { hoursByWeek } } } } } }"""
# token, people page, department tree, assignments, assignment weeks, person-week sums,
# then the calendar: schedules, time off, holidays (people following a calendar)
WEEK_QUERIES = 9


@pytest.mark.parametrize("document", [LISTS_ONLY, MAPS_ONLY, BOTH], ids=["lists", "maps", "both"])
def test_maps_and_lists_together_cost_what_the_lists_cost(gql, calendar_cases, path, document):
    with exact_queries(WEEK_QUERIES):
        r = gql.post(document, {"from": "2027-01-04"})
    assert len(r.data["people"]["edges"]) == 10


def nodes(document: str) -> int:
    """api.limits' node count of a document without variables."""
    from graphql import get_operation_ast, parse
    from graphql.execution.values import get_variable_values

    from api import limits
    from api.schema import schema

    node = parse(document)
    operation = get_operation_ast(node)
    assert operation is not None
    coerced = get_variable_values(schema._schema, (), {})
    assert not isinstance(coerced, list)
    return limits.price(schema._schema, node, operation, coerced).nodes


def test_maps_are_priced_as_the_lists():
    # people(first: 50): per edge, the edge and its node, a week list (or maps) of 3 weeks,
    # and the assignments (10 assumed per person) with their own 3 weeks each (leaves free)
    lists, maps = (
        nodes(d.replace("query($from: Date!)", "").replace("$from", '"2027-01-04"'))
        for d in (LISTS_ONLY, MAPS_ONLY)
    )
    assert lists == maps == 1 + 50 * (1 + 1 + 3 + 10 * (1 + 3))
    one = '{ person(id: "9") { %s(weeks: %s) { hoursByWeek } } }'
    assert nodes(one % ("weekMaps", "26")) == 1 + 26
    assert nodes(one % ("weekMaps", "null")) == 1 + 50  # as a list whose size is null
    for owner in ('placeholder(id: "1")', "assignments(first: 5) { edges { node"):
        closing = " } }" if "edges" in owner else ""
        lists = nodes(f"{{ {owner} {{ hoursByWeek(weeks: 7) {{ week }} }}{closing} }}")
        maps = nodes(f"{{ {owner} {{ weekMaps(weeks: 7) {{ hoursByWeek }} }}{closing} }}")
        assert lists == maps, owner


# --- argument errors: the lists' own ------------------------------------------------------


ARGUMENT_ERRORS = [
    ("weeks: 0", "BAD_USER_INPUT", "weeks", "weeks must be between 1 and 26, got 0"),
    ("weeks: 27", "REQUEST_TOO_LARGE", "weeks", "weeks must be at most 26, got 27"),
    (
        'from: "9999-12-20", weeks: 26',
        "BAD_USER_INPUT",
        "from",
        "from: 26 week(s) from 9999-12-20 run past 9999-12-31",
    ),
]
OWNERS = [
    ('{ person(id: "9") { %s } }', CASES),
    ('{ placeholder(id: "1") { %s } }', TENTATIVE_CASES),
    ("{ people(first: 3) { edges { node { assignments { %s } } } } }", CASES),
]


@pytest.mark.parametrize(("arguments", "code", "field", "message"), ARGUMENT_ERRORS)
@pytest.mark.parametrize(("owner", "dataset"), OWNERS, ids=["person", "placeholder", "assignment"])
def test_argument_errors_are_the_lists(
    gql, tokens, path, arguments, code, field, message, owner, dataset
):
    load_calendar_dataset(dataset)
    lists = gql.post(owner % f"hoursByWeek({arguments}) {{ week }}")
    maps = gql.post(owner % f"weekMaps({arguments}) {{ hoursByWeek }}")
    assert set(maps.codes) == {code}
    assert maps.errors[0]["extensions"] == {"code": code, "field": field}
    assert maps.errors[0]["message"] == message
    # the list's errors, word for word, at the same places
    assert [(e["message"], e["extensions"]) for e in maps.errors] == [
        (e["message"], e["extensions"]) for e in lists.errors
    ]
    paths = [
        [("hoursByWeek" if p == "weekMaps" else p) for p in e.get("path", ())] for e in maps.errors
    ]
    assert paths == [e.get("path", []) for e in lists.errors]
