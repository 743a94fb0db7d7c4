"""Exit assessments, status history and returns to poverty (issue 12) on the demo story:
the issue's "Done when" list, expected values derived from seeds/demo.py and
seeds/exits.py."""

from __future__ import annotations

import datetime as dt
from typing import Any

from test_household_mutations import refused, snapshot

from api.auth import Role
from graph.assessment import ExitCheckKind
from graph.db import count_statements
from seeds.demo import FANMAO, FU_HOUSEHOLD, HUANG, LIN, SHUINAN, id_number, story

JI_HOUSEHOLD = SHUINAN + "0002"
RETURNED_HOUSEHOLD = SHUINAN + "0004"
NEW_SON = "460203201603030134"

HOUSEHOLD = """query($c: String!) { household(code: $c) { status exitYear statusSince version
  statusHistory { from to on reason cause assessment { id } }
  assessments { id year date passed threshold perCapitaNet householdSize housingGrade
    verifiedBy { code } checks { check passed reason members { ref name } } } } }"""
ASSESS = """mutation($i: AssessExitInput!) { assessExit(input: $i) { clientMutationId
  assessment { id year date passed perCapitaNet checks { check passed reason members { ref } } }
  household { status version exitYear } } }"""
RETURN = """mutation($i: ReturnToPovertyInput!) { returnToPoverty(input: $i) {
  household { status version statusSince } } }"""
STATUS_ON = """query($c: String!, $d: Date) { household(code: $c) { statusOn(date: $d) } }"""
PERSON_REF = "query($id: String!) { person(idNumber: $id) { ref } }"
REGISTER = (
    "mutation($i: RegisterHouseholdInput!) { registerHousehold(input: $i) { clientMutationId } }"
)
UPDATE = "mutation($i: UpdateHouseholdInput!) { updateHousehold(input: $i) { clientMutationId } }"
COUNT = """query($s: HouseholdStatus, $y: Int) {
  households(where: {status: $s, exitYear: $y}) { totalCount } }"""


def household(api: Any, code: str, **kw: Any) -> dict[str, Any]:
    return api.data(HOUSEHOLD, {"c": code}, **kw)["household"]  # type: ignore[no-any-return]


def assess(code: str, **extra: Any) -> dict[str, Any]:
    return {
        "householdCode": code, "year": 2026, "verifiedBy": LIN, "foodSecure": True,
        "clothingSecure": True, "villageConfirmed": True, **extra,
    }  # fmt: skip


def failing(assessment: dict[str, Any]) -> list[str]:
    return [c["check"] for c in assessment["checks"] if not c["passed"]]


def ref_of(name: str, as_of: dt.date) -> str:
    rows = story(as_of)["memberships"]
    return str(next(m["ref"] for m in rows if m["person"]["name"] == name))


def test_the_story_household_exited(api, demo):
    found = household(api, FU_HOUSEHOLD)
    assert (found["status"], found["exitYear"], found["statusSince"]) == (
        "EXITED",
        2026,
        "2026-10-12",
    )
    assert [(s["from"], s["to"], s["on"]) for s in found["statusHistory"]] == [
        (None, "REGISTERED", "2025-01-01"),
        ("REGISTERED", "EXITED", "2026-10-12"),
    ]
    [assessment] = found["assessments"]
    assert (
        found["statusHistory"][1]["assessment"]
        == {"id": assessment["id"]}
        == {"id": "demo-assess-01"}
    )
    assert (assessment["year"], assessment["date"], assessment["passed"],
            assessment["threshold"], assessment["perCapitaNet"]) == (
        2026, "2026-10-12", True, 4000, 8500)  # fmt: skip
    assert [c["check"] for c in assessment["checks"]] == list(ExitCheckKind)
    assert all(c["passed"] and c["reason"] is None for c in assessment["checks"])
    assert (assessment["householdSize"], assessment["housingGrade"]) == (4, "B")
    assert assessment["verifiedBy"] == {"code": LIN}


def test_statuses_count_and_exit_year_filter(api, demo):
    def total(**v: Any) -> int:
        return int(api.data(COUNT, v)["households"]["totalCount"])

    assert (total(s="EXITED"), total(s="RETURNED")) == (2, 1)
    assert (total(y=2026), total(y=2025), total(y=2024)) == (1, 2, 0)  # 2025: kept on return
    assert total(s="EXITED", y=2025) == 1  # Fanmao 0005


def test_status_on_a_date(api, demo):
    def on(day: str | None) -> Any:
        return api.data(STATUS_ON, {"c": RETURNED_HOUSEHOLD, "d": day})["household"]["statusOn"]

    assert (on("2025-09-20"), on("2025-10-01"), on("2020-06-01"), on(None)) == (
        "EXITED",
        "RETURNED",
        None,
        "RETURNED",
    )
    history = household(api, RETURNED_HOUSEHOLD)["statusHistory"]
    assert [(s["to"], s["on"], s["reason"], s["cause"]) for s in history] == [
        ("REGISTERED", "2022-01-01", "REGISTERED", None),
        ("EXITED", "2025-09-07", "EXIT_ASSESSMENT", None),
        ("RETURNED", "2025-09-27", "RETURN_TO_POVERTY", "DISASTER")]  # fmt: skip


def test_a_dry_run_computes_and_writes_nothing(api, demo, graph):
    before = snapshot(graph)
    body = api.data(ASSESS, {"i": assess(JI_HOUSEHOLD, dryRun=True)})["assessExit"]
    assert snapshot(graph) == before
    result = body["assessment"]
    assert (result["id"], result["passed"], failing(result)) == (None, False, ["MEDICAL_INSURANCE"])
    insurance = next(c for c in result["checks"] if c["check"] == "MEDICAL_INSURANCE")
    assert insurance["reason"].startswith("A member has no basic medical insurance")
    assert {m["ref"] for m in insurance["members"]} == {
        ref_of("Ji Haitian", demo),
        ref_of("Zhou Lanfang", demo),
    }
    assert body["household"]["status"] == "REGISTERED"


def _insure(api: Any, name: str, as_of: dt.date) -> None:
    rows = story(as_of)["memberships"]
    id_number = next(m["person"]["idNumber"] for m in rows if m["person"]["name"] == name)
    api.data(
        "mutation($i: UpdateMemberInput!) { updateMember(input: $i) { clientMutationId } }",
        {"i": {"householdCode": JI_HOUSEHOLD, "idNumber": id_number, "medicalInsurance": True}},
    )


def _set_schooling(api: Any, schooling: str) -> None:
    api.data(
        "mutation($i: UpdateMemberInput!) { updateMember(input: $i) { clientMutationId } }",
        {"i": {"householdCode": JI_HOUSEHOLD, "idNumber": NEW_SON, "schooling": schooling}},
    )


def test_assess_exit_then_return(api, demo, graph):
    _insure(api, "Ji Haitian", demo)
    _insure(api, "Zhou Lanfang", demo)
    dry = api.data(ASSESS, {"i": assess(JI_HOUSEHOLD, dryRun=True)})["assessExit"]["assessment"]
    assert dry["passed"] is True and dry["id"] is None
    api.data(
        "mutation($i: AddMemberInput!) { addMember(input: $i) { clientMutationId } }",
        {"i": {"clientMutationId": "exit-new-son", "householdCode": JI_HOUSEHOLD,
               "member": {"idNumber": NEW_SON, "name": "Ji Xiaobao", "relation": "SON",
                          "schooling": "DROPPED_OUT", "medicalInsurance": True}}},
    )  # fmt: skip
    version = household(api, JI_HOUSEHOLD)["version"]
    failed = api.data(ASSESS, {"i": assess(JI_HOUSEHOLD, clientMutationId="exit-try-1")})
    result = failed["assessExit"]
    assert failing(result["assessment"]) == ["COMPULSORY_EDUCATION"]
    son = api.data(PERSON_REF, {"id": NEW_SON})["person"]["ref"]
    education = next(c for c in result["assessment"]["checks"] if not c["passed"])
    assert education["members"] == [{"ref": son}]
    assert result["household"] == {"status": "REGISTERED", "version": version, "exitYear": None}
    listed = household(api, JI_HOUSEHOLD)["assessments"]
    assert [(a["id"], a["passed"]) for a in listed] == [(result["assessment"]["id"], False)]

    _set_schooling(api, "COMPULSORY")
    version = household(api, JI_HOUSEHOLD)["version"]
    variables = {"i": assess(JI_HOUSEHOLD, clientMutationId="exit-try-2",
                             expectedVersion=version)}  # fmt: skip
    passed = api.data(ASSESS, variables)["assessExit"]
    assert passed["assessment"]["passed"] is True
    assert passed["household"] == {"status": "EXITED", "version": version + 1, "exitYear": 2026}
    before = snapshot(graph)
    again = api.data(ASSESS, variables)["assessExit"]
    assert again["assessment"]["id"] == passed["assessment"]["id"]
    assert snapshot(graph) == before
    refused(api, graph, ASSESS, {"i": assess(JI_HOUSEHOLD, clientMutationId="exit-try-3")},
            "CONFLICT", "input.householdCode")  # fmt: skip

    back = {"householdCode": JI_HOUSEHOLD, "cause": "ILLNESS", "clientMutationId": "exit-back"}
    returned = api.data(RETURN, {"i": back})["returnToPoverty"]["household"]
    assert (returned["status"], returned["version"]) == ("RETURNED", version + 2)
    history = household(api, JI_HOUSEHOLD)["statusHistory"]
    assert [s["to"] for s in history] == ["REGISTERED", "EXITED", "RETURNED"]
    assert history[-1]["cause"] == "ILLNESS"
    refused(api, graph, RETURN, {"i": {**back, "clientMutationId": "exit-back-2"}},
            "CONFLICT", "input.householdCode")  # fmt: skip


def test_status_changes_only_through_exits_and_returns(api, demo, graph):
    version = household(api, FU_HOUSEHOLD)["version"]
    update = (
        "mutation($i: UpdateHouseholdInput!) { updateHousehold(input: $i) { clientMutationId } }"
    )
    refused(api, graph, update, {"i": {"code": FU_HOUSEHOLD, "expectedVersion": version,
            "status": "REGISTERED"}}, "BAD_USER_INPUT", "input.status")  # fmt: skip
    # The same status is no change.
    api.data(update, {"i": {"code": FU_HOUSEHOLD, "expectedVersion": version, "status": "EXITED"}})


def test_refusals_write_nothing(api, demo, graph):
    refused(api, graph, ASSESS, {"i": assess(JI_HOUSEHOLD)}, "FORBIDDEN",
            role=Role.FIELD_OFFICIAL, scope=LIN)  # fmt: skip
    for role in (Role.AUDITOR, Role.INVESTIGATOR):
        refused(api, graph, ASSESS, {"i": assess(JI_HOUSEHOLD)}, "FORBIDDEN", role=role)
    refused(api, graph, ASSESS, {"i": assess(JI_HOUSEHOLD)}, "UNAUTHENTICATED", role=None)
    refused(api, graph, ASSESS, {"i": assess(JI_HOUSEHOLD)}, "NOT_FOUND",
            role=Role.REGION_OFFICER, scope="469001")  # fmt: skip
    refused(api, graph, ASSESS, {"i": assess(JI_HOUSEHOLD, year=2014)}, "BAD_USER_INPUT",
            "input.year")  # fmt: skip
    refused(api, graph, ASSESS, {"i": assess(JI_HOUSEHOLD, year=2027)}, "BAD_USER_INPUT",
            "input.year")  # fmt: skip
    refused(api, graph, ASSESS, {"i": assess(JI_HOUSEHOLD, verifiedBy=HUANG)}, "BAD_USER_INPUT",
            "input.verifiedBy")  # fmt: skip
    refused(api, graph, ASSESS, {"i": assess(JI_HOUSEHOLD, year=2025, date="2024-12-31")},
            "BAD_USER_INPUT", "input.date")  # fmt: skip
    refused(api, graph, ASSESS, {"i": assess(JI_HOUSEHOLD, date="2099-01-01")},
            "BAD_USER_INPUT", "input.date")  # fmt: skip
    refused(api, graph, ASSESS, {"i": assess(JI_HOUSEHOLD, expectedVersion=999)}, "CONFLICT",
            "input.expectedVersion")  # fmt: skip
    refused(api, graph, ASSESS, {"i": assess(FU_HOUSEHOLD)}, "CONFLICT", "input.householdCode")
    deregistered = "4602031002020003"
    refused(api, graph, ASSESS, {"i": assess(deregistered)}, "CONFLICT", "input.householdCode")
    back = {"householdCode": FU_HOUSEHOLD, "cause": "ILLNESS"}
    refused(api, graph, RETURN, {"i": {**back, "date": "2026-10-01"}}, "BAD_USER_INPUT",
            "input.date")  # fmt: skip
    refused(api, graph, RETURN, {"i": {**back, "cause": "ILLNESS", "householdCode": JI_HOUSEHOLD}},
            "CONFLICT", "input.householdCode")  # fmt: skip
    refused(api, graph, RETURN, {"i": back}, "NOT_FOUND", role=Role.REGION_OFFICER,
            scope="469001")  # fmt: skip


def test_region_officer_assesses_in_the_subtree(api, demo):
    fanmao = FANMAO + "0002"
    body = api.data(
        ASSESS, {"i": {**assess(fanmao, verifiedBy=HUANG), "dryRun": True}},
        role=Role.REGION_OFFICER, scope="469001",
    )  # fmt: skip
    assert body["assessExit"]["assessment"]["checks"][0]["check"] == "INCOME"


def test_investigator_sees_checks_without_incomes(api, demo):
    found = household(api, FU_HOUSEHOLD, role=Role.INVESTIGATOR)
    [assessment] = found["assessments"]
    assert assessment["perCapitaNet"] is None
    assert assessment["threshold"] == 4000
    assert [c["passed"] for c in assessment["checks"]] == [True] * 8
    for role in (Role.AUDITOR, Role.ADMIN):
        assert household(api, FU_HOUSEHOLD, role=role)["assessments"][0]["perCapitaNet"] == 8500
    official = household(api, FU_HOUSEHOLD, role=Role.FIELD_OFFICIAL, scope=LIN)
    assert len(official["statusHistory"]) == 2


def test_both_lists_run_one_statement_at_any_page_size(api, demo):
    query = """query($first: Int!) { households(first: $first) { edges { node { code
      statusHistory(first: 100) { to } assessments(first: 20) { year checks { check } } } } } }"""
    counts = []
    for first in (5, 50):
        with count_statements() as statements:
            api.data(query, {"first": first})
        counts.append(len(statements))
    assert counts[0] == counts[1] == 1


def test_registration_begins_the_history(api, demo):
    new = SHUINAN + "0500"
    api.data(
        REGISTER,
        {"i": {"clientMutationId": "exit-register", "code": new, "villageCode": SHUINAN,
               "mainCause": "ILLNESS", "registrationDate": "2026-03-04",
               "members": [{"idNumber": id_number("460203", dt.date(1975, 5, 5), 131),
                            "name": "New Head",
                            "relation": "HEAD"}]}},
    )  # fmt: skip
    found = household(api, new)
    assert [(s["from"], s["to"], s["on"], s["reason"]) for s in found["statusHistory"]] == [
        (None, "REGISTERED", "2026-03-04", "REGISTERED")
    ]
    assert found["statusSince"] == "2026-03-04"


def test_the_migration_backfills_a_history(api, graph, test_settings):
    from conftest import migrated

    rows = migrated(
        graph,
        test_settings,
        10,
        "CREATE (:Household {code: '4602031002019001', status: 'EXITED', registrationYear: 2017,"
        " registrationDate: date('2017-05-05')}), "
        "(:Household {code: '4602031002019002', status: 'DEREGISTERED', registrationYear: 2018,"
        " statusBeforeDeregistration: 'RETURNED', deregisteredOn: date('2021-03-01')}), "
        "(h:Household {code: '4602031002019003', status: 'REGISTERED', registrationYear: 2019})"
        "<-[:STATUS_OF]-(:StatusChange {id: 'kept', `to`: 'REGISTERED', on: date('2019-02-02'),"
        " seq: 1})",
        "MATCH (h:Household) MATCH (s:StatusChange)-[:STATUS_OF]->(h) "
        "WITH h, s ORDER BY s.seq RETURN h.code, h.statusSince, "
        "collect([s.`from`, s.`to`, s.on, s.reason]) ORDER BY h.code",
    )
    D = dt.date
    assert [(code, since.to_native() if since else None, [
        [a, b, c.to_native(), r] for a, b, c, r in changes]) for code, since, changes in rows
    ] == [
        ("4602031002019001", D(2017, 1, 1), [[None, "EXITED", D(2017, 1, 1), "BACKFILLED"]]),
        ("4602031002019002", D(2021, 3, 1), [
            [None, "RETURNED", D(2018, 1, 1), "BACKFILLED"],
            ["RETURNED", "DEREGISTERED", D(2021, 3, 1), "DEREGISTERED"]]),
        # a history kept as it was; step 17 summarizes it (statusSince: its latest day)
        ("4602031002019003", D(2019, 2, 2), [[None, "REGISTERED", D(2019, 2, 2), None]]),
    ]  # fmt: skip
