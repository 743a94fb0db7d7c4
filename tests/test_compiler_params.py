"""Nothing spliced, without a database: every argument value of a document (root and
nested arguments, input objects, enum values, cursors, variables) reaches the
compiled statement as a parameter and never as Cypher text (graph/compiler.py's
Binder). Distinctive values go in; the test looks for them in the text and in the
parameters."""

from __future__ import annotations

import re

import pytest
from graphql import FieldNode, GraphQLObjectType, OperationDefinitionNode, parse
from plans import PRINCIPALS, QUERY, compile_doc, object_type, target_of

from graph.cursor import encode_cursor
from graph.measure import MEASURES_KIND
from graph.readmap import TYPES
from graph.trace_code import TraceKind, make

SENTINELS = {
    "household": "4609991239876541",
    "region": "469987",
    "village": "469987654321",
    "official": "O-SENTINEL-777",
    "id": "469997198402290038",
    "unit": "Sentinel Bureau of Things",
    "date": "2019-03-07",
    "cursor_key": "4609991239876549",
    "pairing": "pair-sentinel-123",
    "product": "SENTINEL-PRODUCT-77",
    "cooperative": "COOP-SENTINEL-77",
    "trace": make(TraceKind.LOT, "SENTNE7XYZ"),
    "uuid": "5e171e11-0000-4000-8000-00000000abcd",
    "client": "phone-sentinel-0077",
    "seller": "STORE-SENTINEL-77",
    "order": "order-sentinel-777",
    "buyer": "buyer-sentinel-777",
    "date_to": "2020-05-09",
    "household_trace": make(TraceKind.HOUSEHOLD, "SENTHH7XYZ"),
    "feedback": "feedback-sentinel-777",
}
NUMBERS = {"first": 93, "visits_first": 17, "children_first": 89, "within": 3217, "days": 311,
           "from_year": 2012, "to_year": 2016, "line_year": 2044, "exit_year": 2043,
           "lifted_year": 2031, "impact_from": 2003, "impact_to": 2008, "stats_year": 2018,
           "monitoring_first": 7, "before_exit_first": 11}  # fmt: skip
# Float arguments (atRiskHouseholds' factor and share), distinctive as text.
FLOATS = {"factor": 2.375, "drop": 0.4375}
ENUM_VALUES = ("RETURNED", "LOW_INCOME_GUARANTEE", "LACK_OF_MOTIVATION", "EXITED", "ECOMMERCE",
               "HONEY", "CAUSE_CONTRADICTION", "DISMISSED", "BUSINESS_OWNER", "INCOME_DROP",
               "SATISFACTION", "ANSWERED")  # fmt: skip
S, N = SENTINELS, NUMBERS
CURSORS = {
    "paired": encode_cursor("official-households", [S["cursor_key"], S["pairing"]]),
    "visits": encode_cursor("official-visits", [S["date"], S["pairing"]]),
    "officials": encode_cursor("officials", [S["official"]]),
    "uncovered": encode_cursor("coverage-UNCOVERED", [S["cursor_key"]]),
    "overdue": encode_cursor("coverage-OVERDUE", [S["cursor_key"]]),
    "households": encode_cursor("households:REGISTRATION_YEAR_DESC", [2011, S["cursor_key"]]),
    "history": encode_cursor("history", [1551916800000, S["pairing"]]),
    "measures": encode_cursor(MEASURES_KIND, [S["date"], S["pairing"]]),
    "products": encode_cursor("products", [S["product"]]),
    "members": encode_cursor("cooperative-members", [S["date"], S["pairing"]]),
    "coop_lots": encode_cursor("cooperative-lots", [S["date"], S["trace"]]),
    "lots": encode_cursor("household-lots", [S["date"], S["trace"]]),
    "payments": encode_cursor("household-payments", [S["date"], S["pairing"]]),
    "findings": encode_cursor("findings", [1551916800000, S["uuid"]]),
    "imports": encode_cursor("cross-check-imports", [1551916800000, S["uuid"]]),
    "seller_orders": encode_cursor("seller-orders", [1551916800001, S["order"]]),
    "buyer_orders": encode_cursor("buyer-orders", [1551916800002, S["order"]]),
    "sales": encode_cursor("lot-sales", [1551916800003, S["seller"], S["order"], 7]),
    "at_risk": encode_cursor("at-risk", [S["cursor_key"]]),
    "feedback": encode_cursor("feedback", [S["date"], S["feedback"]]),
    "household_feedback": encode_cursor("household-feedback", [S["date"], S["feedback"]]),
    "lifted": encode_cursor("lifted-households", [S["cursor_key"]]),
    "trace_orders": encode_cursor("trace-orders", [1551916800004, S["seller"], S["order"]]),
}
C = CURSORS

HISTORY = f'history(first: {N["first"]}, after: "{C["history"]}") {{ edges {{ node {{ at }} }} }}'
SPLICE_DOC = f"""
query($after: String, $days: Int!) {{
  households(
    where: {{ regionCode: "{S["region"]}", status: RETURNED, attribute:
      LOW_INCOME_GUARANTEE, mainCause: LACK_OF_MOTIVATION, hasResponsibleOfficial: true,
      visitOverdue: true, withinDays: {N["within"]}, asOf: "{S["date"]}",
      includeDeregistered: true, exitYear: {N["exit_year"]} }}
    orderBy: REGISTRATION_YEAR_DESC, first: {N["first"]}, after: $after
  ) {{ totalCount edges {{ cursor node {{
    code visitOverdue(withinDays: $days, asOf: "{S["date"]}")
    members(includePast: true) {{ person {{ idNumber households(includePast: false) {{
      household {{ code }} }} {HISTORY} }} }}
    officials(includeEnded: true) {{ official {{ {HISTORY}
      pairedHouseholds(first: {N["first"]}, includeEnded: true, after: "{C["paired"]}")
        {{ edges {{ node {{ code }} }} }}
      visits(first: {N["first"]}, after: "{C["visits"]}") {{ edges {{ node {{ id }} }} }} }} }}
    latestVisits(first: {N["visits_first"]}) {{ id }} {HISTORY}
    statusHistory(first: {N["visits_first"]}) {{ to }} statusOn(date: "{S["date"]}")
    assessments(first: {N["visits_first"]}) {{ year checks {{ check }} }}
    measures(first: {N["first"]}, after: "{C["measures"]}", categories: [ECOMMERCE],
      includeVoided: true) {{ totalCount edges {{ node {{ id }} }} }}
    incomes(fromYear: {N["from_year"]}, toYear: {N["to_year"]}) {{ year }}
    findings(first: {N["visits_first"]}) {{ id }}
    village {{ children(first: {N["children_first"]}) {{ code }} }}
    cooperatives(includeEnded: true) {{ active }}
    lots(first: {N["first"]}, after: "{C["lots"]}") {{ edges {{ node {{ traceCode }} }} }}
    payments(first: {N["first"]}, after: "{C["payments"]}", includeVoided: true)
      {{ edges {{ node {{ id }} }} }}
    monitoring(first: {N["monitoring_first"]}) {{ id }}
    feedback(first: {N["first"]}, after: "{C["household_feedback"]}")
      {{ edges {{ node {{ id }} }} }} }} }} }}
  officials(where: {{ regionCode: "{S["village"]}", unit: "{S["unit"]}",
    overloaded: true, hasActivePairings: false }}, first: {N["first"]},
    after: "{C["officials"]}") {{ totalCount edges {{ node {{ code }} }} }}
  household(code: "{S["household"]}") {{ code }}
  official(code: "{S["official"]}") {{ code }}
  person(idNumber: "{S["id"]}") {{ name }}
  region(code: "{S["village"]}") {{ code }}
  povertyLine(year: {N["line_year"]}) {{ year }}
  povertyLines {{ year }}
  history(ref: "Household:{S["household"]}", first: {N["first"]}, after: "{C["history"]}")
    {{ edges {{ node {{ at }} }} }}
  products(category: HONEY, first: {N["first"]}, after: "{C["products"]}")
    {{ totalCount edges {{ node {{ code }} }} }}
  product(code: "{S["product"]}") {{ code }}
  cooperative(code: "{S["cooperative"]}") {{ code {HISTORY}
    members(first: {N["first"]}, after: "{C["members"]}", includeEnded: true)
      {{ edges {{ active }} }}
    lots(first: {N["first"]}, after: "{C["coop_lots"]}") {{ edges {{ node {{ traceCode }} }} }} }}
  lot(traceCode: "{S["trace"]}") {{ traceCode
    sales(first: {N["first"]}, after: "{C["sales"]}") {{ edges {{ node {{ n }} }} }} }}
  seller(code: "{S["seller"]}") {{ code
    orders(first: {N["first"]}, after: "{C["seller_orders"]}") {{ edges {{ node {{ id }} }} }} }}
  order(sellerCode: "{S["seller"]}", orderId: "{S["order"]}") {{ id }}
  buyer(id: "{S["buyer"]}", sellerCode: "{S["seller"]}") {{ id
    orders(first: {N["first"]}, after: "{C["buyer_orders"]}") {{ edges {{ node {{ id }} }} }} }}
  salesImpact(regionCode: "{S["region"]}", from: "{S["date"]}", to: "{S["date_to"]}") {{
    revenue children {{ revenue }} }}
  syncStatus(clientIds: ["{S["client"]}"]) {{ clientId }}
  publicTrace(code: "{S["trace"]}") {{ kind }}
  auditRun(id: "{S["uuid"]}") {{ id }}
  finding(id: "{S["uuid"]}") {{ id {HISTORY} }}
  auditFindings(where: {{ regionCode: "{S["region"]}", rule: CAUSE_CONTRADICTION,
    status: DISMISSED, severity: LOW, present: true }}, first: {N["first"]},
    after: "{C["findings"]}") {{ totalCount edges {{ node {{ id }} }} }}
  auditSummary(regionCode: "{S["village"]}", present: true) {{ total }}
  crossCheckImports(list: BUSINESS_OWNER, first: {N["first"]}, after: "{C["imports"]}")
    {{ edges {{ node {{ id }} }} }}
  liftedHouseholds(regionCode: "{S["region"]}", year: {N["lifted_year"]},
    includeReturned: false, first: {N["first"]}, after: "{C["lifted"]}") {{
    edges {{ node {{ measuresBeforeExit(first: {N["before_exit_first"]}) {{ id }} }} }} }}
  measureImpact(regionCode: "{S["region"]}", fromYear: {N["impact_from"]},
    toYear: {N["impact_to"]}) {{ cohort {{ households }} }}
  regionStats(regionCode: "{S["village"]}", year: {N["stats_year"]}) {{ households }}
  atRiskHouseholds(regionCode: "{S["region"]}", asOf: "{S["date"]}",
    thresholdFactor: {FLOATS["factor"]}, dropShare: {FLOATS["drop"]}, triggers: [INCOME_DROP],
    unsupported: true, first: {N["first"]}, after: "{C["at_risk"]}")
    {{ edges {{ node {{ triggers }} }} }}
  feedback(where: {{ regionCode: "{S["village"]}", status: ANSWERED, category: SATISFACTION,
    source: OFFICIAL }}, first: {N["first"]}, after: "{C["feedback"]}")
    {{ edges {{ node {{ id }} }} }}
  trace(code: "{S["trace"]}") {{ kind
    downstream {{ orders(first: {N["first"]}, after: "{C["trace_orders"]}")
      {{ edges {{ node {{ id }} }} }} }} }}
  householdTrace: trace(code: "{S["household_trace"]}") {{ kind
    lots(first: {N["first"]}, after: "{C["lots"]}") {{ edges {{ node {{ traceCode }} }} }} }}
  pairingCoverage(regionCode: "{S["region"]}", visitWithinDays: {N["days"]},
    asOf: "{S["date"]}", statuses: [EXITED, RETURNED]) {{
    households
    uncovered(first: {N["first"]}, after: "{C["uncovered"]}") {{ edges {{ node {{ code }} }} }}
    overdue(first: {N["visits_first"]}, after: "{C["overdue"]}") {{ pageInfo {{ endCursor }} }}
  }}
}}
"""
SPLICE_VARIABLES = {"after": C["households"], "days": N["days"]}


def arguments_used(doc: str) -> set[str]:
    """`Type.field.argument` of every argument written in `doc`."""
    used: set[str] = set()

    def walk(parent: GraphQLObjectType, selections: tuple[object, ...]) -> None:
        for node in selections:
            assert isinstance(node, FieldNode)
            name = node.name.value
            used.update(f"{parent.name}.{name}.{a.name.value}" for a in node.arguments or ())
            target = target_of(parent, name)
            if node.selection_set is not None and target is not None:
                walk(target, tuple(node.selection_set.selections))

    (operation,) = parse(doc).definitions
    assert isinstance(operation, OperationDefinitionNode) and QUERY is not None
    walk(QUERY, tuple(operation.selection_set.selections))
    return used


EXPLORE_ROOTS = (["Query", "entity"], ["Query", "neighborhood"], ["Query", "paths"])


def test_every_argument_of_a_compiled_field_is_in_the_document() -> None:
    wanted = set()
    for type_name in (*TYPES, "PairingCoverage", "Query"):
        for field_name, field in object_type(type_name).fields.items():
            wanted |= {f"{type_name}.{field_name}.{arg}" for arg in field.args}
    # The explorer's roots bind their own arguments (tests/test_explore_plans.py).
    wanted = {w for w in wanted if w.split(".")[:2] not in EXPLORE_ROOTS}
    assert wanted <= arguments_used(SPLICE_DOC), sorted(wanted - arguments_used(SPLICE_DOC))


# Roots that write every value of an enum from code: regionStats counts households by
# each status (graph/stats.py), atRiskHouseholds names each trigger that holds
# (graph/at_risk.py). The arguments' values still arrive as parameters (checked below).
CODE_CONSTANTS = {"regionStats": {"EXITED", "RETURNED"}, "atRiskHouseholds": {"INCOME_DROP"}}


def spliceable() -> list[str]:
    return [*SENTINELS.values(), *ENUM_VALUES, *CURSORS.values()]


@pytest.mark.parametrize("label", sorted(PRINCIPALS))
def test_no_argument_value_is_spliced_into_the_cypher(label: str) -> None:
    compiled = compile_doc(SPLICE_DOC, PRINCIPALS[label], SPLICE_VARIABLES)
    bound: list[str] = []
    for key, one in compiled.items():
        cypher = one.plan.cypher
        for value in set(spliceable()) - CODE_CONSTANTS.get(key, set()):
            assert value not in cypher, (key, value)
        for number in (*NUMBERS.values(), *(n + 1 for n in NUMBERS.values()),
                       *FLOATS.values()):  # fmt: skip
            assert not re.search(rf"(?<![\w$]){number}(?!\w)", cypher), (key, number)
        if cypher:  # an empty plan sends nothing (a masked person lookup)
            bound += [str(v) for v in one.params.values()]
    # The values did arrive, as parameters (so the checks above can fail).
    text = " ".join(bound)
    for name in ("household", "official", "region", "village", "unit", "cursor_key", "date",
                 "product", "cooperative", "trace", "uuid", "client"):  # fmt: skip
        assert SENTINELS[name] in text, name
    if label in ("admin", "investigator", "region", "merchant"):  # who may read sellers
        for name in ("seller", "order", "buyer", "date_to"):
            assert SENTINELS[name] in text, name
    # A masked view never looks a person up by ID number.
    assert (SENTINELS["id"] in text) is PRINCIPALS[label].sees_personal_data
    assert "RETURNED" in text and "LACK_OF_MOTIVATION" in text and "EXITED" in text
    assert "ECOMMERCE" in text and str(N["line_year"]) in bound
    assert str(N["exit_year"]) in bound
    # Incomes are not compiled at all for masked views (Household.incomes is HIDDEN).
    assert (str(N["from_year"]) in bound) is PRINCIPALS[label].sees_personal_data
    assert "CAUSE_CONTRADICTION" in text and "DISMISSED" in text and "BUSINESS_OWNER" in text
    for number in (N["first"] + 1, N["visits_first"], N["children_first"], N["days"],
                   N["monitoring_first"], N["stats_year"], N["impact_from"],
                   N["lifted_year"], N["before_exit_first"]):  # fmt: skip
        assert str(number) in bound, number
    if label != "investigator":  # atRiskHouseholds is FORBIDDEN them (it filters on incomes)
        assert "INCOME_DROP" in text and str(FLOATS["factor"]) in bound, label
    assert "SATISFACTION" in text and "ANSWERED" in text
