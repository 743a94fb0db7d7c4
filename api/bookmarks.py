"""Read-your-writes across replicas: the `X-Fupin-Bookmark` header.

A mutation's response carries the bookmark of what its request committed, in the
`X-Fupin-Bookmark` response header and in `extensions.bookmark` (the same value). A
client that sends it back on a later request, to any replica, reads nothing older: the
request's reads and writes wait until the cluster member serving them has that write
(graph/db.py `Causal`, the driver's bookmarks). Without the header a request reads
whatever the member it reaches has, which is what most reads want.

The value is opaque to clients: the bookmarks Neo4j gave, as base64url JSON. A header
that is not one (too long, not base64url JSON of a few strings) is refused at the
HTTP edge (BAD_REQUEST, 400); well-formed bookmarks Neo4j does not know answer
BAD_USER_INPUT; a member that does not catch up within Neo4j's bookmark wait answers
DATABASE_UNAVAILABLE (retryable).
"""

from __future__ import annotations

import base64
import binascii
import json

from graph.db import Causal
from graph.errors import BadUserInput

HEADER = "x-fupin-bookmark"
MAX_HEADER = 4096
MAX_BOOKMARKS = 16


def encode(bookmarks: list[str]) -> str:
    raw = json.dumps(bookmarks, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def decode(header: str) -> list[str]:
    """The bookmarks in a header value; BadUserInput when it is not one this API gave."""
    refused = BadUserInput(f"the {HEADER} header is not a bookmark this API gave")
    if len(header) > MAX_HEADER:
        raise refused
    try:
        raw = base64.urlsafe_b64decode(header + "=" * (-len(header) % 4))
        value = json.loads(raw)
    except (binascii.Error, ValueError):
        raise refused from None
    if (
        not isinstance(value, list)
        or len(value) > MAX_BOOKMARKS
        or not all(isinstance(item, str) and item.isascii() and item for item in value)
    ):
        raise refused
    return value


def chain(header: str | None) -> Causal:
    """The request's causal chain, from its header (none: nothing to wait for)."""
    return Causal(decode(header) if header else ())
