"""The households list: households(where, orderBy, first, after), a keyset page in one
statement, as of a date with coverage's definitions (graph/household.py's rules)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from graph.compiler import (
    Binder,
    Compiler,
    ConnPost,
    Getter,
    Plan,
    Post,
    Request,
    View,
    arg,
    plan,
    root,
)
from graph.cursor import KeyKind, check_first, decode_key
from graph.household import (
    IN_POVERTY,
    NO_VISIT,
    WINDOW_DAYS,
    HouseholdOrder,
    HouseholdStatus,
    covered_on,
    on_file,
    overdue_expression,
    status_as_of,
)
from graph.readmap import Access, Field
from graph.validation import check_date, check_range, check_region_code, today_cst

# order -> (sort-key expression, direction, cursor key kinds); ties broken by code ASC.
_ORDERS: dict[HouseholdOrder, tuple[str | None, str, tuple[KeyKind, ...]]] = {
    HouseholdOrder.CODE_ASC: (None, "ASC", (KeyKind.STR,)),
    HouseholdOrder.CODE_DESC: (None, "DESC", (KeyKind.STR,)),
    HouseholdOrder.REGISTRATION_YEAR_ASC: (
        "coalesce(h.registrationYear, 0)", "ASC", (KeyKind.INT, KeyKind.STR)),
    HouseholdOrder.REGISTRATION_YEAR_DESC: (
        "coalesce(h.registrationYear, 0)", "DESC", (KeyKind.INT, KeyKind.STR)),
    HouseholdOrder.LAST_VISIT_ASC: (
        f"coalesce(h.lastVisitDate, {NO_VISIT})", "ASC", (KeyKind.DATE, KeyKind.STR)),
    HouseholdOrder.LAST_VISIT_DESC: (
        f"coalesce(h.lastVisitDate, {NO_VISIT})", "DESC", (KeyKind.DATE, KeyKind.STR)),
}  # fmt: skip


def _households_shape(args: Mapping[str, Any]) -> Any:
    where = args.get("where") or {}
    given = tuple(sorted(k for k, v in where.items() if v is not None))
    as_of = where.get("asOf")
    return (
        HouseholdOrder(args["orderBy"]),
        given,
        where.get("visitOverdue"),
        where.get("hasResponsibleOfficial"),
        bool(where.get("includeDeregistered"))
        or where.get("status") == HouseholdStatus.DEREGISTERED,
        args.get("after") is not None,
        as_of is None or as_of >= today_cst(),
    )


def _after(order: HouseholdOrder, position: int) -> Getter:
    kind = f"households:{order.value}"
    kinds = _ORDERS[order][2]

    def get(request: Request) -> Any:
        key = decode_key(request.args.get("after"), kind, kinds)
        assert key is not None
        return key[position]

    return get


def _limit(request: Request) -> int:
    return check_first(request.args["first"]) + 1


def _within(request: Request) -> int:
    where = request.args.get("where") or {}
    return int(check_range(where.get("withinDays", 30), "where.withinDays", *WINDOW_DAYS))


def _window_start(request: Request) -> dt.date:
    return _as_of(request) - dt.timedelta(days=_within(request))


def _as_of(request: Request) -> dt.date:
    where = request.args.get("where") or {}
    as_of = where.get("asOf")
    return request.today if as_of is None else check_date(as_of, "where.asOf")


def _region_code(request: Request) -> str:
    return check_region_code((request.args.get("where") or {})["regionCode"], "where.regionCode")


def _checked(request: Request) -> bool:
    """Every filter's shape is checked, used or not: a bad where answers BAD_USER_INPUT."""
    where = request.args.get("where") or {}
    if where.get("regionCode") is not None:
        _region_code(request)
    _as_of(request)
    _within(request)
    return True


def _household_conditions(b: Binder, view: View, shape: Any) -> list[str]:
    """The filters of households(where) on `h`, as of `asOf` (default today) with
    coverage's definitions: on file on that date, the status it had then, pairings and
    visits as they stood (`on_file`, `status_as_of`, `covered_on`, `overdue_expression`)."""
    _, given, overdue, responsible, include_deregistered, _, current = shape
    b.slot("checked", _checked)
    day = b.today() if current else b.slot("asOf", _as_of)
    status = "h.status" if current else status_as_of("h", "h", day, b.var("sc"))
    where = []
    if include_deregistered:
        if not current:
            where.append(f"h.registrationDate <= {day}")
    else:
        where.append("h.deregisteredOn IS NULL" if current else on_file("h", day))
    if "status" in given:
        where.append(f"{status} = {b.slot('status', arg('where', 'status'))}")
    for name in ("attribute", "mainCause", "exitYear"):
        if name in given:
            where.append(f"h.{name} = {b.slot(name, arg('where', name))}")
    if responsible is not None:
        covered = (
            "h.responsibleOfficial IS NOT NULL"
            if current
            else covered_on("h", day, b.var("pairing"))
        )
        where.append(covered if responsible else f"NOT ({covered})")
    if overdue is not None:
        if "status" not in given:
            # Overdue is a question about households in poverty, as in coverage.
            where.append(f"{status} IN {b.const(list(IN_POVERTY))}")
        start = b.slot("windowStart", _window_start)
        expression = overdue_expression("h", day, start, b.var("visit"))
        where.append(expression if overdue else f"NOT ({expression})")
    where.append(view.scope.read_filter(Access.HOUSEHOLD, "h", b))
    return where


@root("households", shape=_households_shape)
def plan_households(field: Field, view: View, shape: Any) -> Plan:
    """households(where, orderBy, first, after): a page of first + 1 rows and, when
    selected, the total.

    One statement. Without a regionCode, CODE orders read the household_code index in
    order from the cursor on. With one, it seeks household_code once per prefix of the
    region (`STARTS WITH`) and keeps the best `first + 1` of each (index order for CODE
    orders) before the final top-k. Other orders sort the filtered households (top-k).
    The keyset predicate means a deep page costs what the first costs.
    """
    order, given, _, _, _, has_after, _ = shape
    b = Binder()
    post = Post(field=field)
    expr, direction, _ = _ORDERS[order]
    filtered = " AND ".join(_household_conditions(b, view, shape))
    if has_after:
        op = ">" if direction == "ASC" else "<"
        if expr is None:
            keyset = f"h.code {op} {b.slot('afterCode', _after(order, 0))}"
        else:
            key, code = b.slot("afterKey", _after(order, 0)), b.slot("afterCode", _after(order, 1))
            keyset = f"({expr} {op} {key} OR ({expr} = {key} AND h.code > {code}))"
    else:
        keyset = "true"
    sort_key = expr or "h.code"
    order_by = f"sortKey {direction}" + (", h.code ASC" if expr else "")
    limit = b.slot("limit", _limit)
    conn = ConnPost(f"households:{order.value}", "limit", field, "HouseholdConnection")
    post.conn = conn
    keys = ["h.code"] if expr is None else ["sortKey", "h.code"]
    row = Compiler(view, b).connection_row("HouseholdEdge", {"h": "h"}, conn, keys)
    regional = "regionCode" in given
    region = b.slot("regionCode", _region_code) if regional else ""
    match = (
        f"MATCH (region:Region {{code: {region}}}) UNWIND region.prefixes AS prefix "
        "MATCH (h:Household) WHERE h.code STARTS WITH prefix AND "
        if regional
        else "MATCH (h:Household) WHERE "
    )
    if any(f.name == "totalCount" for f in field.fields):
        count = f"CALL () {{ {match}{filtered} RETURN count(h) AS total }}"
    else:
        count = "WITH null AS total"
    if regional:
        # The best `limit` of each prefix first, then the best of those. Codes are
        # digits, so a prefix is the range [prefix, prefix + ':'): with the cursor's
        # bound, CODE orders seek straight to the page and read it in index order.
        page = f"""
      MATCH (region:Region {{code: {region}}}) UNWIND region.prefixes AS prefix
      WITH prefix, prefix + ':' AS prefixEnd
      CALL (prefix, prefixEnd) {{
        MATCH (h:Household)
        WHERE h.code >= prefix AND h.code < prefixEnd AND {filtered} AND {keyset}
        WITH h, {sort_key} AS sortKey ORDER BY {order_by} LIMIT {limit}
        RETURN h, sortKey
      }}"""
    elif expr is None:
        # CODE orders: read household_code in order from the cursor. The hint keeps the
        # planner from starting at the status index and sorting most of the file.
        page = f"""
      MATCH (h:Household) USING INDEX h:Household(code)
      WHERE {filtered} AND {keyset if has_after else "h.code >= ''"}
      WITH h, {sort_key} AS sortKey"""
    else:
        page = f"""
      {match}{filtered} AND {keyset}
      WITH h, {sort_key} AS sortKey"""
    cypher = f"""
    {count}
    CALL () {{
      {page}
      WITH h, sortKey ORDER BY {order_by} LIMIT {limit}
      RETURN collect({row}) AS rows
    }}
    RETURN {{r: rows, t: total}} AS data
    """
    return plan(cypher, b, post)
