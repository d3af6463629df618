"""Placeholders, tentative bookings, candidates and fills (backend/demand, issue 15)."""


def make_placeholders(count: int, spread_weeks: bool) -> None:
    """`count` placeholders over the small dataset's roles, departments and first five
    projects, one required skill each (advanced), one assignment each (every other one
    tentative) with 8 hours in 3 weeks from 2026-11-02 (shifted by 0..6 weeks with
    `spread_weeks`): bulk inserts, for the SQL counts that must not grow with them."""
    import datetime as dt

    from assignments.models import Assignment, AssignmentWeek
    from demand.models import Placeholder, PlaceholderSkill
    from projects.models import Project

    projects = list(Project.objects.values_list("pk", flat=True)[:5])
    placeholders = Placeholder.objects.bulk_create(
        Placeholder(name=f"Placeholder {i:03}", role_id=1 + i % 12, department_id=1 + i % 20)
        for i in range(count)
    )
    PlaceholderSkill.objects.bulk_create(
        PlaceholderSkill(placeholder=p, skill_id=1 + i % 60, min_proficiency="advanced")
        for i, p in enumerate(placeholders)
    )
    bookings = Assignment.all_rows.bulk_create(
        Assignment(
            placeholder=p, project_id=projects[i % 5], status=("confirmed", "tentative")[i % 2]
        )
        for i, p in enumerate(placeholders)
    )
    AssignmentWeek.all_rows.bulk_create(
        AssignmentWeek(
            assignment=b,
            placeholder_id=b.placeholder_id,
            tentative=b.status == "tentative",
            week=dt.date(2026, 11, 2) + dt.timedelta(weeks=w + (i % 7 if spread_weeks else 0)),
            hours=8,
        )
        for i, b in enumerate(bookings)
        for w in range(3)
    )
