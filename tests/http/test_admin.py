"""The admin: every model reads as what it is, and the people, projects and assignments lists
show their columns and filters without a query per row."""

import re

import pytest
from django.apps import apps
from django.contrib.auth.models import User

from tests.client import GraphQLClient, exact_queries

OUR_APPS = {"people", "projects", "assignments", "accounts", "api", "exports"}


@pytest.fixture
def staff(db, tokens, client) -> GraphQLClient:
    """A staff session over the ASGI app (Django's test client makes the session only: its
    requests would reconnect close_old_connections, which conftest keeps off)."""
    user = User.objects.create_superuser("boss", "boss@example.com", "pw-admin-1")
    client.force_login(user)
    return GraphQLClient(headers={"Cookie": f"sessionid={client.cookies['sessionid'].value}"})


def test_every_model_has_a_readable_str(db, tokens):
    from assignments.models import Assignment, AssignmentWeek
    from people.models import PersonSkill

    models = [m for m in apps.get_models() if m._meta.app_label in OUR_APPS]
    for model in models:
        assert "__str__" in model.__dict__, (
            f"{model.__name__} reads as '{model.__name__} object (1)'"
        )
    a = Assignment.objects.get(pk=1)
    assert str(a) == f"{a.person.name} on {a.project.name}" + (
        f" ({a.role_on_project})" if a.role_on_project else ""
    )
    week = AssignmentWeek.objects.filter(assignment=a).order_by("week").first()
    assert re.fullmatch(r"Week of \d\d [A-Z][a-z]{2} 20\d\d: \d+\.\d\d h", str(week))
    ps = PersonSkill.objects.select_related("person", "skill").order_by("id").first()
    assert str(ps) == (
        f"{ps.person.name}: {ps.skill.name} "
        f"({ps.proficiency.capitalize()}, {ps.kind.replace('_', ' ').title()})"
    )


def test_assignment_str_names_the_role_when_there_is_one(db, tokens):
    from assignments.models import Assignment

    a = Assignment.objects.select_related("person", "project").get(pk=1)
    a.role_on_project = "Lead"
    assert str(a) == f"{a.person.name} on {a.project.name} (Lead)"
    a.role_on_project = None
    assert str(a) == f"{a.person.name} on {a.project.name}"


CHANGELISTS = {
    # url: (columns shown, filters offered)
    "/admin/people/person/": (
        ["Name", "Email", "Department", "Role", "Weekly capacity", "Hire date", "Is active"],
        ["By is active", "By department", "By role", "By hire date"],
    ),
    "/admin/projects/project/": (
        ["Name", "Client", "Status", "Start date", "End date"],
        ["By status", "By client", "By start date"],
    ),
    "/admin/assignments/assignment/": (
        [
            "Assignment",
            "Person",
            "Project",
            "Role on project",
            "Is active",
            "Version",
            "Updated at",
        ],
        ["By is active", "By status", "By department", "By project"],
    ),
}


@pytest.mark.parametrize("url", CHANGELISTS)
def test_changelists_show_columns_and_filters_and_no_unreadable_rows(staff, url):
    columns, filters = CHANGELISTS[url]
    page = staff.request("GET", url, headers=staff.headers)
    assert page.status_code == 200
    html = page.text
    headers = re.findall(
        r'<th scope="col" class="[^"]*column-[^"]*">.*?<a [^>]*>([^<]+)</a>', html, re.S
    )
    shown = headers or re.findall(
        r'<th scope="col"[^>]*>\s*<div class="text">(?:<a[^>]*>)?([^<]+)', html
    )
    assert [h.strip() for h in shown if h.strip()] == columns
    assert re.findall(r"<summary>\s*(By [^<]+?)\s*</summary>", html) == filters
    assert " object (" not in html


def test_the_assignment_list_costs_the_same_for_one_row_or_a_page(staff):
    """list_select_related: person and project come with the rows, not a query each."""
    from assignments.models import Assignment

    one = Assignment.objects.select_related("person").get(pk=1)
    assert Assignment.objects.count() > 20
    with exact_queries(QUERIES):
        page = staff.request("GET", "/admin/assignments/assignment/", headers=staff.headers)
    assert page.text.count('class="action-select"') == min(100, Assignment.objects.count())
    with exact_queries(QUERIES):
        found = staff.request(
            "GET",
            "/admin/assignments/assignment/",
            params={"q": one.person.name},
            headers=staff.headers,
        )
    assert found.status_code == 200


QUERIES = 7  # session, user, 2 filter choices, 2 counts, the page (person, project joined)
