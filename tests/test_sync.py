"""The field app's offline sync (issue 22) on the demo story: a batch of visits,
measures and incomes stored once each, in order, by the single mutations' rules, with
the pairing that held on the record's date; replays store nothing; another caller's
clientId is CONFLICT; syncStatus tells the caller's own."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from test_household_mutations import snapshot

from api.auth import Role
from graph.validation import CST, today_cst
from seeds.demo import FANMAO, FU_HOUSEHOLD, HUANG, LIN, SHUINAN

SYNC = """mutation($input: SyncFieldRecordsInput!) {
  syncFieldRecords(input: $input) { results { clientId status code field message id } } }"""
STATUS = """query($ids: [String!]!) { syncStatus(clientIds: $ids) { clientId status id } }"""
LAST_VISIT = "query($c: String!) { household(code: $c) { lastVisitDate } }"
THIRD = SHUINAN + "0003"  # Lin assists (demo-pair-05)
SECOND = SHUINAN + "0002"  # Lin is responsible (demo-pair-04)
HUANGS = FANMAO + "0001"
LIN_KW: dict[str, Any] = {"role": Role.FIELD_OFFICIAL, "scope": LIN}
HUANG_KW: dict[str, Any] = {"role": Role.FIELD_OFFICIAL, "scope": HUANG}


def today() -> dt.date:
    return today_cst()


def ago(days: int) -> str:
    return (today() - dt.timedelta(days=days)).isoformat()


def now(minutes: int = 0) -> str:
    return (dt.datetime.now(CST) + dt.timedelta(minutes=minutes)).isoformat()


def visit(client_id: str, household: str, date: str, **extra: Any) -> dict[str, Any]:
    return {"visit": {"clientId": client_id, "recordedAt": now(), "householdCode": household,
                      "date": date, "purpose": "field visit", **extra}}  # fmt: skip


def sync(api: Any, records: list[dict[str, Any]], device: str = "phone-lin-01", **kw: Any) -> Any:
    kw = kw or LIN_KW
    data = api.data(SYNC, {"input": {"deviceId": device, "records": records}}, **kw)
    return data["syncFieldRecords"]["results"]


def first_batch() -> list[dict[str, Any]]:
    recorded = now()
    return [
        visit("sync-visit-0001", FU_HOUSEHOLD, ago(1)),
        {"measure": {"clientId": "sync-measure-0001", "recordedAt": recorded,
                     "householdCode": FU_HOUSEHOLD, "category": "SUPPLIES", "date": ago(1),
                     "quantity": 25, "unit": "kg", "description": "rice"}},
        {"income": {"clientId": "sync-income-0001", "recordedAt": recorded,
                    "householdCode": THIRD, "year": 2026, "householdSize": 3,
                    "items": {"wages": 9000, "subsidies": 1200}}},
    ]  # fmt: skip


def counts(graph: Any) -> tuple[int, int]:
    found, _, _ = graph.execute_query(
        "CALL () { MATCH (n) RETURN count(n) AS nodes } "
        "CALL () { MATCH ()-[r]->() RETURN count(r) AS rels } RETURN nodes, rels"
    )
    return found[0]["nodes"], found[0]["rels"]


def statuses(results: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [(r["status"], r["code"], r["field"]) for r in results]


def test_a_batch_is_stored_once_and_its_replay_writes_nothing(api, demo, graph):
    batch = first_batch()
    results = sync(api, batch)
    assert statuses(results) == [("STORED", None, None)] * 3, results
    assert [r["clientId"] for r in results] == [
        "sync-visit-0001", "sync-measure-0001", "sync-income-0001"]  # fmt: skip
    assert api.data(LAST_VISIT, {"c": FU_HOUSEHOLD})["household"]["lastVisitDate"] == ago(1)
    ids = [r["id"] for r in results]
    found, _, _ = graph.execute_query(
        "MATCH (n) WHERE (n:Visit OR n:Measure OR n:IncomeRecord) AND n.id IN $ids "
        "RETURN n.id AS id, n.deviceId AS device, n.recordedAt AS recorded, "
        "n.receivedAt AS received",
        ids=ids,
    )
    assert sorted(r["id"] for r in found) == sorted(ids)
    for row in found:
        assert row["device"] == "phone-lin-01"
        assert row["recorded"] is not None and row["received"] is not None
        assert row["recorded"].to_native() <= row["received"].to_native()
    # The change records, made by the single mutations' code, say who synced them.
    changes, _, _ = graph.execute_query(
        "MATCH (c:ChangeRecord {operation: 'syncFieldRecords'}) "
        "RETURN c.clientMutationId AS id, c.subject AS subject"
    )
    assert sorted(r["id"] for r in changes) == sorted(r["clientId"] for r in results)

    before, nodes = snapshot(graph), counts(graph)
    again = sync(api, batch)
    assert statuses(again) == [("DUPLICATE", None, None)] * 3, again
    assert [r["id"] for r in again] == ids
    assert counts(graph) == nodes and snapshot(graph) == before


def test_each_record_by_its_own_rules_one_failing_never_stopping_the_others(api, demo, graph):
    results = sync(api, [
        visit("sync-other-0001", HUANGS, ago(1)),
        visit("sync-tomorrow-01", FU_HOUSEHOLD, (today() + dt.timedelta(days=1)).isoformat()),
        visit("sync-good-00001", FU_HOUSEHOLD, ago(2)),
    ])  # fmt: skip
    assert statuses(results) == [
        ("REJECTED", "NOT_FOUND", "records[0].visit.householdCode"),
        ("REJECTED", "BAD_USER_INPUT", "records[1].visit.date"),
        ("STORED", None, None),
    ], results
    assert results[0]["id"] is None and results[1]["message"]
    # The rejected ones stored nothing, their clientIds included: they may be sent again.
    status = api.data(STATUS, {"ids": [r["clientId"] for r in results]}, **LIN_KW)
    assert [s["status"] for s in status["syncStatus"]] == ["UNKNOWN", "UNKNOWN", "STORED"]


def test_the_pairing_that_held_on_the_records_date_counts(api, demo, graph):
    ended = api.data(
        'mutation { endPairing(input: {pairingId: "demo-pair-04"}) { pairing { until } } }'
    )
    assert ended["endPairing"]["pairing"]["until"] == today().isoformat()
    # Outside sync, the rule is the active pairing: Lin no longer sees the household.
    single = api.error(
        "mutation($i: RecordVisitInput!) { recordVisit(input: $i) { clientMutationId } }",
        {"i": {"clientMutationId": "sync-single-0001", "householdCode": SECOND,
               "date": ago(1), "purpose": "late"}},
        **LIN_KW,
    )  # fmt: skip
    assert single["extensions"]["code"] == "NOT_FOUND"
    results = sync(api, [
        visit("sync-ended-00001", SECOND, ago(1)),
        visit("sync-ended-00040", SECOND, ago(40)),
    ])  # fmt: skip
    assert statuses(results) == [
        ("STORED", None, None),
        ("REJECTED", "NOT_FOUND", "records[1].visit.householdCode"),
    ], results


def test_an_active_pairing_older_than_the_window_is_not_found_too(api, demo, graph):
    # demo-pair-02 (Lin, the Fu household) has held for 200 days before the demo's date.
    results = sync(api, [visit("sync-window-0031", FU_HOUSEHOLD, ago(31)),
                         visit("sync-window-0030", FU_HOUSEHOLD, ago(30))])  # fmt: skip
    assert statuses(results) == [
        ("REJECTED", "NOT_FOUND", "records[0].visit.householdCode"),
        ("STORED", None, None),
    ]


def test_a_batch_of_more_than_a_hundred_writes_nothing(api, demo, graph):
    before = snapshot(graph)
    records = [visit(f"sync-many-{i:04d}", FU_HOUSEHOLD, ago(1)) for i in range(101)]
    error = api.error(SYNC, {"input": {"deviceId": "phone-lin-01", "records": records}}, **LIN_KW)
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "input.records"}
    error = api.error(SYNC, {"input": {"deviceId": "phone-lin-01", "records": []}}, **LIN_KW)
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "input.records"}
    for device in ("short", "phone lin 01", "x" * 65, "手机手机手机手机"):
        error = api.error(SYNC, {"input": {"deviceId": device, "records": records[:1]}}, **LIN_KW)
        assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "input.deviceId"}
    assert snapshot(graph) == before


def test_another_callers_client_id_is_a_conflict(api, demo, graph):
    sync(api, first_batch())
    before = snapshot(graph)
    theirs = visit("sync-visit-0001", HUANGS, ago(1))
    assert statuses(sync(api, [theirs], device="phone-huang-1", **HUANG_KW)) == [
        ("REJECTED", "CONFLICT", "records[0].visit.clientId")
    ]
    # The same caller's clientId for another record is a conflict too, never DUPLICATE.
    other = visit("sync-visit-0001", FU_HOUSEHOLD, ago(3))
    assert statuses(sync(api, [other])) == [("REJECTED", "CONFLICT", "records[0].visit.clientId")]
    assert snapshot(graph) == before


def test_the_same_client_id_twice_in_one_batch_is_stored_once(api, demo, graph):
    record = visit("sync-twice-0001", FU_HOUSEHOLD, ago(1))
    results = sync(api, [record, record])
    assert [r["status"] for r in results] == ["STORED", "DUPLICATE"]
    assert results[0]["id"] == results[1]["id"]
    visits, _, _ = graph.execute_query("MATCH (v:Visit {deviceId: 'phone-lin-01'}) RETURN v.id")
    assert len(visits) == 1


def test_sync_status_tells_the_callers_own_records(api, demo, graph):
    stored = sync(api, first_batch())
    ids = [r["clientId"] for r in stored]
    answer = api.data(STATUS, {"ids": [*ids, "never-sent-0001"]}, **LIN_KW)["syncStatus"]
    assert answer == [
        *({"clientId": r["clientId"], "status": "STORED", "id": r["id"]} for r in stored),
        {"clientId": "never-sent-0001", "status": "UNKNOWN", "id": None},
    ]
    theirs = api.data(STATUS, {"ids": ids}, **HUANG_KW)["syncStatus"]
    assert [s["status"] for s in theirs] == ["UNKNOWN"] * 3
    assert all(s["id"] is None for s in theirs)
    error = api.error(STATUS, {"ids": [f"id-{i:05d}" for i in range(101)]}, **LIN_KW)
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert api.error(STATUS, {"ids": []}, **LIN_KW)["extensions"]["code"] == "BAD_USER_INPUT"


@pytest.mark.parametrize(
    "caller",
    [{"role": Role.AUDITOR}, {"role": Role.INVESTIGATOR},
     {"role": Role.MERCHANT, "scope": "STORE-469025-01"}],  # a shop's till (issue 16)
    ids=lambda c: c["role"].value,
)  # fmt: skip
def test_roles_that_record_nothing_are_forbidden(api, demo, graph, caller):
    before = snapshot(graph)
    variables = {"input": {"deviceId": "phone-lin-01", "records": first_batch()}}
    assert api.error(SYNC, variables, **caller)["extensions"]["code"] == "FORBIDDEN"
    assert api.error(STATUS, {"ids": ["x" * 8]}, **caller)["extensions"]["code"] == "FORBIDDEN"
    assert api.error(SYNC, variables, role=None)["extensions"]["code"] == "UNAUTHENTICATED"
    assert api.error(STATUS, {"ids": ["x" * 8]}, role=None)["extensions"]["code"] == (
        "UNAUTHENTICATED"
    )
    assert snapshot(graph) == before


def test_the_phones_clock_may_not_run_ahead(api, demo, graph):
    ahead = visit("sync-ahead-0001", FU_HOUSEHOLD, ago(1))
    ahead["visit"]["recordedAt"] = now(minutes=10)
    close = visit("sync-close-0001", FU_HOUSEHOLD, ago(1))
    close["visit"]["recordedAt"] = now(minutes=4)
    naive = visit("sync-naive-0001", FU_HOUSEHOLD, ago(1))
    naive["visit"]["recordedAt"] = dt.datetime.now(CST).replace(tzinfo=None).isoformat()
    assert statuses(sync(api, [ahead, close, naive])) == [
        ("REJECTED", "BAD_USER_INPUT", "records[0].visit.recordedAt"),
        ("STORED", None, None),
        ("STORED", None, None),
    ]


def test_an_income_counts_under_the_pairing_of_its_recorded_day(api, demo, graph):
    income = {"clientId": "sync-income-late", "householdCode": SECOND, "year": 2025,
              "householdSize": 2, "items": {"wages": 5000}}  # fmt: skip
    api.data('mutation { endPairing(input: {pairingId: "demo-pair-04"}) { clientMutationId } }')
    made = (dt.datetime.now(CST) - dt.timedelta(days=2)).isoformat()
    gone = (dt.datetime.now(CST) - dt.timedelta(days=35)).isoformat()
    results = sync(api, [
        {"income": {**income, "recordedAt": made}},
        {"income": {**income, "clientId": "sync-income-gone", "year": 2024, "recordedAt": gone}},
    ])  # fmt: skip
    assert statuses(results) == [
        ("STORED", None, None),
        ("REJECTED", "NOT_FOUND", "records[1].income.householdCode"),
    ]


def test_the_single_mutations_rules_and_fields_apply(api, demo, graph):
    """A field official's visit or measure is always their own; a measure's and an
    income's own rules answer with the batch's field names."""
    results = sync(api, [
        visit("sync-as-other-01", FU_HOUSEHOLD, ago(1), officialCode="O-460203-002"),
        {"measure": {"clientId": "sync-measure-bad", "recordedAt": now(),
                     "householdCode": FU_HOUSEHOLD, "category": "SUPPLIES", "date": ago(1),
                     "quantity": 5}},
        {"income": {"clientId": "sync-income-bad", "recordedAt": now(),
                    "householdCode": THIRD, "year": 2026, "householdSize": 3,
                    "items": {"wages": -1}}},
        {"visit": {"clientId": "bad id!", "recordedAt": now(), "householdCode": FU_HOUSEHOLD,
                   "date": ago(1), "purpose": "x"}},
    ])  # fmt: skip
    assert statuses(results) == [
        ("REJECTED", "FORBIDDEN", "records[0].visit.officialCode"),
        ("REJECTED", "BAD_USER_INPUT", "records[1].measure.unit"),
        ("REJECTED", "BAD_USER_INPUT", "records[2].income.items.wages"),
        ("REJECTED", "BAD_USER_INPUT", "records[3].visit.clientId"),
    ], results


def test_a_region_officer_syncs_within_the_subtree(api, demo, graph):
    officer = {"role": Role.REGION_OFFICER, "scope": "460203"}
    results = sync(api, [
        visit("sync-officer-001", FU_HOUSEHOLD, ago(45), officialCode=LIN),
        visit("sync-officer-002", HUANGS, ago(1), officialCode=HUANG),
    ], device="office-tablet-1", **officer)  # fmt: skip
    assert statuses(results) == [
        ("STORED", None, None),
        ("REJECTED", "NOT_FOUND", "records[1].visit.householdCode"),
    ]


def statements(api: Any, records: list[dict[str, Any]]) -> int:
    response = api.client.post(
        "/graphql",
        json={"query": SYNC, "variables": {"input": {"deviceId": "phone-lin-01",
                                                     "records": records}}},
        headers={"authorization": f"Bearer {api.token(Role.FIELD_OFFICIAL, LIN)}",
                 "x-fupin-statements": "1"},
    )  # fmt: skip
    body = response.json()
    assert "errors" not in body, body
    return int(body["extensions"]["statements"])


def test_a_fixed_number_of_statements_per_record(api, demo, graph):
    one = statements(api, [visit("sync-cost-0000", FU_HOUSEHOLD, ago(1))])
    batch = [visit(f"sync-cost-{i:04d}", FU_HOUSEHOLD, ago(1)) for i in (1, 2, 3)]
    three = statements(api, batch)
    assert three - one == 2 * (one - 1)  # one read for the batch, then the same per record
    assert statements(api, batch) == 1  # the replay: the read alone
