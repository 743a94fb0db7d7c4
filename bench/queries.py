"""The queries and pages bench/http.py measures, by name (`--only NAME`): the GraphQL
text, its variables, and for a plain GET its path. To benchmark another query or page,
add one line to QUERIES.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Bench:
    name: str
    query: str
    variables: Mapping[str, Any] = field(default_factory=dict)
    # Rows to skip with real cursors before measuring (a page this deep in the list).
    depth: int = 0
    # A plain GET of this path (on --url's origin) instead of a GraphQL query.
    path: str = ""


REGION_COUNTS = """
query RegionCounts($code: String!) {
  region(code: $code) { code name level householdCount personCount }
}
"""

HOUSEHOLD = """
query Household($code: String!) {
  household(code: $code) {
    code status attribute mainCause registrationYear lastVisitDate
    village { code name path { code name } }
    members { relation since person { idNumber name sex health } }
    officials { role since official { code name phone } }
    latestVisits(first: 3) { date purpose }
  }
}
"""

HOUSEHOLDS = """
query Households($where: HouseholdWhere, $after: String) {
  households(where: $where, first: 50, after: $after) {
    pageInfo { hasNextPage endCursor }
    edges { cursor node {
      code status mainCause lastVisitDate
      members { relation person { idNumber name sex } }
      officials { role official { code name } }
    } }
  }
}
"""

COVERAGE = """
query Coverage($code: String!) {
  pairingCoverage(regionCode: $code) {
    region { code name }
    households coveredHouseholds coverageRatio overdueHouseholds overloadedOfficials
    children {
      region { code name }
      households coveredHouseholds coverageRatio overdueHouseholds overloadedOfficials
    }
  }
}
"""

SUPPORT = """
    measures(first: 10) { totalCount edges { node {
      category date amount quantity unit termMonths agency deliveredBy { code name }
      recipient { name } } } }
    incomes { year householdSize perCapitaNet aboveThreshold povertyLine { threshold } }
"""
HOUSEHOLD_SUPPORT = f"""
query HouseholdSupport($code: String!) {{
  household(code: $code) {{
    code status attribute mainCause registrationYear lastVisitDate
    members {{ relation since person {{ idNumber name sex health }} }}
    officials {{ role since official {{ code name phone }} }}
    {SUPPORT}
  }}
}}
"""
HOUSEHOLDS_SUPPORT = f"""
query HouseholdsSupport($where: HouseholdWhere, $after: String) {{
  households(where: $where, first: 50, after: $after) {{
    pageInfo {{ hasNextPage endCursor }}
    edges {{ cursor node {{
      code status mainCause lastVisitDate latestIncomeYear latestPerCapitaNet
      members {{ relation person {{ idNumber name sex }} }}
      officials {{ role official {{ code name }} }}
      {SUPPORT}
    }} }}
  }}
}}
"""

HOUSEHOLD_EXITS = """
query HouseholdExits($code: String!) {
  household(code: $code) {
    code status statusSince exitYear statusOn
    statusHistory { from to on reason cause }
    assessments { id year date passed threshold perCapitaNet householdSize housingGrade
      verifiedBy { code } checks { check passed reason members { ref } } }
  }
}
"""

AT_RISK = """
query AtRisk($code: String!) {
  atRiskHouseholds(regionCode: $code, first: 50) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { household { code status } triggers latestIncomeYear latestPerCapitaNet
      previousPerCapitaNet threshold flaggedOn supportedWithinMonth
      monitoring { group startedOn } firstMeasureAfterFlag { id date } } }
  }
}
"""

FEEDBACK = """
query Feedback($where: FeedbackWhere) {
  feedback(where: $where, first: 50) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { id householdCode source category score status submittedOn text } }
  }
}
"""

GRAPH = """
  truncated
  nodes { ref type label properties { name value } }
  edges { type from to properties { name value } }
"""
NEIGHBORHOOD = f"""
query Neighborhood($ref: String!, $depth: Int!, $limit: Int!, $expand: Boolean!) {{
  neighborhood(ref: $ref, depth: $depth, limit: $limit, expandRegions: $expand) {{ {GRAPH} }}
}}
"""
PATHS = f"""
query Paths($from: String!, $to: String!) {{
  paths(from: $from, to: $to, maxHops: 4) {{ {GRAPH} }}
}}
"""

PUBLIC_TRACE = """
query PublicTrace($code: String!) {
  publicTrace(code: $code) {
    kind traceCode product { name category unit } producedOn quantity unit
    place { village { code name } town { code name } county { code name } }
    cooperative { name traceCode } contributingHouseholds products { name unit }
  }
}
"""
# The demo's bottled honey (seeds/trade.py BOTTLED_LOT): 200 bottles packed from a
# blend of three households' lots.
BOTTLED_LOT = "FPLBA15HA0200D"

TRACE = """
query Trace($code: String!) {
  trace(code: $code) {
    kind truncated
    upstream { depth parentTraceCode quantity lot { traceCode producedOn } event { bizStep } }
    producers { kind quantity unit household { code } cooperative { code name }
      village { code name } }
    outOfScopeHouseholds
    enablingMeasures { household { code } measure { id category date } }
    downstream { orderCount quantitySold byChannel { channel orders quantity revenue }
      buyerCities { cityCode orders }
      orders(first: 20) { edges { node { id channel placedAt total } } }
      paidToHouseholds }
    events { bizStep eventTime }
    epcis
  }
}
"""

SALES_IMPACT = """
query SalesImpact($code: String!, $from: Date!, $to: Date!) {
  salesImpact(regionCode: $code, from: $from, to: $to) {
    revenue orders buyers householdsPaid paidToHouseholds medianPaidPerHousehold
    byChannel { channel orders revenue } byProduct { product { code } quantity revenue }
    children { region { code } revenue orders householdsPaid }
  }
}
"""

BUYER = """
query Buyer($id: String!, $seller: String!) {
  buyer(id: $id, sellerCode: $seller) {
    id cityCode
    orders(first: 20) { totalCount edges { node { id placedAt total
      lines { quantity amount lot { traceCode } } } } }
  }
}
"""
# The full-scale graph's (seed 1) packed honey of Qiongzhong's first cooperative: 20-25
# household lots upstream (seeds/market.py bench_lot), and its first store's regular
# buyer (25 orders or more: regular_buyer).
PACKED_LOT = "FPL469030PK015"
YEAR = {"from": "2025-12-01", "to": "2026-11-30"}

FINDINGS = """
query Findings($where: FindingWhere) {
  auditFindings(where: $where, first: 50) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node {
      id rule severity status summary present lastSeenAt
      households { code } people { ref } officials { code }
    } }
  }
}
"""

AUDIT_SUMMARY = """
query AuditSummary($code: String!) {
  auditSummary(regionCode: $code) { total counts { rule status count } }
}
"""

# Which measures lifted which families (issue 14).
REGION_STATS = """
query RegionStats($code: String!, $year: Int!) {
  regionStats(regionCode: $code, year: $year) {
    region { code name } asOf households byStatus { status households people }
    poorPeople ruralPopulation incidence exits returns householdsWithIncome
    averagePerCapitaNet measures { category measures households amount }
    children {
      region { code name } households byStatus { status households people } poorPeople
      ruralPopulation incidence exits returns householdsWithIncome averagePerCapitaNet
      measures { category measures households amount }
    }
  }
}
"""

MEASURE_IMPACT = """
query MeasureImpact($code: String!, $from: Int!, $to: Int!) {
  measureImpact(regionCode: $code, fromYear: $from, toYear: $to) {
    cohort { households exited exitRate withIncome meanIncomeChange medianIncomeChange }
    categories { category
      reached { households exited exitRate withIncome meanIncomeChange medianIncomeChange }
      comparison { households exited exitRate withIncome meanIncomeChange medianIncomeChange }
    }
  }
}
"""

LIFTED = """
query Lifted($code: String!) {
  liftedHouseholds(regionCode: $code, first: 20) {
    pageInfo { hasNextPage endCursor }
    edges { node {
      household { code status } exitYear exitDate returned incomeBeforeSupport incomeAtExit
      measuresBeforeExit { category date amount deliveredBy { code } }
      officials { code name }
    } }
  }
}
"""

COVERAGE_AS_OF = """
query CoverageAsOf($code: String!, $asOf: Date!) {
  pairingCoverage(regionCode: $code, asOf: $asOf) {
    region { code name }
    households coveredHouseholds coverageRatio overdueHouseholds overloadedOfficials
    children {
      region { code name }
      households coveredHouseholds coverageRatio overdueHouseholds overloadedOfficials
    }
  }
}
"""

# A household, a county and a filter that exist in the full-scale graph (seed 1).
HOUSEHOLD_CODE = "4690301002010001"
# Households of the same county in other towns: four steps from HOUSEHOLD_CODE (through
# two officials who share a household), and none within four.
FOUR_STEPS_AWAY = "4690301092140058"
UNCONNECTED = "4690301092010001"
REGISTERED = {"status": "REGISTERED"}
COUNTY_REGISTERED = {"regionCode": "469030", "status": "REGISTERED"}

# One line a query: (name, GraphQL text, variables[, depth]).
QUERIES: tuple[Bench, ...] = (
    Bench("region(province) counts", REGION_COUNTS, {"code": "460000"}),
    Bench("region(county 469030) counts", REGION_COUNTS, {"code": "469030"}),
    Bench("household(code) nested", HOUSEHOLD, {"code": HOUSEHOLD_CODE}),
    Bench("households(first 50) county filter, page 1", HOUSEHOLDS, {"where": COUNTY_REGISTERED}),
    Bench("households(first 50) province REGISTERED, page 1", HOUSEHOLDS, {"where": REGISTERED}),
    Bench(
        "households(first 50) province REGISTERED, 10,000 deep",
        HOUSEHOLDS,
        {"where": REGISTERED},
        depth=10_000,
    ),
    Bench(
        "household(code) with members, officials, measures and incomes",
        HOUSEHOLD_SUPPORT,
        {"code": HOUSEHOLD_CODE},
    ),
    Bench(
        "households(first 50) county filter, with measures and incomes, page 1",
        HOUSEHOLDS_SUPPORT,
        {"where": COUNTY_REGISTERED},
    ),
    Bench(
        "household(code) with statusHistory and assessments",
        HOUSEHOLD_EXITS,
        {"code": HOUSEHOLD_CODE},
    ),
    # Monitoring and feedback (issue 13): p95 targets 300 ms (province), 100 ms (county),
    # 50 ms (a county's feedback page).
    Bench("atRiskHouseholds(first 50) province, page 1", AT_RISK, {"code": "460000"}),
    Bench("atRiskHouseholds(first 50) county 469030, page 1", AT_RISK, {"code": "469030"}),
    Bench(
        "feedback(first 50) county 469030, page 1", FEEDBACK, {"where": {"regionCode": "469030"}}
    ),
    Bench("pairingCoverage(county 469030)", COVERAGE, {"code": "469030"}),
    Bench("pairingCoverage(province)", COVERAGE, {"code": "460000"}),
    # Issue 14 (p95 targets: BENCHMARKS.md).
    Bench(
        "pairingCoverage(province) asOf 2019-12-31",
        COVERAGE_AS_OF,
        {"code": "460000", "asOf": "2019-12-31"},
    ),
    Bench("regionStats(province) 2019", REGION_STATS, {"code": "460000", "year": 2019}),
    Bench("regionStats(county 469030) 2019", REGION_STATS, {"code": "469030", "year": 2019}),
    Bench(
        "measureImpact(province) 2016-2020",
        MEASURE_IMPACT,
        {"code": "460000", "from": 2016, "to": 2020},
    ),
    Bench(
        "measureImpact(county 469030) 2016-2020",
        MEASURE_IMPACT,
        {"code": "469030", "from": 2016, "to": 2020},
    ),
    Bench("liftedHouseholds(county 469030) first 20 with measures", LIFTED, {"code": "469030"}),
    Bench(
        "neighborhood(household) depth 2, limit 100",
        NEIGHBORHOOD,
        {"ref": f"Household:{HOUSEHOLD_CODE}", "depth": 2, "limit": 100, "expand": False},
    ),
    Bench(
        "neighborhood(province) expandRegions, depth 3, limit 200",
        NEIGHBORHOOD,
        {"ref": "Region:460000", "depth": 3, "limit": 200, "expand": True},
    ),
    Bench(
        "paths(two households of county 469030, 4 steps apart) maxHops 4",
        PATHS,
        {"from": f"Household:{HOUSEHOLD_CODE}", "to": f"Household:{FOUR_STEPS_AWAY}"},
    ),
    Bench(
        "paths(two households of county 469030, none within 4) maxHops 4",
        PATHS,
        {"from": f"Household:{HOUSEHOLD_CODE}", "to": f"Household:{UNCONNECTED}"},
    ),
    Bench("publicTrace(the demo's bottled honey)", PUBLIC_TRACE, {"code": BOTTLED_LOT}),
    # The trade at province scale (issue 17), on a graph seeded with --seed 1.
    Bench("trace(a packed lot, 20+ household lots upstream)", TRACE, {"code": PACKED_LOT}),
    Bench("publicTrace(the same packed lot)", PUBLIC_TRACE, {"code": PACKED_LOT}),
    Bench("salesImpact(province), a year", SALES_IMPACT, {"code": "460000", **YEAR}),
    Bench("salesImpact(county 469030), a year", SALES_IMPACT, {"code": "469030", **YEAR}),
    Bench(
        "buyer(a regular with 20+ orders) and 20 orders",
        BUYER,
        {"id": "gen-buyer-469030-regular", "seller": "GEN-STORE-469030-001"},
    ),
    # After a run of the audit (python -m bench.audit).
    Bench("auditFindings(first 50), all, page 1", FINDINGS, {"where": None}),
    Bench(
        "auditFindings(first 50), county 469030 OPEN",
        FINDINGS,
        {"where": {"regionCode": "469030", "status": "OPEN"}},
    ),
    Bench(
        "auditFindings(first 50), HIGH over the province",
        FINDINGS,
        {"where": {"regionCode": "460000", "severity": "HIGH"}},
    ),
    Bench("auditSummary(province)", AUDIT_SUMMARY, {"code": "460000"}),
    Bench("GET /t/{code} (the bottled honey's page)", "", path=f"/t/{BOTTLED_LOT}?lang=zh"),
    Bench("GET /qr/{code}.svg (its QR code)", "", path=f"/qr/{BOTTLED_LOT}.svg"),
)
