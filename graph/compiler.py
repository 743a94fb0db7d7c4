"""The read compiler: a selection in, one Cypher statement out (pure: no database).

For a root field the planner of that field (graph/<noun>.py) writes the MATCH that
finds its rows; `Compiler.project` writes what each row returns, from the read map
(graph/readmap.py): only the selected fields, aliases as keys, nested lists as
`COLLECT { }` subqueries with their limits, connections as their rows plus an optional
count, the caller's scope inside every subquery that reaches a scoped record, and
masked expressions in place of personal fields for roles that may not see them, so a
raw personal value never leaves the database for them.

What Cypher cannot do well is left to one post-pass (`finish`) over exactly the places
the plan marks (`Post`): cursors encoded, pageInfo built from `first + 1` rows,
DATETIME values written out, and errors of nested arguments placed at every
occurrence with GraphQL's null propagation. Everything else leaves the driver as the
response's own maps and lists.

Every value is a parameter (`Binder.const`, `Binder.slot`); variables are numbered by
the Binder so two subqueries never share one.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

from graph.cursor import check_first, decode_key, encode_cursor
from graph.errors import Forbidden, FupinError
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
    Rel,
    Value,
    placeholders,
    yuan,
)
from graph.scope import Scope


@dataclass(frozen=True)
class View:
    """Who reads: the scope of their records and whether personal fields are masked.
    Plans are cached per view kind; the scope's code is bound per request."""

    scope: Scope
    masked: bool

    @property
    def kind(self) -> tuple[str, bool]:
        return (self.scope.view_kind, self.masked)


@dataclass(frozen=True)
class Request:
    """What a cached plan is bound to: the root field's arguments, the scope, today,
    the caller's token subject (for what belongs to the caller: graph/sync.py) and the
    public base URL."""

    args: Mapping[str, Any]
    scope: Scope
    today: dt.date
    subject: str | None = None
    # Where the public trace pages are served (FUPIN_PUBLIC_BASE_URL): trace's EPCIS
    # document names lots by their pages' addresses.
    base_url: str | None = None


Getter = Callable[[Request], Any]


class Binder:
    """Variables and parameters of one statement. `const` values are fixed in the
    plan (they come from the document); `slot` values are computed from each
    request (root arguments, the scope's code, today)."""

    def __init__(self) -> None:
        self.consts: dict[str, Any] = {}
        self.slots: dict[str, Getter] = {}
        self._vars = 0
        self._params = 0

    def var(self, base: str) -> str:
        self._vars += 1
        return f"{base}_{self._vars}"

    def const(self, value: Any) -> str:
        self._params += 1
        name = f"p{self._params}"
        self.consts[name] = value
        return "$" + name

    def slot(self, name: str, getter: Getter) -> str:
        """A per-request parameter; the same name twice must be the same getter."""
        if name in self.slots and self.slots[name] is not getter:
            raise ValueError(f"parameter ${name} bound twice")
        self.slots[name] = getter
        return "$" + name

    def scope_code(self) -> str:
        return self.slot("scope", _scope_code)

    def today(self) -> str:
        return self.slot("today", _today)

    def subject(self) -> str:
        return self.slot("subject", _subject)


def _scope_code(request: Request) -> Any:
    return request.scope.code


def _today(request: Request) -> Any:
    return request.today


def _subject(request: Request) -> Any:
    return request.subject


# --- the post-pass ----------------------------------------------------------------


@dataclass
class ConnPost:
    """A connection value: `{r: rows, t: total}` from Cypher, built into edges and
    pageInfo. `first` is the page size, or the name of the parameter that holds
    first + 1 (root connections, whose size is bound per request)."""

    kind: str
    first: int | str
    field: Field
    typename: str
    edges: dict[str, Post] = dataclasses.field(default_factory=dict)


@dataclass
class Post:
    field: Field | None = None
    children: dict[str, Post] = dataclasses.field(default_factory=dict)
    conn: ConnPost | None = None
    datetime: bool = False
    error: FupinError | None = None
    # A pure function of the value, for what Cypher cannot do (history's JSON).
    transform: Callable[[Any], Any] | None = None

    def child(self, f: Field) -> Post:
        post = self.children.get(f.key)
        if post is None:
            post = self.children[f.key] = Post(field=f)
        return post

    def prune(self) -> bool:
        """Drop children with nothing to do; True when this node has something."""
        self.children = {k: c for k, c in self.children.items() if c.prune()}
        if self.conn is not None:
            self.conn.edges = {k: e for k, e in self.conn.edges.items() if e.prune()}
        return bool(self.children or self.conn or self.datetime or self.error or self.transform)


@dataclass(frozen=True)
class Problem:
    """An error to report at `path` (a FupinError raised for `field`)."""

    path: tuple[str | int, ...]
    error: FupinError
    field: Field | None


_NULL: Any = object()  # a non-null value that became null: its parent is nulled too


class ErrorMarker:
    """An error left where it occurs, for a value graphql-core walks (it raises the
    error there and propagates nulls itself)."""

    def __init__(self, error: FupinError) -> None:
        self.error = error


def finish(
    value: Any,
    post: Post,
    params: Mapping[str, Any],
    path: tuple[str | int, ...],
    *,
    markers: bool = False,
) -> tuple[Any, list[Problem]]:
    """The value with the post-pass applied, and the errors met on the way (placed
    with GraphQL's null propagation), or with `markers` left as ErrorMarkers."""
    problems: list[Problem] | None = None if markers else []
    out = _finish(value, post, params, path, problems)
    return (None if out is _NULL else out), problems or []


def _null_for(post: Post) -> Any:
    return None if post.field is None or post.field.nullable else _NULL


def _finish(
    value: Any,
    post: Post,
    params: Mapping[str, Any],
    path: tuple[str | int, ...],
    problems: list[Problem] | None,
) -> Any:
    if post.error is not None:
        if problems is None:
            return ErrorMarker(post.error)
        problems.append(Problem(path, post.error, post.field))
        return _null_for(post)
    if value is None:
        return None
    if post.transform is not None:
        value = post.transform(value)
    if post.datetime:
        native = value.to_native() if hasattr(value, "to_native") else value
        return native.isoformat()
    if post.conn is not None:
        value = _connection(value, post.conn, params, path, problems)
        if value is _NULL:
            return _null_for(post)
    if not post.children:
        return value
    if isinstance(value, list):
        item_nullable = post.field is None or bool(post.field.item_nullable)
        for i, item in enumerate(value):
            done = _finish_object(item, post.children, params, (*path, i), problems)
            if done is _NULL:
                if not item_nullable:
                    return _null_for(post)
                value[i] = None
        return value
    if _finish_object(value, post.children, params, path, problems) is _NULL:
        return _null_for(post)
    return value


def _finish_object(
    obj: Any,
    children: Mapping[str, Post],
    params: Mapping[str, Any],
    path: tuple[str | int, ...],
    problems: list[Problem] | None,
) -> Any:
    if obj is None:
        return None
    for key, child in children.items():
        done = _finish(obj.get(key), child, params, (*path, key), problems)
        if done is _NULL:
            return _NULL
        obj[key] = done
    return obj


def _connection(
    value: Mapping[str, Any],
    conn: ConnPost,
    params: Mapping[str, Any],
    path: tuple[str | int, ...],
    problems: list[Problem] | None,
) -> Any:
    first = conn.first if isinstance(conn.first, int) else params[conn.first] - 1
    rows = value["r"] or []
    page = rows[:first]
    out: dict[str, Any] = {}
    for f in conn.field.fields:
        if f.name == "edges":
            edges = []
            for row in page:
                edge = row[f.key]
                for c in f.sub("cursor"):
                    edge[c.key] = encode_cursor(conn.kind, _plain(row["c"]))
                edges.append(edge)
            out[f.key] = edges
        elif f.name == "pageInfo":
            end = encode_cursor(conn.kind, _plain(page[-1]["c"])) if page else None
            info = {
                "hasNextPage": len(rows) > first,
                "endCursor": end,
                "hasPreviousPage": False,
                "startCursor": None,
                "__typename": "PageInfo",
            }
            out[f.key] = {g.key: info[g.name] for g in f.fields}
        elif f.name == "totalCount":
            out[f.key] = value.get("t") or 0
        elif f.name == "__typename":
            out[f.key] = conn.typename
    for key, edge_post in conn.edges.items():
        if key in out:
            done = _finish(out[key], edge_post, params, (*path, key), problems)
            if done is _NULL:
                return _NULL
            out[key] = done
    return out


def _plain(key: Sequence[Any]) -> list[Any]:
    return [part.iso_format() if hasattr(part, "iso_format") else part for part in key]


# --- projection ---------------------------------------------------------------------

# The same masks as graph/masks.py's (tests/test_masking.py compares them): every
# mask has a fixed width, so it tells nothing of the value's length.
MASKS: dict[Mask, str] = {
    Mask.ID_NUMBER: "CASE WHEN size({x}) < 10 THEN '******************' "
    "ELSE left({x}, 6) + '********' + right({x}, 4) END",
    Mask.NAME: "CASE WHEN {x} = '' THEN {x} ELSE left({x}, 1) + '**' END",
    Mask.PHONE: "CASE WHEN {x} = '' THEN {x} WHEN size({x}) >= 8 "
    "THEN left({x}, 3) + '****' + right({x}, 4) ELSE '***********' END",
    Mask.ACCOUNT: "CASE WHEN {x} = '' THEN {x} ELSE '****' + right({x}, 4) END",
}


def masked(expr: str, mask: Mask) -> str:
    """The Cypher of `expr` as roles without personal data see it (null stays null)."""
    if mask is Mask.HIDDEN:
        return "null"
    x = f"({expr})"
    return f"CASE WHEN {x} IS NULL THEN null ELSE {MASKS[mask].format(x=x)} END"


def key(name: str) -> str:
    """A response key as a Cypher map key (GraphQL names hold no backtick)."""
    return f"`{name}`"


class Unsupported(Exception):
    """A selected field the read map does not cover: a programming error."""


class Compiler:
    def __init__(self, view: View, binder: Binder | None = None) -> None:
        self.view = view
        self.b = binder or Binder()

    def project(
        self, type_name: str, row: Mapping[str, str], fields: Sequence[Field], post: Post
    ) -> str:
        """The Cypher map of `fields` of type `type_name` read from `row`."""
        type_map = TYPES[type_name]
        parts = []
        for f in fields:
            if f.name == "__typename":
                parts.append(f"{key(f.key)}: '{type_name}'")
                continue
            entry = type_map.fields.get(f.name)
            if entry is None:
                raise Unsupported(f"{type_name}.{f.name} is not in the read map")
            try:
                value = self.entry(entry, row, f, post.child(f))
            except FupinError as error:
                post.child(f).error = error
                value = "null"
            parts.append(f"{key(f.key)}: {value}")
        return "{" + ", ".join(parts) + "}"

    def entry(
        self,
        entry: Value | Embed | Rel | Conn | Custom | Guard,
        row: Mapping[str, str],
        f: Field,
        post: Post,
    ) -> str:
        if isinstance(entry, Guard):
            if self.view.scope.kind.value not in entry.scopes or (
                entry.unmasked and self.view.masked
            ):
                raise Forbidden("your role may not read this field")
            entry = entry.entry
        if isinstance(entry, Value):
            return self.value(entry, row, post)
        if isinstance(entry, Embed):
            target = {name: row[var] for name, var in entry.row.items()}
            return self.project(entry.target, target, f.fields, post)
        if isinstance(entry, Rel):
            return self.rel(entry, row, f, post)
        if isinstance(entry, Conn):
            return self.conn(entry, row, f, post)
        if entry.mask is not None and self.view.masked:
            return "null"
        return entry.build(self, row, f, post)

    def value(self, entry: Value, row: Mapping[str, str], post: Post) -> str:
        expr = entry.cypher.format(**row)
        if entry.mask is not None and self.view.masked:
            return masked(expr, entry.mask)
        if entry.kind is Kind.DATE:
            return f"toString({expr})"
        if entry.kind is Kind.DATETIME:
            post.datetime = True
        if entry.kind is Kind.FEN:
            return yuan(expr)
        return expr

    def names(self, row: Mapping[str, str], templates: Sequence[str]) -> dict[str, str]:
        """The row's variables and a fresh variable for every other placeholder."""
        names = dict(row)
        for template in templates:
            for name in placeholders(template):
                if name not in names:
                    names[name] = self.b.var(name)
        return names

    def conditions(self, entry: Rel | Conn, names: Mapping[str, str], f: Field) -> list[str]:
        where = [w.format(**names) for w in entry.where]
        where += [
            flag.where.format(**names) for flag in entry.flags if f.arg(flag.arg) is flag.when
        ]
        where += [
            self.view.scope.read_filter(access, names[var], self.b) for var, access in entry.scoped
        ]
        return where

    def target(self, entry: Rel | Conn, names: Mapping[str, str]) -> dict[str, str]:
        """The target type's row: each of its variables by `binds` or by name."""
        target = entry.target if isinstance(entry, Rel) else entry.edge
        return {var: names[entry.binds.get(var, var)] for var in TYPES[target].row}

    def rel(self, entry: Rel, row: Mapping[str, str], f: Field, post: Post) -> str:
        limit = ""
        if entry.limit is not None:
            first = f.arg(entry.limit.arg, entry.limit.default)
            check_first(first, maximum=entry.limit.maximum, field=entry.limit.arg)
            limit = f" LIMIT {self.b.const(first)}"
        elif entry.fixed_limit is not None:
            limit = f" LIMIT {self.b.const(entry.fixed_limit)}"
        templates = [entry.match, *entry.where, *(fl.where for fl in entry.flags), entry.order]
        names = self.names(row, templates)
        where = self.conditions(entry, names, f)
        node = self.project(entry.target, self.target(entry, names), f.fields, post)
        order = f" ORDER BY {entry.order.format(**names)}" if entry.order else ""
        cypher = (
            f"COLLECT {{ {entry.match.format(**names)}{_where(where)} "
            f"RETURN {node}{order}{limit} }}"
        )
        return cypher + "[0]" if entry.single else cypher

    def conn(self, entry: Conn, row: Mapping[str, str], f: Field, post: Post) -> str:
        first = check_first(
            f.arg(entry.limit.arg, entry.limit.default), maximum=entry.limit.maximum
        )
        after = decode_key(f.args.get("after"), entry.kind, [k for _, _, k in entry.keys])
        templates = [entry.match, *entry.where, *(fl.where for fl in entry.flags)]
        templates += [expr for expr, _, _ in entry.keys]
        names = self.names(row, templates)
        where = self.conditions(entry, names, f)
        keys = [(expr.format(**names), direction) for expr, direction, _ in entry.keys]
        page_where = [*where, self.keyset(keys, after)] if after is not None else where
        post.conn = ConnPost(entry.kind, first, f, entry.edge.removesuffix("Edge") + "Connection")
        edge_row = self.connection_row(
            entry.edge, self.target(entry, names), post.conn, [k for k, _ in keys]
        )
        order = ", ".join(f"{expr} {direction}" for expr, direction in keys)
        match = entry.match.format(**names)
        rows = (
            f"COLLECT {{ {match}{_where(page_where)} RETURN {edge_row} "
            f"ORDER BY {order} LIMIT {self.b.const(first + 1)} }}"
        )
        total = f", t: COUNT {{ {match}{_where(where)} }}" if f.sub("totalCount") else ""
        return f"{{r: {rows}{total}}}"

    def keyset(self, keys: Sequence[tuple[str, str]], after: Sequence[Any]) -> str:
        """Rows after the position `after` in the order `keys` (lexicographic)."""
        params = [self.b.const(value) for value in after]
        clauses = []
        for i, (expr, direction) in enumerate(keys):
            equal = [f"{keys[j][0]} = {params[j]}" for j in range(i)]
            op = ">" if direction == "ASC" else "<"
            clauses.append(" AND ".join([*equal, f"{expr} {op} {params[i]}"]))
        return "(" + " OR ".join(f"({c})" for c in clauses) + ")"

    def connection_row(
        self,
        edge_type: str,
        row: Mapping[str, str],
        conn: ConnPost,
        key_exprs: Sequence[str],
    ) -> str:
        """One row of a connection: its cursor key `c` and, for every `edges` alias,
        the edge's projection (cursor fields are left to the post-pass)."""
        parts = [f"c: [{', '.join(key_exprs)}]"]
        for edges in conn.field.sub("edges"):
            edge_post = conn.edges.setdefault(edges.key, Post(field=edges))
            fields = [g for g in edges.fields if g.name != "cursor"]
            parts.append(f"{key(edges.key)}: {self.project(edge_type, row, fields, edge_post)}")
        return "{" + ", ".join(parts) + "}"


def _where(conditions: Sequence[str]) -> str:
    return f" WHERE {' AND '.join(conditions)}" if conditions else ""


# --- plans --------------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    """One root field's statement: Cypher returning at most one row with column
    `data`, its parameters, the post-pass, and a timeout in seconds when the statement
    must give up sooner than the database's default (None: the default)."""

    cypher: str
    consts: Mapping[str, Any]
    slots: Mapping[str, Getter]
    post: Post
    timeout: float | None = None
    extras: tuple[Extra, ...] = ()

    def bind(self, request: Request) -> dict[str, Any]:
        params = dict(self.consts)
        for name, getter in self.slots.items():
            params[name] = getter(request)
        return params


@dataclass(frozen=True)
class Extra:
    """One more statement of a root field, run only when the part it answers is
    selected (regionStats' coverage): its plan, the root arguments it is bound to
    (from the root field's request) and `splice(value, extra)`, which puts its finished
    value into the root field's finished value (not null); `at`: where below the root
    its errors are reported."""

    plan: Plan
    args: Callable[[Request], Mapping[str, Any]]
    splice: Callable[[Any, Any], None]
    at: tuple[str | int, ...] = ()


def plan(cypher: str, binder: Binder, post: Post, *, timeout: float | None = None) -> Plan:
    post.prune()
    return Plan(cypher, dict(binder.consts), dict(binder.slots), post, timeout)


def seek(
    field: Field,
    view: View,
    key: tuple[str, Callable[[Request], Any]],
    match: str,
    scoped: tuple[Access, str],
    entity: tuple[str, Mapping[str, str]],
) -> Plan:
    """The plan of one entity by a key (`household(code)`, a payload's visit by id):
    `match` with `{key}` where the key's parameter goes, the caller's scope on a
    variable (`scoped`: its kind and name), then `entity` (type, row) projected. Null
    when nothing matches or it is out of scope."""
    b = Binder()
    post = Post(field=field)
    slot = b.slot(*key)
    where = view.scope.read_filter(*scoped, b)
    node = Compiler(view, b).project(entity[0], entity[1], field.fields, post)
    return plan(f"{match.format(key=slot)} WHERE {where} RETURN {node} AS data", b, post)


Shape = Callable[[Mapping[str, Any]], Any]
Planner = Callable[[Field, View, Any], Plan]


@dataclass(frozen=True)
class Root:
    """How a root field (or a payload's entity, by key) compiles. `shape(args)` is
    what of the arguments changes the statement's text: plans are cached per shape,
    and everything else is bound per request through `Binder.slot`, so `plan` must
    not read argument values but through `shape` or a slot."""

    plan: Planner
    shape: Shape


ROOTS: dict[str, Root] = {}


def _no_shape(args: Mapping[str, Any]) -> Any:
    return ()


def root(name: str, shape: Shape = _no_shape) -> Callable[[Planner], Planner]:
    """Register the planner of root field `name` (graph/<noun>.py)."""

    def register(planner: Planner) -> Planner:
        ROOTS[name] = Root(planner, shape)
        return planner

    return register


@functools.cache
def arg(*path: str) -> Getter:
    """A slot getter: the root argument at `path` (input-object fields by name); one
    getter per path, so two clauses may bind the same slot."""

    def get(request: Request) -> Any:
        value: Any = request.args
        for name in path:
            value = value.get(name) if isinstance(value, Mapping) else None
        return value.value if isinstance(value, Enum) else value

    return get
