"""Relay-style pagination: page sizes and opaque keyset cursors.

A cursor is the sort key and the node's code, base64url-encoded JSON: it names a
position, not a page number, so a page deep in a list costs what the first costs and
stays put while rows are added. Cursors never hold a personal value.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

import strawberry

from graph.errors import BadUserInput

DEFAULT_FIRST = 20
MAX_FIRST = 100


def check_first(first: int, *, maximum: int = MAX_FIRST, field: str = "first") -> int:
    if first < 1 or first > maximum:
        raise BadUserInput(f"{field} must be between 1 and {maximum}", field=field)
    return first


def encode_cursor(kind: str, key: list[Any]) -> str:
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


@strawberry.type(description="Where a page of a connection stands.")
class PageInfo:
    has_next_page: bool
    end_cursor: str | None
    has_previous_page: bool = False
    start_cursor: str | None = None
