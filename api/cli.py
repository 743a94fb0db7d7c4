"""`fupin`: the one command for the local Neo4j, the graph, the demo data and the API."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from rich.console import Console

from api import cli_history, exchange_cli
from api.audit_cli import audit_app
from api.settings import Settings, SettingsError, load_settings
from graph.db import Database
from graph.errors import DatabaseUnavailable
from graph.local import LocalNeo4j, LocalNeo4jError

T = TypeVar("T")

app = typer.Typer(no_args_is_help=True, add_completion=False, help=__doc__)
neo4j_app = typer.Typer(no_args_is_help=True, help="The project's own embedded Neo4j.")
db_app = typer.Typer(no_args_is_help=True, help="The graph's schema.")
schema_app = typer.Typer(no_args_is_help=True, help="The GraphQL schema.")
app.add_typer(neo4j_app, name="neo4j")
app.add_typer(db_app, name="db")
app.add_typer(schema_app, name="schema")
app.add_typer(audit_app, name="audit")

console = Console(stderr=True)


def settings() -> Settings:
    try:
        return load_settings()
    except SettingsError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None


def local_neo4j(s: Settings) -> LocalNeo4j:
    return LocalNeo4j(
        home=s.neo4j_home,
        port=s.neo4j_port,
        password=s.neo4j_password.get_secret_value(),
        lib=s.neo4j_lib,
        heap_mb=s.neo4j_heap_mb,
        pagecache_mb=s.neo4j_pagecache_mb,
        tx_timeout_s=max(int(s.query_timeout_s * 6), 60),
    )


def with_db(
    s: Settings, work: Callable[[Database], Awaitable[T]], *, timeout_s: float | None = 3600
) -> T:
    """Run `work` with a driver of its own; `timeout_s` bounds each transaction (None:
    the API's query timeout)."""

    async def run() -> T:
        db = s.database(timeout_s=timeout_s)
        try:
            return await work(db)
        finally:
            await db.close()

    try:
        return asyncio.run(run())
    except DatabaseUnavailable:
        console.print(f"[red]Neo4j does not answer at {s.bolt_uri}[/red] (fupin neo4j start?)")
        raise typer.Exit(1) from None


@neo4j_app.command("start")
def neo4j_start() -> None:
    """Start the local Neo4j (resolving its jars the first time) and wait for Bolt."""
    s = settings()
    if not s.local:
        console.print("NEO4J_URI is set: using that database, nothing local to start.")
        return
    started = dt.datetime.now()
    try:
        pid = local_neo4j(s).start(say=console.print)
    except LocalNeo4jError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from None
    seconds = (dt.datetime.now() - started).total_seconds()
    console.print(f"Neo4j is up at {s.bolt_uri} (pid {pid}, {seconds:.1f} s)")


@neo4j_app.command("stop")
def neo4j_stop() -> None:
    """Shut the local Neo4j down cleanly."""
    s = settings()
    stopped = local_neo4j(s).stop()
    console.print("Neo4j stopped." if stopped else "Neo4j was not running.")


@neo4j_app.command("status")
def neo4j_status() -> None:
    """Say whether the local Neo4j runs; exit 1 when it does not."""
    s = settings()
    if not s.local:
        console.print(f"NEO4J_URI is set: {s.bolt_uri}")
        return
    pid = local_neo4j(s).pid()
    if pid is None:
        console.print("Neo4j is not running.")
        raise typer.Exit(1)
    console.print(f"Neo4j is running (pid {pid}) at {s.bolt_uri}, data in {s.neo4j_home}")


@db_app.command("migrate")
def db_migrate() -> None:
    """Apply the graph's constraints and indexes (idempotent)."""
    from graph import migrations

    s = settings()
    applied = with_db(s, migrations.migrate)
    if applied:
        for step in applied:
            console.print(f"applied {step.version}: {step.description}")
    else:
        console.print(f"schema is current (version {migrations.LATEST})")


@db_app.command("mark-test")
def db_mark_test(
    yes: Annotated[bool, typer.Option("--yes", help="Confirm: the tests will wipe it")] = False,
) -> None:
    """Mark the configured database as a throwaway test database (tests wipe it)."""
    if not yes:
        console.print("[red]the test suite wipes a marked database: pass --yes to mark it[/red]")
        raise typer.Exit(2)
    s = settings()

    from graph.testdb import mark_test_database

    with_db(s, mark_test_database)
    console.print(f"marked {s.bolt_uri} as a test database")


@app.command("seed")
def seed(
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Reference date YYYY-MM-DD (default: today, CST)")
    ] = None,
    households: Annotated[
        int | None,
        typer.Option(
            "--households",
            min=1,
            max=1_000_000,
            help="Generate a province-scale graph of this many households instead of the demo",
        ),
    ] = None,
    seed_: Annotated[
        int, typer.Option("--seed", help="Random seed of the generator (same seed, same graph)")
    ] = 1,
    planted_report: Annotated[
        Path | None,
        typer.Option(
            "--planted-report",
            help="With --households: write the audit cases planted (finding keys by rule) "
            "to this JSON file",
        ),
    ] = None,
) -> None:
    """Load the demo story, or with --households generate a province-scale graph
    (idempotent: a second run duplicates nothing)."""
    from graph import migrations
    from graph.validation import today_cst

    s = settings()
    try:
        reference = dt.date.fromisoformat(as_of) if as_of else today_cst()
    except ValueError:
        console.print(f"[red]--as-of must be a date YYYY-MM-DD, not {as_of!r}[/red]")
        raise typer.Exit(2) from None

    async def demo(db: Database) -> None:
        from seeds.demo import load_demo

        await migrations.migrate(db)
        summary = await load_demo(db, reference, say=console.print)
        console.print(f"demo story loaded as of {reference}: {summary}")

    async def generated(db: Database) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        from graph.errors import FupinError
        from seeds.generator import generate

        assert households is not None
        await migrations.migrate(db)
        columns = (
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
        )
        try:
            with Progress(*columns, console=console) as progress:
                summary = await generate(
                    db, households=households, seed=seed_, as_of=reference, progress=progress
                )
        except FupinError as exc:
            console.print(f"[red]{exc.message}[/red]")
            raise typer.Exit(2) from None
        console.print(f"generated as of {reference} with seed {seed_}: {summary.line()}")
        planted = sum(len(keys) for keys in summary.planted.values())
        console.print(f"planted {planted:,} audit cases (seeds/anomalies.py)")
        if planted_report is not None:
            report = {"seed": seed_, "households": households, "asOf": reference.isoformat(),
                      "planted": summary.planted}  # fmt: skip
            planted_report.write_text(json.dumps(report, indent=2) + "\n")
            console.print(f"wrote {planted_report}")

    with_db(s, demo if households is None else generated)


@app.command("serve")
def serve(
    reload: Annotated[bool, typer.Option(help="Reload on code changes")] = False,
    workers: Annotated[int, typer.Option(min=1, max=64, help="Worker processes")] = 1,
) -> None:
    """Serve the API with uvicorn at API_HOST:API_PORT (`--workers N` processes share
    the port; each has its own driver and plan cache)."""
    import uvicorn

    from api.logs import log_config

    s = settings()
    if s.logs_as == "text":  # with json, every line on stderr is a JSON object
        console.print(f"GraphQL at http://{s.api_host}:{s.api_port}/graphql")
    uvicorn.run(
        "api.app:create_app",
        factory=True,
        host=s.api_host,
        port=s.api_port,
        reload=reload,
        workers=None if reload else workers,
        log_config=log_config(s.logs_as),
        # The app writes its own access line; X-Forwarded-For counts only from
        # FUPIN_TRUSTED_PROXIES (api/ratelimit.py), not uvicorn's own allow-list.
        access_log=False,
        proxy_headers=False,
    )


@schema_app.command("export")
def schema_export(
    output: Annotated[Path, typer.Option("--output", "-o")] = Path("schema.graphql"),
) -> None:
    """Write the SDL of the schema the code builds (schema.graphql at the root)."""
    from api.sdl import export_sdl

    output.write_text(export_sdl())
    console.print(f"wrote {output}")


@schema_app.command("exchange")
def schema_exchange() -> None:
    """Write exchange/household.schema.json, the exchange file's JSON Schema, from the
    field tables of graph/exchange.py."""
    from graph.exchange import SCHEMA_PATH, schema_text

    SCHEMA_PATH.write_text(schema_text(), encoding="utf-8")
    console.print(f"wrote {SCHEMA_PATH}")


@app.command("token")
def token(
    role: Annotated[str, typer.Option("--role", help="ADMIN, REGION_OFFICER, ...")],
    scope: Annotated[
        str | None, typer.Option("--scope", help="Region, official or seller code")
    ] = None,
    subject: Annotated[str | None, typer.Option("--subject")] = None,
    hours: Annotated[int, typer.Option("--hours", min=1, max=24 * 30)] = 8,
) -> None:
    """Mint a development token (HS256, the configured secret) and print it. A region,
    official or seller code given as --scope must exist in the database this points at."""
    from api.auth import Role, mint_token
    from graph.scope import Scope, scope_exists

    s = settings()
    if s.mode == "production":
        console.print("[red]tokens are not minted here in production mode[/red]")
        raise typer.Exit(2)
    try:
        value = mint_token(s, Role(role.upper()), scope=scope, subject=subject, ttl_s=hours * 3600)
    except ValueError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None
    if scope:
        kinds = {Role.REGION_OFFICER: ("region", Scope.region),
                 Role.MERCHANT: ("seller", Scope.seller)}  # fmt: skip
        what, make = kinds.get(Role(role.upper()), ("official", Scope.official))
        named = make(scope)
        if not with_db(s, lambda db: scope_exists(db, named)):
            console.print(f"[red]no such {what} {scope!r} in the database at {s.bolt_uri}[/red]")
            raise typer.Exit(2)
    sys.stdout.write(value + "\n")


cli_history.register(app, settings, with_db)
exchange_cli.register(app, settings, with_db)


def main() -> None:
    app()
