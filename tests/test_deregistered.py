"""A deregistered household has status DEREGISTERED: the lookup answers it (the file
stays), lists leave it out unless asked for it, and no count or coverage figure counts
it. Only deregisterHousehold sets it; the migration sets it on files deregistered
before the status existed."""

from __future__ import annotations

import pytest
from conftest import migrated

from seeds.demo import FU_HOUSEHOLD, LUOBI

GONE = LUOBI + "0003"  # deregistered as a DUPLICATE in the demo story


def codes(api, where: str) -> list[str]:
    data = api.data(
        f'{{ households(where: {{regionCode: "460203100", {where}}}, first: 100) '
        "{ totalCount edges { node { code status } } } }"
    )["households"]
    assert data["totalCount"] == len(data["edges"])
    return [e["node"]["code"] for e in data["edges"]]


def test_the_lookup_answers_deregistered(api, demo):
    household = api.data(
        f'{{ household(code: "{GONE}") {{ status deregisteredOn deregistrationReason }} }}'
    )["household"]
    assert household["status"] == "DEREGISTERED"
    assert household["deregistrationReason"] == "DUPLICATE"
    assert household["deregisteredOn"] is not None


def test_lists_leave_it_out_unless_asked(api, demo):
    on_file = codes(api, "")
    assert GONE not in on_file and FU_HOUSEHOLD in on_file
    assert GONE in codes(api, "includeDeregistered: true")
    assert codes(api, "status: DEREGISTERED") == [GONE]
    assert GONE not in codes(api, "status: REGISTERED, includeDeregistered: true")


def test_no_count_counts_it(api, demo):
    data = api.data(
        '{ region(code: "460203100202") { householdCount } '
        'pairingCoverage(regionCode: "460203100202") { households '
        "uncovered(first: 100) { edges { node { code } } } } }"
    )
    assert data["region"]["householdCount"] == 2
    assert data["pairingCoverage"]["households"] == 2
    assert GONE not in [e["node"]["code"] for e in data["pairingCoverage"]["uncovered"]["edges"]]
    error = api.error(
        '{ pairingCoverage(regionCode: "460203", statuses: [REGISTERED, DEREGISTERED]) '
        "{ households } }"
    )
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "statuses"}


def test_deregister_sets_the_status(api, demo):
    household = api.data(
        f'mutation {{ deregisterHousehold(input: {{code: "{FU_HOUSEHOLD}", expectedVersion: 1, '
        "reason: MOVED_OUT_OF_PROVINCE}) { household { status deregistrationReason } } }"
    )["deregisterHousehold"]["household"]
    assert household == {"status": "DEREGISTERED", "deregistrationReason": "MOVED_OUT_OF_PROVINCE"}


@pytest.mark.parametrize("mutation", ["updateHousehold", "registerHousehold"])
def test_no_other_mutation_sets_it(api, demo, graph, mutation):
    if mutation == "updateHousehold":
        query = (
            f'mutation {{ updateHousehold(input: {{code: "{FU_HOUSEHOLD}", expectedVersion: 1, '
            "status: DEREGISTERED}) { household { status } } }"
        )
    else:
        query = (
            'mutation { registerHousehold(input: {clientMutationId: "dereg-register-1", '
            'code: "4602031002010100", villageCode: "460203100201", mainCause: ILLNESS, '
            'status: DEREGISTERED, members: [{idNumber: "110105194912310011", '
            'name: "Li Dawei", relation: HEAD}]}) { household { status } } }'
        )
    error = api.error(query)
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "input.status"}
    records, _, _ = graph.execute_query(
        "MATCH (h:Household) WHERE h.status = 'DEREGISTERED' RETURN collect(h.code) AS codes"
    )
    assert records[0]["codes"] == [GONE]


def test_the_migration_marks_files_deregistered_before_the_status(api, graph, test_settings):
    rows = migrated(
        graph,
        test_settings,
        2,
        "CREATE (:Household {code: '4602031002019001', status: 'EXITED', registrationYear: 2017,"
        " deregisteredOn: date('2020-05-01'), deregistrationReason: 'MERGED'}), "
        "(:Household {code: '4602031002019002', status: 'REGISTERED', registrationYear: 2018})",
        "MATCH (h:Household) RETURN h.code AS code, h.status AS status, "
        "h.statusBeforeDeregistration AS before ORDER BY code",
    )
    assert rows == [
        ("4602031002019001", "DEREGISTERED", "EXITED"),
        ("4602031002019002", "REGISTERED", None),
    ]
