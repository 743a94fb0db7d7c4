"""Guards for test databases: the marker node, and a wipe that refuses unmarked data."""

from __future__ import annotations

from neo4j import Driver

from graph.db import Database

TEST_PASSWORD = "fupin-test-only"

MARK = "MERGE (:FupinTestDatabase {id: 'fupin'})"


class NotATestDatabase(RuntimeError):
    pass


def ensure_test_marker(driver: Driver, *, started_here: bool) -> None:
    """Mark a database the suite started itself when it is empty; otherwise insist the
    marker is already there."""
    records, _, _ = driver.execute_query(
        "OPTIONAL MATCH (m:FupinTestDatabase) WITH count(m) AS marked "
        "CALL () { MATCH (n) WHERE NOT n:SchemaVersion RETURN count(n) AS nodes } "
        "RETURN marked, nodes"
    )
    marked, nodes = records[0]["marked"], records[0]["nodes"]
    if marked:
        return
    if started_here and nodes == 0:
        driver.execute_query(MARK)
        return
    raise NotATestDatabase(
        "refusing to use a database without the test marker: it may hold real data "
        "(mark a throwaway database with `fupin db mark-test`)"
    )


def wipe(driver: Driver) -> None:
    """Delete every node but the marker and the schema version; refuses unless marked."""
    records, _, _ = driver.execute_query("MATCH (m:FupinTestDatabase) RETURN count(m) AS marked")
    if not records[0]["marked"]:
        raise NotATestDatabase("refusing to wipe a database without the test marker")
    with driver.session() as session:
        session.run(
            "MATCH (n) WHERE NOT n:FupinTestDatabase AND NOT n:SchemaVersion "
            "CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS"
        ).consume()


async def mark_test_database(db: Database) -> None:
    """Mark the database as a throwaway one that the test suite may wipe."""
    await db.run_autocommit(MARK)
