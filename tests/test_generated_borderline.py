"""The generator's BORDERLINE households (seeds/borderline.py, issue 13 item 8): round(2%
of N), numbered after each village's others, each with members, two incomes just above
the line, an open BORDERLINE record and the summaries the refresh Cypher computes; the
ones with a trigger listed by atRiskHouseholds; drawn on streams of their own, so the
rest of the generated graph is the generator's without them."""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from conftest import Api, run_on_db, wait_for_audit_runs
from neo4j import Driver

from graph.db import Tx
from graph.derived import refresh_households, refresh_officials, refresh_support
from graph.income import per_capita_cypher, refresh_incomes
from graph.monitoring import RiskType
from graph.status import refresh_status
from graph.testdb import wipe
from graph.validation import today_cst
from seeds import county
from seeds import layout as layout_module
from seeds.county import draw_county
from seeds.generator import Summary, generate
from seeds.layout import BORDERLINE_SHARE, layout
from seeds.rows import Reserved
from seeds.support import threshold

N = 1000
SEED = 4
AS_OF = today_cst()  # atRiskHouseholds as of today reads the stored status (migration 19)
NOT_BORDERLINE = "h.status <> 'BORDERLINE'"


# --- pure parts -------------------------------------------------------------------------


def test_the_layout_spreads_two_percent_over_the_villages(monkeypatch: pytest.MonkeyPatch) -> None:
    for n in (1, 49, 300, N, 20_000):
        units = layout(n, 1)
        villages = [v for u in units for v in u.villages]
        assert sum(v.borderline for v in villages) == round(BORDERLINE_SHARE * n)
        for v in villages:
            exact = round(BORDERLINE_SHARE * n) * v.households / n
            assert int(exact) <= v.borderline <= int(exact) + 1, (n, v)
        monkeypatch.setattr(layout_module, "BORDERLINE_SHARE", 0.0)
        # The layout's draws are those without BORDERLINE households.
        assert [dataclasses.replace(u, villages=tuple(dataclasses.replace(v, borderline=0)
                                                      for v in u.villages)) for u in units] \
            == layout(n, 1)  # fmt: skip
        monkeypatch.undo()


def test_the_borderline_streams_change_no_other_draw(monkeypatch: pytest.MonkeyPatch) -> None:
    unit = next(u for u in layout(3000, 3) if u.borderline >= 3)
    drawn = draw_county(unit, 3, AS_OF, Reserved())
    assert drawn == draw_county(unit, 3, AS_OF, Reserved())  # the same seed, the same lines
    monkeypatch.setattr(county, "draw_borderline", lambda *args: {})
    without = draw_county(unit, 3, AS_OF, Reserved())
    assert drawn.lines == without.lines and drawn.trade == without.trade
    figures = ("people", "uncovered", "overdue", "overloaded")
    assert [getattr(drawn, f) for f in figures] == [getattr(without, f) for f in figures]
    assert len(drawn.borderline["households"]) == unit.borderline
    assert not without.borderline


# --- against Neo4j ------------------------------------------------------------------------


def rows(driver: Driver, cypher: str, **params: Any) -> list[dict[str, Any]]:
    records, _, _ = driver.execute_query(cypher, params)
    return [dict(r) for r in records]


def rest(driver: Driver) -> dict[str, Any]:
    """The generated graph but the BORDERLINE households and what hangs off them, and but
    what their pairings change (the officials' load and pairing summaries, the villages'
    coverage keys and rural populations)."""
    of = "MATCH (n)-[]-(h:Household) WHERE h.status <> 'BORDERLINE'"
    found = {
        "households": rows(driver, f"MATCH (h:Household:Generated) WHERE {NOT_BORDERLINE} "
                                   "RETURN h.code AS code, properties(h) AS p ORDER BY code"),
        "officials": rows(driver, "MATCH (o:Official:Generated) RETURN o.code AS code, "
                                  "o {.*, load: null, pairingSince: null, pairingUntil: null} "
                                  "AS p ORDER BY code"),
        "members": rows(driver, "MATCH (p:Person)-[m:MEMBER_OF]->(h:Household) "
                                f"WHERE {NOT_BORDERLINE} RETURN p.idNumber AS id, h.code AS h, "
                                "properties(p) AS p, properties(m) AS m ORDER BY id, h"),
        "pairings": rows(driver, "MATCH (o)-[r:PAIRED_WITH]->(h:Household) "
                                 f"WHERE {NOT_BORDERLINE} RETURN o.code AS o, h.code AS h, "
                                 "properties(r) AS r ORDER BY r.id"),
    }  # fmt: skip
    for label in ("Visit", "Measure", "IncomeRecord", "StatusChange", "Assessment",
                  "MonitoringRecord", "Feedback"):  # fmt: skip
        found[label] = rows(
            driver,
            f"{of} AND n:{label} WITH DISTINCT n RETURN properties(n) AS p ORDER BY n.id",
        )
    # The trade's nodes (but the times they were written at: Cypher's datetime()).
    for label in ("Cooperative", "Lot", "Seller", "Buyer", "Order", "Payment", "TraceEvent"):
        found[label] = sorted(
            str(sorted(r["p"].items()))
            for r in rows(driver, f"MATCH (n:{label}:Generated) RETURN n {{.*, createdAt: "
                                  "null, updatedAt: null, recordTime: null} AS p")
        )  # fmt: skip
    return found


COVERAGE = """{ pairingCoverage(regionCode: "460000") { households coveredHouseholds
  overdueHouseholds overloadedOfficials } }"""


@dataclasses.dataclass
class Graphs:
    api: Api
    without: Summary
    without_rest: dict[str, Any]
    without_coverage: dict[str, Any]
    summary: Summary
    coverage: dict[str, Any]


@pytest.fixture(scope="module")
def graphs(driver: Driver, app_client: Any, test_settings: Any) -> Iterator[Graphs]:
    """The generator without BORDERLINE households (its share 0 in the layout, drawn in
    this process), then with them: the latter stays for the tests."""
    api = Api(app_client, test_settings)
    wait_for_audit_runs(driver)
    wipe(driver)

    def run() -> Summary:
        result: Summary = run_on_db(
            test_settings, lambda db: generate(db, households=N, seed=SEED, as_of=AS_OF)
        )
        return result

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(layout_module, "BORDERLINE_SHARE", 0.0)
        without = run()
    without_rest, without_coverage = rest(driver), api.data(COVERAGE)
    summary = run()
    yield Graphs(api, without, without_rest, without_coverage, summary, api.data(COVERAGE))


def test_the_rest_is_the_generator_without_them(graphs: Graphs, driver: Driver) -> None:
    assert graphs.without.borderline == 0 < graphs.summary.borderline
    timing = ("seconds", "drop_seconds", "trade_seconds", "dropped", "borderline")
    figures = {k: v for k, v in dataclasses.asdict(graphs.summary).items() if k not in timing}
    assert figures == {
        k: v for k, v in dataclasses.asdict(graphs.without).items() if k not in timing
    }  # the planted audit cases among them
    assert rest(driver) == graphs.without_rest
    # Coverage leaves BORDERLINE out, and no official is overloaded by them.
    assert graphs.coverage == graphs.without_coverage
    loads = rows(
        driver,
        "MATCH (o:Official:Generated) RETURN o.code AS code, o.load AS load, o.maxLoad AS max, "
        "COUNT { (o)-[r:PAIRED_WITH]->(:Household) WHERE r.until IS NULL } AS active, "
        "COUNT { (o)-[r:PAIRED_WITH]->(:Household {status: 'BORDERLINE'}) } AS borderline",
    )
    before = {o["code"]: o["p"] for o in graphs.without_rest["officials"]}
    assert sorted(o["code"] for o in loads) == sorted(before)
    assert all(o["load"] == o["active"] for o in loads)
    assert all(o["load"] <= o["max"] for o in loads if o["borderline"])
    assert sum(o["borderline"] for o in loads) > 0


def test_two_percent_numbered_after_each_village(graphs: Graphs, driver: Driver) -> None:
    villages = {v.code: v for u in layout(N, SEED) for v in u.villages}
    found = rows(
        driver,
        "MATCH (h:Household:Generated) RETURN h.villageCode AS village, "
        "collect(CASE WHEN h.status = 'BORDERLINE' THEN toInteger(right(h.code, 4)) END) AS b, "
        "collect(CASE WHEN h.status <> 'BORDERLINE' THEN toInteger(right(h.code, 4)) END) AS o",
    )
    assert sum(len(v["b"]) for v in found) == graphs.summary.borderline == round(0.02 * N)
    for v in found:
        village = villages[v["village"]]
        assert (len(v["o"]), len(v["b"])) == (village.households, village.borderline)
        assert sorted(v["o"] + v["b"]) == list(range(1, len(v["o"]) + len(v["b"]) + 1))
        assert all(b > max(v["o"], default=0) for b in v["b"]), v


def test_each_is_watched_with_members_and_incomes_above_the_line(
    graphs: Graphs, driver: Driver
) -> None:
    found = rows(
        driver,
        f"""MATCH (h:Household:Generated {{status: 'BORDERLINE'}})
        RETURN h.code AS code, h.monitored AS monitored, h.registrationDate AS registered,
          h.statusSince AS since, h.mainCause AS cause,
          COLLECT {{ MATCH (r:MonitoringRecord)-[:MONITORS]->(h)
                     RETURN r {{.group, .riskTypes, .startedOn, .removedOn}} }} AS records,
          COLLECT {{ MATCH (s:StatusChange)-[:STATUS_OF]->(h)
                     RETURN [s.`from`, s.`to`, s.on, s.reason] }} AS history,
          COLLECT {{ MATCH (p:Person)-[m:MEMBER_OF]->(h) WHERE m.until IS NULL
                     RETURN m.relation }} AS relations,
          COLLECT {{ MATCH (i:IncomeRecord)-[:INCOME_OF]->(h)
                     RETURN [i.year, {per_capita_cypher("i")}, i.householdSize]
                     ORDER BY i.year }} AS incomes,
          COLLECT {{ MATCH (m:Measure)-[:MEASURE_FOR]->(h) RETURN m.date }} AS measures""",
    )
    assert len(found) == graphs.summary.borderline
    risks = {t.value for t in RiskType}
    for h in found:
        assert h["monitored"] is True, h
        (record,) = h["records"]
        assert record["group"] == "BORDERLINE" and record["removedOn"] is None
        assert 1 <= len(record["riskTypes"]) <= 2 and set(record["riskTypes"]) <= risks
        assert record["startedOn"] == h["registered"] == h["since"]
        assert h["history"] == [[None, "BORDERLINE", h["registered"], "REGISTERED"]]
        assert h["relations"].count("HEAD") == 1
        years = [AS_OF.year - 2, AS_OF.year - 1]
        assert [i[0] for i in h["incomes"]] == years
        assert all(i[2] == len(h["relations"]) for i in h["incomes"])
        assert all(i[1] > threshold(i[0]) for i in h["incomes"]), h
        assert len(h["measures"]) <= 1
    # About 60% supported within 30 days of the flag, as the county's monitored ones.
    supported = sum(
        1 for h in found
        if any(0 <= (m.to_native() - h["registered"].to_native()).days <= 30
               for m in h["measures"])
    )  # fmt: skip
    assert 0.3 <= supported / len(found) <= 0.9
    causes = Counter(h["cause"] for h in found)
    assert causes["ILLNESS"] > 0 and len(causes) >= 3
    assert any(h["relations"] for h in found)


def test_atrisk_lists_those_with_a_trigger(graphs: Graphs, driver: Driver) -> None:
    expected = {}
    for h in rows(
        driver,
        f"""MATCH (h:Household:Generated {{status: 'BORDERLINE'}})
        RETURN h.code AS code, COLLECT {{ MATCH (i:IncomeRecord)-[:INCOME_OF]->(h)
          RETURN [i.year, {per_capita_cypher("i")}] ORDER BY i.year }} AS incomes,
          COLLECT {{ MATCH (r:MonitoringRecord)-[:MONITORS]->(h) RETURN r.startedOn }}[0]
            AS flagged,
          EXISTS {{ MATCH (m:Measure)-[:MEASURE_FOR]->(h) }} AS supported""",
    ):
        (_, previous), (year, net) = h["incomes"]
        hits = (("LOW_INCOME", net < 1.5 * threshold(year)), ("INCOME_DROP", net < 0.7 * previous))
        triggers = [name for name, hit in hits if hit]
        if triggers:
            expected[h["code"]] = (triggers, net, previous, str(h["flagged"]), h["supported"])
    assert expected
    listed: dict[str, Any] = {}
    after = None
    while True:
        page = graphs.api.data(
            """query($after: String) { atRiskHouseholds(regionCode: "460000", first: 100,
                 after: $after) { pageInfo { hasNextPage endCursor } edges { node {
                 household { code status } triggers latestPerCapitaNet previousPerCapitaNet
                 flaggedOn supportedWithinMonth monitoring { group } } } } }""",
            {"after": after},
        )["atRiskHouseholds"]
        for edge in page["edges"]:
            node = edge["node"]
            if node["household"]["status"] == "BORDERLINE":
                assert node["monitoring"] == {"group": "BORDERLINE"}
                listed[node["household"]["code"]] = (
                    node["triggers"], node["latestPerCapitaNet"], node["previousPerCapitaNet"],
                    node["flaggedOn"], node["supportedWithinMonth"],
                )  # fmt: skip
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert listed == expected


def test_the_summaries_are_what_the_refresh_computes(graphs: Graphs, driver: Driver) -> None:
    """Running every refresh of graph/derived.py, graph/income.py and graph/status.py
    over the BORDERLINE households (and every official) changes nothing."""

    def snapshot() -> list[Any]:
        return rows(
            driver,
            "MATCH (h:Household:Generated {status: 'BORDERLINE'}) RETURN properties(h) AS p "
            "ORDER BY h.code UNION ALL MATCH (o:Official:Generated) RETURN properties(o) AS p "
            "UNION ALL MATCH (v:Region:Generated {level: 'VILLAGE'}) RETURN properties(v) AS p",
        )

    before = snapshot()
    codes = [h["p"]["code"] for h in before if h["p"].get("status") == "BORDERLINE"]
    officials = [o["p"]["code"] for o in before if "maxLoad" in o["p"]]
    assert len(codes) == graphs.summary.borderline
    paired = [h["p"] for h in before if h["p"].get("status") == "BORDERLINE"]
    assert any(h.get("responsibleOfficial") for h in paired)
    assert all(h["monitored"] and h["memberCount"] >= 1 for h in paired)
    assert all(h["latestIncomeYear"] == AS_OF.year - 1 for h in paired)

    async def work(tx: Tx) -> None:
        await refresh_households(tx, codes)
        await refresh_incomes(tx, codes)
        await refresh_support(tx, codes)
        await refresh_status(tx, codes)
        await refresh_officials(tx, officials)

    run_on_db(graphs.api.settings, lambda db: db.write(work))
    assert snapshot() == before


def test_the_same_seed_gives_the_same_graph(graphs: Graphs, driver: Driver) -> None:
    def everything() -> list[Any]:
        return rows(
            driver,
            "MATCH (h:Household:Generated {status: 'BORDERLINE'})<-[]-(n) "
            "RETURN h.code AS h, labels(n) AS labels, properties(n) AS p ORDER BY h, "
            "coalesce(n.id, n.idNumber, n.code)",
        )

    before = everything()
    assert len(before) > 4 * graphs.summary.borderline
    again = run_on_db(
        graphs.api.settings, lambda db: generate(db, households=N, seed=SEED, as_of=AS_OF)
    )
    assert again.borderline == graphs.summary.borderline
    assert everything() == before
