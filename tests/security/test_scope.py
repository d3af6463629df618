"""The department filter is written in one module: people.models (`visible_to`,
`in_departments`). Anywhere else, a filter on a person's department is a second copy of the
rule of what a viewer may see, and copies drift (the export job once skipped a check the
requests made). This scans the code for the forms such a filter takes."""

import ast
import re
from pathlib import Path

from accounts.access import EVERYTHING, Scope, Viewer
from people.tree import DepartmentTree

REPO = Path(__file__).resolve().parents[2]
ROOTS = [REPO / "backend", REPO / "graphql_schema"]
THE_MODULE = REPO / "backend" / "people" / "models.py"

# A lookup on a person's department: department_id__in, person__department__in,
# department__id__in, department__pk__in, department_id (exact), department__in ...
LOOKUP = re.compile(r"(^|__)department(_id|__id|__pk)?(__(in|exact))?$")
# The same in SQL text: department_id = ANY(...), department_id IN (...), department_id = %s.
SQL = re.compile(r"\bdepartment_id\s*(=|\bIN\b|\bin\b)", re.IGNORECASE)
FILTER_CALLS = {"filter", "exclude", "get", "Q", "get_or_create", "update_or_create"}


def department_filters(source: str) -> list[str]:
    """Every place in `source` that filters rows by a person's department."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in FILTER_CALLS:
                for kw in node.keywords:
                    if kw.arg is not None and LOOKUP.search(kw.arg):
                        found.append(f"line {node.lineno}: {name}({kw.arg}=...)")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
            if "department_id__in" in text or "department__in" in text or SQL.search(text):
                found.append(f"line {node.lineno}: {text.strip()[:60]!r}")
    return found


def test_the_department_filter_is_written_only_in_people_models():
    offenders = {}
    for root in ROOTS:
        for path in sorted(root.rglob("*.py")):
            if "migrations" in path.parts or path == THE_MODULE:
                continue
            found = department_filters(path.read_text())
            if found:
                offenders[str(path.relative_to(REPO))] = found
    assert offenders == {}, (
        "filter through Person/Assignment/AssignmentWeek .objects.visible_to(scope) or "
        f".in_departments(ids) instead: {offenders}"
    )
    assert department_filters(THE_MODULE.read_text()), "people.models must hold the filter"


def test_the_check_finds_each_form_of_the_filter():
    samples = {
        "qs.filter(department_id__in=visible)": 1,
        "qs.filter(person__department_id__in=visible)": 1,
        "qs.exclude(department__in=deps)": 1,
        "Q(department_id=3) | Q(pk=1)": 1,
        "qs.filter(person__department__pk__in=ids)": 1,
        'qs.filter(**{f"{prefix}department_id__in": visible})': 1,
        'qs.filter(**{"person__department__in": visible})': 1,
        'cursor.execute("SELECT id FROM people_person WHERE department_id = ANY(%s)")': 1,
        'sql = "AND department_id IN %(ids)s"': 1,
        # not filters: reading the column, building a row, a token's departments
        'qs.values_list("person_id", "person__department_id")': 0,
        "Person(name='a', department_id=3)": 0,
        "token.departments.filter(pk__in=ids)": 0,
        "person.department_id = dep_id": 0,
    }
    assert {s: len(department_filters(s)) for s in samples} == samples


def test_a_scope_is_the_viewers_departments_and_everything_under_them():
    tree = DepartmentTree(
        by_id={1: None, 2: None, 3: None, 4: None},  # type: ignore[dict-item]
        children={1: [2], 2: [3]},
    )
    restricted = Viewer(1, "r", False, False, "token", 7, frozenset({2}))
    unrestricted = Viewer(1, "u", False, True, "session")
    assert Scope.for_viewer(restricted, tree) == Scope(frozenset({2, 3}))
    assert Scope.for_viewer(unrestricted, None) is EVERYTHING
    assert Scope.for_viewer(None, None) is EVERYTHING
    scope = Scope.for_viewer(restricted, tree)
    assert (scope.restricted, EVERYTHING.restricted) == (True, False)
    assert [scope.can_see_department(d) for d in (1, 2, 3, 4, None)] == [
        False,
        True,
        True,
        False,
        False,
    ]
    assert [EVERYTHING.can_see_department(d) for d in (1, None)] == [True, True]
