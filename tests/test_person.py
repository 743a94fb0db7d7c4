"""person(idNumber) on the demo story: households past and present, scope and
masking; and one person added to two households at once."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

from test_household_mutations import ADD

from api.auth import Role
from seeds.demo import FU_HOUSEHOLD, HUANG, LUOBI, SHUINAN, id_number, story

PERSON = """
query($id: String!) {
  person(idNumber: $id) {
    idNumber name sex birthDate health diedOn
    households { relation since until endReason active
                 household { code status members { person { name } } } }
    current: households(includePast: false) { household { code } }
  }
}
"""


def id_of(name):
    rows = story(dt.date(2026, 11, 1))["memberships"]
    return next(m["person"]["idNumber"] for m in rows if m["person"]["name"] == name)


# Zhou Lanfang married out of Luobi 0001 into Shuinan 0002.
ZHOU = id_of("Zhou Lanfang")
FU = id_of("Fu Wenqiang")


def test_person_with_households_past_and_present(api, demo):
    person = api.data(PERSON, {"id": ZHOU})["person"]
    assert person["name"] == "Zhou Lanfang"
    assert person["sex"] == "FEMALE"
    assert person["birthDate"] == "1990-10-05"
    memberships = person["households"]
    assert [m["household"]["code"] for m in memberships] == [SHUINAN + "0002", LUOBI + "0001"]
    assert memberships[0]["active"] is True
    assert memberships[0]["relation"] == "SPOUSE"
    assert memberships[1]["endReason"] == "MARRIED_OUT"
    assert memberships[1]["relation"] == "DAUGHTER"
    assert {m["person"]["name"] for m in memberships[0]["household"]["members"]} == {
        "Ji Haitian",
        "Zhou Lanfang",
    }
    assert [m["household"]["code"] for m in person["current"]] == [SHUINAN + "0002"]


def test_lookup_accepts_lower_case_x_and_unknown_is_null(api, demo):
    assert api.data(PERSON, {"id": FU.lower()})["person"]["name"] == "Fu Wenqiang"
    unknown = id_number("460203", dt.date(1999, 1, 1), 1)
    assert api.data(PERSON, {"id": unknown})["person"] is None


def test_deceased_member(api, demo):
    wen = id_of("Wen Guihua")
    person = api.data(PERSON, {"id": wen})["person"]
    assert person["diedOn"] == "2026-06-04"
    assert person["households"][0]["endReason"] == "DECEASED"


def test_person_scope(api, demo):
    other = {"role": Role.REGION_OFFICER, "scope": "469001"}
    assert api.data(PERSON, {"id": FU}, **other)["person"] is None
    own = {"role": Role.REGION_OFFICER, "scope": "460203100"}
    assert api.data(PERSON, {"id": FU}, **own)["person"]["name"] == "Fu Wenqiang"
    # Only the households in scope are listed.
    luobi = {"role": Role.REGION_OFFICER, "scope": LUOBI}
    person = api.data(PERSON, {"id": ZHOU}, **luobi)["person"]
    assert [m["household"]["code"] for m in person["households"]] == [LUOBI + "0001"]
    field = {"role": Role.FIELD_OFFICIAL, "scope": HUANG}
    assert api.data(PERSON, {"id": FU}, **field)["person"] is None


def test_no_lookup_by_id_number_for_roles_that_cannot_see_it(api, demo):
    # An INVESTIGATOR sees ID numbers masked: a lookup by one would reveal who it is.
    assert api.data(PERSON, {"id": FU}, role=Role.INVESTIGATOR)["person"] is None
    assert api.data(PERSON, {"id": FU}, role=Role.AUDITOR)["person"]["name"] == "Fu Wenqiang"


def test_people_reached_through_households_are_masked_for_investigator(api, demo):
    query = """
    query($code: String!) {
      household(code: $code) {
        members { person { idNumber name birthDate health
                           households { household { code } } } }
      }
    }
    """
    household = api.data(query, {"code": FU_HOUSEHOLD}, role=Role.INVESTIGATOR)["household"]
    person = household["members"][0]["person"]
    assert person["idNumber"] == FU[:6] + "********" + FU[-4:]
    assert person["name"].startswith("F") and "Wenqiang" not in person["name"]
    assert person["birthDate"] is None and person["health"] is None
    assert person["households"][0]["household"]["code"] == FU_HOUSEHOLD


# --- refs: a person named without their ID number -----------------------------------

REF = "query($id: String!) { person(idNumber: $id) { ref } }"


def test_demo_people_carry_their_seed_ref_on_every_load(api, demo, test_settings):
    from conftest import run_on_db

    from seeds.demo import load_demo
    from seeds.idnumber import seed_person_ref

    assert api.data(REF, {"id": ZHOU})["person"]["ref"] == seed_person_ref(ZHOU)
    run_on_db(test_settings, lambda db: load_demo(db, demo, say=lambda _: None))
    assert api.data(REF, {"id": ZHOU})["person"]["ref"] == seed_person_ref(ZHOU)


def test_a_person_entered_through_the_api_gets_a_random_ref(api, demo, graph):
    import uuid

    newcomer = id_number("460203", dt.date(1991, 2, 3), 7)
    body = api.post(
        "mutation($input: AddMemberInput!) { addMember(input: $input) { household { code } } }",
        {"input": {"clientMutationId": "ref-newcomer", "householdCode": FU_HOUSEHOLD,
                   "member": {"idNumber": newcomer, "name": "Newcomer", "relation": "OTHER"}}},
    )  # fmt: skip
    assert "errors" not in body, body
    ref = api.data(REF, {"id": newcomer})["person"]["ref"]
    assert uuid.UUID(ref).version == 4
    records, _, _ = graph.execute_query(
        "MATCH (p:Person) RETURN count(p) AS people, count(DISTINCT p.ref) AS refs"
    )
    assert records[0]["people"] == records[0]["refs"]


def test_migration_step_4_gives_every_person_without_a_ref_a_unique_one(graph, test_settings):
    import uuid

    from conftest import run_on_db

    from graph.migrations import LATEST, STEPS, migrate

    step = next(s for s in STEPS if s.version == 4)
    assert LATEST >= 4
    graph.execute_query(
        "UNWIND range(1, 25) AS i CREATE (:Person {idNumber: 'legacy-' + toString(i)})"
    )
    graph.execute_query("CREATE (:Person {idNumber: 'kept', ref: 'already-there'})")
    graph.execute_query("MATCH (v:SchemaVersion {id: 'fupin'}) SET v.version = $v", v=3)
    applied = run_on_db(test_settings, migrate)
    assert step in applied
    records, _, _ = graph.execute_query(
        "MATCH (p:Person) RETURN p.idNumber AS id, p.ref AS ref ORDER BY id"
    )
    refs = {r["id"]: r["ref"] for r in records}
    assert refs.pop("kept") == "already-there"
    assert len(refs) == 25 and len(set(refs.values())) == 25
    assert all(uuid.UUID(ref).version == 4 for ref in refs.values())
    names = {r["name"] for r in graph.execute_query("SHOW CONSTRAINTS YIELD name")[0]}
    assert "person_ref" in names


# --- two concurrent addMember calls with the same new person ----------------------------


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
