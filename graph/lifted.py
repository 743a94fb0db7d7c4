"""liftedHouseholds (issue 14): households on file with a passed assessment, in code
order, with their latest exit, the measures before it, their income before support
and at exit, and the officials who helped (graph/stats.py's docstring has the three
statistics fields side by side). A page reads its first + 1 households by an ordered
seek per household-code prefix, then their latest exits and measures."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graph.compiler import Binder, Compiler, ConnPost, Plan, Post, Request, View, plan, root
from graph.cursor import KeyKind, check_first, decode_key
from graph.household import HouseholdStatus
from graph.model import Label, Rel
from graph.readmap import Access, Custom, Embed, Field, Kind, Limit, Mask, Value, declare
from graph.readmap import Rel as RelEntry
from graph.stats import region_of, year_indexes

LIFTED_KIND = "lifted-households"


def _officials(c: Compiler, row: Mapping[str, str], f: Field, post: Post) -> str:
    """LiftedHousehold.officials: those with a pairing overlapping registration to
    exit, and the deliverers of the measures before the exit, by code."""
    h, a = row["h"], row["a"]
    o, r, m, x = (c.b.var(n) for n in ("o", "r", "m", "x"))
    node = c.project("Official", {"o": x}, f.fields, post)
    return (
        f"COLLECT {{ CALL ({h}, {a}) {{ "
        f"MATCH ({o}:{Label.OFFICIAL})-[{r}:{Rel.PAIRED_WITH}]->({h}) "
        f"WHERE {r}.since <= {a}.date AND ({r}.until IS NULL OR {r}.until >= "
        f"coalesce({h}.registrationDate, {r}.since)) RETURN {o} AS {x} "
        f"UNION MATCH ({o}:{Label.OFFICIAL})-[:{Rel.DELIVERED}]->({m}:{Label.MEASURE})"
        f"-[:{Rel.MEASURE_FOR}]->({h}) WHERE {m}.voidedOn IS NULL AND {m}.date <= {a}.date "
        f"RETURN {o} AS {x} }} WITH {x} ORDER BY {x}.code RETURN {node} }}"
    )


_BEFORE_SUPPORT = (
    "coalesce([j IN {registration} | {h}.incomeNets[j]][0], "
    "[j IN {before} | {h}.incomeNets[j]][-1])"
)

declare(
    "LiftedHousehold",
    ("h", "a"),
    {
        "household": Embed("Household", {"h": "h"}),
        "exitYear": Value("{a}.year"),
        "exitDate": Value("{a}.date", Kind.DATE),
        "returned": Value("{h}.status = 'RETURNED'"),
        "measuresBeforeExit": RelEntry(
            "Measure",
            f"MATCH ({{m}}:{Label.MEASURE})-[:{Rel.MEASURE_FOR}]->({{h}})",
            where=("{m}.voidedOn IS NULL", "{m}.date <= {a}.date"),
            order="{m}.date DESC, {m}.id DESC",
            limit=Limit("first", 20, 100),
        ),
        "incomeBeforeSupport": Value(
            _BEFORE_SUPPORT.format(
                registration=year_indexes("{h}.incomeYears", "{y} = {{h}}.registrationYear"),
                before=year_indexes("{h}.incomeYears", "{y} < {{h}}.firstMeasureYear"),
                h="{h}",
            ),
            mask=Mask.HIDDEN,
        ),
        "incomeAtExit": Value("{a}.perCapitaNet", mask=Mask.HIDDEN),
        "officials": Custom(_officials),
    },
)
declare("LiftedHouseholdEdge", ("h", "a"), {"node": Embed("LiftedHousehold", {"h": "h", "a": "a"})})


def _lifted_shape(args: Mapping[str, Any]) -> Any:
    return (
        args.get("year") is not None,
        args.get("includeReturned") is False,
        args.get("after") is not None,
    )


def _lifted_limit(request: Request) -> int:
    return check_first(request.args.get("first", 20)) + 1


def _lifted_after(request: Request) -> str:
    key = decode_key(request.args.get("after"), LIFTED_KIND, (KeyKind.STR,))
    return str(key[0]) if key else ""


def _lifted_year(request: Request) -> int:
    return int(request.args["year"])


@root("liftedHouseholds", shape=_lifted_shape)
def plan_lifted(field: Field, view: View, shape: Any) -> Plan:
    """liftedHouseholds(regionCode, year, includeReturned, first, after): households
    on file with a passed assessment, by code; an ordered seek per prefix from the
    cursor, first + 1 of each, then the page's latest exits and measures."""
    by_year, no_returned, has_after = shape
    b = Binder()
    post = Post(field=field)
    code = b.slot("regionCode", region_of)
    limit = b.slot("limit", _lifted_limit)
    where = ["h.code STARTS WITH p", "h.exitYear IS NOT NULL", "h.deregisteredOn IS NULL"]
    if has_after:
        where.append(f"h.code > {b.slot('after', _lifted_after)}")
    if by_year:
        where.append(f"h.exitYear = {b.slot('year', _lifted_year)}")
    if no_returned:
        where.append(f"h.status <> {b.const(str(HouseholdStatus.RETURNED))}")
    where.append(view.scope.read_filter(Access.HOUSEHOLD, "h", b))
    conn = ConnPost(LIFTED_KIND, "limit", field, "LiftedHouseholdConnection")
    post.conn = conn
    h = b.var("h")
    row = Compiler(view, b).connection_row(
        "LiftedHouseholdEdge", {"h": h, "a": "a"}, conn, [f"{h}.code"]
    )
    cypher = f"""
MATCH (u:{Label.REGION} {{code: {code}}})
CALL (u) {{
  UNWIND u.prefixes AS p
  CALL (p) {{
    MATCH (h:{Label.HOUSEHOLD}) WHERE {" AND ".join(where)}
    WITH h ORDER BY h.code LIMIT {limit} RETURN h AS {h}
  }}
  WITH {h} ORDER BY {h}.code LIMIT {limit}
  WITH {h}, COLLECT {{ MATCH (e:{Label.ASSESSMENT})-[:{Rel.ASSESSES}]->({h}) WHERE e.passed
                     RETURN e ORDER BY e.date DESC, e.year DESC LIMIT 1 }}[0] AS a
  RETURN collect({row}) AS rows
}}
RETURN {{r: rows}} AS data"""
    return plan(cypher, b, post)
