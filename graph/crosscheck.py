"""Cross-check lists: ID numbers from other registries (civil servants, vehicle and
business owners, the death register) that the audit's CROSS_CHECK_MATCH rule compares
the file's active members with (DOMAIN.md section 7).

    (:CrossCheckEntry {key: list + ':' + idNumber, list, idNumber, source, importedAt})
    (:CrossCheckImport {id, list, source, received, added, importedAt})

An entry is MERGEd on its key, so importing a number again adds nothing. Entries are
personal data and never readable through the API; what an import did (its list,
source and counts, never a number) is, and is what the change history records.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import Any

from graph.compiler import Binder, Compiler, ConnPost, Plan, Post, Request, View, arg, plan, root
from graph.cursor import KeyKind, check_first, decode_key
from graph.db import Database, Tx
from graph.errors import BadUserInput
from graph.readmap import Embed, Field, Kind, Value, declare
from graph.validation import check_id_number, check_uuid
from graph.write import Actor, Entity, Mutation, Write, write

MAX_IDS = 10_000


class CrossCheckList(StrEnum):
    CIVIL_SERVANT = "CIVIL_SERVANT"
    VEHICLE_OWNER = "VEHICLE_OWNER"
    BUSINESS_OWNER = "BUSINESS_OWNER"
    DEATH_REGISTER = "DEATH_REGISTER"


def check_id_numbers(values: Sequence[str], field: str) -> list[str]:
    """1 to MAX_IDS valid ID numbers, upper-cased, duplicates dropped (first kept);
    BAD_USER_INPUT on `field`[i] for the first malformed one (never its value)."""
    if not 1 <= len(values) <= MAX_IDS:
        raise BadUserInput(f"give 1 to {MAX_IDS:,} ID numbers", field=field)
    return list(dict.fromkeys(check_id_number(v, f"{field}[{i}]") for i, v in enumerate(values)))


_MERGE_ENTRIES = """
UNWIND $ids AS n
MERGE (e:CrossCheckEntry {key: $list + ':' + n})
ON CREATE SET e.list = $list, e.idNumber = n, e.source = $source, e.importedAt = datetime(),
              e._new = true{labels}
WITH e, e._new IS NOT NULL AS new
REMOVE e._new
RETURN count(CASE WHEN new THEN 1 END) AS added
"""

MERGE_ENTRIES = _MERGE_ENTRIES.replace("{labels}", "")

CREATE_IMPORT = """
CREATE (i:CrossCheckImport {id: $id, list: $list, source: $source, received: $received,
                            added: $added, importedAt: datetime()})
"""


async def merge_entries(
    tx: Tx, list_name: str, source: str, ids: Sequence[str], *, generated: bool = False
) -> int:
    """MERGE entries of one list (a seek on cross_check_entry_key each); how many were
    new. `generated` adds the Generated label (seeds/anomalies.py)."""
    cypher = _MERGE_ENTRIES.replace("{labels}", ", e:Generated" if generated else "")
    record = await tx.single(cypher, {"list": list_name, "source": source, "ids": list(ids)})
    return int(record["added"]) if record else 0


async def import_list(
    db: Database,
    actor: Actor,
    mutation: Mutation,
    list_name: CrossCheckList,
    source: str,
    ids: Sequence[str],
) -> dict[str, Any]:
    """Import checked ID numbers into a list: {id, received, added}. Numbers already on
    the list add nothing. Recorded on the import (Entity.CROSS_CHECK_IMPORT): its list,
    source and counts."""

    async def work(w: Write) -> dict[str, Any]:
        added = await merge_entries(w.tx, list_name.value, source, ids)
        import_id = str(uuid.uuid4())
        values = {"list": list_name.value, "source": source, "received": len(ids), "added": added}
        await w.tx.run(CREATE_IMPORT, {"id": import_id, **values})
        w.created(Entity.CROSS_CHECK_IMPORT, import_id, values)
        return {"id": import_id, "received": len(ids), "added": added}

    return await write(db, actor, mutation, work)


# --- reads: what was imported -------------------------------------------------------

declare(
    "CrossCheckImport",
    ("i",),
    {
        "id": Value("{i}.id"),
        "list": Value("{i}.list"),
        "source": Value("{i}.source"),
        "received": Value("{i}.received"),
        "added": Value("{i}.added"),
        "importedAt": Value("{i}.importedAt", Kind.DATETIME),
    },
)
declare("CrossCheckImportEdge", ("i",), {"node": Embed("CrossCheckImport", {"i": "i"})})


def _import_id(request: Request) -> str:
    return check_uuid(str(request.args["id"]), "id", "an import's id")


@root("CrossCheckImport#id")
def plan_import(field: Field, view: View, shape: Any) -> Plan:
    """An import by id (the mutation's payload): a seek on cross_check_import_id."""
    b = Binder()
    post = Post(field=field)
    node = Compiler(view, b).project("CrossCheckImport", {"i": "i"}, field.fields, post)
    cypher = f"MATCH (i:CrossCheckImport {{id: {b.slot('id', _import_id)}}}) RETURN {node} AS data"
    return plan(cypher, b, post)


IMPORTS_KIND = "cross-check-imports"


def _imports_shape(args: Mapping[str, Any]) -> Any:
    return args.get("list") is not None, args.get("after") is not None


def _limit(request: Request) -> int:
    return check_first(request.args["first"]) + 1


def _after(position: int) -> Any:
    def get(request: Request) -> Any:
        key = decode_key(request.args.get("after"), IMPORTS_KIND, (KeyKind.INT, KeyKind.STR))
        assert key is not None
        return key[position]

    return get


_AFTER = (_after(0), _after(1))


@root("crossCheckImports", shape=_imports_shape)
def plan_imports(field: Field, view: View, shape: Any) -> Plan:
    """crossCheckImports(list, first, after): imports newest first, a keyset page (the
    cross_check_import_at index); their entries never."""
    by_list, has_after = shape
    b = Binder()
    post = Post(field=field)
    listed = [view.scope.audit_filter]
    listed += [f"i.list = {b.slot('list', arg('list'))}"] if by_list else []
    where = list(listed)
    if has_after:
        at, id_ = b.slot("afterAt", _AFTER[0]), b.slot("afterId", _AFTER[1])
        where.append(
            f"(i.importedAt.epochMillis < {at} OR "
            f"(i.importedAt.epochMillis = {at} AND i.id < {id_}))"
        )
    conn = ConnPost(IMPORTS_KIND, "limit", field, "CrossCheckImportConnection")
    post.conn = conn
    row = Compiler(view, b).connection_row(
        "CrossCheckImportEdge", {"i": "i"}, conn, ["i.importedAt.epochMillis", "i.id"]
    )
    total = ""
    if any(f.name == "totalCount" for f in field.fields):
        total = f", t: COUNT {{ MATCH (i:CrossCheckImport){_where(listed)} }}"
    cypher = f"""
    CALL () {{
      MATCH (i:CrossCheckImport){_where(where)}
      WITH i ORDER BY i.importedAt.epochMillis DESC, i.id DESC LIMIT {b.slot("limit", _limit)}
      RETURN collect({row}) AS rows
    }}
    RETURN {{r: rows{total}}} AS data
    """
    return plan(cypher, b, post)


def _where(conditions: Sequence[str]) -> str:
    return f" WHERE {' AND '.join(conditions)}" if conditions else ""
