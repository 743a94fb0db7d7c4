"""What mutations answer: the clientMutationId and the entities they wrote, each read
back with the payload's own selection as the caller may see it (api/writes.py)."""

from __future__ import annotations

import strawberry

from api.context import Context
from api.types.audit import AuditRun, CrossCheckImport, Finding
from api.types.household import Household
from api.types.official import Official, Pairing
from api.types.visit import Visit
from api.writes import entity


@strawberry.type
class HouseholdPayload:
    client_mutation_id: str | None
    _code: strawberry.Private[str | None] = None

    @strawberry.field
    async def household(self, info: strawberry.Info[Context, None]) -> Household | None:
        return await entity(info, "household", code=self._code)  # type: ignore[no-any-return]


@strawberry.type
class PairingPayload:
    client_mutation_id: str | None
    _id: strawberry.Private[str | None] = None

    @strawberry.field
    async def pairing(self, info: strawberry.Info[Context, None]) -> Pairing | None:
        return await entity(info, "Pairing#id", id=self._id)  # type: ignore[no-any-return]

    @strawberry.field
    async def household(self, info: strawberry.Info[Context, None]) -> Household | None:
        return await entity(info, "Household#pairing", id=self._id)  # type: ignore[no-any-return]


@strawberry.type
class VisitPayload:
    client_mutation_id: str | None
    _id: strawberry.Private[str | None] = None
    _household: strawberry.Private[str | None] = None

    @strawberry.field
    async def visit(self, info: strawberry.Info[Context, None]) -> Visit | None:
        return await entity(info, "Visit#id", id=self._id)  # type: ignore[no-any-return]

    @strawberry.field
    async def household(self, info: strawberry.Info[Context, None]) -> Household | None:
        return await entity(info, "household", code=self._household)  # type: ignore[no-any-return]


@strawberry.type
class OfficialPayload:
    client_mutation_id: str | None
    _code: strawberry.Private[str | None] = None

    @strawberry.field
    async def official(self, info: strawberry.Info[Context, None]) -> Official | None:
        return await entity(info, "official", code=self._code)  # type: ignore[no-any-return]


@strawberry.type
class AuditRunPayload:
    client_mutation_id: str | None
    _id: strawberry.Private[str | None] = None

    @strawberry.field(description="The run, RUNNING: follow it with auditRun(id).")
    async def run(self, info: strawberry.Info[Context, None]) -> AuditRun | None:
        return await entity(info, "auditRun", id=self._id)  # type: ignore[no-any-return]


@strawberry.type
class FindingPayload:
    client_mutation_id: str | None
    _id: strawberry.Private[str | None] = None

    @strawberry.field
    async def finding(self, info: strawberry.Info[Context, None]) -> Finding | None:
        return await entity(info, "finding", id=self._id)  # type: ignore[no-any-return]


@strawberry.type
class CrossCheckImportPayload:
    client_mutation_id: str | None
    _id: strawberry.Private[str | None] = None

    @strawberry.field(description="What the import did: how many numbers were new.")
    async def cross_check_import(
        self, info: strawberry.Info[Context, None]
    ) -> CrossCheckImport | None:
        return await entity(info, "CrossCheckImport#id", id=self._id)  # type: ignore[no-any-return]
