"""The demo story that `make run` loads (see seeds/README.md for its codes).

Dates are laid out backwards from a reference date, so the story stays current.
Loading twice duplicates nothing: every write MERGEs on a node key (households on
their code, people on their ID number, one membership per person and household,
officials on their code, pairings and visits on their ids). A person new to the graph
gets a ref derived from their (synthetic) ID number, the same on every load
(`seeds.idnumber.seed_person_ref`).

The story: in Shuinan village (Sanya), Fu Wenqiang broke his neck in a motorbike
accident, could not work and owed over 10,000 yuan for surgery; his household was
registered with the causes ILLNESS (main) and LACK_OF_FUNDS and paired with an
official of the district. Around it, households in three county-level units make
every coverage figure non-trivial: covered and uncovered, recently visited and
overdue, and one official (Huang Dehui, Wuzhishan) above his maximum load. Honey from
Baisha and chickens from Tunchang (seeds/trade.py) are the traceability story.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from graph.assessment import upsert_assessments
from graph.bulk import (
    upsert_households,
    upsert_incomes,
    upsert_measures,
    upsert_memberships,
    upsert_officials,
    upsert_pairings,
    upsert_regions,
    upsert_visits,
)
from graph.bulk_trade import upsert_cooperatives, upsert_lots, upsert_payments, upsert_sales
from graph.crosscheck import merge_entries
from graph.db import Database, Tx
from graph.derived import refresh_households, refresh_officials
from graph.feedback import upsert_feedback
from graph.income import ITEMS
from graph.model import RegionLevel
from graph.monitoring import upsert_monitoring
from graph.poverty_line import MERGE_POVERTY_LINES
from graph.product import upsert_catalogue
from graph.region import RegionRow
from graph.status import upsert_status_changes
from graph.validation import id_check_character
from seeds import sales, trade
from seeds.exits import exit_years, exits
from seeds.idnumber import seed_person_ref
from seeds.monitoring import BORDERLINE_HOUSEHOLD, monitoring
from seeds.regions import hainan

# Towns and villages of the story (synthetic names, codes that nest).
PLACES: list[RegionRow] = [
    RegionRow("460203100", "Fenghuang", RegionLevel.TOWN, "460203"),
    RegionRow("460203100201", "Shuinan", RegionLevel.VILLAGE, "460203100"),
    RegionRow("460203100202", "Luobi", RegionLevel.VILLAGE, "460203100"),
    RegionRow("469001100", "Tongshi", RegionLevel.TOWN, "469001"),
    RegionRow("469001100201", "Fanmao", RegionLevel.VILLAGE, "469001100"),
    RegionRow("469030101", "Hongmao", RegionLevel.TOWN, "469030"),
    RegionRow("469030101201", "Shiyuncun", RegionLevel.VILLAGE, "469030101"),
    *trade.PLACES,
]

SHUINAN, LUOBI, FANMAO, SHIYUNCUN = "460203100201", "460203100202", "469001100201", "469030101201"

# The story's household: the head's motorbike accident.
FU_HOUSEHOLD = SHUINAN + "0001"

LIN, WU, HUANG, WANG = "O-460203-001", "O-460203-002", "O-469001-001", "O-469030-001"

OFFICIALS: list[dict[str, Any]] = [
    {
        "code": LIN,
        "properties": {
            "name": "Lin Haitao",
            "unit": "Jiyang District Bureau of Agriculture and Rural Affairs",
            "position": "Section chief",
            "phone": "13807490101",
            "idNumber": "",  # filled in below
            "maxLoad": 5,
        },
    },
    {
        "code": WU,
        "properties": {
            "name": "Wu Xiaoyan",
            "unit": "Fenghuang Town Government",
            "position": "Deputy town head",
            "phone": "13807490202",
            "maxLoad": 5,
        },
    },
    {
        "code": HUANG,
        "properties": {
            "name": "Huang Dehui",
            "unit": "Wuzhishan Forestry Bureau",
            "position": "Forester",
            "phone": "13907510303",
            "maxLoad": 3,
        },
    },
    {
        "code": WANG,
        "properties": {
            "name": "Wang Lijuan",
            "unit": "Qiongzhong branch, Hainan Rural Credit Cooperative",
            "position": "Loan officer",
            "phone": "13907520404",
            "maxLoad": 4,
        },
    },
    *trade.OFFICIALS,
]


def id_number(division: str, born: dt.date, sequence: int) -> str:
    """A valid 18-character ID number (sequence odd for a man, even for a woman)."""
    first17 = f"{division}{born:%Y%m%d}{sequence:03d}"
    return first17 + id_check_character(first17)


# Members: (name, sex, birth date, relation, extra person properties, membership)
# where membership is None (active since registration) or (since days ago or None,
# until days ago, end reason).
Member = tuple[str, str, dt.date, str, dict[str, Any], tuple[int | None, int, str] | None]


def _d(y: int, m: int, d: int) -> dt.date:
    return dt.date(y, m, d)


HEALTHY_FULL = {"health": "HEALTHY", "labourAbility": "FULL", "schooling": "NOT_IN_SCHOOL"}
CHILD = {"health": "HEALTHY", "labourAbility": "NONE", "schooling": "COMPULSORY"}
ELDER = {"health": "CHRONIC_ILLNESS", "labourAbility": "PARTIAL", "schooling": "NOT_IN_SCHOOL"}

# (code, attribute, status, main cause, secondary causes, years registered before as_of,
#  housing grade, extra household properties, members)
HOUSEHOLDS: list[tuple[str, str, str, str, list[str], int, str, dict[str, Any], list[Member]]] = [
    (
        FU_HOUSEHOLD,
        "GENERAL",
        "EXITED",
        "ILLNESS",
        ["LACK_OF_FUNDS"],
        1,
        "B",
        {
            "debt": 12600,
            "address": "12 Shuinan Lane, Fenghuang",
            "headPhone": "13976001001",
            "bankAccount": "6228480118800001001",
        },
        [
            (
                "Fu Wenqiang",
                "MALE",
                _d(1979, 3, 14),
                "HEAD",
                {
                    "health": "SERIOUS_ILLNESS",
                    "labourAbility": "LOST",
                    "education": "JUNIOR_HIGH",
                    "schooling": "NOT_IN_SCHOOL",
                    "ethnicity": "Han",
                    "phone": "13976001001",
                    "medicalInsurance": True,
                    "criticalIllnessInsurance": True,
                },
                None,
            ),
            (
                "Chen Meiling",
                "FEMALE",
                _d(1982, 7, 2),
                "SPOUSE",
                {
                    **HEALTHY_FULL,
                    "education": "PRIMARY",
                    "ethnicity": "Han",
                    "workPlace": "Sanya (hotel laundry)",
                    "workMonths": 10,
                    "medicalInsurance": True,
                },
                None,
            ),
            (
                "Fu Jiahao",
                "MALE",
                _d(2011, 9, 1),
                "SON",
                {**CHILD, "ethnicity": "Han", "medicalInsurance": True},
                None,
            ),
            (
                "Fu Xiaoyu",
                "FEMALE",
                _d(2016, 5, 20),
                "DAUGHTER",
                {**CHILD, "ethnicity": "Han", "medicalInsurance": True},
                None,
            ),
        ],
    ),
    (
        SHUINAN + "0002",
        "GENERAL",
        "REGISTERED",
        "LACK_OF_SKILLS",
        [],
        3,
        "B",
        {"address": "3 Shuinan Lane, Fenghuang", "headPhone": "13976001002"},
        [
            (
                "Ji Haitian",
                "MALE",
                _d(1988, 2, 11),
                "HEAD",
                {**HEALTHY_FULL, "education": "JUNIOR_HIGH"},
                None,
            ),
            # Married in from Luobi 0001 (see below): her past membership is there.
            (
                "Zhou Lanfang",
                "FEMALE",
                _d(1990, 10, 5),
                "SPOUSE",
                {**HEALTHY_FULL, "education": "SENIOR_HIGH"},
                (699, 0, ""),
            ),
        ],
    ),
    (
        SHUINAN + "0003",
        "LOW_INCOME_GUARANTEE",
        "REGISTERED",
        "DISABILITY",
        ["LACK_OF_LABOUR"],
        4,
        "C",
        {"address": "27 Shuinan Lane, Fenghuang"},
        [
            (
                "Yang Shuying",
                "FEMALE",
                _d(1958, 12, 30),
                "HEAD",
                {"health": "DISABLED", "labourAbility": "LOST", "schooling": "NOT_IN_SCHOOL"},
                None,
            ),
        ],
    ),
    (
        SHUINAN + "0004",
        "GENERAL",
        "RETURNED",
        "DISASTER",
        ["LACK_OF_FUNDS"],
        4,
        "D",
        {"address": "40 Shuinan Lane, Fenghuang"},
        [
            ("Tang Yongfu", "MALE", _d(1970, 6, 8), "HEAD", HEALTHY_FULL, None),
            ("Xing Aihua", "FEMALE", _d(1972, 1, 19), "SPOUSE", ELDER, None),
        ],
    ),
    (
        LUOBI + "0001",
        "GENERAL",
        "REGISTERED",
        "LACK_OF_LAND",
        [],
        5,
        "B",
        {"address": "8 Luobi Road, Fenghuang"},
        [
            ("Zhou Dafu", "MALE", _d(1962, 4, 2), "HEAD", ELDER, None),
            ("Li Xiuqin", "FEMALE", _d(1964, 8, 23), "SPOUSE", ELDER, None),
            ("Zhou Lanfang", "FEMALE", _d(1990, 10, 5), "DAUGHTER", {}, (None, 700, "MARRIED_OUT")),
            (
                "Wen Guihua",
                "FEMALE",
                _d(1936, 2, 14),
                "MOTHER",
                {"health": "SERIOUS_ILLNESS", "labourAbility": "NONE"},
                (None, 150, "DECEASED"),
            ),
        ],
    ),
    (
        LUOBI + "0002",
        "EXTREME_POVERTY_SUPPORT",
        "REGISTERED",
        "LACK_OF_LABOUR",
        ["ILLNESS"],
        5,
        "C",
        {"address": "Luobi village hall annex"},
        [("Mo Laigen", "MALE", _d(1945, 11, 11), "HEAD", ELDER, None)],
    ),
    (
        LUOBI + "0003",
        "GENERAL",
        "REGISTERED",
        "OTHER",
        [],
        5,
        "B",
        {"deregisteredOn": 400, "deregistrationReason": "DUPLICATE"},
        [("Xing Ruhua", "FEMALE", _d(1985, 3, 3), "HEAD", HEALTHY_FULL, None)],
    ),
    (
        FANMAO + "0001",
        "GENERAL",
        "REGISTERED",
        "LACK_OF_SKILLS",
        ["POOR_TRANSPORT"],
        4,
        "B",
        {"address": "Fanmao team 1"},
        [
            (
                "Wang Yamei",
                "FEMALE",
                _d(1980, 9, 9),
                "HEAD",
                {**HEALTHY_FULL, "ethnicity": "Li"},
                None,
            ),
            (
                "Wang Ya'ai",
                "FEMALE",
                _d(2009, 4, 4),
                "DAUGHTER",
                {**CHILD, "schooling": "HIGH_SCHOOL", "ethnicity": "Li"},
                None,
            ),
        ],
    ),
    (
        FANMAO + "0002",
        "GENERAL",
        "REGISTERED",
        "POOR_TRANSPORT",
        [],
        4,
        "B",
        {"address": "Fanmao team 2"},
        [
            (
                "Huang Yaxiong",
                "MALE",
                _d(1975, 1, 1),
                "HEAD",
                {**HEALTHY_FULL, "ethnicity": "Li"},
                None,
            )
        ],
    ),
    (
        FANMAO + "0003",
        "LOW_INCOME_GUARANTEE",
        "REGISTERED",
        "ILLNESS",
        [],
        3,
        "C",
        {"address": "Fanmao team 2"},
        [
            (
                "Fu Yalan",
                "FEMALE",
                _d(1966, 5, 15),
                "HEAD",
                # Healthy, though the file's main cause is ILLNESS: CAUSE_CONTRADICTION.
                {"health": "HEALTHY", "labourAbility": "PARTIAL", "ethnicity": "Li"},
                None,
            )
        ],
    ),
    (
        FANMAO + "0004",
        "GENERAL",
        "REGISTERED",
        "SCHOOLING_COSTS",
        ["LACK_OF_FUNDS"],
        2,
        "B",
        {"address": "Fanmao team 3"},
        [
            (
                "Ji Yadong",
                "MALE",
                _d(1978, 7, 7),
                "HEAD",
                {**HEALTHY_FULL, "ethnicity": "Li"},
                None,
            ),
            (
                "Ji Yaqing",
                "FEMALE",
                _d(2005, 6, 1),
                "DAUGHTER",
                {"schooling": "COLLEGE", "health": "HEALTHY", "ethnicity": "Li"},
                None,
            ),
        ],
    ),
    (
        FANMAO + "0005",
        "GENERAL",
        "EXITED",
        "LACK_OF_FUNDS",
        [],
        5,
        "A",
        {"address": "Fanmao team 1"},
        [
            (
                "Chen Yaping",
                "MALE",
                _d(1983, 10, 10),
                "HEAD",
                {**HEALTHY_FULL, "ethnicity": "Li", "medicalInsurance": True},
                None,
            )
        ],
    ),
    (
        SHIYUNCUN + "0001",
        "EXTREME_POVERTY_SUPPORT",
        "REGISTERED",
        "LACK_OF_LABOUR",
        [],
        5,
        "B",
        {"address": "Shiyuncun, lower hamlet"},
        [("Wang Laoer", "MALE", _d(1940, 3, 21), "HEAD", {**ELDER, "ethnicity": "Miao"}, None)],
    ),
    (
        SHIYUNCUN + "0002",
        "GENERAL",
        "REGISTERED",
        "LACK_OF_WATER",
        ["LACK_OF_SKILLS"],
        3,
        "B",
        {"address": "Shiyuncun, upper hamlet"},
        [
            (
                "Pan Jinlong",
                "MALE",
                _d(1984, 12, 12),
                "HEAD",
                {**HEALTHY_FULL, "ethnicity": "Miao"},
                None,
            ),
            (
                "Deng Xiaohong",
                "FEMALE",
                _d(1987, 2, 2),
                "SPOUSE",
                {**HEALTHY_FULL, "ethnicity": "Miao"},
                None,
            ),
        ],
    ),
    (
        SHIYUNCUN + "0003",
        "GENERAL",
        "REGISTERED",
        "DISASTER",
        [],
        2,
        "C",
        {"address": "Shiyuncun, river bank"},
        [
            (
                "Li Wenhua",
                "MALE",
                _d(1969, 8, 30),
                "HEAD",
                {**HEALTHY_FULL, "ethnicity": "Miao"},
                None,
            )
        ],
    ),
    *trade.HOUSEHOLDS,
    # Borderline (issue 13): not poor, watched since the head's illness worsened.
    (
        BORDERLINE_HOUSEHOLD,
        "GENERAL",
        "BORDERLINE",
        "ILLNESS",
        [],
        1,
        "B",
        {"address": "Shiyuncun, tea garden"},
        [
            (
                "Huang Yaqin",
                "FEMALE",
                _d(1972, 3, 8),
                "HEAD",
                {"health": "CHRONIC_ILLNESS", "labourAbility": "PARTIAL",
                 "schooling": "NOT_IN_SCHOOL", "ethnicity": "Li", "medicalInsurance": True},
                None,
            ),
            ("Wang Yazhu", "MALE", _d(1970, 11, 2), "SPOUSE",
             {**HEALTHY_FULL, "ethnicity": "Li", "medicalInsurance": True}, None),
            ("Wang Yaping", "FEMALE", _d(2012, 5, 17), "DAUGHTER",
             {**CHILD, "ethnicity": "Li", "medicalInsurance": True}, None),
        ],
    ),
]  # fmt: skip

# (pairing id, official, household, role, since days ago, until days ago or None)
PAIRINGS: list[tuple[str, str, str, str, int, int | None]] = [
    ("demo-pair-01", WU, FU_HOUSEHOLD, "RESPONSIBLE", 300, 200),
    ("demo-pair-02", LIN, FU_HOUSEHOLD, "RESPONSIBLE", 200, None),
    ("demo-pair-03", WU, FU_HOUSEHOLD, "ASSISTING", 200, None),
    ("demo-pair-04", LIN, SHUINAN + "0002", "RESPONSIBLE", 600, None),
    ("demo-pair-05", LIN, SHUINAN + "0003", "ASSISTING", 600, None),
    ("demo-pair-06", WU, SHUINAN + "0004", "RESPONSIBLE", 500, None),
    ("demo-pair-07", LIN, LUOBI + "0001", "RESPONSIBLE", 900, None),
    ("demo-pair-08", LIN, LUOBI + "0003", "RESPONSIBLE", 900, 400),
    ("demo-pair-11", HUANG, FANMAO + "0001", "RESPONSIBLE", 800, None),
    ("demo-pair-12", HUANG, FANMAO + "0002", "RESPONSIBLE", 800, None),
    ("demo-pair-13", HUANG, FANMAO + "0003", "RESPONSIBLE", 700, None),
    ("demo-pair-14", HUANG, FANMAO + "0004", "RESPONSIBLE", 400, None),
    ("demo-pair-15", HUANG, FANMAO + "0005", "RESPONSIBLE", 1200, 200),
    ("demo-pair-21", WANG, SHIYUNCUN + "0001", "RESPONSIBLE", 1000, None),
    ("demo-pair-22", WANG, SHIYUNCUN + "0002", "RESPONSIBLE", 700, 90),
    ("demo-pair-23", WANG, SHIYUNCUN + "0003", "RESPONSIBLE", 500, None),
    *trade.PAIRINGS,
    ("demo-pair-24", WANG, BORDERLINE_HOUSEHOLD, "RESPONSIBLE", 100, None),
]

# (visit id, official, household, days ago, purpose, notes, (lat, lon))
VISITS: list[tuple[str, str, str, int, str, str, tuple[float, float]]] = [
    (
        "demo-visit-01",
        WU,
        FU_HOUSEHOLD,
        290,
        "registration",
        "Head injured in a motorbike accident; surgery debt over 10,000 yuan.",
        (18.301, 109.602),
    ),
    (
        "demo-visit-02",
        LIN,
        FU_HOUSEHOLD,
        70,
        "follow-up",
        "Medical reimbursement filed.",
        (18.301, 109.602),
    ),
    (
        "demo-visit-03",
        LIN,
        FU_HOUSEHOLD,
        35,
        "follow-up",
        "Rehabilitation going slowly.",
        (18.301, 109.602),
    ),
    (
        "demo-visit-04",
        LIN,
        FU_HOUSEHOLD,
        5,
        "monthly visit",
        "Reimbursement received; school subsidy for the son confirmed.",
        (18.301, 109.602),
    ),
    (
        "demo-visit-05",
        LIN,
        SHUINAN + "0002",
        10,
        "monthly visit",
        "Training place offered.",
        (18.303, 109.605),
    ),
    (
        "demo-visit-06",
        LIN,
        SHUINAN + "0003",
        45,
        "monthly visit",
        "Guarantee payment checked.",
        (18.299, 109.607),
    ),
    (
        "demo-visit-07",
        LIN,
        LUOBI + "0001",
        60,
        "monthly visit",
        "Land lease discussed.",
        (18.312, 109.588),
    ),
    (
        "demo-visit-11",
        HUANG,
        FANMAO + "0001",
        3,
        "monthly visit",
        "Seedlings delivered.",
        (18.776, 109.517),
    ),
    (
        "demo-visit-12",
        HUANG,
        FANMAO + "0002",
        20,
        "monthly visit",
        "Road repair request.",
        (18.781, 109.521),
    ),
    (
        "demo-visit-13",
        HUANG,
        FANMAO + "0003",
        50,
        "monthly visit",
        "Medicine costs noted.",
        (18.779, 109.519),
    ),
    (
        "demo-visit-15",
        HUANG,
        FANMAO + "0005",
        210,
        "exit check",
        "Income above the line.",
        (18.777, 109.516),
    ),
    (
        "demo-visit-21",
        WANG,
        SHIYUNCUN + "0001",
        20,
        "monthly visit",
        "Support payment checked.",
        (19.036, 109.839),
    ),
    (
        "demo-visit-22",
        WANG,
        SHIYUNCUN + "0002",
        95,
        "monthly visit",
        "Water pipe requested.",
        (19.041, 109.843),
    ),
    (
        "demo-visit-23",
        WANG,
        SHIYUNCUN + "0003",
        2,
        "after the typhoon",
        "Roof damage recorded.",
        (19.033, 109.836),
    ),
]


# Support measures (DOMAIN.md section 5): (id, household, category, days ago, amount,
# quantity, unit, description, agency, official, recipient's name, termMonths, notes).
MEASURES: list[
    tuple[str, str, str, int, int | None, float | None, str | None, str | None, str | None,
          str | None, str | None, int | None, str | None]
] = [
    ("demo-measure-01", FU_HOUSEHOLD, "MEDICAL_INSURANCE", 280, 1280, None, None,
     "Basic medical and critical-illness insurance contributions for the family",
     "Jiyang District Medical Security Bureau", None, None, None, None),
    ("demo-measure-02", FU_HOUSEHOLD, "MEDICAL_TREATMENT", 250, 9800, None, None,
     "Surgery costs reimbursed", "Jiyang District Medical Security Bureau", None,
     "Fu Wenqiang", None, "Cervical spine surgery after the accident; rehabilitation to follow."),
    ("demo-measure-03", FU_HOUSEHOLD, "MICROCREDIT", 200, 30000, None, None,
     "Poverty microloan for a black-goat pen", None, LIN, None, 36, None),
    ("demo-measure-04", FU_HOUSEHOLD, "SKILLS_TRAINING", 150, None, 5, "days",
     "farming and animal husbandry", None, LIN, None, None, None),
    ("demo-measure-05", SHUINAN + "0004", "SUPPLIES", 392, None, 50, "kg", "rice", None, WU,
     None, None, None),
    *trade.MEASURES,
    ("demo-measure-12", BORDERLINE_HOUSEHOLD, "MEDICAL_INSURANCE", 40, 960, None, None,
     "Critical-illness insurance contributions for the family",
     "Qiongzhong County Medical Security Bureau", None, None, None, None),
]  # fmt: skip

# Incomes: (household, years before the reference date's, householdSize, items). Each
# row's perCapitaNet, in the comment, is what seeds/README.md lists.
INCOMES: list[tuple[str, int, int, dict[str, int]]] = [
    (FU_HOUSEHOLD, 1, 4, {"wages": 6000, "productionIncome": 3200, "productionCosts": 800,
                          "subsidies": 2200, "ecologicalCompensation": 1000}),  # 2,900
    (FU_HOUSEHOLD, 0, 4, {"wages": 18000, "productionIncome": 9000, "productionCosts": 1500,
                          "propertyIncome": 1200, "subsidies": 6300,
                          "ecologicalCompensation": 1000}),  # 8,500
    (SHUINAN + "0002", 0, 2, {"wages": 14000, "productionIncome": 3000,
                              "productionCosts": 600, "subsidies": 1800,
                              "ecologicalCompensation": 400}),  # 9,300
    (SHUINAN + "0004", 1, 2, {"wages": 6000, "productionIncome": 4000,
                              "productionCosts": 1000, "subsidies": 1400}),  # 5,200
    (SHUINAN + "0004", 0, 2, {"wages": 2400, "productionIncome": 2600, "productionCosts": 900,
                              "pensionIncome": 600, "subsidies": 1500}),  # 3,100
    (FANMAO + "0005", 1, 1, {"wages": 12000, "productionIncome": 4500,
                             "productionCosts": 1000, "subsidies": 500}),  # 16,000
    (FANMAO + "0005", 0, 1, {"wages": 3000, "productionIncome": 2000, "productionCosts": 500,
                             "subsidies": 500}),  # 5,000
    *trade.INCOMES,
    (BORDERLINE_HOUSEHOLD, 0, 3, {"wages": 12000, "productionIncome": 4000,
                                  "productionCosts": 1000, "subsidies": 1500}),  # 5,500
]  # fmt: skip


def support(as_of: dt.date, people: dict[str, str]) -> dict[str, list[dict[str, Any]]]:
    """The measures and incomes of the story, dated back from `as_of`; `people` maps a
    member's name to their ID number."""
    measures = [
        {
            "id": mid,
            "householdCode": household,
            "officialCode": official,
            "memberIdNumber": people[recipient] if recipient else None,
            "properties": {
                k: v
                for k, v in {
                    "category": category, "date": as_of - dt.timedelta(days=days),
                    "amount": amount, "quantity": quantity, "unit": unit,
                    "description": description, "agency": agency, "termMonths": term,
                    "notes": notes,
                }.items()
                if v is not None
            },
        }
        for (mid, household, category, days, amount, quantity, unit, description, agency,
             official, recipient, term, notes) in MEASURES
    ]  # fmt: skip
    incomes = [
        {
            "id": f"demo-income-{household}-{as_of.year - back}",
            "householdCode": household,
            "properties": {
                "year": as_of.year - back,
                **{name: items.get(name, 0) for name in ITEMS},
                "householdSize": size,
            },
        }
        for household, back, size, items in INCOMES
    ]
    return {"measures": measures, "incomes": incomes}


# Imported data that the file audit finds (issue 18; seeds/README.md): written as an
# import from another system would write it, past the API's checks.
MO_LAIGEN = ("Mo Laigen", _d(1945, 11, 11))  # also an active member of Shiyuncun 0001
# A grandmother of Luobi 0001 born in 1912, her ID number with a wrong check character.
ZHOU_NAINAI = ("Zhou Nainai", "FEMALE", _d(1912, 6, 1), "GRANDMOTHER", 88)
# Wang Lijuan, the official, is also the spouse of Shiyuncun 0003's head.
WANG_LIJUAN_ID = ("469030", _d(1975, 4, 12), 62)
CROSS_CHECK_SOURCE = "Qiongzhong civil service bureau (demo)"


def _wrong_check(number: str) -> str:
    """The ID number with a check character that is not its own."""
    return number[:17] + ("0" if number[17] != "0" else "1")


def _imported(
    ids: dict[tuple[str, dt.date], str], starts: dict[str, dt.date]
) -> tuple[list[dict[str, Any]], str, list[dict[str, Any]]]:
    """The imported memberships, the official's ID number and the cross-check lists."""
    wang_id = id_number(*WANG_LIJUAN_ID)
    name, sex, born, relation, sequence = ZHOU_NAINAI
    broken = _wrong_check(id_number("460203", born, sequence))
    rows: list[tuple[str, dict[str, Any], str]] = [
        (SHIYUNCUN + "0001", {"idNumber": ids[MO_LAIGEN], "name": MO_LAIGEN[0]}, "OTHER"),
        (
            LUOBI + "0001",
            {"idNumber": broken, "name": name, "sex": sex, "birthDate": born,
             "health": "CHRONIC_ILLNESS", "labourAbility": "NONE", "schooling": "NOT_IN_SCHOOL"},
            relation,
        ),
        (
            SHIYUNCUN + "0003",
            {"idNumber": wang_id, "name": "Wang Lijuan", "sex": "FEMALE",
             "birthDate": WANG_LIJUAN_ID[1], **HEALTHY_FULL},
            "SPOUSE",
        ),
    ]  # fmt: skip
    memberships = [
        {"householdCode": code, "person": person, "ref": seed_person_ref(person["idNumber"]),
         "relation": rel, "since": starts[code], "until": None, "endReason": None}
        for code, person, rel in rows
    ]  # fmt: skip
    head = next(i for (n, _), i in ids.items() if n == "Ji Haitian")
    lists = [{"list": "CIVIL_SERVANT", "source": CROSS_CHECK_SOURCE, "idNumbers": [head]}]
    return memberships, wang_id, lists


def story(as_of: dt.date) -> dict[str, list[dict[str, Any]]]:
    """The story's rows, dated back from `as_of`, ready for the graph/ upserts."""

    def ago(days: int) -> dt.date:
        return as_of - dt.timedelta(days=days)

    households: list[dict[str, Any]] = []
    memberships: list[dict[str, Any]] = []
    ids: dict[tuple[str, dt.date], str] = {}
    starts: dict[str, dt.date] = {}
    # The first pairing or visit of each household: it was registered by then.
    first_event: dict[str, dt.date] = {}
    events = [(p[2], p[4]) for p in PAIRINGS] + [(v[2], v[3]) for v in VISITS]
    for household, days_ago in events:
        first_event[household] = min(first_event.get(household, as_of), ago(days_ago))
    for index, (
        code,
        attribute,
        status,
        main,
        secondary,
        years,
        grade,
        extra,
        members,
    ) in enumerate(HOUSEHOLDS):
        registered = as_of.year - years
        # Spring to autumn of the registration year, before anything else happened to
        # the file (seeds/README.md); the members' memberships begin that day.
        start = min(
            dt.date(registered, 3, 1) + dt.timedelta(days=(index * 37) % 240),
            first_event.get(code, as_of),
        )
        properties: dict[str, Any] = {
            "registrationDate": start,
            "registrationYear": registered,
            "standard": "NATIONAL",
            "attribute": attribute,
            "status": status,
            "mainCause": main,
            "secondaryCauses": secondary,
            "housingGrade": grade,
            "housingArea": 40.0 + 5 * (index % 5),
            "safeWater": grade in ("A", "B"),
            "electricity": True,
            "roadAccess": index % 4 != 1,
            "sanitaryToilet": grade == "A",
            "cooperativeMember": index % 3 == 0,
            "plannedExitYear": exit_years(as_of).get(
                code, as_of.year + 1 if status != "EXITED" else as_of.year - 1
            ),
            **extra,
        }
        if "deregisteredOn" in extra:
            properties["deregisteredOn"] = ago(int(extra["deregisteredOn"]))
        starts[code] = start
        households.append({"code": code, "villageCode": code[:12], "properties": properties})
        for position, (name, sex, born, relation, props, span) in enumerate(members):
            key = (name, born)
            if key not in ids:
                sequence = 2 * (index * 10 + position) + (1 if sex == "MALE" else 2)
                ids[key] = id_number(code[:6], born, sequence % 1000)
            since, until, reason = start, None, None
            if span is not None:
                since_ago, until_ago, end_reason = span
                since = ago(since_ago) if since_ago is not None else start
                until = ago(until_ago) if end_reason else None
                reason = end_reason or None
            person = {"idNumber": ids[key], "name": name, "sex": sex, "birthDate": born, **props}
            if reason == "DECEASED":
                person["diedOn"] = until
            memberships.append(
                {
                    "householdCode": code,
                    "person": person,
                    "ref": seed_person_ref(ids[key]),
                    "relation": relation,
                    "since": since,
                    "until": until,
                    "endReason": reason,
                }
            )
    officials = [dict(o, properties=dict(o["properties"])) for o in OFFICIALS]
    officials[0]["properties"]["idNumber"] = id_number("460203", dt.date(1984, 6, 18), 31)
    imported, wang_id, lists = _imported(ids, starts)
    memberships += imported
    next(o for o in officials if o["code"] == WANG)["properties"]["idNumber"] = wang_id
    pairings = [
        {
            "id": pid,
            "officialCode": official,
            "householdCode": household,
            "role": role,
            "since": ago(since),
            "until": ago(until) if until is not None else None,
        }
        for pid, official, household, role, since, until in PAIRINGS
    ]
    visits = [
        {
            "id": vid,
            "officialCode": official,
            "householdCode": household,
            "properties": {
                "date": ago(days),
                "purpose": purpose,
                "notes": notes,
                "latitude": lat,
                "longitude": lon,
            },
        }
        for vid, official, household, days, purpose, notes, (lat, lon) in VISITS
    ]
    people = {m["person"]["name"]: m["person"]["idNumber"] for m in memberships}
    supported = support(as_of, people)
    return {
        "households": households,
        "memberships": memberships,
        "officials": officials,
        "pairings": pairings,
        "visits": visits,
        **supported,
        **exits(as_of, households, supported["incomes"]),
        **trade.trade(as_of),
        "crossCheck": lists,
        **sales.sales(as_of),
        **monitoring(as_of),
    }


async def load_demo(db: Database, as_of: dt.date, say: Callable[[str], None] = print) -> str:
    """Write the region tree and the story; returns a one-line summary."""
    rows = story(as_of)

    async def work(tx: Tx) -> None:
        await upsert_regions(tx, [*hainan(), *PLACES])
        await upsert_households(tx, rows["households"])
        await upsert_memberships(tx, rows["memberships"])
        await upsert_officials(tx, rows["officials"])
        await upsert_pairings(tx, rows["pairings"])
        await upsert_visits(tx, rows["visits"])
        await tx.run(MERGE_POVERTY_LINES)
        await upsert_measures(tx, rows["measures"])
        await upsert_incomes(tx, rows["incomes"])
        await upsert_catalogue(tx)
        await upsert_cooperatives(tx, rows["cooperatives"], rows["cooperativeMembers"])
        events = [*rows["events"], *rows["saleEvents"]]
        await upsert_lots(tx, rows["lots"], events, rows["householdTraceCodes"])
        await upsert_payments(tx, rows["payments"])
        for entry in rows["crossCheck"]:
            await merge_entries(tx, entry["list"], entry["source"], entry["idNumbers"])
        await upsert_assessments(tx, rows["assessments"])
        await upsert_status_changes(tx, rows["statusChanges"])
        await upsert_sales(tx, rows["sellers"], rows["orders"])
        await upsert_monitoring(tx, rows["monitoring"])
        await upsert_feedback(tx, rows["feedback"])
        await refresh_households(tx, [h["code"] for h in rows["households"]])
        await refresh_officials(tx, [o["code"] for o in rows["officials"]])

    say(f"writing the region tree and {len(rows['households'])} households in one transaction")
    await db.write(work)
    return (
        f"{len(hainan()) + len(PLACES)} regions, {len(rows['households'])} households, "
        f"{len({m['person']['idNumber'] for m in rows['memberships']})} people, "
        f"{len(rows['officials'])} officials, {len(rows['pairings'])} pairings, "
        f"{len(rows['visits'])} visits, {len(rows['measures'])} measures, "
        f"{len(rows['incomes'])} income records, {len(rows['cooperatives'])} cooperative, "
        f"{len(rows['lots'])} lots, {len(rows['assessments'])} exit assessments, "
        f"{len(rows['sellers'])} sellers, {len(rows['orders'])} orders, "
        f"{len(rows['monitoring'])} monitoring records, {len(rows['feedback'])} feedback"
    )
