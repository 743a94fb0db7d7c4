"""The investigator's trace on the demo (issue 17, Done when 1-6 and 8): the bottled
honey's tree, producers, enabling measures, orders and payments as each role sees
them, its EPCIS document against the repository's schema, the Tunchang chicken lot,
the refused roles and codes, and one statement whatever the number of orders. Expected
values derive from seeds/trade.py and seeds/sales.py. The demo is loaded once for the
module (the last test adds orders)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import jsonschema
import pytest
from conftest import Api, run_on_db
from test_authz_matrix import error_codes

from api.auth import Role
from graph.epcis import schema
from graph.testdb import wipe
from graph.trace_code import TraceKind, new, trace_url
from seeds.demo import MEASURES
from seeds.sales import CHICKEN_PRICE, HONEY_PRICE, ORDERS, STATION, STORE
from seeds.trade import (
    BAISHA_HOUSEHOLDS,
    BLENDED_LOT,
    BOTTLED_LOT,
    CHICKEN_LOT,
    COOPERATIVE,
    COOPERATIVE_TRACE,
    HONEY_KG,
    HONEY_LOTS,
    HOUSEHOLD_TRACES,
    PRICE_FEN,
    TUNCHANG_HOUSEHOLD,
)

AS_OF = dt.date(2026, 11, 1)
TRACE = """query($code: String!) { trace(code: $code) {
  kind traceCode lot { traceCode } truncated
  upstream { lot { traceCode } depth parentTraceCode quantity event { bizStep kind } }
  producers { kind traceCode quantity unit
    household { code members { person { name idNumber } } }
    cooperative { code } village { code path { code } } }
  outOfScopeHouseholds
  enablingMeasures { household { code } measure { id category date } }
  downstream { orderCount quantitySold
    orders(first: 10) { totalCount edges { node { id sellerCode channel } } }
    byChannel { channel orders quantity revenue } buyerCities { cityCode orders }
    payments { amount source lot { traceCode } } paidToHouseholds }
  events { bizStep eventTime } epcis } }"""
INVESTIGATOR = {"role": Role.INVESTIGATOR}


@pytest.fixture(scope="module")
def story(driver: Any, app_client: Any, test_settings: Any) -> Iterator[Api]:
    from seeds.demo import load_demo

    wipe(driver)
    run_on_db(test_settings, lambda db: load_demo(db, AS_OF, say=lambda _: None))
    yield Api(app_client, test_settings)


def trace(api: Api, code: str, query: str = TRACE, **kw: Any) -> Any:
    return api.data(query, {"code": code}, **kw)["trace"]


def store_orders() -> list[tuple[str, int]]:
    """The store's orders of the bottled honey, newest first: (id, bottles)."""
    found = [(o[0], o[3], sum(q for _, q, _ in o[6])) for o in ORDERS if o[1] == STORE]
    return [(oid, bottles) for oid, _, bottles in sorted(found, key=lambda o: o[1])]


def honey_measures() -> list[tuple[str, str]]:
    """(household, category) of the demo's enabling measures of the Baisha honey."""
    enabling = {"INDUSTRY", "SKILLS_TRAINING", "MICROCREDIT", "EMPLOYMENT", "ECOMMERCE"}
    return sorted((m[1], m[2]) for m in MEASURES if m[1] in BAISHA_HOUSEHOLDS and m[2] in enabling)


def test_the_investigator_follows_the_bottled_honey(story):
    """Done when 1: four steps (the blend at depth 1, the household lots at 2), the
    cooperative and the three households with names masked, six enabling measures,
    the store's three orders of eight bottles, payments null."""
    found = trace(story, BOTTLED_LOT, **INVESTIGATOR)
    assert (found["kind"], found["lot"], found["truncated"]) == (
        "LOT", {"traceCode": BOTTLED_LOT}, False)  # fmt: skip
    assert [(s["lot"]["traceCode"], s["depth"], s["parentTraceCode"], s["quantity"])
            for s in found["upstream"]] == [
        (BLENDED_LOT, 1, BOTTLED_LOT, 100),
        *sorted((code, 2, BLENDED_LOT, kg) for code, kg in zip(HONEY_LOTS, HONEY_KG, strict=True)),
    ]  # fmt: skip
    assert [s["event"]["kind"] for s in found["upstream"]] == ["PACKING"] + ["BLENDING"] * 3
    producers = found["producers"]
    assert [(p["kind"], p["traceCode"]) for p in producers] == [
        ("COOPERATIVE", COOPERATIVE_TRACE),
        *(("HOUSEHOLD", HOUSEHOLD_TRACES[h]) for h in BAISHA_HOUSEHOLDS),
    ]
    assert producers[0]["cooperative"] == {"code": COOPERATIVE}
    assert producers[0]["quantity"] is None  # it made nothing from nothing
    assert [(p["quantity"], p["unit"]) for p in producers[1:]] == [
        (kg, "KILOGRAM") for kg in HONEY_KG]  # fmt: skip
    for p in producers[1:]:
        for member in p["household"]["members"]:
            name, id_number = member["person"]["name"], member["person"]["idNumber"]
            assert name.endswith("**") and "*" in id_number, member
        assert [r["code"] for r in p["village"]["path"]][-1] == p["household"]["code"][:12]
    assert found["outOfScopeHouseholds"] == 0
    measures = found["enablingMeasures"]
    assert sorted((m["household"]["code"], m["measure"]["category"]) for m in measures) == (
        honey_measures())  # fmt: skip
    assert len(measures) == 6
    down = found["downstream"]
    orders = store_orders()
    assert [e["node"]["id"] for e in down["orders"]["edges"]] == [oid for oid, _ in orders]
    assert down["orders"]["totalCount"] == down["orderCount"] == 3
    assert down["quantitySold"] == sum(b for _, b in orders) == 8
    assert down["byChannel"] == [{"channel": "SELF_SERVICE_STORE", "orders": 3, "quantity": 8,
                                  "revenue": f"{Decimal(8 * HONEY_PRICE) / 100:.2f}"}]  # fmt: skip
    assert down["buyerCities"] == [{"cityCode": "460100", "orders": 2},
                                   {"cityCode": "440300", "orders": 1}]  # fmt: skip
    assert down["payments"] is None and down["paidToHouseholds"] is None


def test_the_auditor_sees_names_and_payments(story):
    """Done when 2: names shown, payments 6,000.00 (the acceptances)."""
    found = trace(story, BOTTLED_LOT, role=Role.AUDITOR)
    names = [m["person"]["name"] for p in found["producers"][1:] for m in p["household"]["members"]]
    assert names and not any("*" in n for n in names)
    down = found["downstream"]
    accepted = sum(HONEY_KG) * PRICE_FEN
    assert down["paidToHouseholds"] == f"{Decimal(accepted) / 100:.2f}" == "6000.00"
    assert sorted((p["lot"]["traceCode"], p["source"], p["amount"]) for p in down["payments"]) == [
        (code, "ACCEPTANCE", f"{Decimal(kg * PRICE_FEN) / 100:.2f}")
        for code, kg in sorted(zip(HONEY_LOTS, HONEY_KG, strict=True))
    ]


def test_a_region_officer_elsewhere_sees_only_the_cooperative(story):
    """Done when 3: REGION_OFFICER 460203 sees the cooperative, counts the three
    households, and no enabling measures."""
    found = trace(story, BOTTLED_LOT, role=Role.REGION_OFFICER, scope="460203")
    assert [p["kind"] for p in found["producers"]] == ["COOPERATIVE"]
    assert found["outOfScopeHouseholds"] == 3
    assert found["enablingMeasures"] == []
    assert len(found["upstream"]) == 4  # lots are everyone's: only households are scoped
    # Baisha's officer sees them all.
    inside = trace(story, BOTTLED_LOT, role=Role.REGION_OFFICER, scope="469025")
    assert (len(inside["producers"]), inside["outOfScopeHouseholds"]) == (4, 0)
    assert inside["downstream"]["paidToHouseholds"] == "6000.00"


def test_the_epcis_document_validates_and_tells_the_story_in_order(story, test_settings):
    """Done when 4: the repository's schema holds; 3 commissioning, 1 accepting, 1
    transforming, 1 packing and 3 retail_selling events, in time order."""
    found = trace(story, BOTTLED_LOT, **INVESTIGATOR)
    document = found["epcis"]
    jsonschema.validate(document, schema())
    events = document["epcisBody"]["eventList"]
    assert [e["bizStep"] for e in events] == [
        *["commissioning"] * 3,
        "accepting",
        "transforming",
        "packing",
        *["retail_selling"] * 3,
    ]
    times = [e["eventTime"] for e in events]
    assert times == sorted(times)
    assert [e["bizStep"] for e in found["events"]] == [e["bizStep"] for e in events]
    first, blend = events[0], events[4]
    assert first["type"] == "ObjectEvent" and first["action"] == "ADD"
    assert first["eventTime"] == f"{AS_OF - dt.timedelta(days=60)}T00:00:00.000+08:00"
    assert first["eventTimeZoneOffset"] == "+08:00"
    assert blend["type"] == "TransformationEvent"
    url = test_settings.public_base_url
    assert blend["outputQuantityList"] == [
        {"epcClass": trace_url(url, BLENDED_LOT), "quantity": 100, "uom": "KGM"}]  # fmt: skip
    assert sorted(q["epcClass"] for q in blend["inputQuantityList"]) == sorted(
        trace_url(url, code) for code in HONEY_LOTS)  # fmt: skip
    assert events[3]["bizTransactionList"][0]["type"] == "po"  # the acceptance
    assert events[4]["readPoint"]["id"].endswith(BAISHA_HOUSEHOLDS[0][:12])
    # Something the schema refuses: it is a real check.
    broken = {**document, "epcisBody": {"eventList": [{**events[0], "eventTimeZoneOffset": "Z"}]}}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema())


def test_the_tunchang_chickens(story):
    """Done when 5: one producing household, no upstream, the station's order."""
    found = trace(story, CHICKEN_LOT, role=Role.AUDITOR)
    assert found["upstream"] == []
    assert [(p["kind"], p["household"]["code"], p["quantity"]) for p in found["producers"]] == [
        ("HOUSEHOLD", TUNCHANG_HOUSEHOLD, 30)]  # fmt: skip
    down = found["downstream"]
    station = [o for o in ORDERS if o[1] == STATION]
    assert [e["node"]["id"] for e in down["orders"]["edges"]] == [o[0] for o in station]
    revenue = f"{Decimal(10 * CHICKEN_PRICE) / 100:.2f}"
    assert down["byChannel"] == [
        {"channel": "SERVICE_STATION", "orders": 1, "quantity": 10, "revenue": revenue}
    ]
    assert down["paidToHouseholds"] == "1200.00"
    jsonschema.validate(found["epcis"], schema())


PARTY = """query($code: String!) { trace(code: $code) { kind traceCode upstream { depth } epcis
  household { code } cooperative { code }
  lots(first: 10) { totalCount edges { node { traceCode } } }
  sales { lotCount orders revenue paid byChannel { channel orders quantity } } } }"""


def test_a_household_and_a_cooperative(story):
    """A household's code: its lots and sales; a cooperative's: the lots it owns."""
    household = trace(story, HOUSEHOLD_TRACES[TUNCHANG_HOUSEHOLD], PARTY, role=Role.AUDITOR)
    assert household["kind"] == "HOUSEHOLD" and household["upstream"] is None
    assert household["household"] == {"code": TUNCHANG_HOUSEHOLD}
    assert [e["node"]["traceCode"] for e in household["lots"]["edges"]] == [CHICKEN_LOT]
    assert household["sales"] == {"lotCount": 1, "orders": 1, "revenue": "1200.00",
                                  "paid": "1200.00", "byChannel": [
                                      {"channel": "SERVICE_STATION", "orders": 1,
                                       "quantity": 10}]}  # fmt: skip
    masked = trace(story, HOUSEHOLD_TRACES[TUNCHANG_HOUSEHOLD], PARTY, **INVESTIGATOR)
    assert masked["sales"]["paid"] is None and masked["sales"]["revenue"] == "1200.00"
    # Outside a region officer's scope a household is absent.
    assert trace(story, HOUSEHOLD_TRACES[TUNCHANG_HOUSEHOLD], PARTY, role=Role.REGION_OFFICER,
                 scope="460203") is None  # fmt: skip
    coop = trace(story, COOPERATIVE_TRACE, PARTY, **INVESTIGATOR)
    assert coop["cooperative"] == {"code": COOPERATIVE}
    assert coop["lots"]["totalCount"] == 5  # the three accepted, the blend, the bottles
    assert coop["sales"]["orders"] == 3


def test_who_may_trace_and_bad_codes(story):
    """Done when 6: FIELD_OFFICIAL and MERCHANT FORBIDDEN, no token UNAUTHENTICATED; a
    malformed code BAD_USER_INPUT, an unknown one null."""
    query = "query($code: String!) { trace(code: $code) { kind } }"
    for role, scope in ((Role.FIELD_OFFICIAL, "O-469025-001"), (Role.MERCHANT, STORE)):
        body = story.post(query, {"code": BOTTLED_LOT}, role=role, scope=scope)
        assert error_codes(body) == {"FORBIDDEN"} and body["data"] == {"trace": None}
    body = story.post(query, {"code": BOTTLED_LOT}, role=Role.PUBLIC)
    assert error_codes(body) == {"UNAUTHENTICATED"}
    assert error_codes(story.post(query, {"code": "FPL-NOT-A-CODE"})) == {"BAD_USER_INPUT"}
    assert story.data(query, {"code": new(TraceKind.LOT)})["trace"] is None
    # Lower case, spaces and hyphens, as a person types it.
    typed = "-".join([BOTTLED_LOT[:3].lower(), BOTTLED_LOT[3:]])
    assert story.data(query, {"code": typed})["trace"] == {"kind": "LOT"}


RECORD = """mutation($input: RecordOrderInput!) { recordOrder(input: $input) { order { id } } }"""
COUNTED = """query($code: String!) { trace(code: $code) { upstream { depth }
  producers { kind } enablingMeasures { measure { id } }
  downstream { orders(first: 100) { edges { node { id lines { quantity } buyer { id } } } }
    byChannel { orders } } events { bizStep } epcis } }"""


def statements(api: Api, code: str) -> tuple[int, int]:
    token = api.token(Role.AUDITOR)
    response = api.client.post(
        "/graphql",
        json={"query": COUNTED, "variables": {"code": code}},
        headers={"authorization": f"Bearer {token}", "x-fupin-statements": "1"},
    )
    body = response.json()
    assert "errors" not in body, body
    edges = body["data"]["trace"]["downstream"]["orders"]["edges"]
    return len(edges), body["extensions"]["statements"]


def test_one_statement_for_five_orders_or_fifty(story):
    """Done when 8: the chicken lot with 5 orders and the bottled honey with 50 run the
    same number of statements: one."""
    placed = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    wanted = {CHICKEN_LOT: (STATION, 5), BOTTLED_LOT: (STORE, 50)}
    for lot, (seller, total) in wanted.items():
        for n in range(total - statements(story, lot)[0]):
            story.data(RECORD, {"input": {
                "clientMutationId": f"trace-order-{lot}-{n:03d}", "sellerCode": seller,
                "orderId": f"trace-{n:05d}", "channel": "ONLINE", "placedAt": placed.isoformat(),
                "buyer": {"id": f"buyer-{n}"},
                "lines": [{"traceCode": lot, "quantity": 1, "unitPrice": "1.00"}]}})  # fmt: skip
    assert statements(story, CHICKEN_LOT) == (5, 1)
    assert statements(story, BOTTLED_LOT) == (50, 1)
