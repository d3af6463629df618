"""Policies are declared on the field they govern (graphql_schema/policy.py and
permissions.py), and read back from the schema: a list field's cost, per-viewer and
uncacheable answers, the write scope. These tests fail when a field forgets one."""

from __future__ import annotations

import ast
import inspect
import textwrap
from collections.abc import Callable, Iterator
from types import FunctionType
from typing import Any

import pytest
from graphql import GraphQLField, GraphQLObjectType, get_named_type, is_composite_type, parse

from api.documents import Operation, operation_of
from api.limits import SIZE_ARGUMENTS, _is_list
from api.schema import schema
from graphql_schema.permissions import HasWriteScope, IsAuthenticated
from graphql_schema.policy import policy_of

SCHEMA = schema._schema
# Where a resolver reads who asks: the context's viewer, the request's user.
VIEWER_READS = frozenset({"viewer", "require_viewer", "user", "auser"})
# What differs per request whoever asks: the rate-limit budget after this request.
REQUEST_READS = frozenset({"budget"})
PROJECT_MODULES = (
    "graphql_schema",
    "accounts",
    "people",
    "projects",
    "assignments",
    "exports",
    "webhooks",
    "calendars",
    "planning",
    "core",
)


def fields() -> Iterator[tuple[str, GraphQLField]]:
    for type_ in SCHEMA.type_map.values():
        if isinstance(type_, GraphQLObjectType) and not type_.name.startswith("__"):
            for name, field in type_.fields.items():
                yield f"{type_.name}.{name}", field


def resolver_of(field: GraphQLField) -> FunctionType | None:
    origin = (field.extensions or {}).get("strawberry-definition")
    resolver = getattr(origin, "base_resolver", None)
    func = getattr(resolver, "wrapped_func", None)
    return func if isinstance(func, FunctionType) else None


def _called(node: ast.Call, scope: dict[str, Any]) -> FunctionType | None:
    """A function of the project's that a call names directly (`helper(info)`,
    `module.helper(info)`), so reads inside helpers count as the resolver's own."""
    target: Any = None
    if isinstance(node.func, ast.Name):
        target = scope.get(node.func.id)
    elif isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name):
        target = getattr(scope.get(node.func.value.id), node.func.attr, None)
    target = inspect.unwrap(target) if callable(target) else None
    if isinstance(target, FunctionType) and target.__module__.startswith(PROJECT_MODULES):
        return target
    return None


def reads(func: Callable[..., Any], names: frozenset[str], seen: set[Any] | None = None) -> bool:
    """Whether `func`, or a project function it calls, reads an attribute in `names`."""
    seen = set() if seen is None else seen
    if func in seen:
        return False
    seen.add(func)
    tree = ast.parse(textwrap.dedent(inspect.getsource(func)))
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in names:
            return True
        if isinstance(node, ast.Call):
            called = _called(node, func.__globals__)  # type: ignore[attr-defined]
            if called is not None and reads(called, names, seen):
                return True
    return False


def readers(names: frozenset[str]) -> set[str]:
    found = set()
    for name, field in fields():
        func = resolver_of(field)
        if func is not None and reads(func, names):
            found.add(name)
    return found


# --- cost --------------------------------------------------------------------------------


def test_every_list_of_objects_without_a_size_argument_declares_its_cost():
    """A list of leaves costs nothing below it; a list of objects multiplies its selection,
    by its size argument or else by the items it declares (graphql_schema.policy)."""
    undeclared = [
        name
        for name, field in fields()
        if _is_list(field.type)
        and is_composite_type(get_named_type(field.type))
        and not any(arg in field.args for arg in SIZE_ARGUMENTS)
        and policy_of(field).items is None
    ]
    assert undeclared == [], f"declare metadata=policy(items=...) on {undeclared}"


def test_the_declared_list_costs():
    """The figures query costs are made of (each one what the name-matched list held)."""
    declared = {
        name: (policy_of(field).items, policy_of(field).page)
        for name, field in fields()
        if policy_of(field).items is not None
    }
    assert declared == {
        "AssignmentConnection.edges": (50, True),
        "AssignmentHoursChanged.weeks": (26, False),
        "ChangeConnection.edges": (100, True),
        "BulkUpdateAssignmentHoursPayload.assignments": (10, False),
        "BulkUpdateAssignmentHoursPayload.placeholderAssignments": (10, False),
        "BulkUpdateAssignmentHoursPayload.bookings": (10, False),
        "FillPlaceholderPayload.overbookedWeeks": (10, False),
        "Placeholder.assignments": (10, False),
        "Placeholder.requiredSkills": (10, False),
        "PlaceholderConnection.edges": (50, True),
        "Project.placeholderAssignments": (10, False),
        "CapacityHeatmap.holidays": (3, False),
        "CapacityHeatmap.rows": (500, False),
        "Department.children": (10, False),
        "HeatmapRow.absences": (5, False),
        "HolidayCalendar.holidays": (20, False),
        "GridPerson.absences": (5, False),
        "GridSnapshot.assignments": (10, False),
        "GridSnapshot.holidays": (3, False),
        "GridSnapshot.people": (500, False),
        "GridSnapshot.placeholders": (20, False),
        "GridSnapshot.placeholderAssignments": (20, False),
        "Person.assignments": (10, False),
        "Person.schedules": (5, False),
        "Person.skills": (10, False),
        "Person.timeOff": (10, False),
        "PersonConnection.edges": (50, True),
        "Project.assignments": (10, False),
        "Project.availability": (50, False),
        "ProjectConnection.edges": (50, True),
        "Query.departments": (50, False),
        "Query.holidayCalendars": (20, False),
        "Query.roles": (50, False),
        "Query.skills": (10, False),
        "ReportHolidays.holidays": (10, False),
        "RoleCapacityReport.roles": (50, False),
        "RoleCapacityReport.series": (20, False),
        "Query.webhookSubscriptions": (20, False),  # a token has at most 20
        "WebhookDeliveryConnection.edges": (50, True),
    }


# --- per viewer, uncacheable -------------------------------------------------------------


def test_every_resolver_that_reads_the_viewer_is_marked_per_viewer():
    found = readers(VIEWER_READS)
    # the detector sees the reads it must see (directly, and through require_viewer)
    assert {"Query.viewer", "Viewer.departmentIds", "Query.job"} <= found
    unmarked = sorted(name for name in found if not policy_of(dict(fields())[name]).per_viewer)
    assert unmarked == [], f"declare metadata=policy(per_viewer=True) on {unmarked}"


def test_every_resolver_that_reads_the_request_budget_is_uncacheable():
    found = readers(REQUEST_READS)
    assert found == {"Query.rateLimit"}
    assert [name for name in found if not policy_of(dict(fields())[name]).uncacheable] == []


def test_the_detector_follows_helpers_and_ignores_other_attributes():
    def direct(info: Any) -> Any:
        return info.context.viewer.username

    def through_helper(info: Any) -> Any:
        return direct(info)

    def scoped_only(info: Any) -> Any:
        return info.context.visible_departments, info.context.loaders

    assert reads(direct, VIEWER_READS)
    assert not reads(scoped_only, VIEWER_READS)
    # helpers are followed when they are the project's: this test module is not one ...
    assert not reads(through_helper, VIEWER_READS)
    # ... graphql_schema.filters is: Query.people reads the tree only through its helper
    people = resolver_of(SCHEMA.query_type.fields["people"])  # type: ignore[union-attr]
    assert people is not None and "department_tree" not in inspect.getsource(people)
    assert reads(people, frozenset({"department_tree"}))


def _operation(document: str, name: str | None = None) -> Operation | None:
    return operation_of(SCHEMA, parse(document), name)


@pytest.mark.parametrize(
    ("document", "per_viewer", "cacheable"),
    [
        ("{ departments { id name } }", False, True),
        ("{ viewer { username } }", True, True),
        ("{ me: viewer { canWrite } }", True, True),  # an alias hides no field
        ("{ ...V } fragment V on Query { viewer { username } }", True, True),
        ("{ rateLimit { cost } departments { id } }", True, False),
        ('{ job(id: "x") { status } }', True, False),
        ('mutation { deletePerson(id: "1") { id } }', False, False),
        ("mutation { requestGridExport(weeks: 1, format: CSV) { id } }", True, False),
    ],
)
def test_operations_take_their_policy_from_the_fields_they_select(document, per_viewer, cacheable):
    operation = _operation(document)
    assert operation is not None
    assert (operation.per_viewer, operation.cacheable) == (per_viewer, cacheable)


def test_a_field_is_judged_by_its_definition_not_its_name():
    # `viewer` and `job` are no policy's names: a Person's `skills` is just a list
    assert _operation('{ person(id: "1") { skills { proficiency } } }') == Operation(
        _operation("{ departments { id } }").type,  # type: ignore[union-attr]
        per_viewer=False,
        cacheable=True,
    )
    assert _operation("query A { departments { id } } query B { viewer { username } }", "A") == (
        Operation(_operation("{ departments { id } }").type, per_viewer=True)  # type: ignore[union-attr]
    ), "as before: every field of the document counts, not only the chosen operation's"


# --- the write scope ---------------------------------------------------------------------


def test_every_mutation_but_the_export_needs_the_write_scope():
    """The write scope is declared on the field: WRITE = [IsAuthenticated, HasWriteScope],
    in that order (an anonymous caller is UNAUTHENTICATED, not FORBIDDEN)."""
    permissions = {}
    for name, field in SCHEMA.mutation_type.fields.items():  # type: ignore[union-attr]
        origin = field.extensions["strawberry-definition"]
        permissions[name] = [type(p) for p in _permissions_of(origin)]
    write = [IsAuthenticated, HasWriteScope]
    assert permissions == {
        "createPerson": write,
        "updatePerson": write,
        "deletePerson": write,
        "setPersonSkills": write,
        "createProject": write,
        "updateProject": write,
        "deleteProject": write,
        "createAssignment": write,
        "updateAssignment": write,
        "deleteAssignment": write,
        "bulkUpdateAssignmentHours": write,
        "requestGridExport": [IsAuthenticated],  # it only reads
        "createTimeOff": write,
        "updateTimeOff": write,
        "deleteTimeOff": write,
        "setWorkSchedule": write,
        "createHolidayCalendar": write,
        "setHolidays": write,
        "assignHolidayCalendar": write,
        "createWebhookSubscription": write,
        "deleteWebhookSubscription": write,
        "redeliverWebhook": write,
        "createPlaceholder": write,
        "updatePlaceholder": write,
        "deletePlaceholder": write,
        "setPlaceholderSkills": write,
        "createPlaceholderAssignment": write,
        "updatePlaceholderAssignment": write,
        "deletePlaceholderAssignment": write,
        "fillPlaceholder": write,
    }


def _permissions_of(origin: Any) -> list[Any]:
    from strawberry.permission import PermissionExtension

    return [
        permission
        for extension in origin.extensions
        if isinstance(extension, PermissionExtension)
        for permission in extension.permissions
    ]
