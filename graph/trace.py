"""The investigator's trace (issue 17, DOMAIN.md section 8): where a product came from,
whom it helped, where it went. The read maps of Trace and its parts and the
trace(code) planner.

For a lot:

    upstream          the lots it was made from, breadth first (through a transformation's
                      INPUT and OUTPUT), as steps {lot, depth, parentTraceCode, quantity,
                      event}; at most MAX_DEPTH deep and MAX_STEPS steps, `truncated`
                      when there was more
    producers         who produced the lots of the tree (itself and its upstream): the
                      cooperatives, and the households within the caller's scope (the
                      others only counted: outOfScopeHouseholds), each with what its
                      raw lots (those made from nothing) put into the tree
    enablingMeasures  the non-voided INDUSTRY, SKILLS_TRAINING, MICROCREDIT, EMPLOYMENT
                      and ECOMMERCE measures of those households, dated within three
                      years before one of their lots of the tree was produced
    downstream        the PLACED orders of the lot and of the lots made from it (by sellers
                      in the caller's scope), by channel and buyer city; the payments to
                      households (in scope) for the lots of the tree: null without
                      personal data
    events, epcis     the events that made the lots of the tree and those of the lot
                      itself (its sales, its own transformation), by eventTime; `epcis` the
                      same as an EPCIS 2.0 document (graph/epcis.py)

For a household or cooperative: its lots and a sales summary.

One statement: a seek on the kind's unique trace code, the upstream walk collected once
(a quantified path of at most MAX_DEPTH transformations, MAX_STEPS + 1 paths kept), the
lots made from it once, and every field reading those lists.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from graph.compiler import Binder, Compiler, Plan, Post, Request, View, plan, root
from graph.cursor import KeyKind
from graph.epcis import document
from graph.household import in_scope
from graph.model import Label, Rel
from graph.readmap import TYPES, Access, Conn, Custom, Embed, Field, Mask, Value, declare
from graph.readmap import Rel as RelEntry
from graph.trace_code import LABELS, TraceKind, parse

MAX_DEPTH = 10
MAX_STEPS = 500
MAX_DOWNSTREAM = 500  # lots made from the traced one, at most
MAX_EVENTS = 1000
MAX_PAYMENTS = 500
ENABLING = ("INDUSTRY", "SKILLS_TRAINING", "MICROCREDIT", "EMPLOYMENT", "ECOMMERCE")
ENABLING_YEARS = 3

# One transformation step back from a lot: the event that made it, one of its inputs.
_BACK = f"<-[:{Rel.OUTPUT}]-(:{Label.TRACE_EVENT})-[:{Rel.INPUT}]->(:{Label.LOT})"
_FORWARD = f"()<-[:{Rel.INPUT}]-(:{Label.TRACE_EVENT})-[:{Rel.OUTPUT}]->()"

Build = Callable[[Compiler, Mapping[str, str], Field, Post], str]


def _for(*kinds: TraceKind) -> Callable[[Build], Custom]:
    """A field of the traced kinds given (null for the others)."""

    def wrap(build: Build) -> Custom:
        def chosen(c: Compiler, row: Mapping[str, str], f: Field, post: Post) -> str:
            return build(c, row, f, post) if TraceKind(row["kind"]) in kinds else "null"

        return Custom(chosen)

    return wrap


_lot = _for(TraceKind.LOT)
_party = _for(TraceKind.HOUSEHOLD, TraceKind.COOPERATIVE)


def _visible(c: Compiler, h: str) -> str:
    return c.view.scope.read_filter(Access.HOUSEHOLD, h, c.b)


def _tree_lots(c: Compiler, row: Mapping[str, str]) -> tuple[str, str, str]:
    """An UNWIND of the tree's lots: (the clause, the lot's variable, its quantity's)."""
    t, x, q = c.b.var("t"), c.b.var("x"), c.b.var("q")
    return f"UNWIND {row['tree']} AS {t} WITH {t}.lot AS {x}, {t}.q AS {q}", x, q


def _upstream(c: Compiler, row: Mapping[str, str], f: Field, post: Post) -> str:
    i, s = c.b.var("i"), c.b.var("s")
    names = {name: c.b.var(name) for name in ("sl", "sp", "se", "sd", "sq")}
    node = c.project("TraceStep", names, f.fields, post)
    steps = row["steps"]
    return (
        f"COLLECT {{ UNWIND range(0, size({steps}) - 1) AS {i} WITH {i}, {steps}[{i}] AS {s} "
        f"WITH {i}, {s}.lot AS {names['sl']}, {s}.parent AS {names['sp']}, "
        f"{s}.event AS {names['se']}, {s}.depth AS {names['sd']}, {s}.quantity AS {names['sq']} "
        f"RETURN {node} ORDER BY {i} }}"
    )


def _raw(x: str) -> str:
    """Lot `x` was made from nothing (commissioned, not transformed)."""
    return f"NOT EXISTS {{ ({x}){_BACK} }}"


def _producers(c: Compiler, row: Mapping[str, str], f: Field, post: Post) -> str:
    unwind, x, q = _tree_lots(c, row)
    p, raw, pq, units, pu = (c.b.var(n) for n in ("n", "raw", "pq", "units", "pu"))
    node = c.project("TraceProducer", {"p": p, "pq": pq, "pu": pu}, f.fields, post)
    return (
        f"COLLECT {{ {unwind} MATCH ({x})<-[:{Rel.PRODUCED}]-({p}) "
        f"WHERE {p}:{Label.COOPERATIVE} OR ({p}:{Label.HOUSEHOLD} AND {_visible(c, p)}) "
        f"WITH {p}, {x}, {q}, {_raw(x)} AS {raw} "
        f"WITH {p}, sum(CASE WHEN {raw} THEN {q} END) AS {pq}, "
        f"collect(DISTINCT CASE WHEN {raw} THEN {x}.unit END) AS {units} "
        f"WITH {p}, CASE WHEN size({units}) = 1 THEN {pq} END AS {pq}, "
        f"CASE WHEN size({units}) = 1 THEN {units}[0] END AS {pu} "
        f"RETURN {node} ORDER BY {p}:{Label.HOUSEHOLD}, {p}.code }}"
    )


def _out_of_scope(c: Compiler, row: Mapping[str, str], f: Field, post: Post) -> str:
    unwind, x, _ = _tree_lots(c, row)
    h = c.b.var("h")
    return (
        f"COUNT {{ {unwind} MATCH ({x})<-[:{Rel.PRODUCED}]-({h}:{Label.HOUSEHOLD}) "
        f"WHERE NOT ({_visible(c, h)}) RETURN DISTINCT {h} }}"
    )


def _measures(c: Compiler, row: Mapping[str, str], f: Field, post: Post) -> str:
    unwind, x, _ = _tree_lots(c, row)
    h, m = c.b.var("h"), c.b.var("m")
    categories = c.b.const(list(ENABLING))
    years = c.b.const(ENABLING_YEARS)
    node = c.project("EnablingMeasure", {"m": m, "h": h}, f.fields, post)
    return (
        f"COLLECT {{ {unwind} MATCH ({x})<-[:{Rel.PRODUCED}]-({h}:{Label.HOUSEHOLD}) "
        f"WHERE {_visible(c, h)} "
        f"MATCH ({m}:{Label.MEASURE})-[:{Rel.MEASURE_FOR}]->({h}) "
        f"WHERE {m}.voidedOn IS NULL AND {m}.category IN {categories} "
        f"AND {m}.date <= {x}.producedOn "
        f"AND {m}.date >= {x}.producedOn - duration({{years: {years}}}) "
        f"WITH DISTINCT {h}, {m} RETURN {node} ORDER BY {h}.code, {m}.date, {m}.id }}"
    )


def _events_of(c: Compiler, row: Mapping[str, str], e: str) -> str:
    """The events that made the tree's lots, and those of the lot itself."""
    unwind, x, _ = _tree_lots(c, row)
    return (
        f"CALL ({row['tree']}, {row['n']}) {{ {unwind} "
        f"MATCH ({x})<-[:{Rel.OUTPUT}]-({e}:{Label.TRACE_EVENT}) RETURN {e} "
        f"UNION MATCH ({row['n']})<-[:{Rel.INPUT}]-({e}:{Label.TRACE_EVENT}) RETURN {e} }}"
    )


def _events(c: Compiler, row: Mapping[str, str], f: Field, post: Post) -> str:
    e = c.b.var("e")
    node = c.project("TraceEvent", {"e": e}, f.fields, post)
    limit = c.b.const(MAX_EVENTS)
    return (
        f"COLLECT {{ {_events_of(c, row, e)} "
        f"RETURN {node} ORDER BY {e}.eventTime, {e}.recordTime, {e}.id LIMIT {limit} }}"
    )


def _flows(e: str, rel: str, c: Compiler) -> str:
    r, x = c.b.var("r"), c.b.var("x")
    return (
        f"COLLECT {{ MATCH ({e})-[{r}:{rel}]->({x}:{Label.LOT}) "
        f"RETURN {{lot: {x}.traceCode, quantity: {r}.quantity, unit: {x}.unit}} "
        f"ORDER BY {x}.traceCode }}"
    )


def _epcis(c: Compiler, row: Mapping[str, str], f: Field, post: Post) -> str:
    e = c.b.var("e")
    base = c.b.slot("publicBaseUrl", _base_url)
    limit = c.b.const(MAX_EVENTS)
    event = (
        f"{{id: {e}.id, bizStep: {e}.bizStep, eventTime: toString({e}.eventTime), "
        f"recordTime: toString({e}.recordTime), readPoint: {e}.readPoint, "
        f"bizTransaction: {e}.bizTransaction, inputs: {_flows(e, Rel.INPUT, c)}, "
        f"outputs: {_flows(e, Rel.OUTPUT, c)}}}"
    )
    events = (
        f"COLLECT {{ {_events_of(c, row, e)} "
        f"RETURN {event} ORDER BY {e}.eventTime, {e}.recordTime, {e}.id LIMIT {limit} }}"
    )
    post.transform = _document
    return f"{{base: {base}, created: toString({row['n']}.createdAt), events: {events}}}"


def _document(value: Any) -> Any:
    if value is None:
        return None
    events = value["events"]
    recorded = [e["recordTime"] for e in events if e.get("recordTime")]
    created = max(recorded) if recorded else value.get("created")
    return document(value["base"] or "", events, created)


def _base_url(request: Request) -> str | None:
    return request.base_url


def _downstream(c: Compiler, row: Mapping[str, str], f: Field, post: Post) -> str:
    names = {"n": row["n"], "tree": row["tree"], "down": row["down"]}
    return c.project("TraceDownstream", names, f.fields, post)


def _party_lots(c: Compiler, row: Mapping[str, str], f: Field, post: Post) -> str:
    if TraceKind(row["kind"]) is TraceKind.HOUSEHOLD:
        return c.entry(TYPES["Household"].fields["lots"], {"h": row["n"]}, f, post)
    return c.entry(TYPES["Cooperative"].fields["lots"], {"c": row["n"]}, f, post)


def _party_sales(c: Compiler, row: Mapping[str, str], f: Field, post: Post) -> str:
    x = c.b.var("x")
    rel = (
        Rel.PRODUCED
        if TraceKind(row["kind"]) is TraceKind.HOUSEHOLD
        else f"{Rel.OWNS}|{Rel.PRODUCED}"
    )
    lots = f"COLLECT {{ MATCH ({row['n']})-[:{rel}]->({x}:{Label.LOT}) RETURN DISTINCT {x} }}"
    return c.project("TraceSales", {"n": row["n"], "lots": lots}, f.fields, post)


declare(
    "Trace",
    ("n", "kind", "steps", "tree", "down", "truncated"),
    {
        "kind": Custom(lambda c, row, f, post: f"'{TraceKind(row['kind']).value}'"),
        "traceCode": Custom(lambda c, row, f, post: f"{row['n']}.traceCode"),
        "lot": _lot(lambda c, row, f, post: c.project("Lot", {"l": row["n"]}, f.fields, post)),
        "household": _for(TraceKind.HOUSEHOLD)(
            lambda c, row, f, post: c.project("Household", {"h": row["n"]}, f.fields, post)
        ),
        "cooperative": _for(TraceKind.COOPERATIVE)(
            lambda c, row, f, post: c.project("Cooperative", {"c": row["n"]}, f.fields, post)
        ),
        "upstream": _lot(_upstream),
        "truncated": _lot(lambda c, row, f, post: row["truncated"]),
        "producers": _lot(_producers),
        "outOfScopeHouseholds": _lot(_out_of_scope),
        "enablingMeasures": _lot(_measures),
        "downstream": _lot(_downstream),
        "events": _lot(_events),
        "epcis": _lot(_epcis),
        "lots": _party(_party_lots),
        "sales": _party(_party_sales),
    },
)

declare(
    "TraceStep",
    ("sl", "sp", "se", "sd", "sq"),
    {
        "lot": Embed("Lot", {"l": "sl"}),
        "depth": Value("{sd}"),
        "parentTraceCode": Value("{sp}.traceCode"),
        "quantity": Value("{sq}"),
        "event": Embed("TraceEvent", {"e": "se"}),
    },
)


def _producer_household(c: Compiler, row: Mapping[str, str], f: Field, post: Post) -> str:
    node = c.project("Household", {"h": row["p"]}, f.fields, post)
    return f"CASE WHEN {row['p']}:{Label.HOUSEHOLD} THEN {node} ELSE null END"


def _producer_cooperative(c: Compiler, row: Mapping[str, str], f: Field, post: Post) -> str:
    node = c.project("Cooperative", {"c": row["p"]}, f.fields, post)
    return f"CASE WHEN {row['p']}:{Label.COOPERATIVE} THEN {node} ELSE null END"


declare(
    "TraceProducer",
    ("p", "pq", "pu"),
    {
        "kind": Value(f"CASE WHEN {{p}}:{Label.HOUSEHOLD} THEN 'HOUSEHOLD' ELSE 'COOPERATIVE' END"),
        "traceCode": Value("{p}.traceCode"),
        "household": Custom(_producer_household),
        "cooperative": Custom(_producer_cooperative),
        "village": RelEntry(
            "Region",
            f"MATCH ({{p}})-[:{Rel.IN_VILLAGE}|{Rel.LOCATED_IN}]->({{r}}:{Label.REGION})",
            single=True,
        ),
        "quantity": Value("{pq}"),
        "unit": Value("{pu}"),
    },
)

declare(
    "EnablingMeasure",
    ("m", "h"),
    {"household": in_scope("h"), "measure": Embed("Measure", {"m": "m", "h": "h"})},
)


def _sold(c: Compiler, down: str, own: str | None = None) -> tuple[str, str, str, str]:
    """A match of the PLACED order lines of the lots in `down` by sellers in the
    caller's scope: (the clause, the order's, the line's and the lot's variables)."""
    x, o, line, s = (c.b.var(n) for n in ("x", "o", "line", "s"))
    seller = c.view.scope.read_filter(Access.SELLER, s, c.b)
    clause = (
        f"UNWIND {down} AS {x} MATCH ({x})<-[{line}:{Rel.LINE}]-({o}:{Label.ORDER}) "
        f"WHERE {o}.status = 'PLACED' MATCH ({o})<-[:{Rel.SOLD}]-({s}:{Label.SELLER}) "
        f"WHERE {seller}"
    )
    return clause, o, line, x


def _map(f: Field, values: Mapping[str, str], typename: str) -> str:
    values = {**values, "__typename": f"'{typename}'"}
    return "{" + ", ".join(f"`{g.key}`: {values[g.name]}" for g in f.fields) + "}"


def _order_count(c: Compiler, row: Mapping[str, str], f: Field, post: Post) -> str:
    clause, o, _, _ = _sold(c, row["down"])
    return f"COUNT {{ {clause} RETURN DISTINCT {o} }}"


def _quantity_sold(c: Compiler, row: Mapping[str, str], f: Field, post: Post) -> str:
    clause, _, line, x = _sold(c, row["down"])
    q = c.b.var("q")
    return f"COLLECT {{ {clause} AND {x} = {row['n']} RETURN sum({line}.quantity) AS {q} }}[0]"


def _channels(c: Compiler, lots: str, f: Field, own: str | None) -> str:
    """TraceChannel rows of the order lines of `lots`, by channel: orders, revenue and
    the quantity (of lot `own` only, when given: a lot's downstream sells its blends)."""
    clause, o, line, x = _sold(c, lots)
    ch, n, q, a = (c.b.var(v) for v in ("ch", "n", "q", "a"))
    values = {"channel": ch, "orders": n, "quantity": q, "revenue": _yuan(a)}
    quantity = (
        f"{line}.quantity"
        if own is None
        else f"CASE WHEN {x} = {own} THEN {line}.quantity ELSE 0 END"
    )
    return (
        f"COLLECT {{ {clause} WITH {o}.channel AS {ch}, count(DISTINCT {o}) AS {n}, "
        f"sum({quantity}) AS {q}, sum({line}.amount) AS {a} "
        f"RETURN {_map(f, values, 'TraceChannel')} ORDER BY {ch} }}"
    )


def _by_channel(c: Compiler, row: Mapping[str, str], f: Field, post: Post) -> str:
    return _channels(c, row["down"], f, row["n"])


def _buyer_cities(c: Compiler, row: Mapping[str, str], f: Field, post: Post) -> str:
    clause, o, _, _ = _sold(c, row["down"])
    b, city, n = c.b.var("b"), c.b.var("city"), c.b.var("n")
    values = {"cityCode": city, "orders": n}
    return (
        f"COLLECT {{ {clause} MATCH ({o})-[:{Rel.BOUGHT_BY}]->({b}:{Label.BUYER}) "
        f"WITH {b}.cityCode AS {city}, count(DISTINCT {o}) AS {n} "
        f"RETURN {_map(f, values, 'BuyerCity')} ORDER BY {n} DESC, {city} }}"
    )


def _paid(c: Compiler, row: Mapping[str, str]) -> tuple[str, str]:
    """A match of the unvoided payments to households in scope for the tree's lots:
    (the clause, the payment's variable)."""
    unwind, x, _ = _tree_lots(c, row)
    p, h = c.b.var("pay"), c.b.var("h")
    clause = (
        f"{unwind} MATCH ({x})<-[:{Rel.PAID_FOR}]-({p}:{Label.PAYMENT})"
        f"-[:{Rel.PAID_TO}]->({h}:{Label.HOUSEHOLD}) "
        f"WHERE {p}.voidedOn IS NULL AND {_visible(c, h)} WITH DISTINCT {p}"
    )
    return clause, p


def _payments(c: Compiler, row: Mapping[str, str], f: Field, post: Post) -> str:
    clause, p = _paid(c, row)
    node = c.project("Payment", {"p": p}, f.fields, post)
    limit = c.b.const(MAX_PAYMENTS)
    return f"COLLECT {{ {clause} RETURN {node} ORDER BY {p}.date, {p}.id LIMIT {limit} }}"


def _paid_total(c: Compiler, row: Mapping[str, str], f: Field, post: Post) -> str:
    clause, p = _paid(c, row)
    return _yuan(f"COLLECT {{ {clause} RETURN sum({p}.amount) AS total }}[0]")


def _yuan(expr: str) -> str:
    from graph.readmap import yuan

    return yuan(expr)


declare(
    "TraceDownstream",
    ("n", "tree", "down"),
    {
        "orders": Conn(
            "OrderEdge",
            f"UNWIND {{down}} AS {{x}} MATCH ({{x}})<-[:{Rel.LINE}]-({{o}}:{Label.ORDER}) "
            f"WHERE {{o}}.status = 'PLACED' WITH DISTINCT {{o}} "
            f"MATCH ({{o}})<-[:{Rel.SOLD}]-({{s}}:{Label.SELLER})",
            keys=(
                ("{o}.placedAt.epochMillis", "DESC", KeyKind.INT),
                ("{o}.sellerCode", "DESC", KeyKind.STR),
                ("{o}.id", "DESC", KeyKind.STR),
            ),
            kind="trace-orders",
            scoped=(("s", Access.SELLER),),
        ),
        "orderCount": Custom(_order_count),
        "quantitySold": Custom(_quantity_sold),
        "byChannel": Custom(_by_channel),
        "buyerCities": Custom(_buyer_cities),
        "payments": Custom(_payments, mask=Mask.HIDDEN),
        "paidToHouseholds": Custom(_paid_total, mask=Mask.HIDDEN),
    },
)


def _sales_count(c: Compiler, row: Mapping[str, str], f: Field, post: Post) -> str:
    clause, o, _, _ = _sold(c, row["lots"])
    return f"COUNT {{ {clause} RETURN DISTINCT {o} }}"


def _sales_revenue(c: Compiler, row: Mapping[str, str], f: Field, post: Post) -> str:
    clause, _, line, _ = _sold(c, row["lots"])
    return _yuan(f"COLLECT {{ {clause} RETURN sum({line}.amount) AS total }}[0]")


def _sales_channels(c: Compiler, row: Mapping[str, str], f: Field, post: Post) -> str:
    return _channels(c, row["lots"], f, None)


def _sales_paid(c: Compiler, row: Mapping[str, str], f: Field, post: Post) -> str:
    p = c.b.var("pay")
    return _yuan(
        f"COLLECT {{ MATCH ({row['n']})<-[:{Rel.PAID_TO}]-({p}:{Label.PAYMENT}) "
        f"WHERE {p}.voidedOn IS NULL RETURN sum({p}.amount) AS total }}[0]"
    )


declare(
    "TraceSales",
    ("n", "lots"),
    {
        "lotCount": Value("size({lots})"),
        "orders": Custom(_sales_count),
        "revenue": Custom(_sales_revenue),
        "byChannel": Custom(_sales_channels),
        "paid": Custom(_sales_paid, mask=Mask.HIDDEN),
    },
)


# --- the root ------------------------------------------------------------------------


def _shape(args: Mapping[str, Any]) -> Any:
    return parse(str(args["code"]), "code")[0]


def _code(request: Request) -> str:
    return parse(str(request.args["code"]), "code")[1]


def _walk(b: Binder) -> str:
    """The lot `n`'s upstream steps (breadth first), whether they were cut, its tree
    ({lot, q} of itself and each step) and the lots made from it (itself first)."""
    depth, steps = b.const(MAX_DEPTH), b.const(MAX_STEPS)
    keep, down = b.const(MAX_STEPS + 1), b.const(MAX_DOWNSTREAM)
    return f"""
WITH n, COLLECT {{
  MATCH (n)((wa:{Label.LOT})<-[:{Rel.OUTPUT}]-(we:{Label.TRACE_EVENT})
    -[wi:{Rel.INPUT}]->(wb:{Label.LOT})){{1,{MAX_DEPTH}}}
  WITH size(wb) AS depth, last(wa) AS parent, last(we) AS event, last(wi).quantity AS quantity,
    last(wb) AS lot
  RETURN {{depth: depth, parent: parent, event: event, quantity: quantity, lot: lot,
    deeper: depth = {depth} AND EXISTS {{ (lot){_BACK} }}}}
  ORDER BY depth, parent.traceCode, lot.traceCode LIMIT {keep}
}} AS found
WITH n, found[..{steps}] AS steps, size(found) > {steps} OR any(w IN found WHERE w.deeper)
  AS truncated
WITH n, steps, truncated, [{{lot: n, q: n.quantity}}] + [w IN steps | {{lot: w.lot, q: w.quantity}}]
  AS tree, [n] + COLLECT {{
    MATCH (n)({_FORWARD}){{1,{MAX_DEPTH}}}(d:{Label.LOT}) RETURN DISTINCT d LIMIT {down}
  }} AS down
"""


@root("trace", shape=_shape)
def plan_trace(field: Field, view: View, shape: Any) -> Plan:
    """trace(code): one seek on the trace code of the label its kind letter names (a
    household only in the caller's scope); for a lot the upstream walk and the lots
    made from it, once each."""
    kind: TraceKind = shape
    b = Binder()
    post = Post(field=field)
    code = b.slot("code", _code)
    match = f"MATCH (n:{LABELS[kind]} {{traceCode: {code}}})"
    if kind is TraceKind.LOT:
        head = match + _walk(b)
    else:
        where = view.scope.read_filter(Access.HOUSEHOLD, "n", b)
        scoped = f" WHERE {where}" if kind is TraceKind.HOUSEHOLD else ""
        head = f"{match}{scoped} WITH n, [] AS steps, false AS truncated, [] AS tree, [] AS down"
    row = {"n": "n", "kind": kind.value, "steps": "steps", "tree": "tree", "down": "down",
           "truncated": "truncated"}  # fmt: skip
    node = Compiler(view, b).project("Trace", row, field.fields, post)
    # The map is projected in a WITH that names every variable it uses: its grouping
    # subqueries aggregate (as graph/sales_impact.py's).
    return plan(
        f"{head}\nWITH n, steps, truncated, tree, down, {node} AS data RETURN data", b, post
    )
