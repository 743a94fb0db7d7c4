"""Poverty lines (DOMAIN.md section 3): yuan per person per year, as data. The line in
force for year Y is the row of the greatest year <= Y (none before the first row); its
threshold is exitLine, else line (`line_in_force`, `threshold_of` in Cypher,
`lines_in_force` in Python). `POVERTY_LINES` are the national figures a migration puts
in where a year has none (edits survive); `setPovertyLine` creates or changes a row.
Any caller with a role reads them; a line belongs to no household, so its changes are
recorded on the line itself (graph/write.py's Entity.POVERTY_LINE).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from graph.compiler import Binder, Compiler, Plan, Post, Request, View, plan, root
from graph.db import Database
from graph.errors import BadUserInput
from graph.model import Label
from graph.readmap import Field, Value, declare
from graph.validation import check_range, check_year
from graph.write import Actor, Entity, Mutation, Write, write

EARLIEST_YEAR = 2010
LINE_RANGE = (1, 100_000)  # yuan per person per year
YEARS = (1980, 2100)  # what a year argument may be at all

# (year, line, exitLine): the national figures in yuan per person per year.
POVERTY_LINES: tuple[tuple[int, int, int | None], ...] = (
    (2015, 2855, None),
    (2016, 2952, None),
    (2017, 2952, 3335),
    (2018, 2995, 3535),
    (2019, 3218, 3747),
    (2020, 4000, None),
)


def line_in_force(year: str, var: str) -> str:
    """The PovertyLine node in force in `year` (a Cypher expression), or null: a seek
    on the poverty_line_year constraint's index, newest first."""
    return (
        f"COLLECT {{ MATCH ({var}:{Label.POVERTY_LINE}) WHERE {var}.year <= {year} "
        f"RETURN {var} ORDER BY {var}.year DESC LIMIT 1 }}[0]"
    )


def threshold_of(line: str) -> str:
    return f"coalesce({line}.exitLine, {line}.line)"


def lines_in_force(year: int, lines: Sequence[tuple[int, int, int | None]]) -> int | None:
    """The threshold in force in `year` of a table like POVERTY_LINES (Python)."""
    rows = [row for row in lines if row[0] <= year]
    if not rows:
        return None
    _, line, exit_line = max(rows)
    return exit_line if exit_line is not None else line


declare(
    "PovertyLine",
    ("l",),
    {
        "year": Value("{l}.year"),
        "line": Value("{l}.line"),
        "exitLine": Value("{l}.exitLine"),
        "threshold": Value(threshold_of("{l}")),
    },
)


@root("povertyLines")
def plan_poverty_lines(field: Field, view: View, shape: Any) -> Plan:
    """povertyLines: every row, by year (a handful: a label scan)."""
    b = Binder()
    post = Post(field=field)
    node = Compiler(view, b).project("PovertyLine", {"l": "l"}, field.fields, post)
    cypher = (
        f"RETURN COLLECT {{ MATCH (l:{Label.POVERTY_LINE}) RETURN {node} ORDER BY l.year }} AS data"
    )
    return plan(cypher, b, post)


def _year(request: Request) -> int:
    return check_year(int(request.args["year"]), "year", low=YEARS[0], high=YEARS[1])


def _one_line(field: Field, view: View, year: Callable[[Request], int], where: str) -> Plan:
    """The latest row whose year passes `where` (`{year}`: the year's parameter)."""
    b = Binder()
    post = Post(field=field)
    slot = b.slot("year", year)
    node = Compiler(view, b).project("PovertyLine", {"l": "l"}, field.fields, post)
    cypher = (
        f"RETURN COLLECT {{ MATCH (l:{Label.POVERTY_LINE}) WHERE {where.format(year=slot)} "
        f"RETURN {node} ORDER BY l.year DESC LIMIT 1 }}[0] AS data"
    )
    return plan(cypher, b, post)


@root("povertyLine")
def plan_poverty_line(field: Field, view: View, shape: Any) -> Plan:
    """povertyLine(year): the row in force that year, or null; an index seek."""
    return _one_line(field, view, _year, "l.year <= {year}")


def _exact_year(request: Request) -> int:
    return int(request.args["year"])


@root("PovertyLine#year")
def plan_poverty_line_of(field: Field, view: View, shape: Any) -> Plan:
    """The row of exactly that year (setPovertyLine's payload), or null."""
    return _one_line(field, view, _exact_year, "l.year = {year}")


MERGE_POVERTY_LINES = (
    "UNWIND ["
    + ", ".join(
        f"{{year: {year}, line: {line}, exitLine: {'null' if exit_line is None else exit_line}}}"
        for year, line, exit_line in POVERTY_LINES
    )
    + f"] AS row MERGE (l:{Label.POVERTY_LINE} {{year: row.year}}) "
    "ON CREATE SET l.line = row.line, l.exitLine = row.exitLine, l.updatedAt = datetime()"
)
"""The national lines where a year has none (edits survive): the migration and the
seeds run it. The values are POVERTY_LINES, integers written by code."""

# --- poverty lines --------------------------------------------------------------

UPSERT_POVERTY_LINE = (
    f"MERGE (l:{Label.POVERTY_LINE} {{year: $year}}) ON CREATE SET l.updatedAt = datetime()"
)


async def set_poverty_line(
    db: Database,
    actor: Actor,
    mutation: Mutation,
    year: int,
    line: int,
    exit_line: int | None,
    today: dt.date,
) -> dict[str, Any]:
    """Create or change the poverty line of `year`: {year}. BAD_USER_INPUT for a year
    outside 2010 to next year, a line or exitLine outside 1-100,000 yuan, or an
    exitLine below the line (null: the exit threshold is the line). Recorded on the
    PovertyLine (graph/history.py)."""
    check_year(year, "input.year", low=EARLIEST_YEAR, high=today.year + 1)
    check_range(line, "input.line", *LINE_RANGE)
    if exit_line is not None:
        check_range(exit_line, "input.exitLine", *LINE_RANGE)
        if exit_line < line:
            raise BadUserInput("exitLine must not be below line", field="input.exitLine")

    async def work(w: Write) -> dict[str, Any]:
        await w.tx.run(UPSERT_POVERTY_LINE, {"year": year})
        await w.update(Entity.POVERTY_LINE, str(year), {"line": line, "exitLine": exit_line})
        return {"year": year}

    return await write(db, actor, mutation, work)
