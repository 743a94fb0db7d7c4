"""The read map: where each GraphQL object type's fields live in the graph.

Declared once per noun, beside that noun's Cypher (graph/household.py declares
Household and HouseholdMember, graph/person.py Person, ...), and read by
graph/compiler.py, which turns a selection into one Cypher statement whose result is
the response. The same entries say which fields are personal (`Mask`), so masking is
decided here and nowhere else.

    Value    a stored property or an expression on the row's variables
    Embed    another type on the same row (say, a relationship's end node)
    Rel      a list of another type (or one: `single`) found by a pattern from the row
    Conn     a keyset connection of edges found by a pattern from the row
    Custom   anything else: a function that prints its own Cypher

Templates are Python format strings. `{h}` names a variable of the row the type is
read from (its `row`); in a Rel or Conn every other `{name}` is a fresh variable of the
subquery. The target's row takes each of its variables from the placeholder of the
same name (fresh, or the parent's), or from the one `binds` maps it to (needed when a
type nests itself, as a region's parent). Labels and
relationship types are written into templates here, in code; values never are: they
come in as parameters through the compiler's Binder.
"""

from __future__ import annotations

import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from graph.cursor import KeyKind

if TYPE_CHECKING:
    from graph.compiler import Compiler, Post


class Kind(StrEnum):
    """How a value leaves Cypher: as it is, a DATE as its ISO text, a DATETIME kept
    whole (the post-pass writes it as Python's isoformat would), FEN (money stored as
    integer fen) as the text of Decimal yuan with two places (`yuan`)."""

    PLAIN = "PLAIN"
    DATE = "DATE"
    DATETIME = "DATETIME"
    FEN = "FEN"


def yuan(expr: str) -> str:
    """Cypher: integer fen `expr` as the text of Decimal yuan with two places
    ('2400.00'); null stays null."""
    x = f"({expr})"
    return (
        f"CASE WHEN {x} IS NULL THEN null ELSE CASE WHEN {x} < 0 THEN '-' ELSE '' END"
        f" + toString(abs({x}) / 100) + '.' + right('0' + toString(abs({x}) % 100), 2) END"
    )


class Mask(StrEnum):
    """Personal data (DOMAIN.md section 9), as roles without personal data see it:

    ID_NUMBER  the first 6 and last 4 characters: 460203********0115
    NAME       the first character and two stars: 符**
    PHONE      the first 3 and last 4 digits: 138****5678
    ACCOUNT    four stars and the last 4 digits: ****6789
    HIDDEN     null (addresses, birth dates, health, GPS, notes, incomes, debt)
    """

    ID_NUMBER = "ID_NUMBER"
    NAME = "NAME"
    PHONE = "PHONE"
    ACCOUNT = "ACCOUNT"
    HIDDEN = "HIDDEN"


class Access(StrEnum):
    """Kinds of records whose visibility the caller's scope decides (graph/scope.py)."""

    HOUSEHOLD = "HOUSEHOLD"
    OFFICIAL = "OFFICIAL"
    PERSON = "PERSON"
    COOPERATIVE = "COOPERATIVE"
    FINDING = "FINDING"
    SELLER = "SELLER"


@dataclass(frozen=True, eq=False)
class Field:
    """One selected field, as the executor collected it: fragments flattened,
    @include/@skip applied, arguments coerced (defaults filled), sub-fields merged.

    `key` is the response key (the alias, else the name); `nullable` and
    `item_nullable` (None when the field is not a list) are its GraphQL type's, for
    null propagation; `nodes` are its AST nodes (every occurrence of the key), for
    error locations."""

    key: str
    name: str
    args: Mapping[str, Any] = field(default_factory=dict)
    fields: tuple[Field, ...] = ()
    nullable: bool = True
    item_nullable: bool | None = None
    nodes: tuple[Any, ...] = ()

    def arg(self, name: str, default: Any = None) -> Any:
        value = self.args.get(name, default)
        return default if value is None else value

    def sub(self, name: str) -> list[Field]:
        """The sub-fields selected under `name` (every alias of it)."""
        return [f for f in self.fields if f.name == name]


@dataclass(frozen=True)
class Value:
    cypher: str
    kind: Kind = Kind.PLAIN
    mask: Mask | None = None


@dataclass(frozen=True)
class Embed:
    target: str
    row: Mapping[str, str]  # the target's variable -> this row's variable


@dataclass(frozen=True)
class Limit:
    """A page-size argument: its name, default and maximum."""

    arg: str = "first"
    default: int = 20
    maximum: int = 100


@dataclass(frozen=True)
class Flag:
    """A Boolean argument that adds `where` when it has the value `when`."""

    arg: str
    when: bool
    where: str


@dataclass(frozen=True)
class Rel:
    target: str
    match: str
    where: tuple[str, ...] = ()
    flags: tuple[Flag, ...] = ()
    order: str = ""
    limit: Limit | None = None
    fixed_limit: int | None = None
    single: bool = False
    scoped: tuple[tuple[str, Access], ...] = ()
    binds: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Conn:
    """A Relay connection: `edge` is the edge type, ordered by `keys` ((expression,
    ASC | DESC, kind) each), whose values make the cursor of list `kind`. totalCount,
    when selected, counts every match (one more subquery)."""

    edge: str
    match: str
    keys: tuple[tuple[str, str, KeyKind], ...]
    kind: str
    where: tuple[str, ...] = ()
    flags: tuple[Flag, ...] = ()
    limit: Limit = Limit()
    scoped: tuple[tuple[str, Access], ...] = ()
    binds: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Custom:
    """`build(compiler, row, field, post)` returns the Cypher of the value. With
    `mask` (only HIDDEN: a value that cannot be partly shown, say a household's
    incomes) roles without personal data get null and `build` is never called."""

    build: Callable[[Compiler, Mapping[str, str], Field, Post], str]
    mask: Mask | None = None

    def __post_init__(self) -> None:
        if self.mask not in (None, Mask.HIDDEN):
            raise ValueError("a Custom entry can only be HIDDEN")


@dataclass(frozen=True)
class Guard:
    """`entry`, readable only by callers whose scope kind is among `scopes` (names of
    graph.scope.ScopeKind), and with `unmasked` only by those who see personal data;
    anyone else gets FORBIDDEN at that field."""

    entry: Value | Embed | Rel | Conn | Custom
    scopes: frozenset[str]
    unmasked: bool = False


Entry = Value | Embed | Rel | Conn | Custom | Guard


@dataclass(frozen=True)
class TypeMap:
    name: str
    row: tuple[str, ...]
    fields: Mapping[str, Entry]


TYPES: dict[str, TypeMap] = {}


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def declare(name: str, row: tuple[str, ...], fields: Mapping[str, Entry]) -> TypeMap:
    """Register the map of GraphQL type `name`, read from a row of variables `row`.
    Checks what can be checked without a database: Value templates use only the row's
    variables."""
    for field_name, entry in fields.items():
        if isinstance(entry, Value):
            unknown = placeholders(entry.cypher) - set(row)
            if unknown:
                raise ValueError(f"{name}.{field_name} uses unknown variables {unknown}")
    type_map = TypeMap(name, row, dict(fields))
    TYPES[name] = type_map
    return type_map


def extend(name: str, fields: Mapping[str, Entry]) -> TypeMap:
    """Add `fields` to type `name`, declared by another noun's module: a field lives
    beside the Cypher it reads (graph/measure.py adds Household.measures). A field may
    be declared only once."""
    type_map = TYPES[name]
    clash = set(fields) & set(type_map.fields)
    if clash:
        raise ValueError(f"{name} already declares {sorted(clash)}")
    return declare(name, type_map.row, {**type_map.fields, **fields})


def _templates_of(entry: Rel | Conn) -> set[str]:
    texts = [entry.match, *entry.where, *(f.where for f in entry.flags)]
    texts.append(entry.order if isinstance(entry, Rel) else "")
    if isinstance(entry, Conn):
        texts.extend(expr for expr, _, _ in entry.keys)
    found: set[str] = set()
    for text in texts:
        found |= placeholders(text)
    return found


__all__ = [
    "TYPES",
    "Access",
    "Conn",
    "Custom",
    "Embed",
    "Entry",
    "Field",
    "Flag",
    "Guard",
    "Kind",
    "Limit",
    "Mask",
    "Rel",
    "TypeMap",
    "Value",
    "declare",
    "extend",
]
