"""`fupin import` and `fupin export`: the exchange with the national database
(docs/exchange.md; graph/exchange.py, graph/exchange_read.py, graph/exchange_run.py).
Operator commands run with the database's credentials, like `fupin seed`: no GraphQL
mutation imports in bulk."""

from __future__ import annotations

import csv
import datetime as dt
import json
import sys
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import IO, Annotated, Any

import typer
from rich.console import Console

from api.cli_history import parse_since
from graph.db import Database
from graph.exchange import HOUSEHOLD, INCOME, MEMBER, Line, Problem, check_line, dumps, read_lines
from graph.exchange_read import BATCH, export_lines
from graph.exchange_run import Summary, import_lines
from graph.history import region_prefixes
from graph.validation import check_region_code, today_cst

console = Console(stderr=True)

# --csv: the spreadsheet tables, one header row, the file's names (a member's and an
# income's household first).
CSV_TABLES = {
    "households.csv": [name for name, _ in HOUSEHOLD],
    "members.csv": ["householdCode", *(name for name, _ in MEMBER)],
    "incomes.csv": ["householdCode", *(name for name, _ in INCOME)],
}


def _cell(value: Any) -> Any:
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


class CsvTables:
    """The --csv DIR writers: a row a household, a member, an income."""

    def __init__(self, directory: Path, stack: ExitStack) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.writers = {}
        for name, columns in CSV_TABLES.items():
            f = stack.enter_context((directory / name).open("w", encoding="utf-8", newline=""))
            writer = csv.DictWriter(f, fieldnames=columns, lineterminator="\n")
            writer.writeheader()
            self.writers[name] = writer

    def write(self, line: dict[str, Any]) -> None:
        h = line["household"]
        self.writers["households.csv"].writerow({k: _cell(v) for k, v in h.items()})
        for part, table in (("members", "members.csv"), ("incomes", "incomes.csv")):
            for row in line[part]:
                cells = {k: _cell(v) for k, v in row.items()}
                self.writers[table].writerow({"householdCode": h["code"], **cells})


async def export(
    db: Database,
    region: str,
    since: dt.datetime | None,
    out: IO[str],
    tables: CsvTables | None = None,
) -> tuple[int, int, int]:
    """Write the region's lines to `out`: (regions, officials, households) written."""
    prefixes = await region_prefixes(db, region)
    if prefixes is None:
        raise typer.BadParameter(f"no region {region}", param_hint="--region")
    regions = officials = households = 0
    async for line in export_lines(db, region, prefixes, since):
        out.write(dumps(line))
        if "region" in line:
            regions += 1
            continue
        if "official" in line:
            officials += 1
            continue
        households += 1
        if tables is not None:
            tables.write(line)
    return regions, officials, households


def checked(path: Path, today: dt.date, progress: Any = None) -> Iterator[Line | Problem]:
    for number, text in read_lines(path):
        if progress is not None:
            progress(len(text.encode("utf-8")))
        yield check_line(number, text, today)


def register(app: typer.Typer, settings: Any, with_db: Any) -> None:
    @app.command("export")
    def export_command(
        region: Annotated[str, typer.Option("--region", help="Region code, e.g. 460000")],
        since: Annotated[
            str | None,
            typer.Option(
                help="Only households changed at or after this ISO 8601 time (CST when no offset)"
            ),
        ] = None,
        output: Annotated[Path | None, typer.Option("--output", "-o")] = None,
        csv_dir: Annotated[
            Path | None,
            typer.Option("--csv", help="Also write households.csv, members.csv, incomes.csv here"),
        ] = None,
    ) -> None:
        """Write a region's officials and households as fupin-exchange/1 JSON Lines."""
        check_region_code(region, "--region")
        moment = parse_since(since) if since is not None else None
        s = settings()
        with ExitStack() as stack:
            out = stack.enter_context(output.open("w", encoding="utf-8")) if output else sys.stdout
            tables = CsvTables(csv_dir, stack) if csv_dir is not None else None
            counts = with_db(s, lambda db: export(db, region, moment, out, tables))
        console.print("exported {} regions, {} officials and {} households".format(*counts))

    @app.command("import")
    def import_command(
        file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
        dry_run: Annotated[bool, typer.Option("--dry-run", help="Check and report only")] = False,
        report: Annotated[
            Path | None, typer.Option("--report", help="Write the problems here (JSON Lines)")
        ] = None,
        batch: Annotated[int, typer.Option("--batch", min=1, max=5000)] = BATCH,
    ) -> None:
        """Import a fupin-exchange/1 file: each line checked, good ones upserted in
        batches (one transaction each), bad ones reported and not written."""
        from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn

        s = settings()
        today = today_cst()
        with Progress(
            "{task.description}",
            BarColumn(),
            DownloadColumn(),
            TimeRemainingColumn(),
            console=console,
            transient=True,
        ) as bar:
            task = bar.add_task("checking" if dry_run else "importing", total=file.stat().st_size)

            def advance(n: int) -> None:
                bar.advance(task, n)

            summary: Summary = with_db(
                s,
                lambda db: import_lines(
                    db,
                    checked(file, today, advance),
                    subject=f"import:{file.name}",
                    batch=batch,
                    dry_run=dry_run,
                ),
            )
        for problem in summary.problems[:20]:
            console.print(json.dumps(problem.report(), ensure_ascii=False))
        if len(summary.problems) > 20:
            console.print(f"... and {len(summary.problems) - 20} more (--report FILE)")
        if report is not None:
            with report.open("w", encoding="utf-8") as f:
                for problem in summary.problems:
                    f.write(json.dumps(problem.report(), ensure_ascii=False) + "\n")
                f.write(json.dumps({"summary": summary.report()}) + "\n")
        r = summary.report()
        verb = "would be (dry run)" if dry_run else ""
        console.print(
            f"{r['lines']} lines: {r['created']} created, {r['changed']} changed, "
            f"{r['unchanged']} unchanged, {r['refused']} refused {verb}".rstrip()
            + f"; {r['householdsPerSecond']} households a second"
        )
        sys.stdout.write(json.dumps(r) + "\n")
