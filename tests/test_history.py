"""Change history (issue 10): each mutation records who changed what in its own
transaction; refusals and retries record nothing; history(ref) and the entities'
history fields read it, scoped and masked; `fupin history export` writes it out."""

from __future__ import annotations

import datetime as dt
import json
import re
import time
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from api.auth import Role
from api.schema import schema
from graph.validation import today_cst
from seeds.demo import FU_HOUSEHOLD, LIN, SHUINAN, WU, id_number

ROOT = Path(__file__).resolve().parent.parent

HISTORY = """
query($ref: String!, $first: Int) {
  history(ref: $ref, first: $first) {
    totalCount
    edges { cursor node { at operation subject role clientMutationId
                          changes { field before after } } }
    pageInfo { hasNextPage endCursor }
  }
}
"""

VERSION = "query($c: String!) { household(code: $c) { version } }"

UPDATE = """
mutation($i: UpdateHouseholdInput!) { updateHousehold(input: $i) { household { version } } }
"""


def history(api: Any, ref: str, **kw: Any) -> dict[str, Any]:
    return api.data(HISTORY, {"ref": ref, "first": 50}, **kw)["history"]  # type: ignore[no-any-return]


def update_address(api: Any, cmid: str = "history-update-01") -> dict[str, Any]:
    version = api.data(VERSION, {"c": FU_HOUSEHOLD})["household"]["version"]
    variables = {
        "i": {
            "code": FU_HOUSEHOLD,
            "expectedVersion": version,
            "clientMutationId": cmid,
            "address": "No. 8, Shuinan Village",
            "housingGrade": "A",
        }
    }
    api.data(UPDATE, variables)
    return variables


def test_an_update_is_recorded_with_before_and_after(api, demo):
    before = api.data(
        "query($c: String!) { household(code: $c) { address housingGrade } }", {"c": FU_HOUSEHOLD}
    )["household"]
    update_address(api)
    page = api.data(HISTORY, {"ref": f"Household:{FU_HOUSEHOLD}", "first": 1})["history"]
    entry = page["edges"][0]["node"]
    assert entry["operation"] == "updateHousehold"
    assert entry["role"] == "ADMIN"
    assert entry["subject"] == "dev-admin"
    assert entry["clientMutationId"] == "history-update-01"
    changes = {c["field"]: c for c in entry["changes"]}
    assert set(changes) == {"address", "housingGrade"}
    assert changes["address"] == {
        "field": "address",
        "before": before["address"],
        "after": "No. 8, Shuinan Village",
    }
    assert changes["housingGrade"]["before"] == before["housingGrade"]
    assert changes["housingGrade"]["after"] == "A"


def test_a_retry_and_a_refusal_record_nothing(api, demo):
    variables = update_address(api)
    count = history(api, f"Household:{FU_HOUSEHOLD}")["totalCount"]
    api.data(UPDATE, variables)  # the same request again: answered from its id
    assert history(api, f"Household:{FU_HOUSEHOLD}")["totalCount"] == count
    stale = {"i": {**variables["i"], "clientMutationId": "history-update-02", "address": "x"}}
    error = api.error(UPDATE, stale)
    assert error["extensions"]["code"] == "CONFLICT"
    assert history(api, f"Household:{FU_HOUSEHOLD}")["totalCount"] == count


def test_a_field_officials_visit_is_recorded_as_theirs(api, demo):
    api.data(
        "mutation($i: RecordVisitInput!) { recordVisit(input: $i) { clientMutationId } }",
        {"i": {"clientMutationId": "history-visit-01", "householdCode": FU_HOUSEHOLD,
               "date": demo.isoformat(), "purpose": "follow-up"}},
        role=Role.FIELD_OFFICIAL, scope=LIN,
    )  # fmt: skip
    entry = history(api, f"Household:{FU_HOUSEHOLD}")["edges"][0]["node"]
    assert entry["operation"] == "recordVisit"
    assert entry["role"] == "FIELD_OFFICIAL"
    assert entry["changes"][0]["field"] == "visits"
    assert entry["changes"][0]["after"]["official"] == LIN


def test_a_pairing_is_recorded_on_the_household_and_the_official(api, demo):
    household = SHUINAN + "0003"
    api.data(
        "mutation($i: PairOfficialInput!) { pairOfficial(input: $i) { clientMutationId } }",
        {"i": {"clientMutationId": "history-pair-01", "householdCode": household,
               "officialCode": WU, "role": "RESPONSIBLE", "overrideMaxLoad": True}},
    )  # fmt: skip
    on_household = history(api, f"Household:{household}")["edges"][0]["node"]
    on_official = history(api, f"Official:{WU}")["edges"][0]["node"]
    for entry, field in ((on_household, "officials"), (on_official, "pairedHouseholds")):
        assert entry["operation"] == "pairOfficial"
        assert entry["changes"][0]["field"] == field
        assert entry["changes"][0]["after"]["role"] == "RESPONSIBLE"
    nested = api.data(
        "query($c: String!) { official(code: $c) { history(first: 5) { totalCount } } }",
        {"c": WU},
    )["official"]["history"]
    assert nested["totalCount"] >= 1


def test_investigators_see_personal_values_masked_and_no_subject(api, demo):
    update_address(api)
    entry = history(api, f"Household:{FU_HOUSEHOLD}", role=Role.INVESTIGATOR)["edges"][0]["node"]
    address = next(c for c in entry["changes"] if c["field"] == "address")
    assert address["before"] is None and address["after"] is None
    grade = next(c for c in entry["changes"] if c["field"] == "housingGrade")
    assert grade["after"] == "A"  # not personal: shown
    assert entry["subject"] is None
    assert "Shuinan Village" not in json.dumps(entry)


def test_scope_decides_whose_history_a_region_officer_reads(api, demo):
    update_address(api)
    outside = history(api, f"Household:{FU_HOUSEHOLD}", role=Role.REGION_OFFICER, scope="469001")
    assert outside == {"totalCount": 0, "edges": [], "pageInfo": {"hasNextPage": False,
                                                                 "endCursor": None}}  # fmt: skip
    inside = history(api, f"Household:{FU_HOUSEHOLD}", role=Role.REGION_OFFICER, scope="460203")
    audited = history(api, f"Household:{FU_HOUSEHOLD}", role=Role.AUDITOR)
    assert inside["totalCount"] == audited["totalCount"] >= 1


def test_who_may_read_history(api, demo):
    ref = {"ref": f"Household:{FU_HOUSEHOLD}", "first": 1}
    error = api.error(HISTORY, ref, role=Role.FIELD_OFFICIAL, scope=LIN)
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert api.error(HISTORY, ref, role=None)["extensions"]["code"] == "UNAUTHENTICATED"
    body = api.post(
        "query($c: String!) { household(code: $c) { code history { totalCount } } }",
        {"c": FU_HOUSEHOLD},
        role=Role.FIELD_OFFICIAL,
        scope=LIN,
    )
    assert body["data"]["household"] == {"code": FU_HOUSEHOLD, "history": None}
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert body["errors"][0]["path"] == ["household", "history"]


@pytest.mark.parametrize(
    "ref", ["Household", "Household:", "Nobody:1", "Person:11010519491231002X", "x" * 80]
)
def test_a_malformed_ref_is_refused(api, demo, ref):
    error = api.error(HISTORY, {"ref": ref})
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "ref"}


def test_history_pages_by_keyset(api, demo):
    for n in range(3):
        update_address(api, cmid=f"history-page-{n:02d}")
        api.data(UPDATE, {"i": {"code": FU_HOUSEHOLD, "clientMutationId": f"history-back-{n:02d}",
                                "expectedVersion": api.data(VERSION, {"c": FU_HOUSEHOLD})[
                                    "household"]["version"], "address": f"No. {n}"}})  # fmt: skip
    everything = history(api, f"Household:{FU_HOUSEHOLD}")
    walked, after = [], None
    while True:
        page = api.data(
            "query($r: String!, $a: String) { history(ref: $r, first: 2, after: $a) "
            "{ edges { node { clientMutationId } } pageInfo { hasNextPage endCursor } } }",
            {"r": f"Household:{FU_HOUSEHOLD}", "a": after},
        )["history"]
        walked += [e["node"]["clientMutationId"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert walked == [e["node"]["clientMutationId"] for e in everything["edges"]]
    assert len(walked) == everything["totalCount"] >= 6


# --- every mutation records its change --------------------------------------------------

CMID = "history-walk-{n:02d}"
NEW_HEAD = id_number("460203", dt.date(1975, 5, 5), 131)
NEW_CHILD = id_number("460203", dt.date(2012, 2, 2), 132)


def samples(api: Any, demo: Any) -> dict[str, tuple[str, dict[str, Any]]]:
    """One call of every mutation on the demo story (run in this order)."""
    new = SHUINAN + "0400"

    def version(code: str) -> int:
        return int(api.data(VERSION, {"c": code})["household"]["version"])

    def measure() -> str:
        found = api.data(
            "query($c: String!) { household(code: $c) { measures(first: 1) "
            "{ edges { node { id } } } } }",
            {"c": FU_HOUSEHOLD},
        )
        return str(found["household"]["measures"]["edges"][0]["node"]["id"])

    def pairing() -> str:
        found = api.data(
            "query($c: String!) { household(code: $c) { officials { id } } }", {"c": new}
        )
        return str(found["household"]["officials"][0]["id"])

    def finding() -> str:
        """The finding the run of the walk finds (it works in the background)."""
        deadline = time.monotonic() + 60
        while True:
            found = api.data(
                "{ auditFindings(where: {rule: CAUSE_CONTRADICTION}, first: 1) "
                "{ edges { node { id } } } }"
            )["auditFindings"]["edges"]
            if found:
                return str(found[0]["node"]["id"])
            assert time.monotonic() < deadline, "the walk's audit run found nothing"
            time.sleep(0.05)

    return {
        "registerHousehold": ("RegisterHouseholdInput", lambda: {
            "clientMutationId": CMID.format(n=1), "code": new, "villageCode": SHUINAN,
            "mainCause": "ILLNESS",
            "members": [{"idNumber": NEW_HEAD, "name": "Walk Head", "relation": "HEAD"}]}),
        "updateHousehold": ("UpdateHouseholdInput", lambda: {
            "code": new, "expectedVersion": version(new), "debt": 100}),
        "addMember": ("AddMemberInput", lambda: {
            "clientMutationId": CMID.format(n=2), "householdCode": new,
            "member": {"idNumber": NEW_CHILD, "name": "Walk Child", "relation": "SON"}}),
        "updateMember": ("UpdateMemberInput", lambda: {
            "householdCode": new, "idNumber": NEW_CHILD, "workMonths": 3}),
        "endMembership": ("EndMembershipInput", lambda: {
            "householdCode": new, "idNumber": NEW_CHILD, "reason": "MOVED_AWAY",
            "date": today_cst().isoformat()}),
        "pairOfficial": ("PairOfficialInput", lambda: {
            "clientMutationId": CMID.format(n=3), "householdCode": new, "officialCode": LIN,
            "role": "ASSISTING", "overrideMaxLoad": True}),
        "recordVisit": ("RecordVisitInput", lambda: {
            "clientMutationId": CMID.format(n=4), "householdCode": new, "officialCode": LIN,
            "date": today_cst().isoformat(), "purpose": "walk"}),
        "endPairing": ("EndPairingInput", lambda: {"pairingId": pairing()}),
        "deregisterHousehold": ("DeregisterHouseholdInput", lambda: {
            "code": new, "expectedVersion": version(new), "reason": "DUPLICATE"}),
        # Recorded on the household (a measure, an income record) and on the line.
        "recordMeasure": ("RecordMeasureInput", lambda: {
            "clientMutationId": CMID.format(n=6), "householdCode": FU_HOUSEHOLD,
            "category": "SUPPLIES", "date": today_cst().isoformat(), "quantity": 20, "unit": "kg",
            "description": "rice", "agency": "Walk Bureau"}),
        "voidMeasure": ("VoidMeasureInput", lambda: {
            "measureId": measure(), "reason": "entered twice"}),
        "recordIncome": ("RecordIncomeInput", lambda: {
            "clientMutationId": CMID.format(n=7), "householdCode": FU_HOUSEHOLD,
            "year": 2020, "items": {"wages": 12000}, "householdSize": 4}),
        # Recorded on the household: an assessment (failed: not insured), a return.
        "assessExit": ("AssessExitInput", lambda: {
            "clientMutationId": CMID.format(n=8), "householdCode": SHUINAN + "0002",
            "year": today_cst().year, "verifiedBy": LIN, "foodSecure": True, "clothingSecure": True,
            "villageConfirmed": True}),
        "returnToPoverty": ("ReturnToPovertyInput", lambda: {
            "clientMutationId": CMID.format(n=9), "householdCode": FU_HOUSEHOLD,
            "cause": "ILLNESS"}),
        "setPovertyLine": ("SetPovertyLineInput", lambda: {
            "year": 2021, "line": 4100, "exitLine": 4200}),
        # Recorded on the region (issue 14).
        "setRuralPopulation": ("SetRuralPopulationInput", lambda: {
            "regionCode": "460203100201", "ruralPopulation": 1300}),
        # The field app's batch: its records are recorded by their own mutations' code.
        "syncFieldRecords": ("SyncFieldRecordsInput", lambda: {
            "deviceId": "walk-phone-01", "records": [{"visit": {
                "clientId": CMID.format(n=10), "recordedAt": dt.datetime.now(dt.UTC).isoformat(),
                "householdCode": FU_HOUSEHOLD, "officialCode": LIN, "date": today_cst().isoformat(),
                "purpose": "walk"}}]}),
        "createOfficial": ("CreateOfficialInput", lambda: {
            "clientMutationId": CMID.format(n=5), "code": "O-460203-777", "name": "Walk Official",
            "maxLoad": 5}),
        "runAudit": ("RunAuditInput", lambda: {
            "regionCode": "469001", "rules": ["CAUSE_CONTRADICTION"]}),
        "confirmFinding": ("ReviewFindingInput", lambda: {
            "findingId": finding(), "note": "walked"}),
        "reopenFinding": ("ReopenFindingInput", lambda: {"findingId": finding()}),
        "dismissFinding": ("ReviewFindingInput", lambda: {
            "findingId": finding(), "note": "walked"}),
        "importCrossCheckList": ("ImportCrossCheckListInput", lambda: {
            "list": "VEHICLE_OWNER", "source": "walk", "idNumbers": [NEW_HEAD]}),
        **trade_samples(api),
        **sales_samples(),
        **monitoring_samples(api),
    }  # fmt: skip


def monitoring_samples(api: Any) -> dict[str, tuple[str, Any]]:
    """Monitoring and feedback (issue 13) on the Fu household (RETURNED by then): a
    sudden hardship watched and ended, a complaint submitted, answered and closed."""

    def feedback() -> str:
        found = api.data(
            "query($c: String!) { household(code: $c) { feedback(first: 1) "
            "{ edges { node { id } } } } }",
            {"c": FU_HOUSEHOLD},
        )
        return str(found["household"]["feedback"]["edges"][0]["node"]["id"])

    return {
        "startMonitoring": ("StartMonitoringInput", lambda: {
            "clientMutationId": CMID.format(n=21), "householdCode": FU_HOUSEHOLD,
            "group": "SUDDEN_HARDSHIP", "riskTypes": ["ILLNESS"]}),
        "endMonitoring": ("EndMonitoringInput", lambda: {
            "householdCode": FU_HOUSEHOLD, "reason": "RISK_REMOVED"}),
        "submitFeedback": ("SubmitFeedbackInput", lambda: {
            "clientMutationId": CMID.format(n=22), "householdCode": FU_HOUSEHOLD,
            "source": "HOUSEHOLD", "category": "COMPLAINT", "text": "walked"}),
        "answerFeedback": ("AnswerFeedbackInput", lambda: {
            "feedbackId": feedback(), "answer": "walked"}),
        "closeFeedback": ("CloseFeedbackInput", lambda: {"feedbackId": feedback()}),
    }  # fmt: skip


def sales_samples() -> dict[str, tuple[str, Any]]:
    """Sales' mutations (issue 16): a new seller sells a bottle of the demo's honey and
    the order is cancelled (recorded on the seller, and on the cooperative paid)."""
    from seeds.trade import BOTTLED_LOT, NANLAO

    placed = (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)).isoformat()
    return {
        "createSeller": ("CreateSellerInput", lambda: {
            "code": "STORE-WALK", "name": "Walk Store", "kind": "ONLINE_SHOP",
            "regionCode": NANLAO}),
        "recordOrder": ("RecordOrderInput", lambda: {
            "sellerCode": "STORE-WALK", "orderId": "walk-order-01", "channel": "ONLINE",
            "placedAt": placed, "buyer": {"id": "walk-buyer"},
            "lines": [{"traceCode": BOTTLED_LOT, "quantity": 1, "unitPrice": "40"}]}),
        "cancelOrder": ("CancelOrderInput", lambda: {
            "sellerCode": "STORE-WALK", "orderId": "walk-order-01", "reason": "walk"}),
    }  # fmt: skip


def trade_samples(api: Any) -> dict[str, tuple[str, Any]]:
    """Traceability's mutations (issue 15) on the demo's honey story, in order: a lot
    registered by a Baisha household, accepted by a new cooperative it joins, packed."""
    from seeds.trade import BAISHA_HOUSEHOLDS, NANLAO

    household, lots = BAISHA_HOUSEHOLDS[0], {}

    def registered() -> str:
        if "lot" not in lots:
            found = api.data(
                "query($c: String!) { household(code: $c) { lots(first: 1) "
                "{ edges { node { traceCode remaining } } } } }",
                {"c": household},
            )
            lots["lot"] = found["household"]["lots"]["edges"][0]["node"]["traceCode"]
        return lots["lot"]

    return {
        "defineProduct": ("DefineProductInput", lambda: {
            "clientMutationId": CMID.format(n=16), "code": "WALK-JAM", "name": "walk jam",
            "category": "PROCESSED_FOOD", "unit": "BOTTLE"}),
        "createCooperative": ("CreateCooperativeInput", lambda: {
            "clientMutationId": CMID.format(n=17), "code": "COOP-WALK", "name": "Walk Cooperative",
            "villageCode": NANLAO}),
        "addCooperativeMember": ("CooperativeMemberInput", lambda: {
            "cooperativeCode": "COOP-WALK", "householdCode": household}),
        "registerLot": ("RegisterLotInput", lambda: {
            "clientMutationId": CMID.format(n=18), "productCode": "WILD-HONEY", "quantity": 4,
            "producedOn": today_cst().isoformat(), "householdCode": household}),
        "acceptLots": ("AcceptLotsInput", lambda: {
            "clientMutationId": CMID.format(n=19), "cooperativeCode": "COOP-WALK",
            "date": today_cst().isoformat(),
            "lots": [{"traceCode": registered(), "pricePerUnit": "50"}]}),
        "transformLots": ("TransformLotsInput", lambda: {
            "clientMutationId": CMID.format(n=20), "kind": "PACKING",
            "date": today_cst().isoformat(),
            "inputs": [{"traceCode": registered(), "quantity": 4}],
            "outputs": [{"productCode": "WILD-HONEY-500G", "quantity": 8}]}),
        "endCooperativeMembership": ("EndCooperativeMembershipInput", lambda: {
            "cooperativeCode": "COOP-WALK", "householdCode": household}),
    }  # fmt: skip


def records(graph: Any) -> list[dict[str, Any]]:
    found, _, _ = graph.execute_query(
        "MATCH (c:ChangeRecord) RETURN c.operation AS operation, c.id AS id"
    )
    return [dict(r) for r in found]


def test_every_mutation_records_its_change(api, demo, graph):
    mutations = sorted(schema._schema.mutation_type.fields)
    calls = samples(api, demo)
    assert sorted(calls) == mutations, "add a sample call for every mutation"
    for name, (input_type, variables) in calls.items():
        before = len(records(graph))
        api.data(
            f"mutation($i: {input_type}!) {{ {name}(input: $i) {{ __typename }} }}",
            {"i": {k: v for k, v in variables().items() if v is not None}},
        )
        after = records(graph)
        assert len(after) > before, f"{name} recorded no change"
        assert {r["operation"] for r in after} >= {name}


def test_nothing_edits_or_deletes_a_change_record():
    """Append-only: no Cypher in the code sets, removes or deletes on a ChangeRecord,
    and no mutation of the schema is about one."""
    offenders = []
    for path in [*(ROOT / "graph").glob("*.py"), *(ROOT / "api").glob("*.py")]:
        text = path.read_text()
        for match in re.finditer(r"ChangeRecord", text):
            window = text[match.start() : match.start() + 400]
            statement = window.split('"""')[0].split(")\n")[0]
            if (
                re.search(r"\b(SET|REMOVE|DELETE|DETACH)\b", statement)
                and "CREATE (c:ChangeRecord" not in statement
            ):
                offenders.append(f"{path.name}: {statement[:80]}")
    assert offenders == []
    for name in schema._schema.mutation_type.fields:
        assert "history" not in name.lower() and "change" not in name.lower(), name


def test_history_is_exported_as_json_lines(monkeypatch, test_settings, api, demo, tmp_path):
    from api.cli import app

    update_address(api)
    monkeypatch.setenv("NEO4J_URI", test_settings.bolt_uri)
    monkeypatch.setenv("NEO4J_PASSWORD", test_settings.neo4j_password.get_secret_value())
    out = tmp_path / "history.jsonl"
    result = CliRunner().invoke(
        app, ["history", "export", "--since", "2026-01-01T00:00:00+08:00", "--output", str(out)]
    )
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert any(
        r["operation"] == "updateHousehold" and r["entityKey"] == FU_HOUSEHOLD for r in lines
    )
    assert [r["at"] for r in lines] == sorted(r["at"] for r in lines)  # oldest first
    elsewhere = CliRunner().invoke(
        app, ["history", "export", "--since", "2026-01-01", "--region", "469001"]
    )
    assert elsewhere.exit_code == 0, elsewhere.output
    assert FU_HOUSEHOLD not in elsewhere.output
