"""The change feed: pages in sequence order with stable cursors, the type filter, scoping
for department-restricted tokens (a move out of scope is a removal), updatedSince, and
refused arguments."""

import pytest
from django.utils import timezone

from accounts.access import EVERYTHING
from assignments.bulk import HoursItem, bulk_update_hours
from calendars.services import create_holiday_calendar
from changes.models import Change
from graphql_schema.changes.queries import encode_cursor
from people import services as people
from people.services import SkillEntry, set_person_skills
from projects import services as projects
from tests.changes import last_id
from tests.helpers import only_error

FEED = """query($after: String, $types: [ChangeEntityType!], $first: Int) {
  changes(after: $after, types: $types, first: $first) {
    edges { cursor node { sequence entityType entityId operation fields actor at } }
    pageInfo { hasNextPage endCursor } } }"""


def feed(client, after, **variables):
    return client.post(FEED, {"after": after, **variables}).data["changes"]


def sequences(page) -> list[str]:
    return [edge["node"]["sequence"] for edge in page["edges"]]


def test_the_feed_pages_the_same_rows_in_order_with_stable_cursors(gql):
    start = encode_cursor(last_id())
    for pk in (1, 2, 3, 4, 5):
        projects.update_project(pk, {"client": f"Client {pk}"})
    ids = [
        str(pk) for pk in Change.objects.filter(pk__gt=last_id() - 5).values_list("pk", flat=True)
    ]
    pages, after = [], start
    while True:
        page = feed(gql, after, first=2)
        pages.append(page)
        after = page["pageInfo"]["endCursor"]
        if not page["pageInfo"]["hasNextPage"]:
            break
    assert [sequences(p) for p in pages] == [ids[0:2], ids[2:4], ids[4:5]]
    assert [p["pageInfo"]["hasNextPage"] for p in pages] == [True, True, False]
    # The same request, the same cursors; a cursor resumes exactly after its change.
    again = feed(gql, start, first=2)
    assert again == pages[0]
    middle = feed(gql, pages[0]["edges"][0]["cursor"], first=3)
    assert sequences(middle) == ids[1:4]
    # Nothing new: no edges, and endCursor is the cursor sent (poll again with it).
    idle = feed(gql, after)
    assert idle == {"edges": [], "pageInfo": {"hasNextPage": False, "endCursor": after}}


def test_a_change_node_says_what_who_and_when(gql):
    start = encode_cursor(last_id())
    projects.update_project(1, {"status": "on_hold"})
    change = Change.objects.latest("pk")
    (edge,) = feed(gql, start)["edges"]
    assert edge == {
        "cursor": encode_cursor(change.pk),
        "node": {
            "sequence": str(change.pk),
            "entityType": "PROJECT",
            "entityId": "1",
            "operation": "UPDATE",
            "fields": {"status": {"before": "active", "after": "on_hold"}},
            "actor": "system",
            "at": change.created_at.isoformat(),
        },
    }


def test_a_deletion_carries_who_and_when(gql):
    start = encode_cursor(last_id())
    gql.post('mutation { deleteProject(id: "7") { id } }')
    *cascaded, edge = feed(gql, start)["edges"]  # its 7 assignments first (test_cascades.py)
    assert [e["node"]["entityType"] for e in cascaded] == ["ASSIGNMENT"] * 7
    node = edge["node"]
    assert (node["entityType"], node["entityId"], node["operation"]) == ("PROJECT", "7", "DELETE")
    assert node["actor"].startswith("token:")
    assert node["at"] == Change.objects.get(pk=int(node["sequence"])).created_at.isoformat()


def test_types_filter_the_feed(gql):
    start = encode_cursor(last_id())
    projects.update_project(1, {"client": "Initech"})
    people.update_person(4, {"name": "Lynn B."}, EVERYTHING)
    projects.update_project(2, {"client": "Initech"})
    kinds = [
        [
            (e["node"]["entityType"], e["node"]["entityId"])
            for e in feed(gql, start, types=t)["edges"]
        ]
        for t in (["PERSON"], ["PROJECT"], ["PROJECT", "PERSON"], ["HOLIDAY"])
    ]
    assert kinds == [
        [("PERSON", "4")],
        [("PROJECT", "1"), ("PROJECT", "2")],
        [("PROJECT", "1"), ("PERSON", "4"), ("PROJECT", "2")],
        [],
    ]


def test_a_restricted_token_sees_its_departments_and_a_move_out_as_a_removal(client_for, tokens):
    engineering = client_for(tokens.engineering)  # departments 1..6
    start = encode_cursor(last_id())
    people.update_person(4, {"name": "Lynn B."}, EVERYTHING)  # Web (3): in scope
    people.update_person(1, {"name": "Radia H."}, EVERYTHING)  # Design (7): not
    projects.update_project(1, {"client": "Initech"})  # projects: everyone's
    create_holiday_calendar({"name": "Company"})  # the calendar catalogue: everyone's
    people.update_person(4, {"department_id": 7}, EVERYTHING)  # out of scope
    people.update_person(4, {"weekly_capacity": 30}, EVERYTHING)  # not seen any more
    people.update_person(4, {"department_id": 5}, EVERYTHING)  # back in, to Data
    nodes = [
        {k: e["node"][k] for k in ("entityType", "entityId", "operation", "fields")}
        for e in feed(client_for(tokens.engineering), start)["edges"]
    ]
    calendar = Change.objects.get(entity_type="holidayCalendar", pk__gt=last_id() - 5).entity_id
    assert nodes == [
        {
            "entityType": "PERSON",
            "entityId": "4",
            "operation": "UPDATE",
            "fields": {"name": {"before": "Lynn Berners-Lee", "after": "Lynn B."}},
        },
        {
            "entityType": "PROJECT",
            "entityId": "1",
            "operation": "UPDATE",
            "fields": {"client": {"before": "Umbrella", "after": "Initech"}},
        },
        {
            "entityType": "HOLIDAY_CALENDAR",
            "entityId": str(calendar),
            "operation": "CREATE",
            "fields": {
                "name": {"after": "Company"},
                "country": {"after": None},
                "subdivision": {"after": None},
            },
        },
        {"entityType": "PERSON", "entityId": "4", "operation": "DELETE", "fields": {}},
        {
            "entityType": "PERSON",
            "entityId": "4",
            "operation": "UPDATE",
            "fields": {"departmentId": {"before": 7, "after": 5}},
        },
    ]
    # The unrestricted token sees all seven, the move as what it was.
    everything = [e["node"] for e in feed(client_for(tokens.write), start)["edges"]]
    assert len(everything) == 7
    assert (everything[4]["operation"], everything[4]["fields"]) == (
        "UPDATE",
        {"departmentId": {"before": 3, "after": 7}},
    )
    assert engineering.post(FEED, {"after": start}).data == {
        "changes": {
            "edges": feed(client_for(tokens.engineering), start)["edges"],
            "pageInfo": {"hasNextPage": False, "endCursor": encode_cursor(last_id())},
        }
    }


UPDATED = """query($since: DateTime) {
  people(updatedSince: $since, first: 200) { edges { node { id } } }
  projects(updatedSince: $since, first: 200) { edges { node { id } } }
  assignments(updatedSince: $since, first: 200) { edges { node { id } } } }"""


def ids(answer, name) -> list[str]:
    return [e["node"]["id"] for e in answer[name]["edges"]]


def test_updated_since_returns_exactly_the_records_changed_after_it(gql):
    since = timezone.now()
    people.update_person(10, {"name": "Mary W."}, EVERYTHING)
    set_person_skills(2, [SkillEntry("Rust", "advanced", "strength")], EVERYTHING)
    projects.update_project(3, {"client": "Initech"})
    bulk_update_hours([HoursItem(10, 1, {"2027-01-04": 3})], EVERYTHING)
    answer = gql.post(UPDATED, {"since": since.isoformat()}).data
    # People by name: Joan Clarke (2), then Mary W. (10).
    assert (ids(answer, "people"), ids(answer, "projects"), ids(answer, "assignments")) == (
        ["2", "10"],
        ["3"],
        ["10"],
    )
    later = gql.post(UPDATED, {"since": timezone.now().isoformat()}).data
    assert (ids(later, "people"), ids(later, "projects"), ids(later, "assignments")) == ([], [], [])


def test_updated_since_must_say_its_offset(gql):
    r = gql.post('{ people(updatedSince: "2027-01-04T09:00:00") { edges { node { id } } } }')
    assert only_error(r) == (
        "updatedSince must include a UTC offset (e.g. 2027-01-04T09:00:00Z)",
        {"code": "BAD_USER_INPUT", "field": "updatedSince"},
    )


@pytest.mark.parametrize(
    ("variables", "message", "extensions"),
    [
        (
            {"after": "not-a-cursor"},
            "after is not a valid change cursor",
            {"code": "BAD_USER_INPUT", "field": "after"},
        ),
        (
            {"after": "Y3Vyc29yOnYxOjU="},  # a connection's cursor ("cursor:v1:5")
            "after is not a valid change cursor",
            {"code": "BAD_USER_INPUT", "field": "after"},
        ),
        (
            {"first": 0},
            "first must be between 1 and 500, got 0",
            {"code": "BAD_USER_INPUT", "field": "first"},
        ),
        (
            {"first": 501},
            "first must be at most 500, got 501",
            {"code": "REQUEST_TOO_LARGE", "field": "first"},
        ),
    ],
)
def test_bad_feed_arguments_are_refused(gql, variables, message, extensions):
    assert only_error(gql.post(FEED, variables)) == (message, extensions)


def test_the_feed_needs_a_viewer(db, client_for):
    r = client_for(None).post(FEED, {})
    assert r.codes == ["UNAUTHENTICATED"]
