"""The API's side of the write frame (graph/write.py): who writes (the Actor, from the
token), which mutation with which input (for the client mutation id's digest), the
input's given fields by their GraphQL names, and a payload's entity read back."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from typing import Any

import strawberry
from strawberry.utils.str_converters import to_camel_case

from api.context import Context
from api.execution import read_entity
from graph import validation as check
from graph.errors import BadUserInput
from graph.sync import Writer
from graph.write import Actor, Mutation

UNSET: Any = strawberry.UNSET
DATES = f"A date {check.DATE_RANGE}."
CLIENT_ID = (
    "8-64 letters, digits or . _ : -, made by the phone once per record: the record's "
    "clientMutationId (sending it again stores nothing twice)."
)
RECORDED_AT = (
    "When the record was made, by the phone's clock (without an offset: China Standard "
    "Time); at most 5 minutes ahead of the server's."
)


@dataclasses.dataclass(frozen=True)
class Checked:
    """A recording mutation's input after its checks (the same for the mutation and
    for the field app's sync): `write(actor, mutation, stamp)` runs its graph
    function; `day` is the date the record is about (None: the day it was made)."""

    write: Writer
    household: str
    day: dt.date | None = None


def actor(info: strawberry.Info[Context, None]) -> Actor:
    principal = info.context.principal
    return Actor(info.context.scope, principal.subject, principal.role.value)


def request(value: Any) -> Any:
    """A mutation's input as the client gave it (after GraphQL's coercion, so inline
    literals and variables, omitted fields and their defaults, come out the same), the
    fields it left unset dropped, without its clientMutationId."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: request(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if f.name != "client_mutation_id" and getattr(value, f.name) is not UNSET
        }
    if isinstance(value, list):
        return [request(v) for v in value]
    return value


def mutation(operation: str, input: Any, client_mutation_id: str | None) -> Mutation:
    return Mutation(operation, client_mutation_id, request(input))


def cmid(value: str | None) -> str | None:
    return None if value is None else check.check_client_mutation_id(value)


def given(input: Any, names: Iterable[str]) -> dict[str, Any]:
    """The fields of `input` among `names` (GraphQL names) that were given: those with
    an UNSET default left out, and every one that has a value otherwise."""
    out = {}
    for name in names:
        value = getattr(input, _snake(name), UNSET)
        if value is not UNSET:
            out[name] = value
    return out


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name)


def camel(name: str) -> str:
    return to_camel_case(name)


async def entity(info: strawberry.Info[Context, None], planner: str, **key: str | None) -> Any:
    """A payload's entity read back with its own selection, as the caller may see it
    (one statement, only when selected); None when it is not (or no longer) visible."""
    if any(value is None for value in key.values()):
        return None
    return await read_entity(info, planner, key)


def day(value: Any, field: str) -> Any:
    """A date input that defaults to today (CST), checked (not in the future)."""
    return check.check_date(value or check.today_cst(), field)


def distinct(keys: list[str], field: str) -> None:
    """BAD_USER_INPUT on the second mention of the same key (`field` has `{i}`)."""
    seen: set[str] = set()
    for i, key in enumerate(keys):
        if key in seen:
            raise BadUserInput("the same one is given twice", field=field.format(i=i))
        seen.add(key)
