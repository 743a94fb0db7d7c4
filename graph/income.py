"""Incomes (DOMAIN.md section 3): a household's income record of a year, the one
perCapitaNet formula, and the household's derived income properties.

    transfers     = pensionIncome + lowIncomeGuarantee + subsidies + ecologicalCompensation
    platformSales = the household's unvoided payments dated in the record's year
                    (graph/payment.py `platform_sales`; fen, so in yuan with two places)
    netIncome     = wages + productionIncome + propertyIncome + transfers + platformSales
                    - productionCosts, rounded down to whole yuan
    perCapitaNet  = netIncome / householdSize, rounded down

written once, twice over: `per_capita_net` (Python: the generator, tests) and
`per_capita_cypher` (every statement: reads, the derived properties). The items are
whole yuan and the sales fen, so both sum in fen and divide once: rounding netIncome
down first gives the same perCapitaNet (floor(floor(x) / n) = floor(x / n)). The
productionIncome officials enter excludes platform sales, so nothing counts twice.
A record is
above the threshold when its perCapitaNet exceeds the threshold of the poverty line in
force in its year (graph/poverty_line.py); null when no line is.

Incomes are personal data: roles without it get `Household.incomes` null, and the
change history hides them.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from graph.compiler import Binder, Compiler, Plan, Post, Request, View, plan, root, seek
from graph.db import Database, Tx
from graph.errors import BadUserInput, Conflict
from graph.model import Label, Rel
from graph.payment import FEN_PER_YUAN, SUMMARIZE_PAYMENTS, platform_sales
from graph.poverty_line import EARLIEST_YEAR, YEARS, line_in_force, threshold_of
from graph.readmap import Access, Custom, Field, Kind, Mask, Value, declare, extend, yuan
from graph.readmap import Rel as RelEntry
from graph.scope import active_on
from graph.validation import check_range, check_year
from graph.write import Actor, Entity, Mutation, Write, write

ITEMS = (
    "wages",
    "productionIncome",
    "productionCosts",
    "propertyIncome",
    "pensionIncome",
    "lowIncomeGuarantee",
    "subsidies",
    "ecologicalCompensation",
)
TRANSFERS = ("pensionIncome", "lowIncomeGuarantee", "subsidies", "ecologicalCompensation")
GAINS = ("wages", "productionIncome", "propertyIncome", *TRANSFERS)
COSTS = ("productionCosts",)

ITEM_MAX = 100_000_000  # yuan a year, any one item
SIZE_RANGE = (1, 50)

# --- the formula ------------------------------------------------------------------


def transfers(items: Mapping[str, int]) -> int:
    return sum(items.get(name, 0) for name in TRANSFERS)


def _net_fen(items: Mapping[str, int], sales: int) -> int:
    gains = sum(items.get(name, 0) for name in GAINS)
    return (gains - sum(items.get(name, 0) for name in COSTS)) * FEN_PER_YUAN + sales


def net_income(items: Mapping[str, int], sales: int = 0) -> int:
    """The household's net income in whole yuan, rounded down; `sales` its platform
    sales of the year in fen."""
    return _net_fen(items, sales) // FEN_PER_YUAN


def per_capita_net(items: Mapping[str, int], household_size: int, sales: int = 0) -> int:
    """The household's net income per person, in whole yuan, rounded down; `sales` its
    platform sales of the year in fen."""
    return _net_fen(items, sales) // (FEN_PER_YUAN * household_size)


def _sum(i: str, names: Sequence[str]) -> str:
    return " + ".join(f"coalesce({i}.{name}, 0)" for name in names)


def transfers_cypher(i: str) -> str:
    return f"({_sum(i, TRANSFERS)})"


def sales_cypher(i: str, b: Binder | None = None) -> str:
    """The platform sales (integer fen) of income record `i` (a node): its household's
    unvoided payments dated in the record's year. `b` names the inner variables."""
    return platform_sales(f"({i})-[:{Rel.INCOME_OF}]->(:{Label.HOUSEHOLD})", f"{i}.year", b)


def _net_fen_cypher(i: str, sales: str | None) -> str:
    sales = sales_cypher(i) if sales is None else sales
    return f"(({_sum(i, GAINS)} - {_sum(i, COSTS)}) * {FEN_PER_YUAN} + {sales})"


def net_cypher(i: str, sales: str | None = None) -> str:
    """`net_income` of income record `i` as a Cypher expression; `sales` the platform
    sales in fen (an expression), by default the record's own (`sales_cypher`)."""
    return f"toInteger(floor(toFloat({_net_fen_cypher(i, sales)}) / {FEN_PER_YUAN}))"


def per_capita_cypher(i: str, sales: str | None = None) -> str:
    """`per_capita_net` of income record `i` (a node, or a map with its properties when
    `sales` is given) as a Cypher expression; null when `i` is null. `sales` as in
    `net_cypher`. Exact: the quotient of two integers below 2^53 by at most 5,000 is
    rounded correctly, so floor never crosses an integer."""
    divisor = f"({FEN_PER_YUAN} * {i}.householdSize)"
    return f"toInteger(floor(toFloat({_net_fen_cypher(i, sales)}) / {divisor}))"


def derived_incomes(
    records: Sequence[tuple[int, Mapping[str, int], int]],
    sales: Mapping[int, int] | None = None,
) -> tuple[int | None, int | None, int | None]:
    """(latestIncomeYear, latestPerCapitaNet, previousPerCapitaNet) of a household's
    records (year, items, householdSize) and its platform sales by year (fen): what
    REFRESH_INCOMES stores, for bulk writers."""
    if not records:
        return None, None, None
    sold = sales or {}
    by_year = {
        year: per_capita_net(items, size, sold.get(year, 0)) for year, items, size in records
    }
    latest = max(by_year)
    return latest, by_year[latest], by_year.get(latest - 1)


# --- reads ------------------------------------------------------------------------

HIDDEN = Mask.HIDDEN


def _sales(c: Compiler, row: Mapping[str, str], f: Field, post: Post) -> str:
    return yuan(sales_cypher(row["i"], c.b))


def _net(c: Compiler, row: Mapping[str, str], f: Field, post: Post) -> str:
    return net_cypher(row["i"], sales_cypher(row["i"], c.b))


def _per_capita(c: Compiler, row: Mapping[str, str], f: Field, post: Post) -> str:
    return per_capita_cypher(row["i"], sales_cypher(row["i"], c.b))


def _above(c: Compiler, row: Mapping[str, str], f: Field, post: Post) -> str:
    i = row["i"]
    line = line_in_force(f"{i}.year", c.b.var("inForce"))
    return f"({_per_capita(c, row, f, post)} > {threshold_of(line)})"


declare(
    "IncomeRecord",
    ("i",),
    {
        "id": Value("{i}.id"),
        "year": Value("{i}.year"),
        **{name: Value(f"{{i}}.{name}", mask=HIDDEN) for name in ITEMS},
        "transfers": Value(transfers_cypher("{i}"), mask=HIDDEN),
        "platformSales": Custom(_sales, mask=HIDDEN),
        "netIncome": Custom(_net, mask=HIDDEN),
        "householdSize": Value("{i}.householdSize"),
        "perCapitaNet": Custom(_per_capita, mask=HIDDEN),
        "version": Value("{i}.version"),
        "createdAt": Value("{i}.createdAt", Kind.DATETIME),
        "updatedAt": Value("{i}.updatedAt", Kind.DATETIME),
        "povertyLine": RelEntry(
            "PovertyLine",
            f"MATCH ({{l}}:{Label.POVERTY_LINE})",
            where=("{l}.year <= {i}.year",),
            order="{l}.year DESC",
            fixed_limit=1,
            single=True,
        ),
        "aboveThreshold": Custom(_above, mask=HIDDEN),
    },
)


def _year_arg(f: Field, name: str) -> int | None:
    value = f.args.get(name)
    if value is None:
        return None
    return check_year(int(value), name, low=YEARS[0], high=YEARS[1])


def _incomes(c: Compiler, row: Mapping[str, str], f: Field, post: Post) -> str:
    """Household.incomes(fromYear, toYear): its records by year, one a year."""
    low, high = _year_arg(f, "fromYear"), _year_arg(f, "toYear")
    if low is not None and high is not None and low > high:
        raise BadUserInput("toYear must not be before fromYear", field="toYear")
    where = []
    if low is not None:
        where.append(f"{{i}}.year >= {c.b.const(low)}")
    if high is not None:
        where.append(f"{{i}}.year <= {c.b.const(high)}")
    entry = RelEntry(
        "IncomeRecord",
        f"MATCH ({{i}}:{Label.INCOME_RECORD})-[:{Rel.INCOME_OF}]->({{h}})",
        where=tuple(where),
        order="{i}.year",
    )
    return c.rel(entry, row, f, post)


extend(
    "Household",
    {
        "incomes": Custom(_incomes, mask=HIDDEN),
        "latestIncomeYear": Value("{h}.latestIncomeYear"),
        "latestPerCapitaNet": Value("{h}.latestPerCapitaNet", mask=HIDDEN),
        "previousPerCapitaNet": Value("{h}.previousPerCapitaNet", mask=HIDDEN),
    },
)


def _income_id(request: Request) -> str:
    return str(request.args["id"])


@root("IncomeRecord#id")
def plan_income(field: Field, view: View, shape: Any) -> Plan:
    """An income record by id (mutation payloads), when its household is in scope and
    the caller sees personal data; a seek on income_record_id."""
    if view.masked:
        return plan("", Binder(), Post(field=field))
    return seek(
        field,
        view,
        ("id", _income_id),
        f"MATCH (i:{Label.INCOME_RECORD} {{{{id: {{key}}}}}})-[:{Rel.INCOME_OF}]->(h:Household)",
        (Access.HOUSEHOLD, "h"),
        ("IncomeRecord", {"i": "i"}),
    )


# --- writes -----------------------------------------------------------------------

SUMMARIZE_INCOMES = f"""
WITH h, COLLECT {{ MATCH (i:{Label.INCOME_RECORD})-[:{Rel.INCOME_OF}]->(h)
                   RETURN {{year: i.year, net: {per_capita_cypher("i")}, size: i.householdSize}}
                   ORDER BY i.year }} AS records
WITH h, records, records[-1] AS latest
SET h.latestIncomeYear = latest.year,
    h.latestPerCapitaNet = latest.net,
    h.previousPerCapitaNet = [r IN records WHERE r.year = latest.year - 1 | r.net][0],
    h.incomeYears = [r IN records | r.year],
    h.incomeNets = [r IN records | r.net],
    h.incomeSizes = [r IN records | r.size]
"""
"""Cypher on a household `h`: its derived income properties, from its few income
records (perCapitaNet with the platform sales of the record's year): the latest
figures, and the summaries by year that the statistics read instead of the records
(incomeYears ascending, incomeNets and incomeSizes beside them)."""

REFRESH_INCOMES = f"""
UNWIND $codes AS code
MATCH (h:Household {{code: code}})
{SUMMARIZE_INCOMES}
WITH h CALL (h) {{ {SUMMARIZE_PAYMENTS} }}
"""


async def refresh_incomes(tx: Tx, codes: Sequence[str]) -> None:
    """Recompute latestIncomeYear, latestPerCapitaNet and previousPerCapitaNet of the
    households (a seek per code, then their few income records) and their payment
    summaries (graph/payment.py's SUMMARIZE_PAYMENTS: every write of a payment runs
    this)."""
    await tx.run(REFRESH_INCOMES, {"codes": list(codes)})


FIND_INCOME = (
    f"MATCH (i:{Label.INCOME_RECORD})-[:{Rel.INCOME_OF}]->(:Household {{code: $code}}) "
    "WHERE i.year = $year RETURN i {.*} AS record"
)

MEMBERS_ON = (
    "MATCH (:Person)-[m:MEMBER_OF]->(:Household {code: $code}) "
    f"WHERE {active_on('m', '$day')} RETURN count(m) AS members"
)

CREATE_INCOME = (
    f"MATCH (h:Household {{code: $code}}) "
    f"CREATE (i:{Label.INCOME_RECORD} {{id: $id}})-[:{Rel.INCOME_OF}]->(h) "
    "SET i += $properties, i.version = 1, i.createdAt = datetime(), i.updatedAt = datetime()"
)

REPLACE_INCOME = (
    f"MATCH (i:{Label.INCOME_RECORD} {{id: $id}}) "
    "SET i += $properties, i.version = i.version + 1, i.updatedAt = datetime()"
)


def check_items(items: Mapping[str, int], field: str) -> dict[str, int]:
    """Every item (ITEMS; a missing one is 0) a whole number of yuan, 0 to ITEM_MAX."""
    out = {}
    for name in ITEMS:
        value = int(items.get(name) or 0)
        if not 0 <= value <= ITEM_MAX:
            raise BadUserInput(f"an income item is 0 to {ITEM_MAX:,} yuan", field=f"{field}.{name}")
        out[name] = value
    return out


def check_income_year(year: int, today: dt.date) -> int:
    return check_year(year, "input.year", low=EARLIEST_YEAR, high=today.year)


def _recorded(record: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if record is None:
        return None
    keys = ("year", *ITEMS, "householdSize", "version")
    return {key: record.get(key) for key in keys}


async def record_income(
    db: Database,
    actor: Actor,
    mutation: Mutation,
    household_code: str,
    year: int,
    items: Mapping[str, int],
    household_size: int | None,
    expected_version: int | None,
    today: dt.date,
    *,
    stamp: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Create the household's income record of `year`, or replace it: {id, code}.

    BAD_USER_INPUT for a year before 2010 or after this one, an item out of range, a
    size out of 1-50, or no size given when nobody was a member on 31 December of the
    year (today for this year), which is the default. Replacing needs the record's
    version as `expected_version` (none, or another: CONFLICT on input.expectedVersion;
    so is a version given when there is no record to replace). The household must be
    in scope and on file; its derived income properties are refreshed. Recorded on the
    household (field `incomes`, hidden from roles without personal data). `stamp`:
    more properties to keep on the record (the field app's recordedAt, receivedAt,
    deviceId), never in its history.
    """
    check_income_year(year, today)
    values = check_items(items, "input.items")
    if household_size is not None:
        check_range(household_size, "input.householdSize", *SIZE_RANGE)

    async def work(w: Write) -> dict[str, Any]:
        await w.household(household_code, bump=False)
        found = await w.tx.single(FIND_INCOME, {"code": household_code, "year": year})
        existing = dict(found["record"]) if found is not None else None
        if existing is not None and expected_version != existing.get("version"):
            raise Conflict(
                "the household has a record for that year: pass its version as "
                "expectedVersion to replace it (or it changed since it was read)",
                field="input.expectedVersion",
            )
        if existing is None and expected_version is not None:
            raise Conflict(
                "there is no record for that year to replace", field="input.expectedVersion"
            )
        size = household_size
        if size is None:
            day = today if year == today.year else dt.date(year, 12, 31)
            counted = await w.tx.single(MEMBERS_ON, {"code": household_code, "day": day})
            size = int(counted["members"]) if counted is not None else 0
            if size == 0:
                raise BadUserInput(
                    "nobody was a member on 31 December of that year: give householdSize",
                    field="input.householdSize",
                )
        properties = {"year": year, **values, "householdSize": size}
        stored = {**properties, **(stamp or {})}
        if existing is None:
            record_id = str(uuid.uuid4())
            await w.tx.run(
                CREATE_INCOME, {"code": household_code, "id": record_id, "properties": stored}
            )
        else:
            record_id = str(existing["id"])
            await w.tx.run(REPLACE_INCOME, {"id": record_id, "properties": stored})
        await refresh_incomes(w.tx, [household_code])
        version = 1 if existing is None else int(existing["version"]) + 1
        after = {**properties, "version": version}
        w.changed(
            Entity.HOUSEHOLD,
            household_code,
            [{"field": "incomes", "before": _recorded(existing), "after": _recorded(after)}],
        )
        return {"id": record_id, "code": household_code}

    return await write(db, actor, mutation, work)
