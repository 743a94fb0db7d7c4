"""Validators for the household file's input (DOMAIN.md section 3): pure functions.

Each one returns the cleaned value or raises `BadUserInput` with `field` naming the
input at fault. Messages never repeat the value (it may be an ID number or a name).
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from graph.errors import BadUserInput

CST = ZoneInfo("Asia/Shanghai")

# The platform's era: no date of the file (a visit, a membership, a pairing, an asOf)
# lies before this day, nor after today in China Standard Time unless it is a plan.
EARLIEST_DATE = dt.date(1900, 1, 1)
# A household's registration: the national file starts in the 1980s.
EARLIEST_REGISTRATION = dt.date(1980, 1, 1)
# How the schema's descriptions state those ranges.
DATE_RANGE = "from 1900-01-01 to today (China Standard Time)"
REGISTRATION_RANGE = "from 1980-01-01 to today (China Standard Time)"

# ISO 7064 MOD 11-2 weights of the first 17 characters of a national ID number.
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
# ASCII digits only, whole string: `\d` takes any Unicode digit and `$` a final newline.
_ID_SHAPE = re.compile(r"[0-9]{17}[0-9X]")
_VILLAGE_CODE = re.compile(r"[0-9]{12}")
_HOUSEHOLD_CODE = re.compile(r"[0-9]{16}")
_OFFICIAL_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,31}")
_REGION_CODE = re.compile(r"[0-9]{6}(?:[0-9]{3}){0,2}")
LOOKUP_KEY_MAX = 64


def today_cst() -> dt.date:
    """Today's date in China Standard Time, the platform's time zone."""
    return dt.datetime.now(CST).date()


def id_check_character(first17: str) -> str:
    """The check character (0-9 or X) of the first 17 digits of an ID number."""
    total = sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def birth_date_of(id_number: str) -> dt.date | None:
    """The birth date written in characters 7-14 of an ID number, or None if impossible."""
    try:
        return dt.datetime.strptime(id_number[6:14], "%Y%m%d").date()
    except ValueError:
        return None


def is_male(id_number: str) -> bool:
    """The 17th digit is odd for men and even for women."""
    return int(id_number[16]) % 2 == 1


def check_id_number(value: str, field: str, *, today: dt.date | None = None) -> str:
    """An 18-character ID number with a real birth date (not in the future and not
    before 1900) and a correct MOD 11-2 check character; returned upper-cased. The
    first six digits are not checked against today's division codes."""
    cleaned = value.strip().upper()
    if not _ID_SHAPE.fullmatch(cleaned):
        raise BadUserInput("an ID number has 17 digits and a check digit or X", field=field)
    born = birth_date_of(cleaned)
    if born is None or born.year < 1900 or born > (today or today_cst()):
        raise BadUserInput("the birth date inside the ID number is not a real date", field=field)
    if id_check_character(cleaned[:17]) != cleaned[17]:
        raise BadUserInput("the ID number's check digit is wrong", field=field)
    return cleaned


def check_village_code(value: str, field: str) -> str:
    if not _VILLAGE_CODE.fullmatch(value):
        raise BadUserInput("a village code has 12 digits", field=field)
    return value


def check_household_code(value: str, field: str, village_code: str | None = None) -> str:
    """16 digits: the village's 12-digit code followed by 4 digits."""
    if not _HOUSEHOLD_CODE.fullmatch(value):
        raise BadUserInput(
            "a household code has 16 digits: the village code and 4 more", field=field
        )
    if village_code is not None and not value.startswith(village_code):
        raise BadUserInput("the household code must begin with its village's code", field=field)
    return value


def check_official_code(value: str, field: str) -> str:
    if not _OFFICIAL_CODE.fullmatch(value):
        raise BadUserInput(
            "an official code is 1-32 letters, digits or hyphens, starting with a letter or digit",
            field=field,
        )
    return value


def check_region_code(value: str, field: str) -> str:
    """A division code: 6 digits (a county-level unit and up), 9 (a town) or 12 (a
    village), ASCII digits only. A well-formed code may still name no region."""
    if not _REGION_CODE.fullmatch(value):
        raise BadUserInput("a region code has 6, 9 or 12 digits", field=field)
    return value


def check_lookup_key(value: str, field: str) -> str:
    """A key to look something up by (an official's code): not blank, at most 64
    characters. Anything else cannot be a key and is refused rather than not found."""
    if not value.strip() or len(value) > LOOKUP_KEY_MAX:
        raise BadUserInput(
            f"the key must be 1 to {LOOKUP_KEY_MAX} characters, not blank", field=field
        )
    return value


def check_date(
    value: dt.date,
    field: str,
    *,
    today: dt.date | None = None,
    earliest: dt.date = EARLIEST_DATE,
) -> dt.date:
    """A date of the platform's era: from `earliest` (1900-01-01 unless the field
    says otherwise) to today in China Standard Time. Checked before any arithmetic on
    the date (a window before 0001-01-01 cannot be computed)."""
    if value < earliest:
        raise BadUserInput(f"the date must not be before {earliest.isoformat()}", field=field)
    if value > (today or today_cst()):
        raise BadUserInput("the date is in the future (China Standard Time)", field=field)
    return value


def check_sex(sex: str, id_number: str, field: str) -> str:
    """MALE or FEMALE as the ID number's 17th digit says (odd for men, even for women)."""
    expected = "MALE" if is_male(id_number) else "FEMALE"
    if sex != expected:
        raise BadUserInput(
            "the sex contradicts the ID number (its 17th digit is odd for men, even for women)",
            field=field,
        )
    return sex


def registration_of(
    date: dt.date | None,
    year: int | None,
    *,
    date_field: str,
    year_field: str,
    today: dt.date | None = None,
) -> tuple[dt.date, int]:
    """The registration date and year of a household. The date defaults to today
    (China Standard Time), or to 1 January of `year` when only a past year is given
    (nothing better is known: the migration derives stored dates the same way); the
    year defaults to the date's, and when both are given they must agree."""
    today = today or today_cst()
    if year is not None:
        check_year(year, year_field, low=EARLIEST_REGISTRATION.year, high=today.year)
    if date is None:
        day = today if year is None or year == today.year else dt.date(year, 1, 1)
        return day, day.year
    check_date(date, date_field, today=today, earliest=EARLIEST_REGISTRATION)
    if year is not None and year != date.year:
        raise BadUserInput(
            "registrationYear must be the year of registrationDate", field=year_field
        )
    return date, date.year


def check_year(value: int, field: str, *, low: int = 1980, high: int = 2100) -> int:
    if not low <= value <= high:
        raise BadUserInput(f"the year must be between {low} and {high}", field=field)
    return value


def check_range(value: float, field: str, low: float, high: float) -> float:
    if not low <= value <= high:
        raise BadUserInput(f"the value must be between {low:g} and {high:g}", field=field)
    return value


def check_text(value: str, field: str, *, max_length: int = 200, required: bool = True) -> str:
    cleaned = value.strip()
    if required and not cleaned:
        raise BadUserInput("the value must not be empty", field=field)
    if len(cleaned) > max_length:
        raise BadUserInput(f"the value is longer than {max_length} characters", field=field)
    return cleaned


def check_phone(value: str, field: str) -> str:
    cleaned = value.strip().replace(" ", "").replace("-", "")
    if not re.fullmatch(r"\+?[0-9]{5,15}", cleaned):
        raise BadUserInput("a phone number has 5 to 15 digits", field=field)
    return cleaned


def check_bank_account(value: str, field: str) -> str:
    """A bank card or account number: 8 to 32 ASCII digits (spaces and hyphens, as
    printed on a card, are dropped)."""
    cleaned = value.strip().replace(" ", "").replace("-", "")
    if not re.fullmatch(r"[0-9]{8,32}", cleaned):
        raise BadUserInput("a bank account has 8 to 32 digits", field=field)
    return cleaned


def check_client_mutation_id(value: str, field: str = "input.clientMutationId") -> str:
    if not re.fullmatch(r"[A-Za-z0-9._:-]{8,64}", value):
        raise BadUserInput("clientMutationId must be 8-64 letters, digits or . _ : -", field=field)
    return value


def check_causes(main: str, secondary: list[str], field: str) -> list[str]:
    """Up to two secondary causes, distinct, none equal to the main cause."""
    if len(secondary) > 2:
        raise BadUserInput("at most two secondary causes", field=field)
    if len(set(secondary)) != len(secondary) or main in secondary:
        raise BadUserInput(
            "secondary causes must differ from each other and from the main cause", field=field
        )
    return list(secondary)


_VISIT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def check_visit_id(value: str, field: str) -> str:
    if not _VISIT_ID.fullmatch(value):
        raise BadUserInput("a visit id is 1-64 letters, digits, '-', '_' or '.'", field=field)
    return value


def check_record_id(value: str, field: str) -> str:
    """The id of a record the platform generated (an event, a payment): 1-64 letters,
    digits, '-', '_' or '.'."""
    if not _VISIT_ID.fullmatch(value):
        raise BadUserInput("an id is 1-64 letters, digits, '-', '_' or '.'", field=field)
    return value


def check_person_ref(value: str, field: str) -> str:
    """A person's ref is a UUID (never an ID number: that is personal)."""
    cleaned = value.lower()
    if not _UUID.fullmatch(cleaned):
        raise BadUserInput("a person is named by their ref, a UUID", field=field)
    return cleaned


def check_uuid(value: str, field: str, what: str = "an id") -> str:
    """A generated id (a finding's, an audit run's): a UUID in lower case."""
    cleaned = value.strip().lower()
    if not _UUID.fullmatch(cleaned):
        raise BadUserInput(f"{what} is a UUID", field=field)
    return cleaned
