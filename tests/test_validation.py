"""The pure validators of graph/validation.py: no database."""

from __future__ import annotations

import datetime as dt

import pytest

from graph.errors import BadUserInput
from graph.validation import (
    birth_date_of,
    check_causes,
    check_client_mutation_id,
    check_date,
    check_household_code,
    check_id_number,
    check_lookup_key,
    check_official_code,
    check_phone,
    check_region_code,
    check_sex,
    check_village_code,
    id_check_character,
    is_male,
    today_cst,
)
from seeds.demo import id_number

TODAY = dt.date(2026, 11, 1)


def test_check_character_of_a_published_example():
    # The GB 11643 example number 11010519491231002X.
    assert id_check_character("11010519491231002") == "X"
    assert check_id_number("11010519491231002x", "f", today=TODAY) == "11010519491231002X"


def test_generated_numbers_validate():
    for seq in range(0, 40):
        number = id_number("460203", dt.date(1979, 3, 14), seq)
        assert check_id_number(number, "f", today=TODAY) == number
        assert is_male(number) is (seq % 2 == 1)
        assert birth_date_of(number) == dt.date(1979, 3, 14)


@pytest.mark.parametrize(
    "value",
    [
        "46020319790314001",  # 17 characters
        "4602031979031400111",  # 19
        "46020319790314001A",  # a letter other than X
        "460203197902300011",  # 30 February
        "460203203001010011",  # born in the future
        "460203180001010011",  # before 1900
    ],
)
def test_malformed_id_numbers(value):
    with pytest.raises(BadUserInput) as caught:
        check_id_number(value, "input.members[1].idNumber", today=TODAY)
    assert caught.value.field == "input.members[1].idNumber"
    assert value not in caught.value.message


def test_wrong_check_digit():
    good = id_number("460203", dt.date(1979, 3, 14), 11)
    last = "0" if good[-1] != "0" else "1"
    with pytest.raises(BadUserInput, match="check digit"):
        check_id_number(good[:-1] + last, "f", today=TODAY)


def test_first_six_digits_are_not_checked_against_divisions():
    number = id_number("999999", dt.date(2000, 1, 1), 3)
    assert check_id_number(number, "f", today=TODAY) == number


def test_codes_nest():
    assert check_village_code("460203100201", "v") == "460203100201"
    assert check_household_code("4602031002010001", "c", "460203100201")
    for bad in ("46020310020", "4602031002010", "46020310020A"):
        with pytest.raises(BadUserInput):
            check_village_code(bad, "v")
    with pytest.raises(BadUserInput, match="begin with its village"):
        check_household_code("4602031002020001", "input.code", "460203100201")
    with pytest.raises(BadUserInput, match="16 digits"):
        check_household_code("460203100201001", "input.code", "460203100201")


def test_dates_lie_in_the_platforms_era():
    assert check_date(TODAY, "d", today=TODAY) == TODAY
    assert check_date(dt.date(1900, 1, 1), "d", today=TODAY) == dt.date(1900, 1, 1)
    for bad in (TODAY + dt.timedelta(days=1), dt.date(1899, 12, 31), dt.date.min):
        with pytest.raises(BadUserInput) as caught:
            check_date(bad, "input.date", today=TODAY)
        assert caught.value.field == "input.date"
    with pytest.raises(BadUserInput, match="1980-01-01"):
        check_date(dt.date(1979, 12, 31), "d", today=TODAY, earliest=dt.date(1980, 1, 1))


def test_today_is_china_standard_time():
    utc = dt.datetime.now(dt.UTC)
    cst = (utc + dt.timedelta(hours=8)).date()
    assert today_cst() in (cst, cst - dt.timedelta(days=1))


def test_causes():
    assert check_causes("ILLNESS", ["LACK_OF_FUNDS"], "f") == ["LACK_OF_FUNDS"]
    for secondary in (["A", "B", "C"], ["ILLNESS"], ["A", "A"]):
        with pytest.raises(BadUserInput):
            check_causes("ILLNESS", secondary, "input.secondaryCauses")


def test_small_checks():
    assert check_phone("138-0749 0101", "p") == "13807490101"
    with pytest.raises(BadUserInput):
        check_phone("12", "p")
    assert check_official_code("O-460203-001", "c")
    with pytest.raises(BadUserInput):
        check_official_code("-bad", "c")
    assert check_client_mutation_id("phone-1234-abcd")
    with pytest.raises(BadUserInput):
        check_client_mutation_id("short")


@pytest.mark.parametrize(
    "value",
    [
        "４６０２０３198001011011",  # full-width digits look alike but are another number
        "46020319800101101١",  # an Arabic-Indic digit
    ],
)
def test_id_numbers_take_ascii_digits_only(value):
    from graph.validation import check_id_number

    with pytest.raises(BadUserInput):
        check_id_number(value, "id")


@pytest.mark.parametrize("value", ["4602031002010001\n", "460203100201000١", "４602031002010001"])
def test_household_codes_take_ascii_digits_only(value):
    from graph.validation import check_household_code

    with pytest.raises(BadUserInput):
        check_household_code(value, "code", "460203100201")


def test_bank_accounts_are_digits():
    from graph.validation import check_bank_account

    assert check_bank_account("6222 0202 0011 2233 445", "a") == "6222020200112233445"
    for bad in ("1234567", "6222x0202001122", "６２２２０２０２００１１", "' OR 1=1 //"):
        with pytest.raises(BadUserInput):
            check_bank_account(bad, "a")


def test_registration_date_and_year_agree():
    from graph.validation import registration_of

    kw = {"date_field": "d", "year_field": "y", "today": TODAY}
    assert registration_of(None, None, **kw) == (TODAY, TODAY.year)
    assert registration_of(dt.date(2019, 5, 6), None, **kw) == (dt.date(2019, 5, 6), 2019)
    assert registration_of(dt.date(2019, 5, 6), 2019, **kw) == (dt.date(2019, 5, 6), 2019)
    # Only a past year: nothing better is known than its first day.
    assert registration_of(None, 2019, **kw) == (dt.date(2019, 1, 1), 2019)
    assert registration_of(None, TODAY.year, **kw) == (TODAY, TODAY.year)
    with pytest.raises(BadUserInput) as caught:
        registration_of(dt.date(2019, 5, 6), 2018, **kw)
    assert caught.value.field == "y"
    with pytest.raises(BadUserInput) as caught:
        registration_of(dt.date(1979, 12, 31), None, **kw)
    assert caught.value.field == "d"


def test_region_codes_have_6_9_or_12_digits():
    for good in ("460000", "460203100", "460203100201"):
        assert check_region_code(good, "code") == good
    for bad in (
        "",
        "abc",
        "46020",
        "4602031",
        "4602031002",
        "4602031002010001",
        "460000\n",
        "４60000",
    ):
        with pytest.raises(BadUserInput) as caught:
            check_region_code(bad, "code")
        assert caught.value.field == "code"


def test_lookup_keys_are_not_blank_nor_long():
    assert check_lookup_key("O-460203-001", "code") == "O-460203-001"
    for bad in ("", "   ", "x" * 65):
        with pytest.raises(BadUserInput):
            check_lookup_key(bad, "code")


def test_sex_follows_the_id_numbers_sequence_digit():
    man, woman = (
        id_number("460203", dt.date(1980, 1, 1), 1),
        id_number("460203", dt.date(1980, 1, 1), 2),
    )
    assert check_sex("MALE", man, "s") == "MALE"
    assert check_sex("FEMALE", woman, "s") == "FEMALE"
    for sex, number in (("FEMALE", man), ("MALE", woman)):
        with pytest.raises(BadUserInput) as caught:
            check_sex(sex, number, "input.members[0].sex")
        assert caught.value.field == "input.members[0].sex"
