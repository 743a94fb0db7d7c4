"""Household queries on the demo story: household, households (filters, orders,
keyset pages, totalCount), nesting in a fixed number of statements, scope, masking."""

from __future__ import annotations

import datetime as dt

import pytest

from api.auth import Role
from seeds.demo import (
    FANMAO,
    FU_HOUSEHOLD,
    HUANG,
    LIN,
    LUOBI,
    SHIYUNCUN,
    SHUINAN,
    WANG,
    story,
)
from seeds.monitoring import BORDERLINE_HOUSEHOLD
from seeds.trade import BAISHA_HOUSEHOLDS, TUNCHANG_HOUSEHOLD

HOUSEHOLD = """
query($code: String!) {
  household(code: $code) {
    code villageCode status attribute mainCause secondaryCauses registrationYear
    memberCount responsibleOfficialCode lastVisitDate version debt
    address headPhone bankAccount
    visitOverdue(withinDays: 30, asOf: "2026-11-01")
    members { relation active since person { idNumber name sex birthDate health labourAbility } }
    past: members(includePast: true) { relation active endReason person { name } }
    village { code name level path { code } parent { code } }
    officials { id role since active official { code name load maxLoad phone idNumber } }
    everyone: officials(includeEnded: true) { role active official { code } }
    latestVisits(first: 2) { date purpose notes latitude longitude official { code } }
  }
}
"""

PAGE = """
query($where: HouseholdWhere, $orderBy: HouseholdOrder, $first: Int, $after: String) {
  households(where: $where, orderBy: $orderBy, first: $first, after: $after) {
    edges { cursor node { code registrationYear lastVisitDate } }
    pageInfo { hasNextPage endCursor }
    totalCount
  }
}
"""

ON_FILE = [
    FU_HOUSEHOLD,
    SHUINAN + "0002",
    SHUINAN + "0003",
    SHUINAN + "0004",
    LUOBI + "0001",
    LUOBI + "0002",
    FANMAO + "0001",
    FANMAO + "0002",
    FANMAO + "0003",
    FANMAO + "0004",
    FANMAO + "0005",
    SHIYUNCUN + "0001",
    SHIYUNCUN + "0002",
    SHIYUNCUN + "0003",
    *BAISHA_HOUSEHOLDS,  # the honey story (seeds/trade.py)
    TUNCHANG_HOUSEHOLD,
    BORDERLINE_HOUSEHOLD,  # watched, not poor (seeds/monitoring.py)
]


def codes(data):
    return [edge["node"]["code"] for edge in data["households"]["edges"]]


def test_the_story_household(api, demo):
    household = api.data(HOUSEHOLD, {"code": FU_HOUSEHOLD})["household"]
    assert household["villageCode"] == SHUINAN
    assert household["status"] == "EXITED"  # on D-20 (seeds/exits.py)
    assert household["mainCause"] == "ILLNESS"
    assert household["secondaryCauses"] == ["LACK_OF_FUNDS"]
    assert household["debt"] > 10_000
    assert household["memberCount"] == 4
    assert household["responsibleOfficialCode"] == LIN
    assert household["lastVisitDate"] == "2026-10-27"
    assert household["visitOverdue"] is False
    assert household["version"] == 1
    head = household["members"][0]
    assert head["relation"] == "HEAD"
    assert head["person"]["name"] == "Fu Wenqiang"
    assert head["person"]["sex"] == "MALE"
    assert head["person"]["birthDate"] == "1979-03-14"
    assert head["person"]["labourAbility"] == "LOST"
    assert [m["relation"] for m in household["members"]] == ["HEAD", "SPOUSE", "SON", "DAUGHTER"]
    assert household["village"]["name"] == "Shuinan"
    assert [p["code"] for p in household["village"]["path"]] == [
        "460000",
        "460200",
        "460203",
        "460203100",
        SHUINAN,
    ]
    assert household["village"]["parent"] == {"code": "460203100"}
    # Active pairings: the responsible official first; the ended one only on request.
    assert [(p["role"], p["official"]["code"]) for p in household["officials"]] == [
        ("RESPONSIBLE", LIN),
        ("ASSISTING", "O-460203-002"),
    ]
    assert household["officials"][0]["official"]["load"] == 4
    assert len(household["everyone"]) == 3
    assert [p["active"] for p in household["everyone"]] == [True, True, False]
    visits = household["latestVisits"]
    assert [v["date"] for v in visits] == ["2026-10-27", "2026-09-27"]
    assert visits[0]["official"]["code"] == LIN
    assert visits[0]["latitude"] is not None


def test_unknown_household_is_null(api, demo):
    assert api.data(HOUSEHOLD, {"code": SHUINAN + "9999"})["household"] is None


def test_past_members_on_request(api, demo):
    household = api.data(HOUSEHOLD, {"code": LUOBI + "0001"})["household"]
    active = [m for m in story(demo)["memberships"]
              if m["householdCode"] == LUOBI + "0001" and m["until"] is None]  # fmt: skip
    assert household["memberCount"] == len(active) == 3  # one imported (seeds/README.md)
    assert len(household["members"]) == len(active)
    past = {m["person"]["name"]: m for m in household["past"]}
    assert past["Zhou Lanfang"]["endReason"] == "MARRIED_OUT"
    assert past["Wen Guihua"]["endReason"] == "DECEASED"
    assert past["Wen Guihua"]["active"] is False


def test_latest_visits_are_bounded(api, demo):
    error = api.error(
        "query($c: String!) { household(code: $c) { latestVisits(first: 21) { date } } }",
        {"c": FU_HOUSEHOLD},
    )
    assert error["extensions"]["code"] == "BAD_USER_INPUT"


def test_households_in_code_order_with_total(api, demo):
    data = api.data(PAGE, {"first": 100})
    assert codes(data) == sorted(ON_FILE)
    assert data["households"]["totalCount"] == len(ON_FILE)
    assert data["households"]["pageInfo"]["hasNextPage"] is False


def test_region_filter_takes_descendants(api, demo):
    for region, expected in [
        ("460200", [c for c in ON_FILE if c.startswith("460203")]),
        ("460203100", [c for c in ON_FILE if c.startswith("460203100")]),
        (LUOBI, [LUOBI + "0001", LUOBI + "0002"]),
        ("469001", [c for c in ON_FILE if c.startswith(FANMAO)]),
        ("460000", sorted(ON_FILE)),
        ("469999", []),
    ]:
        data = api.data(PAGE, {"where": {"regionCode": region}, "first": 50})
        assert codes(data) == sorted(expected), region
        assert data["households"]["totalCount"] == len(expected)


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        ({"status": "RETURNED"}, [SHUINAN + "0004"]),
        ({"status": "EXITED"}, [FU_HOUSEHOLD, FANMAO + "0005"]),
        ({"attribute": "EXTREME_POVERTY_SUPPORT"}, [LUOBI + "0002", SHIYUNCUN + "0001"]),
        (
            {"mainCause": "ILLNESS"},
            [FU_HOUSEHOLD, FANMAO + "0003", BAISHA_HOUSEHOLDS[2], BORDERLINE_HOUSEHOLD],
        ),
        (
            {"hasResponsibleOfficial": False},
            [SHUINAN + "0003", LUOBI + "0002", FANMAO + "0005", SHIYUNCUN + "0002"],
        ),
        (
            {"hasResponsibleOfficial": True, "regionCode": "469030"},
            [SHIYUNCUN + "0001", SHIYUNCUN + "0003", BORDERLINE_HOUSEHOLD],
        ),
        (
            {"visitOverdue": True, "asOf": "2026-11-01", "hasResponsibleOfficial": True},
            [
                SHUINAN + "0004",
                LUOBI + "0001",
                FANMAO + "0003",
                FANMAO + "0004",
                *BAISHA_HOUSEHOLDS,
                TUNCHANG_HOUSEHOLD,
            ],
        ),
        (
            # households in poverty only: the Fu household, visited on D-5, EXITED
            {"visitOverdue": False, "withinDays": 10, "asOf": "2026-11-01"},
            [SHUINAN + "0002", FANMAO + "0001", SHIYUNCUN + "0003"],
        ),
        (
            {"includeDeregistered": True, "regionCode": LUOBI},
            [LUOBI + f"000{i}" for i in (1, 2, 3)],
        ),
    ],
)
def test_filters(api, demo, where, expected):
    data = api.data(PAGE, {"where": where, "first": 100})
    assert codes(data) == sorted(expected)
    assert data["households"]["totalCount"] == len(expected)


def walk(api, order, first, where=None):
    seen, after, pages = [], None, 0
    while True:
        page = api.data(PAGE, {"orderBy": order, "first": first, "after": after, "where": where})
        seen += [edge["node"] for edge in page["households"]["edges"]]
        pages += 1
        info = page["households"]["pageInfo"]
        if not info["hasNextPage"]:
            return seen, pages
        after = info["endCursor"]


@pytest.mark.parametrize(
    "order",
    [
        "CODE_ASC",
        "CODE_DESC",
        "REGISTRATION_YEAR_ASC",
        "REGISTRATION_YEAR_DESC",
        "LAST_VISIT_ASC",
        "LAST_VISIT_DESC",
    ],
)
def test_pages_walk_the_whole_list_in_order(api, demo, order):
    everything = api.data(PAGE, {"orderBy": order, "first": 100})
    expected = [edge["node"] for edge in everything["households"]["edges"]]
    assert sorted(n["code"] for n in expected) == sorted(ON_FILE)
    walked, pages = walk(api, order, 3)
    assert walked == expected
    assert pages == -(-len(ON_FILE) // 3)
    if order == "CODE_DESC":
        assert [n["code"] for n in expected] == sorted(ON_FILE, reverse=True)
    if order == "REGISTRATION_YEAR_ASC":
        years = [n["registrationYear"] for n in expected]
        assert years == sorted(years)
    if order == "LAST_VISIT_ASC":
        # Never visited first: the most overdue.
        assert expected[0]["lastVisitDate"] is None
        dates = [n["lastVisitDate"] for n in expected if n["lastVisitDate"]]
        assert dates == sorted(dates)


def test_cursor_stays_put_while_rows_are_added(api, demo, graph):
    first = api.data(PAGE, {"first": 4})
    after = first["households"]["pageInfo"]["endCursor"]
    before = codes(api.data(PAGE, {"first": 4, "after": after}))
    # A household added before the cursor's position does not shift the next page.
    graph.execute_query(
        "MATCH (r:Region {code: '460203100'}) "
        "CREATE (:Region {code: '460203100200', name: 'X', level: 'VILLAGE', "
        "prefixes: ['460203100200']})-[:PART_OF]->(r)"
    )
    graph.execute_query(
        "MATCH (v:Region {code: $village}) "
        "CREATE (h:Household {code: $code, villageCode: $village, status: 'REGISTERED', "
        "memberCount: 0, version: 1})-[:IN_VILLAGE]->(v)",
        village="460203100200",
        code="4602031002000001",
    )
    assert codes(api.data(PAGE, {"first": 4, "after": after})) == before
    assert api.data(PAGE, {"first": 100})["households"]["totalCount"] == len(ON_FILE) + 1


def test_cursor_holds_no_personal_value(api, demo):
    import base64
    import json

    data = api.data(PAGE, {"orderBy": "LAST_VISIT_ASC", "first": 3})
    cursor = data["households"]["edges"][0]["cursor"]
    decoded = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    assert decoded[0] == "households:LAST_VISIT_ASC"
    assert decoded[-1] == data["households"]["edges"][0]["node"]["code"]


@pytest.mark.parametrize(
    ("variables", "field"),
    [
        ({"first": 0}, "first"),
        ({"first": 101}, "first"),
        ({"first": 5, "after": "not a cursor!"}, "after"),
        ({"first": 5, "after": "WyJob3VzZWhvbGRzOkNPREVfREVTQyIsIjEiXQ"}, "after"),
        ({"first": 5, "where": {"visitOverdue": True, "withinDays": 0}}, "where.withinDays"),
    ],
)
def test_bad_page_arguments(api, demo, variables, field):
    error = api.error(PAGE, variables)
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["field"] == field


def test_cursor_of_another_order_is_refused(api, demo):
    data = api.data(PAGE, {"first": 2, "orderBy": "CODE_DESC"})
    cursor = data["households"]["pageInfo"]["endCursor"]
    error = api.error(PAGE, {"first": 2, "after": cursor, "orderBy": "LAST_VISIT_ASC"})
    assert error["extensions"]["code"] == "BAD_USER_INPUT"


NESTED = """
query($first: Int!) {
  households(first: $first) {
    edges { node {
      code
      members { relation person { idNumber name households { household { code } } } }
      officials { role official { code load } }
      latestVisits(first: 3) { date official { code } }
      village { code path { code } }
    } }
    pageInfo { hasNextPage }
    totalCount
  }
}
"""


def statements(api, query, variables):
    token = api.token(Role.ADMIN)
    response = api.client.post(
        "/graphql",
        json={"query": query, "variables": variables},
        headers={"authorization": f"Bearer {token}", "x-fupin-statements": "1"},
    )
    body = response.json()
    assert "errors" not in body, body
    return body["extensions"]["statements"], body["data"]


def test_nested_page_costs_a_fixed_number_of_statements(api, demo):
    small, data5 = statements(api, NESTED, {"first": 5})
    large, data50 = statements(api, NESTED, {"first": 50})
    assert len(data5["households"]["edges"]) == 5
    assert len(data50["households"]["edges"]) == len(ON_FILE)
    assert small == large == 1
    single, _ = statements(
        api,
        "query($c: String!) { household(code: $c) { members { person { name } } } }",
        {"c": FU_HOUSEHOLD},
    )
    assert single == 1


def test_statement_count_is_opt_in(api, demo):
    body = api.post("query($c: String!) { household(code: $c) { code } }", {"c": FU_HOUSEHOLD})
    assert "statements" not in (body.get("extensions") or {})


# --- scope and masking ---------------------------------------------------------------


def test_region_officer_of_another_county_sees_nothing(api, demo):
    kw = {"role": Role.REGION_OFFICER, "scope": "469001"}
    assert api.data(HOUSEHOLD, {"code": FU_HOUSEHOLD}, **kw)["household"] is None
    data = api.data(PAGE, {"first": 100}, **kw)
    assert codes(data) == [c for c in ON_FILE if c.startswith(FANMAO)]
    assert data["households"]["totalCount"] == 5
    # Asking for a region outside the scope finds nothing either.
    data = api.data(PAGE, {"first": 100, "where": {"regionCode": "460200"}}, **kw)
    assert codes(data) == []
    assert data["households"]["totalCount"] == 0


def test_region_officer_sees_own_county(api, demo):
    kw = {"role": Role.REGION_OFFICER, "scope": "460203"}
    household = api.data(HOUSEHOLD, {"code": FU_HOUSEHOLD}, **kw)["household"]
    assert household["members"][0]["person"]["name"] == "Fu Wenqiang"


def test_field_official_sees_only_paired_households(api, demo):
    kw = {"role": Role.FIELD_OFFICIAL, "scope": HUANG}
    data = api.data(PAGE, {"first": 100}, **kw)
    assert codes(data) == [FANMAO + f"000{i}" for i in (1, 2, 3, 4)]
    assert data["households"]["totalCount"] == 4
    assert api.data(HOUSEHOLD, {"code": FU_HOUSEHOLD}, **kw)["household"] is None
    # An ended pairing gives no access.
    assert api.data(HOUSEHOLD, {"code": FANMAO + "0005"}, **kw)["household"] is None
    wang = {"role": Role.FIELD_OFFICIAL, "scope": WANG}
    data = api.data(PAGE, {"first": 100, "where": {"regionCode": "460000"}}, **wang)
    assert codes(data) == [SHIYUNCUN + "0001", SHIYUNCUN + "0003", BORDERLINE_HOUSEHOLD]


def test_investigator_sees_personal_fields_masked(api, demo):
    household = api.data(HOUSEHOLD, {"code": FU_HOUSEHOLD}, role=Role.INVESTIGATOR)["household"]
    head = household["members"][0]["person"]
    full = api.data(HOUSEHOLD, {"code": FU_HOUSEHOLD})["household"]["members"][0]["person"]
    assert head["idNumber"] == full["idNumber"][:6] + "********" + full["idNumber"][-4:]
    assert head["name"] == "F**"
    assert head["birthDate"] is None
    assert head["health"] is None
    assert head["labourAbility"] is None
    assert household["address"] is None
    assert household["debt"] is None
    assert household["headPhone"] == "139****1001"
    assert household["bankAccount"].endswith("1001")
    assert "6228" not in household["bankAccount"]
    official = household["officials"][0]["official"]
    assert official["name"] == "Lin Haitao"
    assert official["phone"] == "138****0101"
    assert official["idNumber"].startswith("460203") and "*" in official["idNumber"]
    visit = household["latestVisits"][0]
    assert visit["notes"] is None and visit["latitude"] is None and visit["longitude"] is None
    # Non-personal fields stay.
    assert household["mainCause"] == "ILLNESS"
    assert household["memberCount"] == 4


def test_public_gets_no_households(api, demo):
    error = api.error(HOUSEHOLD, {"code": FU_HOUSEHOLD}, role=Role.PUBLIC)
    assert error["extensions"]["code"] == "UNAUTHENTICATED"


def test_demo_loads_twice_without_duplicates(api, demo, test_settings, graph):
    from conftest import run_on_db

    from seeds.demo import load_demo

    def counts():
        records, _, _ = graph.execute_query(
            "MATCH (n) WITH labels(n)[0] AS label, count(*) AS n RETURN label, n ORDER BY label"
        )
        rels, _, _ = graph.execute_query(
            "MATCH ()-[r]->() WITH type(r) AS t, count(*) AS n RETURN t, n ORDER BY t"
        )
        return [tuple(r) for r in records], [tuple(r) for r in rels]

    before = counts()
    run_on_db(test_settings, lambda db: load_demo(db, demo, say=lambda _: None))
    assert counts() == before
    records, _, _ = graph.execute_query(
        "MATCH (o:Official) RETURN o.code AS code, o.load AS load, o.maxLoad AS max ORDER BY code"
    )
    over = [r["code"] for r in records if r["load"] > r["max"]]
    assert over == [HUANG]


def test_visit_overdue_is_exact_for_a_date_before_the_latest_visit(api, demo):
    """For a date before the latest visit the field looks at the visits in that
    window, as the households filter and coverage do, and agrees with the filter."""
    query = (
        "query($code: String!, $asOf: Date) "
        "{ household(code: $code) { visitOverdue(asOf: $asOf) } }"
    )
    # The household exited 20 days ago (seeds/exits.py), after every date below: the
    # filter takes each household's status on asOf, REGISTERED then (in poverty, which
    # the filter keeps to without a status), and lists it, for a status of then only.
    filtered = (
        "query($asOf: Date, $overdue: Boolean, $status: HouseholdStatus) { households("
        "first: 50, where: {visitOverdue: $overdue, asOf: $asOf, includeDeregistered: true, "
        "status: $status}) "
        "{ edges { node { code } } } }"
    )
    found = api.data(
        "query($code: String!) { household(code: $code) { latestVisits(first: 20) { date } } }",
        {"code": FU_HOUSEHOLD},
    )["household"]["latestVisits"]
    visits = sorted(dt.date.fromisoformat(v["date"]) for v in found)
    assert len(visits) >= 3
    for as_of in (visits[1], visits[1] + dt.timedelta(days=31), visits[0] - dt.timedelta(days=1)):
        answer = api.data(query, {"code": FU_HOUSEHOLD, "asOf": as_of.isoformat()})
        expected = not any(as_of - dt.timedelta(days=30) <= v <= as_of for v in visits)
        assert answer["household"]["visitOverdue"] is expected, as_of
        listed = api.data(filtered, {"asOf": as_of.isoformat(), "overdue": expected})
        assert FU_HOUSEHOLD in codes(listed)
        then = {"asOf": as_of.isoformat(), "overdue": expected, "status": "REGISTERED"}
        assert FU_HOUSEHOLD in codes(api.data(filtered, then))
        later = {**then, "status": "EXITED"}
        assert FU_HOUSEHOLD not in codes(api.data(filtered, later))
