"""Platform sales in the one perCapitaNet formula (issue 15, item 4 and Done when 4):
IncomeRecord.platformSales is the household's unvoided payments dated in the record's
year, added to netIncome and perCapitaNet, in Cypher as in Python; every payment
refreshes the household's derived income figures. Expected values derive from
seeds/demo.py and seeds/trade.py."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_FLOOR, Decimal
from typing import Any

from api.auth import Role
from graph.income import ITEMS, net_income, per_capita_cypher, per_capita_net
from graph.payment import to_yuan
from seeds.demo import story
from seeds.sales import household_payments
from seeds.trade import BAISHA_HOUSEHOLDS, COOPERATIVE

INCOMES = """query($c: String!) { household(code: $c) {
  latestIncomeYear latestPerCapitaNet
  incomes(fromYear: 2025) { year householdSize platformSales netIncome perCapitaNet
    aboveThreshold } } }"""
REGISTER = """mutation($input: RegisterLotInput!) { registerLot(input: $input) {
  lot { traceCode } } }"""
ACCEPT = """mutation($input: AcceptLotsInput!) { acceptLots(input: $input) {
  cooperative { code } } }"""


def expected(household: str, as_of: dt.date) -> list[dict[str, Any]]:
    """The household's income records from the story, with its payments of each year."""
    rows = story(as_of)
    paid: dict[int, int] = {}
    for p in household_payments(as_of):
        if p["household"] == household:
            paid[p["date"].year] = paid.get(p["date"].year, 0) + p["amount"]
    out = []
    for record in sorted(
        (i["properties"] for i in rows["incomes"] if i["householdCode"] == household),
        key=lambda r: r["year"],
    ):
        sales, size = paid.get(record["year"], 0), record["householdSize"]
        out.append({"year": record["year"], "householdSize": size,
                    "platformSales": str(to_yuan(sales)),
                    "netIncome": net_income(record, sales),
                    "perCapitaNet": per_capita_net(record, size, sales)})  # fmt: skip
    return out


def test_the_baisha_households_incomes_hold_their_platform_sales(api, demo):
    """Done when 4: 2,400.00, 2,100.00 and 1,500.00, inside perCapitaNet."""
    figures = []
    for household in BAISHA_HOUSEHOLDS:
        found = api.data(INCOMES, {"c": household})["household"]
        records = [{k: r[k] for k in ("year", "householdSize", "platformSales", "netIncome",
                                      "perCapitaNet")} for r in found["incomes"]]  # fmt: skip
        assert records == expected(household, demo)
        (record,) = found["incomes"]
        assert (found["latestIncomeYear"], found["latestPerCapitaNet"]) == (
            2026, record["perCapitaNet"])  # fmt: skip
        figures.append((record["platformSales"], record["perCapitaNet"]))
    # The figures, and seeds/README.md's perCapitaNet (items + sales) / size.
    assert figures == [("2400.00", 3900), ("2100.00", 4400), ("1500.00", 5000)]
    # A record without payments in its year: 0.00, its items alone.
    fu = api.data(INCOMES, {"c": "4602031002010001"})["household"]["incomes"]
    assert [r["platformSales"] for r in fu] == ["0.00", "0.00"]
    assert [r["perCapitaNet"] for r in fu] == [2900, 8500]


def test_platform_sales_are_personal(api, demo):
    masked = api.data(INCOMES, {"c": BAISHA_HOUSEHOLDS[0]}, role=Role.INVESTIGATOR)
    assert masked["household"]["incomes"] is None
    assert masked["household"]["latestPerCapitaNet"] is None


def accept(api: Any, n: int, household: str, kg: float, day: dt.date, price: str) -> None:
    lot = api.data(REGISTER, {"input": {
        "clientMutationId": f"test-sales-lot-{n:04d}", "productCode": "WILD-HONEY",
        "quantity": kg, "producedOn": (day - dt.timedelta(days=1)).isoformat(),
        "householdCode": household}})["registerLot"]["lot"]["traceCode"]  # fmt: skip
    api.data(ACCEPT, {"input": {
        "clientMutationId": f"test-sales-accept-{n:04d}", "cooperativeCode": COOPERATIVE,
        "date": day.isoformat(), "lots": [{"traceCode": lot, "pricePerUnit": price}]}})  # fmt: skip


def test_a_payment_enters_its_years_record_and_refreshes_the_household(api, demo, graph):
    household = BAISHA_HOUSEHOLDS[1]  # one person; 2,300 of items, 2,100.00 paid on D-55
    accept(api, 1, household, 7.25, dt.date(2026, 10, 21), "58.8")  # 426.30
    found = api.data(INCOMES, {"c": household})["household"]
    (record,) = found["incomes"]
    assert (record["platformSales"], record["netIncome"], record["perCapitaNet"]) == (
        "2526.30", 4826, 4826)  # fmt: skip
    assert found["latestPerCapitaNet"] == 4826  # settle refreshed it
    stored = graph.execute_query(
        "MATCH (h:Household {code: $c}) RETURN h.latestPerCapitaNet AS v", c=household
    )[0][0]["v"]
    assert stored == 4826
    # A payment dated in another year enters that year's record only.
    accept(api, 2, household, 10, dt.date(2025, 10, 21), "50")
    assert api.data(INCOMES, {"c": household})["household"]["incomes"] == [record]
    # A voided payment leaves it.
    graph.execute_query(
        "MATCH (p:Payment {id: 'demo-payment-02'}) SET p.voidedOn = date('2026-10-25')"
    )
    (after,) = api.data(INCOMES, {"c": household})["household"]["incomes"]
    assert (after["platformSales"], after["perCapitaNet"]) == ("426.30", 2726)


def test_the_formula_is_the_same_in_cypher_and_python(graph):
    cases = [
        ({"wages": 10, "productionIncome": 5, "productionCosts": 6, "subsidies": 1}, 4, 0),
        ({"productionCosts": 5}, 2, 0),
        ({"productionCosts": 5}, 2, 99),  # -4.01 / 2: floor, not towards zero
        ({"wages": 34000}, 4, 0),
        ({"wages": 33999}, 4, 99),
        ({"wages": 33999}, 4, 100),
        ({"wages": 99_999_999, "productionIncome": 100_000_000, "subsidies": 7}, 7, 0),
        ({"wages": 99_999_999, "productionIncome": 100_000_000}, 7, 99_999_999_999),
        ({"pensionIncome": 1, "lowIncomeGuarantee": 2, "ecologicalCompensation": 3,
          "propertyIncome": 4}, 3, 1),
        ({}, 1, 240_000),
        ({"subsidies": 1}, 50, 4_999),
    ]  # fmt: skip
    for items, size, sales in cases:
        record = {**{name: items.get(name, 0) for name in ITEMS}, "householdSize": size}
        statement = f"WITH $i AS i RETURN {per_capita_cypher('i', '$sales')} AS v"
        (row,) = graph.execute_query(statement, i=record, sales=sales)[0]
        assert row["v"] == per_capita_net(items, size, sales), (items, size, sales)
        exact = (Decimal(sum(items.get(n, 0) for n in ITEMS if n != "productionCosts"))
                 - items.get("productionCosts", 0) + Decimal(sales) / 100)  # fmt: skip
        assert row["v"] == int((exact / size).to_integral_value(rounding=ROUND_FLOOR))
