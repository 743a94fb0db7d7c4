"""Opt-in statement counting for development: send `X-Fupin-Statements: 1` to an app
in development mode and the response carries `extensions.statements`, the number of
Cypher statements the request ran (graph.db.count_statements). Tests use it to show
that a page's cost does not grow with its size; production mode never counts.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from strawberry.extensions import SchemaExtension

from graph.db import count_statements

HEADER = "x-fupin-statements"


class StatementCount(SchemaExtension):
    _seen: list[str] | None = None

    def _enabled(self) -> bool:
        context = self.execution_context.context
        settings = getattr(context, "settings", None)
        request = getattr(context, "request", None)
        headers = getattr(request, "headers", None)
        return (
            settings is not None
            and settings.mode == "development"
            and headers is not None
            and headers.get(HEADER) == "1"
        )

    def on_execute(self) -> Iterator[None]:
        if not self._enabled():
            yield
            return
        with count_statements() as seen:
            self._seen = seen
            yield

    def get_results(self) -> dict[str, Any]:
        return {} if self._seen is None else {"statements": len(self._seen)}
