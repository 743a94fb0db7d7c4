"""Return-to-poverty monitoring, borderline households and feedback (issue 13) on the
demo story: the issue's "Done when" list, expected values derived from seeds/demo.py
and seeds/monitoring.py. The read-only checks share one load of the story (the
`story` fixture); each test that writes loads it again (`demo`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from conftest import Api, migrated, run_on_db, wait_for_audit_runs
from test_household_mutations import refused, snapshot

from api.auth import Role
from graph.db import count_statements
from graph.testdb import wipe
from graph.validation import today_cst
from seeds.demo import FANMAO, FU_HOUSEHOLD, HUANG, LUOBI, SHUINAN, WANG, id_number
from seeds.monitoring import BORDERLINE_HOUSEHOLD, FEEDBACK, MONITORING

AS_OF = dt.date(2026, 11, 1)
HARDSHIP_HOUSEHOLD = SHUINAN + "0004"
UNSTABLE_HOUSEHOLD = FANMAO + "0005"
INVESTIGATOR = {"role": Role.INVESTIGATOR}
SANYA = {"role": Role.REGION_OFFICER, "scope": "460203"}

AT_RISK = """query($r: String!, $d: Date, $u: Boolean, $first: Int = 20, $after: String) {
  atRiskHouseholds(regionCode: $r, asOf: $d, unsupported: $u, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { cursor node { household { code } triggers latestIncomeYear latestPerCapitaNet
      previousPerCapitaNet threshold flaggedOn supportedWithinMonth
      monitoring { id group } firstMeasureAfterFlag { id date } } } } }"""
FEEDBACK_LIST = """query($w: FeedbackWhere, $first: Int = 20, $after: String) {
  feedback(where: $w, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { id householdCode category source status score text answer submittedOn
      submittedBy { code } household { code } } } } }"""
HOUSEHOLD = """query($c: String!) { household(code: $c) { status monitored version
  monitoring { id group riskTypes startedOn removedOn removalReason open }
  feedback { totalCount edges { node { id category status } } } } }"""
START = """mutation($i: StartMonitoringInput!) { startMonitoring(input: $i) {
  clientMutationId monitoringRecord { id group riskTypes startedOn open }
  household { monitored version } } }"""
END = """mutation($i: EndMonitoringInput!) { endMonitoring(input: $i) {
  monitoringRecord { id removedOn removalReason open } household { monitored } } }"""
SUBMIT = """mutation($i: SubmitFeedbackInput!) { submitFeedback(input: $i) {
  clientMutationId feedback { id status category score text submittedOn
  submittedBy { code } } } }"""
ANSWER = """mutation($i: AnswerFeedbackInput!) { answerFeedback(input: $i) {
  feedback { id status answer answeredOn } } }"""
CLOSE = """mutation($i: CloseFeedbackInput!) { closeFeedback(input: $i) {
  feedback { id status closedOn } } }"""
RETURN = """mutation($i: ReturnToPovertyInput!) { returnToPoverty(input: $i) {
  household { status } } }"""
UPDATE = "mutation($i: UpdateHouseholdInput!) { updateHousehold(input: $i) { clientMutationId } }"
DEREGISTER = """mutation($i: DeregisterHouseholdInput!) { deregisterHousehold(input: $i) {
  household { status monitored } } }"""
REGISTER = (
    "mutation($i: RegisterHouseholdInput!) { registerHousehold(input: $i) { household { code "
    "status monitored } } }"
)
ASSESS = """mutation($i: AssessExitInput!) { assessExit(input: $i) { assessment { id } } }"""
COVERAGE = """query($r: String!, $d: Date) { pairingCoverage(regionCode: $r, asOf: $d) {
  households } }"""


def ago(days: int) -> str:
    return (AS_OF - dt.timedelta(days=days)).isoformat()


def started(household: str) -> int:
    """Days before D the demo's record of `household` started."""
    return next(days for _, code, _, _, days, _ in MONITORING if code == household)


def household(api: Any, code: str, **kw: Any) -> dict[str, Any]:
    return api.data(HOUSEHOLD, {"c": code}, **kw)["household"]  # type: ignore[no-any-return]


def at_risk(api: Any, **variables: Any) -> dict[str, Any]:
    kw = {k: variables.pop(k) for k in ("role", "scope") if k in variables}
    found = api.data(AT_RISK, {"r": "460000", "d": AS_OF.isoformat(), **variables}, **kw)
    return found["atRiskHouseholds"]  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def story(driver: Any, app_client: Any, test_settings: Any) -> Iterator[Api]:
    """The demo story loaded once for the read-only checks below."""
    from seeds.demo import load_demo

    wait_for_audit_runs(driver)
    wipe(driver)
    run_on_db(test_settings, lambda db: load_demo(db, AS_OF, say=lambda _: None))
    yield Api(app_client, test_settings)


# --- reads (one load of the story) ------------------------------------------------------


def test_at_risk_households_of_the_province(story):
    found = at_risk(story)
    rows = [
        (n["household"]["code"], n["triggers"], n["flaggedOn"], n["supportedWithinMonth"])
        for n in (e["node"] for e in found["edges"])
    ]
    assert found["totalCount"] == 3
    assert rows == [
        (HARDSHIP_HOUSEHOLD, ["LOW_INCOME", "INCOME_DROP", "HARDSHIP"],
         ago(started(HARDSHIP_HOUSEHOLD)), True),
        (UNSTABLE_HOUSEHOLD, ["LOW_INCOME", "INCOME_DROP"], ago(started(UNSTABLE_HOUSEHOLD)),
         False),
        (BORDERLINE_HOUSEHOLD, ["LOW_INCOME"], ago(started(BORDERLINE_HOUSEHOLD)), True),
    ]  # fmt: skip
    assert [r[2] for r in rows] == ["2025-09-27", "2026-06-04", "2026-09-02"]
    first, second, third = (e["node"] for e in found["edges"])
    figures = ("latestIncomeYear", "latestPerCapitaNet", "previousPerCapitaNet", "threshold")
    assert [first[k] for k in figures] == [2026, 3100, 5200, 4000]
    assert first["monitoring"] == {"id": "demo-monitor-01", "group": "SUDDEN_HARDSHIP"}
    assert first["firstMeasureAfterFlag"] == {"id": "demo-measure-05", "date": ago(392)}
    assert second["firstMeasureAfterFlag"] is None
    assert third["firstMeasureAfterFlag"] == {"id": "demo-measure-12", "date": ago(40)}
    assert third["previousPerCapitaNet"] is None


def test_at_risk_today_agrees_with_yesterday_read_from_the_history(story):
    """As of today the candidates come from the stored status (the (status, code) index,
    migration 19) and the open hardship records, and the rest of a record only for the
    page; as of a past day from each household's status history and records. The story
    changes nothing between yesterday and today, so both answer the same rows, totals
    and pages, with and without totalCount and the unsupported filter."""
    yesterday = (today_cst() - dt.timedelta(days=1)).isoformat()
    no_total = AT_RISK.replace("totalCount ", "")
    cases = [{}, {"u": True}, {"u": False}, {"first": 1}, {"r": "469030"}, SANYA]
    for variables in cases:
        today = at_risk(story, d=None, **dict(variables))
        assert today == at_risk(story, d=yesterday, **dict(variables)), variables
        assert today["edges"], variables
        if "first" in variables:
            cursor = today["pageInfo"]["endCursor"]
            rest = at_risk(story, d=None, after=cursor)
            assert rest == at_risk(story, d=yesterday, after=cursor)
            assert len(rest["edges"]) == today["totalCount"] - 1
        kw = {k: variables[k] for k in ("role", "scope") if k in variables}
        asked = {"r": "460000", **{k: v for k, v in variables.items() if k not in kw}}
        untotalled = story.data(no_total, asked, **kw)["atRiskHouseholds"]
        assert untotalled == {k: v for k, v in today.items() if k != "totalCount"}
    assert at_risk(story, d=None)["totalCount"] == 3


def test_at_risk_unsupported_pages_and_refusals(story):
    unsupported = at_risk(story, u=True)
    assert [e["node"]["household"]["code"] for e in unsupported["edges"]] == [UNSTABLE_HOUSEHOLD]
    assert unsupported["totalCount"] == 1
    supported = at_risk(story, u=False)
    assert supported["totalCount"] == 2
    # A page of one, then the rest from its cursor.
    page = at_risk(story, first=1)
    assert page["pageInfo"]["hasNextPage"] and page["totalCount"] == 3
    rest = at_risk(story, after=page["pageInfo"]["endCursor"])
    assert [e["node"]["household"]["code"] for e in rest["edges"]] == [
        UNSTABLE_HOUSEHOLD, BORDERLINE_HOUSEHOLD]  # fmt: skip
    # Scope: a Sanya officer sees only the Sanya household; a county's list is its own.
    assert [e["node"]["household"]["code"] for e in at_risk(story, **SANYA)["edges"]] == [
        HARDSHIP_HOUSEHOLD
    ]
    assert at_risk(story, r="469030")["totalCount"] == 1
    # As of 2025-12-01: Fanmao 0005 had not exited yet, the borderline household had no
    # income record of 2025 or before, and Shuinan 0004's latest income then was 2025's
    # (its derived figures are 2026's: read from its records).
    past = at_risk(story, d="2025-12-01")
    assert [(n["household"]["code"], n["triggers"], n["latestIncomeYear"],
             n["latestPerCapitaNet"], n["previousPerCapitaNet"])
            for n in (e["node"] for e in past["edges"])] == [
        (HARDSHIP_HOUSEHOLD, ["LOW_INCOME", "HARDSHIP"], 2025, 5200, None)]  # fmt: skip
    error = story.error(AT_RISK, {"r": "460000"}, **INVESTIGATOR)
    assert error["extensions"]["code"] == "FORBIDDEN"
    for variables, field in (
        ({"r": "460000", "f": 0.5}, "thresholdFactor"),
        ({"r": "460000", "s": 0.95}, "dropShare"),
    ):
        query = AT_RISK.replace("$u: Boolean,", "$u: Boolean, $f: Float = 1.5, $s: Float = 0.3,")
        query = query.replace("unsupported: $u,", "unsupported: $u, thresholdFactor: $f, "
                              "dropShare: $s,")  # fmt: skip
        error = story.error(query, variables)
        assert (error["extensions"]["code"], error["extensions"]["field"]) == (
            "BAD_USER_INPUT", field)  # fmt: skip


def test_feedback_lists_and_masks(story):
    found = story.data(FEEDBACK_LIST, {"w": {"regionCode": "460203", "status": "OPEN"}})
    [edge] = found["feedback"]["edges"]
    assert (edge["node"]["householdCode"], edge["node"]["category"]) == (
        LUOBI + "0002", "COMPLAINT")  # fmt: skip
    everything = story.data(FEEDBACK_LIST)["feedback"]
    # Newest first: D-10, D-15, D-30.
    assert [e["node"]["id"] for e in everything["edges"]] == [
        "demo-feedback-02", "demo-feedback-01", "demo-feedback-03"]  # fmt: skip
    assert everything["totalCount"] == len(FEEDBACK)
    closed = everything["edges"][2]["node"]
    assert (closed["status"], closed["source"], closed["submittedBy"]) == (
        "CLOSED", "OFFICIAL", {"code": HUANG})  # fmt: skip
    page = story.data(FEEDBACK_LIST, {"first": 2})["feedback"]
    rest = story.data(FEEDBACK_LIST, {"after": page["pageInfo"]["endCursor"]})["feedback"]
    assert [e["node"]["id"] for e in rest["edges"]] == ["demo-feedback-03"]
    # The total is the list's, whatever the cursor; the page after it is the last.
    assert (page["totalCount"], rest["totalCount"]) == (len(FEEDBACK), len(FEEDBACK))
    assert (page["pageInfo"]["hasNextPage"], rest["pageInfo"]["hasNextPage"]) == (True, False)
    masked = story.data(FEEDBACK_LIST, **INVESTIGATOR)["feedback"]["edges"]
    assert [(e["node"]["text"], e["node"]["answer"]) for e in masked] == [(None, None)] * 3
    assert everything["edges"][0]["node"]["text"] is not None
    # A Sanya officer: the two Sanya ones.
    sanya = story.data(FEEDBACK_LIST, **SANYA)["feedback"]
    assert sanya["totalCount"] == 2
    on_household = household(story, FU_HOUSEHOLD)
    assert on_household["feedback"]["edges"] == [
        {"node": {"id": "demo-feedback-02", "category": "SATISFACTION", "status": "ANSWERED"}}
    ]


def test_monitoring_of_the_story(story):
    watched = household(story, HARDSHIP_HOUSEHOLD)
    assert watched["monitored"] is True
    assert watched["monitoring"] == [
        {"id": "demo-monitor-01", "group": "SUDDEN_HARDSHIP", "riskTypes": ["DISASTER"],
         "startedOn": "2025-09-27", "removedOn": None, "removalReason": None, "open": True}
    ]  # fmt: skip
    assert household(story, FU_HOUSEHOLD)["monitored"] is False
    borderline = household(story, BORDERLINE_HOUSEHOLD)
    assert (borderline["status"], borderline["monitored"]) == ("BORDERLINE", True)


def test_coverage_leaves_borderline_out(story):
    found = story.data(COVERAGE, {"r": "469030", "d": AS_OF.isoformat()})
    assert found["pairingCoverage"]["households"] == 3
    asked = story.data(
        'query { pairingCoverage(regionCode: "469030", statuses: [BORDERLINE]) { households } }'
    )
    assert asked["pairingCoverage"]["households"] == 1


def test_both_lists_run_one_statement_at_any_page_size(story):
    counts = []
    for first in (5, 50):
        for query, variables in (
            (AT_RISK, {"r": "460000", "first": first}),
            (FEEDBACK_LIST, {"w": {"regionCode": "460000"}, "first": first}),
            (FEEDBACK_LIST, {"first": first}),
            ("query($first: Int!) { households(first: $first) { edges { node { code "
             "monitoring(first: 20) { id } feedback(first: 20) { edges { node { id } } } } } } }",
             {"first": first}),
        ):  # fmt: skip
            with count_statements() as statements:
                story.data(query, variables)
            counts.append(len(statements))
    assert counts == [1] * 8
    by_header = []
    for first in (5, 50):
        for query, variables in (
            (AT_RISK, {"r": "460000", "first": first}),
            (FEEDBACK_LIST, {"w": {"regionCode": "460203"}, "first": first}),
        ):
            response = story.client.post(
                "/graphql",
                json={"query": query, "variables": variables},
                headers={"authorization": f"Bearer {story.token(Role.ADMIN)}",
                         "x-fupin-statements": "1"},
            )  # fmt: skip
            by_header.append(response.json()["extensions"]["statements"])
    assert by_header == [1] * 4


# --- writes (the story loaded again for each) -------------------------------------------


def test_start_and_end_monitoring(api, demo, graph):
    start = {"clientMutationId": "c3-start-0001", "householdCode": FU_HOUSEHOLD,
             "group": "UNSTABLE_EXITED", "riskTypes": ["ILLNESS"]}  # fmt: skip
    before = household(api, FU_HOUSEHOLD)["version"]
    payload = api.data(START, {"i": start})["startMonitoring"]
    record = payload["monitoringRecord"]
    assert (record["group"], record["riskTypes"], record["open"]) == (
        "UNSTABLE_EXITED", ["ILLNESS"], True)  # fmt: skip
    assert payload["household"] == {"monitored": True, "version": before + 1}
    # A retry writes nothing more; the same id with another input is CONFLICT.
    kept = snapshot(graph)
    assert api.data(START, {"i": start})["startMonitoring"]["monitoringRecord"] == record
    assert snapshot(graph) == kept
    refused(api, graph, START, {"i": {**start, "riskTypes": ["OTHER"]}}, "CONFLICT")
    # Another start while one is open.
    again = {**start, "clientMutationId": "c3-start-0002"}
    refused(api, graph, START, {"i": again}, "CONFLICT", "input.householdCode")
    # BORDERLINE needs a BORDERLINE household; 1-4 risk types.
    border = {**start, "clientMutationId": "c3-start-0003", "householdCode": SHUINAN + "0002",
              "group": "BORDERLINE"}  # fmt: skip
    refused(api, graph, START, {"i": border}, "BAD_USER_INPUT", "input.group")
    many = {**border, "group": "SUDDEN_HARDSHIP",
            "riskTypes": ["ILLNESS", "DISASTER", "ACCIDENT", "OTHER", "LOW_INCOME"]}  # fmt: skip
    refused(api, graph, START, {"i": many}, "BAD_USER_INPUT", "input.riskTypes")
    # A field official of another county: the household is not theirs.
    field = {"role": Role.FIELD_OFFICIAL, "scope": HUANG}
    refused(api, graph, START, {"i": {**border, "group": "SUDDEN_HARDSHIP"}}, "NOT_FOUND",
            **field)  # fmt: skip
    # endMonitoring: the risk removed, monitored false; nothing open: CONFLICT.
    ended = api.data(END, {"i": {"householdCode": UNSTABLE_HOUSEHOLD, "reason": "RISK_REMOVED"}})
    assert ended["endMonitoring"]["household"] == {"monitored": False}
    assert ended["endMonitoring"]["monitoringRecord"]["removalReason"] == "RISK_REMOVED"
    assert household(api, UNSTABLE_HOUSEHOLD)["monitored"] is False
    end = {"householdCode": UNSTABLE_HOUSEHOLD, "reason": "RISK_REMOVED"}
    refused(api, graph, END, {"i": end}, "CONFLICT", "input.householdCode")
    refused(api, graph, END, {"i": {**end, "householdCode": FU_HOUSEHOLD,
                                    "reason": "RETURNED_TO_POVERTY"}},
            "BAD_USER_INPUT", "input.reason")  # fmt: skip
    refused(api, graph, END, {"i": {**end, "householdCode": FU_HOUSEHOLD}}, "FORBIDDEN",
            **field)  # fmt: skip


def test_borderline_returns_and_monitored_follows_records(api, demo, graph):
    found = api.data(RETURN, {"i": {"householdCode": BORDERLINE_HOUSEHOLD, "cause": "ILLNESS"}})
    assert found["returnToPoverty"]["household"] == {"status": "REGISTERED"}
    after = household(api, BORDERLINE_HOUSEHOLD)
    assert after["monitored"] is False
    [record] = after["monitoring"]
    assert (record["removalReason"], record["open"]) == ("RETURNED_TO_POVERTY", False)
    # monitored is not a field a writer sets: another value is refused, the same is fine.
    version = household(api, HARDSHIP_HOUSEHOLD)["version"]
    update = {"code": HARDSHIP_HOUSEHOLD, "expectedVersion": version, "monitored": False}
    refused(api, graph, UPDATE, {"i": update}, "BAD_USER_INPUT", "input.monitored")
    api.data(UPDATE, {"i": {**update, "monitored": True, "debt": 10}})
    assert household(api, HARDSHIP_HOUSEHOLD)["monitored"] is True
    # Deregistering closes any open record.
    version = household(api, HARDSHIP_HOUSEHOLD)["version"]
    gone = api.data(DEREGISTER, {"i": {"code": HARDSHIP_HOUSEHOLD, "expectedVersion": version,
                                       "reason": "MOVED_OUT_OF_PROVINCE"}})  # fmt: skip
    assert gone["deregisterHousehold"]["household"] == {"status": "DEREGISTERED",
                                                        "monitored": False}  # fmt: skip
    [closed] = household(api, HARDSHIP_HOUSEHOLD)["monitoring"]
    assert closed["removalReason"] == "DEREGISTERED"
    # A BORDERLINE household is registered as such, never assessed for exit, never
    # registered monitored.
    new = {"clientMutationId": "c3-register-01", "code": SHUINAN + "0600", "villageCode": SHUINAN,
           "mainCause": "ILLNESS", "status": "BORDERLINE",
           "members": [{"idNumber": id_number("460203", dt.date(1970, 1, 2), 151),
                        "name": "Border Head", "relation": "HEAD"}]}  # fmt: skip
    refused(api, graph, REGISTER, {"i": {**new, "monitored": True}}, "BAD_USER_INPUT",
            "input.monitored")  # fmt: skip
    registered = api.data(REGISTER, {"i": new})["registerHousehold"]["household"]
    assert (registered["status"], registered["monitored"]) == ("BORDERLINE", False)
    assess = {"householdCode": new["code"], "year": 2026, "verifiedBy": "O-460203-001",
              "foodSecure": True, "clothingSecure": True, "villageConfirmed": True}  # fmt: skip
    refused(api, graph, ASSESS, {"i": assess}, "CONFLICT", "input.householdCode")


def test_feedback_is_submitted_answered_and_closed(api, demo, graph):
    [open_one] = api.data(FEEDBACK_LIST, {"w": {"regionCode": "460203", "status": "OPEN"}})[
        "feedback"]["edges"]  # fmt: skip
    fid = open_one["node"]["id"]
    answered = api.data(ANSWER, {"i": {"feedbackId": fid, "answer": "Visit booked."}})
    assert answered["answerFeedback"]["feedback"]["status"] == "ANSWERED"
    refused(api, graph, ANSWER, {"i": {"feedbackId": fid, "answer": "Again."}}, "CONFLICT",
            "input.feedbackId")  # fmt: skip
    closed = api.data(CLOSE, {"i": {"feedbackId": fid}})["closeFeedback"]["feedback"]
    assert closed["status"] == "CLOSED"
    refused(api, graph, CLOSE, {"i": {"feedbackId": fid}}, "CONFLICT", "input.feedbackId")
    submit = {"clientMutationId": "c3-feedback-01", "householdCode": FU_HOUSEHOLD,
              "source": "HOUSEHOLD", "category": "SATISFACTION", "text": "Good."}  # fmt: skip
    refused(api, graph, SUBMIT, {"i": submit}, "BAD_USER_INPUT", "input.score")
    refused(api, graph, SUBMIT, {"i": {**submit, "score": 6}}, "BAD_USER_INPUT", "input.score")
    refused(api, graph, SUBMIT, {"i": {**submit, "score": 4, "text": " "}}, "BAD_USER_INPUT",
            "input.text")  # fmt: skip
    huang = {"role": Role.FIELD_OFFICIAL, "scope": HUANG}
    official = {**submit, "source": "OFFICIAL", "score": 4}
    refused(api, graph, SUBMIT, {"i": official}, "NOT_FOUND", "input.householdCode", **huang)
    # Wang, paired with the borderline household, submits as herself.
    wang = {"role": Role.FIELD_OFFICIAL, "scope": WANG}
    mine = {**official, "householdCode": BORDERLINE_HOUSEHOLD, "category": "REQUEST",
            "score": None, "text": "Medicine costs rising."}  # fmt: skip
    payload = api.data(SUBMIT, {"i": {k: v for k, v in mine.items() if v is not None}}, **wang)
    made = payload["submitFeedback"]["feedback"]
    assert (made["status"], made["submittedBy"], made["text"]) == (
        "OPEN", {"code": WANG}, "Medicine costs rising.")  # fmt: skip
    # Field officials may not answer or close.
    error = api.error(ANSWER, {"i": {"feedbackId": made["id"], "answer": "x"}}, **wang)
    assert error["extensions"]["code"] == "FORBIDDEN"
    # A retry answers the same feedback; another input under the id is CONFLICT.
    kept = snapshot(graph)
    again = api.data(SUBMIT, {"i": {k: v for k, v in mine.items() if v is not None}}, **wang)
    assert again["submitFeedback"]["feedback"]["id"] == made["id"]
    assert snapshot(graph) == kept
    refused(api, graph, SUBMIT, {"i": {**{k: v for k, v in mine.items() if v is not None},
                                       "text": "Other."}}, "CONFLICT", **wang)  # fmt: skip


def test_the_migration_turns_the_flag_into_records(api, graph, test_settings):
    rows = migrated(
        graph,
        test_settings,
        12,
        "CREATE (:Household {code: '4602031002019001', status: 'EXITED', monitored: true, "
        "statusSince: date('2024-05-06')}), "
        "(:Household {code: '4602031002019002', status: 'RETURNED', monitored: true, "
        "registrationDate: date('2023-01-01')}), "
        "(:Household {code: '4602031002019003', status: 'REGISTERED', monitored: false})",
        "MATCH (h:Household) OPTIONAL MATCH (r:MonitoringRecord)-[:MONITORS]->(h) "
        "RETURN h.code, r.group, r.riskTypes, toString(r.startedOn), r.removedOn ORDER BY h.code",
    )
    assert rows == [
        ("4602031002019001", "UNSTABLE_EXITED", ["OTHER"], "2024-05-06", None),
        ("4602031002019002", "SUDDEN_HARDSHIP", ["OTHER"], "2023-01-01", None),
        ("4602031002019003", None, None, None, None),
    ]
