"""salesImpact on the demo (issue 16, Done when 6): revenue by the lots' villages,
payments by the households' villages, in the caller's scope, private sums null for
roles without personal data over fewer than 5 households. Expected values derive from
seeds/sales.py and seeds/trade.py."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from test_authz_matrix import error_codes

from api.auth import Role
from graph.payment import to_yuan
from seeds.sales import ORDERS, household_payments

IMPACT = """query($r: String!, $from: Date!, $to: Date!) {
  salesImpact(regionCode: $r, from: $from, to: $to) {
    region { code } revenue orders buyers householdsPaid paidToHouseholds
    medianPaidPerHousehold
    byProduct { product { code } quantity revenue }
    byChannel { channel orders revenue }
    children { region { code } revenue orders householdsPaid paidToHouseholds } } }"""
YEAR = {"r": "460000", "from": "2026-01-01", "to": "2026-12-31"}


def impact(api: Any, variables: dict[str, str] = YEAR, **kw: Any) -> Any:
    return api.data(IMPACT, variables, **kw)["salesImpact"]


def revenue(channel: str | None = None) -> str:
    fen = sum(q * p for _, _, ch, _, _, _, lines in ORDERS for _, q, p in lines
              if channel in (None, ch.value))  # fmt: skip
    return str(to_yuan(fen))


def test_the_provinces_year(api, demo):
    found = impact(api)
    assert found["region"] == {"code": "460000"}
    assert found["revenue"] == revenue() == "1510.40"
    by_channel = {c["channel"]: c for c in found["byChannel"]}
    store = by_channel["SELF_SERVICE_STORE"]
    assert (store["orders"], store["revenue"]) == (3, revenue("SELF_SERVICE_STORE"))
    assert by_channel["SELF_SERVICE_STORE"]["revenue"] == "310.40"
    assert by_channel["SERVICE_STATION"]["revenue"] == "1200.00"
    assert (found["orders"], found["buyers"]) == (len(ORDERS), 3)
    assert found["byProduct"] == [
        {"product": {"code": "FREE-RANGE-CHICKEN"}, "quantity": 10, "revenue": "1200.00"},
        {"product": {"code": "WILD-HONEY-500G"}, "quantity": 8, "revenue": "310.40"},
    ]
    paid: dict[str, int] = {}
    for p in household_payments(demo):
        paid[p["household"]] = paid.get(p["household"], 0) + p["amount"]
    assert found["householdsPaid"] == len(paid) == 4
    assert found["paidToHouseholds"] == str(to_yuan(sum(paid.values()))) == "7200.00"
    middle = sorted(paid.values())[1:3]
    assert Decimal(found["medianPaidPerHousehold"]) == to_yuan(sum(middle) // 2)
    children = {c["region"]["code"]: c for c in found["children"]}
    assert children["469025"] == {"region": {"code": "469025"}, "revenue": "310.40",
                                  "orders": 3, "householdsPaid": 3,
                                  "paidToHouseholds": "6000.00"}  # fmt: skip
    assert children["469022"]["revenue"] == "1200.00"
    assert children["469022"]["householdsPaid"] == 1
    quiet = [c for code, c in children.items() if code not in ("469025", "469022")]
    assert quiet and all(c["revenue"] == "0.00" and c["householdsPaid"] == 0 for c in quiet)


def test_private_sums_and_scope(api, demo):
    masked = impact(api, role=Role.INVESTIGATOR)
    assert masked["householdsPaid"] == 4
    assert (masked["paidToHouseholds"], masked["medianPaidPerHousehold"]) == (None, None)
    assert masked["revenue"] == "1510.40"
    # A region officer of Baisha: the other households do not count, revenue does.
    baisha = impact(api, role=Role.REGION_OFFICER, scope="469025")
    assert (baisha["householdsPaid"], baisha["paidToHouseholds"]) == (3, "6000.00")
    assert baisha["revenue"] == "1510.40"
    # A window before the sales: zeros; one that starts after: zeros.
    empty = impact(api, {"r": "460000", "from": "2025-01-01", "to": "2025-12-31"})
    assert (empty["revenue"], empty["orders"], empty["householdsPaid"]) == ("0.00", 0, 0)
    assert empty["medianPaidPerHousehold"] is None
    assert api.data(IMPACT, {**YEAR, "r": "469099"})["salesImpact"] is None
    # The merchant and the public: FORBIDDEN, UNAUTHENTICATED.
    assert error_codes(api.post(IMPACT, YEAR, role=Role.MERCHANT,
                                scope="STORE-469025-01")) == {"FORBIDDEN"}  # fmt: skip
    assert error_codes(api.post(IMPACT, YEAR, role=Role.PUBLIC)) == {"UNAUTHENTICATED"}


def test_the_window_is_checked(api, demo):
    for window, field in (({"from": "2026-02-01", "to": "2026-01-31"}, "to"),
                          ({"from": "2020-01-01", "to": "2023-01-01"}, "to"),
                          ({"r": "4600"}, "regionCode")):  # fmt: skip
        body = api.post(IMPACT, {**YEAR, **window})
        assert error_codes(body) == {"BAD_USER_INPUT"}, window
        assert body["errors"][0]["extensions"]["field"] == field
    # Three years less a day is allowed.
    assert impact(api, {**YEAR, "from": "2024-01-01", "to": "2026-12-31"})["revenue"] == "1510.40"
