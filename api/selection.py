"""A validated operation's selection as `graph.readmap.Field` trees: fragments and
inline fragments flattened, @include/@skip applied, aliases kept as response keys,
same-keyed fields merged, arguments coerced with their defaults (graphql-core's own
`get_argument_values`), and each field's nullability for null propagation."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLIncludeDirective,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSkipDirective,
    InlineFragmentNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
)
from graphql.execution.values import VariableValues, get_argument_values, get_directive_values

from graph.readmap import Field

Fragments = Mapping[str, FragmentDefinitionNode]


def _included(node: Any, variables: VariableValues | None) -> bool:
    skip = get_directive_values(GraphQLSkipDirective, node, variables)
    if skip is not None and skip.get("if") is True:
        return False
    include = get_directive_values(GraphQLIncludeDirective, node, variables)
    return not (include is not None and include.get("if") is False)


def group(
    parent: GraphQLObjectType,
    selection_sets: Iterable[SelectionSetNode],
    fragments: Fragments,
    variables: VariableValues | None,
) -> dict[str, list[FieldNode]]:
    """Field nodes by response key, in the order they first appear."""
    groups: dict[str, list[FieldNode]] = {}

    def walk(selection_set: SelectionSetNode) -> None:
        for selection in selection_set.selections:
            if not _included(selection, variables):
                continue
            if isinstance(selection, FieldNode):
                key = selection.alias.value if selection.alias else selection.name.value
                groups.setdefault(key, []).append(selection)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                if condition is None or condition.name.value == parent.name:
                    walk(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                fragment = fragments.get(selection.name.value)
                if fragment is not None and fragment.type_condition.name.value == parent.name:
                    walk(fragment.selection_set)

    for selection_set in selection_sets:
        walk(selection_set)
    return groups


def nullability(gql_type: GraphQLOutputType) -> tuple[bool, bool | None]:
    """(the field may be null, its items may be null, or None when not a list)."""
    nullable = not isinstance(gql_type, GraphQLNonNull)
    inner = gql_type.of_type if isinstance(gql_type, GraphQLNonNull) else gql_type
    if isinstance(inner, GraphQLList):
        return nullable, not isinstance(inner.of_type, GraphQLNonNull)
    return nullable, None


def fields(
    parent: GraphQLObjectType,
    selection_sets: Iterable[SelectionSetNode],
    fragments: Fragments,
    variables: VariableValues | None,
) -> tuple[Field, ...]:
    """The merged selection of `selection_sets` on `parent`, as Field trees."""
    out = []
    for key, nodes in group(parent, selection_sets, fragments, variables).items():
        out.append(field(parent, key, nodes, fragments, variables))
    return tuple(out)


def field(
    parent: GraphQLObjectType,
    key: str,
    nodes: list[FieldNode],
    fragments: Fragments,
    variables: VariableValues | None,
    args: Mapping[str, Any] | None = None,
) -> Field:
    name = nodes[0].name.value
    if name == "__typename":
        return Field(key, name, nullable=False, nodes=tuple(nodes))
    definition = parent.fields[name]
    if args is None:
        args = get_argument_values(definition, nodes[0], variables)
    named = get_named_type(definition.type)
    sub: tuple[Field, ...] = ()
    if isinstance(named, GraphQLObjectType):
        sets = [n.selection_set for n in nodes if n.selection_set is not None]
        sub = fields(named, sets, fragments, variables)
    nullable, item_nullable = nullability(definition.type)
    return Field(key, name, args, sub, nullable, item_nullable, tuple(nodes))


def nested_variables(selection_set: SelectionSetNode, fragments: Fragments) -> frozenset[str]:
    """The variables a document uses anywhere but in its root fields' own arguments
    (nested arguments and directives): their values are part of a plan's identity."""
    found: set[str] = set()

    def values(node: Any) -> None:
        if isinstance(node, VariableNode):
            found.add(node.name.value)
            return
        for attr in ("value", "values", "fields", "arguments"):
            child = getattr(node, attr, None)
            if isinstance(child, (list, tuple)):
                for item in child:
                    values(item)
            elif child is not None and not isinstance(child, str):
                values(child)

    def walk(selection_set: SelectionSetNode, root: bool, seen: set[tuple[str, bool]]) -> None:
        for selection in selection_set.selections:
            for directive in selection.directives or ():
                values(directive)
            if isinstance(selection, FieldNode):
                if not root:
                    for argument in selection.arguments or ():
                        values(argument)
                if selection.selection_set is not None:
                    walk(selection.selection_set, False, seen)
            elif isinstance(selection, InlineFragmentNode):
                walk(selection.selection_set, root, seen)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = fragments.get(name)
                if fragment is not None and (name, root) not in seen:
                    seen.add((name, root))
                    walk(fragment.selection_set, root, seen)

    walk(selection_set, True, set())
    return frozenset(found)
