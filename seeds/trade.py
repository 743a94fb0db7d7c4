"""The demo's traceability story (seeds/README.md, "Honey from Baisha"): households,
officials and pairings that seeds/demo.py adds to its own, and the cooperative, lots,
EPCIS events and payments it writes after them. Trace codes are fixed, so the README
and the tests can name them.

In Baisha (469025) three households paired with O-469025-001 keep bees; they are the
members of the Baisha Wild Honey Cooperative. Their honey lots of 40, 35 and 25 kg
(D-60) were accepted on D-55 at 60.00 a kilogram (2,400.00, 2,100.00 and 1,500.00
paid), blended on D-50 into 100 kg and packed on D-45 into 200 bottles. In Tunchang
(469022) a household paired with O-469022-001 raised 30 free-range chickens (D-10),
kept to be sold directly.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from graph.model import RegionLevel
from graph.region import RegionRow
from graph.trace_code import TraceKind, make

PLACES: list[RegionRow] = [
    RegionRow("469025101", "Yuanmen", RegionLevel.TOWN, "469025"),
    RegionRow("469025101201", "Nanlao", RegionLevel.VILLAGE, "469025101"),
    RegionRow("469022100", "Xinxing", RegionLevel.TOWN, "469022"),
    RegionRow("469022100201", "Meiting", RegionLevel.VILLAGE, "469022100"),
]
NANLAO, MEITING = "469025101201", "469022100201"
BAISHA_HOUSEHOLDS = [NANLAO + "0001", NANLAO + "0002", NANLAO + "0003"]
TUNCHANG_HOUSEHOLD = MEITING + "0001"
FU_YAPING, CHEN_SHAOHUA = "O-469025-001", "O-469022-001"

COOPERATIVE = "COOP-469025-01"
COOPERATIVE_NAME = "Baisha Wild Honey Cooperative"
COOPERATIVE_TRACE = make(TraceKind.COOPERATIVE, "BA15HA0C01")
HOUSEHOLD_TRACES = {
    **{
        code: make(TraceKind.HOUSEHOLD, f"BA15HA0H0{i}")
        for i, code in enumerate(BAISHA_HOUSEHOLDS, 1)
    },
    TUNCHANG_HOUSEHOLD: make(TraceKind.HOUSEHOLD, "TNCHAN0H01"),
}
HONEY_LOTS = [make(TraceKind.LOT, f"BA15HA000{i}") for i in (1, 2, 3)]
HONEY_KG = [40, 35, 25]
BLENDED_LOT = make(TraceKind.LOT, "BA15HA0100")
BOTTLED_LOT = make(TraceKind.LOT, "BA15HA0200")
CHICKEN_LOT = make(TraceKind.LOT, "TNCHAN0001")
PRICE_FEN = 6000  # 60.00 yuan a kilogram

OFFICIALS: list[dict[str, Any]] = [
    {
        "code": FU_YAPING,
        "properties": {
            "name": "Fu Yaping",
            "unit": "Baisha County Bureau of Agriculture and Rural Affairs",
            "position": "Beekeeping technician",
            "phone": "13907560505",
            "maxLoad": 5,
        },
    },
    {
        "code": CHEN_SHAOHUA,
        "properties": {
            "name": "Chen Shaohua",
            "unit": "Tunchang County Animal Husbandry Station",
            "position": "Veterinarian",
            "phone": "13907570606",
            "maxLoad": 5,
        },
    },
]

_ADULT = {"health": "HEALTHY", "labourAbility": "FULL", "schooling": "NOT_IN_SCHOOL"}
_LI = {**_ADULT, "ethnicity": "Li"}

# seeds/demo.py's household rows: (code, attribute, status, main cause, secondary
# causes, years registered before as_of, housing grade, extra properties, members).
HOUSEHOLDS: list[tuple[str, str, str, str, list[str], int, str, dict[str, Any], list[Any]]] = [
    (
        BAISHA_HOUSEHOLDS[0], "GENERAL", "REGISTERED", "LACK_OF_SKILLS", ["LACK_OF_FUNDS"], 3,
        "B", {"address": "Nanlao, east hamlet", "cooperativeMember": True},
        [("Fu Yashan", "MALE", dt.date(1981, 4, 12), "HEAD", _LI, None),
         ("Wang Yahua", "FEMALE", dt.date(1984, 9, 3), "SPOUSE", _LI, None)],
    ),
    (
        BAISHA_HOUSEHOLDS[1], "GENERAL", "REGISTERED", "LACK_OF_FUNDS", [], 3, "B",
        {"address": "Nanlao, river hamlet", "cooperativeMember": True},
        [("Ji Yaming", "MALE", dt.date(1976, 1, 28), "HEAD", _LI, None)],
    ),
    (
        BAISHA_HOUSEHOLDS[2], "LOW_INCOME_GUARANTEE", "REGISTERED", "ILLNESS", ["LACK_OF_SKILLS"],
        3, "C", {"address": "Nanlao, upper hamlet", "cooperativeMember": True},
        [("Huang Yalian", "FEMALE", dt.date(1969, 11, 19), "HEAD",
          {**_LI, "health": "CHRONIC_ILLNESS", "labourAbility": "PARTIAL"}, None)],
    ),
    (
        TUNCHANG_HOUSEHOLD, "GENERAL", "REGISTERED", "LACK_OF_FUNDS", [], 2, "B",
        {"address": "Meiting, lower team", "cooperativeMember": False},
        [("Wang Shide", "MALE", dt.date(1973, 6, 6), "HEAD", {**_ADULT, "ethnicity": "Han"},
          None)],
    ),
]  # fmt: skip

# seeds/demo.py's MEASURES rows: the hives (D-500) and the training (D-450) behind the
# honey, delivered by Fu Yaping; ids demo-measure-06 to -11.
_HIVES = zip(BAISHA_HOUSEHOLDS, (8, 6, 4), strict=True)
MEASURES: list[
    tuple[str, str, str, int, int | None, float | None, str | None, str | None, str | None,
          str | None, str | None, int | None, str | None]
] = [
    *((f"demo-measure-{5 + i:02d}", h, "INDUSTRY", 500, None, hives, "hives", "beehives",
       None, FU_YAPING, None, None, None) for i, (h, hives) in enumerate(_HIVES, 1)),
    *((f"demo-measure-{8 + i:02d}", h, "SKILLS_TRAINING", 450, None, 3, "days",
       "beekeeping", None, FU_YAPING, None, None, None)
      for i, h in enumerate(BAISHA_HOUSEHOLDS, 1)),
]  # fmt: skip

# seeds/demo.py's INCOMES rows (D's year): the items officials enter exclude the
# platform sales, which perCapitaNet adds (in the comment, with them).
INCOMES: list[tuple[str, int, int, dict[str, int]]] = [
    (BAISHA_HOUSEHOLDS[0], 0, 2, {"wages": 4000, "productionIncome": 1200,
                                  "productionCosts": 600, "subsidies": 800}),  # 3,900
    (BAISHA_HOUSEHOLDS[1], 0, 1, {"wages": 1500, "productionIncome": 600,
                                  "productionCosts": 300, "subsidies": 500}),  # 4,400
    (BAISHA_HOUSEHOLDS[2], 0, 1, {"lowIncomeGuarantee": 3000, "productionIncome": 300,
                                  "productionCosts": 200, "subsidies": 400}),  # 5,000
    # the chickens sold through the service station (seeds/sales.py): 1,200.00
    (TUNCHANG_HOUSEHOLD, 0, 1, {"wages": 2000, "productionIncome": 800,
                                "productionCosts": 400, "subsidies": 600}),  # 4,200
]  # fmt: skip

# (pairing id, official, household, role, since days ago, until days ago or None)
PAIRINGS: list[tuple[str, str, str, str, int, int | None]] = [
    ("demo-pair-31", FU_YAPING, BAISHA_HOUSEHOLDS[0], "RESPONSIBLE", 600, None),
    ("demo-pair-32", FU_YAPING, BAISHA_HOUSEHOLDS[1], "RESPONSIBLE", 600, None),
    ("demo-pair-33", FU_YAPING, BAISHA_HOUSEHOLDS[2], "RESPONSIBLE", 600, None),
    ("demo-pair-41", CHEN_SHAOHUA, TUNCHANG_HOUSEHOLD, "RESPONSIBLE", 400, None),
]


def trade(as_of: dt.date) -> dict[str, list[dict[str, Any]]]:
    """The cooperative, its memberships, the lots, events and payments, dated back
    from `as_of`, ready for the graph/ upserts."""

    from seeds.sales import sold

    drawn = sold()

    def ago(days: int) -> dt.date:
        return as_of - dt.timedelta(days=days)

    def lot(
        code: str,
        product: str,
        quantity: int,
        remaining: int,
        days: int,
        producer: tuple[str, str],
        owner: tuple[str, str],
        village: str,
    ) -> dict[str, Any]:
        return {"traceCode": code, "product": product, "quantity": quantity,
                "remaining": remaining, "producedOn": ago(days), "villageCode": village,
                "producerKind": producer[0], "producer": producer[1],
                "ownerKind": owner[0], "owner": owner[1]}  # fmt: skip

    def event(n: int, event_type: str, step: str, days: int, village: str, **flows: Any) -> Any:
        return {"id": f"demo-event-{n:02d}", "eventType": event_type, "bizStep": step,
                "kind": flows.pop("kind", None), "date": ago(days), "readPoint": village,
                "bizTransaction": flows.pop("transaction", None),
                "inputs": flows.get("inputs", []), "outputs": flows.get("outputs", [])}  # fmt: skip

    coop = ("COOPERATIVE", COOPERATIVE)
    honey = list(zip(BAISHA_HOUSEHOLDS, HONEY_LOTS, HONEY_KG, strict=True))
    lots = [lot(code, "WILD-HONEY", kg, 0, 60, ("HOUSEHOLD", h), coop, NANLAO)
            for h, code, kg in honey]  # fmt: skip
    lots += [
        lot(BLENDED_LOT, "WILD-HONEY", 100, 0, 50, coop, coop, NANLAO),
        lot(BOTTLED_LOT, "WILD-HONEY-500G", 200, 200 - drawn[BOTTLED_LOT], 45, coop, coop,
            NANLAO),
        lot(CHICKEN_LOT, "FREE-RANGE-CHICKEN", 30, 30 - drawn[CHICKEN_LOT], 10,
            ("HOUSEHOLD", TUNCHANG_HOUSEHOLD),
            ("HOUSEHOLD", TUNCHANG_HOUSEHOLD), MEITING),
    ]  # fmt: skip
    flows = [{"lot": code, "quantity": kg} for _, code, kg in honey]
    events = [event(i, "OBJECT", "commissioning", 60, NANLAO, outputs=[flow])
              for i, flow in enumerate(flows, 1)]  # fmt: skip
    events += [
        event(4, "OBJECT", "accepting", 55, NANLAO, outputs=flows,
              transaction="acceptance:demo-acceptance-01"),
        event(5, "TRANSFORMATION", "transforming", 50, NANLAO, kind="BLENDING", inputs=flows,
              outputs=[{"lot": BLENDED_LOT, "quantity": 100}]),
        event(6, "TRANSFORMATION", "packing", 45, NANLAO, kind="PACKING",
              inputs=[{"lot": BLENDED_LOT, "quantity": 100}],
              outputs=[{"lot": BOTTLED_LOT, "quantity": 200}]),
        event(7, "OBJECT", "commissioning", 10, MEITING,
              outputs=[{"lot": CHICKEN_LOT, "quantity": 30}]),
    ]  # fmt: skip
    payments = [
        {"id": f"demo-payment-{i:02d}", "household": h, "lot": code, "amount": kg * PRICE_FEN,
         "date": ago(55), "source": "ACCEPTANCE"}
        for i, (h, code, kg) in enumerate(honey, 1)
    ]  # fmt: skip
    members = [
        {"id": f"demo-coop-member-{i:02d}", "householdCode": h, "cooperativeCode": COOPERATIVE,
         "since": ago(400), "until": None}
        for i, h in enumerate(BAISHA_HOUSEHOLDS, 1)
    ]  # fmt: skip
    cooperatives = [{"code": COOPERATIVE, "name": COOPERATIVE_NAME, "villageCode": NANLAO,
                     "traceCode": COOPERATIVE_TRACE}]  # fmt: skip
    codes = [{"code": h, "traceCode": t} for h, t in HOUSEHOLD_TRACES.items()]
    return {
        "cooperatives": cooperatives,
        "cooperativeMembers": members,
        "lots": lots,
        "events": events,
        "payments": payments,
        "householdTraceCodes": codes,
    }
