"""`fupin audit`: the file audit from the command line (api/cli.py adds it).

fupin audit run --region CODE [--rule R ...]   a run in the foreground
fupin audit import-list --list L FILE          a cross-check list, in batches
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from graph.db import Database

audit_app = typer.Typer(no_args_is_help=True, help="The file audit: runs and cross-check lists.")
CONSOLE = Console(stderr=True)


def _progress() -> Any:
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    return Progress(*columns, TimeElapsedColumn(), console=CONSOLE)


def _cli_actor() -> Any:
    import getpass

    from graph.scope import Scope
    from graph.write import Actor

    return Actor(Scope.everything(), f"cli:{getpass.getuser()}", "ADMIN")


@audit_app.command("run")
def audit_run(
    region: Annotated[str, typer.Option("--region", help="The region's code (any level)")],
    rule: Annotated[
        list[str] | None, typer.Option("--rule", help="A rule (repeat it; default: all)")
    ] = None,
) -> None:
    """Run the file audit over a region in the foreground, with a progress bar: the
    same run runAudit starts (one at a time, each rule and county-level unit a
    transaction of its own, progress on the run for auditRun)."""
    from api.cli import settings, with_db
    from graph.audit import AuditRule
    from graph.audit_run import execute_run, stale_after, start_run
    from graph.errors import FupinError
    from graph.validation import check_region_code
    from graph.write import Mutation

    s = settings()
    try:
        code = check_region_code(region, "--region")
        rules = [AuditRule(r.upper()) for r in rule] if rule else list(AuditRule)
    except (FupinError, ValueError):
        CONSOLE.print(f"[red]--region is a region code; --rule one of {', '.join(AuditRule)}[/red]")
        raise typer.Exit(2) from None

    async def work(db: Database) -> dict[str, Any]:
        request = {"regionCode": code, "rules": [r.value for r in rules]}
        started = await start_run(
            db, _cli_actor(), Mutation("runAudit", None, request), code, rules,
            stale_s=stale_after(s.query_timeout_s),
        )  # fmt: skip
        with _progress() as progress:
            task = progress.add_task(f"audit {code}", total=None)
            await execute_run(
                db,
                started["id"],
                progress=lambda done, total: progress.update(task, completed=done, total=total),
            )
        record = await db.read_one(
            "MATCH (r:AuditRun {id: $id}) RETURN r {.id, .status, .found, .added, .gone, "
            ".error} AS run",
            {"id": started["id"]},
        )
        assert record is not None
        return dict(record["run"])

    try:
        run = with_db(s, work, timeout_s=None)
    except FupinError as exc:
        CONSOLE.print(f"[red]{exc.message}[/red]")
        raise typer.Exit(2) from None
    except KeyboardInterrupt:
        CONSOLE.print("[red]stopped: the run is marked FAILED[/red]")
        raise typer.Exit(130) from None
    CONSOLE.print(
        f"run {run['id']} {run['status']}: {run['found']:,} found, {run['added']:,} new, "
        f"{run['gone']:,} no longer found" + (f" ({run['error']})" if run["error"] else "")
    )
    if run["status"] != "DONE":
        raise typer.Exit(1)


@audit_app.command("import-list")
def audit_import_list(
    file: Annotated[Path, typer.Argument(help="One ID number a line")],
    list_: Annotated[str, typer.Option("--list", help="CIVIL_SERVANT, VEHICLE_OWNER, ...")],
    source: Annotated[
        str | None, typer.Option("--source", help="Where it came from (default: the file name)")
    ] = None,
    batch: Annotated[int, typer.Option("--batch", min=1, max=10_000)] = 5_000,
) -> None:
    """Import a cross-check list: valid ID numbers in batches (a transaction each, as
    importCrossCheckList); malformed lines are skipped and reported by line number,
    never by their value."""
    from api.cli import settings, with_db
    from graph.crosscheck import CrossCheckList, import_list
    from graph.errors import BadUserInput, FupinError
    from graph.validation import check_id_number
    from graph.write import Mutation

    s = settings()
    try:
        name = CrossCheckList(list_.upper())
    except ValueError:
        CONSOLE.print(f"[red]--list is one of {', '.join(CrossCheckList)}[/red]")
        raise typer.Exit(2) from None
    try:
        lines = file.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeError) as exc:
        CONSOLE.print(f"[red]cannot read {file}: {type(exc).__name__}[/red]")
        raise typer.Exit(2) from None
    numbers: dict[str, None] = {}
    malformed: list[int] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            numbers[check_id_number(line, f"line {number}")] = None
        except BadUserInput:
            malformed.append(number)
    ids = list(numbers)
    origin = (source or file.name).strip()[:200] or file.name

    async def work(db: Database) -> tuple[int, int]:
        added = 0
        with _progress() as progress:
            task = progress.add_task(f"importing {name.value}", total=len(ids))
            for start in range(0, len(ids), batch):
                chunk = ids[start : start + batch]
                result = await import_list(
                    db, _cli_actor(), Mutation("importCrossCheckList"), name, origin, chunk
                )
                added += int(result["added"])
                progress.advance(task, len(chunk))
        return len(ids), added

    try:
        received, added = with_db(s, work, timeout_s=None) if ids else (0, 0)
    except FupinError as exc:
        CONSOLE.print(f"[red]{exc.message}[/red]")
        raise typer.Exit(2) from None
    CONSOLE.print(f"{name.value}: {received:,} distinct ID numbers, {added:,} new to the list")
    if malformed:
        shown = ", ".join(str(n) for n in malformed[:50])
        more = f" and {len(malformed) - 50:,} more" if len(malformed) > 50 else ""
        CONSOLE.print(
            f"[yellow]{len(malformed):,} malformed lines skipped: line {shown}{more}[/yellow]"
        )
        raise typer.Exit(1)
