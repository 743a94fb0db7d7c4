"""Helpers for the compiler's tests (tests/test_compiler.py, tests/test_differential.py):
a GraphQL document and a principal in, the compiled plans out, as api/execution.py
compiles them; and selections of the schema built from its types (paths from a root
to every type of the read map, every field of a type).

Nothing here touches a database."""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections import Counter, deque
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any

from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    GraphQLObjectType,
    get_named_type,
    get_operation_ast,
    parse,
    validate,
)
from graphql.execution.values import VariableValues, get_argument_values, get_variable_values

from api import selection
from api.auth import Principal, Role
from api.execution import view_of
from api.schema import schema
from graph.compiler import ROOTS, Plan, Request, View
from graph.readmap import TYPES, Custom, Field, Mask
from seeds.trade import BOTTLED_LOT, COOPERATIVE

CORE = schema._schema
QUERY = CORE.query_type
assert QUERY is not None
TODAY = dt.date(2026, 12, 1)

# The callers whose views differ: every scope kind, masked and not.
PRINCIPALS: dict[str, Principal] = {
    "admin": Principal(Role.ADMIN),
    "investigator": Principal(Role.INVESTIGATOR),
    "region": Principal(Role.REGION_OFFICER, scope="460203"),
    "official": Principal(Role.FIELD_OFFICIAL, scope="O-460203-001"),
    "public": Principal(Role.PUBLIC),
    "merchant": Principal(Role.MERCHANT, scope="STORE-469025-01"),
}

# Arguments a root field needs (valid values: they are checked when bound).
ROOT_ARGS = {
    "household": 'code: "4602031002010001"',
    "official": 'code: "O-460203-001"',
    "region": 'code: "460203"',
    "pairingCoverage": 'regionCode: "460203"',
    "person": 'idNumber: "11010519491231002X"',
    "history": 'ref: "Household:4602031002010001"',
    "povertyLine": "year: 2018",
    "product": 'code: "WILD-HONEY"',
    "cooperative": f'code: "{COOPERATIVE}"',
    "lot": f'traceCode: "{BOTTLED_LOT}"',
    "publicTrace": f'code: "{BOTTLED_LOT}"',
    "auditRun": 'id: "00000000-0000-4000-8000-000000000001"',
    "finding": 'id: "00000000-0000-4000-8000-000000000002"',
    "auditSummary": 'regionCode: "460203"',
    "syncStatus": 'clientIds: ["phone-record-0001"]',
    "seller": 'code: "STORE-469025-01"',
    "order": 'sellerCode: "STORE-469025-01", orderId: "store-00000001"',
    "buyer": 'id: "buyer-7f3a9c", sellerCode: "STORE-469025-01"',
    "salesImpact": 'regionCode: "460000", from: "2026-01-01", to: "2026-12-31"',
    "atRiskHouseholds": 'regionCode: "460203"',
    "liftedHouseholds": 'regionCode: "460000"',
    "measureImpact": 'regionCode: "460203", fromYear: 2025, toYear: 2026',
    "regionStats": 'regionCode: "460203", year: 2026',
    "trace": f'code: "{BOTTLED_LOT}"',
}

# The read roots of the schema, as a client reaches them (`person` is left to
# OTHER_ROOTS: a masked view compiles it to no statement, so paths avoid it).
READ_ROOTS = (
    "household",
    "households",
    "official",
    "officials",
    "region",
    "pairingCoverage",
    "history",
    "povertyLines",
    "products",
    "product",
    "cooperative",
    "lot",
    "publicTrace",
    "finding",
    "auditFindings",
    "auditRun",
    "auditSummary",
    "crossCheckImports",
    "auditRules",
    "syncStatus",
    "seller",
    "salesImpact",
    "atRiskHouseholds",
    "feedback",
    "liftedHouseholds",
    "measureImpact",
    "regionStats",
    "trace",
)
# Roots whose type an earlier root reaches first, compiled in full all the same.
OTHER_ROOTS = ("person", "povertyLine", "order", "buyer")


@dataclass(frozen=True)
class Compiled:
    plan: Plan
    params: dict[str, Any]
    args: Mapping[str, Any]
    field: Field
    view: View


@functools.lru_cache(maxsize=128)
def parsed(doc: str) -> DocumentNode:
    """`doc` parsed and validated, once a process: the generic documents are large (a
    trace's is 340 kB) and every test compiles them for each caller; the planning
    itself runs anew on each call."""
    document = parse(doc)
    errors = validate(CORE, document)
    assert not errors, errors
    return document


def compile_doc(
    doc: str,
    principal: Principal,
    variables: Mapping[str, Any] | None = None,
    today: dt.date = TODAY,
) -> dict[str, Compiled]:
    """Each root field of `doc`'s operation, planned and bound as CompiledReads does."""
    document = parsed(doc)
    operation = get_operation_ast(document)
    assert operation is not None
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    coerced = get_variable_values(CORE, operation.variable_definitions or (), variables or {})
    assert isinstance(coerced, VariableValues), coerced
    assert QUERY is not None
    groups = selection.group(QUERY, [operation.selection_set], fragments, coerced)
    view = view_of(principal)
    out = {}
    for key, nodes in groups.items():
        name = nodes[0].name.value
        args = get_argument_values(QUERY.fields[name], nodes[0], coerced)
        f = selection.field(QUERY, key, nodes, fragments, coerced, args)
        root = ROOTS[name]
        plan = root.plan(replace(f, args={}), view, root.shape(args))
        params = plan.bind(Request(args, view.scope, today))
        out[key] = Compiled(plan, params, args, f, view)
    return out


def compile_one(doc: str, principal: Principal, **kw: Any) -> Compiled:
    (only,) = compile_doc(doc, principal, **kw).values()
    return only


# --- selections built from the schema ---------------------------------------------------


def object_type(name: str) -> GraphQLObjectType:
    found = CORE.type_map[name]
    assert isinstance(found, GraphQLObjectType)
    return found


def target_of(parent: GraphQLObjectType, field_name: str) -> GraphQLObjectType | None:
    named = get_named_type(parent.fields[field_name].type)
    return named if isinstance(named, GraphQLObjectType) else None


def paths() -> dict[str, list[str]]:
    """The shortest path of field names from a read root to each object type."""
    found: dict[str, list[str]] = {}
    queue: deque[tuple[GraphQLObjectType, list[str]]] = deque()
    assert QUERY is not None
    for root in READ_ROOTS:
        target = target_of(QUERY, root)
        assert target is not None
        if target.name not in found:
            found[target.name] = [root]
            queue.append((target, [root]))
    while queue:
        gql_type, path = queue.popleft()
        for name in gql_type.fields:
            target = target_of(gql_type, name)
            if target is not None and target.name not in found:
                found[target.name] = [*path, name]
                queue.append((target, [*path, name]))
    return found


def hidden_on_the_way(path: list[str]) -> str | None:
    """The first field on `path` (from a root) that masked views get as null whole (a
    HIDDEN Custom, such as Household.incomes), if any."""
    parent = target_of(QUERY, path[0])
    for step in path[1:]:
        assert parent is not None
        entry = TYPES[parent.name].fields.get(step) if parent.name in TYPES else None
        if isinstance(entry, Custom) and entry.mask is Mask.HIDDEN:
            return step
        parent = target_of(parent, step)
    return None


def wrap(path: list[str], inner: str) -> str:
    """`inner` selected at the end of `path` (its first step a root field)."""
    for step in reversed(path[1:]):
        inner = f"{step} {{ {inner} }}"
    root = path[0]
    args = ROOT_ARGS.get(root)
    return "{ " + (f"{root}({args})" if args else root) + " { " + inner + " } }"


def leaf_or_typename(parent: GraphQLObjectType, name: str, alias: str | None = None) -> str:
    head = f"{alias}: {name}" if alias else name
    return f"{head} {{ __typename }}" if target_of(parent, name) is not None else head


def full_selection(gql_type: GraphQLObjectType, depth: int = 0, seen: Counter[str] | None = None,
                   skip: frozenset[str] = frozenset()) -> str:  # fmt: skip
    """Every field of `gql_type` and below (a type at most twice on a path, 7 levels),
    leaving out the fields named `Type.field` in `skip`."""
    seen = (seen or Counter()) + Counter([gql_type.name])
    parts = []
    for name in gql_type.fields:
        if f"{gql_type.name}.{name}" in skip:
            continue
        target = target_of(gql_type, name)
        if target is None:
            parts.append(name)
        elif seen[target.name] < 2 and depth < 7:
            parts.append(f"{name} {{ {full_selection(target, depth + 1, seen, skip)} }}")
    return " ".join(parts) or "__typename"


def full_docs(skip: frozenset[str] = frozenset()) -> Iterator[tuple[str, str]]:
    """(root, a document selecting every field under that root)."""
    assert QUERY is not None
    for root in (*READ_ROOTS, *OTHER_ROOTS):
        target = target_of(QUERY, root)
        assert target is not None
        yield root, wrap([root], full_selection(target, skip=skip))


# --- reading printed Cypher ------------------------------------------------------------------

_KEY = re.compile(r"`(\w+)`: ")


def expression_at(text: str, start: int) -> str:
    """The Cypher expression starting at `start`, up to the `,` or closing bracket that
    ends it at its own depth."""
    depth, i, quote = 0, start, ""
    while i < len(text):
        ch = text[i]
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            if depth == 0:
                break
            depth -= 1
        elif ch == "," and depth == 0:
            break
        i += 1
    return text[start:i].strip()


def projections(cypher: str) -> list[tuple[str, str]]:
    """Every (response key, expression) of the maps the statement returns."""
    return [(m.group(1), expression_at(cypher, m.end())) for m in _KEY.finditer(cypher)]


def blocks(cypher: str, opener: str) -> list[str]:
    """The bodies of every `opener {` ... `}` subquery (nested ones included)."""
    found = []
    for m in re.finditer(re.escape(opener) + r" \{", cypher):
        depth, i = 1, m.end()
        while depth:
            depth += {"{": 1, "}": -1}.get(cypher[i], 0)
            i += 1
        found.append(cypher[m.end() : i - 1])
    return found


def own_text(body: str) -> str:
    """A subquery body without the subqueries nested in it."""
    out, depth = [], 0
    for ch in body:
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif depth == 0:
            out.append(ch)
    return "".join(out)


def unnumbered(text: str) -> str:
    """Cypher with the Binder's variable and parameter numbers taken out."""
    return re.sub(r"\$p\d+", "$p", re.sub(r"\b([A-Za-z]+)_\d+\b", r"\1", text))


def compile_entity(
    planner: str, type_name: str, fields: str, principal: Principal, args: Mapping[str, Any]
) -> Compiled:
    """A mutation payload's entity (`planner` such as "Pairing#id"), read with the
    selection `fields` of type `type_name`, as api.execution.read_entity plans it."""
    document = parse("{ " + fields + " }")
    (operation,) = document.definitions
    sub = selection.fields(object_type(type_name), [operation.selection_set], {}, None)  # type: ignore[attr-defined]
    f = Field("entity", "entity", args, sub)
    view = view_of(principal)
    root = ROOTS[planner]
    plan = root.plan(replace(f, args={}), view, root.shape(args))
    return Compiled(plan, plan.bind(Request(args, view.scope, TODAY)), args, f, view)
