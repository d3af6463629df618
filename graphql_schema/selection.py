"""What a resolver's document selects below its field, on both execution paths."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from strawberry.types.nodes import SelectedField


def selected_paths(info: Any) -> frozenset[str]:
    """Every field name selected below the resolver's field, as dotted paths of names (not
    aliases): `{"people", "people.name", "holidays"}`, fragments' fields included, those
    @skip/@include leave out excluded. The compiled path's info (api.compiled._Info) knows
    its plan's selection; graphql-core's is read from the nodes (Strawberry's
    info.selected_fields, the directives' arguments with the variables' values)."""
    compiled = getattr(info, "selected_paths", None)
    if compiled is not None:
        return compiled()
    paths: set[str] = set()
    for own in info.selected_fields:  # the resolver's field (its nodes): what they select
        _walk(own.selections, "", paths)
    return frozenset(paths)


def _walk(selections: Iterable[Any], prefix: str, paths: set[str]) -> None:
    for selection in selections:
        if not _included(selection.directives):
            continue
        if not isinstance(selection, SelectedField):  # a fragment: its fields
            _walk(selection.selections, prefix, paths)
            continue
        path = f"{prefix}.{selection.name}" if prefix else selection.name
        paths.add(path)
        _walk(selection.selections, path, paths)


def _included(directives: dict[str, dict[str, Any]]) -> bool:
    """graphql-core's should_include_node, on Strawberry's converted directives."""
    if not directives:
        return True
    if directives.get("skip", {}).get("if") is True:
        return False
    return directives.get("include", {}).get("if", True) is not False
