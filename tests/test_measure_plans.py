"""The planners and rules of measures, incomes and poverty lines (graph/measure.py,
graph/income.py, graph/poverty_line.py) without a database: what a document compiles
to, which values are parameters, what is hidden, which input is refused."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import pytest
from graphql import parse

from api import selection
from api.schema import schema
from graph.compiler import ROOTS, Plan, Request, View
from graph.errors import BadUserInput
from graph.income import derived_incomes, per_capita_net
from graph.measure import check_measure
from graph.poverty_line import POVERTY_LINES, lines_in_force
from graph.scope import Scope

CORE = schema._schema
EVERYTHING = Scope.everything()
TODAY = dt.date(2026, 11, 1)
CODE = "4602031002010001"


def field_of(query: str) -> Any:
    operation = parse(query).definitions[0]
    groups = selection.group(CORE.query_type, [operation.selection_set], {}, None)  # type: ignore[attr-defined]
    (nodes,) = groups.values()
    return selection.field(CORE.query_type, nodes[0].name.value, nodes, {}, None)


def compiled(query: str, *, masked: bool = False, scope: Scope = EVERYTHING) -> Plan:
    f = field_of(query)
    root = ROOTS[f.name]
    return root.plan(replace(f, args={}), View(scope, masked), root.shape(f.args))


def bound(query: str, **kw: Any) -> tuple[Plan, dict[str, Any]]:
    plan = compiled(query, **kw)
    return plan, plan.bind(Request(field_of(query).args, EVERYTHING, TODAY))


def household(selection_text: str) -> str:
    return f'{{ household(code: "{CODE}") {{ {selection_text} }} }}'


# --- Household.measures --------------------------------------------------------------


def test_measures_are_a_keyset_page_newest_first_without_voided_ones():
    plan, params = bound(household("measures(first: 3) { edges { cursor node { id date } } }"))
    assert "ORDER BY m_" in plan.cypher and ".date DESC" in plan.cypher
    assert ".voidedOn IS NULL" in plan.cypher
    assert "COUNT {" not in plan.cypher  # totalCount not asked for
    assert 4 in params.values()  # first + 1 rows: the next page's existence
    assert plan.post.children  # cursors are made by the post-pass


def test_measures_count_only_when_asked_and_voided_ones_on_request():
    plan = compiled(household("measures(includeVoided: true) { totalCount }"))
    assert "COUNT {" in plan.cypher
    assert "voidedOn IS NULL" not in plan.cypher


def test_categories_are_a_parameter():
    plan, params = bound(
        household("measures(categories: [MICROCREDIT, INDUSTRY]) { edges { node { id } } }")
    )
    assert "MICROCREDIT" not in plan.cypher
    assert ["INDUSTRY", "MICROCREDIT"] in params.values()
    assert ".category IN $p" in plan.cypher


def test_a_measure_cursor_pages_after_its_date_and_id():
    from graph.cursor import encode_cursor

    cursor = encode_cursor("household-measures", ["2026-04-15", "demo-measure-03"])
    plan, params = bound(household(f'measures(after: "{cursor}") {{ edges {{ node {{ id }} }} }}'))
    assert dt.date(2026, 4, 15) in params.values() and "demo-measure-03" in params.values()
    assert ".date < $p" in plan.cypher


def test_a_foreign_cursor_is_refused_at_the_field():
    from graph.cursor import encode_cursor

    cursor = encode_cursor("official-visits", ["2026-04-15", "x"])
    plan = compiled(household(f'measures(after: "{cursor}") {{ edges {{ node {{ id }} }} }}'))
    error = plan.post.children["measures"].error
    assert isinstance(error, BadUserInput) and error.field == "after"


def test_notes_are_hidden_and_the_recipient_masked_for_masked_views():
    text = household("measures { edges { node { notes recipient { name } } } }")
    plain, masked = compiled(text), compiled(text, masked=True)
    assert ".notes" in plain.cypher and ".notes" not in masked.cypher
    assert "left(" in masked.cypher and "left(" not in plain.cypher


# --- Household.incomes and the poverty lines -------------------------------------------


def test_incomes_are_null_for_masked_views():
    text = household("latestPerCapitaNet incomes { year perCapitaNet aboveThreshold }")
    masked = compiled(text, masked=True)
    assert "IncomeRecord" not in masked.cypher
    assert "h.latestPerCapitaNet" not in masked.cypher
    plain = compiled(text)
    assert "IncomeRecord" in plain.cypher and "PovertyLine" in plain.cypher


def test_income_years_are_parameters_in_order():
    plan, params = bound(household("incomes(fromYear: 2016, toYear: 2019) { year }"))
    assert "2016" not in plan.cypher and "2019" not in plan.cypher
    assert {2016, 2019} <= set(params.values())
    assert "ORDER BY i_" in plan.cypher


def test_a_reversed_year_range_is_refused_at_the_field():
    plan = compiled(household("incomes(fromYear: 2020, toYear: 2016) { year }"))
    error = plan.post.children["incomes"].error
    assert isinstance(error, BadUserInput) and error.field == "toYear"


def test_the_line_in_force_is_the_latest_row_up_to_the_year():
    plan, params = bound("{ povertyLine(year: 2018) { year threshold } }")
    assert "l.year <= $year" in plan.cypher and "ORDER BY l.year DESC LIMIT 1" in plan.cypher
    assert params["year"] == 2018
    assert lines_in_force(2018, POVERTY_LINES) == 3535
    assert lines_in_force(2026, POVERTY_LINES) == 4000
    assert lines_in_force(2014, POVERTY_LINES) is None
    with pytest.raises(BadUserInput):
        bound("{ povertyLine(year: 1800) { year } }")


# --- the rules, without a database -----------------------------------------------------


def measure(**values: Any) -> dict[str, Any]:
    base = {"category": "SUPPLIES", "date": dt.date(2026, 10, 1), "quantity": 5, "unit": "kg",
            "agency": "Town"}  # fmt: skip
    return {**base, **values}


@pytest.mark.parametrize(
    ("values", "official", "field"),
    [
        ({"date": dt.date(2026, 11, 2)}, None, "input.date"),
        ({"quantity": None, "unit": None}, None, "input.amount"),
        ({"unit": None}, None, "input.unit"),
        ({"quantity": None, "amount": 10}, None, "input.quantity"),  # a unit, no quantity
        ({"agency": None}, None, "input.agency"),
        ({"agency": "   "}, None, "input.agency"),
        ({"category": "MICROCREDIT", "amount": 50001, "termMonths": 12}, None, "input.amount"),
        ({"category": "MICROCREDIT", "termMonths": 12}, None, "input.amount"),
        ({"category": "MICROCREDIT", "amount": 100, "termMonths": 37}, None, "input.termMonths"),
        ({"category": "MICROCREDIT", "amount": 100}, None, "input.termMonths"),
        ({"termMonths": 6}, None, "input.termMonths"),
        ({"amount": 0}, None, "input.amount"),
        ({"quantity": -1}, None, "input.quantity"),
        ({"description": "x" * 501}, None, "input.description"),
    ],
)
def test_measure_rules(values, official, field):
    with pytest.raises(BadUserInput) as refused:
        check_measure(measure(**values), official, TODAY)
    assert refused.value.field == field


def test_a_valid_microcredit_and_an_official_instead_of_an_agency():
    loan = check_measure(
        measure(category="MICROCREDIT", amount=50000, termMonths=36, quantity=None, unit=None,
                agency=None),
        "O-460203-001",
        TODAY,
    )  # fmt: skip
    assert loan == {"category": "MICROCREDIT", "date": dt.date(2026, 10, 1), "amount": 50000,
                    "termMonths": 36}  # fmt: skip


def test_per_capita_net_rounds_down_and_the_derived_properties():
    items = {"wages": 10, "productionIncome": 5, "productionCosts": 6, "subsidies": 1}
    assert per_capita_net(items, 4) == 2  # 10 / 4
    assert per_capita_net({"productionCosts": 5}, 2) == -3  # floor, not towards zero
    records = [(2018, {"wages": 9000}, 3), (2020, {"wages": 8000}, 2), (2019, {"wages": 100}, 1)]
    assert derived_incomes(records) == (2020, 4000, 100)
    assert derived_incomes([(2018, {"wages": 9000}, 3), (2020, {"wages": 8000}, 2)]) == (
        2020, 4000, None)  # fmt: skip
    assert derived_incomes([]) == (None, None, None)
