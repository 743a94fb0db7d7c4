"""Sellers, orders, buyers and sales income on the demo (issue 16, Done when 1-5 and 7):
idempotent orders drawn down under the lot lock, payments into platformSales and back
out on cancelling, the MERCHANT role. Expected values derive from seeds/sales.py."""

from __future__ import annotations

import datetime as dt
import sys
from typing import Any

import pytest
from test_authz_matrix import counts, error_codes

from api.auth import Role
from graph.income import per_capita_net
from graph.payment import to_yuan
from graph.validation import today_cst
from seeds.sales import ORDERS, STATION, STORE, household_payments, sold
from seeds.trade import BAISHA_HOUSEHOLDS, BOTTLED_LOT, CHICKEN_LOT, INCOMES, TUNCHANG_HOUSEHOLD

RECORD = """mutation($input: RecordOrderInput!) { recordOrder(input: $input) {
  order { id status total channel placedAt buyer { id cityCode }
    lines { n quantity unitPrice amount lot { traceCode product { code } } } } } }"""
CANCEL = """mutation($input: CancelOrderInput!) { cancelOrder(input: $input) {
  order { id status cancelledOn cancelReason } } }"""
REMAINING = "query($c: String!) { lot(traceCode: $c) { remaining } }"
SALES = """query($c: String!) { household(code: $c) {
  payments(includeVoided: true) { edges { node { amount source date voidedOn } } }
  incomes { platformSales perCapitaNet } latestPerCapitaNet } }"""
MERCHANT = {"role": Role.MERCHANT, "scope": STORE}
# Orders are cancelled within 30 days of being placed, by the clock: the story is told
# as of today here, and the orders below are placed a minute ago.
# Read as each test starts, not at import: a run may cross midnight in CST.
PLACED = ""


@pytest.fixture(autouse=True)
def _placed_a_minute_ago(monkeypatch: pytest.MonkeyPatch) -> None:
    placed = (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)).isoformat()
    monkeypatch.setattr(sys.modules[__name__], "PLACED", placed)


@pytest.fixture()
def as_of() -> dt.date:
    return today_cst()


def honey(order_id: str, bottles: int, **over: Any) -> dict[str, Any]:
    return {"sellerCode": STORE, "orderId": order_id, "channel": "ONLINE",
            "placedAt": PLACED, "buyer": {"id": "web-buyer-0001"},
            "lines": [{"traceCode": BOTTLED_LOT, "quantity": bottles, "unitPrice": "38.80"}],
            **over}  # fmt: skip


def remaining(api: Any, code: str) -> float:
    return float(api.data(REMAINING, {"c": code})["lot"]["remaining"])


def sales_of(api: Any, household: str) -> dict[str, Any]:
    found: dict[str, Any] = api.data(SALES, {"c": household})["household"]
    return found


def test_the_demo_drew_its_orders_from_the_lots(api, demo):
    drawn = sold()
    assert remaining(api, BOTTLED_LOT) == 200 - drawn[BOTTLED_LOT] == 192
    assert remaining(api, CHICKEN_LOT) == 30 - drawn[CHICKEN_LOT] == 20
    found = api.data(
        """query($s: String!) { seller(code: $s) { kind regionCode
          orders(first: 10) { totalCount edges { node { id total buyer { id } } } } } }""",
        {"s": STORE},
    )["seller"]
    assert found["kind"] == "SELF_SERVICE_STORE"
    ids = [e["node"]["id"] for e in found["orders"]["edges"]]
    assert ids == [o[0] for o in reversed(ORDERS) if o[1] == STORE]  # newest first
    assert [e["node"]["total"] for e in found["orders"]["edges"]] == ["194.00", "38.80", "77.60"]


def test_an_order_is_recorded_once(api, demo, graph):
    """Done when 1: 192 to 190; the same input again: the same order, still 190; the
    same id with 3 bottles: CONFLICT on input.orderId."""
    first = api.data(RECORD, {"input": honey("web-00000001", 2)}, **MERCHANT)["recordOrder"]
    order = first["order"]
    assert (order["status"], order["total"], order["channel"]) == ("PLACED", "77.60", "ONLINE")
    assert order["lines"] == [{"n": 0, "quantity": 2, "unitPrice": "38.80", "amount": "77.60",
                               "lot": {"traceCode": BOTTLED_LOT,
                                       "product": {"code": "WILD-HONEY-500G"}}}]  # fmt: skip
    assert remaining(api, BOTTLED_LOT) == 190
    before = counts(graph)
    again = api.data(RECORD, {"input": honey("web-00000001", 2)}, **MERCHANT)["recordOrder"]
    assert again == first
    assert counts(graph) == before and remaining(api, BOTTLED_LOT) == 190
    body = api.post(RECORD, {"input": honey("web-00000001", 3)}, **MERCHANT)
    assert error_codes(body) == {"CONFLICT"}
    assert body["errors"][0]["extensions"]["field"] == "input.orderId"
    assert counts(graph) == before
    # The retail_selling event took the bottles; the cooperative, not a household, is paid.
    event = graph.execute_query(
        "MATCH (e:TraceEvent {bizTransaction: $t})-[r:INPUT]->(l:Lot) "
        "RETURN e.bizStep AS step, r.quantity AS q, l.traceCode AS lot",
        t=f"order:{STORE}:web-00000001",
    )[0]
    assert [(r["step"], r["q"], r["lot"]) for r in event] == [("retail_selling", 2, BOTTLED_LOT)]


def test_more_than_remains_is_conflict(api, demo, graph):
    """Done when 2: 500 bottles: CONFLICT on input.lines[0].quantity, remaining unchanged;
    two lines of one lot count together."""
    before = counts(graph)
    body = api.post(RECORD, {"input": honey("web-00000002", 500)}, **MERCHANT)
    assert error_codes(body) == {"CONFLICT"}
    assert body["errors"][0]["extensions"]["field"] == "input.lines[0].quantity"
    line = {"traceCode": BOTTLED_LOT, "quantity": 100, "unitPrice": "38.80"}
    body = api.post(RECORD, {"input": honey("web-00000003", 1, lines=[line, line])}, **MERCHANT)
    assert body["errors"][0]["extensions"]["field"] == "input.lines[1].quantity"
    assert counts(graph) == before and remaining(api, BOTTLED_LOT) == 192


def chickens(order_id: str, n: int) -> dict[str, Any]:
    line = {"traceCode": CHICKEN_LOT, "quantity": n, "unitPrice": "120.00"}
    return {"sellerCode": STATION, "orderId": order_id, "channel": "SERVICE_STATION",
            "placedAt": PLACED, "lines": [line],
            "buyer": {"id": "enterprise-haikou-canteens", "cityCode": "460100"}}  # fmt: skip


def test_a_sale_pays_the_household_and_cancelling_takes_it_back(api, demo):
    """Done when 3 and 4: 2 chickens at 120.00 pay the Tunchang household 240.00 and its
    2026 platformSales rises by 240; honey orders change no household's; cancelling
    restores the lot, voids the payment and platformSales drops back."""
    before = sales_of(api, TUNCHANG_HOUSEHOLD)
    (record,) = before["incomes"]
    day = today_cst()  # the story's D
    paid = sum(p["amount"] for p in household_payments(day)
               if p["household"] == TUNCHANG_HOUSEHOLD and p["date"].year == day.year)  # fmt: skip
    (items,) = [i[3] for i in INCOMES if i[0] == TUNCHANG_HOUSEHOLD]

    def figures(fen: int) -> dict[str, Any]:
        return {"platformSales": str(to_yuan(fen)), "perCapitaNet": per_capita_net(items, 1, fen)}

    assert record == figures(paid)  # 1,200.00 and 4,200 but in a year's first five days
    baisha = [sales_of(api, h) for h in BAISHA_HOUSEHOLDS]
    api.data(RECORD, {"input": chickens("station-00000002", 2)})
    api.data(RECORD, {"input": honey("web-00000004", 3)}, **MERCHANT)
    assert remaining(api, CHICKEN_LOT) == 18
    after = sales_of(api, TUNCHANG_HOUSEHOLD)
    new = [e["node"] for e in after["payments"]["edges"]
           if e["node"] not in [x["node"] for x in before["payments"]["edges"]]]  # fmt: skip
    today = str(today_cst())
    assert new == [{"amount": "240.00", "source": "SALE", "date": today, "voidedOn": None}]
    assert after["incomes"] == [figures(paid + 24000)]
    assert after["latestPerCapitaNet"] == figures(paid + 24000)["perCapitaNet"]
    assert [sales_of(api, h) for h in BAISHA_HOUSEHOLDS] == baisha
    cancelled = api.data(CANCEL, {"input": {"sellerCode": STATION, "orderId": "station-00000002",
                                            "reason": "returned"}})  # fmt: skip
    order = cancelled["cancelOrder"]["order"]
    assert (order["status"], order["cancelReason"]) == ("CANCELLED", "returned")
    assert remaining(api, CHICKEN_LOT) == 20
    back = sales_of(api, TUNCHANG_HOUSEHOLD)
    assert back["incomes"] == before["incomes"]
    assert back["latestPerCapitaNet"] == figures(paid)["perCapitaNet"]
    voided = [e["node"] for e in back["payments"]["edges"] if e["node"]["voidedOn"]]
    assert [v["amount"] for v in voided] == ["240.00"]
    # Cancelled already: CONFLICT; an order of more than 30 days ago: CONFLICT.
    again = api.post(CANCEL, {"input": {"sellerCode": STATION, "orderId": "station-00000002",
                                        "reason": "twice"}})  # fmt: skip
    assert error_codes(again) == {"CONFLICT"}
    old = api.post(CANCEL, {"input": {"sellerCode": STORE, "orderId": ORDERS[0][0],
                                      "reason": "late"}})  # fmt: skip
    assert error_codes(old) == {"CONFLICT"}
    assert old["errors"][0]["extensions"]["field"] == "input.orderId"


def test_what_a_merchant_may_do(api, demo, graph):
    """Done when 5: household FORBIDDEN; another seller's order NOT_FOUND on
    input.sellerCode; another seller's buyer null; its own seller, orders and buyers."""
    body = api.post('query { household(code: "4690251012010001") { code } }', **MERCHANT)
    assert error_codes(body) == {"FORBIDDEN"}
    for query in ('{ cooperative(code: "COOP-469025-01") { name } }',
                  '{ person(idNumber: "460203198406180318") { name } }',
                  '{ official(code: "O-469025-001") { name } }',
                  f'{{ lot(traceCode: "{BOTTLED_LOT}") {{ remaining }} }}'):  # fmt: skip
        assert error_codes(api.post(query, **MERCHANT)) == {"FORBIDDEN"}, query
    before = counts(graph)
    body = api.post(RECORD, {"input": chickens("station-00000003", 1)}, **MERCHANT)
    assert error_codes(body) == {"NOT_FOUND"}
    assert body["errors"][0]["extensions"]["field"] == "input.sellerCode"
    assert counts(graph) == before
    buyer = """query($id: String!, $s: String!) { buyer(id: $id, sellerCode: $s) {
      id cityCode orders { edges { node { id lines { lot { traceCode } } } } } } }"""
    other = api.data(buyer, {"id": "enterprise-haikou-canteens", "s": STATION}, **MERCHANT)
    assert other["buyer"] is None
    mine = api.data(buyer, {"id": "buyer-7f3a9c", "s": STORE}, **MERCHANT)["buyer"]
    assert mine["cityCode"] == "460100"
    assert [e["node"]["id"] for e in mine["orders"]["edges"]] == ["store-00000003",
                                                                 "store-00000001"]  # fmt: skip
    assert api.data('{ seller(code: "STATION-469022-01") { code } }', **MERCHANT)["seller"] is None
    # The public trace, as anyone sees it.
    trace = api.data(
        "query($c: String!) { publicTrace(code: $c) { contributingHouseholds } }",
        {"c": BOTTLED_LOT}, **MERCHANT,
    )  # fmt: skip
    assert trace["publicTrace"]["contributingHouseholds"] == 3


def test_a_lots_sales_are_the_callers_sellers(api, demo):
    query = """query($c: String!) { lot(traceCode: $c) { sales(first: 10) { totalCount
      edges { node { quantity amount order { id sellerCode } } } } } }"""
    everyone = api.data(query, {"c": BOTTLED_LOT})["lot"]["sales"]
    assert everyone["totalCount"] == 3
    assert [e["node"]["order"]["id"] for e in everyone["edges"]] == [
        "store-00000003", "store-00000002", "store-00000001"]  # fmt: skip
    # A region officer of Tunchang sees the lot (household readers do), none of its sales.
    tunchang = api.data(query, {"c": BOTTLED_LOT}, role=Role.REGION_OFFICER, scope="469022")
    assert tunchang["lot"]["sales"]["totalCount"] == 0
    chickens = api.data(query, {"c": CHICKEN_LOT}, role=Role.REGION_OFFICER, scope="469022")
    assert chickens["lot"]["sales"]["totalCount"] == 1


def test_order_refusals(api, demo, graph):
    before = counts(graph)
    tomorrow = (dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).isoformat()
    cases = [
        ({"placedAt": tomorrow}, "BAD_USER_INPUT", "input.placedAt"),
        ({"placedAt": (dt.datetime.now(dt.UTC) - dt.timedelta(days=60)).isoformat()},
         "BAD_USER_INPUT", "input.placedAt"),  # before the bottles were packed
        ({"orderId": "short"}, "BAD_USER_INPUT", "input.orderId"),
        ({"lines": []}, "BAD_USER_INPUT", "input.lines"),
        ({"buyer": {"id": "b", "cityCode": "4601"}}, "BAD_USER_INPUT", "input.buyer.cityCode"),
        ({"lines": [{"traceCode": BOTTLED_LOT, "quantity": 1.5, "unitPrice": "38.80"}]},
         "BAD_USER_INPUT", "input.lines[0].quantity"),
        ({"lines": [{"traceCode": BOTTLED_LOT, "quantity": 1, "unitPrice": "-1"}]},
         "BAD_USER_INPUT", "input.lines[0].unitPrice"),
        ({"lines": [{"traceCode": "FPLAAAAAAAAAA0", "quantity": 1, "unitPrice": "1"}]},
         "BAD_USER_INPUT", "input.lines[0].traceCode"),
    ]  # fmt: skip
    for change, code, field in cases:
        body = api.post(RECORD, {"input": honey("web-00000009", 1, **change)})
        assert error_codes(body) == {code}, (change, body)
        assert body["errors"][0]["extensions"].get("field") == field, (change, body)
    # FIELD_OFFICIAL, AUDITOR, INVESTIGATOR: FORBIDDEN.
    for role, scope in ((Role.FIELD_OFFICIAL, "O-469025-001"), (Role.AUDITOR, None),
                        (Role.INVESTIGATOR, None)):  # fmt: skip
        body = api.post(RECORD, {"input": honey("web-00000010", 1)}, role=role, scope=scope)
        assert error_codes(body) == {"FORBIDDEN"}, role
    # A region officer of another county: NOT_FOUND on the seller.
    body = api.post(RECORD, {"input": honey("web-00000011", 1)}, role=Role.REGION_OFFICER,
                    scope="469022")  # fmt: skip
    assert error_codes(body) == {"NOT_FOUND"}
    assert counts(graph) == before


def test_seller_orders_run_one_statement_whatever_the_page(api, demo):
    """Done when 7: Seller.orders pages of 5 and 50 with lines run equal counts."""
    query = """query($n: Int!) { seller(code: "STORE-469025-01") { orders(first: $n) {
      edges { node { id lines { quantity lot { traceCode product { name } } } } } } } }"""
    for n in range(4):  # 7 orders: a page of 5 is not all of them
        api.data(RECORD, {"input": honey(f"web-page-{n:04d}", 1)}, **MERCHANT)
    seen, sizes = [], []
    for n in (5, 50):
        response = api.client.post(
            "/graphql", json={"query": query, "variables": {"n": n}},
            headers={"authorization": f"Bearer {api.token(Role.MERCHANT, STORE)}",
                     "x-fupin-statements": "1"},
        )  # fmt: skip
        body = response.json()
        assert "errors" not in body, body
        seen.append(body["extensions"]["statements"])
        sizes.append(len(body["data"]["seller"]["orders"]["edges"]))
    assert (seen, sizes) == ([1, 1], [5, 7])
