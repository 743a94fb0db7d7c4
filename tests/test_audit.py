"""The file audit on the demo story (issue 18, done-when 1-6): runs, findings and their
review, cross-check lists and who sees what."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from conftest import Api
from neo4j import Driver

from api.auth import Role
from graph.audit import AuditRule
from seeds.demo import FANMAO, FU_HOUSEHOLD, HUANG, LUOBI, SHIYUNCUN, SHUINAN, WANG, story

RUN = """mutation($input: RunAuditInput!) { runAudit(input: $input) {
  clientMutationId run { id status regionCode rules total done } } }"""
RUN_STATE = """query($id: String!) { auditRun(id: $id) {
  id status regionCode rules done total found added gone error startedAt finishedAt } }"""
SUMMARY = """query($code: String!, $present: Boolean = true) {
  auditSummary(regionCode: $code, present: $present) {
    regionCode total counts { rule severity status count } } }"""
FINDINGS = """query($where: FindingWhere, $first: Int = 100, $after: String) {
  auditFindings(where: $where, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { cursor node { id rule severity status summary present note decidedAt
      firstSeenAt lastSeenAt lastRunId
      households { code } people { ref idNumber } officials { code } } } } }"""
REVIEW = """mutation($input: ReviewFindingInput!) {{
  {name}(input: $input) {{ finding {{ id status note decidedAt present }} }} }}"""
REOPEN = """mutation($input: ReopenFindingInput!) {
  reopenFinding(input: $input) { finding { id status note decidedAt } } }"""
IMPORT = """mutation($input: ImportCrossCheckListInput!) {
  importCrossCheckList(input: $input) {
    crossCheckImport { id list source received added importedAt } } }"""

# Done-when 1: the demo story's findings, by rule.
EXPECTED = {
    ("OPEN", "DUPLICATE_MEMBERSHIP"): 1,
    ("OPEN", "INVALID_ID_NUMBER"): 1,
    ("OPEN", "IMPLAUSIBLE_AGE"): 1,
    ("OPEN", "MEMBER_IS_OFFICIAL"): 1,
    ("OPEN", "CROSS_CHECK_MATCH"): 1,
    ("OPEN", "CAUSE_CONTRADICTION"): 1,
    ("OPEN", "NO_RESPONSIBLE_OFFICIAL"): 3,
    ("OPEN", "OFFICIAL_OVERLOADED"): 1,
    # Issue 19 (tests/test_audit_relations.py).
    ("OPEN", "EXIT_CRITERIA_UNMET"): 1,
    ("OPEN", "INCOME_ABOVE_LINE_TWO_YEARS"): 1,
    ("OPEN", "MEASURE_AFTER_EXIT"): 1,
    ("OPEN", "MEASURE_TO_DECEASED"): 1,
    ("OPEN", "MONITORED_WITHOUT_SUPPORT"): 1,
    ("OPEN", "OFFICIAL_PAIRED_WITH_RELATIVE"): 1,
    ("OPEN", "HOUSEHOLD_SPLIT_OR_MERGE"): 1,
}
TOTAL = sum(EXPECTED.values())
UNCOVERED = {SHUINAN + "0003", LUOBI + "0002", SHIYUNCUN + "0002"}


def run_audit(api: Api, region: str = "460000", **kw: Any) -> dict[str, Any]:
    """Start a run, wait for it to finish; the finished run."""
    started = api.data(RUN, {"input": {"regionCode": region, **kw}})["runAudit"]["run"]
    assert started["status"] == "RUNNING"
    assert started["done"] == 0 and started["total"] > 0
    return wait(api, started["id"])


def wait(api: Api, run_id: str, seconds: float = 120) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    while True:
        run: dict[str, Any] = api.data(RUN_STATE, {"id": run_id})["auditRun"]
        if run["status"] != "RUNNING":
            return run
        assert time.monotonic() < deadline, run
        time.sleep(0.05)


def summary(api: Api, code: str = "460000", **kw: Any) -> dict[tuple[str, str], int]:
    present = kw.pop("present", True)
    found = api.data(SUMMARY, {"code": code, "present": present}, **kw)["auditSummary"]
    counts = {(c["status"], c["rule"]): c["count"] for c in found["counts"]}
    assert len(counts) == len(AuditRule) * 3  # every rule and status, zeros included
    assert found["total"] == sum(counts.values())
    return {key: n for key, n in counts.items() if n}


def findings(api: Api, where: dict[str, Any] | None = None, **kw: Any) -> list[dict[str, Any]]:
    page = api.data(FINDINGS, {"where": where}, **kw)["auditFindings"]
    assert page["totalCount"] == len(page["edges"])
    return [e["node"] for e in page["edges"]]


def by_rule(found: list[dict[str, Any]], rule: str) -> list[dict[str, Any]]:
    return [f for f in found if f["rule"] == rule]


def ids_of(name: str) -> str:
    rows = story(dt.date(2026, 11, 1))["memberships"]
    return next(m["person"]["idNumber"] for m in rows if m["person"]["name"] == name)


def test_a_run_of_the_demo_finds_each_case(api, demo):
    run = run_audit(api)
    assert run["status"] == "DONE" and run["error"] is None
    assert run["done"] == run["total"] and run["rules"] == [r.value for r in AuditRule]
    assert (run["found"], run["added"], run["gone"]) == (TOTAL, TOTAL, 0)
    assert run["finishedAt"] >= run["startedAt"]
    assert summary(api) == EXPECTED
    found = findings(api)
    uncovered = by_rule(found, "NO_RESPONSIBLE_OFFICIAL")
    assert {f["households"][0]["code"] for f in uncovered} == UNCOVERED
    (overloaded,) = by_rule(found, "OFFICIAL_OVERLOADED")
    assert [o["code"] for o in overloaded["officials"]] == [HUANG]
    assert (overloaded["severity"], overloaded["households"]) == ("LOW", [])
    (duplicate,) = by_rule(found, "DUPLICATE_MEMBERSHIP")
    assert {h["code"] for h in duplicate["households"]} == {LUOBI + "0002", SHIYUNCUN + "0001"}
    assert [p["idNumber"] for p in duplicate["people"]] == [ids_of("Mo Laigen")]
    (official,) = by_rule(found, "MEMBER_IS_OFFICIAL")
    assert [o["code"] for o in official["officials"]] == [WANG]
    assert [h["code"] for h in official["households"]] == [SHIYUNCUN + "0003"]
    (listed,) = by_rule(found, "CROSS_CHECK_MATCH")
    assert [h["code"] for h in listed["households"]] == [SHUINAN + "0002"]
    assert "CIVIL_SERVANT" in listed["summary"]
    (contradiction,) = by_rule(found, "CAUSE_CONTRADICTION")
    assert [h["code"] for h in contradiction["households"]] == [FANMAO + "0003"]
    invalid, aged = by_rule(found, "INVALID_ID_NUMBER"), by_rule(found, "IMPLAUSIBLE_AGE")
    assert invalid[0]["people"] == aged[0]["people"]  # the grandmother born in 1912
    assert [h["code"] for h in aged[0]["households"]] == [LUOBI + "0001"]
    assert "check character" in invalid[0]["summary"] and "over 110" in aged[0]["summary"]
    for f in found:
        assert (f["status"], f["present"], f["lastRunId"]) == ("OPEN", True, run["id"])
    # Summaries never hold a personal value.
    people = story(demo)["memberships"]
    personal = {m["person"]["idNumber"] for m in people} | {m["person"]["name"] for m in people}
    text = " ".join(f["summary"] for f in found)
    assert not [v for v in personal if v in text]


def test_a_second_run_finds_nothing_twice(api, demo, graph):
    first = run_audit(api)
    before = {f["id"]: f for f in findings(api)}
    second = run_audit(api)
    assert (second["found"], second["added"], second["gone"]) == (TOTAL, 0, 0)
    assert summary(api) == EXPECTED
    after = {f["id"]: f for f in findings(api)}
    assert after.keys() == before.keys()
    for key, f in after.items():
        assert f["firstSeenAt"] == before[key]["firstSeenAt"]
        assert f["lastSeenAt"] > before[key]["lastSeenAt"]
        assert (f["lastRunId"], before[key]["lastRunId"]) == (second["id"], first["id"])
    records, _, _ = graph.execute_query("MATCH (f:Finding) RETURN count(f) AS n")
    assert records[0]["n"] == TOTAL


def test_a_dismissed_finding_stays_dismissed(api, demo, graph):
    run_audit(api)
    (contradiction,) = findings(api, {"rule": "CAUSE_CONTRADICTION"})
    note = "Fu Yalan recovered this spring; the cause is being reviewed."
    variables = {"input": {"findingId": contradiction["id"], "note": note}}
    done = api.data(REVIEW.format(name="dismissFinding"), variables)["dismissFinding"]["finding"]
    assert (done["status"], done["note"]) == ("DISMISSED", note)
    assert done["decidedAt"] is not None
    run_audit(api)
    (again,) = findings(api, {"rule": "CAUSE_CONTRADICTION"})
    assert (again["id"], again["status"], again["present"]) == (
        contradiction["id"],
        "DISMISSED",
        True,
    )
    assert summary(api)[("DISMISSED", "CAUSE_CONTRADICTION")] == 1
    error = api.error(REVIEW.format(name="confirmFinding"), variables)
    assert (error["extensions"]["code"], error["extensions"]["field"]) == (
        "CONFLICT", "input.findingId")  # fmt: skip
    reopened = api.data(REOPEN, {"input": {"findingId": contradiction["id"]}})
    assert reopened["reopenFinding"]["finding"] == {
        "id": contradiction["id"], "status": "OPEN", "note": None, "decidedAt": None}  # fmt: skip
    assert api.error(REOPEN, {"input": {"findingId": contradiction["id"]}})["extensions"][
        "code"] == "CONFLICT"  # fmt: skip
    confirmed = api.data(REVIEW.format(name="confirmFinding"), variables)["confirmFinding"]
    assert confirmed["finding"]["status"] == "CONFIRMED"
    # Refused: a note too long or empty, an id that is no UUID, or none known.
    for bad, field in (
        ({"note": ""}, "input.note"),
        ({"note": "x" * 1001}, "input.note"),
        ({"findingId": "not-an-id"}, "input.findingId"),
    ):
        body = api.post(REVIEW.format(name="dismissFinding"),
                        {"input": {**variables["input"], **bad}})  # fmt: skip
        assert [e["extensions"]["field"] for e in body["errors"]] == [field], body
    unknown = {"findingId": "00000000-0000-4000-8000-000000000000", "note": "n"}
    assert api.error(REVIEW.format(name="dismissFinding"), {"input": unknown})["extensions"][
        "code"] == "NOT_FOUND"  # fmt: skip
    # Every review is on the finding's history, with its note.
    history = api.data(
        'query($id: String!) { finding(id: $id) { history { totalCount edges { node { '
        'operation changes { field before after } } } } } }', {"id": contradiction["id"]}
    )["finding"]["history"]  # fmt: skip
    assert [e["node"]["operation"] for e in history["edges"]] == [
        "confirmFinding", "reopenFinding", "dismissFinding"]  # fmt: skip


def test_a_fixed_file_is_no_longer_present(api, demo):
    run_audit(api)
    (contradiction,) = findings(api, {"rule": "CAUSE_CONTRADICTION"})
    update = """mutation($input: UpdateMemberInput!) { updateMember(input: $input) {
      household { code } } }"""
    api.data(update, {"input": {"householdCode": FANMAO + "0003", "idNumber": ids_of("Fu Yalan"),
                                "health": "CHRONIC_ILLNESS"}})  # fmt: skip
    run = run_audit(api)
    assert (run["found"], run["added"], run["gone"]) == (TOTAL - 1, 0, 1)
    (gone,) = findings(api, {"rule": "CAUSE_CONTRADICTION"})
    assert (gone["id"], gone["present"], gone["status"]) == (contradiction["id"], False, "OPEN")
    assert ("OPEN", "CAUSE_CONTRADICTION") not in summary(api)
    assert summary(api, present=False) == {("OPEN", "CAUSE_CONTRADICTION"): 1}
    assert [f["id"] for f in findings(api, {"present": False})] == [contradiction["id"]]
    assert len(findings(api, {"present": True})) == TOTAL - 1


def counts(graph: Driver) -> tuple[int, int]:
    records, _, _ = graph.execute_query(
        "MATCH (e:CrossCheckEntry) WITH count(e) AS entries "
        "OPTIONAL MATCH (i:CrossCheckImport) RETURN entries, count(i) AS imports"
    )
    return records[0]["entries"], records[0]["imports"]


def test_an_imported_list_is_checked(api, demo, graph):
    run_audit(api)
    spouse = ids_of("Chen Meiling")
    value = {"list": "VEHICLE_OWNER", "source": "Sanya vehicle registry, 2026-10",
             "idNumbers": [spouse, spouse.lower()]}  # fmt: skip
    done = api.data(IMPORT, {"input": value})["importCrossCheckList"]["crossCheckImport"]
    assert (done["list"], done["source"], done["received"], done["added"]) == (
        "VEHICLE_OWNER", value["source"], 1, 1)  # fmt: skip
    run = run_audit(api)
    assert (run["added"], run["found"]) == (1, TOTAL + 1)
    listed = findings(api, {"rule": "CROSS_CHECK_MATCH"})
    assert len(listed) == 2
    vehicle = next(f for f in listed if "VEHICLE_OWNER" in f["summary"])
    assert [h["code"] for h in vehicle["households"]] == [FU_HOUSEHOLD]
    assert [p["idNumber"] for p in vehicle["people"]] == [spouse]
    # Imported again: nothing added.
    again = api.data(IMPORT, {"input": value})["importCrossCheckList"]["crossCheckImport"]
    assert (again["received"], again["added"]) == (1, 0)
    # A malformed number: BAD_USER_INPUT on it (never its value), nothing imported.
    before = counts(graph)
    wrong = spouse[:17] + ("0" if spouse[17] != "0" else "1")
    refused = (
        ([wrong, spouse], "input.idNumbers[0]"),
        ([spouse, "12"], "input.idNumbers[1]"),
        ([], "input.idNumbers"),
    )
    for ids, field in refused:
        error = api.error(IMPORT, {"input": {**value, "idNumbers": ids}})
        assert (error["extensions"]["code"], error["extensions"]["field"]) == (
            "BAD_USER_INPUT", field)  # fmt: skip
        assert wrong not in error["message"]
    assert counts(graph) == before
    imports = api.data("{ crossCheckImports(list: VEHICLE_OWNER) { totalCount edges { node { "
                       "received added } } } }")["crossCheckImports"]  # fmt: skip
    assert imports["totalCount"] == 2
    assert [e["node"]["added"] for e in imports["edges"]] == [0, 1]  # newest first


def test_region_officers_see_their_findings_only(api, demo):
    run_audit(api)
    wuzhishan = findings(api, role=Role.REGION_OFFICER, scope="469001")
    assert sorted(f["rule"] for f in wuzhishan) == [
        "CAUSE_CONTRADICTION", "EXIT_CRITERIA_UNMET", "MEASURE_AFTER_EXIT",
        "MONITORED_WITHOUT_SUPPORT", "OFFICIAL_OVERLOADED"]  # fmt: skip
    for f in wuzhishan:
        assert {h["code"][:6] for h in f["households"]} <= {"469001"}
        assert {o["code"] for o in f["officials"]} <= {HUANG}
    assert summary(api, role=Role.REGION_OFFICER, scope="469001") == {
        ("OPEN", "CAUSE_CONTRADICTION"): 1, ("OPEN", "OFFICIAL_OVERLOADED"): 1,
        ("OPEN", "EXIT_CRITERIA_UNMET"): 1, ("OPEN", "MEASURE_AFTER_EXIT"): 1,
        ("OPEN", "MONITORED_WITHOUT_SUPPORT"): 1}  # fmt: skip
    # A finding spanning two counties shows only what is in the officer's subtree.
    qiongzhong = findings(api, role=Role.REGION_OFFICER, scope="469030")
    (duplicate,) = by_rule(qiongzhong, "DUPLICATE_MEMBERSHIP")
    assert [h["code"] for h in duplicate["households"]] == [SHIYUNCUN + "0001"]
    assert len(duplicate["people"]) == 1
    everything = {f["id"] for f in findings(api)}
    for caller, scope in ((Role.REGION_OFFICER, "469001"), (Role.REGION_OFFICER, "469030")):
        seen = {f["id"] for f in findings(api, role=caller, scope=scope)}
        hidden = everything - seen
        for finding_id in hidden:  # out of scope answers as absent
            body = api.data("query($id: String!) { finding(id: $id) { id } }", {"id": finding_id},
                            role=caller, scope=scope)  # fmt: skip
            assert body["finding"] is None
    # Runs and reviews are the auditors'; findings never the investigators' or field officials'.
    variables = {"input": {"regionCode": "469001"}}
    for role, scope in ((Role.REGION_OFFICER, "469001"), (Role.INVESTIGATOR, None),
                        (Role.FIELD_OFFICIAL, HUANG)):  # fmt: skip
        assert (
            api.error(RUN, variables, role=role, scope=scope)["extensions"]["code"] == "FORBIDDEN"
        )
    for role, scope in ((Role.INVESTIGATOR, None), (Role.FIELD_OFFICIAL, HUANG)):
        assert api.error(FINDINGS, role=role, scope=scope)["extensions"]["code"] == "FORBIDDEN"
    assert api.error(FINDINGS, role=None)["extensions"]["code"] == "UNAUTHENTICATED"
    assert findings(api, role=Role.AUDITOR) and api.data(RUN, variables, role=Role.AUDITOR)


HOUSEHOLD_FINDINGS = """query($code: String!) { household(code: $code) {
  code findings(first: 5) { rule status } } }"""


def test_a_households_findings(api, demo):
    run_audit(api)
    seen = api.data(HOUSEHOLD_FINDINGS, {"code": LUOBI + "0001"})["household"]["findings"]
    assert sorted(f["rule"] for f in seen) == [
        "HOUSEHOLD_SPLIT_OR_MERGE", "IMPLAUSIBLE_AGE", "INCOME_ABOVE_LINE_TWO_YEARS",
        "INVALID_ID_NUMBER", "MEASURE_TO_DECEASED"]  # fmt: skip
    officer = api.data(HOUSEHOLD_FINDINGS, {"code": FANMAO + "0003"}, role=Role.REGION_OFFICER,
                       scope="469001")["household"]["findings"]  # fmt: skip
    assert [f["rule"] for f in officer] == ["CAUSE_CONTRADICTION"]
    for role, scope in ((Role.FIELD_OFFICIAL, HUANG), (Role.INVESTIGATOR, None)):
        body = api.post(HOUSEHOLD_FINDINGS, {"code": FANMAO + "0003"}, role=role, scope=scope)
        assert [e["extensions"]["code"] for e in body["errors"]] == ["FORBIDDEN"]
        assert body["errors"][0]["path"] == ["household", "findings"]
        assert body["data"]["household"]["code"] == FANMAO + "0003"


def test_pages_and_filters(api, demo):
    run_audit(api)
    everything = findings(api)
    order = sorted(everything, key=lambda f: (f["lastSeenAt"], f["id"]), reverse=True)
    assert [f["id"] for f in everything] == [f["id"] for f in order]
    seen, after = [], None
    while True:
        page = api.data(FINDINGS, {"first": 3, "after": after})["auditFindings"]
        seen += [e["node"]["id"] for e in page["edges"]]
        assert page["totalCount"] == TOTAL
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == [f["id"] for f in everything]
    assert {f["rule"] for f in findings(api, {"severity": "LOW"})} == {
        "CAUSE_CONTRADICTION", "OFFICIAL_OVERLOADED"}  # fmt: skip
    assert len(findings(api, {"status": "OPEN", "rule": "NO_RESPONSIBLE_OFFICIAL"})) == 3
    assert findings(api, {"status": "DISMISSED"}) == []
    sanya = findings(api, {"regionCode": "460200"})
    assert {f["rule"] for f in sanya} == {
        "DUPLICATE_MEMBERSHIP", "INVALID_ID_NUMBER", "IMPLAUSIBLE_AGE", "CROSS_CHECK_MATCH",
        "NO_RESPONSIBLE_OFFICIAL", "INCOME_ABOVE_LINE_TWO_YEARS", "MEASURE_TO_DECEASED",
        "HOUSEHOLD_SPLIT_OR_MERGE"}  # fmt: skip
    assert len(findings(api, {"regionCode": "460203100202"})) == 7  # Luobi village
    assert findings(api, {"regionCode": "469002"}) == []
    assert summary(api, "460203100202") == {
        ("OPEN", "DUPLICATE_MEMBERSHIP"): 1, ("OPEN", "INVALID_ID_NUMBER"): 1,
        ("OPEN", "IMPLAUSIBLE_AGE"): 1, ("OPEN", "NO_RESPONSIBLE_OFFICIAL"): 1,
        ("OPEN", "INCOME_ABOVE_LINE_TWO_YEARS"): 1, ("OPEN", "MEASURE_TO_DECEASED"): 1,
        ("OPEN", "HOUSEHOLD_SPLIT_OR_MERGE"): 1}  # fmt: skip
    assert api.data(SUMMARY, {"code": "469099"})["auditSummary"] is None
    for where, field in (({"regionCode": "46"}, "where.regionCode"),):
        error = api.error(FINDINGS, {"where": where})
        assert error["extensions"]["field"] == field
    assert api.error(FINDINGS, {"after": "bm9wZQ"})["extensions"]["code"] == "BAD_USER_INPUT"


def test_a_run_of_some_rules_over_a_county(api, demo):
    run = run_audit(api, "469001", rules=["OFFICIAL_OVERLOADED", "CAUSE_CONTRADICTION"])
    assert run["rules"] == ["CAUSE_CONTRADICTION", "OFFICIAL_OVERLOADED"]
    assert (run["total"], run["found"]) == (2, 2)
    assert summary(api) == {("OPEN", "CAUSE_CONTRADICTION"): 1, ("OPEN", "OFFICIAL_OVERLOADED"): 1}
    # A village below a county: its own code is the unit.
    run = run_audit(api, "460203100202", rules=["NO_RESPONSIBLE_OFFICIAL"])
    assert (run["total"], run["found"], run["added"]) == (1, 1, 1)
    error = api.error(RUN, {"input": {"regionCode": "469099"}})
    assert (error["extensions"]["code"], error["extensions"]["field"]) == (
        "NOT_FOUND", "input.regionCode")  # fmt: skip
    error = api.error(RUN, {"input": {"regionCode": "460000", "rules": []}})
    assert error["extensions"]["field"] == "input.rules"


def test_rules_are_listed(api, graph):
    rules = api.data("{ auditRules { rule severity description } }")["auditRules"]
    assert [(r["rule"], r["severity"]) for r in rules] == [
        ("DUPLICATE_MEMBERSHIP", "HIGH"), ("INVALID_ID_NUMBER", "HIGH"),
        ("IMPLAUSIBLE_AGE", "MEDIUM"), ("MEMBER_IS_OFFICIAL", "HIGH"),
        ("CROSS_CHECK_MATCH", "HIGH"), ("CAUSE_CONTRADICTION", "LOW"),
        ("NO_RESPONSIBLE_OFFICIAL", "MEDIUM"), ("OFFICIAL_OVERLOADED", "LOW"),
        ("EXIT_CRITERIA_UNMET", "HIGH"), ("INCOME_ABOVE_LINE_TWO_YEARS", "MEDIUM"),
        ("MEASURE_AFTER_EXIT", "MEDIUM"), ("MEASURE_TO_DECEASED", "HIGH"),
        ("MONITORED_WITHOUT_SUPPORT", "MEDIUM"), ("OFFICIAL_PAIRED_WITH_RELATIVE", "HIGH"),
        ("HOUSEHOLD_SPLIT_OR_MERGE", "MEDIUM")]  # fmt: skip
    assert all(r["description"] for r in rules)
