"""National ID numbers for generated people (GB 11643: 18 characters).

Six digits of the issuing division, the birth date as YYYYMMDD, a three-digit sequence
(odd for men, even for women) and a check digit by ISO 7064 MOD 11-2, where `X`
stands for 10. graph/validation.py validates numbers that come in; this module only
makes them.
"""

from __future__ import annotations

import datetime as dt
import uuid

from graph.validation import id_check_character


def check_digit(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character of the first 17 digits (the validator's)."""
    if len(first17) != 17 or not first17.isdigit():
        raise ValueError("the check digit needs exactly 17 digits")
    return id_check_character(first17)


def make_id_number(division: str, birth_date: dt.date, sequence: int) -> str:
    """An 18-character ID number; `sequence` (0-999) is odd for a man, even for a woman."""
    if len(division) != 6 or not division.isdigit():
        raise ValueError("the division is six digits")
    if not 0 <= sequence <= 999:
        raise ValueError("the sequence is three digits")
    first17 = f"{division}{birth_date:%Y%m%d}{sequence:03d}"
    return first17 + check_digit(first17)


# The namespace of the seeds' person refs (uuid5): reproducible runs give every
# synthetic person the same ref. Real people get Neo4j's randomUUID() (graph/), never
# this: a ref derived from an ID number could be reversed by trying ID numbers.
SEED_REF_NAMESPACE = uuid.UUID("5e6b1f0e-7a41-4c2b-9d59-3f0f2c1a9b17")


def seed_person_ref(id_number: str) -> str:
    """The ref of a synthetic person (the demo story, the generator): a uuid5 of the ID
    number, so the same person gets the same ref on every run."""
    return str(uuid.uuid5(SEED_REF_NAMESPACE, id_number))
