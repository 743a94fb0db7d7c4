"""Cooperatives, lots, acceptance and transformation through the API, on the demo
(issue 15, Done when 4-8): payments, remaining under the lot lock, who may register a
lot, refusals that write nothing, retries, history."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import pytest
from conftest import run_on_db
from test_authz_matrix import counts

from api.auth import Role
from graph.errors import Conflict
from graph.payment import platform_sales
from graph.readmap import yuan
from graph.scope import Scope
from graph.trace_code import TraceKind, parse
from graph.trace_event import TransformationKind, transform_lots
from graph.write import Actor, Mutation
from seeds.sales import sold
from seeds.trade import (
    BAISHA_HOUSEHOLDS,
    BLENDED_LOT,
    BOTTLED_LOT,
    CHICKEN_LOT,
    COOPERATIVE,
    COOPERATIVE_TRACE,
    FU_YAPING,
    HONEY_LOTS,
    TUNCHANG_HOUSEHOLD,
)

FU = "4602031002010001"
REGISTER = """mutation($input: RegisterLotInput!) { registerLot(input: $input) {
  clientMutationId lot { traceCode quantity remaining unit producedOn villageCode
    product { code } producer { kind traceCode household { code } cooperative { code } }
    owner { kind } events { bizStep eventType outputs { quantity lot { traceCode } } } } } }"""
ACCEPT = """mutation($input: AcceptLotsInput!) { acceptLots(input: $input) {
  lots { traceCode owner { kind cooperative { code } } } cooperative { code } } }"""
TRANSFORM = """mutation($input: TransformLotsInput!) { transformLots(input: $input) {
  lots { traceCode quantity unit remaining producedOn product { code }
    owner { kind cooperative { code } } inputs { traceCode remaining }
    events { eventType bizStep kind inputs { quantity lot { traceCode } } } } } }"""
REMAINING = "query($c: String!) { lot(traceCode: $c) { remaining } }"
PAYMENTS = """query($c: String!) { household(code: $c) {
  payments { totalCount edges { node { amount date source lot { traceCode } } } } } }"""


def register(api: Any, n: int, **input: Any) -> dict[str, Any]:
    return {"clientMutationId": f"test-register-{n:04d}", "productCode": "WILD-HONEY",
            "quantity": 10, "producedOn": "2026-10-20", **input}  # fmt: skip


def remaining(api: Any, code: str) -> float:
    return float(api.data(REMAINING, {"c": code})["lot"]["remaining"])


# --- Done when 4: the payments ---------------------------------------------------------


def test_the_baisha_households_were_paid_for_their_honey(api, demo, graph):
    for household, amount, lot in zip(
        BAISHA_HOUSEHOLDS, ("2400.00", "2100.00", "1500.00"), HONEY_LOTS, strict=True
    ):
        found = api.data(PAYMENTS, {"c": household})["household"]
        assert found["payments"]["totalCount"] == 1
        (edge,) = found["payments"]["edges"]
        assert edge["node"] == {"amount": amount, "date": "2026-09-07", "source": "ACCEPTANCE",
                                "lot": {"traceCode": lot}}  # fmt: skip
        assert (sales(graph, household, 2026), sales(graph, household, 2025)) == (amount, "0.00")
    # Personal (an income): null for a role without personal data.
    masked = api.data(PAYMENTS, {"c": BAISHA_HOUSEHOLDS[0]}, role=Role.INVESTIGATOR)["household"]
    assert masked["payments"]["edges"][0]["node"]["amount"] is None


def sales(graph: Any, household: str, year: int) -> str:
    """graph/payment.py's platform sales (what C1's perCapitaNet adds), in yuan."""
    records, _, _ = graph.execute_query(
        f"MATCH (h:Household {{code: $c}}) RETURN {yuan(platform_sales('h', '$year'))} AS s",
        c=household,
        year=year,
    )
    return str(records[0]["s"])


def test_a_voided_payment_leaves_platform_sales(api, demo, graph):
    graph.execute_query(
        "MATCH (p:Payment {id: 'demo-payment-01'}) SET p.voidedOn = date('2026-10-01')"
    )
    found = api.data(PAYMENTS, {"c": BAISHA_HOUSEHOLDS[0]})["household"]
    assert found["payments"]["totalCount"] == 0
    assert sales(graph, BAISHA_HOUSEHOLDS[0], 2026) == "0.00"
    everything = api.data(
        "query($c: String!) { household(code: $c) { payments(includeVoided: true) "
        "{ edges { node { voidedOn } } } } }",
        {"c": BAISHA_HOUSEHOLDS[0]},
    )
    assert everything["household"]["payments"]["edges"][0]["node"]["voidedOn"] == "2026-10-01"


# --- Done when 5: never more than remains ----------------------------------------------


def test_drawing_more_than_remains_is_conflict(api, demo, graph):
    body = api.data(REGISTER, {"input": register(api, 1, cooperativeCode=COOPERATIVE)})
    lot = body["registerLot"]["lot"]
    assert (lot["quantity"], lot["remaining"], lot["unit"]) == (10.0, 10.0, "KILOGRAM")
    assert lot["producer"] == {"kind": "COOPERATIVE", "traceCode": COOPERATIVE_TRACE,
                               "household": None, "cooperative": {"code": COOPERATIVE}}  # fmt: skip
    before = counts(graph)
    error = api.error(TRANSFORM, {"input": {
        "clientMutationId": "test-transform-0001", "kind": "PACKING", "date": "2026-10-25",
        "inputs": [{"traceCode": lot["traceCode"], "quantity": 11}],
        "outputs": [{"productCode": "WILD-HONEY-500G", "quantity": 22}]}})  # fmt: skip
    assert error["extensions"] == {"code": "CONFLICT", "field": "input.inputs[0].quantity"}
    assert remaining(api, lot["traceCode"]) == 10
    assert counts(graph) == before


def test_blending_and_packing(api, demo, graph):
    made = [
        api.data(REGISTER, {"input": register(api, n, householdCode=h, quantity=kg)})[
            "registerLot"]["lot"]["traceCode"]
        for n, (h, kg) in enumerate(zip(BAISHA_HOUSEHOLDS, (12.5, 7.25, 5.25), strict=True), 2)
    ]  # fmt: skip
    accepted = api.data(
        ACCEPT,
        {
            "input": {
                "clientMutationId": "test-accept-0001",
                "cooperativeCode": COOPERATIVE,
                "date": "2026-10-21",
                "lots": [{"traceCode": c, "pricePerUnit": "58.8"} for c in made],
            }
        },
    )
    assert [lot["owner"]["cooperative"]["code"] for lot in accepted["acceptLots"]["lots"]] == [
        COOPERATIVE] * 3  # fmt: skip
    paid = api.data(PAYMENTS, {"c": BAISHA_HOUSEHOLDS[1]})["household"]
    assert paid["payments"]["edges"][0]["node"]["amount"] == "426.30"  # 7.25 kg x 58.80
    assert sales(graph, BAISHA_HOUSEHOLDS[1], 2026) == "2526.30"  # with D-55's 2,100.00
    inputs = [{"traceCode": c, "quantity": q} for c, q in zip(made, (12.5, 7.25, 5), strict=True)]
    blended = api.data(
        TRANSFORM,
        {
            "input": {
                "clientMutationId": "test-transform-0002",
                "kind": "BLENDING",
                "date": "2026-10-22",
                "inputs": inputs,
                "outputs": [{"productCode": "WILD-HONEY", "quantity": 24.75}],
            }
        },
    )
    (lot,) = blended["transformLots"]["lots"]
    assert (lot["quantity"], lot["remaining"], lot["producedOn"]) == (24.75, 24.75, "2026-10-22")
    assert lot["owner"] == {"kind": "COOPERATIVE", "cooperative": {"code": COOPERATIVE}}
    assert sorted(x["remaining"] for x in lot["inputs"]) == [0, 0, 0.25]
    (event,) = [e for e in lot["events"] if e["eventType"] == "TRANSFORMATION"]
    assert (event["bizStep"], event["kind"]) == ("transforming", "BLENDING")
    assert sorted(i["quantity"] for i in event["inputs"]) == [5, 7.25, 12.5]
    packed = api.data(TRANSFORM, {"input": {
        "clientMutationId": "test-transform-0003", "kind": "PACKING", "date": "2026-10-23",
        "inputs": [{"traceCode": lot["traceCode"], "quantity": 24.5}],
        "outputs": [{"productCode": "WILD-HONEY-500G", "quantity": 49}]}})  # fmt: skip
    bottles = packed["transformLots"]["lots"][0]
    assert (bottles["unit"], bottles["events"][0]["bizStep"]) == ("BOTTLE", "packing")
    assert remaining(api, lot["traceCode"]) == 0.25
    public = api.data(
        "query($c: String!) { publicTrace(code: $c) { contributingHouseholds } }",
        {"c": bottles["traceCode"]},
    )
    assert public["publicTrace"]["contributingHouseholds"] == 3


def test_two_draws_on_one_lot_never_both_succeed(api, demo, test_settings):
    """Two transformations at once of 150 of the bottled lot's 192 (the demo sold 8):
    the lot lock makes one wait for the other, which then sees 42 left."""
    actor = Actor(Scope.everything(), "test", "ADMIN")

    def draw(db: Any, n: int) -> Any:
        return transform_lots(
            db, actor, Mutation("transformLots", f"test-race-{n:04d}"),
            TransformationKind.PACKING, dt.date(2026, 10, 30),
            [(BOTTLED_LOT, 150)], [("WILD-HONEY-500G", 150)],
        )  # fmt: skip

    async def race(db: Any) -> list[Any]:
        return await asyncio.gather(draw(db, 1), draw(db, 2), return_exceptions=True)

    results = run_on_db(test_settings, race)
    assert sorted(type(r).__name__ for r in results) == ["Conflict", "dict"]
    assert next(r for r in results if isinstance(r, Conflict)).field == "input.inputs[0].quantity"
    assert remaining(api, BOTTLED_LOT) == 200 - sold()[BOTTLED_LOT] - 150  # the demo's orders


# --- Done when 6 and 7: registering a lot ----------------------------------------------


def test_a_field_official_registers_lots_of_their_households(api, demo, graph):
    kw = {"role": Role.FIELD_OFFICIAL, "scope": FU_YAPING}
    input = register(api, 10, householdCode=BAISHA_HOUSEHOLDS[0], productCode="wild-honey")
    lot = api.data(REGISTER, {"input": input}, **kw)["registerLot"]["lot"]
    assert parse(lot["traceCode"], "code") == (TraceKind.LOT, lot["traceCode"])
    assert lot["product"] == {"code": "WILD-HONEY"}
    assert (lot["villageCode"], lot["producedOn"]) == (BAISHA_HOUSEHOLDS[0][:12], "2026-10-20")
    assert lot["producer"]["household"] == {"code": BAISHA_HOUSEHOLDS[0]}
    assert lot["producer"]["traceCode"].startswith("FPH")  # the household's own, from the demo
    assert lot["owner"] == {"kind": "HOUSEHOLD"}
    assert lot["events"] == [{"bizStep": "commissioning", "eventType": "OBJECT",
        "outputs": [{"quantity": 10.0, "lot": {"traceCode": lot["traceCode"]}}]}]  # fmt: skip
    before = counts(graph)
    again = api.data(REGISTER, {"input": input}, **kw)["registerLot"]["lot"]
    assert again["traceCode"] == lot["traceCode"]
    assert counts(graph) == before
    elsewhere = {**input, "clientMutationId": "test-register-0011", "householdCode": FU}
    assert api.error(REGISTER, {"input": elsewhere}, **kw)["extensions"] == {
        "code": "NOT_FOUND", "field": "input.householdCode"}  # fmt: skip
    coop = {**input, "clientMutationId": "test-register-0012", "householdCode": None,
            "cooperativeCode": COOPERATIVE}  # fmt: skip
    assert api.error(REGISTER, {"input": coop}, **kw)["extensions"]["code"] == "NOT_FOUND"
    assert counts(graph) == before


def test_a_household_gets_its_trace_code_with_its_first_lot(api, demo):
    code = "4690011002010001"  # Fanmao: no lots yet
    query = "query($c: String!) { household(code: $c) { traceCode version history(first: 5) " \
        "{ edges { node { operation changes { field } } } } } }"  # fmt: skip
    before = api.data(query, {"c": code})["household"]
    assert before["traceCode"] is None
    api.data(REGISTER, {"input": register(api, 13, householdCode=code, productCode="WINGED-YAM")})
    after = api.data(query, {"c": code})["household"]
    assert parse(after["traceCode"], "c")[0] is TraceKind.HOUSEHOLD
    assert after["version"] == before["version"]  # not a change to the file
    entries = [e["node"] for e in after["history"]["edges"]]
    assert {e["operation"] for e in entries} == {"registerLot"}
    assert {c["field"] for e in entries for c in e["changes"]} == {"lots", "traceCode"}


@pytest.mark.parametrize(
    ("given", "field"),
    [({"householdCode": TUNCHANG_HOUSEHOLD, "cooperativeCode": COOPERATIVE},
      "input.cooperativeCode"),
     ({}, "input.householdCode"),
     ({"householdCode": TUNCHANG_HOUSEHOLD, "quantity": 0}, "input.quantity"),
     ({"householdCode": TUNCHANG_HOUSEHOLD, "quantity": 1_000_001}, "input.quantity"),
     ({"householdCode": TUNCHANG_HOUSEHOLD, "producedOn": "2999-01-01"}, "input.producedOn"),
     ({"householdCode": TUNCHANG_HOUSEHOLD, "productCode": "FREE-RANGE-CHICKEN",
       "quantity": 2.5}, "input.quantity"),
     ({"householdCode": TUNCHANG_HOUSEHOLD, "producedOn": "2001-01-01"}, "input.producedOn")],
)  # fmt: skip
def test_register_lot_refusals_write_nothing(api, demo, graph, given, field):
    before = counts(graph)
    error = api.error(REGISTER, {"input": register(api, 20, **given)})
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": field}
    assert counts(graph) == before


# --- Done when 8: roles ----------------------------------------------------------------


def test_an_auditor_may_not_accept_and_an_investigator_reads_the_lot(api, demo, graph):
    before = counts(graph)
    error = api.error(
        ACCEPT,
        {
            "input": {
                "clientMutationId": "test-accept-0002",
                "cooperativeCode": COOPERATIVE,
                "lots": [{"traceCode": CHICKEN_LOT, "pricePerUnit": "1"}],
            }
        },
        role=Role.AUDITOR,
    )
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert counts(graph) == before
    lot = api.data(
        "query($c: String!) { lot(traceCode: $c) { inputs { traceCode } "
        "producer { kind cooperative { name } } } }",
        {"c": BOTTLED_LOT},
        role=Role.INVESTIGATOR,
    )["lot"]
    assert lot["inputs"] == [{"traceCode": BLENDED_LOT}]
    assert lot["producer"]["cooperative"]["name"] == "Baisha Wild Honey Cooperative"


def test_households_behind_a_lot_are_null_out_of_scope(api, demo):
    query = """query($c: String!) { lot(traceCode: $c) { traceCode
      producer { kind traceCode household { code } }
      inputs { producer { household { code } } } } }"""
    honey = api.data(query, {"c": HONEY_LOTS[0]}, role=Role.REGION_OFFICER, scope="460203")["lot"]
    assert honey["producer"]["kind"] == "HOUSEHOLD" and honey["producer"]["household"] is None
    mine = api.data(query, {"c": HONEY_LOTS[0]}, role=Role.REGION_OFFICER, scope="469025")["lot"]
    assert mine["producer"]["household"] == {"code": BAISHA_HOUSEHOLDS[0]}


# --- acceptance rules -----------------------------------------------------------------


def accept(lots: list[dict[str, Any]], n: int = 3, **input: Any) -> dict[str, Any]:
    return {"input": {"clientMutationId": f"test-accept-{n:04d}", "cooperativeCode": COOPERATIVE,
                      "date": "2026-10-25", "lots": lots, **input}}  # fmt: skip


def test_acceptance_refusals_write_nothing(api, demo, graph):
    mine = api.data(REGISTER, {"input": register(api, 30, householdCode=BAISHA_HOUSEHOLDS[2])})[
        "registerLot"]["lot"]["traceCode"]  # fmt: skip
    # The Tunchang household's own, whole (the demo sold some of its chickens).
    theirs = api.data(REGISTER, {"input": register(api, 31, householdCode=TUNCHANG_HOUSEHOLD)})[
        "registerLot"]["lot"]["traceCode"]  # fmt: skip
    cases = [
        ([{"traceCode": HONEY_LOTS[0], "pricePerUnit": "60"}], {}, "CONFLICT",
         "input.lots[0].traceCode"),  # already the cooperative's
        ([{"traceCode": mine, "pricePerUnit": "60"},
          {"traceCode": theirs, "pricePerUnit": "100"}], {}, "BAD_USER_INPUT",
         "input.lots[1].traceCode"),  # the Tunchang household is no member
        ([{"traceCode": mine, "pricePerUnit": "60.001"}], {}, "BAD_USER_INPUT",
         "input.lots[0].pricePerUnit"),
        ([{"traceCode": mine, "pricePerUnit": "60"}, {"traceCode": mine, "pricePerUnit": "60"}],
         {}, "BAD_USER_INPUT", "input.lots[1].traceCode"),
        ([{"traceCode": mine, "pricePerUnit": "60"}], {"date": "2026-10-19"}, "BAD_USER_INPUT",
         "input.date"),  # before the lot was produced
        ([], {}, "BAD_USER_INPUT", "input.lots"),
        ([{"traceCode": mine, "pricePerUnit": "60"}], {"cooperativeCode": "COOP-NONE"},
         "NOT_FOUND", "input.cooperativeCode"),
    ]  # fmt: skip
    before = counts(graph)
    for i, (lots, extra, code, field) in enumerate(cases):
        error = api.error(ACCEPT, accept(lots, 10 + i, **extra))
        assert error["extensions"] == {"code": code, "field": field}, (i, error)
        assert counts(graph) == before, i
    # The same lot accepted, then again under another id: CONFLICT, nothing written.
    api.data(ACCEPT, accept([{"traceCode": mine, "pricePerUnit": "60"}], 20))
    before = counts(graph)
    again = api.post(ACCEPT, accept([{"traceCode": mine, "pricePerUnit": "60"}], 20))
    assert "errors" not in again  # a retry: the stored answer
    error = api.error(ACCEPT, accept([{"traceCode": mine, "pricePerUnit": "60"}], 21))
    assert error["extensions"]["code"] == "CONFLICT"
    assert counts(graph) == before


# --- cooperatives ----------------------------------------------------------------------

COOP = """query($c: String!) { cooperative(code: $c) { code name traceCode villageCode
  village { name } memberCount
  members(includeEnded: true) { totalCount edges { since until active node { code } } }
  lots(first: 10) { totalCount edges { node { traceCode } } } } }"""
CREATE = """mutation($input: CreateCooperativeInput!) { createCooperative(input: $input) {
  cooperative { code traceCode villageCode } } }"""
JOIN = """mutation($input: CooperativeMemberInput!) { addCooperativeMember(input: $input) {
  cooperative { memberCount } household { code cooperativeMember version
    cooperatives(includeEnded: true) { since until active cooperative { code } } } } }"""
LEAVE = """mutation($input: EndCooperativeMembershipInput!) {
  endCooperativeMembership(input: $input) { household { cooperativeMember version } } }"""


def test_the_demo_cooperative_as_readers_see_it(api, demo):
    found = api.data(COOP, {"c": COOPERATIVE})["cooperative"]
    assert (found["name"], found["village"]["name"], found["memberCount"]) == (
        "Baisha Wild Honey Cooperative", "Nanlao", 3)  # fmt: skip
    assert [e["node"]["code"] for e in found["members"]["edges"]] == BAISHA_HOUSEHOLDS
    assert found["lots"]["totalCount"] == 5  # three accepted, the blend, the bottles
    far = api.data(COOP, {"c": COOPERATIVE}, role=Role.REGION_OFFICER, scope="460203")
    assert [e["node"] for e in far["cooperative"]["members"]["edges"]] == [None] * 3
    assert api.data(COOP, {"c": "COOP-NONE"})["cooperative"] is None


def test_creating_joining_and_leaving(api, demo, graph):
    kw = {"role": Role.REGION_OFFICER, "scope": "469022"}
    made = api.data(
        CREATE,
        {
            "input": {
                "clientMutationId": "test-coop-0001",
                "code": "coop-469022-01",
                "name": "Meiting Chicken Cooperative",
                "villageCode": TUNCHANG_HOUSEHOLD[:12],
            }
        },
        **kw,
    )
    coop = made["createCooperative"]["cooperative"]
    assert coop["code"] == "COOP-469022-01" and coop["traceCode"].startswith("FPC")
    outside = api.error(CREATE, {"input": {"clientMutationId": "test-coop-0002", "code": "C2",
        "name": "Elsewhere", "villageCode": "460203100201"}}, **kw)  # fmt: skip
    assert outside["extensions"] == {"code": "FORBIDDEN", "field": "input.villageCode"}
    taken = api.error(
        CREATE,
        {
            "input": {
                "clientMutationId": "test-coop-0003",
                "code": "COOP-469022-01",
                "name": "Again",
                "villageCode": TUNCHANG_HOUSEHOLD[:12],
            }
        },
        **kw,
    )
    assert taken["extensions"] == {"code": "CONFLICT", "field": "input.code"}
    member = {"cooperativeCode": "COOP-469022-01", "householdCode": TUNCHANG_HOUSEHOLD,
              "since": "2026-10-01"}  # fmt: skip
    version = api.data("query($c: String!) { household(code: $c) { version } }",
                       {"c": TUNCHANG_HOUSEHOLD})["household"]["version"]  # fmt: skip
    joined = api.data(JOIN, {"input": member}, **kw)["addCooperativeMember"]
    assert joined["cooperative"]["memberCount"] == 1
    assert joined["household"]["cooperativeMember"] is True
    assert joined["household"]["version"] == version + 1  # its file changed
    assert joined["household"]["cooperatives"][0]["cooperative"]["code"] == "COOP-469022-01"
    assert api.error(JOIN, {"input": member}, **kw)["extensions"]["code"] == "CONFLICT"
    leave = {"cooperativeCode": "COOP-469022-01", "householdCode": TUNCHANG_HOUSEHOLD,
             "until": "2026-10-20"}  # fmt: skip
    left = api.data(LEAVE, {"input": leave}, **kw)
    assert left["endCooperativeMembership"]["household"]["cooperativeMember"] is False
    history = api.data(
        "query($r: String!) { history(ref: $r) "
        "{ edges { node { operation changes { field } } } } }",
        {"r": "Cooperative:COOP-469022-01"},
    )["history"]["edges"]
    assert [e["node"]["operation"] for e in history] == [
        "endCooperativeMembership", "addCooperativeMember", "createCooperative"]  # fmt: skip
    # Out of the region officer's subtree: as if it did not exist.
    other = {"cooperativeCode": COOPERATIVE, "householdCode": TUNCHANG_HOUSEHOLD}
    assert api.error(JOIN, {"input": other}, **kw)["extensions"] == {
        "code": "NOT_FOUND", "field": "input.cooperativeCode"}  # fmt: skip


def test_define_product(api, demo):
    query = """mutation($input: DefineProductInput!) { defineProduct(input: $input) {
      product { code name category unit madeFrom { code } } } }"""
    made = api.data(query, {"input": {"code": "honey-cake", "name": "honey cake",
        "category": "PROCESSED_FOOD", "unit": "BOX", "madeFrom": ["WILD-HONEY"]}})  # fmt: skip
    assert made["defineProduct"]["product"] == {
        "code": "HONEY-CAKE",
        "name": "honey cake",
        "category": "PROCESSED_FOOD",
        "unit": "BOX",
        "madeFrom": [{"code": "WILD-HONEY"}],
    }
    unit = api.error(query, {"input": {"code": "WILD-HONEY", "name": "wild honey",
        "category": "HONEY", "unit": "LITRE"}})  # fmt: skip
    assert unit["extensions"] == {"code": "CONFLICT", "field": "input.unit"}
    unknown = api.error(query, {"input": {"code": "X", "name": "x", "category": "OTHER",
        "unit": "BOX", "madeFrom": ["NOPE"]}})  # fmt: skip
    assert unknown["extensions"] == {"code": "NOT_FOUND", "field": "input.madeFrom[0]"}
    officer = api.error(query, {"input": {"code": "Y", "name": "y", "category": "OTHER",
        "unit": "BOX"}}, role=Role.REGION_OFFICER, scope="469025")  # fmt: skip
    assert officer["extensions"]["code"] == "FORBIDDEN"
    catalogue = api.data("{ products(category: HONEY) { totalCount edges { node { code } } } }")
    assert [e["node"]["code"] for e in catalogue["products"]["edges"]] == [
        "WILD-HONEY", "WILD-HONEY-500G"]  # fmt: skip
    zongzi = api.data('{ product(code: "ZONGZI") { madeFrom { code } } }')["product"]
    assert [p["code"] for p in zongzi["madeFrom"]] == ["BAMBOO-LEAVES", "GLUTINOUS-RICE", "PORK"]
