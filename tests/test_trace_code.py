"""Trace codes and money (graph/trace_code.py, graph/payment.py): pure, no database."""

from __future__ import annotations

from decimal import Decimal

import pytest

from graph import trace_code as tc
from graph.errors import BadUserInput
from graph.lot import check_quantity
from graph.payment import amount_fen, platform_sales, to_fen, to_yuan
from graph.readmap import yuan
from graph.trace_code import ALPHABET, TraceKind, check_character, make, new, parse, trace_url

BODY = "7K3M9QXR2T"


def test_the_shape_of_a_code():
    code = make(TraceKind.LOT, BODY)
    assert code == "FPL" + BODY + check_character(BODY)
    assert len(code) == tc.LENGTH == 14
    assert make(TraceKind.COOPERATIVE, BODY)[:3] == "FPC"
    assert make(TraceKind.HOUSEHOLD, BODY)[:3] == "FPH"
    assert not set("ILOU") & set(ALPHABET) and len(ALPHABET) == 32


def test_luhn_mod_32_by_hand():
    # From the right: 1 doubled (2), 0 (0) doubled alternately...: body "0000000001"
    # sums 2, so the check is 30 ('Y'); "0000000010" sums 1, check 31 ('Z').
    assert check_character("0000000001") == ALPHABET[30]
    assert check_character("0000000010") == ALPHABET[31]
    assert check_character("0000000000") == "0"
    # A doubled value of 32 or more folds back: Z (31) doubled is 62 = 1 * 32 + 30 -> 31.
    assert check_character("000000000Z") == ALPHABET[(32 - 31) % 32]


def test_every_single_wrong_character_is_caught():
    code = make(TraceKind.LOT, BODY)
    for i in range(3, len(code)):
        for char in ALPHABET:
            if char != code[i]:
                wrong = code[:i] + char + code[i + 1 :]
                with pytest.raises(BadUserInput):
                    parse(wrong, "code")


def test_most_swaps_of_neighbours_are_caught():
    caught = total = 0
    for _ in range(200):
        code = new(TraceKind.LOT)
        for i in range(3, len(code) - 1):
            if code[i] == code[i + 1]:
                continue
            total += 1
            swapped = code[:i] + code[i + 1] + code[i] + code[i + 2 :]
            try:
                parse(swapped, "code")
            except BadUserInput:
                caught += 1
    assert caught / total > 0.95


def test_new_codes_are_random_and_valid():
    codes = {new(TraceKind.LOT) for _ in range(1000)}
    assert len(codes) == 1000
    for code in codes:
        assert parse(code, "code") == (TraceKind.LOT, code)


def test_what_a_person_types_is_accepted():
    code = make(TraceKind.LOT, BODY)
    typed = f" {code[:3].lower()}-{code[3:7]} {code[7:].lower()} "
    assert parse(typed.strip(), "code") == (TraceKind.LOT, code)
    assert parse(code.lower(), "code") == (TraceKind.LOT, code)


@pytest.mark.parametrize(
    "value",
    ["", "FP", "FPL", "XXL" + BODY + "0", "FPQ" + BODY + "0", "FPL" + BODY,
     "FPL" + BODY + "00", "FPL" + BODY.replace("7", "O") + "0", "FPL" + BODY + "!",
     "FPL 7K3M9QXR2T\u0000", "x" * 1000, "FPL٣" + BODY[1:] + "0"],
)  # fmt: skip
def test_malformed_codes_are_bad_user_input(value):
    with pytest.raises(BadUserInput) as raised:
        parse(value, "code")
    assert raised.value.field == "code"
    assert len(value) < 4 or value not in raised.value.message


def test_the_kind_can_be_required():
    cooperative = make(TraceKind.COOPERATIVE, BODY)
    assert tc.check_trace_code(cooperative, "f") == cooperative
    with pytest.raises(BadUserInput, match="lot"):
        tc.check_trace_code(cooperative, "f", TraceKind.LOT)


def test_the_qr_address():
    code = make(TraceKind.LOT, BODY)
    assert trace_url("https://trace.example.cn/", code) == f"https://trace.example.cn/t/{code}"


def test_make_refuses_a_body_outside_the_alphabet():
    with pytest.raises(ValueError):
        make(TraceKind.LOT, "IIIIIIIIII")


# --- money -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "fen"),
    [("60", 6000), ("60.5", 6050), ("60.50", 6050), ("0.01", 1), ("0", 0), ("60.000", 6000)],
)
def test_yuan_to_fen(value, fen):
    assert to_fen(Decimal(value), "f") == fen
    assert to_yuan(fen) == Decimal(value).quantize(Decimal("0.01"))


@pytest.mark.parametrize("value", ["60.001", "-1", "NaN", "Infinity", "1000000.01", "1e10"])
def test_bad_amounts(value):
    with pytest.raises(BadUserInput):
        to_fen(Decimal(value), "f")


def test_amounts_round_to_the_fen():
    assert amount_fen(40, 6000) == 240000
    assert amount_fen(0.333, 100) == 33  # 33.3 fen
    assert amount_fen(0.005, 100) == 1  # half a fen rounds up
    assert amount_fen(2.5, 3333) == 8333  # 8332.5


def test_quantities():
    assert check_quantity(40, "q") == 40
    assert check_quantity(0.125, "q", "KILOGRAM") == 0.125
    for bad in (0, -1, 1_000_000.5, 0.0001):
        with pytest.raises(BadUserInput):
            check_quantity(bad, "q")
    with pytest.raises(BadUserInput, match="whole"):
        check_quantity(2.5, "q", "BOTTLE")


def test_the_cypher_of_money_and_sales():
    assert "toString(abs(" in yuan("p.amount") and "right('0'" in yuan("p.amount")
    sales = platform_sales("h", "$year")
    assert "p.voidedOn" not in sales and "sale.voidedOn IS NULL" in sales
    assert "sale.date.year = $year" in sales and ":PAID_TO" in sales
