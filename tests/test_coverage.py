"""Pairing coverage on a small hand-built graph: every figure is compared with what the
test counts by hand from the same hand-written table, for a village, a town, a county,
a city and the province, as of today and as of a past date."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest
from conftest import run_on_db

from api.auth import Role
from graph.bulk import upsert_regions
from graph.db import Tx
from graph.derived import SUMMARIZE_CONTACTS, SUMMARIZE_LOAD
from graph.model import RegionLevel
from graph.region import RegionRow
from graph.validation import today_cst
from graph.village_keys import REFRESH_REGION_VILLAGES
from seeds.regions import hainan


def ago(days: int) -> dt.date:
    return today_cst() - dt.timedelta(days=days)


PLACES = [
    RegionRow("469001100", "Tongshi", RegionLevel.TOWN, "469001"),
    RegionRow("469001100201", "Fanmao", RegionLevel.VILLAGE, "469001100"),
    RegionRow("469001100202", "Nanfa", RegionLevel.VILLAGE, "469001100"),
    RegionRow("469001101", "Nanshenggong", RegionLevel.TOWN, "469001"),
    RegionRow("469001101201", "Shuiman", RegionLevel.VILLAGE, "469001101"),
    RegionRow("460203100", "Fenghuang", RegionLevel.TOWN, "460203"),
    RegionRow("460203100201", "Shuinan", RegionLevel.VILLAGE, "460203100"),
]

# Official code -> maxLoad.
OFFICIALS = {"O1": 2, "O2": 5, "O3": 1}


@dataclass
class Pairing:
    official: str
    role: str
    since: dt.date
    until: dt.date | None = None


@dataclass
class H:
    code: str
    status: str = "REGISTERED"
    pairings: list[Pairing] = field(default_factory=list)
    visits: list[dt.date] = field(default_factory=list)
    deregistered: int | None = None  # days ago
    registered: int = 1000  # days ago

    def on_file(self, day: dt.date) -> bool:
        gone = self.deregistered is not None and ago(self.deregistered) <= day
        return ago(self.registered) <= day and not gone


def R(official: str, since: int, until: int | None = None) -> Pairing:
    return Pairing(official, "RESPONSIBLE", ago(since), ago(until) if until is not None else None)


def A(official: str, since: int, until: int | None = None) -> Pairing:
    return Pairing(official, "ASSISTING", ago(since), ago(until) if until is not None else None)


HOUSEHOLDS = [
    # Fanmao (469001100201)
    H("4690011002010001", pairings=[R("O1", 400)], visits=[ago(3), ago(100)]),
    H("4690011002010002", pairings=[R("O1", 400)], visits=[ago(45)]),
    H("4690011002010003", pairings=[A("O2", 300)], visits=[ago(10)]),  # uncovered
    H("4690011002010004", pairings=[R("O1", 30)], visits=[]),  # paired after the past date
    H("4690011002010005", status="EXITED", pairings=[R("O2", 500)], visits=[ago(2)]),
    # Nanfa (469001100202)
    H("4690011002020001", pairings=[R("O2", 200, until=20)], visits=[ago(70)]),  # ended
    H("4690011002020002", status="RETURNED", pairings=[R("O2", 200)], visits=[ago(29)]),
    H("4690011002020003", pairings=[R("O3", 100)], visits=[ago(59), ago(61)]),
    # paired until before the past date, then by no one: uncovered then and now
    H("4690011002020006", pairings=[R("O3", 200, until=60)], visits=[ago(65)]),
    H("4690011002020004", deregistered=1, pairings=[R("O2", 100, until=1)]),
    # Registered after the past date: counted today only.
    H("4690011002020005", registered=10, pairings=[R("O2", 10)], visits=[ago(5)]),
    # Deregistered after the past date: counted then (as REGISTERED), not today.
    H("4690011002010006", deregistered=20, pairings=[R("O1", 400, until=20)], visits=[ago(50)]),
    # Shuiman (469001101201)
    H("4690011012010001", pairings=[R("O3", 50), A("O1", 50)], visits=[ago(1)]),
    H("4690011012010002", pairings=[], visits=[]),
    # Shuinan, Sanya (460203100201)
    H("4602031002010001", pairings=[R("O2", 90)], visits=[ago(5)]),
]


def active(p: Pairing, day: dt.date) -> bool:
    return p.since <= day and (p.until is None or p.until > day)


def by_hand(prefix: str, day: dt.date, window: int, statuses: tuple[str, ...]) -> dict:
    """The coverage figures, counted from the table above."""
    rows = [
        h
        for h in HOUSEHOLDS
        if h.code.startswith(prefix) and h.status in statuses and h.on_file(day)
    ]
    covered = [
        h for h in rows if any(p.role == "RESPONSIBLE" and active(p, day) for p in h.pairings)
    ]
    overdue = [
        h for h in rows if not any(day - dt.timedelta(days=window) <= v <= day for v in h.visits)
    ]
    loads = {
        o: sum(active(p, day) for h in HOUSEHOLDS for p in h.pairings if p.official == o)
        for o in OFFICIALS
    }
    overloaded = {
        p.official
        for h in rows
        for p in h.pairings
        if active(p, day) and loads[p.official] > OFFICIALS[p.official]
    }
    return {
        "households": len(rows),
        "coveredHouseholds": len(covered),
        "coverageRatio": len(covered) / len(rows) if rows else None,
        "overdueHouseholds": len(overdue),
        "overloadedOfficials": len(overloaded),
        "uncovered": sorted(h.code for h in rows if h not in covered),
        "overdue": sorted(h.code for h in overdue),
    }


async def build(tx: Tx) -> None:
    await upsert_regions(tx, [*hainan(), *PLACES])
    await tx.run(
        "UNWIND $officials AS o CREATE (:Official {code: o.code, name: o.code, maxLoad: o.max, "
        "load: 0})",
        {"officials": [{"code": c, "max": m} for c, m in OFFICIALS.items()]},
    )
    for h in HOUSEHOLDS:
        current = [p for p in h.pairings if p.until is None]
        responsible = next((p.official for p in current if p.role == "RESPONSIBLE"), None)
        await tx.run(
            "MATCH (v:Region {code: $village}) "
            "CREATE (h:Household {code: $code, villageCode: $village, status: $status, "
            "  responsibleOfficial: $responsible, lastVisitDate: $last, memberCount: 1, "
            "  registrationDate: $registered, registrationYear: $registered.year, "
            "  deregisteredOn: $deregisteredOn})-[:IN_VILLAGE]->(v) "
            "WITH h WHERE h.deregisteredOn IS NOT NULL "
            "SET h.statusBeforeDeregistration = h.status, h.status = 'DEREGISTERED'",
            {
                "code": h.code,
                "village": h.code[:12],
                "status": h.status,
                "responsible": responsible,
                "last": max(h.visits) if h.visits else None,
                "registered": ago(h.registered),
                "deregisteredOn": ago(h.deregistered) if h.deregistered is not None else None,
            },
        )
        for p in h.pairings:
            await tx.run(
                "MATCH (o:Official {code: $official}), (h:Household {code: $code}) "
                "CREATE (o)-[:PAIRED_WITH {role: $role, since: $since, until: $until}]->(h) "
                "SET o.load = o.load + CASE WHEN $until IS NULL THEN 1 ELSE 0 END",
                {
                    "official": p.official,
                    "code": h.code,
                    "role": p.role,
                    "since": p.since,
                    "until": p.until,
                },
            )
        for i, day in enumerate(h.visits):
            await tx.run(
                "MATCH (h:Household {code: $code}) "
                "CREATE (:Visit {id: $id, date: $date})-[:VISIT_TO]->(h)",
                {"code": h.code, "id": f"{h.code}-{i}", "date": day},
            )


COVERAGE = """
query($code: String!, $asOf: Date, $days: Int!, $statuses: [HouseholdStatus!]) {
  pairingCoverage(regionCode: $code, visitWithinDays: $days, asOf: $asOf,
                  statuses: $statuses) {
    ...figures
    children { ...figures }
    uncovered(first: 100) { edges { node { code } } pageInfo { hasNextPage } }
    overdue(first: 100) { edges { node { code } } }
  }
}
fragment figures on PairingCoverage {
  region { code }
  households coveredHouseholds coverageRatio overdueHouseholds overloadedOfficials
}
"""

FIGURES = (
    "households",
    "coveredHouseholds",
    "coverageRatio",
    "overdueHouseholds",
    "overloadedOfficials",
)


@pytest.fixture(params=["households", "summaries", "contacts"])
def hand_built(request, api, test_settings):
    """The table above, counted from its households as written by hand, or with every
    village's coverage summary written (graph/village_keys.py), or with those and every
    household's and official's pairing and visit summaries (graph/derived.py, which a
    past date reads): all must agree with the hand counts."""

    async def work(db):
        await db.write(build)
        if request.param != "households":

            async def summarize(tx: Tx) -> None:
                await tx.run(REFRESH_REGION_VILLAGES, {"prefix": "46"})
                if request.param == "contacts":
                    await tx.run(f"MATCH (h:Household) CALL (h) {{ {SUMMARIZE_CONTACTS} }}")
                    await tx.run(f"MATCH (o:Official) CALL (o) {{ {SUMMARIZE_LOAD} }}")

            await db.write(summarize)

    run_on_db(test_settings, work)
    return api


def prefix_of(code: str) -> str:
    """Household-code prefix of the test's regions (the table only uses these)."""
    return {"460000": "46", "460200": "4602"}.get(code, code)


@pytest.mark.parametrize("code", ["469001100201", "469001100", "469001", "460200", "460000"])
@pytest.mark.parametrize(("as_of", "window"), [(None, 30), (ago(40), 30), (ago(40), 90)])
def test_figures_equal_hand_counts(hand_built, code, as_of, window):
    day = as_of or today_cst()
    data = hand_built.data(
        COVERAGE, {"code": code, "asOf": as_of.isoformat() if as_of else None, "days": window}
    )["pairingCoverage"]
    statuses = ("REGISTERED", "RETURNED")
    expected = by_hand(prefix_of(code), day, window, statuses)
    assert data["region"]["code"] == code
    assert {k: data[k] for k in FIGURES} == {k: expected[k] for k in FIGURES}
    assert [e["node"]["code"] for e in data["uncovered"]["edges"]] == expected["uncovered"]
    assert [e["node"]["code"] for e in data["overdue"]["edges"]] == expected["overdue"]
    for child in data["children"]:
        want = by_hand(prefix_of(child["region"]["code"]), day, window, statuses)
        assert {k: child[k] for k in FIGURES} == {k: want[k] for k in FIGURES}, child


def test_the_table_makes_every_figure_non_trivial():
    """Guards the test itself: the hand counts differ from the easy answers."""
    county = by_hand("469001", today_cst(), 30, ("REGISTERED", "RETURNED"))
    assert 0 < county["coveredHouseholds"] < county["households"]
    assert 0 < county["overdueHouseholds"] < county["households"]
    assert county["overloadedOfficials"] > 0
    past = by_hand("469001", ago(40), 30, ("REGISTERED", "RETURNED"))
    assert past != county
    # Some households were not on file on the past date, some no longer are.
    codes = {h.code for h in HOUSEHOLDS}
    assert {h.code for h in HOUSEHOLDS if h.on_file(ago(40))} != codes
    assert {h.code for h in HOUSEHOLDS if h.on_file(ago(40))} != {
        h.code for h in HOUSEHOLDS if h.on_file(today_cst())
    }


LIST = """query($where: HouseholdWhere) {
  households(where: $where, first: 100) { totalCount edges { node { code } } } }"""


@pytest.mark.parametrize("as_of", [None, ago(40)])
def test_the_households_list_counts_what_stood_on_the_date(hand_built, as_of):
    """households(where: {asOf}) lists the households on file on that date, with the
    pairings and visits of that date, like coverage."""
    day = as_of or today_cst()
    base = {"regionCode": "469001", "status": "REGISTERED"}
    if as_of is not None:
        base["asOf"] = as_of.isoformat()
    expected = by_hand("469001", day, 30, ("REGISTERED",))

    def listed(**where):
        page = hand_built.data(LIST, {"where": {**base, **where}})["households"]
        assert page["totalCount"] == len(page["edges"])
        return [e["node"]["code"] for e in page["edges"]]

    on_file = [
        h.code
        for h in sorted(HOUSEHOLDS, key=lambda h: h.code)
        if h.code.startswith("469001") and h.status == "REGISTERED" and h.on_file(day)
    ]
    assert listed() == on_file
    assert len(on_file) == expected["households"]
    assert listed(hasResponsibleOfficial=False) == expected["uncovered"]
    assert listed(visitOverdue=True) == expected["overdue"]


def test_the_demo_as_of_before_any_registration_counts_nothing(api, demo):
    """The demo's households were registered from 2021 on: on 2019-12-31 Sanya had none."""
    data = api.data(
        '{ pairingCoverage(regionCode: "460200", asOf: "2019-12-31") { households '
        "coveredHouseholds overdueHouseholds overloadedOfficials children { households } "
        "uncovered { edges { node { code } } } overdue { edges { node { code } } } } "
        'households(where: {regionCode: "460200", asOf: "2019-12-31", visitOverdue: true}) '
        "{ totalCount } }"
    )
    coverage = data["pairingCoverage"]
    assert coverage["households"] == coverage["coveredHouseholds"] == 0
    assert coverage["overdueHouseholds"] == coverage["overloadedOfficials"] == 0
    assert {c["households"] for c in coverage["children"]} == {0}
    assert coverage["uncovered"]["edges"] == coverage["overdue"]["edges"] == []
    assert data["households"]["totalCount"] == 0


def test_a_household_registered_today_is_not_counted_yesterday(api, demo):
    village = "460203100201"
    api.data(
        'mutation { registerHousehold(input: {clientMutationId: "as-of-register-1", '
        f'code: "{village}0100", villageCode: "{village}", mainCause: ILLNESS, '
        'members: [{idNumber: "110105194912310011", name: "Li Dawei", relation: HEAD}]}) '
        "{ household { registrationDate registrationYear } } }"
    )
    query = """query($asOf: Date) { pairingCoverage(regionCode: "460203100201", asOf: $asOf) {
      households uncovered { edges { node { code } } } } }"""
    today = api.data(query)["pairingCoverage"]
    yesterday = api.data(query, {"asOf": ago(1).isoformat()})["pairingCoverage"]
    assert today["households"] == yesterday["households"] + 1
    new = f"{village}0100"
    assert new in [e["node"]["code"] for e in today["uncovered"]["edges"]]
    assert new not in [e["node"]["code"] for e in yesterday["uncovered"]["edges"]]


def test_statuses_argument(hand_built):
    data = hand_built.data(COVERAGE, {"code": "469001", "days": 30, "statuses": ["EXITED"]})[
        "pairingCoverage"
    ]
    assert data["households"] == by_hand("469001", today_cst(), 30, ("EXITED",))["households"] == 1


def test_sansha_has_no_households_and_a_null_ratio(hand_built):
    data = hand_built.data(COVERAGE, {"code": "460300", "days": 30})["pairingCoverage"]
    assert data["households"] == 0
    assert data["coverageRatio"] is None


def test_unknown_region_is_null_and_bad_window_is_refused(hand_built):
    assert hand_built.data(COVERAGE, {"code": "469999", "days": 30})["pairingCoverage"] is None
    error = hand_built.error(COVERAGE, {"code": "469001", "days": 0})
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "visitWithinDays"}


def test_drill_down_pages_by_keyset(hand_built):
    query = """query($after: String) { pairingCoverage(regionCode: "460000") {
      overdue(first: 2, after: $after) {
        edges { node { code } cursor } pageInfo { hasNextPage endCursor } } } }"""
    seen, after = [], None
    while True:
        page = hand_built.data(query, {"after": after})["pairingCoverage"]["overdue"]
        seen += [e["node"]["code"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == by_hand("46", today_cst(), 30, ("REGISTERED", "RETURNED"))["overdue"]


def test_region_officer_sees_only_their_subtree(hand_built):
    data = hand_built.data(
        COVERAGE, {"code": "460000", "days": 30}, role=Role.REGION_OFFICER, scope="460200"
    )["pairingCoverage"]
    assert (
        data["households"]
        == by_hand("4602", today_cst(), 30, ("REGISTERED", "RETURNED"))["households"]
    )


def test_field_official_counts_only_their_households(hand_built):
    data = hand_built.data(
        COVERAGE, {"code": "460000", "days": 30}, role=Role.FIELD_OFFICIAL, scope="O3"
    )["pairingCoverage"]
    # O3 is paired with two households on file and in poverty.
    assert data["households"] == 2
    assert sorted(e["node"]["code"] for e in data["overdue"]["edges"]) == ["4690011002020003"]


OVERDUE_BOTH = """query($code: String!, $asOf: Date) {
  pairingCoverage(regionCode: $code, asOf: $asOf) {
    overdueHouseholds overdue(first: 100) { edges { node { code } } } }
  households(where: {regionCode: $code, visitOverdue: true, asOf: $asOf}, first: 100) {
    totalCount edges { node { code status } } } }"""


@pytest.mark.parametrize("as_of", [None, ago(40)])
def test_lists_and_coverage_agree_on_overdue(hand_built, as_of):
    """One definition of "in poverty" (the default statuses) and of "overdue": the list
    filtered by visitOverdue alone holds what coverage counts as overdue, no EXITED."""
    data = hand_built.data(
        OVERDUE_BOTH, {"code": "469001", "asOf": as_of.isoformat() if as_of else None}
    )
    coverage, listed = data["pairingCoverage"], data["households"]
    assert listed["totalCount"] == coverage["overdueHouseholds"]
    assert [e["node"]["code"] for e in listed["edges"]] == [
        e["node"]["code"] for e in coverage["overdue"]["edges"]
    ]
    assert "EXITED" not in {e["node"]["status"] for e in listed["edges"]}
    # An explicit status still lists that status.
    exited = hand_built.data(
        '{ households(where: {regionCode: "469001", visitOverdue: false, status: EXITED}) '
        "{ totalCount } }"
    )
    assert exited["households"]["totalCount"] == 1


def test_the_demo_county_agrees_too(api, demo):
    data = api.data(OVERDUE_BOTH, {"code": "469001"})
    assert data["households"]["totalCount"] == data["pairingCoverage"]["overdueHouseholds"]


NESTED = """{ pairingCoverage(regionCode: "460000") { ...f children { ...f children { ...f
  children { ...f children { ...f } } } } } }
fragment f on PairingCoverage { region { code } households coveredHouseholds overdueHouseholds
  overloadedOfficials }"""
FLAT = """query($code: String!) { pairingCoverage(regionCode: $code) { region { code }
  households coveredHouseholds overdueHouseholds overloadedOfficials
  children { region { code } } } }"""


def test_every_level_of_children_is_filled(hand_built):
    """children at any depth carry the figures the region answers on its own, and the
    children it has: never an empty list that looks like data. One statement a level."""
    token = hand_built.token(Role.ADMIN)
    response = hand_built.client.post(
        "/graphql",
        json={"query": NESTED},
        headers={"authorization": f"Bearer {token}", "x-fupin-statements": "1"},
    )
    body = response.json()
    assert "errors" not in body, body
    # One statement answers the root and every level of its children.
    assert body["extensions"]["statements"] == 1

    def walk(node, depth):
        code = node["region"]["code"]
        alone = hand_built.data(FLAT, {"code": code})["pairingCoverage"]
        figures = {k: v for k, v in node.items() if k != "children"}
        assert figures == {k: v for k, v in alone.items() if k != "children"}, code
        if depth < 4:
            assert [c["region"]["code"] for c in node["children"]] == [
                c["region"]["code"] for c in alone["children"]
            ], code
            for child in node["children"]:
                walk(child, depth + 1)

    root = body["data"]["pairingCoverage"]
    walk(root, 0)
    wuzhishan = next(c for c in root["children"] if c["region"]["code"] == "469001")
    towns = wuzhishan["children"]
    assert [t["region"]["code"] for t in towns] == ["469001100", "469001101"]
    assert [v["region"]["code"] for v in towns[0]["children"]] == [
        "469001100201",
        "469001100202",
    ]
    assert (
        towns[0]["children"][0]["households"]
        == by_hand(
            "469001100201",
            today_cst(),
            30,
            (
                "REGISTERED",
                "RETURNED",
            ),
        )["households"]
    )


# --- village summaries follow the writes ---------------------------------------------

SUMMARY_FIGURES = """
query { pairingCoverage(regionCode: "460000") {
  households coveredHouseholds overdueHouseholds
  children { region { code } households coveredHouseholds overdueHouseholds }
} }
"""


def counted_by_hand(graph, region: str) -> tuple[int, int, int]:
    """Today's coverage of the region's households, counted from them directly."""
    records, _, _ = graph.execute_query(
        "MATCH (r:Region {code: $region}) MATCH (h:Household) "
        "WHERE any(p IN r.prefixes WHERE h.code STARTS WITH p) AND h.deregisteredOn IS NULL "
        "AND h.status IN ['REGISTERED', 'RETURNED'] "
        "RETURN count(h) AS n, count(h.responsibleOfficial) AS covered, "
        "count(CASE WHEN h.lastVisitDate IS NULL OR h.lastVisitDate < $start THEN 1 END) AS over",
        region=region,
        start=today_cst() - dt.timedelta(days=30),
    )
    return records[0]["n"], records[0]["covered"], records[0]["over"]


def assert_summaries_agree(api, graph) -> None:
    summaries, _, _ = graph.execute_query(
        "MATCH (v:Region {level: 'VILLAGE'}) WHERE v.coverageKeys IS NULL RETURN count(v) AS n"
    )
    assert summaries[0]["n"] == 0  # every village has a summary: the figures come from them
    data = api.data(SUMMARY_FIGURES)["pairingCoverage"]
    for unit in [data, *data["children"]]:
        code = unit.get("region", {"code": "460000"})["code"]
        expected = counted_by_hand(graph, code)
        got = (unit["households"], unit["coveredHouseholds"], unit["overdueHouseholds"])
        assert got == expected, code


def assert_contacts_current(graph) -> None:
    """Every household's and official's pairing and visit summaries are what their
    relationships say now (graph/derived.py), recomputed here by other Cypher."""
    records, _, _ = graph.execute_query(
        "MATCH (h:Household) "
        "WITH h, [(o:Official)-[r:PAIRED_WITH]->(h) | [toString(r.since), o.code, r.role, "
        "coalesce(toString(r.until), '9999-12-31')]] AS pairings, "
        "[(v:Visit)-[:VISIT_TO]->(h) WHERE v.date IS NOT NULL | v.date] AS visits "
        "RETURN h.code AS code, pairings, visits, "
        "[i IN range(0, size(h.pairingOfficials) - 1) | [toString(h.pairingSince[i]), "
        "h.pairingOfficials[i], h.pairingRoles[i], toString(h.pairingUntil[i])]] AS stored, "
        "h.visitDates AS dates"
    )
    assert records
    for r in records:
        assert sorted(r["stored"]) == r["stored"] == sorted(r["pairings"]), r["code"]
        assert r["dates"] == sorted(r["visits"]), r["code"]
    officials, _, _ = graph.execute_query(
        "MATCH (o:Official) RETURN o.code AS code, "
        "[(o)-[r:PAIRED_WITH]->(:Household) | [toString(r.since), "
        "coalesce(toString(r.until), '9999-12-31')]] AS pairings, "
        "[i IN range(0, size(o.pairingSince) - 1) | [toString(o.pairingSince[i]), "
        "toString(o.pairingUntil[i])]] AS stored"
    )
    for r in officials:
        assert sorted(r["stored"]) == sorted(r["pairings"]), r["code"]


def test_village_summaries_follow_every_write(api, demo, graph):
    from seeds.demo import LIN, LUOBI, SHUINAN, WU, id_number

    assert_summaries_agree(api, graph)
    assert_contacts_current(graph)
    mutations = [
        (
            "mutation($i: RegisterHouseholdInput!) "
            "{ registerHousehold(input: $i) { clientMutationId } }",
            {"i": {"clientMutationId": "summary-register", "code": SHUINAN + "0200",
                   "villageCode": SHUINAN, "mainCause": "ILLNESS",
                   "members": [{"idNumber": id_number("460203", dt.date(1970, 1, 1), 301),
                                "name": "New Head", "relation": "HEAD"}]}},
        ),
        (
            "mutation($i: PairOfficialInput!) { pairOfficial(input: $i) { clientMutationId } }",
            {"i": {"clientMutationId": "summary-pair", "householdCode": SHUINAN + "0200",
                   "officialCode": WU, "role": "RESPONSIBLE", "overrideMaxLoad": True}},
        ),
        (
            "mutation($i: RecordVisitInput!) { recordVisit(input: $i) { clientMutationId } }",
            {"i": {"clientMutationId": "summary-visit", "householdCode": LUOBI + "0001",
                   "officialCode": LIN, "date": today_cst().isoformat(), "purpose": "check"}},
        ),
    ]  # fmt: skip
    for query, variables in mutations:
        api.data(query, variables)
        assert_summaries_agree(api, graph)
        assert_contacts_current(graph)
    version = api.data('{ household(code: "%s") { version } }' % (LUOBI + "0002"))
    api.data(
        "mutation($i: UpdateHouseholdInput!) { updateHousehold(input: $i) { clientMutationId } }",
        {"i": {"code": LUOBI + "0002", "expectedVersion": version["household"]["version"],
               "newCode": SHUINAN + "0300", "villageCode": SHUINAN}},
    )  # fmt: skip
    assert_summaries_agree(api, graph)
    version = api.data('{ household(code: "%s") { version } }' % (SHUINAN + "0300"))
    api.data(
        "mutation($i: DeregisterHouseholdInput!) { deregisterHousehold(input: $i) "
        "{ clientMutationId } }",
        {"i": {"code": SHUINAN + "0300", "expectedVersion": version["household"]["version"],
               "reason": "DUPLICATE"}},
    )  # fmt: skip
    assert_summaries_agree(api, graph)


def test_the_migration_writes_the_pairing_and_visit_summaries(api, graph, test_settings):
    """Step 20 writes every household's pairing and visit summaries and every
    official's pairing summary from the relationships written before it."""
    from conftest import migrated

    rows = migrated(
        graph,
        test_settings,
        19,
        "CREATE (h:Household {code: '4690011002019001'}), "
        "(g:Household {code: '4690011002019002'}), "
        "(o:Official {code: 'O-MIG-1'}), (p:Official {code: 'O-MIG-2'}), "
        "(o)-[:PAIRED_WITH {id: 'mig-1', role: 'RESPONSIBLE', since: date('2019-03-01'), "
        "until: date('2020-01-01')}]->(h), "
        "(p)-[:PAIRED_WITH {id: 'mig-2', role: 'ASSISTING', since: date('2020-01-01')}]->(h), "
        "(:Visit {id: 'mig-v2', date: date('2020-05-05')})-[:VISIT_TO]->(h), "
        "(:Visit {id: 'mig-v1', date: date('2019-05-05')})-[:VISIT_TO]->(h)",
        "MATCH (n) WHERE n.code STARTS WITH '4690011002019' OR n.code STARTS WITH 'O-MIG' "
        "RETURN n.code, n.pairingOfficials, n.pairingRoles, n.pairingSince, n.pairingUntil, "
        "n.visitDates ORDER BY n.code",
    )
    D = dt.date
    native = [[None if v is None else [x.to_native() if hasattr(x, "to_native") else x
                                        for x in v] if isinstance(v, list) else v
               for v in row] for row in rows]  # fmt: skip
    assert native == [
        ["4690011002019001", ["O-MIG-1", "O-MIG-2"], ["RESPONSIBLE", "ASSISTING"],
         [D(2019, 3, 1), D(2020, 1, 1)], [D(2020, 1, 1), D(9999, 12, 31)],
         [D(2019, 5, 5), D(2020, 5, 5)]],
        ["4690011002019002", [], [], [], [], []],
        ["O-MIG-1", None, None, [D(2019, 3, 1)], [D(2020, 1, 1)], None],
        ["O-MIG-2", None, None, [D(2020, 1, 1)], [D(9999, 12, 31)], None],
    ]  # fmt: skip
