"""Plain objects completed in one step.

graphql-core completes every field of every object on its own: resolve info, the resolver,
an awaitable check, then the value's completion, a dozen calls per field. Many objects of the
reports are plain records: every field selected is a Strawberry "basic" field (no resolver,
no permission, no argument: the attribute itself) of a scalar or enum type. A heatmap's 500
rows carry hundreds of such objects (`absences { kind startDate endDate }`, the report's
`holidays`), and their fields were most of what the availability calendar added to the
report's time. For those objects this execution context reads each attribute and coerces it
with the field type's own `coerce_output_value`, which is what graphql-core would do, in one
loop. Anything else (a field with a resolver or arguments, an object or list type, a
middleware, deferred delivery) takes graphql-core's path, and so does an object whose values
are not plain after all (a null in a non-null field, a value the type refuses): it is then
completed again the usual way, with the usual errors (reading an attribute twice is harmless).
"""

from typing import Any

from graphql import (
    GraphQLLeafType,
    GraphQLNonNull,
    GraphQLObjectType,
    Undefined,
    is_leaf_type,
)
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.field import StrawberryField

BACKREF = GraphQLCoreConverter.DEFINITION_BACKREF

# (response name, attribute, leaf type, non-null) per selected field
Plan = tuple[tuple[str, str, GraphQLLeafType, bool], ...]


def _plan(parent_type: GraphQLObjectType, grouped_field_set: Any) -> Plan | None:
    fields = []
    for response_name, field_details_list in grouped_field_set.items():
        node = field_details_list[0].node
        if node.arguments or node.selection_set is not None:
            return None
        field_def = parent_type.fields.get(node.name.value)
        if field_def is None or field_def.args:
            return None
        strawberry_field = (field_def.extensions or {}).get(BACKREF)
        if not isinstance(strawberry_field, StrawberryField):
            return None
        if not strawberry_field.is_basic_field or not getattr(
            field_def.resolve, "_is_default", False
        ):
            return None
        field_type, non_null = field_def.type, False
        if isinstance(field_type, GraphQLNonNull):
            field_type, non_null = field_type.of_type, True
        if not is_leaf_type(field_type):
            return None
        fields.append((response_name, strawberry_field.python_name, field_type, non_null))
    return tuple(fields)


class PlainObjectsExecutionContext(StrawberryGraphQLCoreExecutionContext):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # by the identity of graphql-core's collected field sets, which it memoizes per
        # request (one per selection of a type); the sets are kept alive with their plans
        self._plans: dict[tuple[str, int], tuple[Any, Plan | None]] = {}
        manager = self.middleware_manager
        self._plain_allowed = not (manager and manager.middlewares)

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Any,
        grouped_field_set: Any,
        position_context: Any,
    ) -> Any:
        if self._plain_allowed and position_context is None and source_value is not None:
            key = (parent_type.name, id(grouped_field_set))
            found = self._plans.get(key)
            if found is None:
                found = self._plans[key] = (
                    grouped_field_set,
                    _plan(parent_type, grouped_field_set),
                )
            plan = found[1]
            if plan:
                result: dict[str, Any] = {}
                try:
                    for response_name, attribute, leaf_type, non_null in plan:
                        value = getattr(source_value, attribute)
                        if value is None:
                            if non_null:
                                raise ValueError
                            result[response_name] = None
                            continue
                        coerced = leaf_type.coerce_output_value(value)
                        if coerced is None or coerced is Undefined:
                            raise ValueError
                        result[response_name] = coerced
                except Exception:  # not plain after all: graphql-core's path and errors
                    pass
                else:
                    return result
        return super().execute_fields(
            parent_type, source_value, path, grouped_field_set, position_context
        )
