"""Relay-style pagination for the API: page sizes and opaque keyset cursors (the pure
parts live in graph/cursor.py; PageInfo in api/types/page.py)."""

from __future__ import annotations

from api.types.page import PageInfo
from graph.cursor import DEFAULT_FIRST, MAX_FIRST, check_first, decode_cursor, encode_cursor

__all__ = [
    "DEFAULT_FIRST",
    "MAX_FIRST",
    "PageInfo",
    "check_first",
    "decode_cursor",
    "encode_cursor",
]
