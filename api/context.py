"""What every resolver gets in `info.context`."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from strawberry.extensions import SchemaExtension

from api.auth import Principal
from api.settings import Settings
from graph.db import Database
from graph.scope import Scope


@dataclass
class Context:
    request: Request | Any
    response: Response | None
    db: Database
    settings: Settings
    principal: Principal
    # False: execute queries with graphql-core's field walk over the compiled values
    # (the reference the differential tests compare the compiled path with).
    compiled: bool = True
    # Work to begin once the operation's result is complete (StartAfterOperation): a
    # run's background task, so that runAudit's payload reads the run as it committed.
    after: list[Callable[[], None]] = field(default_factory=list)

    @property
    def scope(self) -> Scope:
        return self.principal.household_scope()


class StartAfterOperation(SchemaExtension):
    """Begin the work resolvers left in `context.after`, once the result is complete,
    whatever it holds (what they start was committed before they asked)."""

    def on_operation(self) -> Iterator[None]:
        try:
            yield
        finally:
            context = self.execution_context.context
            for begin in getattr(context, "after", ()):
                begin()
