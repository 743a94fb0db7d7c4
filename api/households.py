"""Households: the household and households queries, registerHousehold,
updateHousehold and deregisterHousehold. Thin: arguments and the caller in, graph/
out (reads compile to one statement: graph/household.py, graph/households.py; writes
run in the write frame: graph/registration.py)."""

from __future__ import annotations

import datetime as dt

import strawberry

from api.auth import HOUSEHOLD_READERS, HOUSEHOLD_WRITERS, policy
from api.context import Context
from api.execution import resolve_root
from api.pagination import DEFAULT_FIRST
from api.persons import MemberInput, members_of
from api.types.household import Household, HouseholdConnection, HouseholdWhere
from api.types.payloads import HouseholdPayload
from api.writes import DATES, UNSET, actor, cmid, given, mutation
from graph import registration
from graph import validation as check
from graph.errors import BadUserInput
from graph.household import (
    DeregistrationReason,
    HouseholdAttribute,
    HouseholdOrder,
    HouseholdStatus,
    HousingGrade,
    IdentificationStandard,
    PovertyCause,
)
from graph.validation import REGISTRATION_RANGE


@strawberry.type
class HouseholdQuery:
    @strawberry.field(
        description="A household by its 16-digit code; null when there is none in your scope.",
        permission_classes=[policy(*HOUSEHOLD_READERS)],
    )
    async def household(self, info: strawberry.Info[Context, None], code: str) -> Household | None:
        return await resolve_root(info)  # type: ignore[no-any-return]

    @strawberry.field(
        description="Households in your scope, a page at a time (opaque keyset cursors).",
        permission_classes=[policy(*HOUSEHOLD_READERS)],
    )
    async def households(
        self,
        info: strawberry.Info[Context, None],
        where: HouseholdWhere | None = None,
        order_by: HouseholdOrder = HouseholdOrder.CODE_ASC,
        first: int = DEFAULT_FIRST,
        after: str | None = None,
    ) -> HouseholdConnection:
        return await resolve_root(info)  # type: ignore[no-any-return]


@strawberry.input
class RegisterHouseholdInput:
    client_mutation_id: str = strawberry.field(
        description="Client-generated (8-64 characters); a retry with it writes nothing more."
    )
    code: str = strawberry.field(description="16 digits: the village code and 4 more.")
    village_code: str
    main_cause: PovertyCause
    members: list[MemberInput] = strawberry.field(description="Exactly one HEAD among them.")
    secondary_causes: list[PovertyCause] = strawberry.field(
        default_factory=list, description="Up to two."
    )
    attribute: HouseholdAttribute = HouseholdAttribute.GENERAL
    standard: IdentificationStandard = IdentificationStandard.NATIONAL
    status: HouseholdStatus = strawberry.field(
        default=HouseholdStatus.REGISTERED,
        description="REGISTERED, RETURNED or BORDERLINE (not poor, watched); never EXITED "
        "or DEREGISTERED.",
    )
    registration_date: dt.date | None = strawberry.field(
        default=None,
        description="The day the household was registered (建档立卡): a date "
        f"{REGISTRATION_RANGE}. Default: today, or 1 January of registrationYear "
        "when only a past year is given.",
    )
    registration_year: int | None = strawberry.field(
        default=None,
        description="Default: the year of registrationDate; when both are given they agree.",
    )
    address: str | None = None
    head_phone: str | None = None
    bank_account: str | None = None
    monitored: bool = strawberry.field(
        default=False,
        description="Kept for old clients: false (monitoring starts with startMonitoring; "
        "true: BAD_USER_INPUT).",
    )
    housing_grade: HousingGrade | None = None
    housing_area: float | None = None
    safe_water: bool | None = None
    electricity: bool | None = None
    road_access: bool | None = None
    sanitary_toilet: bool | None = None
    cooperative_member: bool | None = None
    planned_exit_year: int | None = None
    debt: int | None = None


@strawberry.input(description="Only the fields given change; null clears an optional one.")
class UpdateHouseholdInput:
    code: str
    expected_version: int
    client_mutation_id: str | None = None
    new_code: str | None = strawberry.field(
        default=UNSET, description="With villageCode: move the household (a new code)."
    )
    village_code: str | None = UNSET
    main_cause: PovertyCause | None = UNSET
    secondary_causes: list[PovertyCause] | None = UNSET
    attribute: HouseholdAttribute | None = UNSET
    standard: IdentificationStandard | None = UNSET
    status: HouseholdStatus | None = strawberry.field(
        default=UNSET,
        description="Kept for old clients: only the household's current status (no change). "
        "Status changes go through assessExit and returnToPoverty (another status: "
        "BAD_USER_INPUT on input.status).",
    )
    registration_date: dt.date | None = strawberry.field(
        default=UNSET,
        description=f"A date {REGISTRATION_RANGE}, not after the household's first "
        "pairing or visit; registrationYear follows it.",
    )
    registration_year: int | None = strawberry.field(
        default=UNSET, description="Must be the year of registrationDate (given or stored)."
    )
    address: str | None = UNSET
    head_phone: str | None = UNSET
    bank_account: str | None = UNSET
    monitored: bool | None = strawberry.field(
        default=UNSET,
        description="Kept for old clients: only the household's current value (no change). "
        "It follows the monitoring records (startMonitoring, endMonitoring; another value: "
        "BAD_USER_INPUT on input.monitored).",
    )
    housing_grade: HousingGrade | None = UNSET
    housing_area: float | None = UNSET
    safe_water: bool | None = UNSET
    electricity: bool | None = UNSET
    road_access: bool | None = UNSET
    sanitary_toilet: bool | None = UNSET
    cooperative_member: bool | None = UNSET
    planned_exit_year: int | None = UNSET
    debt: int | None = UNSET


@strawberry.input
class DeregisterHouseholdInput:
    code: str
    expected_version: int
    reason: DeregistrationReason
    date: dt.date | None = strawberry.field(
        default=None, description=f"Default: today (CST). {DATES}"
    )
    client_mutation_id: str | None = None


@strawberry.type
class HouseholdMutation:
    @strawberry.mutation(
        description="Register a household with its members, in one transaction.",
        permission_classes=[policy(*HOUSEHOLD_WRITERS)],
    )
    async def register_household(
        self, info: strawberry.Info[Context, None], input: RegisterHouseholdInput
    ) -> HouseholdPayload:
        today = check.today_cst()
        client_id = check.check_client_mutation_id(input.client_mutation_id)
        village = check.check_village_code(input.village_code, "input.villageCode")
        code = check.check_household_code(input.code, "input.code", village)
        check.check_causes(
            input.main_cause.value,
            [c.value for c in input.secondary_causes],
            "input.secondaryCauses",
        )
        values = given(input, registration.FILE_FIELDS)
        day, values["registrationYear"] = check.registration_of(
            input.registration_date,
            input.registration_year,
            date_field="input.registrationDate",
            year_field="input.registrationYear",
            today=today,
        )
        properties = {
            k: v
            for k, v in registration.check_household_values(values, today).items()
            if v is not None
        }
        properties["registrationDate"] = day
        new = registration.NewHousehold(code, village, properties, members_of(input.members, today))
        result = await registration.register_household(
            info.context.db, actor(info), mutation("registerHousehold", input, client_id), new
        )
        return HouseholdPayload(client_mutation_id=client_id, _code=result["code"])

    @strawberry.mutation(
        description="Change a household's file (expectedVersion must be current); never its "
        "status (assessExit, returnToPoverty). With newCode and villageCode, move it to "
        "another village.",
        permission_classes=[policy(*HOUSEHOLD_WRITERS)],
    )
    async def update_household(
        self, info: strawberry.Info[Context, None], input: UpdateHouseholdInput
    ) -> HouseholdPayload:
        today = check.today_cst()
        client_id = cmid(input.client_mutation_id)
        values = given(input, registration.FILE_FIELDS)
        for name in registration.REQUIRED_ON_FILE:
            if name in values and values[name] is None:
                raise BadUserInput("this field cannot be cleared", field=f"input.{name}")
        if values.get("secondaryCauses") is not None:
            main = values.get("mainCause")
            check.check_causes(
                main.value if main else "",
                [c.value for c in values["secondaryCauses"]],
                "input.secondaryCauses",
            )
        changes = registration.check_household_values(values, today)
        if input.registration_date is None:
            raise BadUserInput("this field cannot be cleared", field="input.registrationDate")
        if input.registration_date is not UNSET:
            day = check.check_date(
                input.registration_date,
                "input.registrationDate",
                today=today,
                earliest=check.EARLIEST_REGISTRATION,
            )
            if changes.setdefault("registrationYear", day.year) != day.year:
                raise BadUserInput(
                    "registrationYear must be the year of registrationDate",
                    field="input.registrationYear",
                )
            changes["registrationDate"] = day
        if "secondaryCauses" in changes and changes["secondaryCauses"] is None:
            changes["secondaryCauses"] = []
        move: tuple[str, str] | None = None
        if input.new_code is not UNSET or input.village_code is not UNSET:
            if not input.new_code or not input.village_code:
                raise BadUserInput(
                    "a move needs both newCode and villageCode",
                    field="input.villageCode" if not input.village_code else "input.newCode",
                )
            village = check.check_village_code(input.village_code, "input.villageCode")
            move = (check.check_household_code(input.new_code, "input.newCode", village), village)
        result = await registration.update_household(
            info.context.db,
            actor(info),
            mutation("updateHousehold", input, client_id),
            check.check_household_code(input.code, "input.code"),
            input.expected_version,
            changes,
            move,
        )
        return HouseholdPayload(client_mutation_id=client_id, _code=result["code"])


@strawberry.type
class DeregistrationMutation:
    @strawberry.mutation(
        description="Close a file without an exit: its status becomes DEREGISTERED (the "
        "record stays, and household(code) still answers it); its active pairings end on "
        "the same date.",
        permission_classes=[policy(*HOUSEHOLD_WRITERS)],
    )
    async def deregister_household(
        self, info: strawberry.Info[Context, None], input: DeregisterHouseholdInput
    ) -> HouseholdPayload:
        client_id = cmid(input.client_mutation_id)
        on = check.check_date(input.date or check.today_cst(), "input.date")
        result = await registration.deregister_household(
            info.context.db,
            actor(info),
            mutation("deregisterHousehold", input, client_id),
            check.check_household_code(input.code, "input.code"),
            input.expected_version,
            input.reason,
            on,
        )
        return HouseholdPayload(client_mutation_id=client_id, _code=result["code"])
