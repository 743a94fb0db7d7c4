"""Which households a caller may see, as a Cypher predicate inside the statement.

Scope is never applied by filtering results in Python: every statement that reads
households takes `Scope.household_filter(var)` into its WHERE clause, so totals,
counts and coverage respect it too. Out-of-scope data simply does not match.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from graph.model import Label

if TYPE_CHECKING:
    from graph.db import Database


@dataclass(frozen=True)
class Scope:
    """ALL sees every household; REGION one subtree; OFFICIAL one official's pairings;
    NONE nothing."""

    kind: str  # "ALL" | "REGION" | "OFFICIAL" | "NONE"
    code: str | None = None

    @classmethod
    def everything(cls) -> Scope:
        return cls("ALL")

    @classmethod
    def region(cls, code: str) -> Scope:
        return cls("REGION", code)

    @classmethod
    def official(cls, code: str) -> Scope:
        return cls("OFFICIAL", code)

    @classmethod
    def nothing(cls) -> Scope:
        return cls("NONE")

    def household_filter(self, var: str = "h") -> tuple[str, dict[str, Any]]:
        """A boolean Cypher expression on household variable `var`, and its params.

        `var` must be a variable name chosen in code. Costs: REGION reads the scope
        region's prefixes (one index seek); OFFICIAL expands the household's
        PAIRED_WITH relationships (a handful per household).
        """
        if not var.isidentifier():
            raise ValueError("var must be a Cypher identifier chosen in code")
        if self.kind == "ALL":
            return "true", {}
        if self.kind == "REGION":
            return (
                "EXISTS { MATCH (scope:Region {code: $scopeCode}) "
                "WHERE any(scopePrefix IN scope.prefixes "
                f"WHERE {var}.code STARTS WITH scopePrefix) }}",
                {"scopeCode": self.code},
            )
        if self.kind == "OFFICIAL":
            return (
                f"EXISTS {{ MATCH ({var})<-[scopePair:PAIRED_WITH]-"
                "(:Official {code: $scopeCode}) WHERE scopePair.until IS NULL }",
                {"scopeCode": self.code},
            )
        return "false", {}


async def scope_exists(db: Database, scope: Scope) -> bool:
    """Whether the region or official a REGION or OFFICIAL scope names is in the
    database (ALL and NONE need nothing); a seek on region_code or official_code."""
    if scope.kind not in ("REGION", "OFFICIAL"):
        return True
    label = Label.REGION if scope.kind == "REGION" else Label.OFFICIAL
    record = await db.read_one(
        f"OPTIONAL MATCH (n:{label} {{code: $code}}) RETURN n IS NOT NULL AS found",
        {"code": scope.code},
    )
    return bool(record and record["found"])
