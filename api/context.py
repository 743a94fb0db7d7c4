"""What every resolver gets in `info.context`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

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

    @property
    def scope(self) -> Scope:
        return self.principal.household_scope()
