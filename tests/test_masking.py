"""Personal data stays where it may be: masks (graph/masks.py), logs, error messages,
cursors, and the filters and orders a caller may use."""

from __future__ import annotations

import base64
import json
import logging
from typing import Any

import pytest
from test_authz_matrix import ID_A1, PERSONAL_VALUES, make_story

from api.auth import Role
from api.errors import redact
from graph.masks import mask_account, mask_id_number, mask_name, mask_phone


@pytest.fixture()
def story(api: Any, test_settings: Any) -> Any:
    return make_story(api, test_settings)


def test_masks():
    assert mask_id_number("46020319710501011X") == "460203********011X"
    assert mask_name("王小明") == "王**"
    assert mask_phone("13800138001") == "138****8001"
    assert mask_account("6222020200112233445") == "****3445"
    assert mask_id_number(None) is None


def test_masks_have_a_fixed_width():
    """A mask tells nothing of the value's length: names are the first character and
    two stars, accounts four stars and the last 4 digits, phones 3 + 4 stars + 4, ID
    numbers 18 characters whatever they hold."""
    assert {mask_name(n) for n in ("王", "王明", "王小明", "王欧阳小明")} == {"王**"}
    assert mask_name("Wang Xiaoming") == mask_name("Wu") == "W**"
    assert {mask_account(a) for a in ("12343445", "6222020200112233445", "9" * 28 + "3445")} == {
        "****3445"
    }
    assert {len(mask_phone(p) or "") for p in ("13800138001", "+8613800138001", "898765")} == {11}
    assert mask_phone("898765") == "*" * 11
    assert {len(mask_id_number(i) or "") for i in ("46020319710501011X", "12345", "1" * 15)} == {18}
    assert mask_id_number("12345") == "*" * 18


def test_dates_of_death_are_personal(api, demo):
    query = """{ household(code: "4602031002020001") {
      members(includePast: true) { endReason person { name birthDate diedOn } } } }"""
    seen = api.data(query)["household"]["members"]
    masked = api.data(query, role=Role.INVESTIGATOR)["household"]["members"]
    dead = [m for m in seen if m["endReason"] == "DECEASED"]
    assert dead and all(m["person"]["diedOn"] for m in dead)
    assert all(m["person"]["diedOn"] is None and m["person"]["birthDate"] is None for m in masked)
    assert all(len(m["person"]["name"]) == 3 for m in masked)


def test_redact_keeps_code_locations_and_drops_values():
    text = (
        "Traceback (most recent call last):\n"
        '  File "/app/graph/person.py", line 12, in get\n'
        "    row = rows['idNumber']\n"
        f"ValueError: no person '{ID_A1}' named 王小明 (phone 13800138001)"
    )
    out = redact(text)
    assert '  File "/app/graph/person.py", line 12, in get' in out
    for value in (ID_A1, "王小明", "13800138001"):
        assert value not in out


def all_text(caplog) -> str:
    return "\n".join(
        f"{r.getMessage()} {r.exc_text or ''} {r.stack_info or ''}" for r in caplog.records
    )


def test_no_personal_data_in_logs(story, caplog, monkeypatch):
    api = story
    caplog.set_level(logging.DEBUG)
    # Ordinary reads and writes, for every role.
    query = (
        "query($id: String!) { person(idNumber: $id) { idNumber name } "
        "households { edges { node { code headPhone members { person { idNumber name } } } } } }"
    )
    for role, scope in [(Role.ADMIN, None), (Role.AUDITOR, None), (Role.FIELD_OFFICIAL, "OFF-A")]:
        api.post(query, {"id": ID_A1}, role=role, scope=scope)
    # A bad input: an ID number with a wrong check digit.
    bad = ID_A1[:-1] + ("0" if ID_A1[-1] != "0" else "1")
    body = api.post(
        "mutation($input: AddMemberInput!) { addMember(input: $input) { household { code } } }",
        {"input": {"clientMutationId": "mask-bad-id", "householdCode": "4602031002010001",
                   "member": {"idNumber": bad, "name": "王小明", "relation": "SON"}}},
    )  # fmt: skip
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert bad not in json.dumps(body)  # never echoed
    # An unexpected error whose message carries personal data.
    import graph.db

    async def broken(*args, **kwargs):
        raise RuntimeError(f"cannot read person {ID_A1} named 王小明 phone 13800138001")

    monkeypatch.setattr(graph.db.Database, "read_one", broken)
    body = api.post("query($id: String!) { person(idNumber: $id) { name } }", {"id": ID_A1})
    assert body["errors"][0]["extensions"]["code"] == "INTERNAL"
    assert body["errors"][0]["message"] == "Unexpected error."
    logged = all_text(caplog)
    assert "RuntimeError" in logged and "Traceback" in logged  # the error was logged
    for value in [*PERSONAL_VALUES, bad]:
        assert value not in logged, value
    assert ID_A1 not in json.dumps(body)


def test_cursors_hold_nothing_personal(story):
    for order in ("CODE_ASC", "REGISTRATION_YEAR_DESC", "LAST_VISIT_ASC"):
        page = story.data(
            "query($o: HouseholdOrder!) { households(orderBy: $o, first: 1) "
            "{ edges { cursor } pageInfo { endCursor } } }",
            {"o": order},
        )["households"]
        cursors = [e["cursor"] for e in page["edges"]] + [page["pageInfo"]["endCursor"]]
        for cursor in cursors:
            decoded = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
            for value in PERSONAL_VALUES:
                assert value not in decoded


def test_filters_and_orders_expose_no_personal_field():
    """HouseholdWhere and HouseholdOrder offer nothing a masked role may not see."""
    from api.schema import schema

    personal = ("idnumber", "name", "phone", "bank", "account", "address", "latitude",
                "longitude", "gps", "health", "disab", "income", "ethnic")  # fmt: skip
    core = schema._schema
    households = core.query_type.fields["households"]
    exposed = []
    for arg_name, arg in households.args.items():
        named = arg.type
        while hasattr(named, "of_type"):
            named = named.of_type
        names = list(getattr(named, "fields", {}) or {}) + list(getattr(named, "values", {}) or {})
        exposed += [f"{arg_name}.{n}" for n in names]
    leaks = [n for n in exposed if any(p in n.lower() for p in personal)]
    assert leaks == []
