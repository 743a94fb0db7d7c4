"""Helpers for the differential tests (tests/test_differential*.py, test_metamorphic.py,
test_paging.py): one query run both ways against the real Neo4j, through the compiled
fast path (api/execution.py's CompiledReads) and through graphql-core's field walk over
the same plans (`Context.compiled = False`), the comparison of their responses, and
the callers. The queries come from tests/querygen.py."""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import hypothesis
from hypothesis import HealthCheck
from neo4j import Driver

from api.auth import Principal, Role
from api.context import Context
from api.errors import with_code
from api.schema import schema
from api.settings import Settings
from graph.db import Database
from graph.testdb import wipe
from graph.validation import today_cst
from seeds.demo import load_demo

CORE = schema._schema


def examples(n: int) -> int:
    """A property's number of examples: `n` in the suite, times FUPIN_PROPERTY_SCALE
    for a deeper search by hand (FUPIN_PROPERTY_SCALE=20 make pytest)."""
    return n * int(os.environ.get("FUPIN_PROPERTY_SCALE", "1"))


CALLERS: dict[str, Principal] = {
    "admin": Principal(Role.ADMIN, "t-admin"),
    "region-460203": Principal(Role.REGION_OFFICER, "t-ro1", scope="460203"),
    "region-469001": Principal(Role.REGION_OFFICER, "t-ro2", scope="469001"),
    "official-O-460203-001": Principal(Role.FIELD_OFFICIAL, "t-fo", scope="O-460203-001"),
    "auditor": Principal(Role.AUDITOR, "t-aud"),
    "investigator": Principal(Role.INVESTIGATOR, "t-inv"),
    "anonymous": Principal(Role.PUBLIC),
}


# --- running a query both ways ----------------------------------------------------------


class TwoWays:
    """A Database of its own on a loop of its own, for synchronous tests."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.loop = asyncio.new_event_loop()
        self.db: Database = settings.database(timeout_s=60)

    def close(self) -> None:
        self.loop.run_until_complete(self.db.close())
        self.loop.close()

    def run(self, work: Any) -> Any:
        return self.loop.run_until_complete(work)

    async def _execute(
        self, query: str, principal: Principal, variables: Mapping[str, Any] | None, compiled: bool
    ) -> dict[str, Any]:
        context = Context(None, None, self.db, self.settings, principal, compiled=compiled)
        result = await schema.execute(
            query, variable_values=dict(variables or {}), context_value=context
        )
        errors = [with_code(e).formatted for e in result.errors or ()]
        return {"data": result.data, "errors": errors}

    def execute(
        self,
        query: str,
        principal: Principal,
        variables: Mapping[str, Any] | None = None,
        *,
        compiled: bool = True,
    ) -> dict[str, Any]:
        """The response as a client gets it: data and errors (with their codes)."""
        return self.run(self._execute(query, principal, variables, compiled))  # type: ignore[no-any-return]

    def both(
        self,
        query: str,
        principals: Sequence[Principal],
        variables: Mapping[str, Any] | None = None,
    ) -> list[tuple[dict[str, Any], dict[str, Any]]]:
        """(compiled, graphql-core) responses for each principal (run concurrently)."""

        async def run_all() -> list[dict[str, Any]]:
            return await asyncio.gather(
                *(self._execute(query, p, variables, compiled) for p in principals
                  for compiled in (True, False))
            )  # fmt: skip

        done = self.run(run_all())
        return [(done[i], done[i + 1]) for i in range(0, len(done), 2)]

    def data(self, query: str, principal: Principal, **variables: Any) -> Any:
        """The data of a query that must succeed (compiled)."""
        body = self.execute(query, principal, variables)
        assert not body["errors"], body["errors"]
        return body["data"]


def demo_ways(driver: Driver, settings: Settings) -> Iterator[TwoWays]:
    """The body of a module fixture: the demo story as of today in the emptied test
    database, and a runner on it."""
    wipe(driver)
    two = TwoWays(settings)
    two.run(load_demo(two.db, today_cst(), say=lambda _: None))
    yield two
    two.close()


def property_settings(n: int) -> Any:
    """Hypothesis settings of the properties: `examples(n)`, reproducible, no deadline
    (statements are timed by the database, not by the test)."""
    return hypothesis.settings(
        max_examples=examples(n),
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                               HealthCheck.filter_too_much],
    )  # fmt: skip


def canonical(value: Any) -> Any:
    """A value compared as JSON compares it: 1 and 1.0 alike, True and 1 not."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, float)):
        return ("number", float(value))
    if isinstance(value, Mapping):
        return {k: canonical(v) for k, v in value.items()}
    if isinstance(value, Sequence):
        return [canonical(v) for v in value]
    return ("other", repr(value))


def _texts(errors: Sequence[Mapping[str, Any]]) -> list[str]:
    return sorted(json.dumps(e, sort_keys=True, default=str) for e in errors)


def differences(fast: Mapping[str, Any], walked: Mapping[str, Any]) -> list[str]:
    """How the compiled response differs from graphql-core's ([] when they agree).

    Data must be equal, and errors equal as sorted lists (message, locations, path,
    extensions). One allowance: when an error nulls the whole response (a non-null
    root field), graphql-core stops collecting the other root fields' errors at that
    point (which ones it has seen depends on timing), while the compiled path reports
    every root field's; then graphql-core's errors must be among the compiled ones."""
    found = []
    if canonical(fast["data"]) != canonical(walked["data"]):
        found.append("data")
    mine, theirs = _texts(fast["errors"]), _texts(walked["errors"])
    if fast["data"] is None and walked["data"] is None and theirs:
        if not set(theirs) <= set(mine):
            found.append("errors")
    elif mine != theirs:
        found.append("errors")
    return found


def internal(body: Mapping[str, Any]) -> bool:
    return any((e.get("extensions") or {}).get("code") == "INTERNAL" for e in body["errors"])
