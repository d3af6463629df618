"""What a resolver's document selects below its field, on both execution paths."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from strawberry.types.nodes import SelectedField


def selected_paths(info: Any) -> frozenset[str]:
    """Every field name selected below the resolver's field, as dotted paths of names (not
    aliases): `{"people", "people.name", "holidays"}`. The compiled path's info
    (api.compiled._Info) knows its plan's selection (@skip/@include already applied);
    graphql-core's is read from the nodes, fragments included and @skip/@include not
    applied (a skipped field counts as selected: a resolver loads more, never less)."""
    compiled = getattr(info, "selected_paths", None)
    if compiled is not None:
        return compiled()
    paths: set[str] = set()
    for own in info.selected_fields:  # the resolver's field (its nodes): what they select
        _walk(own.selections, "", paths)
    return frozenset(paths)


def _walk(selections: Iterable[Any], prefix: str, paths: set[str]) -> None:
    for selection in selections:
        if not isinstance(selection, SelectedField):  # a fragment: its fields
            _walk(selection.selections, prefix, paths)
            continue
        path = f"{prefix}.{selection.name}" if prefix else selection.name
        paths.add(path)
        _walk(selection.selections, path, paths)
