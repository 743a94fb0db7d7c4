"""Who may see and do what in sales (issue 16), on the authorization matrix's story
(tests/test_authz_matrix.py) with traceability's (tests/test_authz_trade.py) and two
sellers added: SELLER-A in Jiyang (460203, household A's district) and SELLER-B in
Wuzhishan (469001, household B's), each with an order of its household's lot.

Sellers, their orders and buyers: the roles that see every record, a region officer
those located in the subtree, a MERCHANT its own; field officials FORBIDDEN. Orders are
written by ADMIN, a region officer for a seller in the subtree, the seller's MERCHANT;
out of scope is NOT_FOUND on input.sellerCode and writes nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from test_authz_matrix import (
    ADMIN,
    AUDITOR,
    CALLERS,
    FIELD_PAIRED,
    FIELD_UNPAIRED,
    HA,
    HB,
    INVESTIGATOR,
    OFFICER_IN,
    OFFICER_OUT,
    PUBLIC,
    SEES,
    Caller,
    counts,
    error_codes,
    gql,
)
from test_authz_trade import (
    story,  # noqa: F401
    traded,  # noqa: F401  (the fixtures)
)

from api.auth import Role
from graph.validation import today_cst

MERCHANT_A = Caller("merchant SELLER-A", Role.MERCHANT, "SELLER-A")
SALES_CALLERS = [*CALLERS, MERCHANT_A]
SELLER_OF = {HA: "SELLER-A", HB: "SELLER-B"}
# The sellers each caller sees (FIELD_* and PUBLIC are refused by policy).
SEES_SELLERS = {
    ADMIN: {"SELLER-A", "SELLER-B"},
    AUDITOR: {"SELLER-A", "SELLER-B"},
    INVESTIGATOR: {"SELLER-A", "SELLER-B"},
    OFFICER_IN: {"SELLER-A"},
    OFFICER_OUT: set(),
    MERCHANT_A: {"SELLER-A"},
}
RECORD = """mutation($input: RecordOrderInput!) { recordOrder(input: $input) {
  order { id } } }"""


def order(seller: str, order_id: str, lot: str) -> dict[str, Any]:
    placed = (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)).isoformat()
    return {"sellerCode": seller, "orderId": order_id, "channel": "ONLINE", "placedAt": placed,
            "buyer": {"id": f"buyer-of-{seller}"},
            "lines": [{"traceCode": lot, "quantity": 1, "unitPrice": "10"}]}  # fmt: skip


@pytest.fixture()
def sold(traded: dict[str, str], story: Any) -> dict[str, str]:  # noqa: F811
    for seller, region in (("SELLER-A", "460203"), ("SELLER-B", "469001")):
        gql(story, "mutation($i: CreateSellerInput!) { createSeller(input: $i) "
            "{ seller { code } } }", {"i": {"code": seller, "name": f"Shop {seller}",
            "kind": "ONLINE_SHOP", "regionCode": region}})  # fmt: skip
    for seller, lot in (("SELLER-A", traded["A"]), ("SELLER-B", traded["B2"])):
        gql(story, RECORD, {"input": order(seller, f"order-of-{seller}", lot)})
    return traded


READS = """query($s: String!) {
  seller(code: $s) { code orders { totalCount edges { node { id } } } }
  order(sellerCode: $s, orderId: "order-of-SELLER-A") { id }
  buyer(id: "buyer-of-SELLER-A", sellerCode: $s) { id } }"""


@pytest.mark.parametrize("caller", SALES_CALLERS, ids=lambda c: c.label)
def test_sellers_orders_and_buyers_by_role(story, sold, caller):  # noqa: F811
    for seller in ("SELLER-A", "SELLER-B"):
        body = story.post(READS, {"s": seller}, **caller.kw())
        if caller is PUBLIC:
            assert error_codes(body) == {"UNAUTHENTICATED"}
            continue
        if caller.role is Role.FIELD_OFFICIAL:
            assert error_codes(body) == {"FORBIDDEN"}
            continue
        assert "errors" not in body, body
        data = body["data"]
        visible = seller in SEES_SELLERS[caller]
        assert (data["seller"] is not None) == visible, (caller.label, seller)
        if visible:
            assert data["seller"]["orders"]["totalCount"] == 1
        mine = seller == "SELLER-A" and visible
        assert (data["order"] is not None, data["buyer"] is not None) == (mine, mine)


@pytest.mark.parametrize("caller", SALES_CALLERS, ids=lambda c: c.label)
def test_recording_an_order_for_seller_b(story, sold, graph, caller):  # noqa: F811
    before = counts(graph)
    body = story.post(RECORD, {"input": order("SELLER-B", "order-matrix-b", sold["B2"])},
                      **caller.kw())  # fmt: skip
    if caller is ADMIN:
        assert "errors" not in body, body
        return
    expected = {
        PUBLIC: {"UNAUTHENTICATED"}, AUDITOR: {"FORBIDDEN"}, INVESTIGATOR: {"FORBIDDEN"},
        FIELD_PAIRED: {"FORBIDDEN"}, FIELD_UNPAIRED: {"FORBIDDEN"},
    }.get(caller, {"NOT_FOUND"})  # fmt: skip
    assert error_codes(body) == expected, (caller.label, body)
    if expected == {"NOT_FOUND"}:
        assert body["errors"][0]["extensions"]["field"] == "input.sellerCode"
    assert counts(graph) == before


def test_a_region_officer_and_a_merchant_sell_in_scope(story, sold):  # noqa: F811
    for caller, n in ((OFFICER_IN, 1), (MERCHANT_A, 2)):
        found = gql(story, RECORD, {"input": order("SELLER-A", f"order-a-{n:06d}", sold["A"])},
                    **caller.kw())  # fmt: skip
        assert found["recordOrder"]["order"] == {"id": f"order-a-{n:06d}"}
    # Creating a seller: a region officer within the subtree only; a merchant never.
    create = "mutation($i: CreateSellerInput!) { createSeller(input: $i) { seller { code } } }"
    seller = {"code": "SELLER-C", "name": "C", "kind": "ENTERPRISE"}
    inside = story.post(create, {"i": {**seller, "regionCode": "460203"}}, **OFFICER_IN.kw())
    assert inside["data"]["createSeller"]["seller"] == {"code": "SELLER-C"}
    outside = story.post(create, {"i": {**seller, "code": "SELLER-D", "regionCode": "469001"}},
                         **OFFICER_IN.kw())  # fmt: skip
    assert error_codes(outside) == {"FORBIDDEN"}
    city = story.post(create, {"i": {**seller, "code": "SELLER-E", "regionCode": "460200"}})
    assert error_codes(city) == {"BAD_USER_INPUT"}  # a prefecture city: not a place to be
    merchant = story.post(create, {"i": {**seller, "code": "SELLER-F", "regionCode": "460203"}},
                          **MERCHANT_A.kw())  # fmt: skip
    assert error_codes(merchant) == {"FORBIDDEN"}


IMPACT = """{ salesImpact(regionCode: "460000", from: "2020-01-01", to: "2022-12-31") {
  householdsPaid } }"""


@pytest.mark.parametrize("caller", SALES_CALLERS, ids=lambda c: c.label)
def test_sales_impact_counts_the_households_in_scope(story, sold, caller):  # noqa: F811
    today = today_cst()
    query = IMPACT.replace("2020-01-01", f"{today.year - 1}-01-01").replace(
        "2022-12-31", today.isoformat())  # fmt: skip
    body = story.post(query, **caller.kw())
    if caller is PUBLIC:
        assert error_codes(body) == {"UNAUTHENTICATED"}
        return
    if caller is MERCHANT_A:
        assert error_codes(body) == {"FORBIDDEN"}
        return
    assert "errors" not in body, body
    # Paid: A for its lot's sale, B at acceptance and for its own lot's sale.
    assert body["data"]["salesImpact"]["householdsPaid"] == len(SEES[caller]), caller.label
