"""Graph schema migrations: constraints, indexes and data fixes, applied in order.

Each step has a version, schema statements written with IF NOT EXISTS (run again on
every migrate, so a dropped constraint comes back; running them again changes
nothing), and data statements, run once when the step is applied (idempotent too, in
batches: `CALL { } IN TRANSACTIONS`). The highest applied version is kept on the
`(:SchemaVersion {id: 'fupin'})` node. Append new steps; never edit an applied one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from graph.db import Database
from graph.derived import SUMMARIZE_CONTACTS, SUMMARIZE_LOAD, summarize_support
from graph.household import REGISTRATION_FROM_YEAR, UNMARKED_DEREGISTERED, mark_deregistered
from graph.monitoring import MIGRATE_MONITORED
from graph.payment import SUMMARIZE_PAYMENTS
from graph.poverty_line import MERGE_POVERTY_LINES
from graph.product import CATALOGUE, UPSERT_CATALOGUE
from graph.sales_summary import SUMMARIZE_EVERY_DAY
from graph.status import BACKFILL_FIRST, SUMMARIZE_STATUS, WITHOUT_HISTORY
from graph.village_keys import SUMMARIZE_VILLAGE
from graph.village_stats import migration_statement

VILLAGE_STATS = migration_statement()


@dataclass(frozen=True)
class Step:
    version: int
    description: str
    statements: tuple[str, ...]
    data: tuple[str, ...] = ()
    # Parameters of the data statements (values from code, never from input).
    params: Mapping[str, Any] = field(default_factory=dict)


def _batched(match: str, change: str) -> str:
    return f"{match} CALL (h) {{ {change} }} IN TRANSACTIONS OF 10000 ROWS"


STEPS: tuple[Step, ...] = (
    Step(
        1,
        "node keys of the household file",
        (
            "CREATE CONSTRAINT region_code IF NOT EXISTS FOR (n:Region) REQUIRE n.code IS UNIQUE",
            "CREATE CONSTRAINT household_code IF NOT EXISTS "
            "FOR (n:Household) REQUIRE n.code IS UNIQUE",
            "CREATE CONSTRAINT person_id_number IF NOT EXISTS "
            "FOR (n:Person) REQUIRE n.idNumber IS UNIQUE",
            "CREATE CONSTRAINT official_code IF NOT EXISTS "
            "FOR (n:Official) REQUIRE n.code IS UNIQUE",
            "CREATE CONSTRAINT visit_id IF NOT EXISTS FOR (n:Visit) REQUIRE n.id IS UNIQUE",
            "CREATE CONSTRAINT client_mutation_id IF NOT EXISTS "
            "FOR (n:ClientMutation) REQUIRE n.id IS UNIQUE",
            "CREATE CONSTRAINT schema_version_id IF NOT EXISTS "
            "FOR (n:SchemaVersion) REQUIRE n.id IS UNIQUE",
            "CREATE INDEX region_level IF NOT EXISTS FOR (n:Region) ON (n.level)",
            "CREATE INDEX household_status IF NOT EXISTS FOR (n:Household) ON (n.status)",
            "CREATE INDEX household_village IF NOT EXISTS FOR (n:Household) ON (n.villageCode)",
        ),
    ),
    Step(
        2,
        "pairings by id, visits by date, households by coverage",
        (
            "CREATE INDEX paired_with_id IF NOT EXISTS FOR ()-[r:PAIRED_WITH]-() ON (r.id)",
            "CREATE INDEX visit_date IF NOT EXISTS FOR (n:Visit) ON (n.date)",
            "CREATE INDEX household_responsible IF NOT EXISTS "
            "FOR (n:Household) ON (n.responsibleOfficial)",
            "CREATE INDEX household_last_visit IF NOT EXISTS "
            "FOR (n:Household) ON (n.lastVisitDate)",
        ),
    ),
    Step(
        3,
        "deregistered households get the status DEREGISTERED",
        (),
        (_batched(f"MATCH (h:Household) WHERE {UNMARKED_DEREGISTERED}", mark_deregistered("h")),),
    ),
    Step(
        4,
        "households get a registration date: 1 January of their registration year where "
        "nothing better is known",
        (),
        (
            _batched(
                "MATCH (h:Household) WHERE h.registrationDate IS NULL",
                f"SET h.registrationDate = {REGISTRATION_FROM_YEAR}",
            ),
        ),
    ),
    Step(
        5,
        "coverage summaries on villages (graph/coverage.py)",
        (),
        (
            "MATCH (v:Region {level: 'VILLAGE'}) "
            f"CALL (v) {{ {SUMMARIZE_VILLAGE} }} IN TRANSACTIONS OF 500 ROWS",
        ),
    ),
    Step(
        6,
        "a random ref on every person, unique (graph/explore.py names people by it)",
        ("CREATE CONSTRAINT person_ref IF NOT EXISTS FOR (n:Person) REQUIRE n.ref IS UNIQUE",),
        (
            "MATCH (p:Person) WHERE p.ref IS NULL "
            "CALL (p) { SET p.ref = randomUUID() } IN TRANSACTIONS OF 10000 ROWS",
        ),
    ),
    Step(
        7,
        "change records by time and by entity (graph/history.py)",
        (
            "CREATE INDEX change_record_at IF NOT EXISTS FOR (n:ChangeRecord) ON (n.at)",
            "CREATE INDEX change_record_entity IF NOT EXISTS "
            "FOR (n:ChangeRecord) ON (n.entityType, n.entityKey)",
        ),
    ),
    Step(
        8,
        "support measures, income records and poverty lines (graph/measure.py, "
        "graph/income.py): their keys, and the national lines where a year has none",
        (
            "CREATE CONSTRAINT measure_id IF NOT EXISTS FOR (n:Measure) REQUIRE n.id IS UNIQUE",
            "CREATE CONSTRAINT income_record_id IF NOT EXISTS "
            "FOR (n:IncomeRecord) REQUIRE n.id IS UNIQUE",
            "CREATE CONSTRAINT poverty_line_year IF NOT EXISTS "
            "FOR (n:PovertyLine) REQUIRE n.year IS UNIQUE",
        ),
        (MERGE_POVERTY_LINES,),
    ),
    Step(
        9,
        "traceability: products, cooperatives, lots, trace events and payments by their keys, "
        "trace codes unique per label; DOMAIN.md's products (ON CREATE: edits survive)",
        (
            "CREATE CONSTRAINT product_code IF NOT EXISTS FOR (n:Product) REQUIRE n.code IS UNIQUE",
            "CREATE CONSTRAINT cooperative_code IF NOT EXISTS "
            "FOR (n:Cooperative) REQUIRE n.code IS UNIQUE",
            "CREATE CONSTRAINT cooperative_trace_code IF NOT EXISTS "
            "FOR (n:Cooperative) REQUIRE n.traceCode IS UNIQUE",
            "CREATE CONSTRAINT household_trace_code IF NOT EXISTS "
            "FOR (n:Household) REQUIRE n.traceCode IS UNIQUE",
            "CREATE CONSTRAINT lot_trace_code IF NOT EXISTS "
            "FOR (n:Lot) REQUIRE n.traceCode IS UNIQUE",
            "CREATE CONSTRAINT trace_event_id IF NOT EXISTS "
            "FOR (n:TraceEvent) REQUIRE n.id IS UNIQUE",
            "CREATE CONSTRAINT payment_id IF NOT EXISTS FOR (n:Payment) REQUIRE n.id IS UNIQUE",
            "CREATE INDEX cooperative_member_id IF NOT EXISTS "
            "FOR ()-[r:COOPERATIVE_MEMBER]-() ON (r.id)",
        ),
        (UPSERT_CATALOGUE,),
        {"products": list(CATALOGUE)},
    ),
    Step(
        10,
        "the file audit: runs, its lock, findings by id and key, cross-check lists, "
        "officials by ID number (graph/audit.py)",
        (
            "CREATE CONSTRAINT audit_run_id IF NOT EXISTS FOR (n:AuditRun) REQUIRE n.id IS UNIQUE",
            "CREATE CONSTRAINT audit_lock_id IF NOT EXISTS "
            "FOR (n:AuditLock) REQUIRE n.id IS UNIQUE",
            "CREATE CONSTRAINT finding_id IF NOT EXISTS FOR (n:Finding) REQUIRE n.id IS UNIQUE",
            "CREATE CONSTRAINT finding_key IF NOT EXISTS FOR (n:Finding) REQUIRE n.key IS UNIQUE",
            "CREATE CONSTRAINT cross_check_entry_key IF NOT EXISTS "
            "FOR (n:CrossCheckEntry) REQUIRE n.key IS UNIQUE",
            "CREATE CONSTRAINT cross_check_import_id IF NOT EXISTS "
            "FOR (n:CrossCheckImport) REQUIRE n.id IS UNIQUE",
            "CREATE INDEX audit_run_status IF NOT EXISTS FOR (n:AuditRun) ON (n.status)",
            "CREATE INDEX finding_place IF NOT EXISTS FOR (n:Finding) ON (n.place)",
            "CREATE INDEX finding_last_seen IF NOT EXISTS FOR (n:Finding) ON (n.lastSeenAt)",
            "CREATE INDEX cross_check_entry_id_number IF NOT EXISTS "
            "FOR (n:CrossCheckEntry) ON (n.idNumber)",
            "CREATE INDEX cross_check_import_at IF NOT EXISTS "
            "FOR (n:CrossCheckImport) ON (n.importedAt)",
            "CREATE INDEX official_id_number IF NOT EXISTS FOR (n:Official) ON (n.idNumber)",
        ),
    ),
    Step(
        11,
        "exit assessments and status history (graph/assessment.py, graph/status.py): their "
        "keys, households by exit year; each household without a history gets {null to its "
        "status, 1 January of its registration year, BACKFILLED} (a deregistered one: the "
        "status it had, then DEREGISTERED on its date) and its statusSince",
        (
            "CREATE CONSTRAINT status_change_id IF NOT EXISTS "
            "FOR (n:StatusChange) REQUIRE n.id IS UNIQUE",
            "CREATE CONSTRAINT assessment_id IF NOT EXISTS "
            "FOR (n:Assessment) REQUIRE n.id IS UNIQUE",
            "CREATE INDEX household_exit_year IF NOT EXISTS FOR (n:Household) ON (n.exitYear)",
        ),
        (
            _batched(
                f"MATCH (h:Household) WHERE {WITHOUT_HISTORY}",
                f"SET h.statusSince = coalesce(h.deregisteredOn, {REGISTRATION_FROM_YEAR}) "
                f"WITH h {BACKFILL_FIRST}",
            ),
        ),
    ),
    Step(
        12,
        "sales (issue 16): sellers by code, orders and buyers by (seller, id); orders by "
        "placedAt and payments by date for salesImpact's window",
        (
            "CREATE CONSTRAINT seller_code IF NOT EXISTS FOR (n:Seller) REQUIRE n.code IS UNIQUE",
            "CREATE CONSTRAINT order_key IF NOT EXISTS "
            "FOR (n:Order) REQUIRE (n.sellerCode, n.id) IS UNIQUE",
            "CREATE CONSTRAINT buyer_key IF NOT EXISTS "
            "FOR (n:Buyer) REQUIRE (n.sellerCode, n.id) IS UNIQUE",
            "CREATE INDEX order_placed_at IF NOT EXISTS FOR (n:Order) ON (n.placedAt)",
            "CREATE INDEX payment_date IF NOT EXISTS FOR (n:Payment) ON (n.date)",
        ),
    ),
    Step(
        13,
        "return-to-poverty monitoring and feedback (issue 13; graph/monitoring.py, "
        "graph/feedback.py): their keys, records by group (atRiskHouseholds' sudden "
        "hardships); each household stored `monitored: true` without an open record gets "
        "one (EXITED: UNSTABLE_EXITED, else SUDDEN_HARDSHIP; [OTHER]; from its statusSince)",
        (
            "CREATE CONSTRAINT monitoring_record_id IF NOT EXISTS "
            "FOR (n:MonitoringRecord) REQUIRE n.id IS UNIQUE",
            "CREATE CONSTRAINT feedback_id IF NOT EXISTS FOR (n:Feedback) REQUIRE n.id IS UNIQUE",
            "CREATE INDEX monitoring_record_group IF NOT EXISTS "
            "FOR (n:MonitoringRecord) ON (n.group)",
            "CREATE INDEX feedback_submitted_on IF NOT EXISTS FOR (n:Feedback) ON (n.submittedOn)",
        ),
        (MIGRATE_MONITORED,),
    ),
    Step(
        17,
        "statistics (issue 14, graph/stats.py): every household's measure, income and status "
        "summaries (graph/derived.py), which regionStats and measureImpact read",
        (),
        (
            "MATCH (h:Household) CALL (h) { "
            f"{summarize_support()} {SUMMARIZE_STATUS} }} IN TRANSACTIONS OF 5000 ROWS",
        ),
    ),
    Step(
        18,
        "salesImpact reads a region's lots by village (graph/sales_impact.py)",
        ("CREATE INDEX lot_village IF NOT EXISTS FOR (n:Lot) ON (n.villageCode)",),
        (),
    ),
    Step(
        19,
        "atRiskHouseholds as of today seeks a region's households by status (graph/at_risk.py)",
        (
            "CREATE INDEX household_status_code IF NOT EXISTS "
            "FOR (n:Household) ON (n.status, n.code)",
        ),
        (),
    ),
    Step(
        20,
        "coverage as of a past date (graph/coverage.py): every household's pairing and "
        "visit summaries and every official's pairing summary (graph/derived.py)",
        (),
        (
            f"MATCH (h:Household) CALL (h) {{ {SUMMARIZE_CONTACTS} }} IN TRANSACTIONS OF 5000 ROWS",
            f"MATCH (o:Official) CALL (o) {{ {SUMMARIZE_LOAD} }} IN TRANSACTIONS OF 5000 ROWS",
        ),
    ),
    Step(
        21,
        "salesImpact sums the sales summaries (graph/sales_summary.py): one per region that "
        "is not a village and CST day with orders, unique on (regionCode, day), written for "
        "every day with a PLACED order, a day a transaction",
        (
            "CREATE CONSTRAINT sales_day_key IF NOT EXISTS "
            "FOR (n:SalesDay) REQUIRE (n.regionCode, n.day) IS UNIQUE",
        ),
        (SUMMARIZE_EVERY_DAY,),
        {"regions": None},
    ),
    Step(
        22,
        "salesImpact reads the households' payment summaries (graph/payment.py): one per "
        "household with an unvoided ACCEPTANCE or SALE payment, unique on its code",
        (
            "CREATE CONSTRAINT household_payments_code IF NOT EXISTS "
            "FOR (n:HouseholdPayments) REQUIRE n.code IS UNIQUE",
        ),
        (
            "MATCH (h:Household) WHERE EXISTS { (h)<-[:PAID_TO]-(:Payment) } "
            f"CALL (h) {{ {SUMMARIZE_PAYMENTS} }} IN TRANSACTIONS OF 5000 ROWS",
        ),
    ),
    Step(
        23,
        "regionStats sums the villages' statistics summaries (graph/village_stats.py): "
        "every village's, per year, as of today",
        (),
        (VILLAGE_STATS[0],),
        VILLAGE_STATS[1],
    ),
)

LATEST = max(step.version for step in STEPS)


async def current_version(db: Database) -> int:
    record = await db.read_one(
        "OPTIONAL MATCH (v:SchemaVersion {id: 'fupin'}) RETURN coalesce(v.version, 0) AS version"
    )
    return int(record["version"]) if record else 0


async def migrate(db: Database) -> list[Step]:
    """Apply the steps above the recorded version; returns the steps applied."""
    applied: list[Step] = []
    version = await current_version(db)
    for step in STEPS:
        if step.version <= version:
            continue
        for statement in step.statements:
            await db.run_autocommit(statement)
        if step.data:
            await db.run_autocommit("CALL db.awaitIndexes(300)")
        for statement in step.data:
            await db.run_autocommit(statement, dict(step.params))
        await db.run_autocommit(
            "MERGE (v:SchemaVersion {id: 'fupin'}) SET v.version = $version, "
            "v.appliedAt = datetime()",
            {"version": step.version},
        )
        applied.append(step)
    if not applied:
        # Constraints may have been dropped by hand; IF NOT EXISTS makes this cheap.
        for step in STEPS:
            for statement in step.statements:
                await db.run_autocommit(statement)
    await db.run_autocommit("CALL db.awaitIndexes(300)")
    return applied
