"""official(code), officials(where, first, after) and an official's paired households
and visits, on the demo story and small additions to it: keyset pages, filters against
plain Cypher, nested pages in a fixed number of statements, scope and masking, bad
arguments; and who may write an official (createOfficial, pairOfficial)."""

from __future__ import annotations

import datetime as dt

import pytest
from test_household_mutations import CREATE_OFFICIAL, PAIR, REGION_SANYA, pair_input, refused

from api.auth import Role
from graph.derived import REFRESH_HOUSEHOLDS, REFRESH_OFFICIALS
from seeds.demo import FANMAO, FU_HOUSEHOLD, HUANG, LIN, LUOBI, SHUINAN, WANG, WU

PAGE = """
query($where: OfficialWhere, $first: Int, $after: String) {
  officials(where: $where, first: $first, after: $after) {
    edges { cursor node { code name unit load maxLoad phone idNumber } }
    pageInfo { hasNextPage endCursor }
    totalCount
  }
}
"""

NESTED = """
query($code: String!, $first: Int, $after: String, $vfirst: Int, $vafter: String,
      $ended: Boolean) {
  official(code: $code) {
    code
    pairedHouseholds(first: $first, after: $after, includeEnded: $ended) {
      edges { cursor pairingId role since until active node { code memberCount } }
      pageInfo { hasNextPage endCursor }
      totalCount
    }
    visits(first: $vfirst, after: $vafter) {
      edges { cursor node { id date householdCode notes official { code } } }
      pageInfo { hasNextPage endCursor }
      totalCount
    }
  }
}
"""


def codes(data):
    return [edge["node"]["code"] for edge in data["officials"]["edges"]]


def cypher_codes(graph, query, **params):
    records, _, _ = graph.execute_query(query, **params)
    return [r["code"] for r in records]


def walk(api, first, where=None, **kw):
    seen, after, pages = [], None, 0
    while True:
        data = api.data(PAGE, {"first": first, "after": after, "where": where}, **kw)
        seen += codes(data)
        pages += 1
        info = data["officials"]["pageInfo"]
        if not info["hasNextPage"]:
            return seen, pages
        after = info["endCursor"]


def add_officials(graph, n, households, *, prefix="O-460203-1"):
    """`n` more officials, each actively paired (ASSISTING) with one of `households`
    in turn and with one visit there; loads refreshed as the app would."""
    rows = [
        {
            "code": f"{prefix}{i:02d}",
            "household": households[i % len(households)],
            "pair": f"extra-pair-{prefix}{i:02d}",
            "visit": f"extra-visit-{prefix}{i:02d}",
            "date": dt.date(2026, 10, 1) + dt.timedelta(days=i % 20),
        }
        for i in range(n)
    ]
    graph.execute_query(
        "UNWIND $rows AS row MATCH (h:Household {code: row.household}) "
        "CREATE (o:Official {code: row.code, name: 'Extra ' + row.code, unit: 'Extra Unit', "
        "maxLoad: 3, load: 0, phone: '13800009999', idNumber: '460203199001011234'}) "
        "CREATE (o)-[:PAIRED_WITH {id: row.pair, role: 'ASSISTING', since: date('2026-01-01')}]"
        "->(h) "
        "CREATE (o)-[:MADE_VISIT]->(:Visit {id: row.visit, date: row.date, purpose: 'x'})"
        "-[:VISIT_TO]->(h)",
        rows=rows,
    )
    graph.execute_query(REFRESH_OFFICIALS, codes=[r["code"] for r in rows])
    graph.execute_query(REFRESH_HOUSEHOLDS, codes=sorted(set(households)))
    return [r["code"] for r in rows]


# --- pages ---------------------------------------------------------------------------


def test_officials_of_the_story_in_code_order(api, demo):
    data = api.data(PAGE, {"first": 20})
    assert codes(data) == [LIN, WU, HUANG, WANG]
    assert data["officials"]["totalCount"] == 4
    assert data["officials"]["pageInfo"]["hasNextPage"] is False
    huang = data["officials"]["edges"][2]["node"]
    assert (huang["name"], huang["load"], huang["maxLoad"]) == ("Huang Dehui", 4, 3)
    assert huang["unit"] == "Wuzhishan Forestry Bureau"


@pytest.mark.parametrize("first", [1, 2, 3, 4])
def test_pages_give_each_official_once_in_code_order(api, demo, graph, first):
    expected = cypher_codes(graph, "MATCH (o:Official) RETURN o.code AS code ORDER BY code")
    walked, pages = walk(api, first)
    assert walked == expected
    assert pages == -(-len(expected) // first)


def test_pages_over_more_officials(api, demo, graph):
    add_officials(graph, 23, [FU_HOUSEHOLD, SHUINAN + "0002", LUOBI + "0001"])
    expected = cypher_codes(graph, "MATCH (o:Official) RETURN o.code AS code ORDER BY code")
    assert len(expected) == 27
    walked, pages = walk(api, 5)
    assert walked == expected
    assert len(set(walked)) == 27
    assert pages == 6
    # Within a region, from its households: the same walk, page by page.
    in_shuinan = cypher_codes(graph, ACTIVE_IN_REGION, region=SHUINAN)
    assert len(in_shuinan) == 2 + 16
    walked, _ = walk(api, 4, {"regionCode": SHUINAN})
    assert walked == in_shuinan


def test_cursor_stays_put_while_officials_are_added(api, demo, graph):
    first = api.data(PAGE, {"first": 2})
    after = first["officials"]["pageInfo"]["endCursor"]
    before = codes(api.data(PAGE, {"first": 2, "after": after}))
    assert before == [HUANG, WANG]
    graph.execute_query("CREATE (:Official {code: 'O-000000-001', name: 'Early', load: 0})")
    assert codes(api.data(PAGE, {"first": 2, "after": after})) == before


# --- filters, against plain Cypher ---------------------------------------------------

ACTIVE_IN_REGION = """
MATCH (r:Region {code: $region}) UNWIND r.prefixes AS p
MATCH (o:Official)-[x:PAIRED_WITH]->(h:Household)
WHERE x.until IS NULL AND h.code STARTS WITH p
RETURN DISTINCT o.code AS code ORDER BY code
"""


@pytest.mark.parametrize(
    ("region", "expected"),
    [
        (SHUINAN, [LIN, WU]),
        (LUOBI, [LIN]),  # Lin's Luobi 0003 pairing ended; Luobi 0001 is active
        ("460203100", [LIN, WU]),
        ("460203", [LIN, WU]),
        ("460200", [LIN, WU]),  # a city: read officials in order, checked per official
        ("469001", [HUANG]),
        (FANMAO, [HUANG]),
        ("460000", [LIN, WU, HUANG, WANG]),
        ("469999", []),
    ],
)
def test_region_filter(api, demo, graph, region, expected):
    assert cypher_codes(graph, ACTIVE_IN_REGION, region=region) == expected
    data = api.data(PAGE, {"first": 100, "where": {"regionCode": region}})
    assert codes(data) == expected
    assert data["officials"]["totalCount"] == len(expected)


def test_region_filter_needs_an_active_pairing(api, demo, graph):
    # Wang's only pairing in Shiyuncun 0002 ended; end the other two as well.
    graph.execute_query(
        "MATCH (:Official {code: $code})-[r:PAIRED_WITH]->() SET r.until = date('2026-10-01')",
        code=WANG,
    )
    data = api.data(PAGE, {"first": 100, "where": {"regionCode": "469030"}})
    assert codes(data) == []
    assert data["officials"]["totalCount"] == 0


@pytest.fixture()
def varied(demo, graph):
    """The story plus an official with no pairing and one whose only pairing ended."""
    graph.execute_query(
        "CREATE (:Official {code: 'O-460203-009', name: 'Idle', unit: 'Fenghuang Town "
        "Government', maxLoad: 5, load: 0}) "
        "WITH 1 AS one MATCH (h:Household {code: $h}) "
        "CREATE (:Official {code: 'O-469001-009', name: 'Former', unit: 'Wuzhishan Forestry "
        "Bureau', load: 0})-[:PAIRED_WITH {id: 'x-ended', role: 'ASSISTING', "
        "since: date('2025-01-01'), until: date('2025-06-01')}]->(h)",
        h=FANMAO + "0001",
    )
    return demo


FILTERS = {
    "unit": "MATCH (o:Official) WHERE o.unit = $value RETURN o.code AS code ORDER BY code",
    "overloaded": "MATCH (o:Official) WHERE (o.load > o.maxLoad) = $value "
    "OR ($value = false AND (o.maxLoad IS NULL)) RETURN o.code AS code ORDER BY code",
    "hasActivePairings": "MATCH (o:Official) "
    "WHERE EXISTS { (o)-[r:PAIRED_WITH]->() WHERE r.until IS NULL } = $value "
    "RETURN o.code AS code ORDER BY code",
}


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("unit", "Jiyang District Bureau of Agriculture and Rural Affairs", [LIN]),
        ("unit", "Wuzhishan Forestry Bureau", [HUANG, "O-469001-009"]),
        ("unit", "Wuzhishan Forestry", []),  # exact, not a prefix
        ("overloaded", True, [HUANG]),
        ("overloaded", False, [LIN, WU, "O-460203-009", "O-469001-009", WANG]),
        ("hasActivePairings", True, [LIN, WU, HUANG, WANG]),
        ("hasActivePairings", False, ["O-460203-009", "O-469001-009"]),
    ],
)
def test_filters(api, varied, graph, name, value, expected):
    assert cypher_codes(graph, FILTERS[name], value=value) == sorted(expected)
    data = api.data(PAGE, {"first": 100, "where": {name: value}})
    assert codes(data) == sorted(expected)
    assert data["officials"]["totalCount"] == len(expected)


def test_filters_combine(api, varied, graph):
    where = {"regionCode": "469001", "overloaded": True, "unit": "Wuzhishan Forestry Bureau"}
    assert codes(api.data(PAGE, {"first": 100, "where": where})) == [HUANG]
    where = {"regionCode": "469001", "hasActivePairings": False}
    assert codes(api.data(PAGE, {"first": 100, "where": where})) == []
    data = api.data(PAGE, {"first": 1, "where": {"regionCode": "460203", "overloaded": False}})
    assert codes(data) == [LIN]
    assert data["officials"]["totalCount"] == 2
    assert data["officials"]["pageInfo"]["hasNextPage"] is True


# --- nested pages --------------------------------------------------------------------


def test_paired_households_a_page_at_a_time(api, demo, graph):
    records, _, _ = graph.execute_query(
        "MATCH (:Official {code: $code})-[r:PAIRED_WITH]->(h:Household) "
        "RETURN h.code AS code, r.id AS id, r.until IS NULL AS active ORDER BY code, id",
        code=LIN,
    )
    everything = [(r["code"], r["id"]) for r in records]
    active = [(r["code"], r["id"]) for r in records if r["active"]]
    assert len(active) == 4 and len(everything) == 5

    def pairs(data):
        return [(e["node"]["code"], e["pairingId"]) for e in data["edges"]]

    seen, after = [], None
    while True:
        data = api.data(NESTED, {"code": LIN, "first": 3, "after": after})["official"]
        page = data["pairedHouseholds"]
        assert page["totalCount"] == 4
        seen += pairs(page)
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == active
    full = api.data(NESTED, {"code": LIN, "first": 20, "ended": True})["official"]
    assert pairs(full["pairedHouseholds"]) == everything
    assert full["pairedHouseholds"]["totalCount"] == 5
    ended = [e for e in full["pairedHouseholds"]["edges"] if not e["active"]]
    assert [(e["node"]["code"], e["role"]) for e in ended] == [(LUOBI + "0003", "RESPONSIBLE")]
    assert ended[0]["until"] is not None
    fu = full["pairedHouseholds"]["edges"][0]
    assert (fu["node"]["code"], fu["role"], fu["active"]) == (FU_HOUSEHOLD, "RESPONSIBLE", True)
    assert fu["node"]["memberCount"] == 4
    assert fu["since"] == str(demo - dt.timedelta(days=200))


def test_visits_newest_first_a_page_at_a_time(api, demo, graph):
    records, _, _ = graph.execute_query(
        "MATCH (:Official {code: $code})-[:MADE_VISIT]->(v:Visit) "
        "RETURN v.id AS id ORDER BY v.date DESC, v.id DESC",
        code=LIN,
    )
    expected = [r["id"] for r in records]
    assert len(expected) == 6
    seen, after = [], None
    while True:
        data = api.data(NESTED, {"code": LIN, "vfirst": 4, "vafter": after})["official"]
        page = data["visits"]
        assert page["totalCount"] == len(expected)
        seen += [e["node"]["id"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == expected
    first = api.data(NESTED, {"code": LIN, "vfirst": 1})["official"]["visits"]["edges"][0]
    assert first["node"]["date"] == str(demo - dt.timedelta(days=5))
    assert first["node"]["householdCode"] == FU_HOUSEHOLD
    assert first["node"]["official"]["code"] == LIN
    assert first["node"]["notes"]


def test_visits_on_the_same_day_page_by_id(api, demo, graph):
    graph.execute_query(
        "MATCH (o:Official {code: $code}), (h:Household {code: $h}) "
        "UNWIND ['same-a', 'same-b', 'same-c'] AS id "
        "CREATE (o)-[:MADE_VISIT]->(:Visit {id: id, date: $day})-[:VISIT_TO]->(h)",
        code=HUANG,
        h=FANMAO + "0001",
        day=demo,
    )
    seen, after = [], None
    while True:
        page = api.data(NESTED, {"code": HUANG, "vfirst": 2, "vafter": after})["official"]["visits"]
        seen += [e["node"]["id"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    records, _, _ = graph.execute_query(
        "MATCH (:Official {code: $code})-[:MADE_VISIT]->(v:Visit) RETURN count(v) AS n",
        code=HUANG,
    )
    assert seen[:3] == ["same-c", "same-b", "same-a"]
    assert len(seen) == len(set(seen)) == records[0]["n"] == 3 + 4  # Huang's four after


LIST_NESTED = """
query($first: Int!) {
  officials(first: $first) {
    edges { node {
      code load
      pairedHouseholds(first: 3) {
        edges { role node { code members { person { name } } officials { official { code } } } }
        totalCount
      }
      visits(first: 2) { edges { node { date householdCode official { code } } } totalCount }
    } }
    pageInfo { hasNextPage }
    totalCount
  }
}
"""


def statements(api, query, variables, role=Role.ADMIN, scope=None):
    response = api.client.post(
        "/graphql",
        json={"query": query, "variables": variables},
        headers={
            "authorization": f"Bearer {api.token(role, scope)}",
            "x-fupin-statements": "1",
        },
    )
    body = response.json()
    assert "errors" not in body, body
    return body["extensions"]["statements"], body["data"]


def test_nested_pages_cost_a_fixed_number_of_statements(api, demo, graph):
    add_officials(graph, 30, [FU_HOUSEHOLD, SHUINAN + "0002", FANMAO + "0001"])
    small, data5 = statements(api, LIST_NESTED, {"first": 5})
    large, data50 = statements(api, LIST_NESTED, {"first": 50})
    assert len(data5["officials"]["edges"]) == 5
    assert len(data50["officials"]["edges"]) == 34
    # One statement for the root field, its nested lists included.
    assert small == large == 1
    by_code = {e["node"]["code"]: e["node"] for e in data50["officials"]["edges"]}
    lin = by_code[LIN]
    assert [e["node"]["code"] for e in lin["pairedHouseholds"]["edges"]] == [
        FU_HOUSEHOLD,
        SHUINAN + "0002",
        SHUINAN + "0003",
    ]
    assert lin["pairedHouseholds"]["totalCount"] == 4
    assert lin["visits"]["totalCount"] == 6
    assert len(lin["visits"]["edges"]) == 2
    assert by_code["O-460203-100"]["visits"]["edges"][0]["node"]["householdCode"] == FU_HOUSEHOLD
    # Every official got their own page, not a neighbour's.
    for code, node in by_code.items():
        assert all(e["node"]["official"]["code"] == code for e in node["visits"]["edges"])
    # A scoped caller costs the same.
    scoped, _ = statements(
        api, LIST_NESTED, {"first": 50}, role=Role.REGION_OFFICER, scope="460203"
    )
    assert scoped == 1


# --- scope and masking ---------------------------------------------------------------


def test_region_officer_of_another_county_sees_no_sanya_official(api, demo):
    kw = {"role": Role.REGION_OFFICER, "scope": "469001"}
    data = api.data(PAGE, {"first": 100}, **kw)
    assert codes(data) == [HUANG]
    assert data["officials"]["totalCount"] == 1
    data = api.data(PAGE, {"first": 100, "where": {"regionCode": SHUINAN}}, **kw)
    assert codes(data) == []
    assert data["officials"]["totalCount"] == 0
    sanya = {"role": Role.REGION_OFFICER, "scope": "460203"}
    assert codes(api.data(PAGE, {"first": 100}, **sanya)) == [LIN, WU]


def test_region_officer_sees_an_officials_households_in_region_only(api, demo, graph):
    # Huang also assists the story household in Sanya, and visited it once.
    graph.execute_query(
        "MATCH (o:Official {code: $code}), (h:Household {code: $h}) "
        "CREATE (o)-[:PAIRED_WITH {id: 'x-huang-fu', role: 'ASSISTING', "
        "since: date('2026-09-01')}]->(h) "
        "CREATE (o)-[:MADE_VISIT]->(:Visit {id: 'x-huang-visit', date: date('2026-09-02'), "
        "notes: 'n'})-[:VISIT_TO]->(h)",
        code=HUANG,
        h=FU_HOUSEHOLD,
    )
    graph.execute_query(REFRESH_OFFICIALS, codes=[HUANG])
    sanya = {"role": Role.REGION_OFFICER, "scope": "460203"}
    assert codes(api.data(PAGE, {"first": 100}, **sanya)) == [LIN, WU, HUANG]
    data = api.data(NESTED, {"code": HUANG, "ended": True}, **sanya)["official"]
    assert [e["node"]["code"] for e in data["pairedHouseholds"]["edges"]] == [FU_HOUSEHOLD]
    assert data["pairedHouseholds"]["totalCount"] == 1
    assert [e["node"]["id"] for e in data["visits"]["edges"]] == ["x-huang-visit"]
    assert data["visits"]["totalCount"] == 1
    # The region filter looks only at households in the caller's scope too.
    where = {"regionCode": "469001"}
    assert codes(api.data(PAGE, {"first": 100, "where": where}, **sanya)) == []
    # An administrator sees all of Huang's.
    data = api.data(NESTED, {"code": HUANG})["official"]
    assert data["pairedHouseholds"]["totalCount"] == 5
    assert data["visits"]["totalCount"] == 5  # four in Fanmao, one in Shuinan


def test_field_official_sees_themself(api, demo):
    kw = {"role": Role.FIELD_OFFICIAL, "scope": HUANG}
    data = api.data(PAGE, {"first": 100}, **kw)
    assert codes(data) == [HUANG]
    assert data["officials"]["totalCount"] == 1
    # Their own households: the active pairings only (ended ones are out of scope).
    mine = api.data(NESTED, {"code": HUANG, "ended": True}, **kw)["official"]
    assert [e["node"]["code"] for e in mine["pairedHouseholds"]["edges"]] == [
        FANMAO + f"000{i}" for i in (1, 2, 3, 4)
    ]
    # The rule of official(code): a field official also sees the officials who share
    # one of their households (Wu assists the story household Lin is responsible for).
    lin = {"role": Role.FIELD_OFFICIAL, "scope": LIN}
    assert codes(api.data(PAGE, {"first": 100}, **lin)) == [LIN, WU]


def test_investigator_sees_personal_fields_masked(api, demo):
    full = api.data(PAGE, {"first": 1})["officials"]["edges"][0]["node"]
    masked = api.data(PAGE, {"first": 1}, role=Role.INVESTIGATOR)["officials"]["edges"][0]["node"]
    assert masked["code"] == full["code"] == LIN
    assert masked["idNumber"] == full["idNumber"][:6] + "********" + full["idNumber"][-4:]
    assert masked["phone"] == full["phone"][:3] + "****" + full["phone"][-4:]
    visit = api.data(NESTED, {"code": LIN, "vfirst": 1}, role=Role.INVESTIGATOR)["official"]
    assert visit["visits"]["edges"][0]["node"]["notes"] is None


def test_public_gets_no_officials(api, demo):
    error = api.error(PAGE, {"first": 5}, role=Role.PUBLIC)
    assert error["extensions"]["code"] == "UNAUTHENTICATED"


# --- bad arguments -------------------------------------------------------------------

HOUSEHOLDS_CURSOR = "WyJob3VzZWhvbGRzOkNPREVfQVNDIiwiNDYwMjAzMTAwMjAxMDAwMSJd"


@pytest.mark.parametrize(
    ("variables", "field"),
    [
        ({"first": 0}, "first"),
        ({"first": 101}, "first"),
        ({"first": 5, "after": "not a cursor!"}, "after"),
        ({"first": 5, "after": HOUSEHOLDS_CURSOR}, "after"),
        ({"first": 5, "after": "WyJvZmZpY2lhbHMiLDFd"}, "after"),  # ["officials",1]
    ],
)
def test_bad_page_arguments(api, demo, variables, field):
    error = api.error(PAGE, variables)
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["field"] == field


@pytest.mark.parametrize(
    ("variables", "field"),
    [
        ({"first": 0}, "first"),
        ({"first": 101}, "first"),
        ({"vfirst": 0}, "first"),
        ({"after": "garbage"}, "after"),
        ({"vafter": "garbage"}, "after"),
        ({"vafter": "WyJvZmZpY2lhbC12aXNpdHMiLCJub3QtYS1kYXRlIiwieCJd"}, "after"),
    ],
)
def test_bad_nested_page_arguments(api, demo, variables, field):
    error = api.error(NESTED, {"code": LIN, **variables})
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["field"] == field


def test_cursor_of_one_nested_list_is_refused_by_the_other(api, demo):
    data = api.data(NESTED, {"code": LIN, "first": 1, "vfirst": 1})["official"]
    households_cursor = data["pairedHouseholds"]["pageInfo"]["endCursor"]
    error = api.error(NESTED, {"code": LIN, "vafter": households_cursor})
    assert error["extensions"]["code"] == "BAD_USER_INPUT"


# --- official(code) ---------------------------------------------------------------------

OFFICIAL = """
query($code: String!) {
  official(code: $code) { code name unit position phone idNumber maxLoad load }
}
"""


def test_official(api, demo):
    official = api.data(OFFICIAL, {"code": HUANG})["official"]
    assert official["name"] == "Huang Dehui"
    assert official["load"] == 4
    assert official["maxLoad"] == 3
    lin = api.data(OFFICIAL, {"code": LIN})["official"]
    assert len(lin["idNumber"]) == 18
    assert api.data(OFFICIAL, {"code": "O-000000-000"})["official"] is None


def test_official_scope_and_masking(api, demo):
    lin = api.data(OFFICIAL, {"code": LIN}, role=Role.INVESTIGATOR)["official"]
    assert "*" in lin["idNumber"] and "*" in lin["phone"]
    # A field official sees themself and officials paired with their households.
    field = {"role": Role.FIELD_OFFICIAL, "scope": HUANG}
    assert api.data(OFFICIAL, {"code": HUANG}, **field)["official"]["code"] == HUANG
    assert api.data(OFFICIAL, {"code": LIN}, **field)["official"] is None
    region = {"role": Role.REGION_OFFICER, "scope": "469001"}
    assert api.data(OFFICIAL, {"code": HUANG}, **region)["official"]["code"] == HUANG
    assert api.data(OFFICIAL, {"code": LIN}, **region)["official"] is None


# --- createOfficial: only an ADMIN updates an existing official --------------------------


def official_props(graph, code):
    records, _, _ = graph.execute_query(
        "MATCH (o:Official {code: $code}) RETURN properties(o) AS p", code=code
    )
    return records[0]["p"] if records else None


def official_input(code, cmid="desk-0100-official", **more):
    return {
        "input": {
            "clientMutationId": cmid,
            "code": code,
            "name": "Someone Else",
            "maxLoad": 50,
            "phone": "13900000001",
            **more,
        }
    }


def test_region_officer_cannot_overwrite_an_official(api, demo, graph):
    huang = official_props(graph, HUANG)
    # Out of the officer's region (Huang works in Wuzhishan) and in it (Lin, Sanya):
    # the same CONFLICT, nothing written, no phone or ID number read back.
    for code in (HUANG, LIN):
        error = refused(
            api,
            graph,
            CREATE_OFFICIAL,
            official_input(code),
            "CONFLICT",
            "input.code",
            **REGION_SANYA,
        )
        assert error["message"] == "an official with this code exists"
    assert official_props(graph, HUANG) == huang
    body = api.post(
        CREATE_OFFICIAL, official_input(HUANG, cmid="desk-0101-official"), **REGION_SANYA
    )
    assert body["data"] is None or body["data"]["createOfficial"] is None
    text = str(body)
    assert huang["phone"] not in text
    assert "idNumber" not in huang or huang["idNumber"] not in text


def test_region_officer_creates_a_new_official_read_back_in_their_scope(api, demo, graph):
    payload = api.data(CREATE_OFFICIAL, official_input("O-460203-009"), **REGION_SANYA)[
        "createOfficial"
    ]
    # Paired with nothing yet, so not visible to the officer until they pair them.
    assert payload["official"] is None
    assert official_props(graph, "O-460203-009")["phone"] == "13900000001"
    api.data(PAIR, pair_input(SHUINAN + "0003", "O-460203-009"), **REGION_SANYA)
    page = api.data('{ official(code: "O-460203-009") { code phone } }', **REGION_SANYA)
    assert page["official"] == {"code": "O-460203-009", "phone": "13900000001"}


def test_admin_still_updates_an_official(api, demo, graph):
    payload = api.data(CREATE_OFFICIAL, official_input(HUANG))["createOfficial"]
    assert payload["official"]["phone"] == "13900000001"
    assert official_props(graph, HUANG)["maxLoad"] == 50


# --- pairOfficial: no load figures in a refusal; pairing brings an official in -----------


def test_max_load_conflict_gives_no_figures(api, demo, graph):
    error = refused(
        api, graph, PAIR, pair_input(SHUINAN + "0003", HUANG), "CONFLICT", "input.officialCode"
    )
    assert "overrideMaxLoad" in error["message"]
    assert not any(ch.isdigit() for ch in error["message"]), error["message"]


def test_region_officer_may_pair_an_official_from_elsewhere(api, demo, graph):
    # The documented decision: pairing is how an official comes into a region.
    variables = pair_input(SHUINAN + "0003", HUANG, overrideMaxLoad=True)
    payload = api.data(PAIR, variables, **REGION_SANYA)["pairOfficial"]
    assert payload["pairing"]["official"]["code"] == HUANG
