"""Control characters in string input, refused in one place for every field.

A NUL byte in any string argument reached PostgreSQL (which cannot store it) and came back
as INTERNAL_SERVER_ERROR with a Sentry event. Every string a client sends, in a literal or
in a variable, at any depth of an input object, list or JSON value (keys included), may
hold tab, newline and carriage return but no other control character (Unicode Cc:
U+0000-U+001F, U+007F-U+009F). Otherwise the request is refused before anything executes:
BAD_USER_INPUT with `extensions.field` naming the argument (`input.name`, `skills.1`,
`items.0.weeklyHours`).

Both checks run where every operation is admitted (api.gate): literals by a validation rule
in its rule list (so a document that passes is cached as valid), variables right after
graphql-core has coerced them (so defaults count, and only declared variables do).
"""

import enum
from collections.abc import Iterator
from typing import Any

from graphql import (
    ArgumentNode,
    DocumentNode,
    GraphQLError,
    ListValueNode,
    ObjectValueNode,
    StringValueNode,
    ValidationRule,
    ValueNode,
    VariableNode,
    visit,
)
from graphql.language import Visitor
from graphql.language.visitor import SKIP, VisitorAction

from core.errors import ErrorCode
from core.text import CONTROL

Path = tuple[str | int, ...]


def refusal(field: str, nodes: Any = None) -> GraphQLError:
    return GraphQLError(
        f"{field} contains a control character: only tab, newline and carriage return are "
        "allowed in strings",
        nodes,
        extensions={"code": ErrorCode.BAD_USER_INPUT, "field": field},
    )


def field_name(path: Path) -> str:
    return ".".join(map(str, path))


def bad_string(value: Any, path: Path = ()) -> Path | None:
    """The path of the first string (or map key) in `value` with a control character."""
    if isinstance(value, str):
        return path if CONTROL.search(value) else None
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str) and CONTROL.search(key):
                return path
            found = bad_string(item, (*path, key))
            if found is not None:
                return found
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            found = bad_string(item, (*path, index))
            if found is not None:
                return found
    return None


def _literal_strings(node: ValueNode, path: Path) -> Iterator[tuple[Path, StringValueNode]]:
    if isinstance(node, StringValueNode):
        yield path, node
    elif isinstance(node, ListValueNode):
        for index, item in enumerate(node.values):
            yield from _literal_strings(item, (*path, index))
    elif isinstance(node, ObjectValueNode):
        for field in node.fields:
            yield from _literal_strings(field.value, (*path, field.name.value))


class ControlCharactersRule(ValidationRule):
    """Literal arguments (of fields and directives) with a control character."""

    def enter_argument(self, node: ArgumentNode, *_args: Any) -> VisitorAction:
        for path, string in _literal_strings(node.value, (node.name.value,)):
            if CONTROL.search(string.value):
                self.report_error(refusal(field_name(path), string))
                break
        return SKIP


class _VariableArguments(Visitor):
    """Where each variable is used: the argument path it feeds (`input.name` for
    `createPerson(input: {name: $n})`)."""

    def __init__(self) -> None:
        super().__init__()
        self.paths: dict[str, Path] = {}

    def enter_argument(self, node: ArgumentNode, *_args: Any) -> VisitorAction:
        self._walk(node.value, (node.name.value,))
        return SKIP

    def _walk(self, node: ValueNode, path: Path) -> None:
        if isinstance(node, VariableNode):
            self.paths.setdefault(node.name.value, path)
        elif isinstance(node, ListValueNode):
            for index, item in enumerate(node.values):
                self._walk(item, (*path, index))
        elif isinstance(node, ObjectValueNode):
            for field in node.fields:
                self._walk(field.value, (*path, field.name.value))


def _plain(value: Any) -> Any:
    """Coerced input objects may be objects (Strawberry inputs): their fields as a dict."""
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if hasattr(value, "__dict__") and not isinstance(value, enum.Enum):
        return {k: _plain(v) for k, v in vars(value).items()}
    return value


def check_variables(document: DocumentNode, coerced: dict[str, Any]) -> list[GraphQLError]:
    """A refusal for the first coerced variable value holding a control character."""
    for name, value in coerced.items():
        path = bad_string(_plain(value))
        if path is None:
            continue
        uses = _VariableArguments()
        visit(document, uses)
        return [refusal(field_name((*uses.paths.get(name, (name,)), *path)))]
    return []
