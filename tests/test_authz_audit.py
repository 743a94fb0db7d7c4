"""The file audit in the authorization matrix (tests/test_authz_matrix.py's story and
callers): who reads findings, runs, rules and imports, and who runs, reviews and
imports."""

from __future__ import annotations

from typing import Any

import pytest
from test_authz_matrix import (
    ADMIN,
    AUDITOR,
    CALLERS,
    FIELD_PAIRED,
    HA,
    HB,
    ID_A1,
    ID_A2,
    ID_B1,
    INVESTIGATOR,
    OFFICER_IN,
    OFFICER_OUT,
    PUBLIC,
    SEES,
    Caller,
    counts,
    error_codes,
    gql,
    make_story,
)

# --- the file audit ------------------------------------------------------------------

FINDING_READERS = {ADMIN, AUDITOR, OFFICER_IN, OFFICER_OUT}
AUDITORS = {ADMIN, AUDITOR}


def denial(caller: Caller, allowed: set[Caller]) -> set[str] | None:
    if caller in allowed:
        return None
    return {"UNAUTHENTICATED"} if caller is PUBLIC else {"FORBIDDEN"}


@pytest.fixture()
def story(api: Any, test_settings: Any) -> Any:
    return make_story(api, test_settings)


@pytest.fixture()
def audited(story: Any) -> tuple[Any, str, dict[str, set[str]]]:
    """The story with A's and B's heads on a cross-check list, audited by ADMIN: the
    run's id and the ids of the findings concerning each household."""
    from test_audit import findings, run_audit

    listed = {"list": "CIVIL_SERVANT", "source": "matrix", "idNumbers": [ID_A1, ID_B1]}
    gql(story, """mutation($input: ImportCrossCheckListInput!) {
      importCrossCheckList(input: $input) { clientMutationId } }""", {"input": listed})  # fmt: skip
    run = run_audit(story)
    about: dict[str, set[str]] = {HA: set(), HB: set()}
    for f in findings(story):
        for h in f["households"]:
            about[h["code"]].add(f["id"])
    assert about[HA] and about[HB]
    return story, run["id"], about


@pytest.mark.parametrize("caller", CALLERS, ids=lambda c: c.label)
def test_audit_findings_respect_scope(audited, caller):
    api, _, about = audited
    seen = set().union(*(about[h] for h in SEES.get(caller, set())))
    if caller in (ADMIN, AUDITOR):
        seen = about[HA] | about[HB]
    query = """query {
      auditFindings(first: 100) { totalCount edges { node { id households { code }
        measures { id } assessments { id } monitoringRecords { id } } } }
      auditSummary(regionCode: "460000") { total } }"""
    body = api.post(query, {}, **caller.kw())
    expected = denial(caller, FINDING_READERS)
    if expected is not None:
        assert error_codes(body) == expected, caller.label
        assert body["data"] is None or body["data"]["auditFindings"] is None
    else:
        assert "errors" not in body, body
        page = body["data"]["auditFindings"]
        assert {e["node"]["id"] for e in page["edges"]} == seen, caller.label
        assert page["totalCount"] == body["data"]["auditSummary"]["total"] == len(seen)
        shown = {h["code"] for e in page["edges"] for h in e["node"]["households"]}
        assert shown <= (SEES[caller] if caller not in (ADMIN, AUDITOR) else {HA, HB})
    for finding_id in about[HA] | about[HB]:
        body = api.post("query($id: String!) { finding(id: $id) { id } }", {"id": finding_id},
                        **caller.kw())  # fmt: skip
        if expected is not None:
            assert error_codes(body) == expected
        else:
            assert (body["data"]["finding"] is not None) == (finding_id in seen), caller.label
    # A household's findings: readable where the household is, never by a field official
    # or an investigator (FORBIDDEN at that field).
    for code in SEES.get(caller, set()):
        body = api.post("query($c: String!) { household(code: $c) { findings { id } } }",
                        {"c": code}, **caller.kw())  # fmt: skip
        if caller in (INVESTIGATOR, FIELD_PAIRED):
            assert error_codes(body) == {"FORBIDDEN"}, caller.label
        else:
            assert {f["id"] for f in body["data"]["household"]["findings"]} == about[code]


@pytest.mark.parametrize("caller", CALLERS, ids=lambda c: c.label)
def test_audit_runs_rules_and_imports(audited, caller):
    api, run_id, _ = audited
    reads = [
        ("query($id: String!) { auditRun(id: $id) { status } }", {"id": run_id}, AUDITORS),
        ("{ auditRules { rule } }", {}, FINDING_READERS),
        ("{ crossCheckImports { totalCount } }", {}, AUDITORS),
    ]
    for query, variables, allowed in reads:
        body = api.post(query, variables, **caller.kw())
        expected = denial(caller, allowed)
        if expected is None:
            assert "errors" not in body, (caller.label, query, body)
        else:
            assert error_codes(body) == expected, (caller.label, query)


AUDIT_MUTATIONS = [
    ("runAudit", "RunAuditInput", "run { id }"),
    ("dismissFinding", "ReviewFindingInput", "finding { status }"),
    ("reopenFinding", "ReopenFindingInput", "finding { status }"),
    ("confirmFinding", "ReviewFindingInput", "finding { status }"),
    ("importCrossCheckList", "ImportCrossCheckListInput", "crossCheckImport { added }"),
]


@pytest.mark.parametrize("caller", CALLERS, ids=lambda c: c.label)
def test_audit_mutations_are_the_auditors(audited, graph, caller):
    from test_audit import wait

    api, _, about = audited
    finding = sorted(about[HA])[0]
    inputs = {
        "runAudit": {"regionCode": "460203"},
        "dismissFinding": {"findingId": finding, "note": "checked"},
        "reopenFinding": {"findingId": finding},
        "confirmFinding": {"findingId": finding, "note": "checked"},
        "importCrossCheckList": {"list": "VEHICLE_OWNER", "source": "matrix",
                                 "idNumbers": [ID_A2]},
    }  # fmt: skip
    expected = denial(caller, AUDITORS)
    for name, input_type, payload in AUDIT_MUTATIONS:
        before = counts(graph)
        query = f"mutation($input: {input_type}!) {{ {name}(input: $input) {{ {payload} }} }}"
        body = api.post(query, {"input": inputs[name]}, **caller.kw())
        if expected is None:
            assert "errors" not in body, (caller.label, name, body)
            if name == "runAudit":
                wait(api, body["data"]["runAudit"]["run"]["id"])
            continue
        assert error_codes(body) == expected, (caller.label, name, body)
        assert counts(graph) == before, (caller.label, name)
