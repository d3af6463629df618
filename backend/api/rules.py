"""Validation rules of our own, added to (or replacing) graphql-core's."""

import re
from typing import Any

from graphql import (
    ArgumentNode,
    DocumentNode,
    GraphQLError,
    ValueNode,
    ValuesOfCorrectTypeRule,
    VariableNode,
    visit,
)
from graphql.language import Visitor
from graphql.language.visitor import SKIP, VisitorAction
from graphql.utilities.validate_input_value import validate_input_literal

from core.errors import ErrorCode


class NamedValuesOfCorrectTypeRule(ValuesOfCorrectTypeRule):
    """graphql-core's rule, but each error names the argument (and input field) whose
    literal is wrong, as BAD_USER_INPUT: `findAvailable(week: "2026-13-45")` says `week`."""

    argument: str | None = None

    def enter_argument(self, node: ArgumentNode, *_args: Any) -> None:
        self.argument = node.name.value

    def leave_argument(self, node: ArgumentNode, *_args: Any) -> None:
        self.argument = None

    def is_valid_value_node(self, node: ValueNode, input_type: Any) -> VisitorAction:
        if input_type:
            argument = self.argument

            def on_error(error: GraphQLError, path: list[str | int]) -> None:
                field = ".".join([argument, *map(str, path)]) if argument else None
                message = f"Argument '{field}': {error.message}" if field else error.message
                extensions: dict[str, str] = {"code": ErrorCode.BAD_USER_INPUT}
                if field:
                    extensions["field"] = field
                self.report_error(GraphQLError(message, error.nodes or node, extensions=extensions))

            validate_input_literal(
                node, input_type, on_error, None, None, self.context.hide_suggestions
            )
        return SKIP


def replace_rules(rules: tuple) -> tuple:
    return tuple(
        NamedValuesOfCorrectTypeRule if rule is ValuesOfCorrectTypeRule else rule for rule in rules
    )


_VARIABLE = re.compile(r"^Variable '\$(\w+)' has invalid value(?: at \.?([\w.\[\]]+))?")


class _VariableUses(Visitor):
    def __init__(self, variable: str) -> None:
        super().__init__()
        self.variable = variable
        self.arguments: list[str] = []

    def enter_argument(self, node: ArgumentNode, *_args: Any) -> None:
        if isinstance(node.value, VariableNode) and node.value.name.value == self.variable:
            self.arguments.append(node.name.value)


def argument_of_variable_error(message: str, document: DocumentNode | None) -> str | None:
    """The argument a bad variable feeds (`Variable '$w' has invalid value` -> `week`)."""
    match = _VARIABLE.match(message)
    if match is None:
        return None
    name, path = match.group(1), match.group(2)
    if document is not None:
        uses = _VariableUses(name)
        visit(document, uses)
        if uses.arguments:
            name = uses.arguments[0]
    return f"{name}.{path}" if path else name
