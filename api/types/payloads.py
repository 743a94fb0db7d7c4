"""What mutations answer: the clientMutationId and the entities they wrote, each read
back with the payload's own selection as the caller may see it (api/writes.py)."""

from __future__ import annotations

import strawberry

from api.context import Context
from api.execution import read_entity
from api.types.audit import AuditRun, CrossCheckImport, Finding
from api.types.cooperative import Cooperative
from api.types.exit import Assessment
from api.types.household import Household
from api.types.income import IncomeRecord, PovertyLine
from api.types.lot import Lot
from api.types.measure import Measure
from api.types.monitoring import Feedback, MonitoringRecord
from api.types.official import Official, Pairing
from api.types.product import Product
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
class MeasurePayload:
    client_mutation_id: str | None
    _id: strawberry.Private[str | None] = None
    _household: strawberry.Private[str | None] = None

    @strawberry.field
    async def measure(self, info: strawberry.Info[Context, None]) -> Measure | None:
        return await entity(info, "Measure#id", id=self._id)  # type: ignore[no-any-return]

    @strawberry.field
    async def household(self, info: strawberry.Info[Context, None]) -> Household | None:
        return await entity(info, "household", code=self._household)  # type: ignore[no-any-return]


@strawberry.type
class IncomePayload:
    client_mutation_id: str | None
    _id: strawberry.Private[str | None] = None
    _household: strawberry.Private[str | None] = None

    @strawberry.field
    async def income(self, info: strawberry.Info[Context, None]) -> IncomeRecord | None:
        return await entity(info, "IncomeRecord#id", id=self._id)  # type: ignore[no-any-return]

    @strawberry.field
    async def household(self, info: strawberry.Info[Context, None]) -> Household | None:
        return await entity(info, "household", code=self._household)  # type: ignore[no-any-return]


@strawberry.type
class PovertyLinePayload:
    client_mutation_id: str | None
    _year: strawberry.Private[str | None] = None

    @strawberry.field(description="The line as stored for that year.")
    async def poverty_line(self, info: strawberry.Info[Context, None]) -> PovertyLine | None:
        return await entity(info, "PovertyLine#year", year=self._year)  # type: ignore[no-any-return]


@strawberry.type
class ExitPayload:
    client_mutation_id: str | None
    _id: strawberry.Private[str | None] = None
    _household: strawberry.Private[str | None] = None
    _computed: strawberry.Private[dict[str, object] | None] = None

    @strawberry.field(description="The assessment: stored, or a dry run's (id null).")
    async def assessment(self, info: strawberry.Info[Context, None]) -> Assessment | None:
        if self._computed is not None:
            found = await read_entity(info, "Assessment#dryRun", {"assessment": self._computed})
            return found  # type: ignore[no-any-return]
        return await entity(info, "Assessment#id", id=self._id)  # type: ignore[no-any-return]

    @strawberry.field
    async def household(self, info: strawberry.Info[Context, None]) -> Household | None:
        return await entity(info, "household", code=self._household)  # type: ignore[no-any-return]


# --- traceability (issue 15) ---------------------------------------------------------


@strawberry.type
class ProductPayload:
    client_mutation_id: str | None
    _code: strawberry.Private[str | None] = None

    @strawberry.field
    async def product(self, info: strawberry.Info[Context, None]) -> Product | None:
        return await entity(info, "product", code=self._code)  # type: ignore[no-any-return]


@strawberry.type
class CooperativePayload:
    client_mutation_id: str | None
    _code: strawberry.Private[str | None] = None
    _household: strawberry.Private[str | None] = None

    @strawberry.field
    async def cooperative(self, info: strawberry.Info[Context, None]) -> Cooperative | None:
        return await entity(info, "cooperative", code=self._code)  # type: ignore[no-any-return]

    @strawberry.field(description="The household the membership is of (null for none).")
    async def household(self, info: strawberry.Info[Context, None]) -> Household | None:
        return await entity(info, "household", code=self._household)  # type: ignore[no-any-return]


@strawberry.type
class LotsPayload:
    client_mutation_id: str | None
    _codes: strawberry.Private[list[str] | None] = None
    _cooperative: strawberry.Private[str | None] = None

    @strawberry.field(description="The lot written (registerLot's new lot; the first of several).")
    async def lot(self, info: strawberry.Info[Context, None]) -> Lot | None:
        first = self._codes[0] if self._codes else None
        return await entity(info, "lot", traceCode=first)  # type: ignore[no-any-return]

    @strawberry.field(description="The lots written: the new lot, or those accepted or made.")
    async def lots(self, info: strawberry.Info[Context, None]) -> list[Lot]:
        if not self._codes:
            return []
        found: list[Lot] | None = await read_entity(info, "Lot#codes", {"traceCodes": self._codes})
        return found or []

    @strawberry.field(description="The cooperative that accepted them (acceptLots).")
    async def cooperative(self, info: strawberry.Info[Context, None]) -> Cooperative | None:
        return await entity(info, "cooperative", code=self._cooperative)  # type: ignore[no-any-return]


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


@strawberry.type
class MonitoringPayload:
    client_mutation_id: str | None
    _id: strawberry.Private[str | None] = None
    _household: strawberry.Private[str | None] = None

    @strawberry.field(description="The record opened or closed.")
    async def monitoring_record(
        self, info: strawberry.Info[Context, None]
    ) -> MonitoringRecord | None:
        return await entity(info, "MonitoringRecord#id", id=self._id)  # type: ignore[no-any-return]

    @strawberry.field
    async def household(self, info: strawberry.Info[Context, None]) -> Household | None:
        return await entity(info, "household", code=self._household)  # type: ignore[no-any-return]


@strawberry.type
class FeedbackPayload:
    client_mutation_id: str | None
    _id: strawberry.Private[str | None] = None

    @strawberry.field
    async def feedback(self, info: strawberry.Info[Context, None]) -> Feedback | None:
        return await entity(info, "Feedback#id", id=self._id)  # type: ignore[no-any-return]
