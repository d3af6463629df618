"""A department-restricted token never sees a person, assignment or hour outside its
departments (and their descendants), whichever path the query takes."""

import pytest

from tests.reference import DATA, PEOPLE

ENGINEERING = {1, 2, 3, 4, 5, 6}  # department 1 and its children
INSIDE = {p["id"] for p in DATA["people"] if p["departmentId"] in ENGINEERING}
OUTSIDE_PERSON = next(p["id"] for p in DATA["people"] if p["departmentId"] not in ENGINEERING)
ACTIVE_INSIDE = {pid for pid in INSIDE if PEOPLE[pid]["isActive"]}


def ids(rows, path=("id",)):
    out = set()
    for row in rows:
        for key in path:
            row = row[key]
        out.add(int(row))
    return out


@pytest.fixture
def eng(client_for, tokens):
    return client_for(tokens.engineering)


def test_people_list_holds_only_people_of_the_subtree(eng):
    r = eng.post("{ people(first: 200, includeInactive: true) { edges { node { id } } } }")
    assert ids(r.data["people"]["edges"], ("node", "id")) == INSIDE


def test_a_person_outside_reads_as_not_found_like_a_missing_id(eng):
    outside = eng.post(f'{{ person(id: "{OUTSIDE_PERSON}") {{ name }} }}')
    missing = eng.post('{ person(id: "99999") { name } }')
    assert (
        outside.errors[0]["extensions"]
        == missing.errors[0]["extensions"]
        == {
            "code": "NOT_FOUND",
            "field": "id",
        }
    )
    assert outside.errors[0]["message"] == f"Person {OUTSIDE_PERSON} not found"


def test_assignments_list_and_nested_paths_stay_inside(eng):
    expected = {a["id"] for a in DATA["assignments"] if a["personId"] in INSIDE}
    r = eng.post(
        """{ assignments(first: 200, includeInactive: true) { edges { node { id
             person { id } } } } }"""
    )
    edges = r.data["assignments"]["edges"]
    assert ids(edges, ("node", "id")) == expected
    assert ids(edges, ("node", "person", "id")) <= INSIDE

    r = eng.post(
        """{ projects(first: 200) { edges { node { assignments(includeInactive: true) {
             id person { id } } } } } }"""
    )
    nested = [a for e in r.data["projects"]["edges"] for a in e["node"]["assignments"]]
    assert ids(nested) == expected
    assert ids(nested, ("person", "id")) <= INSIDE


def test_every_report_stays_inside(eng):
    r = eng.post(
        """{ capacityHeatmap(from: "2026-11-02", weeks: 12) { rows { person { id } } }
             findAvailable(week: "2026-11-16", limit: 200) { person { id } }
             skillMatch(skills: ["Python", "SQL", "React", "Figma"], limit: 200) {
               person { id } }
             gridSnapshot(from: "2026-11-02", weeks: 12) { people { id } hoursByPerson
               assignments { personId } } }"""
    )
    data = r.data
    assert ids(data["capacityHeatmap"]["rows"], ("person", "id")) == ACTIVE_INSIDE
    assert ids(data["findAvailable"], ("person", "id")) == ACTIVE_INSIDE
    assert ids(data["skillMatch"], ("person", "id")) <= ACTIVE_INSIDE
    assert ids(data["gridSnapshot"]["people"]) == ACTIVE_INSIDE
    assert {int(k) for k in data["gridSnapshot"]["hoursByPerson"]} <= ACTIVE_INSIDE
    assert ids(data["gridSnapshot"]["assignments"], ("personId",)) <= ACTIVE_INSIDE


def test_project_availability_stays_inside(eng):
    r = eng.post(
        """{ projects(first: 200) { edges { node { availability(week: "2026-11-16",
             scope: DEPARTMENTS) { person { id } } } } } }"""
    )
    seen = {
        int(row["person"]["id"])
        for e in r.data["projects"]["edges"]
        for row in e["node"]["availability"]
    }
    assert seen and seen <= ACTIVE_INSIDE


def test_role_capacity_counts_only_the_subtree(eng):
    query = """{ roleCapacity(from: "2026-11-16", weeks: 1) { series { role { id }
                 capacity } } }"""
    capacity = {
        int(s["role"]["id"]): s["capacity"][0]
        for s in eng.post(query).data["roleCapacity"]["series"]
    }
    expected: dict[int, float] = {}
    for pid in ACTIVE_INSIDE:
        person = PEOPLE[pid]
        if person["roleId"] is None:
            continue
        counted = person["hireDate"] is None or person["hireDate"] <= "2026-11-22"
        expected[person["roleId"]] = expected.get(person["roleId"], 0.0) + (
            person["weeklyCapacity"] if counted else 0.0
        )
    assert capacity == expected
