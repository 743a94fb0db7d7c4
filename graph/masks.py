"""Masks for personal data (DOMAIN.md section 9), for roles that may not see it, in
Python (graph/compiler.py prints the same masks in Cypher for the reads; the tests
compare the two)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graph.readmap import Mask

# Every mask has a fixed width, so it tells nothing of the value's length.


def mask_id_number(value: str | None) -> str | None:
    """18 characters: the first 6 and last 4 with 8 stars between (460203********123X);
    a value too short to keep them is all stars."""
    if value is None:
        return None
    if len(value) < 10:
        return "*" * 18
    return value[:6] + "*" * 8 + value[-4:]


def mask_name(value: str | None) -> str | None:
    """The first character and two stars, whatever the length: 王**."""
    if not value:
        return value
    return value[0] + "**"


def mask_phone(value: str | None) -> str | None:
    """11 characters: the first 3 and last 4 digits with 4 stars between; a number too
    short to keep them is all stars."""
    if not value:
        return value
    return value[:3] + "****" + value[-4:] if len(value) >= 8 else "*" * 11


def mask_account(value: str | None) -> str | None:
    """Four stars and the last 4 digits."""
    if not value:
        return value
    return "****" + value[-4:]


def mask(kind: Mask, value: Any) -> Any:
    """`value` as roles without personal data see it."""
    if kind is Mask.HIDDEN or value is None:
        return None
    if not isinstance(value, str):
        return None
    return MASKS[kind](value)


MASKS: dict[Mask, Callable[[str], str | None]] = {
    Mask.ID_NUMBER: mask_id_number,
    Mask.NAME: mask_name,
    Mask.PHONE: mask_phone,
    Mask.ACCOUNT: mask_account,
}
