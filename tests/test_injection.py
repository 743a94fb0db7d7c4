"""Cypher fragments, quotes and control characters in every string argument of every
root field, and in the string inputs of mutations: refused with BAD_USER_INPUT or
stored and returned literally, and nothing else changes."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLScalarType,
    Undefined,
)
from test_authz_matrix import HA, counts, household_version, make_story

from api.schema import schema
from graph.validation import today_cst


@pytest.fixture()
def story(api: Any, test_settings: Any) -> Any:
    return make_story(api, test_settings)


PAYLOADS = [
    "x' OR 1=1 //",
    '" OR true //',
    "`) DETACH DELETE n //",
    "}) MATCH (n) DETACH DELETE n //",
    "$param",
    "\u0000",
    "'; CALL db.labels() //",
    "*/ MATCH (n) RETURN n /*",
    "\\'",
]

CORE = schema._schema


def string_args() -> list[tuple[str, str]]:
    found = []
    for name, field in CORE.query_type.fields.items():
        for arg_name, arg in field.args.items():
            t = arg.type.of_type if isinstance(arg.type, GraphQLNonNull) else arg.type
            if isinstance(t, GraphQLScalarType) and t.name in ("String", "ID"):
                found.append((name, arg_name))
    return found


# Other required arguments of a root field, valid, so the one under test decides.
REQUIRED = {
    "from": f"Household:{HA}", "to": f"Household:{HA}", "ref": f"Household:{HA}",
    "regionCode": "460203", "sellerCode": "STORE-469025-01", "orderId": "store-00000001",
    "id": "buyer-7f3a9c",
}  # fmt: skip
# The same for Date arguments (salesImpact's window) and Int ones (the statistics').
REQUIRED_DATE = "2026-01-01"
REQUIRED_INT = {"year": 2026, "fromYear": 2025, "toYear": 2026}


def others(field: str, arg: str) -> str:
    """The field's other required arguments, as GraphQL literals."""
    given = [
        f"{name}: {REQUIRED_INT[name]}"
        if str(a.type) == "Int!"
        else f'{name}: "{REQUIRED_DATE if str(a.type) == "Date!" else REQUIRED[name]}"'
        for name, a in CORE.query_type.fields[field].args.items()
        if name != arg and isinstance(a.type, GraphQLNonNull) and a.default_value is Undefined
    ]
    return "".join(", " + g for g in given)


def test_every_root_argument_that_is_required_has_a_companion():
    for field, arg in string_args():
        others(field, arg)  # a KeyError names the argument to add to REQUIRED
    assert ("paths", "from") in string_args() and ("neighborhood", "ref") in string_args()


@pytest.mark.parametrize(("field", "arg"), string_args())
def test_string_arguments_are_only_values(story, graph, field, arg):
    before = counts(graph)
    t = CORE.query_type.fields[field].args[arg].type
    for payload in PAYLOADS:
        query = f"query($v: {t}) {{ {field}({arg}: $v{others(field, arg)}) {{ __typename }} }}"
        body = story.post(query, {"v": payload})
        for error in body.get("errors") or []:
            assert error["extensions"]["code"] == "BAD_USER_INPUT", (field, payload, body)
        data = (body.get("data") or {}).get(field)
        # Nothing matches a payload: lookups find nothing, lists are empty.
        if isinstance(data, dict) and "edges" in data:
            assert data["edges"] == []
        elif data is not None:
            pytest.fail(f"{field}({arg}: {payload!r}) found {data}")
    assert counts(graph) == before


def enum_list_args() -> list[tuple[str, str, str]]:
    """(field, argument, enum) of every root argument that is a list of an enum."""
    found = []
    for name, field in CORE.query_type.fields.items():
        for arg_name, arg in field.args.items():
            t = arg.type.of_type if isinstance(arg.type, GraphQLNonNull) else arg.type
            inner = getattr(t, "of_type", None)
            inner = inner.of_type if isinstance(inner, GraphQLNonNull) else inner
            if isinstance(t, GraphQLList) and isinstance(inner, GraphQLEnumType):
                found.append((name, arg_name, inner.name))
    return found


@pytest.mark.parametrize(("field", "arg", "enum"), enum_list_args())
def test_enum_arguments_take_only_their_values(story, graph, field, arg, enum):
    """Labels and relationship types come from enums: a payload never reaches Cypher."""
    before = counts(graph)
    t = CORE.query_type.fields[field].args[arg].type
    for payload in PAYLOADS:
        query = f"query($v: {t}) {{ {field}({arg}: $v{others(field, arg)}) {{ __typename }} }}"
        body = story.post(query, {"v": [payload]})
        assert {e["extensions"]["code"] for e in body["errors"]} == {"BAD_USER_INPUT"}
    assert counts(graph) == before
    assert ("neighborhood", "edgeTypes", "EdgeType") in enum_list_args()


UPDATE = """mutation($input: UpdateHouseholdInput!) {
  updateHousehold(input: $input) { household { address } } }"""


@pytest.mark.parametrize("payload", PAYLOADS)
def test_string_inputs_are_stored_literally(story, graph, payload):
    before = counts(graph)
    body = story.post(
        UPDATE,
        {"input": {"code": HA, "expectedVersion": household_version(story, HA),
                   "address": payload}},
    )  # fmt: skip
    if body.get("errors"):
        assert {e["extensions"]["code"] for e in body["errors"]} == {"BAD_USER_INPUT"}
    else:
        assert body["data"]["updateHousehold"]["household"]["address"] == payload
    assert counts(graph) == before


@pytest.mark.parametrize("payload", PAYLOADS)
def test_visit_notes_and_official_names_are_stored_literally(story, graph, payload):

    nodes, rels = counts(graph)
    body = story.post(
        "mutation($input: RecordVisitInput!) { recordVisit(input: $input) "
        "{ visit { notes purpose } } }",
        {"input": {"clientMutationId": "inject-visit-0001", "householdCode": HA,
                   "officialCode": "OFF-A", "date": today_cst().isoformat(),
                   "purpose": payload, "notes": payload}},
    )  # fmt: skip
    if body.get("errors"):
        assert {e["extensions"]["code"] for e in body["errors"]} == {"BAD_USER_INPUT"}
        assert counts(graph) == (nodes, rels)
        return
    visit: dict[str, Any] = body["data"]["recordVisit"]["visit"]
    assert visit == {"notes": payload, "purpose": payload}
    # One visit node and the client mutation record, with their relationships; no more.
    new_nodes, new_rels = counts(graph)
    assert new_nodes - nodes <= 2
    assert new_rels - rels == 2


# --- every string input of every mutation, on the demo story -------------------------
#
# The Mutation input types are walked from the schema: every String/ID leaf (nested
# member inputs included) is either free text, which must be refused with
# BAD_USER_INPUT or stored and read back literally, or code-shaped, which every payload
# must make BAD_USER_INPUT. A new String input that is in neither list fails
# test_every_string_input_is_classified until someone decides which it is.

SHUINAN, LUOBI = "460203100201", "460203100202"
FU = SHUINAN + "0001"
LIN, WU = "O-460203-001", "O-460203-002"

FREE_TEXT = {
    "address", "name", "ethnicity", "workPlace", "purpose", "notes", "unit", "position",
    "description", "agency", "reason",
    "note", "source",
    "text", "answer",  # feedback (issue 13)
    "id",  # a buyer's pseudonymous id (issue 16): any printable text the seller chose
}  # fmt: skip
# bankAccount is digits only (graph/validation.check_bank_account).
CODE_SHAPED = {
    "clientMutationId", "code", "newCode", "villageCode", "householdCode", "officialCode",
    "idNumber", "pairingId", "phone", "headPhone", "bankAccount", "standingInFor",
    "memberIdNumber", "measureId", "verifiedBy",
    "productCode", "cooperativeCode", "traceCode", "madeFrom", "deviceId", "clientId",
    "regionCode", "findingId", "idNumbers", "sellerCode", "orderId", "cityCode",
    "feedbackId",
}  # fmt: skip
# Code-shaped fields that name an existing record. A malformed one should be
# BAD_USER_INPUT like everywhere else; today it is looked up and answers NOT_FOUND
# (nothing written either way). pairingId is opaque (no shape), so NOT_FOUND is right.
LOOKUP_KEYS = {
    ("updateHousehold", "code"), ("addMember", "householdCode"),
    ("updateMember", "householdCode"), ("updateMember", "idNumber"),
    ("endMembership", "householdCode"), ("endMembership", "idNumber"),
    ("deregisterHousehold", "code"), ("pairOfficial", "householdCode"),
    ("pairOfficial", "officialCode"), ("recordVisit", "householdCode"),
    ("recordVisit", "officialCode"), ("endPairing", "pairingId"),
    ("recordMeasure", "householdCode"), ("recordMeasure", "officialCode"),
    ("recordMeasure", "memberIdNumber"), ("voidMeasure", "measureId"),
    ("recordIncome", "householdCode"),
    ("syncFieldRecords:visit", "householdCode"), ("syncFieldRecords:visit", "officialCode"),
    ("syncFieldRecords:measure", "householdCode"), ("syncFieldRecords:measure", "officialCode"),
    ("syncFieldRecords:measure", "memberIdNumber"),
    ("syncFieldRecords:income", "householdCode"),
}  # fmt: skip

# The field app's batch (syncFieldRecords) is walked once per kind of record, as
# "syncFieldRecords:visit" and so on: its records are the single mutations' inputs, and
# a record refused answers REJECTED with the code the single mutation gives, which these
# tests take as that code's error.
SYNC = "syncFieldRecords"
SYNC_KINDS = {"visit": "recordVisit", "measure": "recordMeasure", "income": "recordIncome"}


def cases() -> list[str]:
    """Every mutation, the field app's batch once per kind of record."""
    return [
        case
        for name in CORE.mutation_type.fields
        for case in ([f"{SYNC}:{kind}" for kind in SYNC_KINDS] if name == SYNC else [name])
    ]


Path = tuple[str | int, ...]


def _strip(t: Any) -> Any:
    return t.of_type if isinstance(t, GraphQLNonNull) else t


def string_leaves(t: GraphQLInputObjectType, prefix: Path = ()) -> list[Path]:
    """Paths of every String/ID leaf of an input type; a list of inputs is entered at
    its first element."""
    found: list[Path] = []
    for name, field in t.fields.items():
        inner, path = _strip(field.type), (*prefix, name)
        if isinstance(inner, GraphQLList):
            inner, path = _strip(inner.of_type), (*path, 0)
        if isinstance(inner, GraphQLInputObjectType):
            found.extend(string_leaves(inner, path))
        elif isinstance(inner, GraphQLScalarType) and inner.name in ("String", "ID"):
            found.append(path)
    return found


def mutation_leaves(name: str) -> list[Path]:
    base, _, kind = name.partition(":")
    input_type = _strip(CORE.mutation_type.fields[base].args["input"].type)
    leaves = string_leaves(input_type)
    return [p for p in leaves if not kind or len(p) < 3 or p[2] == kind]


def leaf_name(path: Path) -> str:
    return str([p for p in path if isinstance(p, str)][-1])


def put(variables: dict[str, Any], path: Path, value: Any) -> dict[str, Any]:
    """A deep copy of `variables` with `value` at `path`."""
    import copy

    out = copy.deepcopy(variables)
    node: Any = out
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return out


def get(variables: dict[str, Any], path: Path) -> Any:
    node: Any = variables
    for key in path:
        node = node[key]
    return node


def version_of(api: Any, code: str) -> int:
    return int(api.data("query($c: String!) { household(code: $c) { version } }", {"c": code})[
        "household"]["version"])  # fmt: skip


def member_ids(api: Any, code: str) -> dict[str, str]:
    """Relation -> ID number of the household's active members."""
    household = api.data(
        "query($c: String!) { household(code: $c) { members { relation person { idNumber } } } }",
        {"c": code},
    )["household"]
    return {m["relation"]: m["person"]["idNumber"] for m in household["members"]}


def new_id(n: int) -> str:
    from seeds.idnumber import make_id_number

    return make_id_number("460203", dt.date(1990, 1, 1), 500 + n)


def base_input(api: Any, name: str, n: int, day: dt.date) -> dict[str, Any]:
    """A valid input for mutation `name` on the demo story, unique by `n`; every free-text
    field (and every optional code-shaped one) filled with a plain value."""
    text = f"plain text {n}"
    cmid = f"inject-{name}-{n:04d}"
    if name.startswith(f"{SYNC}:"):
        kind = name.partition(":")[2]
        record = base_input(api, SYNC_KINDS[kind], n, day)
        record["clientId"] = record.pop("clientMutationId").replace(":", "-")
        record["recordedAt"] = dt.datetime.now(dt.UTC).isoformat()
        return {"deviceId": f"inject-phone-{n:03d}", "records": [{kind: record}]}
    if name == "registerHousehold":
        return {
            "clientMutationId": cmid, "code": f"{SHUINAN}{100 + n:04d}", "villageCode": SHUINAN,
            "mainCause": "ILLNESS", "address": text, "headPhone": "13800138000",
            "bankAccount": "6222020200112233445",
            "members": [{"idNumber": new_id(n), "name": text, "relation": "HEAD",
                         "ethnicity": text, "workPlace": text, "phone": "13800138000"}],
        }  # fmt: skip
    if name == "updateHousehold":
        return {"code": FU, "expectedVersion": version_of(api, FU), "address": text,
                "clientMutationId": cmid, "headPhone": "13800138000",
                "bankAccount": "6222020200112233445"}  # fmt: skip
    if name == "addMember":
        person = {"idNumber": new_id(n), "name": text, "relation": "OTHER", "ethnicity": text,
                  "workPlace": text, "phone": "13800138000"}  # fmt: skip
        return {"clientMutationId": cmid, "householdCode": FU, "member": person}
    if name == "updateMember":
        return {"householdCode": FU, "idNumber": member_ids(api, FU)["SPOUSE"],
                "clientMutationId": cmid, "name": text, "ethnicity": text, "workPlace": text,
                "phone": "13800138000"}  # fmt: skip
    if name == "endMembership":
        spouse = member_ids(api, FU)["SPOUSE"]
        return {"householdCode": FU, "idNumber": spouse, "reason": "MOVED_AWAY",
                "date": day.isoformat(), "clientMutationId": cmid}  # fmt: skip
    if name == "deregisterHousehold":
        code = SHUINAN + "0002"
        return {"code": code, "expectedVersion": version_of(api, code), "reason": "DUPLICATE",
                "clientMutationId": cmid}  # fmt: skip
    if name == "pairOfficial":
        return {"clientMutationId": cmid, "householdCode": LUOBI + "0002", "officialCode": WU,
                "role": "RESPONSIBLE"}  # fmt: skip
    if name == "endPairing":
        return {"pairingId": "demo-pair-02", "clientMutationId": cmid}
    if name == "recordVisit":
        return {"clientMutationId": cmid, "householdCode": FU, "officialCode": LIN,
                "date": day.isoformat(), "purpose": text, "notes": text}  # fmt: skip
    if name == "createOfficial":
        return {"clientMutationId": cmid, "code": f"INJ-{n:03d}", "name": text, "maxLoad": 5,
                "unit": text, "position": text, "phone": "13800138000",
                "idNumber": new_id(n)}  # fmt: skip
    if name == "recordMeasure":
        return {"clientMutationId": cmid, "householdCode": FU, "category": "SUPPLIES",
                "date": day.isoformat(), "quantity": 3, "unit": f"unit {n}",
                "description": text, "agency": text, "notes": text, "officialCode": LIN,
                "memberIdNumber": member_ids(api, FU)["HEAD"]}  # fmt: skip
    if name == "voidMeasure":
        return {"measureId": prepared_measure(api, n, day), "reason": text,
                "clientMutationId": cmid}  # fmt: skip
    if name == "recordIncome":
        return {"clientMutationId": cmid, "householdCode": FU, "year": day.year - 3,
                "householdSize": 4, "items": {"wages": 12000}}  # fmt: skip
    if name == "setPovertyLine":
        return {"year": day.year, "line": 4200, "exitLine": 4300, "clientMutationId": cmid}
    if name == "setRuralPopulation":
        return {"regionCode": SHUINAN, "ruralPopulation": 1300, "clientMutationId": cmid}
    if name == "runAudit":
        return {"clientMutationId": cmid, "regionCode": "460203100201",
                "rules": ["NO_RESPONSIBLE_OFFICIAL"]}  # fmt: skip
    if name in ("confirmFinding", "dismissFinding", "reopenFinding"):
        finding = finding_in(api, "OPEN" if name != "reopenFinding" else "DISMISSED")
        return {"clientMutationId": cmid, "findingId": finding, "note": text}
    if name == "importCrossCheckList":
        return {"clientMutationId": cmid, "list": "BUSINESS_OWNER", "source": text,
                "idNumbers": [new_id(n), new_id(n + 100)]}  # fmt: skip
    if name == "assessExit":  # stored, failed: Shuinan 0002's members are not insured
        return {"clientMutationId": cmid, "householdCode": SHUINAN + "0002", "year": day.year,
                "verifiedBy": LIN, "foodSecure": True, "clothingSecure": True,
                "villageConfirmed": True}  # fmt: skip
    if name == "returnToPoverty":  # the story's household EXITED on D-20
        return {"clientMutationId": cmid, "householdCode": FU, "cause": "ILLNESS"}
    trade = (
        trade_input(api, name, n, day, text, cmid)
        or sales_input(api, name, n, text, cmid)
        or monitoring_input(api, name, n, text, cmid)
    )
    if trade is None:
        raise AssertionError(f"no base input for {name}: add one")
    return trade


def sales_input(api: Any, name: str, n: int, text: str, cmid: str) -> dict[str, Any] | None:
    """Sales' mutations (issue 16): a bottle of the demo's honey from its store."""
    from seeds.sales import STORE
    from seeds.trade import BOTTLED_LOT

    placed = (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)).isoformat()

    def order(order_id: str, buyer: str) -> dict[str, Any]:
        line = {"traceCode": BOTTLED_LOT, "quantity": 1, "unitPrice": "38.80"}
        return {"sellerCode": STORE, "orderId": order_id, "channel": "ONLINE",
                "placedAt": placed, "buyer": {"id": buyer, "cityCode": "460100"},
                "lines": [line]}  # fmt: skip

    if name == "createSeller":
        return {"code": f"INJ-S{n:03d}", "name": text, "kind": "ONLINE_SHOP",
                "regionCode": "469025", "clientMutationId": cmid}  # fmt: skip
    if name == "recordOrder":
        return {**order(f"inject-order-{n:04d}", text), "clientMutationId": cmid}
    if name == "cancelOrder":
        # An order to cancel, recorded first (refusals() snapshots after this).
        made = order(f"inject-cancel-{n:04d}", "inject-buyer")
        api.data(
            "mutation($i: RecordOrderInput!) { recordOrder(input: $i) { order { id } } }",
            {"i": made},
        )
        return {"sellerCode": STORE, "orderId": made["orderId"], "reason": text,
                "clientMutationId": cmid}  # fmt: skip
    return None


MONITORING_READ = """query($c: String!) { household(code: $c) { monitoring(first: 1) { note }
  feedback(first: 100) { edges { node { id text answer } } } } }"""


def submitted(api: Any, n: int, answered: bool = False) -> str:
    """A fresh OPEN (or ANSWERED) feedback on the Fu household, made before the test's
    snapshot: its id."""
    made = api.data(
        "mutation($i: SubmitFeedbackInput!) { submitFeedback(input: $i) { feedback { id } } }",
        {"i": {"clientMutationId": f"inject-prep-fb-{n:04d}-{int(answered)}",
               "householdCode": FU, "source": "HOUSEHOLD", "category": "REQUEST",
               "text": "set up"}},
    )["submitFeedback"]["feedback"]["id"]  # fmt: skip
    if answered:
        api.data(
            "mutation($i: AnswerFeedbackInput!) { answerFeedback(input: $i) { feedback { id } } }",
            {"i": {"feedbackId": made, "answer": "set up"}},
        )
    return str(made)


def monitoring_input(api: Any, name: str, n: int, text: str, cmid: str) -> dict[str, Any] | None:
    """Monitoring and feedback (issue 13) on the Fu household: a record opened (the open
    one ended first) or ended (one opened first), feedback submitted, answered, closed."""
    start = (
        "mutation($i: StartMonitoringInput!) { startMonitoring(input: $i) { clientMutationId } }"
    )
    end = "mutation($i: EndMonitoringInput!) { endMonitoring(input: $i) { clientMutationId } }"
    monitored = api.data("query($c: String!) { household(code: $c) { monitored } }", {"c": FU})[
        "household"]["monitored"]  # fmt: skip
    if name == "startMonitoring":
        if monitored:
            api.data(end, {"i": {"householdCode": FU, "reason": "RISK_REMOVED"}})
        return {"clientMutationId": cmid, "householdCode": FU, "group": "SUDDEN_HARDSHIP",
                "riskTypes": ["ILLNESS"], "note": text}  # fmt: skip
    if name == "endMonitoring":
        if not monitored:
            api.data(start, {"i": {"clientMutationId": f"inject-prep-mon-{n:04d}",
                                   "householdCode": FU, "group": "SUDDEN_HARDSHIP",
                                   "riskTypes": ["OTHER"]}})  # fmt: skip
        return {"householdCode": FU, "reason": "RISK_REMOVED", "clientMutationId": cmid}
    if name == "submitFeedback":
        return {"clientMutationId": cmid, "householdCode": FU, "source": "OFFICIAL",
                "category": "REQUEST", "text": text, "officialCode": LIN}  # fmt: skip
    if name == "answerFeedback":
        return {"feedbackId": submitted(api, n), "answer": text, "clientMutationId": cmid}
    if name == "closeFeedback":
        return {"feedbackId": submitted(api, n, answered=True), "clientMutationId": cmid}
    return None


def trade_input(
    api: Any, name: str, n: int, day: dt.date, text: str, cmid: str
) -> dict[str, Any] | None:
    """Traceability's mutations (issue 15) on the demo's honey story."""
    from seeds.trade import BAISHA_HOUSEHOLDS, BOTTLED_LOT, COOPERATIVE

    lot = {"productCode": "WILD-HONEY", "quantity": 1, "producedOn": day.isoformat()}
    if name == "defineProduct":
        return {"code": f"INJ-P{n:03d}", "name": text, "category": "OTHER", "unit": "BOX",
                "madeFrom": ["PORK"], "clientMutationId": cmid}  # fmt: skip
    if name == "createCooperative":
        return {"clientMutationId": cmid, "code": f"INJ-C{n:03d}", "name": text,
                "villageCode": SHUINAN}  # fmt: skip
    if name == "addCooperativeMember":
        return {"cooperativeCode": COOPERATIVE, "householdCode": FU, "clientMutationId": cmid}
    if name == "endCooperativeMembership":
        return {"cooperativeCode": COOPERATIVE, "householdCode": BAISHA_HOUSEHOLDS[0],
                "clientMutationId": cmid}  # fmt: skip
    if name == "registerLot":
        return {"clientMutationId": cmid, "householdCode": BAISHA_HOUSEHOLDS[0], **lot}
    if name == "acceptLots":
        # A lot to accept, registered first (refusals() snapshots after this).
        made = api.data(
            "mutation($i: RegisterLotInput!) { registerLot(input: $i) { lot { traceCode } } }",
            {"i": {"clientMutationId": f"{cmid}-lot", "householdCode": BAISHA_HOUSEHOLDS[1],
                   **lot}},
        )["registerLot"]["lot"]["traceCode"]  # fmt: skip
        return {"clientMutationId": cmid, "cooperativeCode": COOPERATIVE,
                "lots": [{"traceCode": made, "pricePerUnit": "60"}]}  # fmt: skip
    if name == "transformLots":
        return {"clientMutationId": cmid, "kind": "PACKING",
                "inputs": [{"traceCode": BOTTLED_LOT, "quantity": 1}],
                "outputs": [{"productCode": "WILD-HONEY-500G", "quantity": 1}]}  # fmt: skip
    return None


def prepared_measure(api: Any, n: int, day: dt.date) -> str:
    """A measure of the Fu household to void, recorded (as ADMIN) before the test's
    snapshot."""
    created = api.data(
        "mutation($input: RecordMeasureInput!) { recordMeasure(input: $input) "
        "{ measure { id } } }",
        {"input": {"clientMutationId": f"inject-prep-{n:04d}",
                   "householdCode": FU, "category": "OTHER", "date": day.isoformat(),
                   "amount": 100, "agency": "Fenghuang Town Government"}},
    )  # fmt: skip
    return str(created["recordMeasure"]["measure"]["id"])


def finding_in(api: Any, status: str) -> str:
    """The id of the demo's first finding (an audit is run the first time), brought to
    `status` (OPEN or DISMISSED) through the API: every call reviews the same one, as
    the other mutations' inputs change the same record."""
    from test_audit import findings, run_audit

    found = sorted(findings(api), key=lambda f: f["id"])
    if not found:
        run_audit(api)
        found = sorted(findings(api), key=lambda f: f["id"])
    finding = found[0]
    review = "mutation($i: {}Input!) {{ {}(input: $i) {{ clientMutationId }} }}"
    if finding["status"] != status:
        if finding["status"] != "OPEN":
            api.data(review.format("ReopenFinding", "reopenFinding"),
                     {"i": {"findingId": finding["id"]}})  # fmt: skip
        if status == "DISMISSED":
            api.data(review.format("ReviewFinding", "dismissFinding"),
                     {"i": {"findingId": finding["id"], "note": "set up"}})  # fmt: skip
    return str(finding["id"])


# A code-shaped field that only makes sense with another: the other is given valid.
COMPANIONS: dict[tuple[str, str], dict[str, Any]] = {
    ("updateHousehold", "newCode"): {"villageCode": LUOBI},
    ("updateHousehold", "villageCode"): {"newCode": LUOBI + "0099"},
}


def run_mutation(api: Any, name: str, variables: dict[str, Any]) -> dict[str, Any]:
    base = name.partition(":")[0]
    t = _strip(CORE.mutation_type.fields[base].args["input"].type)
    if base != SYNC:
        return api.post(
            f"mutation($input: {t.name}!) {{ {name}(input: $input) {{ clientMutationId }} }}",
            {"input": variables},
        )
    body = api.post(
        f"mutation($input: {t.name}!) {{ {SYNC}(input: $input) {{ results {{ status code }} }} }}",
        {"input": variables},
    )
    results = ((body.get("data") or {}).get(SYNC) or {}).get("results") or []
    rejected = [{"extensions": {"code": r["code"]}} for r in results if r["status"] == "REJECTED"]
    errors = [*(body.get("errors") or []), *rejected]
    return {**body, "errors": errors} if errors else body


MEMBER_READ = """query($c: String!) { household(code: $c) { address
  members { person { idNumber name ethnicity workPlace } } } }"""


def read_back(api: Any, name: str, variables: dict[str, Any]) -> dict[Path, Any]:
    """The stored value of every free-text leaf of `variables`, read back as ADMIN."""
    if name.startswith(f"{SYNC}:"):
        kind = name.partition(":")[2]
        stored = read_back(api, SYNC_KINDS[kind], variables["records"][0][kind])
        return {("records", 0, kind, *path): value for path, value in stored.items()}
    if name in ("registerHousehold", "updateHousehold", "addMember", "updateMember"):
        code = variables.get("code") or variables["householdCode"]
        household = api.data(MEMBER_READ, {"c": code})["household"]
        people = {m["person"]["idNumber"]: m["person"] for m in household["members"]}
        out: dict[Path, Any] = {("address",): household["address"]}
        for prefix, person in (
            (("members", 0), variables.get("members", [None])[0]),
            (("member",), variables.get("member")),
            ((), variables if name == "updateMember" else None),
        ):
            if person is not None:
                for key in ("name", "ethnicity", "workPlace"):
                    out[(*prefix, key)] = people[person["idNumber"]][key]
        return out
    if name == "recordVisit":
        visits = api.data(
            "query($c: String!) { official(code: $c) { visits(first: 100) "
            "{ edges { node { purpose notes } } } } }",
            {"c": variables["officialCode"]},
        )["official"]["visits"]["edges"]
        # Purpose and notes carry the payload; the newest visit of ours is the first match.
        mine = [e["node"] for e in visits if e["node"]["purpose"] == variables["purpose"]]
        assert mine, ("visit not found by its purpose", variables["purpose"])
        return {("purpose",): mine[0]["purpose"], ("notes",): mine[0]["notes"]}
    if name in ("recordMeasure", "voidMeasure"):
        edges = api.data(
            "query($c: String!) { household(code: $c) { measures(first: 100, "
            "includeVoided: true) { edges { node { id description agency unit notes "
            "voidReason } } } } }",
            {"c": FU},
        )["household"]["measures"]["edges"]
        nodes = [e["node"] for e in edges]
        if name == "voidMeasure":
            (node,) = [m for m in nodes if m["id"] == variables["measureId"]]
            return {("reason",): node["voidReason"]}
        keys = ("description", "agency", "unit", "notes")
        mine = [m for m in nodes if all(m[k] == variables[k] for k in keys)]
        assert mine, ("measure not found by its texts", variables)
        return {(k,): mine[0][k] for k in keys}
    if name == "createOfficial":
        official = api.data(
            "query($c: String!) { official(code: $c) { name unit position } }",
            {"c": variables["code"]},
        )["official"]
        return {(k,): official[k] for k in ("name", "unit", "position")}
    if name in ("defineProduct", "createCooperative"):
        root = "product" if name == "defineProduct" else "cooperative"
        found = api.data(
            f"query($c: String!) {{ {root}(code: $c) {{ name }} }}", {"c": variables["code"]}
        )[root]
        return {("name",): found["name"]}
    if name in ("confirmFinding", "dismissFinding", "reopenFinding"):
        finding = api.data(
            "query($id: String!) { finding(id: $id) { note } }", {"id": variables["findingId"]}
        )["finding"]
        return {("note",): finding["note"]}
    if name == "importCrossCheckList":
        imports = api.data("{ crossCheckImports(first: 1) { edges { node { source } } } }")
        return {("source",): imports["crossCheckImports"]["edges"][0]["node"]["source"]}
    if name in ("recordOrder", "cancelOrder"):
        found = api.data(
            "query($s: String!, $o: String!) { order(sellerCode: $s, orderId: $o) "
            "{ cancelReason buyer { id } } }",
            {"s": variables["sellerCode"], "o": variables["orderId"]},
        )["order"]
        if name == "cancelOrder":
            return {("reason",): found["cancelReason"]}
        return {("buyer", "id"): found["buyer"]["id"]}
    if name == "createSeller":
        found = api.data("query($c: String!) { seller(code: $c) { name } }",
                         {"c": variables["code"]})["seller"]  # fmt: skip
        return {("name",): found["name"]}
    if name in ("startMonitoring", "submitFeedback", "answerFeedback"):
        found = api.data(MONITORING_READ, {"c": FU})["household"]
        if name == "startMonitoring":
            return {("note",): found["monitoring"][0]["note"]}
        nodes = [e["node"] for e in found["feedback"]["edges"]]
        if name == "answerFeedback":
            (node,) = [f for f in nodes if f["id"] == variables["feedbackId"]]
            return {("answer",): node["answer"]}
        mine = [f for f in nodes if f["text"] == variables["text"]]
        assert mine, ("feedback not found by its text", variables["text"])
        return {("text",): mine[0]["text"]}
    raise AssertionError(f"no read-back for {name}")


class Snapshot:
    """Every node and relationship with its labels/type and properties, but the sales
    summaries: a (region, day)'s figures, no text, created by whichever order of the day
    comes first and changed by the next (tests/test_sales_summary.py checks them)."""

    def __init__(self, graph: Any) -> None:
        nodes, _, _ = graph.execute_query(
            "MATCH (n) WHERE NOT n:SalesDay "
            "RETURN elementId(n) AS id, labels(n) AS labels, properties(n) AS props"
        )
        rels, _, _ = graph.execute_query(
            "MATCH (a)-[r]->(b) RETURN elementId(r) AS id, type(r) AS type, "
            "elementId(a) AS a, elementId(b) AS b, properties(r) AS props"
        )
        self.nodes = {r["id"]: (tuple(sorted(r["labels"])), r["props"]) for r in nodes}
        self.rels = {r["id"]: (r["type"], r["a"], r["b"], r["props"]) for r in rels}

    def key(self, element_id: str) -> tuple[Any, ...]:
        labels, props = self.nodes[element_id]
        if {"Measure", "Order", "Payment", "Feedback"} & set(labels):
            # voidMeasure needs a fresh measure each attempt, cancelOrder a fresh order
            # (and its payment), answerFeedback fresh feedback: compared by label alone.
            return labels, None
        return labels, props.get("code") or props.get("idNumber") or props.get("id")

    def changes(self, after: Snapshot) -> dict[str, Any]:
        """What `after` differs by: created nodes/relationships counted by label/type,
        deleted ones, and the changed property names of each surviving node/relationship."""
        from collections import Counter

        both_nodes = self.nodes.keys() & after.nodes.keys()
        both_rels = self.rels.keys() & after.rels.keys()

        def changed(a: dict[str, Any], b: dict[str, Any]) -> frozenset[str]:
            return frozenset(k for k in a.keys() | b.keys() if a.get(k) != b.get(k))

        return {
            "created": Counter(after.nodes[i][0] for i in after.nodes.keys() - both_nodes),
            "deleted": sorted(str(self.key(i)) for i in self.nodes.keys() - both_nodes),
            "modified": {
                self.key(i): changed(self.nodes[i][1], after.nodes[i][1])
                for i in both_nodes
                if self.nodes[i] != after.nodes[i]
            },
            "created_rels": Counter(after.rels[i][0] for i in after.rels.keys() - both_rels),
            "deleted_rels": len(self.rels.keys() - both_rels),
            "modified_rels": {
                (self.rels[i][0], self.key(self.rels[i][1]), self.key(self.rels[i][2])): changed(
                    self.rels[i][3], after.rels[i][3]
                )
                for i in both_rels
                if self.rels[i] != after.rels[i]
            },
        }


def assert_within(change: dict[str, Any], control: dict[str, Any], context: Any) -> None:
    """`change` creates what the control created and modifies nothing the control did not."""
    assert change["created"] == control["created"], context
    assert change["created_rels"] == control["created_rels"], context
    assert change["deleted"] == control["deleted"] == [], context
    assert change["deleted_rels"] == control["deleted_rels"] == 0, context
    for kind in ("modified", "modified_rels"):
        for key, names in change[kind].items():
            assert key in control[kind] and names <= control[kind][key], (context, kind, key)


def test_every_string_input_is_classified():
    for name in CORE.mutation_type.fields:
        for path in mutation_leaves(name):
            assert leaf_name(path) in FREE_TEXT | CODE_SHAPED, (name, path)
    # And the walk reaches the nested member inputs.
    assert ("members", 0, "workPlace") in mutation_leaves("registerHousehold")
    assert ("member", "ethnicity") in mutation_leaves("addMember")
    assert ("records", 0, "measure", "agency") in mutation_leaves(f"{SYNC}:measure")
    assert ("records", 0, "visit", "clientId") in mutation_leaves(f"{SYNC}:visit")


def free_text_mutations() -> list[str]:
    return [n for n in cases() if any(
        leaf_name(p) in FREE_TEXT for p in mutation_leaves(n))]  # fmt: skip


@pytest.mark.parametrize("name", free_text_mutations())
def test_free_text_inputs_are_stored_literally(api, demo, graph, name):
    """Each payload in every free-text field at once (then field by field if refused):
    refused with BAD_USER_INPUT and nothing written, or read back exactly, with no more
    changed than the same mutation with plain text changes."""
    day = demo
    fields = [p for p in mutation_leaves(name) if leaf_name(p) in FREE_TEXT]
    serial = iter(range(1, 1000))

    # The control: the same mutation with plain text (its input made first: making one
    # may write: voidMeasure's measure, a finding's audit run).
    plain = base_input(api, name, next(serial), day)
    before = Snapshot(graph)
    body = run_mutation(api, name, plain)
    assert "errors" not in body, body
    control = before.changes(Snapshot(graph))
    assert control["created"] or control["modified"], "the control wrote nothing"

    def attempt(payload: str, paths: list[Path]) -> bool:
        variables = base_input(api, name, next(serial), day)
        for path in paths:
            variables = put(variables, path, payload)
        before = Snapshot(graph)
        body = run_mutation(api, name, variables)
        after = Snapshot(graph)
        context = (name, payload, paths, body)
        if body.get("errors"):
            assert {e["extensions"]["code"] for e in body["errors"]} == {"BAD_USER_INPUT"}, context
            assert before.nodes == after.nodes and before.rels == after.rels, context
            return False
        stored = read_back(api, name, variables)
        for path in paths:
            assert stored[path] == payload, (context, path, stored[path])
        assert_within(before.changes(after), control, context)
        return True

    for payload in PAYLOADS:
        if not attempt(payload, fields) and len(fields) > 1:
            for path in fields:  # which field refused it, and do the others store it?
                attempt(payload, [path])


def refusals(api: Any, graph: Any, name: str, day: dt.date, paths: list[Path]) -> list[Any]:
    """(path, payload, error codes) of every payload in every path of a valid input;
    asserts that nothing was written by any of them."""
    valid = base_input(api, name, 1, day)  # it may write what it needs first
    before = Snapshot(graph)
    seen = []
    for path in paths:
        companions = COMPANIONS.get((name, leaf_name(path)), {})
        for payload in PAYLOADS:
            body = run_mutation(api, name, put({**valid, **companions}, path, payload))
            after = Snapshot(graph)
            assert after.nodes == before.nodes and after.rels == before.rels, (path, payload)
            seen.append(
                (path, payload, {e["extensions"]["code"] for e in body.get("errors") or []})
            )
    # The valid input itself succeeds: the refusals were the payload's doing.
    body = run_mutation(api, name, valid)
    assert "errors" not in body, (name, body)
    return seen


@pytest.mark.parametrize("name", cases())
def test_code_shaped_inputs_refuse_every_payload(api, demo, graph, name):
    """Every payload in every code-shaped field (codes, ID numbers, phones,
    clientMutationId) of an otherwise valid input writes nothing and is BAD_USER_INPUT
    (a key naming an existing record: BAD_USER_INPUT or NOT_FOUND, see the next test)."""
    paths = [p for p in mutation_leaves(name) if leaf_name(p) in CODE_SHAPED]
    assert paths
    wrong = []
    for path, payload, codes in refusals(api, graph, name, demo, paths):
        allowed = [{"BAD_USER_INPUT"}]
        if (name, leaf_name(path)) in LOOKUP_KEYS:
            allowed.append({"NOT_FOUND"})
        if codes not in allowed:
            wrong.append((path, payload, sorted(codes)))
    assert not wrong, wrong


@pytest.mark.parametrize(
    "name",
    sorted({m for m, f in LOOKUP_KEYS if f != "pairingId"}),
)
def test_malformed_lookup_keys_are_bad_user_input(api, demo, graph, name):
    paths = [
        p for p in mutation_leaves(name)
        if (name, leaf_name(p)) in LOOKUP_KEYS and leaf_name(p) != "pairingId"
    ]  # fmt: skip
    wrong = [
        (path, payload, sorted(codes))
        for path, payload, codes in refusals(api, graph, name, demo, paths)
        if codes != {"BAD_USER_INPUT"}
    ]
    assert not wrong, sorted({(w[0], str(w[2])) for w in wrong})
