"""`fupin history export`: the change history as JSON Lines, oldest first, for
auditors and for the exchange's incremental export (graph/history.py)."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from api.settings import Settings
from graph.db import Database
from graph.history import export_records
from graph.validation import CST, check_region_code

history_app = typer.Typer(no_args_is_help=True, help="The change history (who changed what).")


def parse_since(value: str) -> dt.datetime:
    """An ISO 8601 timestamp; China Standard Time when it names no offset."""
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter("an ISO 8601 timestamp, e.g. 2026-01-01T00:00:00+08:00") from None
    moment = moment if moment.tzinfo else moment.replace(tzinfo=CST)
    # Passed to Neo4j in UTC: a named zone would travel as the zone's rules.
    return moment.astimezone(dt.UTC)


async def export(db: Database, since: dt.datetime, region: str | None, out: Any) -> int:
    prefixes = None
    if region is not None:
        found = await db.read_one(
            "MATCH (r:Region {code: $code}) RETURN r.prefixes AS prefixes", {"code": region}
        )
        if found is None:
            raise typer.BadParameter(f"no region {region}")
        prefixes = list(found["prefixes"])
    written = 0
    async for record in export_records(db, since, prefixes):
        out.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")
        written += 1
    return written


def register(app: typer.Typer, settings: Any, with_db: Any) -> None:
    @history_app.command("export")
    def export_command(
        since: Annotated[str, typer.Option(help="ISO 8601; CST when no offset is given")],
        region: Annotated[str | None, typer.Option(help="Only this region's entities")] = None,
        output: Annotated[Path | None, typer.Option("--output", "-o")] = None,
    ) -> None:
        """Print the change records at or after --since as JSON Lines, oldest first."""
        moment = parse_since(since)
        if region is not None:
            check_region_code(region, "region")
        s: Settings = settings()
        out = output.open("w", encoding="utf-8") if output else sys.stdout
        try:
            written = with_db(s, lambda db: export(db, moment, region, out))
        finally:
            if output:
                out.close()
        if output:
            typer.echo(f"wrote {written} records to {output}", err=True)

    app.add_typer(history_app, name="history")
