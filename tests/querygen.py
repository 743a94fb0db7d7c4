"""The queries of the property tests: hypothesis-graphql's valid queries over the
schema's read root fields, with arguments drawn from the data under test (household,
region and official codes, ID numbers, cursors of every list) and some malformed ones;
then decorated with what the generator never writes: real values per argument,
aliases, merged duplicate fields, inline and named fragments, @include/@skip,
variables and __typename."""

from __future__ import annotations

import base64
import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import hypothesis_graphql
from differential import CORE, TwoWays
from graphql import (
    ArgumentNode,
    BooleanValueNode,
    DirectiveNode,
    DocumentNode,
    EnumValueNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLObjectType,
    InlineFragmentNode,
    ListValueNode,
    NamedTypeNode,
    NameNode,
    ObjectFieldNode,
    ObjectValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    StringValueNode,
    VariableDefinitionNode,
    VariableNode,
    get_named_type,
    parse,
    parse_type,
    print_ast,
    value_from_ast_untyped,
)
from hypothesis import strategies as st
from hypothesis_graphql import nodes

from graph.cursor import encode_cursor
from graph.errors import BadUserInput
from graph.validation import check_id_number

READ_FIELDS = ("household", "households", "person", "official", "officials", "region",
               "pairingCoverage", "povertyLine", "povertyLines")  # fmt: skip

# --- what the arguments are drawn from --------------------------------------------------


@dataclass
class Keys:
    """Real keys of the data under test, and the cursors of every list built from them."""

    households: list[str]
    regions: list[str]
    officials: list[str]
    id_numbers: list[str]
    units: list[str] = field(default_factory=list)
    pairings: list[tuple[str, str]] = field(default_factory=list)  # (household, pairing id)
    visits: list[tuple[str, str]] = field(default_factory=list)  # (date, visit id)

    def cursors(self) -> list[str]:
        found = []
        for h in self.households[:8]:
            found.append(encode_cursor("households:CODE_ASC", [h]))
            found.append(encode_cursor("households:CODE_DESC", [h]))
            found.append(encode_cursor("households:REGISTRATION_YEAR_ASC", [2024, h]))
            found.append(encode_cursor("households:LAST_VISIT_DESC", ["2026-10-01", h]))
            found.append(encode_cursor("coverage-UNCOVERED", [h]))
            found.append(encode_cursor("coverage-OVERDUE", [h]))
        found += [encode_cursor("officials", [o]) for o in self.officials[:6]]
        found += [encode_cursor("official-households", list(p)) for p in self.pairings[:6]]
        found += [encode_cursor("official-visits", list(v)) for v in self.visits[:6]]
        found += [encode_cursor("household-measures", [d, m]) for d, m in MEASURE_KEYS]
        found += [encode_cursor("officials", [1]), encode_cursor("nope", ["x"]), "bm90IGpzb24"]
        return found

    def pool(self, field_name: str, argument: str) -> list[str] | None:
        """The real values of `argument` (of field `field_name`, or an input field)."""
        if argument == "code":
            by_field = {"household": self.households, "official": self.officials,
                        "region": self.regions}  # fmt: skip
            return by_field.get(field_name)
        if argument == "after":
            kind = CURSOR_KINDS.get(field_name, "")
            own = [c for c in self.cursors() if _kind(c).startswith(kind)]
            return own * 6 + self.cursors()
        return {"regionCode": self.regions, "idNumber": self.id_numbers,
                "unit": self.units}.get(argument)  # fmt: skip


# (date, id) of measures of the demo story, and one between them
MEASURE_KEYS = [("2026-04-15", "demo-measure-03"), ("2026-02-24", "demo-measure-02"),
                ("2026-03-01", "m")]  # fmt: skip
CURSOR_KINDS = {
    "measures": "household-measures",
    "households": "households:",
    "officials": "officials",
    "pairedHouseholds": "official-households",
    "visits": "official-visits",
    "uncovered": "coverage-UNCOVERED",
    "overdue": "coverage-OVERDUE",
}


def _kind(cursor: str) -> str:
    try:
        return str(json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))[0])
    except (ValueError, IndexError, KeyError, TypeError):
        return ""


KEYS_CYPHER = """
CALL () { MATCH (h:Household) RETURN collect(h.code)[..40] AS households }
CALL () { MATCH (r:Region) WHERE r.level <> 'VILLAGE' OR r.code STARTS WITH '4602031'
          RETURN collect(r.code)[..60] AS regions }
CALL () { MATCH (o:Official) RETURN collect(o.code)[..20] AS officials,
          collect(DISTINCT o.unit)[..10] AS units }
CALL () { MATCH (p:Person) RETURN collect(p.idNumber)[..20] AS ids }
CALL () { MATCH (:Official)-[r:PAIRED_WITH]->(h) RETURN collect([h.code, r.id])[..20] AS pairs }
CALL () { MATCH (v:Visit) RETURN collect([toString(v.date), v.id])[..20] AS visits }
RETURN households, regions, officials, units, ids, pairs, visits
"""


def _valid_id(number: str) -> bool:
    """Imported data may hold a malformed ID number (the demo's, for the audit): a
    lookup by it is refused before any read, so the draws leave it out."""
    try:
        check_id_number(number, "idNumber")
    except BadUserInput:
        return False
    return True


def keys_of(ways: TwoWays, first: Sequence[str] = ()) -> Keys:
    """Keys read from the database (`first`: household codes to put in front)."""
    (record,) = ways.run(ways.db.read(KEYS_CYPHER))
    return Keys(
        households=list(dict.fromkeys([*first, *record["households"]])),
        regions=["460000", "460200", "460203", "469001", "469030", *record["regions"]],
        officials=["O-460203-001", "O-469001-001", *record["officials"]],
        id_numbers=[n for n in record["ids"] if _valid_id(n)],
        units=record["units"],
        pairings=[(h, p) for h, p in record["pairs"]],
        visits=[(d, v) for d, v in record["visits"]],
    )


MALFORMED = ["", " ", "x", "4602031002010001 ", "46020310020100011", "46020", "460203 ",
             "O 1", "-O-1", "46020319790314001x", "4602031979031", "'", "\\", "é中"]  # fmt: skip
RANDOM_CURSORS = st.binary(max_size=30).map(lambda b: base64.urlsafe_b64encode(b).decode())


def string_values(keys: Keys) -> st.SearchStrategy[str]:
    """Any String argument: mostly a real key, sometimes malformed or a cursor."""
    real = st.sampled_from(
        [*keys.households, *keys.regions, *keys.officials, *keys.id_numbers, "EXITED"]
    )
    return st.one_of(
        real, real, st.sampled_from(MALFORMED), st.sampled_from(keys.cursors()), RANDOM_CURSORS
    )


SMALL = st.integers(1, 6)
INTS = st.one_of(
    SMALL, SMALL, SMALL, st.integers(0, 25), st.integers(-(2**31), 2**31 - 1),
    st.sampled_from([-1, 20, 21, 100, 101, 366, 367, 3660, 3661]),
    st.sampled_from([2009, 2010, 2014, 2015, 2018, 2020, 2025, 2026, 2027]),  # years
)  # fmt: skip


def dates(today: dt.date) -> st.SearchStrategy[dt.date]:
    recent = st.dates(today - dt.timedelta(days=400), today)
    return st.one_of(
        recent, recent, recent,
        st.sampled_from([today, today + dt.timedelta(days=1), dt.date(1899, 12, 31)]),
    )  # fmt: skip


def queries(
    keys: Keys, today: dt.date, fields: Sequence[str] = READ_FIELDS
) -> st.SearchStrategy[str]:
    """hypothesis-graphql's valid queries over the read root fields (or `fields`)."""
    return hypothesis_graphql.queries(
        CORE,
        fields=fields,
        custom_scalars={
            "String": string_values(keys).map(nodes.String),
            "Int": INTS.map(nodes.Int),
            "Date": dates(today).map(nodes.String),
        },
        allow_x00=False,
    )


# What an empty enum list becomes, by argument.
LIST_VALUES = {"statuses": "REGISTERED", "categories": "MICROCREDIT"}

# --- decorating a generated query ---------------------------------------------------------

MAX_COPIES = 6  # extra copies of fields a query gets (duplicates, dropped ones)


@dataclass
class _Decoration:
    draw: Any
    keys: Keys
    variables: dict[str, Any] = field(default_factory=dict)
    definitions: list[VariableDefinitionNode] = field(default_factory=list)
    fragments: list[FragmentDefinitionNode] = field(default_factory=list)
    aliases: int = 0
    copies: int = 0

    def chance(self, p: float) -> bool:
        return bool(self.draw(st.floats(0, 1)) < p)

    def variable(self, type_text: str, value: Any) -> VariableNode:
        name = f"v{len(self.variables)}"
        self.variables[name] = value
        node = VariableNode(name=NameNode(value=name))
        self.definitions.append(VariableDefinitionNode(variable=node, type=parse_type(type_text)))
        return node

    def real(self, field_name: str, argument: str, value: Any) -> Any:
        """A literal replaced, most of the time, by a real value of its argument."""
        if isinstance(value, ObjectValueNode):
            fields = [
                ObjectFieldNode(name=f.name, value=self.real(field_name, f.name.value, f.value))
                for f in value.fields
            ]
            return ObjectValueNode(fields=tuple(fields))
        if isinstance(value, ListValueNode) and not value.values and self.chance(0.8):
            # An empty list of statuses is refused: most of the time, ask for some.
            some = LIST_VALUES.get(argument)
            if some is not None:
                return ListValueNode(values=(EnumValueNode(value=some),))
        pool = self.keys.pool(field_name, argument)
        if isinstance(value, StringValueNode) and pool and self.chance(0.85):
            return StringValueNode(value=self.draw(st.sampled_from(pool)))
        return value

    def directive(self, keep: bool) -> DirectiveNode:
        """@include or @skip that keeps (or drops) its field, by literal or variable."""
        include = self.chance(0.5)
        value = keep if include else not keep
        arg: Any = (
            self.variable("Boolean!", value) if self.chance(0.5) else BooleanValueNode(value=value)
        )
        return DirectiveNode(
            name=NameNode(value="include" if include else "skip"),
            arguments=(ArgumentNode(name=NameNode(value="if"), value=arg),),
        )


def _first_only(sub: SelectionSetNode | None) -> SelectionSetNode | None:
    if sub is None or len(sub.selections) <= 1:
        return sub
    return SelectionSetNode(selections=tuple(sub.selections[:1]))


def _field(dec: _Decoration, parent: GraphQLObjectType, node: FieldNode, root: bool) -> list[Any]:
    """The field, decorated, and the copies of it that the decoration adds."""
    name = node.name.value
    definition = parent.fields[name]
    target = get_named_type(definition.type)
    sub = node.selection_set
    if sub is not None and isinstance(target, GraphQLObjectType):
        sub = _selections(dec, target, sub)
    args = [ArgumentNode(name=a.name, value=dec.real(name, a.name.value, a.value))
            for a in node.arguments or ()]  # fmt: skip
    if root and args and dec.chance(0.5):
        args = [
            ArgumentNode(name=a.name, value=dec.variable(
                str(definition.args[a.name.value].type), value_from_ast_untyped(a.value)))
            for a in args
        ]  # fmt: skip
    alias = None
    if dec.aliases < 10 and dec.chance(0.15):
        dec.aliases += 1
        alias = NameNode(value=f"a{dec.aliases}_{name}")
    directives = (dec.directive(keep=True),) if dec.chance(0.08) else ()
    out = [FieldNode(name=node.name, alias=alias, arguments=tuple(args), selection_set=sub,
                     directives=directives)]  # fmt: skip
    if dec.copies < MAX_COPIES and dec.chance(0.1):
        # The same key again (same arguments, part of the selection): merged.
        dec.copies += 1
        out.append(FieldNode(name=node.name, alias=alias, arguments=tuple(args),
                             selection_set=_first_only(sub), directives=()))  # fmt: skip
    if dec.copies < MAX_COPIES and dec.chance(0.05):
        # Another key that a directive drops.
        dec.copies += 1
        out.append(FieldNode(name=node.name, alias=NameNode(value=f"dropped{dec.copies}"),
                             arguments=tuple(args), selection_set=_first_only(sub),
                             directives=(dec.directive(keep=False),)))  # fmt: skip
    return out


def _selections(dec: _Decoration, parent: GraphQLObjectType, selection_set: SelectionSetNode,
                root: bool = False) -> SelectionSetNode:  # fmt: skip
    out: list[Any] = []
    for node in selection_set.selections:
        assert isinstance(node, FieldNode)
        out += _field(dec, parent, node, root)
    if dec.chance(0.1):
        out.append(FieldNode(name=NameNode(value="__typename")))
    if not root and len(out) > 1 and dec.chance(0.15):
        # The tail of the selection through a fragment on the same type.
        cut = dec.draw(st.integers(1, len(out) - 1))
        inner = SelectionSetNode(selections=tuple(out[cut:]))
        condition = NamedTypeNode(name=NameNode(value=parent.name))
        if dec.chance(0.5):
            out = [*out[:cut], InlineFragmentNode(type_condition=condition, selection_set=inner)]
        else:
            name = f"F{len(dec.fragments)}"
            dec.fragments.append(FragmentDefinitionNode(name=NameNode(value=name),
                                 type_condition=condition, selection_set=inner))  # fmt: skip
            out = [*out[:cut], FragmentSpreadNode(name=NameNode(value=name))]
    return SelectionSetNode(selections=tuple(out))


def decorate(draw: Any, keys: Keys, query: str) -> tuple[str, dict[str, Any]]:
    """`query` with real argument values, aliases, merged duplicates, fragments,
    directives and variables added at random; and its variables' values."""
    (operation,) = parse(query).definitions
    assert isinstance(operation, OperationDefinitionNode) and CORE.query_type is not None
    dec = _Decoration(draw, keys)
    selection_set = _selections(dec, CORE.query_type, operation.selection_set, root=True)
    new = OperationDefinitionNode(operation=operation.operation, name=NameNode(value="Q"),
                                  variable_definitions=tuple(dec.definitions),
                                  selection_set=selection_set, directives=())  # fmt: skip
    return print_ast(DocumentNode(definitions=(new, *dec.fragments))), dec.variables


def operations(keys: Keys, today: dt.date) -> st.SearchStrategy[tuple[str, dict[str, Any]]]:
    """(query, variables): a generated query, decorated."""

    @st.composite
    def build(draw: Any) -> tuple[str, dict[str, Any]]:
        return decorate(draw, keys, draw(queries(keys, today)))

    return build()


def selects(query: str, *path: str) -> bool:
    """Whether `query` selects the chain of field names `path` anywhere (through
    fragments too)."""
    document = parse(query)
    fragments = {d.name.value: d for d in document.definitions
                 if isinstance(d, FragmentDefinitionNode)}  # fmt: skip

    def fields_of(selection_set: SelectionSetNode | None) -> list[FieldNode]:
        found: list[FieldNode] = []
        for node in selection_set.selections if selection_set is not None else ():
            if isinstance(node, FieldNode):
                found.append(node)
            elif isinstance(node, InlineFragmentNode):
                found += fields_of(node.selection_set)
            elif isinstance(node, FragmentSpreadNode):
                found += fields_of(fragments[node.name.value].selection_set)
        return found

    def walk(nodes: list[FieldNode]) -> bool:
        for node in nodes:
            below = fields_of(node.selection_set)
            if node.name.value == path[0] and _chain(below, path[1:], fields_of):
                return True
            if walk(below):
                return True
        return False

    (operation,) = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    return walk(fields_of(operation.selection_set))


def _chain(nodes: list[FieldNode], rest: Sequence[str], fields_of: Any) -> bool:
    if not rest:
        return True
    return any(n.name.value == rest[0] and _chain(fields_of(n.selection_set), rest[1:], fields_of)
               for n in nodes)  # fmt: skip
