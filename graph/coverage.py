"""Pairing coverage: which households have an active responsible official and a
recent visit, for a region and each of its children (DOMAIN.md section 4).

Definitions, as of a date D with a visit window of W days:

- households: on file (not deregistered), status in `statuses` (default
  IN_POVERTY: REGISTERED and RETURNED), within the caller's scope;
- covered: with a RESPONSIBLE pairing active on D (since <= D, until null or after D);
- overdue: no visit dated in [D - W days, D] (`overdue_expression`, which
  households(where: {visitOverdue}) uses too);
- overloaded officials: officials with a pairing active on D to one of those
  households whose number of pairings active on D exceeds their maxLoad.

As of a past D a household counts when it was on file then (`on_file`: registered on
or before D, not deregistered on or before D) with the status it had on D, from its
status history (graph/status.py `status_as_of`: the stored status when its statusSince
is on or before D, so most households of a past date read no change).

Cost: one statement for the whole selection, children and grandchildren included.
Households are found by an index seek per household-code prefix of each unit; when
D is today the derived `responsibleOfficial`, `lastVisitDate` and `load` answer
without expanding relationships; for a past D the households' and officials' pairing
and visit summaries do (graph/derived.py), and only a file written by hand without
them has its pairings and visits expanded. The overloaded officials come from the
same pass over the households as the figures when those are counted from them. A
region's own figures are the sums of its children's when both are selected (each
household is read once), and overloaded officials are looked for among the unit's own
households only when selected.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from graph.compiler import Compiler, ConnPost, Plan, Post, Request, View, plan, root
from graph.cursor import KeyKind, check_first, decode_key
from graph.errors import BadUserInput, FupinError
from graph.household import (
    IN_POVERTY,
    WINDOW_DAYS,
    HouseholdStatus,
    covered_on,
    on_file,
    overdue_expression,
    status_as_of,
)
from graph.readmap import Access, Embed, Field, declare
from graph.scope import ScopeKind, active_in, active_on, pairings_in
from graph.validation import check_date, check_range, check_region_code, today_cst
from graph.village_keys import COVERED_KEY, EPOCH, STATUS_KEY, STATUS_ORDER


def _status_indexes(request: Request) -> list[int]:
    return [STATUS_ORDER.index(HouseholdStatus(s)) for s in _statuses(request)]


def _start_day(request: Request) -> int:
    return (_window_start(request) - EPOCH).days


declare("CoverageHouseholdEdge", ("h",), {"node": Embed("Household", {"h": "h"})})

# One projection reads the four properties in one pass over h's property chain
# (reading them one by one costs about 60% more at the province's scale).
_PROJECTED = (
    "WITH {h}, {h} {{.status, .deregisteredOn, .responsibleOfficial, .lastVisitDate{past}}} AS {hp}"
)
_PAST = (
    ", .registrationDate, .statusBeforeDeregistration, .statusSince, .visitDates,"
    " .pairingRoles, .pairingSince, .pairingUntil"
)

FIGURES = ("households", "coveredHouseholds", "overdueHouseholds", "coverageRatio")
DRILLS = {"uncovered": "UNCOVERED", "overdue": "OVERDUE"}


def _shape(args: Mapping[str, Any]) -> Any:
    as_of = args.get("asOf")
    return (as_of is None or as_of >= today_cst(),)


def _within(request: Request) -> int:
    within = request.args.get("visitWithinDays", 30)
    return int(check_range(within, "visitWithinDays", *WINDOW_DAYS))


def _as_of(request: Request) -> dt.date:
    as_of = request.args.get("asOf")
    return request.today if as_of is None else check_date(as_of, "asOf")


def _window_start(request: Request) -> dt.date:
    return _as_of(request) - dt.timedelta(days=_within(request))


def _statuses(request: Request) -> list[str]:
    """The statuses asked for (default: in poverty); BAD_USER_INPUT for an empty list."""
    statuses = request.args.get("statuses")
    if statuses is not None and not statuses:
        raise BadUserInput("statuses must not be empty", field="statuses")
    if statuses and HouseholdStatus.DEREGISTERED in statuses:
        raise BadUserInput("deregistered households are never counted", field="statuses")
    return [str(s.value if hasattr(s, "value") else s) for s in statuses or IN_POVERTY]


def _region_code(request: Request) -> str:
    return check_region_code(str(request.args["regionCode"]), "regionCode")


class _Coverage:
    """Prints the statement of one pairingCoverage selection."""

    def __init__(self, view: View, current: bool) -> None:
        self.c = Compiler(view)
        self.b = self.c.b
        self.view = view
        self.current = current
        # Today's figures come from the villages' summaries, unless the scope
        # depends on each household (a field official's).
        self.summarized = current and view.scope.kind is not ScopeKind.OFFICIAL
        self.as_of = self.b.slot("asOf", _as_of)
        self.start = self.b.slot("windowStart", _window_start)
        self.statuses = self.b.slot("statuses", _statuses)

    # --- conditions on one household h (hp: its projected properties) ---

    def counted(self, h: str, hp: str) -> str:
        """Household h (hp: its projected properties) counts on the date."""
        visible = self.view.scope.read_filter(Access.HOUSEHOLD, h, self.b)
        if self.current:
            on = f"{hp}.status IN {self.statuses} AND {hp}.deregisteredOn IS NULL"
        else:
            status = status_as_of(h, hp, self.as_of, self.b.var("sc"))
            on = f"{on_file(hp, self.as_of)} AND {status} IN {self.statuses}"
        return f"{on} AND {visible}"

    def projected(self, h: str, hp: str, more: str = "") -> str:
        past = "" if self.current else _PAST
        return _PROJECTED.format(h=h, hp=hp, past=past + more)

    def active(self, pairing: str) -> str:
        if self.current:
            return f"{pairing}.until IS NULL"
        return active_on(pairing, self.as_of)

    def covered(self, h: str, hp: str) -> str:
        if self.current:
            return f"{hp}.responsibleOfficial IS NOT NULL"
        return covered_on(h, self.as_of, self.b.var("pw"), hp)

    def overdue(self, h: str, hp: str) -> str:
        return overdue_expression(h, self.as_of, self.start, self.b.var("visit"), hp)

    def scan(self, unit: str, prefixes: str | None = None, officials: bool = False) -> str:
        """A subquery returning `{households, covered, overdue}` of unit: today (in
        a scope that villages decide) from its villages' summaries, else from its
        households."""
        if not self.summarized:
            return self.count(unit, prefixes, officials)
        p, v, x, keys = (self.b.var(n) for n in ("p", "v", "x", "keys"))
        statuses = self.b.slot("statusIndexes", _status_indexes)
        start = self.b.slot("startDay", _start_day)
        in_scope = self.view.scope.village_filter(v, self.b)
        mine = f"[k IN {v}.coverageKeys WHERE k / {STATUS_KEY} IN {statuses}]"
        return (
            f"UNWIND {prefixes or f'{unit}.prefixes'} AS {p} MATCH ({v}:Region) "
            f"WHERE {v}.code STARTS WITH {p} AND {v}.level = 'VILLAGE' AND {in_scope} "
            f"CALL ({v}) {{ WITH {v} WHERE {v}.coverageKeys IS NULL "
            f"CALL ({v}) {{ {self.count(v, f'[{v}.code]')} AS {x} }} RETURN {x} "
            f"UNION ALL WITH {v} WHERE {v}.coverageKeys IS NOT NULL WITH {mine} AS {keys} "
            f"RETURN {{households: size({keys}), "
            f"covered: size([k IN {keys} WHERE k % {STATUS_KEY} >= {COVERED_KEY}]), "
            f"overdue: size([k IN {keys} WHERE k % {COVERED_KEY} < {start}])}} AS {x} }} "
            f"RETURN {{households: sum({x}.households), covered: sum({x}.covered), "
            f"overdue: sum({x}.overdue)}}"
        )

    def count(self, unit: str, prefixes: str | None = None, officials: bool = False) -> str:
        """The figures of unit counted from its households; with `officials`, also
        the codes of each one's officials paired on the date (`officials`: a list of
        lists, which `overloaded_of` reads), in the same pass."""
        p, h, hp = self.b.var("p"), self.b.var("h"), self.b.var("hp")
        source = prefixes or f"{unit}.prefixes"
        paired = f", officials: collect({self.paired(h, hp)})" if officials else ""
        return (
            f"UNWIND {source} AS {p} MATCH ({h}:Household) WHERE {h}.code STARTS WITH {p} "
            f"{self.projected(h, hp, self.lists if officials else '')} "
            f"WHERE {self.counted(h, hp)} "
            f"RETURN {{households: count({h}), "
            f"covered: count(CASE WHEN {self.covered(h, hp)} THEN 1 END), "
            f"overdue: count(CASE WHEN {self.overdue(h, hp)} THEN 1 END){paired}}}"
        )

    @property
    def lists(self) -> str:
        """The pairing summaries `paired` reads, beyond those the projection holds."""
        return ", .pairingOfficials" + (", .pairingSince, .pairingUntil" if self.current else "")

    def paired(self, h: str, hp: str) -> str:
        """The codes of household h's officials paired on the date: from its pairing
        summaries (graph/derived.py), else (a file written by hand) its pairings."""
        i, pw, o, day = self.b.var("i"), self.b.var("pw"), self.b.var("o"), self.as_of
        return (
            f"CASE WHEN {hp}.pairingOfficials IS NOT NULL THEN [{i} IN {pairings_in(hp)} "
            f"WHERE {active_in(hp, i, day)} | {hp}.pairingOfficials[{i}]] ELSE COLLECT {{ "
            f"MATCH ({h})<-[{pw}:PAIRED_WITH]-({o}:Official) WHERE {self.active(pw)} "
            f"RETURN {o}.code }} END"
        )

    def overloaded(self, unit: str, prefixes: str | None = None) -> str:
        """A subquery returning the codes of the unit's overloaded officials, from its
        counted households (when the figures are not counted from them too)."""
        p, h, hp, found = (self.b.var(n) for n in ("p", "h", "hp", "found"))
        source = prefixes or f"{unit}.prefixes"
        return (
            f"UNWIND {source} AS {p} MATCH ({h}:Household) WHERE {h}.code STARTS WITH {p} "
            f"{self.projected(h, hp, self.lists)} WHERE {self.counted(h, hp)} "
            f"WITH collect({self.paired(h, hp)}) AS {found} {self.overloaded_of(found)}"
        )

    def overloaded_of(self, paired: str) -> str:
        """The overloaded officials among `paired` (a list of lists of codes): each
        once, by its code, its load on the date against its maxLoad (as of a past date
        from its pairing summary, else its pairings)."""
        x, code, o, q = (self.b.var(n) for n in ("x", "code", "o", "q"))
        day = self.as_of
        if self.current:
            over = f"{o}.load > {o}.maxLoad"
        else:
            load = (
                f"CASE WHEN {o}.pairingSince IS NOT NULL "
                f"THEN size([{q} IN {pairings_in(o)} WHERE {active_in(o, q, day)}]) "
                f"ELSE COUNT {{ MATCH ({o})-[{q}:PAIRED_WITH]->() WHERE {self.active(q)} }} END"
            )
            over = f"{load} > {o}.maxLoad"
        return (
            f"UNWIND {paired} AS {x} UNWIND {x} AS {code} WITH DISTINCT {code} "
            f"MATCH ({o}:Official {{code: {code}}}) WHERE {o}.maxLoad IS NOT NULL AND {over} "
            f"RETURN {o}.code"
        )

    # --- one unit's projection ---

    def unit(self, u: str, fields: list[Field], post: Post, known: tuple[str, str] | None) -> str:
        """The clauses that end with the PairingCoverage map of `fields` for region
        variable u as `WITH ... , {map} AS u_out` (`out(u)` names it). `known`:
        variables already holding u's figures and overloaded codes.

        The map is projected in a WITH that names every variable it uses: its
        children's subqueries aggregate, and Neo4j then takes the projection for an
        aggregation whose grouping keys must be explicit."""
        names = {f.name for f in fields}
        children = [f for f in fields if f.name == "children"]
        for child in children:
            names |= {g.name for g in child.fields}
        want_figures = bool(names & set(FIGURES))
        want_over = "overloadedOfficials" in names
        # Counted from the households, the figures and the officials come from one pass.
        merged = want_figures and want_over and not self.summarized
        clauses: list[str] = []
        fig, over = known if known else (self.b.var("fig"), self.b.var("over"))
        kids = None
        if children:
            kids, c = self.b.var("kids"), self.b.var("c")
            kid_fig, kid_over = self.b.var("kfig"), self.b.var("kover")
            parts = [f"MATCH ({c}:Region)-[:PART_OF]->({u}) WITH {c} ORDER BY {c}.code"]
            parts.append(
                f"CALL ({c}) {{ {self.scan(c, officials=merged)} AS {kid_fig} }}"
                if want_figures
                else f"WITH {c}, null AS {kid_fig}"
            )
            over_of = self.overloaded_of(f"{kid_fig}.officials") if merged else self.overloaded(c)
            parts.append(
                f"CALL ({c}, {kid_fig}) {{ RETURN COLLECT {{ {over_of} }} AS {kid_over} }}"
                if want_over
                else f"WITH {c}, {kid_fig}, [] AS {kid_over}"
            )
            kid_map = f"{{c: {c}, fig: {kid_fig}, over: {kid_over}}}"
            clauses.append(
                f"CALL ({u}) {{ {' '.join(parts)} RETURN collect({kid_map}) AS {kids} }}"
            )
        if known is None:
            # Without children, the unit's own households; with them, their sums.
            own = f"CASE WHEN size({kids}) = 0 THEN {u}.prefixes ELSE [] END" if kids else None
            imported = f"{u}, {kids}" if kids else u
            if want_figures:
                scan = self.scan(u, own, officials=merged)
                clauses.append(f"CALL ({imported}) {{ {scan} AS {fig} }}")
            if want_over:
                over_of = (
                    self.overloaded_of(f"{fig}.officials") if merged else self.overloaded(u, own)
                )
                imported_fig = f"{imported}, {fig}" if merged else imported
                clauses.append(
                    f"CALL ({imported_fig}) {{ RETURN COLLECT {{ {over_of} }} AS {over} }}"
                )
        parts = []
        for f in fields:
            value = self.field(u, f, post.child(f), fig, over, kids, known is not None)
            parts.append(f"`{f.key}`: {value}")
        keys = [u, *([kids] if kids else [])]
        if known:
            keys += list(known)
        else:
            keys += [*([fig] if want_figures else []), *([over] if want_over else [])]
        node = "{" + ", ".join(parts) + "}"
        clauses.append(f"WITH {', '.join(keys)}, {node} AS {out(u)}")
        return " ".join(clauses)

    def figure(self, name: str, fig: str, kids: str | None, known: bool) -> str:
        own = f"{fig}.{name}"
        if kids is None or known:
            return own
        total = f"reduce(s = 0, k IN {kids} | s + k.fig.{name})"
        return f"CASE WHEN size({kids}) = 0 THEN {own} ELSE {total} END"

    def field(
        self, u: str, f: Field, post: Post, fig: str, over: str, kids: str | None, known: bool
    ) -> str:
        if f.name == "__typename":
            return "'PairingCoverage'"
        if f.name == "region":
            return self.c.project("Region", {"r": u}, f.fields, post)
        if f.name == "households":
            return self.figure("households", fig, kids, known)
        if f.name == "coveredHouseholds":
            return self.figure("covered", fig, kids, known)
        if f.name == "overdueHouseholds":
            return self.figure("overdue", fig, kids, known)
        if f.name == "coverageRatio":
            households = self.figure("households", fig, kids, known)
            covered = self.figure("covered", fig, kids, known)
            return (
                f"CASE WHEN {households} = 0 THEN null ELSE toFloat({covered}) / {households} END"
            )
        if f.name == "overloadedOfficials":
            if kids is None or known:
                return f"size({over})"
            union = f"reduce(acc = [], k IN {kids} | acc + [x IN k.over WHERE NOT x IN acc])"
            return f"CASE WHEN size({kids}) = 0 THEN size({over}) ELSE size({union}) END"
        if f.name == "children":
            assert kids is not None
            k, c, kf, ko = (self.b.var(n) for n in ("k", "c", "kf", "ko"))
            clauses = self.unit(c, list(f.fields), post, (kf, ko))
            # The kids are collected in code order and keep it (no ORDER BY here: with
            # grandchildren the projection holds aggregations, and Neo4j then refuses
            # an ORDER BY on the row's variables).
            return (
                f"COLLECT {{ UNWIND {kids} AS {k} WITH {k}.c AS {c}, {k}.fig AS {kf}, "
                f"{k}.over AS {ko} {clauses} RETURN {out(c)} }}"
            )
        if f.name in DRILLS:
            try:
                return self.drill(u, DRILLS[f.name], f, post)
            except FupinError as error:
                post.error = error
                return "null"
        raise ValueError(f"PairingCoverage.{f.name} is not compiled")

    def drill(self, u: str, kind: str, f: Field, post: Post) -> str:
        """A page of the unit's uncovered or overdue households, by code: an ordered
        seek per prefix from the cursor, stopping at first + 1 each."""
        first = check_first(f.arg("first", 20))
        cursor_kind = f"coverage-{kind}"
        after = decode_key(f.args.get("after"), cursor_kind, (KeyKind.STR,))
        p, h, hp, h2 = (self.b.var(n) for n in ("p", "h", "hp", "h"))
        predicate = f"NOT ({self.covered(h, hp)})" if kind == "UNCOVERED" else self.overdue(h, hp)
        limit = self.b.const(first + 1)
        bound = self.b.const(after[0] if after else "")
        post.conn = ConnPost(cursor_kind, first, f, "CoverageHouseholdConnection")
        row = self.c.connection_row("CoverageHouseholdEdge", {"h": h2}, post.conn, [f"{h2}.code"])
        return (
            f"{{r: COLLECT {{ UNWIND {u}.prefixes AS {p} CALL ({p}) {{ "
            f"MATCH ({h}:Household) WHERE {h}.code STARTS WITH {p} AND {h}.code > {bound} "
            f"{self.projected(h, hp)} WHERE {self.counted(h, hp)} AND {predicate} "
            f"WITH {h} ORDER BY {h}.code LIMIT {limit} RETURN {h} AS {h2} }} "
            f"WITH {h2} ORDER BY {h2}.code LIMIT {limit} RETURN {row} }}}}"
        )


def out(u: str) -> str:
    """The variable holding the PairingCoverage map of unit variable u."""
    return f"{u}_out"


@root("pairingCoverage", shape=_shape)
def plan_coverage(field: Field, view: View, shape: Any) -> Plan:
    """pairingCoverage(regionCode, visitWithinDays, asOf, statuses): the region's
    figures and whatever nested levels are selected, in one statement; null for an
    unknown region."""
    (current,) = shape
    cov = _Coverage(view, current)
    code = cov.b.slot("regionCode", _region_code)
    post = Post(field=field)
    clauses = cov.unit("u", list(field.fields), post, None)
    cypher = f"MATCH (u:Region {{code: {code}}}) {clauses} RETURN {out('u')} AS data"
    return plan(cypher, cov.b, post)
