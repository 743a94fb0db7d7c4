"""Bulk writes from lines of text: the generator's rows (seeds/generator.py,
graph/bulk_support.py).

The Python driver packs parameters in pure Python, about 5 microseconds a value, which
would make 650,000 people with 20 fields each cost a minute of packing alone. So each
row travels as one `|`-separated line (`to_line`), a batch as one string, and Neo4j
splits and converts the fields (`split`, `date`, `toInteger`) by a table of columns.
The values come from fixed lists and numbers, so no field can contain `|` or a newline.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum

from graph.model import Label


class Kind(Enum):
    TEXT = "text"
    INT = "int"
    FLOAT = "float"
    BOOL = "bool"
    DATE = "date"
    DATETIME = "datetime"
    LIST = "list"


def _expr(kind: Kind, ref: str) -> str:
    """Cypher that turns field `ref` back into a value (an empty field is null)."""
    return {
        Kind.TEXT: f"nullIf({ref}, '')",
        Kind.INT: f"toInteger({ref})",
        Kind.FLOAT: f"toFloat({ref})",
        Kind.BOOL: f"{ref} = '1'",
        Kind.DATE: f"date(nullIf({ref}, ''))",
        Kind.DATETIME: f"datetime(nullIf({ref}, ''))",
        Kind.LIST: f"CASE {ref} WHEN '' THEN [] ELSE split({ref}, ',') END",
    }[kind]


Columns = tuple[tuple[str, Kind], ...]


def _props(columns: Columns, start: int) -> str:
    """A Cypher map of `columns`, read from the line's fields from `start` on."""
    fields = (f"{name}: {_expr(kind, f'f[{start + i}]')}" for i, (name, kind) in enumerate(columns))
    return "{" + ", ".join(fields) + "}"


def _text(value: object) -> str:
    if value is None:
        return ""
    if value is True:
        return "1"
    if value is False:
        return "0"
    if isinstance(value, list | tuple):
        return ",".join(value)
    return str(value)


def to_line(values: Sequence[object]) -> str:
    """One row as a line: None is empty, booleans 1 and 0, lists joined by commas."""
    return "|".join([v if v.__class__ is str else _text(v) for v in values])


# Short names keep the column tables readable.
T, N, F, B, D, DT, L = (
    Kind.TEXT, Kind.INT, Kind.FLOAT, Kind.BOOL, Kind.DATE, Kind.DATETIME, Kind.LIST
)  # fmt: skip

_ROWS = "UNWIND split($rows, '\\n') AS line WITH split(line, '|') AS f"
GEN = Label.GENERATED
