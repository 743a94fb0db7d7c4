"""The reviewer's findings on the household-file mutations, each as a user would meet
it on the demo story: scope that leaks through error codes and messages, an official
rewritten by a region officer, two active memberships from a race, clientMutationIds
shared between callers, and a dateless visit hiding the last visit date."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

from test_household_mutations import (
    ADD,
    CREATE_OFFICIAL,
    PAIR,
    REGISTER,
    UPDATE,
    VISIT,
    pair_input,
    refused,
    register_input,
    snapshot,
    visit_input,
)

from api.auth import Role, mint_token
from seeds.demo import (
    FANMAO,
    FU_HOUSEHOLD,
    HUANG,
    LIN,
    LUOBI,
    SHUINAN,
    WU,
    id_number,
    story,
)

REGION_SANYA = {"role": Role.REGION_OFFICER, "scope": "460203"}
REGION_WUZHISHAN = {"role": Role.REGION_OFFICER, "scope": "469001"}


def member_of(household: str, name: str | None = None) -> dict[str, Any]:
    rows = story(dt.date(2026, 11, 1))["memberships"]
    return next(
        m["person"]
        for m in rows
        if m["householdCode"] == household
        and m["until"] is None
        and (name is None or m["person"]["name"] == name)
    )


def official_props(graph, code):
    records, _, _ = graph.execute_query(
        "MATCH (o:Official {code: $code}) RETURN properties(o) AS p", code=code
    )
    return records[0]["p"] if records else None


# --- 1. createOfficial: only an ADMIN updates an existing official --------------------


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


# --- 2. a member active elsewhere: the other household named only in scope ------------


def test_member_active_out_of_scope_is_not_named(api, demo, graph):
    person = member_of(FANMAO + "0001")
    members = [{"idNumber": person["idNumber"], "name": "A Name", "relation": "HEAD"}]
    error = refused(
        api,
        graph,
        REGISTER,
        register_input(members=members),
        "CONFLICT",
        "input.members[0].idNumber",
        **REGION_SANYA,
    )
    assert error["message"] == "the person is an active member of another household"
    assert FANMAO not in error["message"] and person["idNumber"] not in error["message"]
    # Through addMember too.
    add = {
        "input": {
            "clientMutationId": "phone-0100-add",
            "householdCode": FU_HOUSEHOLD,
            "member": {"idNumber": person["idNumber"], "name": "A Name", "relation": "SON"},
        }
    }
    error = refused(api, graph, ADD, add, "CONFLICT", "input.member.idNumber", **REGION_SANYA)
    assert FANMAO not in error["message"] and person["idNumber"] not in error["message"]


def test_member_active_in_scope_is_named(api, demo, graph):
    person = member_of(SHUINAN + "0002")
    members = [{"idNumber": person["idNumber"], "name": "A Name", "relation": "HEAD"}]
    error = refused(
        api,
        graph,
        REGISTER,
        register_input(members=members),
        "CONFLICT",
        "input.members[0].idNumber",
        **REGION_SANYA,
    )
    assert SHUINAN + "0002" in error["message"]
    assert person["idNumber"] not in error["message"] and person["name"] not in error["message"]


def test_a_death_out_of_scope_is_not_told(api, demo, graph):
    rows = story(dt.date(2026, 11, 1))["memberships"]
    wen = next(m["person"] for m in rows if m["person"]["name"] == "Wen Guihua")
    members = [{"idNumber": wen["idNumber"], "name": "A Name", "relation": "HEAD"}]
    variables = register_input(code=FANMAO + "0100", villageCode=FANMAO, members=members)
    error = refused(
        api,
        graph,
        REGISTER,
        variables,
        "CONFLICT",
        "input.members[0].idNumber",
        **REGION_WUZHISHAN,
    )
    assert "deceased" not in error["message"] and LUOBI not in error["message"]
    # In scope (Luobi lies in Sanya): the death is told.
    variables = register_input(members=members)
    error = refused(
        api, graph, REGISTER, variables, "CONFLICT", "input.members[0].idNumber", **REGION_SANYA
    )
    assert "deceased" in error["message"]


# --- 3. a code outside the scope: FORBIDDEN, whether it exists or not -----------------


def test_register_out_of_scope_code_is_forbidden_taken_or_free(api, demo, graph):
    for code in (FU_HOUSEHOLD, SHUINAN + "0100"):
        refused(
            api,
            graph,
            REGISTER,
            register_input(code=code),
            "FORBIDDEN",
            "input.villageCode",
            **REGION_WUZHISHAN,
        )


def test_move_to_out_of_scope_code_is_forbidden_taken_or_free(api, demo, graph):
    for new_code in (FANMAO + "0001", FANMAO + "0100"):
        variables = {
            "input": {
                "code": FU_HOUSEHOLD,
                "expectedVersion": 1,
                "villageCode": FANMAO,
                "newCode": new_code,
            }
        }
        refused(api, graph, UPDATE, variables, "FORBIDDEN", "input.villageCode", **REGION_SANYA)


# --- 4. two concurrent addMember calls with the same new person ----------------------


def add_concurrently(api, person: str, attempt: int) -> list[dict[str, Any]]:
    """Post addMember of `person` into two households at once; the two bodies."""
    households = (FU_HOUSEHOLD, SHUINAN + "0002")
    results: list[dict[str, Any]] = []
    barrier = threading.Barrier(len(households))

    def add(household: str, i: int) -> None:
        variables = {
            "input": {
                "clientMutationId": f"race-{attempt:02d}-{i}-addmember",
                "householdCode": household,
                "member": {"idNumber": person, "name": "Race Baby", "relation": "DAUGHTER"},
            }
        }
        barrier.wait()
        results.append(api.post(ADD, variables))

    threads = [threading.Thread(target=add, args=(h, i)) for i, h in enumerate(households)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_concurrent_add_member_of_one_person_to_two_households(api, demo, graph):
    for attempt in range(6):
        person = id_number("460203", dt.date(2024, 3, 3), 300 + 2 * attempt)
        results = add_concurrently(api, person, attempt)
        codes = sorted(
            body["errors"][0]["extensions"]["code"] if body.get("errors") else "OK"
            for body in results
        )
        assert codes == ["CONFLICT", "OK"], results
        records, _, _ = graph.execute_query(
            "MATCH (:Person {idNumber: $id})-[m:MEMBER_OF]->() WHERE m.until IS NULL "
            "RETURN count(m) AS n",
            id=person,
        )
        assert records[0]["n"] == 1


# --- 5. pairings and visits: no load figures, no official oracle in visits ------------


def test_max_load_conflict_gives_no_figures(api, demo, graph):
    error = refused(
        api, graph, PAIR, pair_input(SHUINAN + "0003", HUANG), "CONFLICT", "input.officialCode"
    )
    assert "overrideMaxLoad" in error["message"]
    assert not any(ch.isdigit() for ch in error["message"]), error["message"]


def test_visit_by_an_official_the_officer_cannot_see_is_not_found(api, demo, graph):
    unknown = refused(
        api,
        graph,
        VISIT,
        visit_input(FU_HOUSEHOLD, officialCode="O-nobody"),
        "NOT_FOUND",
        "input.officialCode",
        **REGION_SANYA,
    )
    hidden = refused(
        api,
        graph,
        VISIT,
        visit_input(FU_HOUSEHOLD, officialCode=HUANG),
        "NOT_FOUND",
        "input.officialCode",
        **REGION_SANYA,
    )
    assert hidden["message"] == unknown["message"]
    # An official of the region still records.
    payload = api.data(VISIT, visit_input(FU_HOUSEHOLD, officialCode=WU), **REGION_SANYA)
    assert payload["recordVisit"]["visit"]["official"]["code"] == WU


def test_region_officer_may_pair_an_official_from_elsewhere(api, demo, graph):
    # The documented decision: pairing is how an official comes into a region.
    variables = pair_input(SHUINAN + "0003", HUANG, overrideMaxLoad=True)
    payload = api.data(PAIR, variables, **REGION_SANYA)["pairOfficial"]
    assert payload["pairing"]["official"]["code"] == HUANG


# --- 6. a clientMutationId belongs to the caller who first used it --------------------


def post_as(api, subject, query, variables, role=Role.REGION_OFFICER, scope="460203"):
    token = mint_token(api.settings, role, scope=scope, subject=subject)
    response = api.client.post(
        "/graphql",
        json={"query": query, "variables": variables},
        headers={"authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200
    return response.json()


def test_client_mutation_id_of_another_caller(api, demo, graph):
    first = post_as(api, "officer-a", REGISTER, register_input())
    assert "errors" not in first, first
    assert post_as(api, "officer-a", REGISTER, register_input()) == first
    before = snapshot(graph)
    other = post_as(api, "officer-b", REGISTER, register_input())
    error = other["errors"][0]
    assert error["extensions"] == {"code": "CONFLICT", "field": "input.clientMutationId"}
    assert error["message"] == "this clientMutationId was already used"
    assert not (other.get("data") or {}).get("registerHousehold")
    assert snapshot(graph) == before
    admin = post_as(api, "admin-c", REGISTER, register_input(), role=Role.ADMIN, scope=None)
    assert admin["errors"][0]["extensions"]["code"] == "CONFLICT"
    assert snapshot(graph) == before


# --- 7. a dateless visit (imports) does not hide the last visit ------------------------


def test_dateless_visit_does_not_blank_the_last_visit(api, demo, graph):
    graph.execute_query(
        "MATCH (o:Official {code: $o}), (h:Household {code: $h}) "
        "CREATE (o)-[:MADE_VISIT]->(:Visit {id: 'import-1', purpose: 'imported'})"
        "-[:VISIT_TO]->(h)",
        o=WU,
        h=FU_HOUSEHOLD,
    )
    variables = visit_input(FU_HOUSEHOLD, officialCode=WU, date="2026-02-01")
    household = api.data(VISIT, variables)["recordVisit"]["household"]
    assert household["lastVisitDate"] == "2026-10-27"
    assert household["latestVisits"][0]["purpose"] != "imported"
    records, _, _ = graph.execute_query(
        "MATCH (h:Household {code: $h}) RETURN h.lastVisitDate AS d", h=FU_HOUSEHOLD
    )
    assert records[0]["d"].iso_format() == "2026-10-27"


def test_member_mutations_keep_client_mutation_ids_per_caller(api, demo, graph):
    """updateMember with another caller's clientMutationId is refused, not replayed."""
    from api.auth import Role

    query = """mutation($input: UpdateMemberInput!) {
      updateMember(input: $input) { clientMutationId } }"""
    page = api.data(
        "{ households(first: 1) { edges { node { code members { person { idNumber } } } } } }"
    )
    node = page["households"]["edges"][0]["node"]
    variables = {
        "input": {
            "clientMutationId": "shared-id-0001",
            "householdCode": node["code"],
            "idNumber": node["members"][0]["person"]["idNumber"],
            "workMonths": 6,
        }
    }
    assert api.data(query, variables)["updateMember"]["clientMutationId"] == "shared-id-0001"
    before = snapshot(graph)
    error = api.error(query, variables, role=Role.AUDITOR)
    assert error["extensions"]["code"] in {"FORBIDDEN", "CONFLICT"}
    other_admin = api.client.post(
        "/graphql",
        json={"query": query, "variables": variables},
        headers={"authorization": "Bearer " + _token_for(api, "someone-else")},
    ).json()
    assert other_admin["errors"][0]["extensions"]["code"] == "CONFLICT"
    assert snapshot(graph) == before


def _token_for(api, subject):
    from api.auth import Role, mint_token

    return mint_token(api.settings, Role.ADMIN, subject=subject)
