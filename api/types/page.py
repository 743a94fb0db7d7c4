"""Where a page of a connection stands (Relay)."""

from __future__ import annotations

import strawberry


@strawberry.type(description="Where a page of a connection stands.")
class PageInfo:
    has_next_page: bool
    end_cursor: str | None
    has_previous_page: bool = False
    start_cursor: str | None = None
