"""A clientMutationId names one request: a retry (the same input, however it is sent)
answers the stored result and writes nothing more; the same id with different input is
a client bug and answers CONFLICT, writing nothing; and an id belongs to the caller who
first used it."""

from __future__ import annotations

import pytest
from test_household_mutations import REGISTER, register_input, snapshot

from api.auth import Role, mint_token
from seeds.demo import FU_HOUSEHOLD, LIN

CONFLICT = {"code": "CONFLICT", "field": "input.clientMutationId"}
VISIT = """mutation($input: RecordVisitInput!) {
  recordVisit(input: $input) { clientMutationId visit { id date purpose } } }"""


def visit_input(**overrides):
    return {
        "clientMutationId": "phone-digest-0001",
        "householdCode": FU_HOUSEHOLD,
        "officialCode": LIN,
        "date": "2026-10-30",
        "purpose": "monthly visit",
        **overrides,
    }


def test_a_retry_answers_the_stored_result(api, demo, graph):
    first = api.data(VISIT, {"input": visit_input()})["recordVisit"]
    after_first = snapshot(graph)
    again = api.data(VISIT, {"input": visit_input()})["recordVisit"]
    assert again == first
    assert snapshot(graph) == after_first


def test_the_same_request_written_inline_or_with_defaults_is_a_retry(api, demo, graph):
    first = api.data(VISIT, {"input": visit_input()})["recordVisit"]
    after_first = snapshot(graph)
    inline = api.data(
        'mutation { recordVisit(input: {clientMutationId: "phone-digest-0001", '
        f'householdCode: "{FU_HOUSEHOLD}", officialCode: "{LIN}", date: "2026-10-30", '
        'purpose: "monthly visit", notes: null}) { clientMutationId visit { id date purpose } } }'
    )["recordVisit"]
    assert inline == first
    assert snapshot(graph) == after_first


@pytest.mark.parametrize(
    "change",
    [{"purpose": "another purpose"}, {"date": "2026-10-29"}, {"notes": "a note"}],
)
def test_the_same_id_with_another_request_is_conflict(api, demo, graph, change):
    api.data(VISIT, {"input": visit_input()})
    before = snapshot(graph)
    error = api.error(VISIT, {"input": visit_input(**change)})
    assert error["extensions"] == CONFLICT
    assert error["message"] == "this clientMutationId was used for a different request"
    assert snapshot(graph) == before


def test_another_kind_of_mutation_with_the_id_is_still_conflict(api, demo, graph):
    api.data(VISIT, {"input": visit_input()})
    before = snapshot(graph)
    error = api.error(
        'mutation { createOfficial(input: {clientMutationId: "phone-digest-0001", '
        'code: "O-DIGEST-1", name: "Digest", maxLoad: 3}) { official { code } } }'
    )
    assert error["extensions"] == CONFLICT
    assert snapshot(graph) == before


def test_an_id_stored_before_digests_matches_any_retry(api, demo, graph):
    """ClientMutation nodes written before the digest existed have none: a retry with
    their id is taken as the same request (it most likely is), as before."""
    graph.execute_query(
        "CREATE (:ClientMutation {id: 'phone-digest-old', kind: 'recordVisit', "
        "subject: 'dev-admin', result: '{\"id\": \"demo-visit-04\"}', createdAt: datetime()})"
    )
    before = snapshot(graph)
    data = api.data(VISIT, {"input": visit_input(clientMutationId="phone-digest-old")})
    assert data["recordVisit"]["visit"]["id"] == "demo-visit-04"
    assert snapshot(graph) == before


def test_the_digest_is_stored_with_the_claim(api, demo, graph):
    api.data(VISIT, {"input": visit_input()})
    records, _, _ = graph.execute_query(
        "MATCH (c:ClientMutation {id: 'phone-digest-0001'}) RETURN c.digest AS digest"
    )
    digest = records[0]["digest"]
    assert isinstance(digest, str) and len(digest) == 64
    # A digest, not the input: nothing of the request can be read back from it.
    assert "monthly" not in digest and FU_HOUSEHOLD not in digest


# --- a clientMutationId belongs to the caller who first used it --------------------------


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


def test_member_mutations_keep_client_mutation_ids_per_caller(api, demo, graph):
    """updateMember with another caller's clientMutationId is refused, not replayed."""
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
    return mint_token(api.settings, Role.ADMIN, subject=subject)
