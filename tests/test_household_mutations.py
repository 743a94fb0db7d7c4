"""Mutations of the household file on the demo story: each success checked in the
database, each refusal checked to have written nothing, retries with the same
clientMutationId, stale versions, scope."""

from __future__ import annotations

import datetime as dt

import pytest

from api.auth import Role
from graph.validation import today_cst
from seeds.demo import (
    FANMAO,
    FU_HOUSEHOLD,
    HUANG,
    LIN,
    LUOBI,
    SHIYUNCUN,
    SHUINAN,
    WANG,
    WU,
    id_number,
    story,
)

NEW_CODE = SHUINAN + "0100"


def id_of(name):
    rows = story(dt.date(2026, 11, 1))["memberships"]
    return next(m["person"]["idNumber"] for m in rows if m["person"]["name"] == name)


def snapshot(graph):
    """Everything in the database, as sorted text: equal snapshots mean nothing written."""
    nodes, _, _ = graph.execute_query(
        "MATCH (n) RETURN labels(n) AS labels, properties(n) AS props"
    )
    rels, _, _ = graph.execute_query(
        "MATCH (a)-[r]->(b) RETURN type(r) AS type, properties(r) AS props, "
        "elementId(a) AS a, elementId(b) AS b"
    )
    return sorted(str(sorted(r["props"].items())) + str(r["labels"]) for r in nodes) + sorted(
        str(sorted(r["props"].items())) + r["type"] + r["a"] + r["b"] for r in rels
    )


def refused(api, graph, query, variables, code, field=None, **kw):
    """Run a mutation that must fail; nothing may be written. Returns the error."""
    before = snapshot(graph)
    error = api.error(query, variables, **kw)
    assert error["extensions"]["code"] == code, error
    if field is not None:
        assert error["extensions"].get("field") == field, error
    assert snapshot(graph) == before
    return error


REGION_SANYA = {"role": Role.REGION_OFFICER, "scope": "460203"}
REGION_WUZHISHAN = {"role": Role.REGION_OFFICER, "scope": "469001"}


def member_of(household, name=None):
    """The person of an active membership of the story's `household` (by name if given)."""
    rows = story(dt.date(2026, 11, 1))["memberships"]
    return next(
        m["person"]
        for m in rows
        if m["householdCode"] == household
        and m["until"] is None
        and (name is None or m["person"]["name"] == name)
    )


REGISTER = """
mutation($input: RegisterHouseholdInput!) {
  registerHousehold(input: $input) {
    clientMutationId
    household { code version status memberCount mainCause secondaryCauses registrationYear
                village { code }
                members { relation since person { idNumber name sex birthDate } } }
  }
}
"""

NEW_HEAD = id_number("460203", dt.date(1975, 5, 5), 101)
NEW_CHILD = id_number("460203", dt.date(2012, 2, 2), 102)


def register_input(**overrides):
    value = {
        "clientMutationId": "phone-0001-register",
        "code": NEW_CODE,
        "villageCode": SHUINAN,
        "mainCause": "ILLNESS",
        "secondaryCauses": ["LACK_OF_FUNDS"],
        "attribute": "GENERAL",
        "registrationYear": 2026,
        "address": "99 Shuinan Lane",
        "members": [
            {"idNumber": NEW_HEAD, "name": "Li Dawei", "relation": "HEAD"},
            {
                "idNumber": NEW_CHILD,
                "name": "Li Xiaomei",
                "relation": "DAUGHTER",
                "schooling": "COMPULSORY",
            },
        ],
    }
    value.update(overrides)
    return {"input": value}


def refused_as_head(api, graph, id_number, name="A Name", scope=None, **overrides):
    """registerHousehold with this person as its HEAD, refused CONFLICT on the member's
    ID number with nothing written; the error."""
    members = [{"idNumber": id_number, "name": name, "relation": "HEAD"}]
    variables = register_input(members=members, **overrides)
    field = "input.members[0].idNumber"
    return refused(api, graph, REGISTER, variables, "CONFLICT", field, **(scope or {}))


def test_register_household(api, demo, graph):
    payload = api.data(REGISTER, register_input())["registerHousehold"]
    assert payload["clientMutationId"] == "phone-0001-register"
    household = payload["household"]
    assert household["code"] == NEW_CODE
    assert household["version"] == 1
    assert household["status"] == "REGISTERED"
    assert household["memberCount"] == 2
    assert household["village"] == {"code": SHUINAN}
    head = household["members"][0]
    assert head["relation"] == "HEAD"
    assert head["person"]["sex"] == "MALE"  # from the ID number
    assert head["person"]["birthDate"] == "1975-05-05"
    assert head["since"] == today_cst().isoformat()
    records, _, _ = graph.execute_query(
        "MATCH (p:Person)-[m:MEMBER_OF]->(h:Household {code: $code})-[:IN_VILLAGE]->"
        "(:Region {code: $village}) RETURN count(p) AS n, h.memberCount AS members",
        code=NEW_CODE,
        village=SHUINAN,
    )
    assert records[0]["n"] == 2 and records[0]["members"] == 2


def test_register_retry_returns_the_first_result(api, demo, graph):
    first = api.data(REGISTER, register_input())["registerHousehold"]
    before = snapshot(graph)
    again = api.data(REGISTER, register_input())["registerHousehold"]
    assert again == first
    assert snapshot(graph) == before
    records, _, _ = graph.execute_query(
        "MATCH (c:ClientMutation {id: 'phone-0001-register'}) RETURN count(c) AS n"
    )
    assert records[0]["n"] == 1


def bad_check_digit(number):
    return number[:-1] + ("0" if number[-1] != "0" else "1")


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        (
            {
                "members": [
                    {"idNumber": NEW_HEAD, "name": "Li Dawei", "relation": "HEAD"},
                    {
                        "idNumber": bad_check_digit(NEW_CHILD),
                        "name": "Li Xiaomei",
                        "relation": "DAUGHTER",
                    },
                ]
            },
            "BAD_USER_INPUT",
            "input.members[1].idNumber",
        ),
        (
            {"members": [{"idNumber": "460203197502300011", "name": "A", "relation": "HEAD"}]},
            "BAD_USER_INPUT",
            "input.members[0].idNumber",
        ),
        ({"code": LUOBI + "0100"}, "BAD_USER_INPUT", "input.code"),
        ({"code": SHUINAN + "01"}, "BAD_USER_INPUT", "input.code"),
        (
            {"villageCode": "460203100299", "code": "4602031002990001"},
            "NOT_FOUND",
            "input.villageCode",
        ),
        ({"status": "EXITED"}, "BAD_USER_INPUT", "input.status"),
        ({"code": FU_HOUSEHOLD}, "CONFLICT", "input.code"),
        ({"secondaryCauses": ["ILLNESS"]}, "BAD_USER_INPUT", "input.secondaryCauses"),
        ({"registrationYear": today_cst().year + 1}, "BAD_USER_INPUT", "input.registrationYear"),
        ({"members": []}, "BAD_USER_INPUT", "input.members"),
        (
            {
                "members": [
                    {"idNumber": NEW_HEAD, "name": "Li Dawei", "relation": "HEAD"},
                    {"idNumber": NEW_CHILD, "name": "Li Xiaomei", "relation": "HEAD"},
                ]
            },
            "BAD_USER_INPUT",
            "input.members",
        ),
        (
            {
                "members": [
                    {"idNumber": NEW_HEAD, "name": "Li Dawei", "relation": "HEAD"},
                    {"idNumber": NEW_HEAD.lower(), "name": "Li Dawei", "relation": "SON"},
                ]
            },
            "BAD_USER_INPUT",
            "input.members[1].idNumber",
        ),
        (
            {
                "members": [
                    {
                        "idNumber": NEW_HEAD,
                        "name": "Li Dawei",
                        "relation": "HEAD",
                        "since": (today_cst() + dt.timedelta(days=1)).isoformat(),
                    },
                ]
            },
            "BAD_USER_INPUT",
            "input.members[0].since",
        ),
        (
            {"members": [{"idNumber": NEW_HEAD, "name": "  ", "relation": "HEAD"}]},
            "BAD_USER_INPUT",
            "input.members[0].name",
        ),
        ({"clientMutationId": "x"}, "BAD_USER_INPUT", "input.clientMutationId"),
    ],
)
def test_register_refusals_write_nothing(api, demo, graph, overrides, code, field):
    error = refused(api, graph, REGISTER, register_input(**overrides), code, field)
    assert NEW_HEAD not in error["message"] and "Li Dawei" not in error["message"]


def test_register_refuses_a_member_active_elsewhere(api, demo, graph):
    fu = id_of("Fu Wenqiang")
    error = refused_as_head(api, graph, fu, "Fu Wenqiang")
    assert FU_HOUSEHOLD in error["message"]
    assert fu not in error["message"] and "Fu Wenqiang" not in error["message"]


def test_a_former_member_may_be_registered_again(api, demo, graph):
    # Zhou Lanfang's Luobi membership ended; she is active in Shuinan 0002 only, so
    # a person whose memberships have all ended can join a new household.
    wen = id_of("Wen Guihua")  # deceased: refused
    refused_as_head(api, graph, wen, "Wen Guihua")


def test_unknown_enum_value_is_refused(api, demo, graph):
    before = snapshot(graph)
    error = api.error(REGISTER, register_input(mainCause="LAZINESS"))
    assert "LAZINESS" in error["message"] or "mainCause" in error["message"]
    assert snapshot(graph) == before


def test_region_officer_registers_only_in_their_subtree(api, demo, graph):
    refused(
        api,
        graph,
        REGISTER,
        register_input(),
        "FORBIDDEN",
        "input.villageCode",
        role=Role.REGION_OFFICER,
        scope="469001",
    )
    payload = api.data(REGISTER, register_input(), role=Role.REGION_OFFICER, scope="460203")
    assert payload["registerHousehold"]["household"]["code"] == NEW_CODE


@pytest.mark.parametrize("role", [Role.FIELD_OFFICIAL, Role.AUDITOR, Role.INVESTIGATOR])
def test_roles_that_may_not_register(api, demo, graph, role):
    scope = HUANG if role is Role.FIELD_OFFICIAL else None
    refused(api, graph, REGISTER, register_input(), "FORBIDDEN", role=role, scope=scope)


# A member active elsewhere: the other household is named only in scope, and a death
# out of scope is not told.


def test_member_active_out_of_scope_is_not_named(api, demo, graph):
    person = member_of(FANMAO + "0001")
    error = refused_as_head(api, graph, person["idNumber"], scope=REGION_SANYA)
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
    error = refused_as_head(api, graph, person["idNumber"], scope=REGION_SANYA)
    assert SHUINAN + "0002" in error["message"]
    assert person["idNumber"] not in error["message"] and person["name"] not in error["message"]


def test_a_death_out_of_scope_is_not_told(api, demo, graph):
    rows = story(dt.date(2026, 11, 1))["memberships"]
    wen = next(m["person"] for m in rows if m["person"]["name"] == "Wen Guihua")
    error = refused_as_head(
        api,
        graph,
        wen["idNumber"],
        scope=REGION_WUZHISHAN,
        code=FANMAO + "0100",
        villageCode=FANMAO,
    )
    assert "deceased" not in error["message"] and LUOBI not in error["message"]
    # In scope (Luobi lies in Sanya): the death is told.
    error = refused_as_head(api, graph, wen["idNumber"], scope=REGION_SANYA)
    assert "deceased" in error["message"]


# A code outside the scope: FORBIDDEN, whether it exists or not.


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


# --- updateHousehold ------------------------------------------------------------------

UPDATE = """
mutation($input: UpdateHouseholdInput!) {
  updateHousehold(input: $input) {
    household { code version status housingGrade address mainCause secondaryCauses
                villageCode village { code } }
  }
}
"""


def test_update_household_and_stale_version(api, demo, graph):
    variables = {
        "input": {"code": FU_HOUSEHOLD, "expectedVersion": 1, "housingGrade": "B", "address": None}
    }
    household = api.data(UPDATE, variables)["updateHousehold"]["household"]
    assert household["version"] == 2
    assert household["housingGrade"] == "B"
    assert household["address"] is None
    records, _, _ = graph.execute_query(
        "MATCH (h:Household {code: $code}) RETURN h.version AS v, h.address AS a",
        code=FU_HOUSEHOLD,
    )
    assert records[0]["v"] == 2 and records[0]["a"] is None
    # The same update again carries a stale version.
    refused(api, graph, UPDATE, variables, "CONFLICT", "input.expectedVersion")


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        # The Fu household EXITED (seeds/exits.py): statuses change only through
        # assessExit and returnToPoverty (tests/test_exit.py).
        ({"status": "REGISTERED"}, "BAD_USER_INPUT", "input.status"),
        ({"status": "RETURNED"}, "BAD_USER_INPUT", "input.status"),
        ({"status": "DEREGISTERED"}, "BAD_USER_INPUT", "input.status"),
        ({"mainCause": None}, "BAD_USER_INPUT", "input.mainCause"),
        ({"secondaryCauses": ["ILLNESS"]}, "BAD_USER_INPUT", "input.secondaryCauses"),
        ({"mainCause": "LACK_OF_FUNDS"}, "BAD_USER_INPUT", "input.mainCause"),
        ({"housingArea": -1.0}, "BAD_USER_INPUT", "input.housingArea"),
        ({"villageCode": LUOBI}, "BAD_USER_INPUT", "input.newCode"),
        ({"villageCode": LUOBI, "newCode": SHUINAN + "0009"}, "BAD_USER_INPUT", "input.newCode"),
        ({"villageCode": LUOBI, "newCode": LUOBI + "0002"}, "CONFLICT", "input.newCode"),
    ],
)
def test_update_refusals_write_nothing(api, demo, graph, changes, code, field):
    variables = {"input": {"code": FU_HOUSEHOLD, "expectedVersion": 1, **changes}}
    refused(api, graph, UPDATE, variables, code, field)


def test_the_same_status_is_no_change(api, demo, graph):
    variables = {"input": {"code": FU_HOUSEHOLD, "expectedVersion": 1, "status": "EXITED"}}
    assert api.data(UPDATE, variables)["updateHousehold"]["household"]["status"] == "EXITED"


def test_unknown_or_out_of_scope_household(api, demo, graph):
    variables = {"input": {"code": SHUINAN + "9999", "expectedVersion": 1, "housingGrade": "B"}}
    refused(api, graph, UPDATE, variables, "NOT_FOUND", "input.code")
    variables = {"input": {"code": FU_HOUSEHOLD, "expectedVersion": 1, "housingGrade": "B"}}
    refused(
        api,
        graph,
        UPDATE,
        variables,
        "NOT_FOUND",
        "input.code",
        role=Role.REGION_OFFICER,
        scope="469030",
    )


def test_move_household(api, demo, graph):
    moved = LUOBI + "0050"
    variables = {
        "input": {
            "code": FU_HOUSEHOLD,
            "expectedVersion": 1,
            "villageCode": LUOBI,
            "newCode": moved,
        }
    }
    household = api.data(UPDATE, variables)["updateHousehold"]["household"]
    assert household["code"] == moved
    assert household["village"] == {"code": LUOBI}
    records, _, _ = graph.execute_query(
        "MATCH (h:Household {code: $code})-[:IN_VILLAGE]->(v) "
        "RETURN collect(v.code) AS villages, h.memberCount AS members",
        code=moved,
    )
    assert records[0]["villages"] == [LUOBI] and records[0]["members"] == 4


def test_region_officer_cannot_move_out_of_their_subtree(api, demo, graph):
    variables = {
        "input": {
            "code": FU_HOUSEHOLD,
            "expectedVersion": 1,
            "villageCode": FANMAO,
            "newCode": FANMAO + "0050",
        }
    }
    refused(
        api,
        graph,
        UPDATE,
        variables,
        "FORBIDDEN",
        "input.villageCode",
        role=Role.REGION_OFFICER,
        scope="460203",
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


# --- members ---------------------------------------------------------------------------

ADD = """
mutation($input: AddMemberInput!) {
  addMember(input: $input) {
    clientMutationId
    household { version memberCount members { relation person { name } } }
  }
}
"""

BABY = id_number("460203", dt.date(2025, 12, 24), 202)


def add_input(**member):
    value = {
        "idNumber": BABY,
        "name": "Fu Xiaoman",
        "relation": "DAUGHTER",
        "schooling": "PRESCHOOL",
        **member,
    }
    return {
        "input": {
            "clientMutationId": "phone-0002-add-member",
            "householdCode": FU_HOUSEHOLD,
            "member": value,
        }
    }


def test_add_member_and_retry(api, demo, graph):
    payload = api.data(ADD, add_input())["addMember"]
    assert payload["household"]["memberCount"] == 5
    assert payload["household"]["version"] == 2
    before = snapshot(graph)
    assert api.data(ADD, add_input())["addMember"] == payload
    assert snapshot(graph) == before


def test_add_member_refusals(api, demo, graph):
    zhou = id_of("Zhou Lanfang")
    error = refused(
        api, graph, ADD, add_input(idNumber=zhou, name="Z"), "CONFLICT", "input.member.idNumber"
    )
    # The other household is in the ADMIN's scope, so it is named.
    assert SHUINAN + "0002" in error["message"]
    assert zhou not in error["message"]
    refused(api, graph, ADD, add_input(relation="HEAD"), "CONFLICT", "input.member.relation")
    refused(
        api,
        graph,
        ADD,
        add_input(idNumber=bad_check_digit(BABY)),
        "BAD_USER_INPUT",
        "input.member.idNumber",
    )
    fu = id_of("Fu Wenqiang")
    refused(api, graph, ADD, add_input(idNumber=fu), "CONFLICT", "input.member.idNumber")
    stale = add_input()
    stale["input"]["expectedVersion"] = 7
    refused(api, graph, ADD, stale, "CONFLICT", "input.expectedVersion")


UPDATE_MEMBER = """
mutation($input: UpdateMemberInput!) {
  updateMember(input: $input) {
    household { version members { relation person { idNumber schooling phone } } }
  }
}
"""


def test_update_member(api, demo, graph):
    son = id_of("Fu Jiahao")
    variables = {
        "input": {
            "householdCode": FU_HOUSEHOLD,
            "idNumber": son,
            "schooling": "HIGH_SCHOOL",
            "phone": "13600000000",
            "expectedVersion": 1,
        }
    }
    household = api.data(UPDATE_MEMBER, variables)["updateMember"]["household"]
    assert household["version"] == 2
    person = next(m["person"] for m in household["members"] if m["person"]["idNumber"] == son)
    assert person["schooling"] == "HIGH_SCHOOL" and person["phone"] == "13600000000"
    other = {
        "input": {
            "householdCode": FU_HOUSEHOLD,
            "idNumber": id_of("Mo Laigen"),
            "schooling": "NONE",
        }
    }
    refused(api, graph, UPDATE_MEMBER, other, "BAD_USER_INPUT")  # NONE is no Schooling
    other["input"]["schooling"] = "NOT_IN_SCHOOL"
    refused(api, graph, UPDATE_MEMBER, other, "NOT_FOUND", "input.idNumber")
    head = {"input": {"householdCode": FU_HOUSEHOLD, "idNumber": son, "relation": "HEAD"}}
    refused(api, graph, UPDATE_MEMBER, head, "CONFLICT", "input.relation")
    clear = {"input": {"householdCode": FU_HOUSEHOLD, "idNumber": son, "name": None}}
    refused(api, graph, UPDATE_MEMBER, clear, "BAD_USER_INPUT", "input.name")


END = """
mutation($input: EndMembershipInput!) {
  endMembership(input: $input) {
    household { version memberCount past: members(includePast: true) {
      active endReason until person { name diedOn } } }
  }
}
"""


def test_end_membership_deceased(api, demo, graph):
    head = id_of("Fu Wenqiang")
    on = (today_cst() - dt.timedelta(days=2)).isoformat()
    variables = {
        "input": {"householdCode": FU_HOUSEHOLD, "idNumber": head, "reason": "DECEASED", "date": on}
    }
    household = api.data(END, variables)["endMembership"]["household"]
    assert household["memberCount"] == 3
    ended = next(m for m in household["past"] if m["person"]["name"] == "Fu Wenqiang")
    assert ended["endReason"] == "DECEASED" and ended["until"] == on
    assert ended["person"]["diedOn"] == on
    refused(api, graph, END, variables, "NOT_FOUND", "input.idNumber")


def test_end_membership_refusals(api, demo, graph):
    wife = id_of("Chen Meiling")
    base = {"householdCode": FU_HOUSEHOLD, "idNumber": wife, "reason": "MOVED_AWAY"}
    future = (today_cst() + dt.timedelta(days=1)).isoformat()
    refused(api, graph, END, {"input": {**base, "date": future}}, "BAD_USER_INPUT", "input.date")
    refused(
        api, graph, END, {"input": {**base, "date": "2000-01-01"}}, "BAD_USER_INPUT", "input.date"
    )
    refused(
        api,
        graph,
        END,
        {"input": {**base, "date": "2026-01-01", "reason": "ELOPED"}},
        "BAD_USER_INPUT",
    )


# --- deregistration -------------------------------------------------------------------

DEREGISTER = """
mutation($input: DeregisterHouseholdInput!) {
  deregisterHousehold(input: $input) {
    household { code version deregisteredOn deregistrationReason memberCount
                responsibleOfficialCode officials { role } }
  }
}
"""


def test_deregister_household(api, demo, graph):
    variables = {"input": {"code": FU_HOUSEHOLD, "expectedVersion": 1, "reason": "DUPLICATE"}}
    household = api.data(DEREGISTER, variables)["deregisterHousehold"]["household"]
    assert household["deregisteredOn"] == today_cst().isoformat()
    assert household["deregistrationReason"] == "DUPLICATE"
    assert household["memberCount"] == 4  # the record stays as it was
    assert household["officials"] == [] and household["responsibleOfficialCode"] is None
    records, _, _ = graph.execute_query("MATCH (o:Official {code: $c}) RETURN o.load AS l", c=LIN)
    assert records[0]["l"] == 3
    page = api.data("{ households(first: 100) { totalCount } }")
    on_file = [h for h in story(demo)["households"] if "deregisteredOn" not in h["properties"]]
    assert page["households"]["totalCount"] == len(on_file) - 1
    again = {"input": {"code": FU_HOUSEHOLD, "expectedVersion": 2, "reason": "DUPLICATE"}}
    refused(api, graph, DEREGISTER, again, "CONFLICT", "input.code")
    update = {"input": {"code": FU_HOUSEHOLD, "expectedVersion": 2, "housingGrade": "A"}}
    refused(api, graph, UPDATE, update, "CONFLICT", "input.code")


# --- pairings ---------------------------------------------------------------------------

PAIR = """
mutation($input: PairOfficialInput!) {
  pairOfficial(input: $input) {
    clientMutationId
    pairing { id role since active official { code load } householdCode }
    household { responsibleOfficialCode officials { role official { code } } }
  }
}
"""

END_PAIRING = """
mutation($input: EndPairingInput!) {
  endPairing(input: $input) {
    pairing { id active until official { load } }
    household { responsibleOfficialCode }
  }
}
"""


def pair_input(household, official, role="RESPONSIBLE", cmid="phone-0003-pair", **more):
    return {
        "input": {
            "clientMutationId": cmid,
            "householdCode": household,
            "officialCode": official,
            "role": role,
            **more,
        }
    }


def test_pair_an_uncovered_household_and_retry(api, demo, graph):
    variables = pair_input(SHUINAN + "0003", WU)
    payload = api.data(PAIR, variables)["pairOfficial"]
    assert payload["pairing"]["role"] == "RESPONSIBLE"
    assert payload["pairing"]["official"]["load"] == 3
    assert payload["pairing"]["since"] == today_cst().isoformat()
    assert payload["household"]["responsibleOfficialCode"] == WU
    before = snapshot(graph)
    assert api.data(PAIR, variables)["pairOfficial"] == payload
    assert snapshot(graph) == before


def test_pairing_refusals(api, demo, graph):
    error = refused(api, graph, PAIR, pair_input(FU_HOUSEHOLD, WANG), "CONFLICT", "input.role")
    assert LIN in error["message"]
    refused(
        api,
        graph,
        PAIR,
        pair_input(FU_HOUSEHOLD, LIN, "ASSISTING"),
        "CONFLICT",
        "input.officialCode",
    )
    refused(
        api,
        graph,
        PAIR,
        pair_input(SHUINAN + "0003", "O-nobody"),
        "NOT_FOUND",
        "input.officialCode",
    )
    refused(api, graph, PAIR, pair_input(SHUINAN + "9999", WU), "NOT_FOUND", "input.householdCode")
    # Huang already carries 4 households with a maximum of 3.
    error = refused(
        api, graph, PAIR, pair_input(SHIYUNCUN + "0002", HUANG), "CONFLICT", "input.officialCode"
    )
    assert "overrideMaxLoad" in error["message"]
    future = (today_cst() + dt.timedelta(days=3)).isoformat()
    refused(
        api,
        graph,
        PAIR,
        pair_input(SHIYUNCUN + "0002", WANG, since=future),
        "BAD_USER_INPUT",
        "input.since",
    )


def test_override_max_load(api, demo, graph):
    variables = pair_input(SHIYUNCUN + "0002", HUANG, overrideMaxLoad=True)
    payload = api.data(PAIR, variables)["pairOfficial"]
    assert payload["pairing"]["official"]["load"] == 5
    records, _, _ = graph.execute_query(
        "MATCH (h:Household {code: $c}) RETURN h.responsibleOfficial AS r", c=SHIYUNCUN + "0002"
    )
    assert records[0]["r"] == HUANG


def test_end_pairing(api, demo, graph):
    variables = {"input": {"pairingId": "demo-pair-02"}}
    payload = api.data(END_PAIRING, variables)["endPairing"]
    assert payload["pairing"]["active"] is False
    assert payload["pairing"]["official"]["load"] == 3
    assert payload["household"]["responsibleOfficialCode"] is None
    refused(api, graph, END_PAIRING, variables, "CONFLICT", "input.pairingId")
    refused(
        api, graph, END_PAIRING, {"input": {"pairingId": "nope"}}, "NOT_FOUND", "input.pairingId"
    )
    refused(
        api,
        graph,
        END_PAIRING,
        {"input": {"pairingId": "demo-pair-11"}},
        "NOT_FOUND",
        "input.pairingId",
        role=Role.REGION_OFFICER,
        scope="460203",
    )
    # Now a second RESPONSIBLE may be paired.
    api.data(PAIR, pair_input(FU_HOUSEHOLD, WANG, cmid="phone-0004-pair"))


def test_client_mutation_id_of_another_kind(api, demo, graph):
    api.data(PAIR, pair_input(SHUINAN + "0003", WU, cmid="phone-0005-shared"))
    variables = register_input(clientMutationId="phone-0005-shared")
    refused(api, graph, REGISTER, variables, "CONFLICT", "input.clientMutationId")


# --- visits -----------------------------------------------------------------------------

VISIT = """
mutation($input: RecordVisitInput!) {
  recordVisit(input: $input) {
    clientMutationId
    visit { id date purpose latitude official { code } householdCode }
    household { lastVisitDate latestVisits(first: 1) { purpose } }
  }
}
"""


def visit_input(household, cmid="phone-0006-visit", **more):
    value = {
        "clientMutationId": cmid,
        "householdCode": household,
        "date": today_cst().isoformat(),
        "purpose": "monthly visit",
        "notes": "All well.",
        "latitude": 18.77,
        "longitude": 109.51,
        **more,
    }
    return {"input": value}


def test_field_official_records_a_visit_and_retries(api, demo, graph):
    kw = {"role": Role.FIELD_OFFICIAL, "scope": HUANG}
    variables = visit_input(FANMAO + "0004")
    payload = api.data(VISIT, variables, **kw)["recordVisit"]
    assert payload["visit"]["official"]["code"] == HUANG
    assert payload["visit"]["latitude"] == 18.77
    assert payload["household"]["lastVisitDate"] == today_cst().isoformat()
    assert payload["household"]["latestVisits"][0]["purpose"] == "monthly visit"
    before = snapshot(graph)
    assert api.data(VISIT, variables, **kw)["recordVisit"] == payload
    assert snapshot(graph) == before


def test_visit_refusals(api, demo, graph):
    field = {"role": Role.FIELD_OFFICIAL, "scope": HUANG}
    # Not paired (ended pairing, or another official's household): as if absent.
    refused(
        api, graph, VISIT, visit_input(FANMAO + "0005"), "NOT_FOUND", "input.householdCode", **field
    )
    refused(
        api, graph, VISIT, visit_input(FU_HOUSEHOLD), "NOT_FOUND", "input.householdCode", **field
    )
    refused(
        api,
        graph,
        VISIT,
        visit_input(FANMAO + "0001", officialCode=LIN),
        "FORBIDDEN",
        "input.officialCode",
        **field,
    )
    future = (today_cst() + dt.timedelta(days=1)).isoformat()
    refused(
        api,
        graph,
        VISIT,
        visit_input(FANMAO + "0001", date=future),
        "BAD_USER_INPUT",
        "input.date",
        **field,
    )
    refused(
        api,
        graph,
        VISIT,
        visit_input(FANMAO + "0001", latitude=91.0),
        "BAD_USER_INPUT",
        "input.latitude",
        **field,
    )
    refused(api, graph, VISIT, visit_input(FANMAO + "0001"), "BAD_USER_INPUT", "input.officialCode")
    refused(api, graph, VISIT, visit_input(FANMAO + "0001"), "FORBIDDEN", role=Role.INVESTIGATOR)


def test_admin_records_a_past_visit(api, demo, graph):
    # Wu was responsible for the household from D-300 to D-200 (2026-01-05 to 04-15).
    variables = visit_input(FU_HOUSEHOLD, officialCode=WU, date="2026-02-01")
    payload = api.data(VISIT, variables)["recordVisit"]
    # An older visit does not move lastVisitDate back.
    assert payload["household"]["lastVisitDate"] == "2026-10-27"


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


def test_dateless_visit_does_not_blank_the_last_visit(api, demo, graph):
    # A visit without a date (imports) does not hide the last visit.
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


# --- officials --------------------------------------------------------------------------

CREATE_OFFICIAL = """
mutation($input: CreateOfficialInput!) {
  createOfficial(input: $input) { clientMutationId official { code name maxLoad load phone } }
}
"""


def test_create_official_upserts(api, demo, graph):
    variables = {
        "input": {
            "clientMutationId": "desk-0007-official",
            "code": "O-469030-002",
            "name": "Pan Xiaolu",
            "maxLoad": 6,
            "phone": "13907520505",
            "idNumber": id_number("469030", dt.date(1990, 1, 2), 44),
        }
    }
    official = api.data(CREATE_OFFICIAL, variables)["createOfficial"]["official"]
    assert official == {
        "code": "O-469030-002",
        "name": "Pan Xiaolu",
        "maxLoad": 6,
        "load": 0,
        "phone": "13907520505",
    }
    update = {
        "input": {
            "clientMutationId": "desk-0008-official",
            "code": HUANG,
            "name": "Huang Dehui",
            "maxLoad": 5,
        }
    }
    official = api.data(CREATE_OFFICIAL, update)["createOfficial"]["official"]
    assert official["maxLoad"] == 5 and official["load"] == 4
    records, _, _ = graph.execute_query("MATCH (o:Official) RETURN count(o) AS n")
    assert records[0]["n"] == len(story(demo)["officials"]) + 1
    bad = {
        "input": {
            **variables["input"],
            "clientMutationId": "desk-0009-official",
            "idNumber": bad_check_digit(variables["input"]["idNumber"]),
        }
    }
    refused(api, graph, CREATE_OFFICIAL, bad, "BAD_USER_INPUT", "input.idNumber")
    refused(
        api, graph, CREATE_OFFICIAL, variables, "FORBIDDEN", role=Role.FIELD_OFFICIAL, scope=HUANG
    )
