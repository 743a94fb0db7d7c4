"""The one door to Neo4j: an async driver, reads routed as reads, writes as one
transaction each, every statement counted, and driver failures turned into
`DatabaseUnavailable`.

Every statement the API runs goes through `Database.read`, `run_autocommit` or a `Tx`
from `Database.write`, and each one is timed and told to the statement sinks of the
current context (`observe_statements`): `count_statements` collects the Cypher (the
tests use it to prove that nested pages cost a fixed number of statements), and the
API's request record (api/observe.py) counts and times them per request and logs the
slow ones. With no sink in the context a statement costs one context-variable read.

Routing: reads go in read transactions (`execute_query` with `routing_=READ`), writes in
write transactions (`execute_write`), so that with `NEO4J_URI=neo4j://...` a cluster
sends reads to its secondaries and only writes to the leader. `TRANSACTIONS` counts this
process's committed transactions by access mode and by whether a statement in them
could write (the planner's query type); a write transaction whose statements all only
read is a read sent as a write (`READ_AS_WRITE`, its Cypher kept in `MISROUTED`): the
suite fails on any (tests/conftest.py), `/metrics` shows the counts.

Read-your-writes: a `Causal` chain in the context (`causal(...)`, one per API request)
holds the bookmarks the request must see (sent back by the client: api/bookmarks.py)
and gathers those of its own writes. Every read and write of the context passes it to
the driver, so a read after a write waits, on whichever cluster member serves it, until
that member has the write. Outside a chain (the CLI, background runs) nothing waits.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections import Counter, deque
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator, Mapping
from time import perf_counter
from types import TracebackType
from typing import Any, Protocol, TypeVar

import neo4j
from neo4j import (
    AsyncDriver,
    AsyncGraphDatabase,
    AsyncManagedTransaction,
    RoutingControl,
)
from neo4j.api import AsyncBookmarkManager
from neo4j.exceptions import (
    ClientError,
    ConstraintError,
    DriverError,
    ServiceUnavailable,
    SessionExpired,
    TransientError,
)

from graph.errors import BadUserInput, Conflict, DatabaseUnavailable, FupinError

T = TypeVar("T")
Params = Mapping[str, Any]


class StatementSink(Protocol):
    def statement(self, cypher: str, seconds: float) -> None:
        """One statement ran (or failed) in `seconds`; `cypher` holds no values."""


_sinks: contextvars.ContextVar[tuple[StatementSink, ...]] = contextvars.ContextVar(
    "fupin_statement_sinks", default=()
)


def push_sink(sink: StatementSink) -> contextvars.Token[tuple[StatementSink, ...]]:
    """Tell `sink` of every statement run from now on in this context; undo with
    `pop_sink(token)` (in the same context)."""
    return _sinks.set((*_sinks.get(), sink))


def pop_sink(token: contextvars.Token[tuple[StatementSink, ...]]) -> None:
    _sinks.reset(token)


@contextlib.contextmanager
def observe_statements(sink: StatementSink) -> Iterator[None]:
    """Tell `sink` of every statement run inside the block (in this context)."""
    token = push_sink(sink)
    try:
        yield
    finally:
        pop_sink(token)


class _Seen(list[str]):
    def statement(self, cypher: str, seconds: float) -> None:
        self.append(cypher)


@contextlib.contextmanager
def count_statements() -> Iterator[list[str]]:
    """Collect the Cypher of every statement run inside the block (in this context)."""
    seen = _Seen()
    with observe_statements(seen):
        yield seen


# --- routing: which transactions read and which write -------------------------------

READ = RoutingControl.READ.name
WRITE = RoutingControl.WRITE.name
_READ_ROUTING = RoutingControl.READ  # what `Database.read` asks for, and counts
READ_AS_WRITE = (WRITE, "read")
TRANSACTIONS: Counter[tuple[str, str]] = Counter()
"""(access mode, "read" | "write") -> committed transactions of this process: "write"
when one of its statements could write (query type other than "r")."""
MISROUTED: deque[str] = deque(maxlen=20)
"""The first statement of the latest reads sent as writes (Cypher text, no values)."""


def _count(mode: str, kinds: list[str], first: str | None) -> None:
    wrote = any(kind != "r" for kind in kinds)
    TRANSACTIONS[(mode, "write" if wrote else "read")] += 1
    if mode == WRITE and not wrote:
        MISROUTED.append(first or "(no statement)")


# --- read-your-writes: the bookmarks of a request -------------------------------------


class Causal:
    """The bookmarks one unit of work (an API request) must see, and those of its
    writes once they commit: the driver's bookmark manager, given to every transaction
    run in the context. `wrote` once a write committed."""

    __slots__ = ("manager", "wrote")

    def __init__(self, bookmarks: Iterable[str] = ()) -> None:
        self.manager: AsyncBookmarkManager = AsyncGraphDatabase.bookmark_manager(
            initial_bookmarks=neo4j.Bookmarks.from_raw_values(bookmarks)
        )
        self.wrote = False

    async def bookmarks(self) -> list[str]:
        """The bookmarks a later read must wait for to see everything this chain saw
        and wrote (sorted: stable for a client to compare)."""
        return sorted(await self.manager.get_bookmarks())


_causal: contextvars.ContextVar[Causal | None] = contextvars.ContextVar(
    "fupin_causal", default=None
)


@contextlib.contextmanager
def causal(chain: Causal) -> Iterator[Causal]:
    """Chain every transaction run inside the block (in this context) through `chain`."""
    token = _causal.set(chain)
    try:
        yield chain
    finally:
        _causal.reset(token)


def current_causal() -> Causal | None:
    """The chain of this context, if any."""
    return _causal.get()


def _manager() -> AsyncBookmarkManager | None:
    chain = _causal.get()
    return chain.manager if chain is not None else None


class _note:
    """Around one statement: times it and tells the context's sinks, whether it
    succeeded or failed. A class, not a generator: it sits on every statement."""

    __slots__ = ("cypher", "sinks", "started")

    def __init__(self, cypher: str) -> None:
        self.cypher = cypher
        self.sinks = _sinks.get()
        self.started = 0.0

    def __enter__(self) -> None:
        if self.sinks:
            self.started = perf_counter()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self.sinks:
            seconds = perf_counter() - self.started
            for sink in self.sinks:
                sink.statement(self.cypher, seconds)


@contextlib.asynccontextmanager
async def _translated() -> AsyncIterator[None]:
    try:
        yield
    except (ServiceUnavailable, SessionExpired) as exc:
        raise DatabaseUnavailable() from exc
    except TransientError as exc:
        if "Timeout" in (exc.code or "") or "Terminated" in (exc.code or ""):
            raise DatabaseUnavailable("the database took too long to answer") from exc
        if "BookmarkTimeout" in (exc.code or ""):
            # This member has not caught up with the bookmark the request must see.
            raise DatabaseUnavailable("the database has not caught up with the bookmark") from exc
        if "DatabaseUnavailable" in (exc.code or ""):
            # Bolt is up but the database is not serving yet (starting, stopping).
            raise DatabaseUnavailable() from exc
        raise
    except ConstraintError as exc:
        # Two writers raced past the same "is it free?" check; the loser's whole
        # transaction is rolled back. The message never echoes the clashing value.
        raise Conflict("the change clashes with data written at the same time") from exc
    except ClientError as exc:
        if "TransactionTimedOut" in (exc.code or ""):
            raise DatabaseUnavailable("the database took too long to answer") from exc
        if "InvalidBookmark" in (exc.code or ""):
            raise BadUserInput("the bookmark is not one this database gave") from exc
        if "DatabaseNotFound" in (exc.code or ""):
            raise DatabaseUnavailable("the configured database does not exist") from exc
        raise
    except DriverError as exc:
        if isinstance(exc, FupinError):
            raise
        raise DatabaseUnavailable() from exc


# The transaction timeout `fupin neo4j start` gives Neo4j, at least (api/cli.py: six
# times the query timeout, 60 s or more).
SERVER_TIMEOUT_S = 60.0


class Tx:
    """A write transaction handed to a unit of work; `run` counts what it runs."""

    def __init__(self, tx: AsyncManagedTransaction) -> None:
        self._tx = tx
        # The query type of each statement run ("r", "rw", "w", "s") and the first one's
        # Cypher: what `Database.write` counts when the transaction commits.
        self.kinds: list[str] = []
        self.first: str | None = None

    async def run(self, cypher: str, params: Params | None = None) -> list[neo4j.Record]:
        with _note(cypher):
            result = await self._tx.run(cypher, dict(params or {}))
            records = [record async for record in result]
            summary = await result.consume()
        self.kinds.append(summary.query_type or "r")
        if self.first is None:
            self.first = cypher
        return records

    async def single(self, cypher: str, params: Params | None = None) -> neo4j.Record | None:
        records = await self.run(cypher, params)
        return records[0] if records else None


class Database:
    """An open driver and the database name; safe to share across requests."""

    def __init__(
        self,
        driver: AsyncDriver,
        database: str,
        timeout_s: float = 10.0,
        call_timeout_s: float | None = None,
    ) -> None:
        self.driver = driver
        self.database = database
        self.timeout_s = timeout_s
        # When set, replaces the seconds a statement asks for with `timeout=` (the
        # explorer's 3 s: FUPIN_EXPLORE_TIMEOUT_S).
        self.call_timeout_s = call_timeout_s

    @classmethod
    def connect(
        cls,
        uri: str,
        user: str,
        password: str,
        database: str,
        timeout_s: float = 10.0,
        call_timeout_s: float | None = None,
        pool_size: int = 50,
    ) -> Database:
        # Short connection timeouts: with Neo4j down a request must fail within seconds.
        driver = AsyncGraphDatabase.driver(
            uri,
            auth=(user, password),
            connection_timeout=2.0,
            connection_acquisition_timeout=3.0,
            max_transaction_retry_time=2.0,
            # Per cluster member: a routed driver keeps a pool for each it talks to.
            max_connection_pool_size=pool_size,
            liveness_check_timeout=30.0,
            notifications_min_severity="OFF",
        )
        return cls(driver, database, timeout_s, call_timeout_s)

    async def close(self) -> None:
        await self.driver.close()

    async def read(
        self, cypher: str, params: Params | None = None, *, timeout: float | None = None
    ) -> list[neo4j.Record]:
        """Run one read statement (routed to a reader in a cluster). `timeout` (seconds)
        bounds this one statement more tightly than the database's default (the
        smaller of the two applies); past it Neo4j stops the statement and
        DatabaseUnavailable is raised."""
        with _note(cypher):
            async with _translated():
                result = await self.driver.execute_query(
                    neo4j.Query(cypher, timeout=self._timeout(timeout)),
                    dict(params or {}),
                    database_=self.database,
                    routing_=_READ_ROUTING,
                    bookmark_manager_=_manager(),
                )
        _count(_READ_ROUTING.name, [result.summary.query_type or "r"], cypher)
        return list(result.records)

    def _timeout(self, timeout: float | None) -> float:
        if timeout is None:
            return self.timeout_s
        return min(self.call_timeout_s or timeout, self.timeout_s)

    async def read_one(
        self, cypher: str, params: Params | None = None, *, timeout: float | None = None
    ) -> neo4j.Record | None:
        records = await self.read(cypher, params, timeout=timeout)
        return records[0] if records else None

    async def write(self, work: Callable[[Tx], Awaitable[T]]) -> T:
        """Run `work` in one write transaction: all of it is written, or nothing.

        A FupinError raised by `work` rolls the transaction back and reaches the caller
        unchanged; the driver retries only on transient cluster errors. When the
        database stops answering, DatabaseUnavailable says the outcome is unknown.
        """

        last: list[Tx] = []  # the latest attempt (the driver retries transient errors)

        async def unit(tx: AsyncManagedTransaction) -> T:
            handle = Tx(tx)
            last[:] = [handle]
            return await work(handle)

        chain = _causal.get()
        manager = chain.manager if chain is not None else None
        try:
            async with (
                _translated(),
                self.driver.session(database=self.database, bookmark_manager=manager) as session,
            ):
                done = await session.execute_write(neo4j.unit_of_work(timeout=self.timeout_s)(unit))
        except DatabaseUnavailable as exc:
            # The commit may have reached the database before the answer was lost.
            raise DatabaseUnavailable.during_write() from exc
        (handle,) = last
        _count(WRITE, handle.kinds, handle.first)
        if chain is not None:
            chain.wrote = True
        return done

    async def run_autocommit(self, cypher: str, params: Params | None = None) -> None:
        """Run a statement that must be auto-committed (schema, CALL IN TRANSACTIONS),
        bounded by the server's transaction timeout or, when this driver's is longer
        (the CLI's hour), by this driver's: a migration's backfill outlasts the API's.
        Never shorter: the API's start-time migrations keep the server's bound."""
        query = neo4j.Query(cypher, timeout=self.timeout_s) if (
            self.timeout_s > SERVER_TIMEOUT_S) else neo4j.Query(cypher)  # fmt: skip
        with _note(cypher):
            async with _translated(), self.driver.session(database=self.database) as session:
                result = await session.run(query, dict(params or {}))
                await result.consume()
