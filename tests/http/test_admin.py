"""The admin: every model reads as what it is, and the people, projects and assignments lists
show their columns and filters without a query per row."""

import datetime as dt
import re

import httpx
import pytest
from django.apps import apps
from django.contrib.auth.models import User

from tests.client import GraphQLClient, exact_queries

OUR_APPS = {"people", "calendars", "projects", "assignments", "accounts", "api", "exports"}


@pytest.fixture
def staff(db, tokens, client) -> GraphQLClient:
    """A staff session over the ASGI app (Django's test client makes the session only: its
    requests would reconnect close_old_connections, which conftest keeps off)."""
    user = User.objects.create_superuser("boss", "boss@example.com", "pw-admin-1")
    client.force_login(user)
    return GraphQLClient(headers={"Cookie": f"sessionid={client.cookies['sessionid'].value}"})


@pytest.fixture
def calendar_rows(db, tokens):
    """One row of each calendar model, so that every new list has something to show."""
    from calendars.models import Holiday, HolidayCalendar, TimeOff, WorkSchedule
    from people.models import Department, Person

    calendar = HolidayCalendar.objects.create(name="DE-BY", country="DE", subdivision="BY")
    Holiday.objects.create(calendar=calendar, date=dt.date(2026, 12, 25), name="Christmas Day")
    company = HolidayCalendar.objects.create(name="Company days")  # a second: a filter to show
    Holiday.objects.create(calendar=company, date=dt.date(2026, 12, 24), name="Christmas Eve")
    Department.objects.filter(pk=1).update(holiday_calendar=calendar)
    person = Person.objects.order_by("id").first()
    WorkSchedule.objects.create(
        person=person, effective_from=dt.date(2026, 1, 5), monday=8, tuesday=8, wednesday=4
    )
    TimeOff.objects.create(
        person=person, start_date=dt.date(2026, 8, 3), end_date=dt.date(2026, 8, 7)
    )
    return calendar


def submit(staff: GraphQLClient, url: str, data: dict[str, str]) -> httpx.Response:
    """Open an admin form and post it back, as a browser would (the CSRF token of the page)."""
    page = staff.request("GET", url, headers=staff.headers)
    assert page.status_code == 200
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert token is not None
    cookie = f"{staff.headers['Cookie']}; csrftoken={page.cookies['csrftoken']}"
    return staff.request(
        "POST",
        url,
        data={"csrfmiddlewaretoken": token[1], **data},
        headers={"Cookie": cookie, "Referer": f"http://testserver{url}"},
    )


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
        [
            "Name",
            "Email",
            "Department",
            "Role",
            "Weekly capacity",
            "Hire date",
            "End date",
            "Is active",
        ],
        ["By is active", "By department", "By role", "By hire date"],
    ),
    "/admin/people/department/": (["Name", "Parent", "Holiday calendar"], []),
    "/admin/calendars/holidaycalendar/": (["Name", "Country", "Subdivision", "Holidays"], []),
    "/admin/calendars/holiday/": (["Date", "Name", "Calendar"], ["By calendar"]),
    "/admin/calendars/timeoff/": (
        ["Person", "Kind", "Start date", "End date", "Hours per day"],
        ["By kind"],
    ),
    "/admin/calendars/workschedule/": (
        [
            "Person",
            "Effective from",
            "Monday",
            "Tuesday",
            "Wednesday",
            "Thursday",
            "Friday",
            "Saturday",
            "Sunday",
            "Weekly hours",
        ],
        [],
    ),
    "/admin/projects/project/": (
        ["Name", "Client", "Status", "Start date", "End date"],
        ["By status", "By client", "By start date"],
    ),
    "/admin/assignments/assignment/": (
        [
            "Assignment",
            "Person",
            "Placeholder",
            "Project",
            "Role on project",
            "Is active",
            "Status",
            "Version",
            "Updated at",
        ],
        ["By is active", "By status", "By department", "By project"],
    ),
}


@pytest.mark.parametrize("url", CHANGELISTS)
def test_changelists_show_columns_and_filters_and_no_unreadable_rows(staff, calendar_rows, url):
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


def test_adding_time_off_in_the_admin_bumps_the_data_version(staff):
    from calendars.models import TimeOff
    from core import dataversion
    from people.models import Person

    person = Person.objects.order_by("id").first()
    before = dataversion.current()
    response = submit(
        staff,
        "/admin/calendars/timeoff/add/",
        {"person": str(person.pk), "start_date": "2026-08-03", "end_date": "2026-08-05",
         "hours_per_day": "4", "kind": "vacation", "note": "Dentist"},
    )  # fmt: skip
    assert response.status_code == 302
    made = TimeOff.objects.get()
    assert (made.person_id, made.start_date, made.end_date, made.hours_per_day, made.kind,
            made.note) == (person.pk, dt.date(2026, 8, 3), dt.date(2026, 8, 5), 4, "vacation",
                           "Dentist")  # fmt: skip
    after = dataversion.current()
    assert before is not None and after is not None and after > before


BAD_FORMS = [
    # url, the form, the message shown by the field, the model left unchanged
    (
        "/admin/calendars/timeoff/add/",
        {"start_date": "2026-08-05", "end_date": "2026-08-03", "kind": "sick", "note": ""},
        "The end date must be on or after the start date.",
        "timeoff",
    ),
    (
        "/admin/calendars/timeoff/add/",
        {
            "start_date": "2026-08-03",
            "end_date": "2026-08-03",
            "hours_per_day": "25",
            "kind": "other",
            "note": "",
        },
        "Hours per day must be between 0 and 24.",
        "timeoff",
    ),
    (
        "/admin/calendars/workschedule/add/",
        {
            "effective_from": "2026-01-05",
            "monday": "8",
            "tuesday": "24.5",
            "wednesday": "8",
            "thursday": "8",
            "friday": "8",
            "saturday": "0",
            "sunday": "0",
        },
        "Hours must be between 0 and 24.",
        "workschedule",
    ),
]


@pytest.mark.parametrize(("url", "form", "message", "model"), BAD_FORMS)
def test_the_admin_shows_a_message_for_what_the_constraints_refuse(staff, url, form, message,
                                                                   model):  # fmt: skip
    from django.apps import apps as registry

    from core import dataversion
    from people.models import Person

    person = Person.objects.order_by("id").first()
    rows = registry.get_model("calendars", model).objects
    count, version = rows.count(), dataversion.current()
    response = submit(staff, url, {"person": str(person.pk), **form})
    assert response.status_code == 200
    assert re.findall(r'<ul class="errorlist"[^>]*><li>([^<]+)</li>', response.text) == [message]
    assert rows.count() == count
    assert dataversion.current() == version


def test_a_person_is_added_with_a_schedule_inline_and_refused_ending_before_hire(staff):
    from calendars.models import WorkSchedule
    from people.models import Person

    count = Person.objects.count()
    form = {
        "name": "Ada Admin", "email": "", "weekly_capacity": "32", "hire_date": "2026-03-02",
        "end_date": "2026-03-01", "is_active": "on",
        "skills-TOTAL_FORMS": "0", "skills-INITIAL_FORMS": "0",
        "schedules-TOTAL_FORMS": "1", "schedules-INITIAL_FORMS": "0",
        "schedules-0-effective_from": "2026-03-02", "schedules-0-monday": "8",
        "schedules-0-tuesday": "8", "schedules-0-wednesday": "8", "schedules-0-thursday": "8",
        "schedules-0-friday": "0", "schedules-0-saturday": "0", "schedules-0-sunday": "0",
        "time_off-TOTAL_FORMS": "0", "time_off-INITIAL_FORMS": "0",
    }  # fmt: skip
    refused = submit(staff, "/admin/people/person/add/", form)
    assert refused.status_code == 200
    assert re.findall(r'<ul class="errorlist"[^>]*><li>([^<]+)</li>', refused.text) == [
        "The end date must be on or after the hire date."
    ]
    assert Person.objects.count() == count
    added = submit(staff, "/admin/people/person/add/", {**form, "end_date": ""})
    assert added.status_code == 302
    person = Person.objects.get(name="Ada Admin")
    assert person.end_date is None
    assert [(s.effective_from, s.hours) for s in WorkSchedule.objects.filter(person=person)] == [
        (dt.date(2026, 3, 2), (8, 8, 8, 8, 0, 0, 0))
    ]
    page = staff.request("GET", f"/admin/people/person/{person.pk}/change/", headers=staff.headers)
    assert page.status_code == 200
    assert "Work schedules" in page.text and "Time offs" in page.text


def test_the_calendar_page_lists_its_holidays_by_date(staff, calendar_rows):
    from calendars.models import Holiday

    Holiday.objects.create(calendar=calendar_rows, date=dt.date(2026, 1, 1), name="New Year")
    url = f"/admin/calendars/holidaycalendar/{calendar_rows.pk}/change/"
    page = staff.request("GET", url, headers=staff.headers)
    assert page.status_code == 200
    assert re.findall(r'name="holidays-\d+-name"[^>]*value="([^"]+)"', page.text) + re.findall(
        r'value="([^"]+)"[^>]*name="holidays-\d+-name"', page.text
    ) == ["New Year", "Christmas Day"]
