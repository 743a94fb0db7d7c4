"""One shape for every write: a mutation is one transaction, and the frame around its
unit of work is written once, here.

    write(db, actor, mutation, work)
      claim        the client mutation id: a retry of the same request answers the
                   stored result and writes nothing; the id used by another caller,
                   for another kind of change or another request: CONFLICT
                   (graph/client_mutation.py)
      work(w)      the mutation's own checks and writes, through `w`:
                     w.household(code, ...)  lock it (in scope, on file, version)
                     w.official(code, ...)   lock it
                     w.cooperative(code, ...)  lock it (in scope)
                     w.lot(trace_code, ...)  lock it (its owner in scope): what
                                             changes `remaining` holds this lock
                     w.update(entity, key, properties)  SET, before and after kept
                     w.created / w.changed    history entries written by hand
                     w.touch(households=..., officials=..., incomes=...)  what
                                             to refresh (incomes: households paid)
      settle       recompute the derived properties of what was touched (graph/
                   derived.py: households, their villages, officials), bump the
                   versions of the households changed, write the change records
                   (graph/history.py), store the result for retries

On any error the transaction rolls back: nothing of it stays, no history either.
Every statement comes from a builder in graph/ (pure, tested without a database).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, TypeVar

from graph.client_mutation import claim_client_mutation, request_digest, settle_client_mutation
from graph.db import Database, Tx
from graph.derived import refresh_households, refresh_officials
from graph.errors import Conflict, NotFound
from graph.readmap import Access
from graph.scope import Scope

R = TypeVar("R", bound=Mapping[str, Any])


class Entity(StrEnum):
    """What a change is recorded on (graph/history.py), by its key property."""

    HOUSEHOLD = "Household"
    OFFICIAL = "Official"
    PERSON = "Person"
    POVERTY_LINE = "PovertyLine"  # belongs to no household: keyed by its year
    COOPERATIVE = "Cooperative"
    PRODUCT = "Product"
    # The file audit's own records (graph/audit_run.py, graph/finding.py,
    # graph/crosscheck.py): a run started, a finding reviewed, a list imported.
    AUDIT_RUN = "AuditRun"
    FINDING = "Finding"
    CROSS_CHECK_IMPORT = "CrossCheckImport"
    SELLER = "Seller"
    REGION = "Region"  # its rural population (setRuralPopulation)


KEYS: dict[Entity, str] = {
    Entity.HOUSEHOLD: "code",
    Entity.OFFICIAL: "code",
    Entity.PERSON: "idNumber",
    Entity.POVERTY_LINE: "year",
    Entity.COOPERATIVE: "code",
    Entity.PRODUCT: "code",
    Entity.AUDIT_RUN: "id",
    Entity.FINDING: "id",
    Entity.CROSS_CHECK_IMPORT: "id",
    Entity.SELLER: "code",
    Entity.REGION: "code",
}
# A change's key is text; an entity keyed by a number converts it back in Cypher.
KEY_PARAMS: dict[Entity, str] = {Entity.POVERTY_LINE: "toInteger($key)"}


@dataclass(frozen=True)
class Actor:
    """Who writes: the scope decides what they may touch; subject and role are what
    the history records and what binds a client mutation id to its caller."""

    scope: Scope
    subject: str
    role: str


@dataclass(frozen=True)
class Mutation:
    """Which mutation runs: its operation name (the claim's kind, the history's
    operation), its client mutation id, and its normalised input (for the digest)."""

    operation: str
    client_mutation_id: str | None = None
    request: Mapping[str, Any] | None = None


@dataclass
class Change:
    entity: Entity
    key: str
    changes: list[dict[str, Any]]


def plain(value: Any) -> Any:
    """A stored value as history keeps it: dates and times as ISO text."""
    if hasattr(value, "iso_format"):
        return value.iso_format()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, Mapping):
        return {k: plain(v) for k, v in value.items()}
    return value


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[dict[str, Any]]:
    """[{field, before, after}] for the keys of `after` whose value changes."""
    out = []
    for name in sorted(after):
        old, new = plain(before.get(name)), plain(after[name])
        if old != new:
            out.append({"field": name, "before": old, "after": new})
    return out


LOCK_HOUSEHOLD = (
    "MATCH (h:Household {code: $code}) WHERE {scope} "
    "SET h._lock = true REMOVE h._lock "
    "RETURN h.version AS version, h.deregisteredOn AS deregisteredOn, "
    "h.mainCause AS mainCause, coalesce(h.secondaryCauses, []) AS secondaryCauses, "
    "h.status AS status, h.registrationDate AS registrationDate, "
    "coalesce(h.monitored, false) AS monitored"
)

LOCK_OFFICIAL = (
    "MATCH (o:Official {code: $code}) SET o._lock = true REMOVE o._lock "
    "RETURN coalesce(o.load, 0) AS load, o.maxLoad AS maxLoad, o.unit AS unit"
)

LOCK_COOPERATIVE = (
    "MATCH (c:Cooperative {code: $code}) WHERE {scope} "
    "SET c._lock = true REMOVE c._lock "
    "RETURN c.code AS code, c.villageCode AS villageCode, c.traceCode AS traceCode"
)

LOCK_SELLER = (
    "MATCH (s:Seller {code: $code}) WHERE {scope} "
    "SET s._lock = true REMOVE s._lock "
    "RETURN s.code AS code, s.kind AS kind, s.regionCode AS regionCode"
)

# A lot with its one owner, in the caller's scope: a household owner by the household
# scope, a cooperative by the cooperative scope (graph/scope.py).
LOCK_LOT = (
    "MATCH (l:Lot {traceCode: $code})<-[:OWNS]-(owner) "
    "WHERE (owner:Household AND {household}) OR (owner:Cooperative AND {cooperative}) "
    "SET l._lock = true REMOVE l._lock "
    "RETURN l.traceCode AS traceCode, l.quantity AS quantity, l.remaining AS remaining, "
    "l.unit AS unit, l.producedOn AS producedOn, "
    "CASE WHEN owner:Household THEN 'HOUSEHOLD' ELSE 'COOPERATIVE' END AS ownerKind, "
    "owner.code AS owner, coalesce(owner.villageCode, left(owner.code, 12)) AS ownerVillage, "
    "owner.deregisteredOn AS ownerDeregisteredOn"
)

# SET with the values before it, for the history. The keys come from code (each
# mutation's allow-list); the values are parameters.
_STAMPED = {  # households: at settle
    entity: ", n.updatedAt = datetime()"
    for entity in (
        Entity.OFFICIAL,
        Entity.POVERTY_LINE,
        Entity.COOPERATIVE,
        Entity.PRODUCT,
        Entity.SELLER,
        Entity.REGION,
    )
}
UPDATE = {
    entity: (
        f"MATCH (n:{entity.value} {{{KEYS[entity]}: {KEY_PARAMS.get(entity, '$key')}}}) "
        "WITH n, [k IN keys($properties) | [k, n[k]]] AS before "
        f"SET n += $properties{_STAMPED.get(entity, '')} RETURN before"
    )
    for entity in Entity
}

BUMP_VERSIONS = (
    "UNWIND $codes AS code MATCH (h:Household {code: code}) "
    "SET h.version = coalesce(h.version, 0) + 1, h.updatedAt = datetime()"
)


async def lock_household(
    tx: Tx, code: str, scope: Scope, *, field: str, writable: bool = True
) -> dict[str, Any]:
    """The household's version, state and causes, write-locked for the transaction.
    NotFound (on `field`) when absent or out of scope; Conflict when `writable` and
    deregistered."""
    where, params = scope.household_filter("h")
    record = await tx.single(LOCK_HOUSEHOLD.replace("{scope}", where), {"code": code, **params})
    if record is None:
        raise NotFound("no such household", field=field)
    if writable and record["deregisteredOn"] is not None:
        raise Conflict("the household is deregistered", field=field)
    return dict(record)


def check_version(state: Mapping[str, Any], expected: int | None) -> None:
    if expected is not None and state["version"] != expected:
        raise Conflict(
            "the household was changed since it was read (stale expectedVersion)",
            field="input.expectedVersion",
        )


@dataclass
class Write:
    """The unit of work's handle on its transaction (see the module docstring)."""

    tx: Tx
    actor: Actor
    mutation: Mutation
    households: dict[str, bool] = field(default_factory=dict)  # code -> bump its version
    officials: set[str] = field(default_factory=set)
    villages: set[str] = field(default_factory=set)
    incomes: set[str] = field(default_factory=set)  # households paid or unpaid
    history: list[Change] = field(default_factory=list)

    @property
    def scope(self) -> Scope:
        return self.actor.scope

    async def household(
        self,
        code: str,
        *,
        field: str = "input.householdCode",
        writable: bool = True,
        expected_version: int | None = None,
        bump: bool = True,
    ) -> dict[str, Any]:
        """Lock the household for this transaction and check it (lock_household,
        check_version); it will be refreshed at settle, and its version bumped unless
        `bump` is False (a change to its pairings or visits, not to its file)."""
        state = await lock_household(self.tx, code, self.scope, field=field, writable=writable)
        check_version(state, expected_version)
        self.touch(households=[code], bump=bump)
        return state

    async def official(self, code: str, *, field: str) -> dict[str, Any]:
        """Lock an official ({load, maxLoad, unit}); NOT_FOUND on `field` when absent."""
        record = await self.tx.single(LOCK_OFFICIAL, {"code": code})
        if record is None:
            raise NotFound("no such official", field=field)
        self.officials.add(code)
        return dict(record)

    async def cooperative(self, code: str, *, field: str) -> dict[str, Any]:
        """Lock a cooperative in the caller's scope ({code, villageCode, traceCode});
        NOT_FOUND on `field` when absent or out of scope."""
        where, params = self.scope.filter(Access.COOPERATIVE, "c")
        record = await self.tx.single(
            LOCK_COOPERATIVE.replace("{scope}", where), {"code": code, **params}
        )
        if record is None:
            raise NotFound("no such cooperative", field=field)
        return dict(record)

    async def seller(self, code: str, *, field: str) -> dict[str, Any]:
        """Lock a seller in the caller's scope ({code, kind, regionCode}); NOT_FOUND on
        `field` when absent or out of scope (a MERCHANT's another seller)."""
        where, params = self.scope.filter(Access.SELLER, "s")
        record = await self.tx.single(
            LOCK_SELLER.replace("{scope}", where), {"code": code, **params}
        )
        if record is None:
            raise NotFound("no such seller", field=field)
        return dict(record)

    async def lot(self, trace_code: str, *, field: str, any_owner: bool = False) -> dict[str, Any]:
        """Lock a lot whose owner is in the caller's scope: {traceCode, quantity,
        remaining, unit, producedOn (a Python date), ownerKind (HOUSEHOLD or
        COOPERATIVE), owner (its code), ownerVillage, ownerDeregisteredOn}. NOT_FOUND on
        `field` when absent or out of scope. Every change to `remaining` is made under
        this lock, so two writes never both draw on what only one of them may.
        `any_owner`: whoever owns it (a sale: the seller's scope was checked)."""
        household, params = self.scope.household_filter("owner")
        cooperative, _ = self.scope.filter(Access.COOPERATIVE, "owner")
        if any_owner:
            household, cooperative, params = "true", "true", {}
        statement = LOCK_LOT.replace("{household}", household).replace("{cooperative}", cooperative)
        record = await self.tx.single(statement, {"code": trace_code, **params})
        if record is None:
            raise NotFound("no such lot", field=field)
        state = dict(record)
        state["producedOn"] = state["producedOn"].to_native()
        return state

    def touch(
        self,
        *,
        households: Sequence[str] = (),
        officials: Sequence[str] = (),
        villages: Sequence[str] = (),
        incomes: Sequence[str] = (),
        bump: bool = True,
    ) -> None:
        """Households, officials and villages whose derived data settle recomputes
        (and households whose version it bumps, unless `bump` is False); `incomes`:
        households whose payments changed, so their derived income figures are
        recomputed (their platform sales are in perCapitaNet)."""
        for code in households:
            self.households[code] = self.households.get(code, False) or bump
        self.officials.update(officials)
        self.villages.update(villages)
        self.incomes.update(incomes)

    def forget(self, household: str) -> None:
        """A household code that no longer exists (it moved to a new code)."""
        self.households.pop(household, None)

    async def update(
        self, entity: Entity, key: str, properties: Mapping[str, Any]
    ) -> list[dict[str, Any]]:
        """SET `properties` on the entity (a None value removes one); records and
        returns the fields whose value changed, with before and after."""
        record = await self.tx.single(UPDATE[entity], {"key": key, "properties": dict(properties)})
        before = {k: v for k, v in record["before"]} if record else {}
        changes = diff(before, properties)
        self.changed(entity, key, changes)
        return changes

    def created(self, entity: Entity, key: str, properties: Mapping[str, Any]) -> None:
        """History for a new entity: every given property, before null."""
        self.changed(entity, key, diff({}, {k: v for k, v in properties.items() if v is not None}))

    def changed(self, entity: Entity, key: str, changes: list[dict[str, Any]]) -> None:
        if changes:
            self.history.append(Change(entity, key, changes))

    def rekey(self, entity: Entity, old: str, new: str) -> None:
        """History entries recorded under `old` (a household's code before a move)."""
        for change in self.history:
            if change.entity is entity and change.key == old:
                change.key = new

    async def settle(self) -> None:
        from graph.history import record_changes
        from graph.income import refresh_incomes

        if self.incomes:
            await refresh_incomes(self.tx, sorted(self.incomes))
        if self.households or self.villages or self.incomes:
            # A payment changes the income a household's village statistics count.
            await refresh_households(
                self.tx, sorted(self.households), sorted(self.villages), sorted(self.incomes)
            )
        if self.officials:
            await refresh_officials(self.tx, sorted(self.officials))
        bumped = sorted(code for code, bump in self.households.items() if bump)
        if bumped:
            await self.tx.run(BUMP_VERSIONS, {"codes": bumped})
        await record_changes(self.tx, self.actor, self.mutation, self.history)


async def write(
    db: Database, actor: Actor, mutation: Mutation, work: Callable[[Write], Awaitable[R]]
) -> R:
    """Run `work` in one write transaction inside the frame (the module docstring);
    returns its result, or the stored result of an earlier run of the same request."""
    digest = request_digest(mutation.request) if mutation.request is not None else None

    async def unit(tx: Tx) -> R:
        earlier = await claim_client_mutation(
            tx, mutation.client_mutation_id, mutation.operation, actor.subject, digest
        )
        if earlier is not None:
            stored: R = earlier
            return stored
        w = Write(tx, actor, mutation)
        result = await work(w)
        await w.settle()
        await settle_client_mutation(tx, mutation.client_mutation_id, dict(result))
        return result

    return await db.write(unit)
