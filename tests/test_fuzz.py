"""A schema-driven fuzz of /graphql: random arguments (quotes, unicode, huge ints,
wrong types, random cursors) and random selections on every root query field, under
every role. No answer may be INTERNAL, carry a traceback, or be a 5xx."""

from __future__ import annotations

import json
from typing import Any

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_authz_matrix import CALLERS, make_story

from api.schema import schema


@pytest.fixture()
def story(api: Any, test_settings: Any) -> Any:
    return make_story(api, test_settings)


CORE = schema._schema
QUERY_FIELDS = sorted(CORE.query_type.fields)

nasty_text = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["", " ", "'", '"', "`", "}", "//", "x' OR 1=1 //", "\u0000", "%s", "$code",
                     "4602031002010001", "460203", "OFF-A", "\\", "é中文🙂", "a" * 500]),
)  # fmt: skip
huge_int = st.one_of(st.integers(-(2**31), 2**31 - 1), st.integers(-(10**30), 10**30))
cursor = st.one_of(
    nasty_text,
    st.binary(max_size=40).map(lambda b: __import__("base64").urlsafe_b64encode(b).decode()),
)


def unwrap(t: Any) -> Any:
    while isinstance(t, (GraphQLNonNull, GraphQLList)):
        t = t.of_type
    return t


def value_for(t: Any, depth: int = 0) -> st.SearchStrategy[Any]:
    """A JSON variable value for input type `t`, sometimes of the wrong type."""
    wrong = st.one_of(st.none(), huge_int, nasty_text, st.booleans(), st.just([]), st.just({}))
    named = unwrap(t)
    if isinstance(named, GraphQLScalarType):
        right = {
            "String": nasty_text, "Int": huge_int, "Float": st.floats(allow_nan=False),
            "Boolean": st.booleans(), "ID": nasty_text, "Date": st.dates().map(str),
        }.get(named.name, nasty_text)  # fmt: skip
    elif isinstance(named, GraphQLEnumType):
        right = st.sampled_from(list(named.values))
    elif isinstance(named, GraphQLInputObjectType) and depth < 2:
        right = st.fixed_dictionaries(
            {}, optional={n: value_for(f.type, depth + 1) for n, f in named.fields.items()}
        )
    else:
        right = st.none()
    if isinstance(unwrap_list := (t.of_type if isinstance(t, GraphQLNonNull) else t), GraphQLList):
        del unwrap_list
        right = st.lists(right, max_size=3)
    return st.one_of(right, right, right, wrong)


def selection(t: Any, draw: Any, depth: int = 0) -> str:
    named = unwrap(t)
    if not isinstance(named, GraphQLObjectType):
        return ""
    names = sorted(named.fields)
    chosen = draw(st.lists(st.sampled_from(names), min_size=1, max_size=4, unique=True))
    parts = []
    for name in chosen:
        field = named.fields[name]
        inner_type = unwrap(field.type)
        if isinstance(inner_type, GraphQLObjectType):
            if depth >= 3:
                continue
            inner = selection(field.type, draw, depth + 1)
            if inner:
                parts.append(f"{name} {{ {inner} }}")
        else:
            parts.append(name)
    return " ".join(parts) or "__typename"


@st.composite
def operations(draw: Any) -> tuple[str, dict[str, Any]]:
    name = draw(st.sampled_from(QUERY_FIELDS))
    field = CORE.query_type.fields[name]
    decls, args, variables = [], [], {}
    for i, (arg_name, arg) in enumerate(sorted(field.args.items())):
        required = isinstance(arg.type, GraphQLNonNull) and arg.default_value is None
        if not required and draw(st.booleans()):
            continue
        var = f"v{i}"
        decls.append(f"${var}: {arg.type}")
        args.append(f"{arg_name}: ${var}")
        strategy = cursor if arg_name in ("after", "before") else value_for(arg.type)
        variables[var] = draw(strategy)
    head = f"query({', '.join(decls)})" if decls else "query"
    call = f"{name}({', '.join(args)})" if args else name
    inner = selection(field.type, draw)
    body = f"{call} {{ {inner} }}" if isinstance(unwrap(field.type), GraphQLObjectType) else call
    return f"{head} {{ {body} }}", variables


@settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(op=operations(), caller=st.sampled_from(CALLERS))
def test_fuzz_finds_no_internal_error(story, op, caller):
    query, variables = op
    headers = {}
    if caller.role.value != "PUBLIC":
        headers["authorization"] = f"Bearer {story.token(caller.role, caller.scope)}"
    response = story.client.post(
        "/graphql", json={"query": query, "variables": variables}, headers=headers
    )
    assert response.status_code < 500, (query, variables, response.text)
    assert "Traceback" not in response.text
    if response.headers.get("content-type", "").startswith("application/json"):
        body = response.json()
        codes = [e.get("extensions", {}).get("code") for e in body.get("errors") or []]
        assert "INTERNAL" not in codes, (caller.label, query, json.dumps(variables), body)
        assert None not in codes, body  # every error carries a code
