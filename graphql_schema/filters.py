"""Filters shared by the list queries."""

from graphql_schema.context import Info
from graphql_schema.errors import NotFound
from graphql_schema.validation import parse_id


async def department_ids(
    info: Info, department: str | None, include_children: bool | None, field: str = "department"
) -> set[int] | None:
    """The departments a `department` / `includeChildren` pair names (None: no filter)."""
    if department is None:
        return None
    dep_id = parse_id(department, field)
    tree = await info.context.department_tree()
    if dep_id not in tree.by_id:
        raise NotFound(f"Department {dep_id} not found", field=field)
    return tree.scope(dep_id, bool(include_children))
