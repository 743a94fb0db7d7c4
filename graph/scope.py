"""Which records a caller may see, as Cypher predicates inside the statement.

Scope is never applied by filtering results in Python: every statement that reads a
scoped record (graph/readmap.py's `Access`: households, officials, people) takes the
predicate of `Scope.read_filter` into its WHERE clause, so lists, totals, counts and
coverage respect it too. Out-of-scope data simply does not match.

    kind      households                 officials                  people
    ALL       all                        all                        all
    REGION    of the region's subtree    paired (ever) with one     members (ever) of one
    OFFICIAL  actively paired with them  themself, or paired with   members (ever) of one
                                         one of those households
    NONE      none                       none                       none

A field official's scope `paired_on(day)` holds instead the households they were paired
with on that day, ended pairings included: the field app's sync (graph/sync.py) writes
a record under the pairing that held on its date. Only writes use it.

Cooperatives (`Access.COOPERATIVE`): ALL every one, REGION those whose village lies in
the subtree, OFFICIAL and NONE none (a field official's scope holds households only).
It decides what a caller may write (a cooperative, the lots it owns); cooperatives and
lots themselves are read by every household reader (the public trace shows them), and
the households reached through them are scoped as households.

Findings of the file audit (Access.FINDING): ALL all; REGION those that CONCERN a
household or an official it sees; OFFICIAL and NONE none (a field official reads no
findings).

Sellers (`Access.SELLER`, issue 16): ALL every one, REGION those located in the
subtree, SELLER (a MERCHANT's scope: one seller's code) that seller alone, OFFICIAL and
NONE none. A SELLER scope holds no household, official, person or cooperative: it
reads and writes its seller's orders and buyers only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from graph.errors import Forbidden
from graph.model import Label
from graph.readmap import Access

if TYPE_CHECKING:
    from graph.compiler import Binder
    from graph.db import Database


def active_on(r: str, as_of: str = "$asOf") -> str:
    """Pairing or membership `r` was active on `as_of`: begun by then, not ended."""
    return f"{r}.since <= {as_of} AND ({r}.until IS NULL OR {r}.until > {as_of})"


def active_in(holder: str, i: str, as_of: str = "$asOf") -> str:
    """The same rule for pairing `i` of `holder`'s pairing summaries (graph/derived.py:
    pairingSince and pairingUntil in step, an active one's until 9999-12-31)."""
    return f"{holder}.pairingSince[{i}] <= {as_of} AND {holder}.pairingUntil[{i}] > {as_of}"


def pairings_in(holder: str) -> str:
    """The indexes of `holder`'s pairing summaries (Cypher: a range)."""
    return f"range(0, size({holder}.pairingSince) - 1)"


class ScopeKind(StrEnum):
    ALL = "ALL"
    REGION = "REGION"
    OFFICIAL = "OFFICIAL"
    SELLER = "SELLER"
    NONE = "NONE"


@dataclass(frozen=True)
class Scope:
    """ALL sees every household; REGION one subtree; OFFICIAL one official's pairings;
    SELLER one seller's orders (no household); NONE nothing. An OFFICIAL scope with `on`
    set: the pairings of that day."""

    kind: ScopeKind
    code: str | None = None
    on: dt.date | None = None

    @classmethod
    def everything(cls) -> Scope:
        return cls(ScopeKind.ALL)

    @classmethod
    def region(cls, code: str) -> Scope:
        return cls(ScopeKind.REGION, code)

    @classmethod
    def official(cls, code: str) -> Scope:
        return cls(ScopeKind.OFFICIAL, code)

    @classmethod
    def seller(cls, code: str) -> Scope:
        return cls(ScopeKind.SELLER, code)

    @classmethod
    def nothing(cls) -> Scope:
        return cls(ScopeKind.NONE)

    @property
    def audit_filter(self) -> str:
        """The predicate on the audit's own records (runs, imports): only a scope that
        sees everything reads them (the roles that run audits have it)."""
        return "true" if self.kind is ScopeKind.ALL else "false"

    def paired_on(self, day: dt.date) -> Scope:
        """A field official's scope as of `day`: the households they were paired with
        that day, even if the pairing has ended since (every other scope is itself)."""
        return replace(self, on=day) if self.kind is ScopeKind.OFFICIAL else self

    @property
    def view_kind(self) -> str:
        """What changes a statement's text: the kind, and whether it is of a day."""
        return self.kind.value if self.on is None else f"{self.kind.value}@on"

    # --- what the scope may do (resolvers ask these, never a role) ---

    @property
    def may_register(self) -> bool:
        """Whether a new household could lie in this scope (a field official's holds
        only households already paired with them)."""
        return self.kind in (ScopeKind.ALL, ScopeKind.REGION)

    @property
    def may_update_officials(self) -> bool:
        """Whether an existing official's record may be changed (the whole province's
        writers only; a region officer creates new officials)."""
        return self.kind is ScopeKind.ALL

    def acting_official(self, given: str | None, field: str) -> str | None:
        """The official a write is done by: a field official always themself (another
        code: FORBIDDEN), anyone else the one they name."""
        if self.kind is not ScopeKind.OFFICIAL:
            return given
        if given is not None and given != self.code:
            raise Forbidden("a field official acts only as themself", field=field)
        return self.code

    def read_filter(self, access: Access, var: str, b: Binder) -> str:
        """A boolean Cypher expression: the record in variable `var` (of kind
        `access`) is visible. Inner variables come from `b`, the scope's code is its
        per-request parameter `$scope`.

        Costs: REGION reads the scope region's prefixes (one index seek); OFFICIAL
        expands the household's PAIRED_WITH relationships (a handful); officials and
        people in a limited scope expand their pairings or memberships.
        """
        if self.kind is ScopeKind.ALL:
            return "true"
        if access is Access.SELLER:
            return self._seller(var, b)
        if self.kind in (ScopeKind.NONE, ScopeKind.SELLER):
            return "false"
        if access is Access.HOUSEHOLD:
            return self._household(var, b)
        if access is Access.COOPERATIVE:
            if self.kind is ScopeKind.OFFICIAL:
                return "false"
            return self._household(var, b, key="villageCode")
        if access is Access.FINDING:
            return self._finding(var, b)
        inner = b.var("sh")
        households = self._household(inner, b)
        if access is Access.PERSON:
            return (
                f"EXISTS {{ MATCH ({var})-[:MEMBER_OF]->({inner}:Household) WHERE {households} }}"
            )
        own = f"{var}.code = {b.scope_code()} OR " if self.kind is ScopeKind.OFFICIAL else ""
        return (
            f"({own}EXISTS {{ MATCH ({var})-[:PAIRED_WITH]->({inner}:Household) "
            f"WHERE {households} }})"
        )

    def _finding(self, var: str, b: Binder) -> str:
        """A finding concerns a household or an official of the scope (REGION only)."""
        if self.kind is not ScopeKind.REGION:
            return "false"
        h, o = b.var("fh"), b.var("fo")
        households = self.read_filter(Access.HOUSEHOLD, h, b)
        officials = self.read_filter(Access.OFFICIAL, o, b)
        return (
            f"(EXISTS {{ MATCH ({var})-[:CONCERNS]->({h}:Household) WHERE {households} }} "
            f"OR EXISTS {{ MATCH ({var})-[:CONCERNS]->({o}:Official) WHERE {officials} }})"
        )

    def _seller(self, var: str, b: Binder) -> str:
        if self.kind is ScopeKind.SELLER:
            return f"{var}.code = {b.scope_code()}"
        if self.kind is ScopeKind.REGION:
            return self._household(var, b, key="regionCode")
        return "false"

    def village_filter(self, var: str, b: Binder) -> str | None:
        """A boolean Cypher expression: every household of village `var` is visible
        (None when that depends on the household: a field official's scope)."""
        if self.kind is ScopeKind.ALL:
            return "true"
        if self.kind in (ScopeKind.NONE, ScopeKind.SELLER):
            return "false"
        if self.kind is ScopeKind.OFFICIAL:
            return None
        return self._household(var, b)

    def _household(self, var: str, b: Binder, key: str = "code") -> str:
        code = b.scope_code()
        if self.kind is ScopeKind.REGION:
            region, prefix = b.var("scope"), b.var("prefix")
            return (
                f"EXISTS {{ MATCH ({region}:Region {{code: {code}}}) WHERE any({prefix} IN "
                f"{region}.prefixes WHERE {var}.{key} STARTS WITH {prefix}) }}"
            )
        pairing = b.var("scopePair")
        if self.on is None:
            active = f"{pairing}.until IS NULL"
        else:
            active = active_on(pairing, b.slot("pairedOn", _paired_on))
        return (
            f"EXISTS {{ MATCH ({var})<-[{pairing}:PAIRED_WITH]-(:Official {{code: {code}}}) "
            f"WHERE {active} }}"
        )

    def household_filter(self, var: str = "h") -> tuple[str, dict[str, Any]]:
        """The household predicate on `var` and its parameters, for statements written
        by hand (the writes); reads use `read_filter`."""
        return self.filter(Access.HOUSEHOLD, var)

    def filter(self, access: Access, var: str) -> tuple[str, dict[str, Any]]:
        """`read_filter` for a statement written by hand: the predicate on `var` and
        its one parameter, `$scopeCode`."""
        from graph.compiler import Binder

        if not var.isidentifier():
            raise ValueError("var must be a Cypher identifier chosen in code")
        b = Binder()
        cypher = self.read_filter(access, var, b).replace("$scope", "$scopeCode")
        params: dict[str, Any] = {}
        if "scope" in b.slots:
            params["scopeCode"] = self.code
        if "pairedOn" in b.slots:
            params["pairedOn"] = self.on
        return cypher, params


def _paired_on(request: Any) -> Any:
    return request.scope.on


async def scope_exists(db: Database, scope: Scope) -> bool:
    """Whether the region or official a REGION or OFFICIAL scope names is in the
    database (ALL and NONE need nothing); a seek on region_code or official_code."""
    if scope.kind not in ("REGION", "OFFICIAL", "SELLER"):
        return True
    label = {"REGION": Label.REGION, "OFFICIAL": Label.OFFICIAL, "SELLER": Label.SELLER}[scope.kind]
    record = await db.read_one(
        f"OPTIONAL MATCH (n:{label} {{code: $code}}) RETURN n IS NOT NULL AS found",
        {"code": scope.code},
    )
    return bool(record and record["found"])
