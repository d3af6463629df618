"""Placeholder.candidates against the reference (tests/reference.py, from the dataset file):
small_calendar.json (schedules, holidays, time off, end dates) with small_demand.json's
placeholders and statuses, and two people alike but for their id (the last tie-break)."""

import copy
import json
from io import StringIO

import pytest
from django.core.management import call_command

from demand.models import Placeholder
from tests.calendar_data import sequences_kept_ahead
from tests.client import exact_queries
from tests.conftest import DATASETS
from tests.demand import make_placeholders
from tests.helpers import only_error
from tests.reference import Reference, candidates

CANDIDATES = """query($id: ID!, $limit: Int, $dep: ID, $children: Boolean, $tentative: Boolean) {
  placeholder(id: $id) { candidates(limit: $limit, department: $dep,
    includeChildren: $children, includeTentative: $tentative) {
    person { id } score availabilityPercent availableHours demandHours skillScore
    matchedSkills missingSkills } } }"""
PAGE = """query($first: Int, $tentative: Boolean) { placeholders(first: $first) { edges { node {
  id name candidates(limit: 200, includeTentative: $tentative) {
    person { id } score availabilityPercent availableHours demandHours skillScore
    matchedSkills missingSkills } } } } }"""


def demand_dataset() -> dict:
    data = json.loads((DATASETS / "small_calendar.json").read_text())
    demand = json.loads((DATASETS / "small_demand.json").read_text())
    status = {a["id"]: a["status"] for a in demand["assignments"] if "status" in a}
    for a in data["assignments"]:
        if a["id"] in status:
            a["status"] = status[a["id"]]
    data["assignments"] += [a for a in demand["assignments"] if "placeholderId" in a]
    data["placeholders"] = demand["placeholders"]
    # Two people alike in everything the ranking reads: only their ids order them.
    twin = copy.deepcopy(next(p for p in data["people"] if p["id"] == 7))
    top = max(p["id"] for p in data["people"])
    for i in (2, 1):
        data["people"].append(
            {
                **copy.deepcopy(twin),
                "id": top + i,
                "name": "Zz Twin",
                "email": f"twin{i}@example.com",
            }
        )
    return data


DATA = demand_dataset()
REF = Reference(DATA)


@pytest.fixture
def demand_loaded(db, tokens, tmp_path):
    path = tmp_path / "demand.json"
    path.write_text(json.dumps(DATA))
    with sequences_kept_ahead():
        call_command("load_dataset", str(path), "--replace", stdout=StringIO())


@pytest.mark.parametrize("tentative", [True, False])
def test_every_placeholders_candidates_are_the_references(gql, demand_loaded, tentative):
    r = gql.post(PAGE, {"first": 50, "tentative": tentative})
    nodes = [e["node"] for e in r.data["placeholders"]["edges"]]
    assert len(nodes) == len(DATA["placeholders"])
    for node in nodes:
        expected = candidates(REF, int(node["id"]), 200, include_tentative=tentative)
        assert node["candidates"] == expected, node["name"]
    assert any(n["candidates"] for n in nodes)


def test_ties_go_to_available_hours_then_name_then_id(gql, demand_loaded):
    top = max(p["id"] for p in DATA["people"])
    for placeholder in DATA["placeholders"]:
        ranked = candidates(REF, placeholder["id"], 200)
        twins = [c["person"]["id"] for c in ranked if int(c["person"]["id"]) >= top - 1]
        if twins:
            assert twins == [str(top - 1), str(top)]  # same score and hours: by id
            scores = [(c["score"], c["availableHours"]) for c in ranked]
            assert len(set(scores)) < len(scores)
            break
    else:
        pytest.fail("no placeholder ranks the twins")
    r = gql.post(CANDIDATES, {"id": str(placeholder["id"]), "limit": 200})
    assert r.data["placeholder"]["candidates"] == ranked


def test_department_limit_and_restricted_tokens(gql, client_for, tokens, demand_loaded):
    placeholder = next(p for p in DATA["placeholders"] if p["departmentId"] in REF.subtree(1))
    pid = str(placeholder["id"])
    r = gql.post(CANDIDATES, {"id": pid, "limit": 5, "dep": "1", "children": True})
    assert r.data["placeholder"]["candidates"] == candidates(
        REF, placeholder["id"], 5, REF.subtree(1)
    )
    r = gql.post(CANDIDATES, {"id": pid, "limit": 200, "dep": "1", "children": False})
    assert r.data["placeholder"]["candidates"] == candidates(REF, placeholder["id"], 200, {1})
    # The engineering token sees department 1 and below: its candidates, nobody else.
    r = client_for(tokens.engineering).post(CANDIDATES, {"id": pid, "limit": 200})
    assert r.data["placeholder"]["candidates"] == candidates(
        REF, placeholder["id"], 200, REF.subtree(1)
    )
    # A placeholder without a department is not the engineering token's to see.
    bare = next(p for p in DATA["placeholders"] if p["departmentId"] is None)
    r = client_for(tokens.engineering).post(CANDIDATES, {"id": str(bare["id"])})
    assert only_error(r)[1]["code"] == "NOT_FOUND"


@pytest.mark.parametrize(
    ("variables", "code", "field"),
    [
        ({"limit": 0}, "BAD_USER_INPUT", "limit"),
        ({"limit": 201}, "REQUEST_TOO_LARGE", "limit"),
        ({"dep": "999"}, "NOT_FOUND", "department"),
    ],
)
def test_bad_arguments(gql, demand_loaded, variables, code, field):
    r = gql.post(CANDIDATES, {"id": str(DATA["placeholders"][0]["id"]), **variables})
    message, ext = only_error(r)
    assert (ext["code"], ext["field"]) == (code, field), message


def test_a_placeholder_without_hours_has_no_candidates(gql, db, tokens):
    placeholder = Placeholder.objects.create(name="Idle", role_id=1)
    r = gql.post(CANDIDATES, {"id": str(placeholder.pk)})
    assert r.data["placeholder"]["candidates"] == []


# --- SQL counts ---------------------------------------------------------------------------------


@pytest.fixture
def many_placeholders(db, tokens):
    make_placeholders(250, spread_weeks=True)


COUNTED = """query($first: Int) { placeholders(first: $first) { edges { node { id
  candidates(limit: 3) { person { id name } score availableHours } } } } }"""
# token, placeholders page, department tree, placeholder-week sums, required skills, people in
# scope, their skills, person-week sums, schedules, time off (the small dataset follows no
# holiday calendar)
CANDIDATE_QUERIES = 10


@pytest.mark.parametrize("first", [50, 200])
def test_candidates_of_a_page_cost_the_same_for_50_and_200(gql, many_placeholders, first):
    with exact_queries(CANDIDATE_QUERIES):
        r = gql.post(COUNTED, {"first": first})
    edges = r.data["placeholders"]["edges"]
    assert len(edges) == first
    assert all(len(e["node"]["candidates"]) == 3 for e in edges)
