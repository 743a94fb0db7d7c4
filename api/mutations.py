"""Mutations of the household file and the field app.

Each one validates its input (graph/validation.py) before it touches the database,
then runs one transaction in graph/; on any error nothing is written. Creating
mutations take a client-generated `clientMutationId`: a retry with the same id
returns the first result and writes nothing more. Errors name the input field at
fault in `extensions.field` and never repeat an ID number or a name.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from typing import Any

import strawberry
from strawberry.utils.str_converters import to_camel_case, to_snake_case

from api.auth import HOUSEHOLD_WRITERS, VISIT_WRITERS, Role, policy
from api.context import Context
from api.execution import read_entity
from api.types.household import Household
from api.types.official import Official, Pairing
from api.types.visit import Visit
from graph import household as graph_household
from graph import official as graph_official
from graph import person as graph_person
from graph import validation as check
from graph import visit as graph_visit
from graph.client_mutation import request_digest
from graph.errors import BadUserInput, Forbidden
from graph.household import (
    DeregistrationReason,
    HouseholdAttribute,
    HouseholdStatus,
    HousingGrade,
    IdentificationStandard,
    NewMember,
    PovertyCause,
)
from graph.official import PairingRole
from graph.person import (
    Education,
    Health,
    LabourAbility,
    MembershipEndReason,
    Relation,
    Schooling,
    Sex,
)

UNSET: Any = strawberry.UNSET
_DATES = f"A date {check.DATE_RANGE}."


# --- inputs --------------------------------------------------------------------------


@strawberry.input(description="A member of a household: the person and the relation.")
class MemberInput:
    id_number: str = strawberry.field(description="18 characters; check digit verified.")
    name: str
    relation: Relation
    sex: Sex | None = strawberry.field(
        default=None,
        description="Default: from the ID number, whose 17th digit is odd for men and even "
        "for women; a sex that contradicts it is refused.",
    )
    since: dt.date | None = strawberry.field(
        default=None, description=f"Default: today (CST). {_DATES}"
    )
    ethnicity: str | None = None
    education: Education | None = None
    schooling: Schooling | None = None
    health: Health | None = None
    labour_ability: LabourAbility | None = None
    work_place: str | None = None
    work_months: int | None = None
    medical_insurance: bool | None = None
    critical_illness_insurance: bool | None = None
    pension: bool | None = None
    phone: str | None = None


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
        description="REGISTERED or RETURNED; never EXITED or DEREGISTERED.",
    )
    registration_date: dt.date | None = strawberry.field(
        default=None,
        description="The day the household was registered (建档立卡): a date "
        f"{check.REGISTRATION_RANGE}. Default: today, or 1 January of registrationYear "
        "when only a past year is given.",
    )
    registration_year: int | None = strawberry.field(
        default=None,
        description="Default: the year of registrationDate; when both are given they agree.",
    )
    address: str | None = None
    head_phone: str | None = None
    bank_account: str | None = None
    monitored: bool = False
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
        default=UNSET, description="REGISTERED or RETURNED; never EXITED or DEREGISTERED."
    )
    registration_date: dt.date | None = strawberry.field(
        default=UNSET,
        description=f"A date {check.REGISTRATION_RANGE}, not after the household's first "
        "pairing or visit; registrationYear follows it.",
    )
    registration_year: int | None = strawberry.field(
        default=UNSET, description="Must be the year of registrationDate (given or stored)."
    )
    address: str | None = UNSET
    head_phone: str | None = UNSET
    bank_account: str | None = UNSET
    monitored: bool | None = UNSET
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
class AddMemberInput:
    client_mutation_id: str
    household_code: str
    member: MemberInput
    expected_version: int | None = None


@strawberry.input(description="Only the fields given change; null clears an optional one.")
class UpdateMemberInput:
    household_code: str
    id_number: str
    expected_version: int | None = None
    client_mutation_id: str | None = None
    relation: Relation | None = UNSET
    name: str | None = UNSET
    sex: Sex | None = UNSET
    ethnicity: str | None = UNSET
    education: Education | None = UNSET
    schooling: Schooling | None = UNSET
    health: Health | None = UNSET
    labour_ability: LabourAbility | None = UNSET
    work_place: str | None = UNSET
    work_months: int | None = UNSET
    medical_insurance: bool | None = UNSET
    critical_illness_insurance: bool | None = UNSET
    pension: bool | None = UNSET
    phone: str | None = UNSET


@strawberry.input
class EndMembershipInput:
    household_code: str
    id_number: str
    reason: MembershipEndReason
    date: dt.date = strawberry.field(description=f"The day it ended (the date of death). {_DATES}")
    expected_version: int | None = None
    client_mutation_id: str | None = None


@strawberry.input
class DeregisterHouseholdInput:
    code: str
    expected_version: int
    reason: DeregistrationReason
    date: dt.date | None = strawberry.field(
        default=None, description=f"Default: today (CST). {_DATES}"
    )
    client_mutation_id: str | None = None


@strawberry.input
class PairOfficialInput:
    client_mutation_id: str
    household_code: str
    official_code: str
    role: PairingRole
    since: dt.date | None = strawberry.field(
        default=None, description=f"Default: today (CST). {_DATES}"
    )
    override_max_load: bool = strawberry.field(
        default=False, description="Pair even when the official is at their maxLoad."
    )


@strawberry.input
class EndPairingInput:
    pairing_id: strawberry.ID
    until: dt.date | None = strawberry.field(
        default=None, description=f"Default: today (CST). {_DATES}"
    )
    client_mutation_id: str | None = None


@strawberry.input
class RecordVisitInput:
    client_mutation_id: str
    household_code: str
    date: dt.date = strawberry.field(description=_DATES)
    purpose: str
    official_code: str | None = strawberry.field(
        default=None,
        description="Who visited: paired with the household on the visit's date, unless "
        "standingInFor is given. Default (and the only choice) for a field official: theirs.",
    )
    standing_in_for: str | None = strawberry.field(
        default=None,
        description="An official of the visitor's unit who was paired with the household on "
        "the visit's date and for whom the visitor stood in; recorded on the visit.",
    )
    notes: str | None = None
    latitude: float | None = None
    longitude: float | None = None


@strawberry.input(
    description="Creates the official, or (ADMIN only) updates the one with this code."
)
class CreateOfficialInput:
    client_mutation_id: str
    code: str
    name: str
    max_load: int = strawberry.field(description="The most households they may carry.")
    unit: str | None = None
    position: str | None = None
    phone: str | None = None
    id_number: str | None = None


# --- payloads ------------------------------------------------------------------------


@strawberry.type
class HouseholdPayload:
    client_mutation_id: str | None
    _code: strawberry.Private[str | None] = None

    @strawberry.field
    async def household(self, info: strawberry.Info[Context, None]) -> Household | None:
        return await _entity(info, "household", code=self._code)  # type: ignore[no-any-return]


@strawberry.type
class PairingPayload:
    client_mutation_id: str | None
    _id: strawberry.Private[str | None] = None

    @strawberry.field
    async def pairing(self, info: strawberry.Info[Context, None]) -> Pairing | None:
        return await _entity(info, "Pairing#id", id=self._id)  # type: ignore[no-any-return]

    @strawberry.field
    async def household(self, info: strawberry.Info[Context, None]) -> Household | None:
        return await _entity(info, "Household#pairing", id=self._id)  # type: ignore[no-any-return]


@strawberry.type
class VisitPayload:
    client_mutation_id: str | None
    _id: strawberry.Private[str | None] = None
    _household: strawberry.Private[str | None] = None

    @strawberry.field
    async def visit(self, info: strawberry.Info[Context, None]) -> Visit | None:
        return await _entity(info, "Visit#id", id=self._id)  # type: ignore[no-any-return]

    @strawberry.field
    async def household(self, info: strawberry.Info[Context, None]) -> Household | None:
        return await _entity(info, "household", code=self._household)  # type: ignore[no-any-return]


@strawberry.type
class OfficialPayload:
    client_mutation_id: str | None
    _code: strawberry.Private[str | None] = None

    @strawberry.field
    async def official(self, info: strawberry.Info[Context, None]) -> Official | None:
        return await _entity(info, "official", code=self._code)  # type: ignore[no-any-return]


async def _entity(info: strawberry.Info[Context, None], planner: str, **key: str | None) -> Any:
    """A payload's entity read back with its own selection, as the caller may see it
    (one statement, only when selected); None when it is not (or no longer) visible."""
    if any(value is None for value in key.values()):
        return None
    return await read_entity(info, planner, key)


# --- validation of inputs ------------------------------------------------------------


def _opt_text(value: str | None, field: str, max_length: int = 200) -> str | None:
    if value is None:
        return None
    return check.check_text(value, field, max_length=max_length, required=False) or None


def _member(m: MemberInput, field: str, today: dt.date) -> NewMember:
    id_number = check.check_id_number(m.id_number, f"{field}.idNumber", today=today)
    born = check.birth_date_of(id_number)
    since = check.check_date(m.since or today, f"{field}.since", today=today)
    if born is not None and since < born:
        raise BadUserInput(
            "the membership cannot begin before the birth date", field=f"{field}.since"
        )
    if m.work_months is not None and not 0 <= m.work_months <= 12:
        raise BadUserInput("workMonths must be between 0 and 12", field=f"{field}.workMonths")
    if m.sex is not None:
        check.check_sex(m.sex.value, id_number, f"{field}.sex")
    sex = m.sex or (Sex.MALE if check.is_male(id_number) else Sex.FEMALE)
    person: dict[str, Any] = {
        "idNumber": id_number,
        "name": check.check_text(m.name, f"{field}.name", max_length=60),
        "sex": sex.value,
        "birthDate": born,
        "ethnicity": _opt_text(m.ethnicity, f"{field}.ethnicity", 40),
        "education": m.education.value if m.education else None,
        "schooling": m.schooling.value if m.schooling else None,
        "health": m.health.value if m.health else None,
        "labourAbility": m.labour_ability.value if m.labour_ability else None,
        "workPlace": _opt_text(m.work_place, f"{field}.workPlace"),
        "workMonths": m.work_months,
        "medicalInsurance": m.medical_insurance,
        "criticalIllnessInsurance": m.critical_illness_insurance,
        "pension": m.pension,
        "phone": check.check_phone(m.phone, f"{field}.phone") if m.phone else None,
    }
    return NewMember(
        person={k: v for k, v in person.items() if v is not None},
        relation=m.relation.value,
        since=since,
        field=field,
    )


def _household_values(values: dict[str, Any], today: dt.date) -> dict[str, Any]:
    """Check and convert household fields (GraphQL names in snake case -> properties)."""
    out: dict[str, Any] = {}
    for name, value in values.items():
        field = "input." + to_camel_case(name)
        prop = to_camel_case(name)
        if value is None:
            out[prop] = None
            continue
        if name == "status":
            graph_household.check_settable_status(value, field)
        if name in ("registration_year",):
            check.check_year(value, field, high=today.year)
        elif name == "planned_exit_year":
            check.check_year(value, field)
        elif name == "housing_area":
            check.check_range(value, field, 0, 10000)
        elif name == "debt":
            check.check_range(value, field, 0, 100_000_000)
        elif name == "head_phone":
            value = check.check_phone(value, field)
        elif name == "bank_account":
            value = check.check_bank_account(value, field) if value else None
        elif name == "address":
            value = _opt_text(value, field)
        if isinstance(value, list):
            value = [v.value for v in value]
        elif hasattr(value, "value"):
            value = value.value
        out[prop] = value
    return out


_REQUIRED_ON_FILE = ("main_cause", "attribute", "standard", "status", "registration_year")

_HOUSEHOLD_FIELDS = (
    "address",
    "head_phone",
    "bank_account",
    "registration_year",
    "standard",
    "attribute",
    "status",
    "monitored",
    "main_cause",
    "secondary_causes",
    "housing_grade",
    "housing_area",
    "safe_water",
    "electricity",
    "road_access",
    "sanitary_toilet",
    "cooperative_member",
    "planned_exit_year",
    "debt",
)


def _request(value: Any) -> Any:
    """A mutation's input as the client gave it (after GraphQL's coercion, so inline
    literals and variables, omitted fields and their defaults, come out the same), the
    fields it left unset dropped, without its clientMutationId."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: _request(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if f.name != "client_mutation_id" and getattr(value, f.name) is not UNSET
        }
    if isinstance(value, list):
        return [_request(v) for v in value]
    return value


def _digest(input: Any) -> str:
    """The digest a clientMutationId is stored with (graph/client_mutation.py)."""
    return request_digest(_request(input))


def _cmid(value: str | None) -> str | None:
    return None if value is None else check.check_client_mutation_id(value)


# --- the mutations -------------------------------------------------------------------


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
        cmid = check.check_client_mutation_id(input.client_mutation_id)
        village = check.check_village_code(input.village_code, "input.villageCode")
        code = check.check_household_code(input.code, "input.code", village)
        check.check_causes(
            input.main_cause.value,
            [c.value for c in input.secondary_causes],
            "input.secondaryCauses",
        )
        values = {name: getattr(input, name) for name in _HOUSEHOLD_FIELDS}
        day, values["registration_year"] = check.registration_of(
            input.registration_date,
            input.registration_year,
            date_field="input.registrationDate",
            year_field="input.registrationYear",
            today=today,
        )
        properties = {k: v for k, v in _household_values(values, today).items() if v is not None}
        properties["registrationDate"] = day
        if not input.members:
            raise BadUserInput("a household has at least one member", field="input.members")
        members = [_member(m, f"input.members[{i}]", today) for i, m in enumerate(input.members)]
        seen: set[str] = set()
        for member in members:
            if member.person["idNumber"] in seen:
                raise BadUserInput(
                    "the same ID number appears twice", field=f"{member.field}.idNumber"
                )
            seen.add(member.person["idNumber"])
        heads = [m for m in members if m.relation == Relation.HEAD]
        if len(heads) != 1:
            raise BadUserInput("exactly one member must be the HEAD", field="input.members")
        context = info.context
        result = await graph_household.register_household(
            context.db,
            context.scope,
            cmid,
            code,
            village,
            properties,
            members,
            subject=context.principal.subject,
            digest=_digest(input),
        )
        return HouseholdPayload(client_mutation_id=cmid, _code=result)

    @strawberry.mutation(
        description="Change a household's file (expectedVersion must be current); never to "
        "EXITED or DEREGISTERED. With newCode and villageCode, move it to another village.",
        permission_classes=[policy(*HOUSEHOLD_WRITERS)],
    )
    async def update_household(
        self, info: strawberry.Info[Context, None], input: UpdateHouseholdInput
    ) -> HouseholdPayload:
        today = check.today_cst()
        cmid = _cmid(input.client_mutation_id)
        given = {n: getattr(input, n) for n in _HOUSEHOLD_FIELDS if getattr(input, n) is not UNSET}
        for name in _REQUIRED_ON_FILE:
            if name in given and given[name] is None:
                field = "input." + to_camel_case(name)
                raise BadUserInput("this field cannot be cleared", field=field)
        if given.get("secondary_causes") is not None:
            main = given.get("main_cause")
            check.check_causes(
                main.value if main else "",
                [c.value for c in given["secondary_causes"]],
                "input.secondaryCauses",
            )
        changes = _household_values(given, today)
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
        context = info.context
        result = await graph_household.update_household(
            context.db,
            context.scope,
            check.check_household_code(input.code, "input.code"),
            input.expected_version,
            changes,
            move_to=move,
            client_mutation_id=cmid,
            subject=context.principal.subject,
            digest=_digest(input),
        )
        return HouseholdPayload(client_mutation_id=cmid, _code=result)

    @strawberry.mutation(
        description="Add a member; CONFLICT when the person is an active member elsewhere.",
        permission_classes=[policy(*HOUSEHOLD_WRITERS)],
    )
    async def add_member(
        self, info: strawberry.Info[Context, None], input: AddMemberInput
    ) -> HouseholdPayload:
        cmid = check.check_client_mutation_id(input.client_mutation_id)
        member = _member(input.member, "input.member", check.today_cst())
        context = info.context
        result = await graph_person.add_member(
            context.db,
            context.scope,
            cmid,
            check.check_household_code(input.household_code, "input.householdCode"),
            member,
            input.expected_version,
            subject=context.principal.subject,
            digest=_digest(input),
        )
        return HouseholdPayload(client_mutation_id=cmid, _code=result)

    @strawberry.mutation(
        description="Change an active member's details or relation.",
        permission_classes=[policy(*HOUSEHOLD_WRITERS)],
    )
    async def update_member(
        self, info: strawberry.Info[Context, None], input: UpdateMemberInput
    ) -> HouseholdPayload:
        cmid = _cmid(input.client_mutation_id)
        changes: dict[str, Any] = {}
        for name in graph_person.PERSON_INPUT_PROPERTIES:
            attr = to_snake_case(name)
            value = getattr(input, attr, UNSET)
            if value is UNSET:
                continue
            field = f"input.{name}"
            if name == "name":
                if value is None:
                    raise BadUserInput("this field cannot be cleared", field=field)
                value = check.check_text(value, field, max_length=60)
            elif name == "phone" and value is not None:
                value = check.check_phone(value, field)
            elif name == "workMonths" and value is not None and not 0 <= value <= 12:
                raise BadUserInput("workMonths must be between 0 and 12", field=field)
            elif name in ("ethnicity", "workPlace"):
                value = _opt_text(value, field)
            changes[name] = value.value if hasattr(value, "value") else value
        relation = input.relation
        if relation is None:
            raise BadUserInput("this field cannot be cleared", field="input.relation")
        id_number = check.check_id_number(input.id_number, "input.idNumber")
        if changes.get("sex") is not None:
            check.check_sex(changes["sex"], id_number, "input.sex")
        context = info.context
        result = await graph_person.update_member(
            context.db,
            context.scope,
            check.check_household_code(input.household_code, "input.householdCode"),
            id_number,
            changes,
            None if relation is UNSET else relation,
            input.expected_version,
            cmid,
            subject=context.principal.subject,
            digest=_digest(input),
        )
        return HouseholdPayload(client_mutation_id=cmid, _code=result)

    @strawberry.mutation(
        description="End a membership: MOVED_AWAY, MARRIED_OUT or DECEASED, with the date.",
        permission_classes=[policy(*HOUSEHOLD_WRITERS)],
    )
    async def end_membership(
        self, info: strawberry.Info[Context, None], input: EndMembershipInput
    ) -> HouseholdPayload:
        cmid = _cmid(input.client_mutation_id)
        on = check.check_date(input.date, "input.date")
        context = info.context
        result = await graph_person.end_membership(
            context.db,
            context.scope,
            check.check_household_code(input.household_code, "input.householdCode"),
            check.check_id_number(input.id_number, "input.idNumber"),
            input.reason,
            on,
            input.expected_version,
            cmid,
            subject=context.principal.subject,
            digest=_digest(input),
        )
        return HouseholdPayload(client_mutation_id=cmid, _code=result)

    @strawberry.mutation(
        description="Close a file without an exit: its status becomes DEREGISTERED (the "
        "record stays, and household(code) still answers it); its active pairings end on "
        "the same date.",
        permission_classes=[policy(*HOUSEHOLD_WRITERS)],
    )
    async def deregister_household(
        self, info: strawberry.Info[Context, None], input: DeregisterHouseholdInput
    ) -> HouseholdPayload:
        cmid = _cmid(input.client_mutation_id)
        on = check.check_date(input.date or check.today_cst(), "input.date")
        context = info.context
        result = await graph_household.deregister_household(
            context.db,
            context.scope,
            check.check_household_code(input.code, "input.code"),
            input.expected_version,
            input.reason,
            on,
            client_mutation_id=cmid,
            subject=context.principal.subject,
            digest=_digest(input),
        )
        return HouseholdPayload(client_mutation_id=cmid, _code=result)

    @strawberry.mutation(
        description="Pair an official with a household. CONFLICT for a second active "
        "RESPONSIBLE, or beyond the official's maxLoad without overrideMaxLoad.",
        permission_classes=[policy(*HOUSEHOLD_WRITERS)],
    )
    async def pair_official(
        self, info: strawberry.Info[Context, None], input: PairOfficialInput
    ) -> PairingPayload:
        cmid = check.check_client_mutation_id(input.client_mutation_id)
        since = check.check_date(input.since or check.today_cst(), "input.since")
        context = info.context
        pairing_id = await graph_official.pair_official(
            context.db,
            context.scope,
            cmid,
            str(uuid.uuid4()),
            check.check_household_code(input.household_code, "input.householdCode"),
            check.check_official_code(input.official_code, "input.officialCode"),
            input.role,
            since,
            override_max_load=input.override_max_load,
            subject=context.principal.subject,
            digest=_digest(input),
        )
        return await _pairing_payload(info, cmid, pairing_id)

    @strawberry.mutation(
        description="End an active pairing.", permission_classes=[policy(*HOUSEHOLD_WRITERS)]
    )
    async def end_pairing(
        self, info: strawberry.Info[Context, None], input: EndPairingInput
    ) -> PairingPayload:
        cmid = _cmid(input.client_mutation_id)
        until = check.check_date(input.until or check.today_cst(), "input.until")
        context = info.context
        pairing_id = await graph_official.end_pairing(
            context.db,
            context.scope,
            str(input.pairing_id),
            until,
            cmid,
            subject=context.principal.subject,
            digest=_digest(input),
        )
        return await _pairing_payload(info, cmid, pairing_id)

    @strawberry.mutation(
        description="Record a visit. A field official records only their own visits to "
        "households they are actively paired with.",
        permission_classes=[policy(*VISIT_WRITERS)],
    )
    async def record_visit(
        self, info: strawberry.Info[Context, None], input: RecordVisitInput
    ) -> VisitPayload:
        cmid = check.check_client_mutation_id(input.client_mutation_id)
        principal = info.context.principal
        official_code = (
            None
            if input.official_code is None
            else check.check_official_code(input.official_code, "input.officialCode")
        )
        if principal.role is Role.FIELD_OFFICIAL:
            if official_code is not None and official_code != principal.scope:
                raise Forbidden(
                    "a field official records only their own visits", field="input.officialCode"
                )
            official_code = principal.scope
        if not official_code:
            raise BadUserInput("officialCode is required", field="input.officialCode")
        properties: dict[str, Any] = {
            "date": check.check_date(input.date, "input.date"),
            "purpose": check.check_text(input.purpose, "input.purpose"),
            "notes": _opt_text(input.notes, "input.notes", 2000),
        }
        if (input.latitude is None) != (input.longitude is None):
            raise BadUserInput(
                "give both latitude and longitude, or neither", field="input.latitude"
            )
        if input.latitude is not None and input.longitude is not None:
            properties["latitude"] = check.check_range(input.latitude, "input.latitude", -90, 90)
            properties["longitude"] = check.check_range(
                input.longitude, "input.longitude", -180, 180
            )
        context = info.context
        visit_id = await graph_visit.record_visit(
            context.db,
            context.scope,
            cmid,
            str(uuid.uuid4()),
            check.check_household_code(input.household_code, "input.householdCode"),
            official_code,
            {k: v for k, v in properties.items() if v is not None},
            standing_in_for=None
            if input.standing_in_for is None
            else check.check_official_code(input.standing_in_for, "input.standingInFor"),
            subject=context.principal.subject,
            digest=_digest(input),
        )
        return VisitPayload(client_mutation_id=cmid, _id=visit_id, _household=input.household_code)

    @strawberry.mutation(
        description="Create an official; an ADMIN may also update the one with this code "
        "(anyone else: CONFLICT when the code exists).",
        permission_classes=[policy(*HOUSEHOLD_WRITERS)],
    )
    async def create_official(
        self, info: strawberry.Info[Context, None], input: CreateOfficialInput
    ) -> OfficialPayload:
        cmid = check.check_client_mutation_id(input.client_mutation_id)
        code = check.check_official_code(input.code, "input.code")
        if not 0 <= input.max_load <= 1000:
            raise BadUserInput("maxLoad must be between 0 and 1000", field="input.maxLoad")
        properties: dict[str, Any] = {
            "name": check.check_text(input.name, "input.name", max_length=60),
            "maxLoad": input.max_load,
            "unit": _opt_text(input.unit, "input.unit"),
            "position": _opt_text(input.position, "input.position"),
            "phone": check.check_phone(input.phone, "input.phone") if input.phone else None,
            "idNumber": check.check_id_number(input.id_number, "input.idNumber")
            if input.id_number
            else None,
        }
        context = info.context
        # Only an ADMIN updates an existing official; for anyone else an existing code
        # is CONFLICT (visible to them or not) and nothing is written.
        result = await graph_official.create_official(
            context.db,
            cmid,
            code,
            {k: v for k, v in properties.items() if v is not None},
            may_update=context.principal.role is Role.ADMIN,
            subject=context.principal.subject,
            digest=_digest(input),
        )
        # Read back as the caller sees it: a new official paired with nothing yet is
        # not visible to a region officer until paired in their region (null here).
        return OfficialPayload(client_mutation_id=cmid, _code=result)


async def _pairing_payload(
    info: strawberry.Info[Context, None], cmid: str | None, pairing_id: str
) -> PairingPayload:
    return PairingPayload(client_mutation_id=cmid, _id=pairing_id)
