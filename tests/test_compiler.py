"""The read compiler without a database: a GraphQL document and a principal in, the
Cypher and its parameters out (graph/compiler.py, the read map in graph/readmap.py).

Every type of the read map is compiled, field by field, under every kind of caller;
the statements are checked for what must hold whatever the data: values only as
parameters, every list bounded, personal fields never projected raw for masked views,
the caller's scope inside every subquery that reaches a scoped record, the same text
for the same document, and plans cached by what changes their text."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from graphql import GraphQLObjectType
from plans import (
    OTHER_ROOTS,
    PRINCIPALS,
    QUERY,
    Compiled,
    blocks,
    compile_one,
    full_docs,
    hidden_on_the_way,
    leaf_or_typename,
    object_type,
    own_text,
    paths,
    projections,
    target_of,
    unnumbered,
    wrap,
)

from graph.compiler import ROOTS, ConnPost, Post
from graph.cursor import encode_cursor
from graph.readmap import TYPES, Conn, Custom, Field, Guard, Mask, Rel

PATHS = paths()
# Types whose fields are compiled although they are not in the read map: connections
# (the post-pass builds them from the rows) and PairingCoverage (graph/coverage.py).
EXTRA = (
    "PairingCoverage", "SalesImpact", "SalesFigures", "ProductSales", "ChannelSales",
    "MeasureImpact", "ImpactGroup", "CategoryImpact", "RegionStats", "StatusCount",
    "MeasureCount",
)  # fmt: skip
# Types and roots whose planners have tests of their own (their roots take arguments
# these generic paths cannot make up, and refuse scoped callers).
TESTED_ELSEWHERE = {
    "Graph": "tests/test_explore.py",
    "GraphNode": "tests/test_explore.py",
    "GraphEdge": "tests/test_explore.py",
    "GraphProperty": "tests/test_explore.py",
    # A trace's sales summary is for a household's or cooperative's code only: the
    # generic path reaches it through a lot, where it is null.
    "TraceSales": "tests/test_trace.py",
}
ROOTS_TESTED_ELSEWHERE = {"entity", "neighborhood", "paths"}
PAIRS = [
    (type_name, field_name)
    for type_name in (*sorted(TYPES), *EXTRA)
    if type_name not in TESTED_ELSEWHERE
    for field_name in object_type(type_name).fields
]


def field_doc(type_name: str, field_name: str, alias: str = "t") -> str:
    """A document selecting `type_name.field_name` (aliased) through a path from a root."""
    parent = object_type(type_name)
    return wrap(PATHS[type_name], leaf_or_typename(parent, field_name, alias))


def signature(compiled: Compiled) -> tuple[str, dict[str, object]]:
    return compiled.plan.cypher, dict(compiled.plan.consts)


# --- the map and the schema agree -----------------------------------------------------


def test_every_map_type_is_a_schema_type_with_the_same_fields() -> None:
    for name, type_map in TYPES.items():
        schema_fields = set(object_type(name).fields)
        # An edge's cursor is the post-pass's (graph.compiler.connection_row).
        expected = schema_fields - ({"cursor"} if name.endswith("Edge") else set())
        assert set(type_map.fields) == expected, name


def test_every_map_type_is_reached_from_a_read_root_and_tested_here() -> None:
    tested = {type_name for type_name, _ in PAIRS}
    here = set(TYPES) - set(TESTED_ELSEWHERE)
    assert here <= set(PATHS), here - set(PATHS)
    assert here <= tested
    roots = {name for name in ROOTS if "#" not in name} - ROOTS_TESTED_ELSEWHERE
    assert roots == {p[0] for p in PATHS.values()} | set(OTHER_ROOTS)


@pytest.mark.parametrize(("type_name", "field_name"), PAIRS, ids=lambda v: str(v))
def test_each_field_compiles_for_every_caller(type_name: str, field_name: str) -> None:
    doc = field_doc(type_name, field_name)
    hidden = hidden_on_the_way(PATHS[type_name])
    for label, principal in PRINCIPALS.items():
        compiled = compile_one(doc, principal)
        again = compile_one(doc, principal)
        assert signature(compiled) == signature(again), label
        cypher = compiled.plan.cypher
        # RETURN: the catalogue's page, and auditRules (the rules' constant list).
        starts = ("MATCH", "OPTIONAL MATCH", "RETURN", "\n")
        assert cypher.startswith(starts) and " AS data" in cypher, label
        if hidden is not None and compiled.view.masked:
            # Nothing below a field the view gets as null is compiled.
            assert f"`{hidden}`: null" in cypher and "`t`: " not in cypher, label
        elif field_name == "cursor":
            # Cursors are written by the post-pass from each row's sort key `c`.
            edges = [e for conn in conn_posts(compiled.plan.post) for e in conn.field.sub("edges")]
            assert any(e.sub("cursor") for e in edges) and "c: [" in cypher, label
        elif compiled.plan.post.transform is not None:
            # Built by the post-pass from the statement's figures (measureImpact's split).
            assert "t" in built_keys(compiled), label
        else:
            assert "`t`: " in cypher, (label, cypher)


def built_keys(compiled: Compiled) -> Counter[str]:
    """The keys of the value a root's post-pass transform builds, from a statement's
    value with nothing counted (measureImpact's split: graph/impact.py)."""
    assert compiled.plan.post.transform is not None
    found: Counter[str] = Counter()

    def walk(value: object) -> None:
        if isinstance(value, dict):
            found.update(value.keys())
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    walk(compiled.plan.post.transform({"groups": []}))
    return found


def conn_posts(post: Post) -> list[ConnPost]:
    """Every connection the post-pass builds, at any depth."""
    found = [post.conn] if post.conn is not None else []
    for child in post.children.values():
        found += conn_posts(child)
    for edge in post.conn.edges.values() if post.conn is not None else ():
        found += conn_posts(edge)
    return found


@pytest.mark.parametrize(("root", "doc"), list(full_docs()), ids=lambda v: v[:12])
def test_everything_under_a_root_compiles_the_same_twice(root: str, doc: str) -> None:
    for label, principal in PRINCIPALS.items():
        first = compile_one(doc, principal)
        assert signature(first) == signature(compile_one(doc, principal)), label
        if root == "person" and first.view.masked:
            # A masked view may not look a person up by ID number: no statement at all.
            assert first.plan.cypher == ""
            continue
        keys = Counter(key for key, _ in projections(first.plan.cypher))
        if first.plan.post.transform is not None:
            keys += built_keys(first)
        scope = first.view.scope.kind.value
        wanted = selected_keys(first.field, target_of(QUERY, root), scope, first.view.masked)
        assert keys >= wanted, label


# The fields of a trace of a household or a cooperative: the generic documents trace a
# lot (plans.ROOT_ARGS), for which they are null with nothing below them compiled.
NOT_OF_A_LOT = {"household", "cooperative", "lots", "sales"}


def selected_keys(
    f: Field, gql_type: GraphQLObjectType | None, scope: str, masked: bool
) -> Counter[str]:
    """The response keys of every selected field the statement itself projects (a field
    guarded from the caller's scope, or from a masked caller, answers FORBIDDEN and
    projects nothing below it; a HIDDEN Custom is null for masked views, with nothing
    below it)."""
    found: Counter[str] = Counter()
    assert gql_type is not None
    type_map = TYPES.get(gql_type.name)
    for sub in f.fields:
        if sub.name == "__typename":
            continue
        entry = type_map.fields.get(sub.name) if type_map else None
        if isinstance(entry, Guard) and (scope not in entry.scopes or (entry.unmasked and masked)):
            continue
        if gql_type.name in (*TYPES, *EXTRA) and sub.name != "cursor":
            found[sub.key] += 1
        if masked and isinstance(entry, Custom) and entry.mask is Mask.HIDDEN:
            continue
        if (gql_type.name, sub.name) == ("RegionStats", "coverage"):
            continue  # another statement's (graph/stats.py's Extra)
        if gql_type.name == "Trace" and sub.name in NOT_OF_A_LOT:
            continue  # null for the lot the generic document traces (graph/trace.py)
        target = target_of(gql_type, sub.name)
        if target is not None:
            found += selected_keys(sub, target, scope, masked)
    return found


# --- limits ---------------------------------------------------------------------------

# Lists with no page size, by design: a household's members and pairings and a
# person's memberships are a handful; a region's path is the tree's depth; a finding
# concerns the one to three households, people and officials of its case.
UNBOUNDED_IN_MAP = {
    "Finding.households",
    "Finding.officials",
    "Finding.people",
    # the records of an E2 finding's case (issue 19): one to a few
    "Finding.assessments",
    "Finding.measures",
    "Finding.monitoringRecords",
    "Household.members",
    "Household.officials",
    "Person.households",
    "Region.path",
    # bounded by their writes (issue 15): a transformation's 1-50 inputs and 1-20
    # outputs, a product's few inputs, a household's few cooperatives
    "TraceEvent.inputs",
    "TraceEvent.outputs",
    "Product.madeFrom",
    "Household.cooperatives",
    # an assessment's eight checks, and a check's members at fault (its household's)
    "Assessment.checks",
    "ExitCheck.members",
}
SINGLE_IN_MAP = {
    "Household.village",
    "Region.parent",
    "IncomeRecord.povertyLine",
    "Measure.deliveredBy",
    "Feedback.submittedBy",
    "Measure.recipient",
    "StatusChange.assessment",
    "Assessment.verifiedBy",
    "Cooperative.village",
    "Lot.owner",
    "Lot.producer",
    "Lot.product",
    "Lot.village",
    "Payment.lot",
    "PublicPlace.county",
    "PublicPlace.town",
    "Order.buyer",
    "Order.seller",
    "Seller.region",
    # an at-risk household's open record and first measure after it, by id
    "AtRiskHousehold.monitoring",
    "AtRiskHousehold.firstMeasureAfterFlag",
    # a trace's producer's village (a household's, or a cooperative's)
    "TraceProducer.village",
}
# Lists written by hand with no LIMIT, by design: personCount sums one number per
# household (COLLECT then reduce: an aggregate is refused inside an expression
# subquery); coverage collects the distinct codes of overloaded officials (counted)
# and its children (the regions under one region); a household's incomes are one a
# year from 2010 (graph/income.py). (The poverty lines, one a year, match the template
# of IncomeRecord.povertyLine.)
UNBOUNDED_BY_HAND = {
    "UNWIND X.prefixes AS prefix MATCH (h:Household)",
    # coverage's overloaded officials: the officials paired with the unit's counted
    # households, from their pairing summaries (or a hand-written file's pairings, a
    # handful a household), then each distinct code once, counted
    "UNWIND X.prefixes AS p MATCH (h:Household)",
    "UNWIND CASE WHEN size(kids) = 0 THEN X.prefixes ELSE [] END AS p MATCH (h:Household)",
    "MATCH (h)<-[pw:PAIRED_WITH]-(o:Official)",
    "UNWIND kfig.officials AS x UNWIND x AS code WITH DISTINCT code MATCH (o:Official )",
    "UNWIND fig.officials AS x UNWIND x AS code WITH DISTINCT code MATCH (o:Official )",
    # (the children's figures are carried out of the aggregation under a name of each
    # level's: the subquery between the commas is its own block)
    "UNWIND kids AS k WITH k.c AS c, k.fig AS kf, k.over AS ko WITH c, kf, ko,  AS c_out",
    "MATCH (i:IncomeRecord)-[:INCOME_OF]->(h)",
    "MATCH (i:IncomeRecord)-[:INCOME_OF]->(n)",  # a lot's producer, when a household
    # an income record's platform sales: its household's payments, summed (issue 15)
    "MATCH (i)-[:INCOME_OF]->(:Household)<-[:PAID_TO]-(sale:Payment)",
    # salesImpact (issues 16, 17): the window's day summaries (or a village's lines) summed
    # by product and by channel, the products looked up once each, a village's lots, the
    # regions under one region with their paid households
    "UNWIND cells AS s UNWIND range(0, size(s.channels) - 1) AS i WITH s.channels[i] AS ch, "
    "sum(s.channelOrders[i]) AS n, sum(s.channelRevenues[i]) AS a",
    "UNWIND cells AS s UNWIND range(0, size(s.products) - 1) AS i WITH s.products[i] AS p, "
    "sum(s.productQuantities[i]) AS q, sum(s.productRevenues[i]) AS a",
    "UNWIND lines AS y WITH y.o.channel AS ch, count(DISTINCT y.o) AS n, sum(y.a) AS a",
    "UNWIND lines AS y WITH y.p AS p, sum(y.q) AS q, sum(y.a) AS a",
    "UNWIND f.byProduct AS x MATCH (p:Product )",
    "UNWIND X.prefixes AS pre MATCH (l:Lot)",
    "MATCH (c:Region)-[:PART_OF]->(u)",
    "MATCH (c:Region)-[:PART_OF]->(u) WITH c, [z IN pays",
    # regionStats (issue 14): a household's measures of the year grouped by category (a
    # handful), a region's children; liftedHouseholds' officials (its pairings and
    # deliverers, a handful)
    "UNWIND mss AS k UNWIND k AS x WITH x[0] AS mc, sum(x[1]) AS mn, count(*) AS mh, "
    "sum(x[2]) AS ma",
    # (and the villages' summaries of the year, by category: the categories of each)
    "UNWIND mss AS k UNWIND k AS m WITH m.category AS mc, sum(m.measures) AS mn, "
    "sum(m.households) AS mh, sum(m.amount) AS ma",
    "MATCH (c:Region)-[:PART_OF]->(u) CALL (c)  WITH c,  AS y",
    # measureImpact's cohort: a household's status changes up to the window's end (a
    # handful), in order
    "MATCH (s:StatusChange)-[:STATUS_OF]->(h)",
    "CALL (h, a)  WITH x ORDER BY x.code",
    # regionStats: a region's measures of the year with its children's, by category
    "UNWIND own.measures + reduce(acc = [], k IN kids | acc + k.f.measures) AS m "
    "WITH m.category AS mc, sum(m.measures) AS mn, sum(m.households) AS mh, "
    "sum(m.amount) AS ma",
    # the public trace: the distinct households and products upstream of a lot
    "MATCH (n)((:Lot)<-[:OUTPUT]-(:TraceEvent)-[:INPUT]->(:Lot))*(lot:Lot) "
    "WITH DISTINCT lot MATCH (lot)-[:OF_PRODUCT]->(p:Product) WITH DISTINCT p",
    "MATCH (n)((:Lot)<-[:OUTPUT]-(:TraceEvent)-[:INPUT]->(:Lot))*(lot:Lot) "
    "WITH DISTINCT lot MATCH (lot)<-[:PRODUCED]-(h:Household)",
    # the investigator's trace (issue 17): its steps and tree are cut to a LIMIT in the
    # root's head (graph/trace.py), so the producers, payments and measures over the
    # tree's lots are bounded by it; the downstream lots' order lines are summed, by
    # channel (a handful) and by buyer city (the country's prefecture-level cities)
    "UNWIND range(0, size(steps) - 1) AS i WITH i, steps[i] AS s WITH i, s.lot AS sl, "
    "s.parent AS sp, s.event AS se, s.depth AS sd, s.quantity AS sq",
    "UNWIND tree AS t WITH t.lot AS x, t.q AS q MATCH (x)<-[:PRODUCED]-(n)",
    "UNWIND tree AS t WITH t.lot AS x, t.q AS q MATCH (x)<-[:PRODUCED]-(h:Household)",
    "UNWIND tree AS t WITH t.lot AS x, t.q AS q "
    "MATCH (x)<-[:PAID_FOR]-(pay:Payment)-[:PAID_TO]->(h:Household)",
    "UNWIND down AS x MATCH (x)<-[line:LINE]-(o:Order)",
}


def map_entries() -> list[tuple[str, Rel | Conn]]:
    return [
        (f"{t}.{n}", e)
        for t, m in TYPES.items()
        for n, e in m.fields.items()
        if isinstance(e, (Rel, Conn))
    ]


def test_unbounded_lists_of_the_map_are_the_known_ones() -> None:
    unbounded = {
        name
        for name, e in map_entries()
        if isinstance(e, Rel) and e.limit is None and e.fixed_limit is None and not e.single
    }
    single = {name for name, e in map_entries() if isinstance(e, Rel) and e.single}
    assert unbounded == UNBOUNDED_IN_MAP
    assert single == SINGLE_IN_MAP
    for name, e in map_entries():
        limit = e.limit
        if limit is not None:
            assert 1 <= limit.default <= limit.maximum <= 100, name


def _template(match: str) -> re.Pattern[str]:
    """The pattern of a map entry's MATCH: its placeholders any name, its doubled
    (format-escaped) braces single."""
    pattern = re.sub(r"\\\{\w+\\\}", r"\\w+", re.escape(match))
    return re.compile(pattern.replace(r"\{\{", r"\{").replace(r"\}\}", r"\}"))


def test_every_collected_list_in_a_statement_is_limited_or_known() -> None:
    known = [_template(e.match) for name, e in map_entries()
             if name in UNBOUNDED_IN_MAP | SINGLE_IN_MAP]  # fmt: skip
    found: set[str] = set()
    for _, doc in full_docs():
        for principal in PRINCIPALS.values():
            compiled = compile_one(doc, principal)
            for body in blocks(compiled.plan.cypher, "COLLECT"):
                own = own_text(body)
                if " LIMIT " in own or any(t.match(body.strip()) for t in known):
                    continue
                head = own.split(" WHERE ")[0].split(" RETURN ")[0].strip()
                head = re.sub(r"\b\w+\.prefixes", "X.prefixes", unnumbered(head))
                found.add(re.sub(r"\bc_\d+_out\b", "c_out", head))
    assert found == UNBOUNDED_BY_HAND


def test_page_sizes_are_bound_and_checked() -> None:
    doc = (
        '{ official(code: "O-1") { pairedHouseholds(first: 7) { edges { node { code '
        "latestVisits(first: 3) { id } village { children(first: 11) { code } } } } } } }"
    )
    compiled = compile_one(doc, PRINCIPALS["admin"])
    # A connection reads first + 1 rows (for hasNextPage); a list its first.
    assert sorted(compiled.plan.consts.values()) == [3, 8, 11]
    too_many = compile_one(
        '{ household(code: "4602031002010001") { code latestVisits(first: 21) { id } } }',
        PRINCIPALS["admin"],
    )
    error = too_many.plan.post.children["latestVisits"].error
    assert error is not None and error.extensions["code"] == "BAD_USER_INPUT"
    assert "`latestVisits`: null" in too_many.plan.cypher


# --- plans cached by shape ----------------------------------------------------------------


def shape_of(doc: str, principal: str = "admin") -> tuple[object, str]:
    one = compile_one(doc, PRINCIPALS[principal])
    name = one.field.name
    return ROOTS[name].shape(one.args), one.plan.cypher


SAME_PLAN = [
    ('households(first: 3, after: "{a}")', 'households(first: 50, after: "{b}")'),
    ('households(where: {regionCode: "460203", status: EXITED})',
     'households(where: {regionCode: "469001", status: REGISTERED, withinDays: 9})'),
    ('households(where: {visitOverdue: true, asOf: "2026-01-01"})',
     'households(where: {visitOverdue: true, asOf: "2025-05-05", withinDays: 90})'),
    ('officials(where: {unit: "a", regionCode: "460203"}, first: 2)',
     'officials(where: {unit: "b", regionCode: "469001"}, after: "{o}")'),
    ('pairingCoverage(regionCode: "460203", asOf: "2026-01-01", visitWithinDays: 7)',
     'pairingCoverage(regionCode: "469001", asOf: "2025-03-04", statuses: [EXITED])'),
    ('pairingCoverage(regionCode: "460203")', 'pairingCoverage(regionCode: "469001")'),
    ('household(code: "4602031002010001")', 'household(code: "4690011002010001")'),
]  # fmt: skip
OTHER_PLAN = [
    ("households(orderBy: CODE_ASC)", "households(orderBy: CODE_DESC)"),
    ("households(orderBy: LAST_VISIT_ASC)", "households(orderBy: REGISTRATION_YEAR_ASC)"),
    ("households", 'households(after: "{a}")'),
    ("households", 'households(where: {regionCode: "460203"})'),
    ("households(where: {status: EXITED})", "households(where: {attribute: GENERAL})"),
    ("households(where: {visitOverdue: true})", "households(where: {visitOverdue: false})"),
    ("households(where: {hasResponsibleOfficial: true})",
     "households(where: {hasResponsibleOfficial: false})"),
    ("households", "households(where: {includeDeregistered: true})"),
    ("officials", 'officials(where: {regionCode: "460203"})'),
    ("officials", 'officials(where: {unit: "a"})'),
    ("officials(where: {overloaded: true})", "officials(where: {overloaded: false})"),
    ("officials(where: {hasActivePairings: true})", "officials(where: {hasActivePairings: false})"),
    ('pairingCoverage(regionCode: "460203")',
     'pairingCoverage(regionCode: "460203", asOf: "2026-01-01")'),
]  # fmt: skip
CURSORS = {
    "a": encode_cursor("households:CODE_ASC", ["4602031002010001"]),
    "b": encode_cursor("households:CODE_ASC", ["4690011002010009"]),
    "o": encode_cursor("officials", ["O-1"]),
}
SELECTION = {
    "households": "{ totalCount edges { node { code } } }",
    "officials": "{ totalCount edges { node { code } } }",
    "pairingCoverage": "{ households uncovered { edges { node { code } } } }",
    "household": "{ code }",
}


def as_doc(call: str) -> str:
    for name, value in CURSORS.items():
        call = call.replace("{" + name + "}", value)
    return "{ " + call + " " + SELECTION[call.split("(")[0]] + " }"


@pytest.mark.parametrize(("one", "other"), SAME_PLAN)
def test_arguments_that_only_change_values_share_a_plan(one: str, other: str) -> None:
    for label in PRINCIPALS:
        assert shape_of(as_doc(one), label) == shape_of(as_doc(other), label), label


@pytest.mark.parametrize(("one", "other"), OTHER_PLAN)
def test_arguments_that_change_the_statement_have_their_own_plan(one: str, other: str) -> None:
    (shape_a, cypher_a), (shape_b, cypher_b) = shape_of(as_doc(one)), shape_of(as_doc(other))
    assert shape_a != shape_b
    assert cypher_a != cypher_b


def test_a_plan_keys_on_the_variables_used_below_the_root() -> None:
    from graphql import FragmentDefinitionNode, OperationDefinitionNode, parse

    from api.selection import nested_variables

    doc = parse(
        "query($c: String!, $n: Int!, $past: Boolean!, $skip: Boolean!, $after: String) {"
        " household(code: $c) { code @skip(if: $skip) ...F } households(after: $after) {"
        " totalCount } } fragment F on Household { latestVisits(first: $n) { id }"
        " members(includePast: $past) { relation } }"
    )
    operation = next(d for d in doc.definitions if isinstance(d, OperationDefinitionNode))
    fragments = {d.name.value: d for d in doc.definitions if isinstance(d, FragmentDefinitionNode)}
    # Root arguments are bound per request; the rest is part of the plan.
    assert nested_variables(operation.selection_set, fragments) == {"n", "past", "skip"}
    text = (
        'query($n: Int!) { household(code: "4602031002010001") { latestVisits(first: $n) { id } } }'
    )
    three = compile_one(text, PRINCIPALS["admin"], variables={"n": 3})
    four = compile_one(text, PRINCIPALS["admin"], variables={"n": 4})
    assert three.plan.cypher == four.plan.cypher
    assert list(three.plan.consts.values()) == [3] and list(four.plan.consts.values()) == [4]


# --- the post-pass ----------------------------------------------------------------------


def test_a_nested_argument_error_nulls_up_to_the_nearest_nullable_field() -> None:
    from graph.compiler import ErrorMarker, finish

    one = compile_one(
        '{ household(code: "4602031002010001") { code latestVisits(first: 0) { id } } }',
        PRINCIPALS["admin"],
    )
    value, problems = finish({"code": "c", "latestVisits": None}, one.plan.post, one.params,
                             ("household",))  # fmt: skip
    assert value is None  # latestVisits is [Visit!]!: the household (nullable) is nulled
    (problem,) = problems
    assert problem.path == ("household", "latestVisits")
    assert problem.error.extensions == {"code": "BAD_USER_INPUT", "field": "first"}
    marked, none = finish({"code": "c", "latestVisits": None}, one.plan.post, one.params,
                          ("household",), markers=True)  # fmt: skip
    assert none == [] and isinstance(marked["latestVisits"], ErrorMarker)


def test_a_connection_is_built_from_first_plus_one_rows() -> None:
    from graph.compiler import finish
    from graph.cursor import encode_cursor

    one = compile_one(
        "{ households(first: 2) { totalCount pageInfo { hasNextPage endCursor hasPreviousPage }"
        " e: edges { cursor node { code } } } }",
        PRINCIPALS["admin"],
    )
    assert one.params["limit"] == 3
    rows = [{"c": [code], "e": {"node": {"code": code}}} for code in ("a", "b", "c")]
    value, problems = finish({"r": rows, "t": 7}, one.plan.post, one.params, ("households",))
    assert problems == []
    kind = "households:CODE_ASC"
    assert value == {
        "totalCount": 7,
        "pageInfo": {"hasNextPage": True, "endCursor": encode_cursor(kind, ["b"]),
                     "hasPreviousPage": False},
        "e": [{"cursor": encode_cursor(kind, [c]), "node": {"code": c}} for c in ("a", "b")],
    }  # fmt: skip
