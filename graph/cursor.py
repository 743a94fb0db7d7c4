"""Opaque keyset cursors and page sizes (pure: no database).

A cursor is a list's kind and a row's sort key, base64url-encoded JSON: it names a
position, not a page number, so a page deep in a list costs what the first costs and
stays put while rows are added. Cursors never hold a personal value: sort keys are
codes, ids, dates and years.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from collections.abc import Sequence
from enum import StrEnum
from typing import Any

from graph.errors import BadUserInput

DEFAULT_FIRST = 20
MAX_FIRST = 100


class KeyKind(StrEnum):
    """What a cursor position holds, checked when it is decoded."""

    STR = "STR"
    INT = "INT"
    DATE = "DATE"


def check_first(first: int, *, maximum: int = MAX_FIRST, field: str = "first") -> int:
    if first < 1 or first > maximum:
        raise BadUserInput(f"{field} must be between 1 and {maximum}", field=field)
    return first


def encode_cursor(kind: str, key: Sequence[Any]) -> str:
    raw = json.dumps([kind, *key], separators=(",", ":"), default=str).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(
    cursor: str | None, kind: str, length: int, field: str = "after"
) -> list[Any] | None:
    """The key inside `cursor`, or None for no cursor; BAD_USER_INPUT if it is not a
    cursor of this list (`kind` names the list and its ordering)."""
    if cursor is None:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
    except (binascii.Error, ValueError, UnicodeError):
        raise BadUserInput("not a valid cursor", field=field) from None
    if not isinstance(value, list) or len(value) != length + 1 or value[0] != kind:
        raise BadUserInput("not a valid cursor for this list and order", field=field)
    for part in value[1:]:
        if part is not None and not isinstance(part, (str, int, float)):
            raise BadUserInput("not a valid cursor", field=field)
    return value[1:]


def decode_key(
    cursor: str | None, kind: str, kinds: Sequence[KeyKind], field: str = "after"
) -> list[Any] | None:
    """As `decode_cursor`, each position converted to its kind (a DATE from its ISO
    text) and checked: BAD_USER_INPUT when one does not fit."""
    key = decode_cursor(cursor, kind, len(kinds), field)
    if key is None:
        return None
    out: list[Any] = []
    for part, part_kind in zip(key, kinds, strict=True):
        try:
            if (part_kind is KeyKind.STR and isinstance(part, str)) or (
                part_kind is KeyKind.INT and isinstance(part, int) and not isinstance(part, bool)
            ):
                out.append(part)
            elif part_kind is KeyKind.DATE and isinstance(part, str):
                out.append(dt.date.fromisoformat(part))
            else:
                raise ValueError
        except ValueError:
            raise BadUserInput("not a valid cursor", field=field) from None
    return out
