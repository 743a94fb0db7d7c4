"""Change history: who changed what, and when (issue 10).

    (:ChangeRecord {id, at, subject, role, operation, entityType, entityKey,
                    clientMutationId, changes})-[:CHANGED]->(entity)

`changes` is JSON: [{field, before, after}] for the fields that changed (a creation has
before null). A change to a relationship is recorded on the entity it belongs to: a
membership on the household (field `members`), a pairing on the household (field
`officials`) and on the official (field `pairedHouseholds`), a visit on the household
(`visits`), a support measure on the household (`measures`: never its notes, and the
person who received it by their ref), an income record on the household (`incomes`,
hidden from roles without personal data like the incomes themselves); from
traceability (issue 15), a cooperative membership on the household (`cooperatives`)
and the cooperative (`members`), a lot on its producer or owner (`lots`, household or
cooperative), a payment on the household paid (`payments`: its id, lot and date, never
the amount), and products on themselves; from sales (issue 16), a seller on itself and
its orders on it (`orders`), a sale's payment on the household or cooperative paid
(`payments`), a cancelled order's voided payments the same way. A poverty line, which
belongs to no household, has records of its own (entityType PovertyLine, entityKey its
year); so do the file audit's records: a run started (AuditRun), a finding reviewed
(Finding), a cross-check list imported (CrossCheckImport), each keyed by its id. The
relationship, not the key, ties a record to its entity, so a household's history
follows it through a move.

Records are written by the write frame (graph/write.py) in the mutation's own
transaction, one statement for all of them: a refused mutation writes none, a retry
answered from its clientMutationId none again. Nothing edits or deletes them. Seeds
and the generator write none (they are not changes).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from graph.compiler import Binder, Compiler, ConnPost, Plan, Post, Request, View, plan, root
from graph.cursor import KeyKind, check_first, decode_key
from graph.db import Tx
from graph.errors import BadUserInput
from graph.masks import mask
from graph.readmap import (
    TYPES,
    Access,
    Conn,
    Custom,
    Embed,
    Field,
    Guard,
    Kind,
    Mask,
    Value,
    declare,
)

if TYPE_CHECKING:
    from graph.write import Actor, Change, Mutation

_RECORD = (
    "CREATE (c:ChangeRecord {id: randomUUID(), at: datetime(), subject: $subject, "
    "role: $role, operation: $operation, entityType: $type, entityKey: {key}, "
    "clientMutationId: $clientMutationId, changes: r.changes})-[:CHANGED]->(e)"
)

# entity type -> (the parameter its records travel in, the seek on a record's key
# `r.key`, the record's entityKey); labels from graph/model.py's names.
_RECORDED = {
    "Household": ("households", "e:Household {code: r.key}", "e.code"),
    "Official": ("officials", "e:Official {code: r.key}", "e.code"),
    "Person": ("people", "e:Person {idNumber: r.key}", "e.ref"),
    "PovertyLine": ("povertyLines", "e:PovertyLine {year: toInteger(r.key)}", "toString(e.year)"),
    "Cooperative": ("cooperatives", "e:Cooperative {code: r.key}", "e.code"),
    "Product": ("products", "e:Product {code: r.key}", "e.code"),
    "AuditRun": ("runs", "e:AuditRun {id: r.key}", "e.id"),
    "Finding": ("findings", "e:Finding {id: r.key}", "e.id"),
    "CrossCheckImport": ("imports", "e:CrossCheckImport {id: r.key}", "e.id"),
    "Seller": ("sellers", "e:Seller {code: r.key}", "e.code"),
    "Region": ("regions", "e:Region {code: r.key}", "e.code"),
}

RECORD_CHANGES = " ".join(
    f"CALL () {{ UNWIND ${group} AS r MATCH ({seek}) "
    + _RECORD.replace("$type", f"'{entity}'").replace("{key}", key)
    + " }"
    for entity, (group, seek, key) in _RECORDED.items()
)
"""One statement for a mutation's records: a seek per entity on its key."""


async def record_changes(
    tx: Tx, actor: Actor, mutation: Mutation, history: Sequence[Change]
) -> None:
    """Write the change records of one mutation (nothing when nothing changed)."""
    if not history:
        return
    groups: dict[str, list[dict[str, Any]]] = {group: [] for group, _, _ in _RECORDED.values()}
    for change in history:
        groups[_RECORDED[change.entity.value][0]].append(
            {"key": change.key, "changes": json.dumps(change.changes, ensure_ascii=False)}
        )
    await tx.run(
        RECORD_CHANGES,
        {
            **groups,
            "subject": actor.subject,
            "role": actor.role,
            "operation": mutation.operation,
            "clientMutationId": mutation.client_mutation_id,
        },
    )


# --- reads ------------------------------------------------------------------------

HISTORY_READERS = frozenset({"ALL", "REGION"})  # scope kinds: not a field official's


def _masked_changes(entity_type: str, changes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    fields = TYPES[entity_type].fields if entity_type in TYPES else {}
    out = []
    for change in changes:
        entry = fields.get(change["field"])
        kind = getattr(entry, "mask", None)
        if isinstance(kind, Mask):
            change = {
                **change,
                "before": mask(kind, change["before"]),
                "after": mask(kind, change["after"]),
            }
        out.append(change)
    return out


def _changes(c: Compiler, row: Mapping[str, str], f: Field, post: Post) -> str:
    masked = c.view.masked
    sub = f.fields

    def transform(value: Mapping[str, Any]) -> list[dict[str, Any]]:
        changes = json.loads(value["j"] or "[]")
        if masked:
            changes = _masked_changes(value["t"], changes)
        return [
            {g.key: "FieldChange" if g.name == "__typename" else change.get(g.name) for g in sub}
            for change in changes
        ]

    post.transform = transform
    return f"{{t: {row['c']}.entityType, j: {row['c']}.changes}}"


declare(
    "ChangeEntry",
    ("c",),
    {
        "at": Value("{c}.at", Kind.DATETIME),
        "operation": Value("{c}.operation"),
        "subject": Value("{c}.subject", mask=Mask.HIDDEN),
        "role": Value("{c}.role"),
        "clientMutationId": Value("{c}.clientMutationId"),
        "changes": Custom(_changes),
    },
)
declare("ChangeEdge", ("c",), {"node": Embed("ChangeEntry", {"c": "c"})})

HISTORY_KIND = "history"
# Newest first: the record's time (to the millisecond), then its id.
_KEYS = (("{c}.at.epochMillis", "DESC", KeyKind.INT), ("{c}.id", "DESC", KeyKind.STR))


def history(entity: str) -> Guard:
    """The map entry of `<Type>.history(first, after)` on a type whose row holds the
    entity as `entity`: its records, newest first, a page at a time; not for a field
    official (FORBIDDEN there)."""
    return Guard(
        Conn(
            "ChangeEdge",
            f"MATCH ({{{entity}}})<-[:CHANGED]-({{c}}:ChangeRecord)",
            keys=_KEYS,
            kind=HISTORY_KIND,
        ),
        HISTORY_READERS,
    )


# ref type -> (label, key property, whose scope decides; None: every history reader)
REFS: dict[str, tuple[str, str, Access | None]] = {
    "Household": ("Household", "code", Access.HOUSEHOLD),
    "Official": ("Official", "code", Access.OFFICIAL),
    "Person": ("Person", "ref", Access.PERSON),
    "Cooperative": ("Cooperative", "code", Access.COOPERATIVE),
    "Product": ("Product", "code", None),
}


def parse_ref(ref: str, field: str = "ref") -> tuple[str, str]:
    """(type, key) of a ref `Type:key`; BAD_USER_INPUT when it cannot be one. A
    person's key is their random ref, never an ID number."""
    kind, sep, key = ref.partition(":")
    if not sep or kind not in REFS or not key or len(key) > 64 or not key.isprintable():
        raise BadUserInput("a ref is Type:key, e.g. Household:4602031002010001", field=field)
    if kind == "Person" and len(key) == 18 and key[:17].isdigit():
        raise BadUserInput("a person is named by their ref, never an ID number", field=field)
    return kind, key


def _history_shape(args: Mapping[str, Any]) -> Any:
    return (parse_ref(str(args["ref"]))[0], args.get("after") is not None)


def _ref_key(request: Request) -> str:
    return parse_ref(str(request.args["ref"]))[1]


def _limit(request: Request) -> int:
    return check_first(request.args["first"]) + 1


def _after(position: int) -> Callable[[Request], Any]:
    def get(request: Request) -> Any:
        key = decode_key(request.args.get("after"), HISTORY_KIND, [k for _, _, k in _KEYS])
        assert key is not None
        return key[position]

    return get


_AFTER = (_after(0), _after(1))


@root("history", shape=_history_shape)
def plan_history(field: Field, view: View, shape: Any) -> Plan:
    """history(ref, first, after): the entity's change records, newest first; empty
    for an entity that is unknown or outside the caller's scope. One statement: a
    seek on the entity's key, then its CHANGED relationships."""
    kind, has_after = shape
    label, prop, access = REFS[kind]
    b = Binder()
    post = Post(field=field)
    key = b.slot("key", _ref_key)
    visible = "true" if access is None else view.scope.read_filter(access, "e", b)
    limit = b.slot("limit", _limit)
    keyset = "true"
    if has_after:
        at, id_ = b.slot("afterAt", _AFTER[0]), b.slot("afterId", _AFTER[1])
        keyset = f"(c.at.epochMillis < {at} OR (c.at.epochMillis = {at} AND c.id < {id_}))"
    conn = ConnPost(HISTORY_KIND, "limit", field, "ChangeConnection")
    post.conn = conn
    row = Compiler(view, b).connection_row(
        "ChangeEdge", {"c": "c"}, conn, ["c.at.epochMillis", "c.id"]
    )
    total = (
        ", t: COUNT { MATCH (e)<-[:CHANGED]-(:ChangeRecord) }"
        if any(f.name == "totalCount" for f in field.fields)
        else ""
    )
    cypher = (
        f"OPTIONAL MATCH (e:{label} {{{prop}: {key}}}) WHERE {visible} "
        f"RETURN {{r: COLLECT {{ MATCH (e)<-[:CHANGED]-(c:ChangeRecord) WHERE {keyset} "
        f"RETURN {row} ORDER BY c.at.epochMillis DESC, c.id DESC LIMIT {limit} }}{total}}} AS data"
    )
    return plan(cypher, b, post)


# --- export ---------------------------------------------------------------------------

EXPORT = """
MATCH (c:ChangeRecord)-[:CHANGED]->(e)
WHERE c.at >= $since AND (c.at > $afterAt OR (c.at = $afterAt AND c.id > $afterId))
  AND ($prefixes IS NULL
       OR (e:Household AND any(p IN $prefixes WHERE e.code STARTS WITH p))
       OR (e:Official AND EXISTS { MATCH (e)-[:PAIRED_WITH]->(h:Household)
                                   WHERE any(p IN $prefixes WHERE h.code STARTS WITH p) })
       OR (e:Person AND EXISTS { MATCH (e)-[:MEMBER_OF]->(h:Household)
                                 WHERE any(p IN $prefixes WHERE h.code STARTS WITH p) }))
RETURN c {.id, .at, .subject, .role, .operation, .entityType, .entityKey,
          .clientMutationId, .changes} AS record
ORDER BY c.at, c.id LIMIT $batch
"""
"""One batch of records at or after $since, after the position ($afterAt, $afterId),
oldest first: a range seek on change_record_at."""

EXPORT_BATCH = 1000


async def region_prefixes(db: Any, code: str) -> list[str] | None:
    """The household-code prefixes of region `code`, or None when there is no such region."""
    found = await db.read_one(
        "MATCH (r:Region {code: $code}) RETURN r.prefixes AS prefixes", {"code": code}
    )
    return None if found is None else list(found["prefixes"])


async def export_records(
    db: Any, since: dt.datetime, prefixes: list[str] | None = None
) -> AsyncIterator[dict[str, Any]]:
    """Every change record at or after `since` (of the households, officials and people
    of a region when `prefixes` are given), oldest first, as plain dicts (changes
    parsed, at in ISO 8601): keyset batches, so memory does not grow with the file."""
    after_at, after_id = since, ""
    while True:
        records = await db.read(
            EXPORT,
            {"since": since, "afterAt": after_at, "afterId": after_id,
             "prefixes": prefixes, "batch": EXPORT_BATCH},
        )  # fmt: skip
        for r in records:
            record = dict(r["record"])
            after_at, after_id = record["at"], record["id"]
            record["at"] = record["at"].to_native().isoformat()
            record["changes"] = json.loads(record["changes"] or "[]")
            yield record
        if len(records) < EXPORT_BATCH:
            return
