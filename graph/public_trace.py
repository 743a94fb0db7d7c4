"""The public trace lookup: what scanning a QR code answers (DOMAIN.md section 8) to
anyone, with or without a token. Its read map and the publicTrace(code) planner; the
public trace page (`/t/{code}`) runs the same planner.

    kind                    LOT, COOPERATIVE or HOUSEHOLD: the code's kind letter
    product, producedOn,    a lot's (null for the others)
      quantity, unit
    place                   its village, town and county: {code, name} each
    cooperative             a lot's owner (or producer) if a cooperative; the
                            cooperative itself; a household's first cooperative
    contributingHouseholds  distinct households on file, not BORDERLINE, that produced
                            the lots upstream of it (through INPUT and OUTPUT, any
                            depth): a lot's tree, a cooperative's lots' trees, a
                            household itself (1) once it has a lot
    products                the products of a lot's tree; a cooperative's or a
                            household's products (those of its lots)

It reaches no household, person, household code, income or measure: only the types
declared here and Region-free place names, so nothing added to Household later can
leak through it (tests/test_public_trace.py walks the schema). The plan's kind comes
from the code's kind letter, so the statement is one seek on that label's trace code.
`read_public_trace` runs the same planner without GraphQL, for the page and its QR
code (api/pages.py).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any

from graph.compiler import Binder, Compiler, Plan, Post, Request, View, finish, plan, root
from graph.db import Database
from graph.readmap import Custom, Embed, Field, Rel, Value, declare
from graph.scope import Scope
from graph.trace_code import LABELS, TraceKind, parse
from graph.validation import today_cst

# The lots a lot was made from, any depth (itself at depth 0): lots form a tree.
UPSTREAM = "((:Lot)<-[:OUTPUT]-(:TraceEvent)-[:INPUT]->(:Lot))*"
# Statuses of households that do not count as contributing (BORDERLINE lands with C3).
NOT_CONTRIBUTING = ("BORDERLINE",)


def _contributing(h: str) -> str:
    statuses = ", ".join(f"'{s}'" for s in NOT_CONTRIBUTING)
    return f"{h}.deregisteredOn IS NULL AND NOT coalesce({h}.status, '') IN [{statuses}]"


def _lots(kind: TraceKind, n: str, lot: str) -> str:
    """A MATCH from the traced node `n` to the lots `lot` its tree holds. Callers go on
    after `WITH DISTINCT lot`: a pattern that went on from `lot` let the planner start
    at its far end (every Lot of the province, by a label scan) and walk back to `n`."""
    if kind is TraceKind.LOT:
        return f"MATCH ({n}){UPSTREAM}({lot}:Lot)"
    if kind is TraceKind.COOPERATIVE:
        return f"MATCH ({n})-[:OWNS|PRODUCED]->(:Lot){UPSTREAM}({lot}:Lot)"
    return f"MATCH ({n})-[:PRODUCED]->({lot}:Lot)"


Build = Callable[[Compiler, Mapping[str, str], Field, Post], str]


def _by_kind(builds: Mapping[TraceKind, Build]) -> Custom:
    """A field whose Cypher depends on the traced kind (the row's `kind`, fixed by the
    plan's shape); null for the kinds not in `builds`."""

    def build(c: Compiler, row: Mapping[str, str], f: Field, post: Post) -> str:
        chosen = builds.get(TraceKind(row["kind"]))
        return "null" if chosen is None else chosen(c, row, f, post)

    return Custom(build)


def _lot_value(template: str) -> Custom:
    return _by_kind({TraceKind.LOT: lambda c, row, f, post: template.format(n=row["n"])})


def _one(match: str, target: str, var: str, order: str = "") -> Build:
    def build(c: Compiler, row: Mapping[str, str], f: Field, post: Post) -> str:
        x = c.b.var(var)
        node = c.project(target, {var: x}, f.fields, post)
        ordered = f" ORDER BY {order.format(n=row['n'], x=x)}" if order else ""
        return f"COLLECT {{ {match.format(n=row['n'], x=x)} RETURN {node}{ordered} LIMIT 1 }}[0]"

    return build


def _place(c: Compiler, row: Mapping[str, str], f: Field, post: Post) -> str:
    return _one("MATCH ({x}:Region {{code: {n}.villageCode}})", "PublicPlace", "v")(c, row, f, post)


def _kind(c: Compiler, row: Mapping[str, str], f: Field, post: Post) -> str:
    return f"'{TraceKind(row['kind']).value}'"


def _households(c: Compiler, row: Mapping[str, str], f: Field, post: Post) -> str:
    kind, n = TraceKind(row["kind"]), row["n"]
    if kind is TraceKind.HOUSEHOLD:
        return (
            f"CASE WHEN {_contributing(n)} AND EXISTS {{ ({n})-[:PRODUCED]->(:Lot) }} "
            "THEN 1 ELSE 0 END"
        )
    lot, h = c.b.var("lot"), c.b.var("h")
    return (
        f"size(COLLECT {{ {_lots(kind, n, lot)} WITH DISTINCT {lot} "
        f"MATCH ({lot})<-[:PRODUCED]-({h}:Household) "
        f"WHERE {_contributing(h)} RETURN DISTINCT {h} }})"
    )


def _products(c: Compiler, row: Mapping[str, str], f: Field, post: Post) -> str:
    kind, n = TraceKind(row["kind"]), row["n"]
    lot, p = c.b.var("lot"), c.b.var("p")
    node = c.project("PublicProduct", {"p": p}, f.fields, post)
    return (
        f"COLLECT {{ {_lots(kind, n, lot)} WITH DISTINCT {lot} "
        f"MATCH ({lot})-[:OF_PRODUCT]->({p}:Product) WITH DISTINCT {p} "
        f"RETURN {node} ORDER BY {p}.name, {p}.code }}"
    )


_COOPERATIVE: dict[TraceKind, Build] = {
    TraceKind.LOT: _one(
        "MATCH ({n})<-[{x}Rel:OWNS|PRODUCED]-({x}:Cooperative)",
        "PublicCooperative",
        "c",
        order="type({x}Rel) = 'OWNS' DESC",
    ),
    TraceKind.COOPERATIVE: lambda c, row, f, post: c.project(
        "PublicCooperative", {"c": row["n"]}, f.fields, post
    ),
    TraceKind.HOUSEHOLD: _one(
        "MATCH ({n})-[{x}Member:COOPERATIVE_MEMBER]->({x}:Cooperative) "
        "WHERE {x}Member.until IS NULL",
        "PublicCooperative",
        "c",
        order="{x}Member.since, {x}.code",
    ),
}

declare(
    "PublicTrace",
    ("n", "kind"),
    {
        "kind": Custom(_kind),
        "traceCode": Custom(lambda c, row, f, post: f"{row['n']}.traceCode"),
        "product": _by_kind(
            {TraceKind.LOT: _one("MATCH ({n})-[:OF_PRODUCT]->({x}:Product)", "PublicProduct", "p")}
        ),
        "producedOn": _lot_value("toString({n}.producedOn)"),
        "quantity": _lot_value("{n}.quantity"),
        "unit": _lot_value("{n}.unit"),
        "place": Custom(_place),
        "cooperative": _by_kind(_COOPERATIVE),
        "contributingHouseholds": Custom(_households),
        "products": Custom(_products),
    },
)
declare(
    "PublicProduct",
    ("p",),
    {"name": Value("{p}.name"), "category": Value("{p}.category"), "unit": Value("{p}.unit")},
)
declare(
    "PublicCooperative", ("c",), {"name": Value("{c}.name"), "traceCode": Value("{c}.traceCode")}
)
declare(
    "PublicPlace",
    ("v",),
    {
        "village": Embed("PlaceName", {"r": "v"}),
        "town": Rel(
            "PlaceName", "MATCH ({v})-[:PART_OF]->({t}:Region)", single=True, binds={"r": "t"}
        ),
        "county": Rel(
            "PlaceName",
            "MATCH ({v})-[:PART_OF]->(:Region)-[:PART_OF]->({u}:Region)",
            single=True,
            binds={"r": "u"},
        ),
    },
)
declare("PlaceName", ("r",), {"code": Value("{r}.code"), "name": Value("{r}.name")})


def _shape(args: Mapping[str, Any]) -> Any:
    return parse(str(args["code"]), "code")[0]


def _code(request: Request) -> str:
    return parse(str(request.args["code"]), "code")[1]


@root("publicTrace", shape=_shape)
def plan_public_trace(field: Field, view: View, shape: Any) -> Plan:
    """publicTrace(code): one seek on the trace code of the label its kind letter
    names, then the upstream walk of a lot (or a cooperative's lots) for the counts."""
    kind: TraceKind = shape
    b = Binder()
    post = Post(field=field)
    code = b.slot("code", _code)
    node = Compiler(view, b).project(
        "PublicTrace", {"n": "n", "kind": kind.value}, field.fields, post
    )
    cypher = f"MATCH (n:{LABELS[kind]} {{traceCode: {code}}}) RETURN {node} AS data"
    return plan(cypher, b, post)


Selection = Mapping[str, "Selection | None"]

# Everything publicTrace answers: what the page shows.
EVERYTHING: Selection = {
    "kind": None,
    "traceCode": None,
    "product": {"name": None, "category": None, "unit": None},
    "producedOn": None,
    "quantity": None,
    "unit": None,
    "place": {
        "village": {"code": None, "name": None},
        "town": {"code": None, "name": None},
        "county": {"code": None, "name": None},
    },
    "cooperative": {"name": None, "traceCode": None},
    "contributingHouseholds": None,
    "products": {"name": None, "category": None, "unit": None},
}
# Only whether the code names something (the QR code's 404).
EXISTENCE: Selection = {"traceCode": None}


def _fields(selection: Selection) -> tuple[Field, ...]:
    return tuple(
        Field(name, name, fields=_fields(sub) if sub else ()) for name, sub in selection.items()
    )


# The public's view: no household scope, personal fields masked (none are reachable).
_PUBLIC = View(Scope.nothing(), True)


@functools.cache
def _page_plan(kind: TraceKind, everything: bool) -> Plan:
    chosen = EVERYTHING if everything else EXISTENCE
    field = Field("publicTrace", "publicTrace", fields=_fields(chosen))
    return plan_public_trace(field, _PUBLIC, kind)


async def read_public_trace(
    db: Database, code: str, *, everything: bool = True
) -> dict[str, Any] | None:
    """What publicTrace(code) answers with every field selected (publicTrace's own
    planner, without GraphQL), or with only `traceCode` (`everything=False`); None for
    a well-formed code of nothing, BAD_USER_INPUT for a malformed one. One statement:
    a seek on the unique trace code of the label its kind letter names, then for a lot
    or a cooperative the upstream walk."""
    kind = parse(code, "code")[0]
    compiled = _page_plan(kind, everything)
    params = compiled.bind(Request({"code": code}, _PUBLIC.scope, today_cst()))
    record = await db.read_one(compiled.cypher, params, timeout=compiled.timeout)
    if record is None:
        return None
    value, _ = finish(record["data"], compiled.post, params, ("publicTrace",))
    return value  # type: ignore[no-any-return]
