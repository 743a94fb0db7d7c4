"""Who may see and do what in traceability (issue 15), on the authorization matrix's
story (tests/test_authz_matrix.py) with two cooperatives and their lots added.

Cooperatives COOP-A (village A, member A) and COOP-B (village B, member B); lots of A
and of B (B's accepted by COOP-B), another of B not accepted, and one of COOP-B's own.
Cooperatives and lots are read by every household reader, the households behind them
only within scope; the public trace by everyone alike. Writes follow the household
rules: a region officer within the subtree, a field official registers lots of paired
households only, auditors and investigators never.
"""

from __future__ import annotations

from typing import Any

import pytest
from test_authz_matrix import (
    ADMIN,
    AUDITOR,
    CALLERS,
    DENIED_CALLERS,
    FIELD_PAIRED,
    HA,
    HB,
    INVESTIGATOR,
    OFFICER_IN,
    PHONE_B,
    PUBLIC,
    SEES,
    UNMASKED,
    VILLAGE_A,
    VILLAGE_B,
    Caller,
    counts,
    error_codes,
    gql,
    make_story,
    masked_phone,
)

from api.auth import Role
from graph.validation import today_cst


@pytest.fixture()
def story(api: Any, test_settings: Any) -> Any:
    return make_story(api, test_settings)


REGISTER_LOT = """mutation($input: RegisterLotInput!) {
  registerLot(input: $input) { lot { traceCode } } }"""
ACCEPT_LOTS = """mutation($input: AcceptLotsInput!) {
  acceptLots(input: $input) { lots { traceCode } } }"""
TRANSFORM_LOTS = """mutation($input: TransformLotsInput!) {
  transformLots(input: $input) { lots { traceCode } } }"""


def trade_story(api: Any) -> dict[str, str]:
    """The cooperatives and lots above, written by ADMIN; the lots' trace codes."""
    today = today_cst().isoformat()
    for coop, village, household in (("COOP-A", VILLAGE_A, HA), ("COOP-B", VILLAGE_B, HB)):
        gql(api, "mutation($i: CreateCooperativeInput!) { createCooperative(input: $i) "
            "{ clientMutationId } }", {"i": {"clientMutationId": f"story-{coop}", "code": coop,
            "name": f"Cooperative {coop}", "villageCode": village}})  # fmt: skip
        gql(
            api,
            "mutation($i: CooperativeMemberInput!) { addCooperativeMember(input: $i) "
            "{ clientMutationId } }",
            {"i": {"cooperativeCode": coop, "householdCode": household}},
        )
    lots = {}
    for name, producer in (
        ("A", {"householdCode": HA}),
        ("B", {"householdCode": HB}),
        ("B2", {"householdCode": HB}),
        ("BC", {"cooperativeCode": "COOP-B"}),
    ):
        lots[name] = gql(
            api,
            REGISTER_LOT,
            {
                "input": {
                    "clientMutationId": f"story-lot-{name}",
                    "productCode": "WILD-HONEY",
                    "quantity": 10,
                    "producedOn": today,
                    **producer,
                }
            },
        )["registerLot"]["lot"]["traceCode"]
    gql(api, ACCEPT_LOTS, {"input": {"clientMutationId": "story-accept-b", "cooperativeCode":
        "COOP-B", "lots": [{"traceCode": lots["B"], "pricePerUnit": "50"}]}})  # fmt: skip
    return lots


@pytest.fixture()
def traded(story: Any, test_settings: Any) -> dict[str, str]:
    from conftest import run_on_db

    from graph.product import upsert_catalogue

    run_on_db(test_settings, lambda db: db.write(upsert_catalogue))  # the wiped graph's
    return trade_story(story)


TRADE_READS = """query($lot: String!) {
  cooperative(code: "COOP-B") { code members { edges { active node { code } } } }
  lot(traceCode: $lot) { traceCode producer { kind household { code headPhone } } }
  products(first: 1) { edges { node { code } } } }"""
PUBLIC_TRACE = """query($code: String!) { publicTrace(code: $code) {
  kind product { name } contributingHouseholds place { county { code } } } }"""


@pytest.mark.parametrize("caller", CALLERS, ids=lambda c: c.label)
def test_trade_reads(story, traded, caller):
    body = story.post(TRADE_READS, {"lot": traded["B2"]}, **caller.kw())
    if caller is PUBLIC:
        assert error_codes(body) == {"UNAUTHENTICATED"}
        return
    assert "errors" not in body, body
    data = body["data"]
    visible = HB in SEES[caller]
    (member,) = data["cooperative"]["members"]["edges"]
    assert (member["node"] is not None) == visible, caller.label
    household = data["lot"]["producer"]["household"]
    assert (household is not None) == visible, caller.label
    if household is not None:
        assert household["headPhone"] == (PHONE_B if caller in UNMASKED else masked_phone(PHONE_B))
    assert data["lot"]["producer"]["kind"] == "HOUSEHOLD"


@pytest.mark.parametrize("caller", CALLERS, ids=lambda c: c.label)
def test_the_public_trace_is_the_same_for_everyone(story, traded, caller, app_client):
    from api.ratelimit import TokenBuckets

    app_client.app.state.limiter, kept = TokenBuckets(120), app_client.app.state.limiter
    try:
        body = story.post(PUBLIC_TRACE, {"code": traded["B"]}, **caller.kw())
    finally:
        app_client.app.state.limiter = kept
    assert body == {"data": {"publicTrace": {
        "kind": "LOT", "product": {"name": "wild honey"}, "contributingHouseholds": 1,
        "place": {"county": {"code": "469001"}}}}}  # fmt: skip


TRACE = """query($code: String!) { trace(code: $code) {
  producers { kind household { code headPhone } cooperative { code } }
  outOfScopeHouseholds downstream { paidToHouseholds payments { amount } } } }"""


@pytest.mark.parametrize("caller", CALLERS, ids=lambda c: c.label)
def test_the_investigators_trace(story, traded, caller):
    """trace (issue 17): the households behind a lot within scope, the rest counted;
    payments for roles with personal data only; field officials FORBIDDEN."""
    body = story.post(TRACE, {"code": traded["B"]}, **caller.kw())
    if caller is PUBLIC:
        assert error_codes(body) == {"UNAUTHENTICATED"}
        return
    if caller.role is Role.FIELD_OFFICIAL:
        assert error_codes(body) == {"FORBIDDEN"}
        return
    assert "errors" not in body, body
    found = body["data"]["trace"]
    visible = HB in SEES[caller]
    households = [p["household"] for p in found["producers"] if p["kind"] == "HOUSEHOLD"]
    assert [h["code"] for h in households] == ([HB] if visible else [])
    assert found["outOfScopeHouseholds"] == (0 if visible else 1)
    for h in households:
        assert h["headPhone"] == (PHONE_B if caller in UNMASKED else masked_phone(PHONE_B))
    down = found["downstream"]
    if caller.role is Role.INVESTIGATOR:  # the one role here without personal data
        assert (down["paidToHouseholds"], down["payments"]) == (None, None)
    else:
        assert down["paidToHouseholds"] == ("500.00" if visible else "0.00")  # 10 kg x 50
        assert [p["amount"] for p in down["payments"]] == (["500.00"] if visible else [])


def trade_mutations_on_b(lots: dict[str, str]) -> list[tuple[str, str, dict[str, Any]]]:
    """Every traceability mutation aimed at region B, in an order ADMIN can run them."""
    return [
        ("defineProduct",
         "mutation($input: DefineProductInput!) { defineProduct(input: $input) "
         "{ product { code } } }",
         {"code": "MATRIX-PRODUCT", "name": "matrix", "category": "OTHER", "unit": "BOX"}),
        ("createCooperative",
         "mutation($input: CreateCooperativeInput!) { createCooperative(input: $input) "
         "{ cooperative { code } } }",
         {"clientMutationId": "matrix-coop", "code": "COOP-B9", "name": "B9",
          "villageCode": VILLAGE_B}),
        ("addCooperativeMember",
         "mutation($input: CooperativeMemberInput!) { addCooperativeMember(input: $input) "
         "{ cooperative { code } } }",
         {"cooperativeCode": "COOP-B9", "householdCode": HB}),
        ("registerLot", REGISTER_LOT,
         {"clientMutationId": "matrix-lot", "productCode": "WILD-HONEY", "quantity": 5,
          "producedOn": today_cst().isoformat(), "householdCode": HB}),
        ("acceptLots", ACCEPT_LOTS,
         {"clientMutationId": "matrix-accept", "cooperativeCode": "COOP-B",
          "lots": [{"traceCode": lots["B2"], "pricePerUnit": "40"}]}),
        ("transformLots", TRANSFORM_LOTS,
         {"clientMutationId": "matrix-transform", "kind": "PACKING",
          "inputs": [{"traceCode": lots["BC"], "quantity": 5}],
          "outputs": [{"productCode": "WILD-HONEY-500G", "quantity": 10}]}),
        ("endCooperativeMembership",
         "mutation($input: EndCooperativeMembershipInput!) { "
         "endCooperativeMembership(input: $input) { cooperative { code } } }",
         {"cooperativeCode": "COOP-B", "householdCode": HB}),
    ]  # fmt: skip


def expected_trade_denial(caller: Caller, mutation: str) -> set[str] | None:
    if caller is PUBLIC:
        return {"UNAUTHENTICATED"}
    if caller is ADMIN:
        return None
    if caller in (AUDITOR, INVESTIGATOR) or mutation == "defineProduct":
        return {"FORBIDDEN"}  # the catalogue is ADMIN's
    if caller.role is Role.FIELD_OFFICIAL:
        return {"NOT_FOUND"} if mutation == "registerLot" else {"FORBIDDEN"}
    if mutation == "createCooperative":
        return {"FORBIDDEN"}  # villages are public; writing outside the subtree is not
    return {"NOT_FOUND"}


@pytest.mark.parametrize("caller", DENIED_CALLERS, ids=lambda c: c.label)
def test_trade_mutations_outside_scope_change_nothing(story, traded, graph, caller):
    for name, query, variables in trade_mutations_on_b(traded):
        expected = expected_trade_denial(caller, name)
        before = counts(graph)
        body = story.post(query, {"input": variables}, **caller.kw())
        if expected is None:
            assert "errors" not in body, (caller.label, name, body)
            continue
        assert error_codes(body) == expected, (caller.label, name, body)
        assert counts(graph) == before, (caller.label, name)


def test_admin_may_run_every_trade_mutation(story, traded):
    for name, query, variables in trade_mutations_on_b(traded):
        body = story.post(query, {"input": variables})
        assert "errors" not in body, (name, body)


def test_trade_writes_in_scope(story, traded):
    today = today_cst().isoformat()
    lot = story.data(REGISTER_LOT, {"input": {
        "clientMutationId": "matrix-own-lot", "productCode": "WILD-HONEY", "quantity": 3,
        "producedOn": today, "householdCode": HA}}, **FIELD_PAIRED.kw())  # fmt: skip
    code = lot["registerLot"]["lot"]["traceCode"]
    accepted = story.data(ACCEPT_LOTS, {"input": {
        "clientMutationId": "matrix-own-accept", "cooperativeCode": "COOP-A",
        "lots": [{"traceCode": code, "pricePerUnit": "45.5"}]}}, **OFFICER_IN.kw())  # fmt: skip
    assert accepted["acceptLots"]["lots"] == [{"traceCode": code}]
    made = story.data(
        TRANSFORM_LOTS,
        {
            "input": {
                "clientMutationId": "matrix-own-transform",
                "kind": "PACKING",
                "inputs": [{"traceCode": code, "quantity": 3}],
                "outputs": [{"productCode": "WILD-HONEY-500G", "quantity": 6}],
            }
        },
        **OFFICER_IN.kw(),
    )
    assert len(made["transformLots"]["lots"]) == 1
