"""Households (the file of DOMAIN.md section 3) and the households connection."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Annotated, Any

import strawberry
from strawberry.dataloader import DataLoader
from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField

from api.masking import mask_account, mask_phone, sees_personal
from api.pagination import PageInfo, check_first
from api.types.official import Pairing, to_date, to_datetime
from api.types.person import Person
from api.types.region import Region
from api.types.visit import Visit
from graph import household as graph_household
from graph.errors import BadUserInput
from graph.household import (
    LATEST_VISITS_MAX,
    DeregistrationReason,
    HouseholdAttribute,
    HouseholdOrder,
    HouseholdStatus,
    HousingGrade,
    IdentificationStandard,
    PovertyCause,
)
from graph.person import MembershipEndReason, Relation
from graph.validation import DATE_RANGE, check_date, check_range, today_cst

strawberry.enum(
    HouseholdStatus,
    description="REGISTERED: in poverty; EXITED: left through an exit assessment; "
    "RETURNED: fell back into poverty; DEREGISTERED: the file was closed without an exit "
    "(deregisterHousehold): lists leave it out unless asked for it, counts never count it.",
)
strawberry.enum(HouseholdAttribute, description="The household's category of poverty.")
strawberry.enum(PovertyCause)
strawberry.enum(IdentificationStandard, description="Which poverty line identified it.")
strawberry.enum(HousingGrade, description="Housing safety grade; C and D are dilapidated.")
strawberry.enum(DeregistrationReason, description="Why a file was closed without an exit.")
strawberry.enum(
    HouseholdOrder,
    description="Orders of the households list (ties broken by code); never a personal field.",
)


# --- the selection tree that graph/household.py projects ----------------------------


def _merge(tree: dict[str, Any], selections: Iterable[Any]) -> dict[str, Any]:
    for node in selections:
        if isinstance(node, SelectedField):
            _merge(tree.setdefault(node.name, {}), node.selections)
        elif isinstance(node, (FragmentSpread, InlineFragment)):
            _merge(tree, node.selections)
    return tree


def selection(info: strawberry.Info[Any, Any], *path: str) -> dict[str, Any]:
    """The field names selected under the root field, following `path` (fragments
    flattened, aliases merged)."""
    tree = _merge({}, info.selected_fields[0].selections)
    for name in path:
        tree = tree.get(name, {})
    return tree


# --- types ---------------------------------------------------------------------------


@strawberry.type(description="A member of a household: the person and the membership.")
class HouseholdMember:
    relation: Relation | None
    since: dt.date | None
    until: dt.date | None
    end_reason: MembershipEndReason | None
    person: Person

    @strawberry.field(description="True while the membership has not ended.")
    def active(self) -> bool:
        return self.until is None


def _enum(kind: Any, value: Any) -> Any:
    return None if value is None else kind(value)


@strawberry.type(
    description="A registered poor household (建档立卡户). Fields marked personal are "
    "masked (or null) for roles that may not see personal data."
)
class Household:
    code: str = strawberry.field(description="16 digits: the village code and 4 more.")
    village_code: str
    address: str | None = strawberry.field(description="Personal: null for some roles.")
    head_phone: str | None = strawberry.field(description="Personal: masked for some roles.")
    bank_account: str | None = strawberry.field(
        description="Personal: last 4 digits only for some roles."
    )
    registration_date: dt.date | None = strawberry.field(
        description="The day the household was registered (建档立卡). For files registered "
        "before this field existed it is derived from registrationYear (1 January) where "
        "nothing better was known. A household counts on a date (asOf) only from this day."
    )
    registration_year: int | None = strawberry.field(description="The year of registrationDate.")
    standard: IdentificationStandard | None
    attribute: HouseholdAttribute | None
    status: HouseholdStatus | None
    monitored: bool | None = strawberry.field(
        description="Watched for return to poverty (exited or borderline)."
    )
    main_cause: PovertyCause | None
    secondary_causes: list[PovertyCause]
    housing_grade: HousingGrade | None
    housing_area: float | None = strawberry.field(description="Square metres.")
    safe_water: bool | None
    electricity: bool | None
    road_access: bool | None
    sanitary_toilet: bool | None
    cooperative_member: bool | None
    planned_exit_year: int | None
    debt: int | None = strawberry.field(
        description="Outstanding debt in yuan; personal: null for some roles."
    )
    version: int = strawberry.field(description="Pass as expectedVersion when updating.")
    created_at: dt.datetime | None
    updated_at: dt.datetime | None
    deregistered_on: dt.date | None
    deregistration_reason: DeregistrationReason | None
    member_count: int = strawberry.field(description="Active members.")
    responsible_official_code: str | None = strawberry.field(
        description="Code of the active RESPONSIBLE official; null when uncovered."
    )
    last_visit_date: dt.date | None
    _members: strawberry.Private[list[HouseholdMember]]
    _pairings: strawberry.Private[list[Pairing]]
    _visits: strawberry.Private[list[Visit]]
    _village: strawberry.Private[Mapping[str, Any] | None]

    @strawberry.field(description="Members, head first; past members too with includePast.")
    def members(self, include_past: bool = False) -> list[HouseholdMember]:
        return [m for m in self._members if include_past or m.until is None]

    @strawberry.field(description="The village, with its path from the province.")
    def village(self) -> Region | None:
        row = self._village
        if not row:
            return None
        region = Region.from_row(dict(row))
        path = list(row.get("path") or [])
        region._path = path
        region._parent = path[-2] if len(path) >= 2 else None
        region._children = []
        region._tree_loaded = True
        return region

    @strawberry.field(
        description="Paired officials, the RESPONSIBLE one first; ended pairings too with "
        "includeEnded."
    )
    def officials(self, include_ended: bool = False) -> list[Pairing]:
        return [p for p in self._pairings if include_ended or p.until is None]

    @strawberry.field(
        description=f"The latest visits, newest first (first: at most {LATEST_VISITS_MAX})."
    )
    def latest_visits(self, first: int = 5) -> list[Visit]:
        check_first(first, maximum=LATEST_VISITS_MAX)
        return self._visits[:first]

    @strawberry.field(
        description=(
            "No visit within `withinDays` days before `asOf` (default today, CST). An "
            "`asOf` before the latest visit is refused: households(where: {visitOverdue, "
            "asOf}) and pairingCoverage(asOf) answer for any past date."
        )
    )
    def visit_overdue(
        self,
        within_days: int = 30,
        as_of: Annotated[
            dt.date | None, strawberry.argument(description=f"A date {DATE_RANGE}.")
        ] = None,
    ) -> bool:
        check_range(within_days, "withinDays", 1, 3660)
        day = check_date(as_of, "asOf") if as_of is not None else today_cst()
        if self.last_visit_date is None:
            return True
        if self.last_visit_date > day:
            # Only the latest visit's date is at hand: whether one fell in the window
            # before it is unknown here, and a guess would be wrong.
            raise BadUserInput("asOf is before the household's latest visit", field="asOf")
        return self.last_visit_date < day - dt.timedelta(days=within_days)

    @classmethod
    def from_row(cls, row: Mapping[str, Any], mask: bool) -> Household:
        return cls(
            code=row["code"],
            village_code=row.get("villageCode") or row["code"][:12],
            address=None if mask else row.get("address"),
            head_phone=mask_phone(row.get("headPhone")) if mask else row.get("headPhone"),
            bank_account=mask_account(row.get("bankAccount")) if mask else row.get("bankAccount"),
            registration_date=to_date(row.get("registrationDate")),
            registration_year=row.get("registrationYear"),
            standard=_enum(IdentificationStandard, row.get("standard")),
            attribute=_enum(HouseholdAttribute, row.get("attribute")),
            status=_enum(HouseholdStatus, row.get("status")),
            monitored=row.get("monitored"),
            main_cause=_enum(PovertyCause, row.get("mainCause")),
            secondary_causes=[PovertyCause(c) for c in row.get("secondaryCauses") or []],
            housing_grade=_enum(HousingGrade, row.get("housingGrade")),
            housing_area=row.get("housingArea"),
            safe_water=row.get("safeWater"),
            electricity=row.get("electricity"),
            road_access=row.get("roadAccess"),
            sanitary_toilet=row.get("sanitaryToilet"),
            cooperative_member=row.get("cooperativeMember"),
            planned_exit_year=row.get("plannedExitYear"),
            debt=None if mask else row.get("debt"),
            version=row.get("version") or 0,
            created_at=to_datetime(row.get("createdAt")),
            updated_at=to_datetime(row.get("updatedAt")),
            deregistered_on=to_date(row.get("deregisteredOn")),
            deregistration_reason=_enum(DeregistrationReason, row.get("deregistrationReason")),
            member_count=row.get("memberCount") or 0,
            responsible_official_code=row.get("responsibleOfficial"),
            last_visit_date=to_date(row.get("lastVisitDate")),
            _members=[
                HouseholdMember(
                    relation=_enum(Relation, m.get("relation")),
                    since=to_date(m.get("since")),
                    until=to_date(m.get("until")),
                    end_reason=_enum(MembershipEndReason, m.get("endReason")),
                    person=Person.from_row(m["person"], mask),
                )
                for m in row.get("members") or []
            ],
            _pairings=[Pairing.from_row(p, mask, row["code"]) for p in row.get("pairings") or []],
            _visits=[Visit.from_row(v, mask) for v in row.get("visits") or []],
            _village=row.get("village"),
        )


async def load_households(info: strawberry.Info[Any, Any], codes: Sequence[str]) -> list[Household]:
    """Households by code for the field being resolved (a connection of households
    elsewhere, e.g. coverage drill-downs), in the order given; missing and
    out-of-scope codes are dropped.

    What is projected follows the field's selection (`edges { node { ... } }`, or the
    field's own selection). Every call at one nesting level with the same selection
    shares a per-request DataLoader: one statement per level, whatever the page size.
    """
    sel = selection(info)
    if "edges" in sel:
        sel = sel["edges"].get("node", {})
    context = info.context
    key = "households:" + json.dumps(sel, sort_keys=True)
    loader = context.loaders.get(key)
    if loader is None:
        mask = not sees_personal(info)

        async def load(batch: list[str]) -> list[Household | None]:
            rows = await graph_household.get_households(context.db, batch, context.scope, sel)
            return [Household.from_row(rows[c], mask) if c in rows else None for c in batch]

        loader = context.loaders[key] = DataLoader(load_fn=load)
    found = await loader.load_many(list(codes))
    return [h for h in found if h is not None]


@strawberry.type
class HouseholdEdge:
    node: Household
    cursor: str


@strawberry.type(description="A page of households (Relay connection).")
class HouseholdConnection:
    edges: list[HouseholdEdge]
    page_info: PageInfo
    _total: strawberry.Private[int | None]

    @strawberry.field(description="All households matching `where` in your scope.")
    def total_count(self) -> int:
        return self._total or 0


@strawberry.input(description="Filters of the households list; all of them must hold.")
class HouseholdWhere:
    region_code: str | None = strawberry.field(
        default=None, description="Any level; the region's descendants included."
    )
    status: HouseholdStatus | None = None
    attribute: HouseholdAttribute | None = None
    main_cause: PovertyCause | None = None
    has_responsible_official: bool | None = strawberry.field(
        default=None, description="True: covered; false: no active RESPONSIBLE official."
    )
    visit_overdue: bool | None = strawberry.field(
        default=None,
        description="True: no visit within `withinDays` days before `asOf`; false: visited. "
        "Without `status`, only households in poverty (REGISTERED, RETURNED), as "
        "pairingCoverage counts them.",
    )
    within_days: int = strawberry.field(default=30, description="The visit window in days.")
    as_of: dt.date | None = strawberry.field(
        default=None,
        description=f"The reference date (default today): a date {DATE_RANGE}.",
    )
    include_deregistered: bool = False


__all__ = [
    "Household",
    "HouseholdConnection",
    "HouseholdEdge",
    "HouseholdMember",
    "HouseholdWhere",
    "load_households",
    "selection",
]
