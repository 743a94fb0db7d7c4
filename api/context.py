"""What every resolver gets in `info.context`."""

from __future__ import annotations

from dataclasses import dataclass, field
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
    # Per-request DataLoaders, created on first use by the resolvers that need them.
    loaders: dict[str, Any] = field(default_factory=dict)

    @property
    def scope(self) -> Scope:
        return self.principal.household_scope()
