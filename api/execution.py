"""Executing reads: every root field compiles to one Cypher statement whose result is
that field's JSON (graph/compiler.py), so graphql-core never walks the response.

    HTTP (api/app.py) -> Strawberry: parse (cached), validate (cached)
      -> CompiledReads.on_execute: for a query whose root fields all have a planner
         (graph.compiler.ROOTS): policy, arguments, plan (cached), one statement per
         root field (run concurrently), the post-pass, the result set on the
         execution context: graphql-core's execution is skipped
      -> otherwise (mutations, introspection) graphql-core executes; root query
         fields and mutation payloads call `resolve_root` / `read_entity`, and every
         field of a compiled type reads its value by response key (`read_key`).

Plans are cached by document, operation, root field, the kind of caller (scope kind,
masked or not), the planner's shape of the arguments and the values of variables used
below the root: a repeated query costs a lookup and binding its parameters.
"""

from __future__ import annotations

import asyncio
import json
from collections import OrderedDict
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, replace
from typing import Any, NoReturn

import strawberry
from graphql import (
    ExecutionResult,
    FieldNode,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLObjectType,
    GraphQLSchema,
    OperationDefinitionNode,
    OperationType,
    get_operation_ast,
)
from graphql.execution.values import VariableValues, get_argument_values, get_variable_values
from strawberry.extensions import SchemaExtension

import graph.assessment
import graph.at_risk
import graph.audit
import graph.audit_run
import graph.cooperative
import graph.coverage
import graph.crosscheck
import graph.explore
import graph.feedback
import graph.finding
import graph.history
import graph.household
import graph.households
import graph.income
import graph.lifted
import graph.lot
import graph.measure
import graph.measure_impact
import graph.monitoring
import graph.official
import graph.order
import graph.payment
import graph.person
import graph.poverty_line
import graph.product
import graph.public_trace
import graph.region
import graph.sales_impact
import graph.seller
import graph.stats
import graph.status
import graph.subgraph
import graph.sync
import graph.trace
import graph.trace_event
import graph.visit
from api import selection
from api.auth import Principal, Role, check_policy
from graph.compiler import ROOTS, ErrorMarker, Plan, Problem, Request, View, finish
from graph.db import Database
from graph.errors import FupinError
from graph.readmap import TYPES, Field
from graph.validation import today_cst

PLAN_CACHE_SIZE = 1024

# The modules whose read maps and planners the compiler uses (importing registers them).
READ_MODULES = (
    graph.assessment,
    graph.at_risk,
    graph.cooperative,
    graph.audit,
    graph.audit_run,
    graph.coverage,
    graph.crosscheck,
    graph.explore,
    graph.feedback,
    graph.finding,
    graph.household,
    graph.income,
    graph.lifted,
    graph.measure,
    graph.monitoring,
    graph.lot,
    graph.official,
    graph.order,
    graph.payment,
    graph.person,
    graph.poverty_line,
    graph.product,
    graph.public_trace,
    graph.region,
    graph.status,
    graph.measure_impact,
    graph.sales_impact,
    graph.stats,
    graph.seller,
    graph.subgraph,
    graph.sync,
    graph.trace,
    graph.trace_event,
    graph.visit,
)


def view_of(principal: Principal) -> View:
    return View(principal.household_scope(), not principal.sees_personal_data)


class _Plans:
    """The plan cache (least recently used out first)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.plans: OrderedDict[Any, Plan] = OrderedDict()

    def get(self, name: str, field: Field, view: View, key: Any) -> Plan:
        found = self.plans.get(key)
        if found is not None:
            self.plans.move_to_end(key)
            return found
        root = ROOTS[name]
        compiled = root.plan(replace(field, args={}), view, root.shape(field.args))
        self.plans[key] = compiled
        if len(self.plans) > self.size:
            self.plans.popitem(last=False)
        return compiled


PLANS = _Plans(PLAN_CACHE_SIZE)


async def run(
    db: Database, plan: Plan, request: Request, path: tuple[str | int, ...], *, markers: bool
) -> tuple[Any, list[Problem]]:
    """Bind, run and finish one plan: the value and the problems met."""
    params = plan.bind(request)
    if not plan.cypher:
        return None, []
    record = await db.read_one(plan.cypher, params, timeout=plan.timeout)
    value = record["data"] if record is not None else None
    value, problems = finish(value, plan.post, params, path, markers=markers)
    if value is not None:
        for extra in plan.extras:
            more = replace(request, args=extra.args(request))
            found, extra_problems = await run(
                db, extra.plan, more, (*path, *extra.at), markers=markers
            )
            extra.splice(value, found)
            problems = [*problems, *extra_problems]
    return value, problems


# --- the fast path: a whole query operation ------------------------------------------


@dataclass(frozen=True)
class _Operation:
    query: str
    name: str | None
    operation: OperationDefinitionNode
    fragments: dict[str, FragmentDefinitionNode]
    nested: tuple[str, ...]


_OPERATIONS: OrderedDict[tuple[str, str | None], _Operation] = OrderedDict()


def _operation(document: Any, query: str, name: str | None) -> _Operation | None:
    key = (query, name)
    found = _OPERATIONS.get(key)
    if found is not None:
        return found
    operation = get_operation_ast(document, name)
    if operation is None:
        return None
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    nested = tuple(sorted(selection.nested_variables(operation.selection_set, fragments)))
    found = _OPERATIONS[key] = _Operation(query, name, operation, fragments, nested)
    if len(_OPERATIONS) > PLAN_CACHE_SIZE:
        _OPERATIONS.popitem(last=False)
    return found


def _roles(schema: strawberry.Schema, name: str) -> frozenset[Role]:
    definition = schema.get_type_by_name("Query")
    for f in getattr(definition, "fields", []):
        if f.graphql_name == name or strawberry_name(f) == name:
            roles: set[Role] = set()
            for permission in f.permission_classes:
                roles |= set(getattr(permission, "roles", ()))
            return frozenset(roles)
    return frozenset()


def strawberry_name(f: Any) -> str:
    from strawberry.utils.str_converters import to_camel_case

    return str(f.graphql_name or to_camel_case(f.python_name))


class CompiledReads(SchemaExtension):
    """Runs query operations through their compiled plans (see the module docstring)."""

    _roles: dict[tuple[int, str], frozenset[Role]] = {}  # noqa: RUF012

    async def on_execute(self) -> AsyncIterator[None]:
        context = self.execution_context
        wanted = getattr(context.context, "compiled", True)
        if wanted and context.result is None and context.graphql_document is not None:
            result = await self._execute()
            if result is not None:
                context.result = result
        yield

    def roles(self, name: str) -> frozenset[Role]:
        schema = self.execution_context.schema
        key = (id(schema), name)
        found = self._roles.get(key)
        if found is None:
            found = self._roles[key] = _roles(schema, name)
        return found

    async def _execute(self) -> ExecutionResult | None:
        context = self.execution_context
        query = context.query or ""
        op = _operation(context.graphql_document, query, context.operation_name)
        if op is None or op.operation.operation is not OperationType.QUERY:
            return None
        core: GraphQLSchema = context.schema._schema
        coerced = get_variable_values(
            core, op.operation.variable_definitions or (), context.variables or {}
        )
        if not isinstance(coerced, VariableValues):
            return ExecutionResult(data=None, errors=coerced)
        query_type = core.query_type
        assert query_type is not None
        groups = selection.group(query_type, [op.operation.selection_set], op.fragments, coerced)
        if any(
            nodes[0].name.value not in ROOTS and nodes[0].name.value != "__typename"
            for nodes in groups.values()
        ):
            return None
        app = context.context
        principal: Principal = app.principal
        view = view_of(principal)
        today = today_cst()
        nested = tuple(json.dumps(coerced.coerced.get(n), default=str) for n in op.nested)
        tasks = []
        for key, nodes in groups.items():
            name = nodes[0].name.value
            if name == "__typename":
                tasks.append(_constant(key, "Query"))
                continue
            tasks.append(
                self._root(
                    app.db,
                    principal,
                    view,
                    today,
                    app.settings.public_base_url,
                    query_type,
                    key,
                    nodes,
                    op,
                    coerced,
                    nested,
                )
            )
        done = await asyncio.gather(*tasks)
        data: dict[str, Any] | None = {}
        errors: list[GraphQLError] = []
        for key, value, found, null_out in done:
            if data is not None:
                data[key] = value
            errors.extend(found)
            if null_out:
                data = None
        return ExecutionResult(data=data, errors=errors or None)

    async def _root(
        self,
        db: Database,
        principal: Principal,
        view: View,
        today: Any,
        base_url: str,
        query_type: GraphQLObjectType,
        key: str,
        nodes: list[FieldNode],
        op: _Operation,
        variables: VariableValues,
        nested: tuple[str, ...],
    ) -> tuple[str, Any, list[GraphQLError], bool]:
        name = nodes[0].name.value
        definition = query_type.fields[name]
        root_field = Field(key, name, nullable=True, nodes=tuple(nodes))
        nullable = selection.nullability(definition.type)[0]
        try:
            check_policy(principal, self.roles(name))
            args = get_argument_values(definition, nodes[0], variables)
            shape = ROOTS[name].shape(args)
            cache_key = (op.query, op.name, key, view.kind, shape, nested)
            plan = PLANS.plans.get(cache_key)
            if plan is None:
                f = selection.field(query_type, key, nodes, op.fragments, variables, args)
                plan = PLANS.get(name, f, view, cache_key)
            request = Request(args, view.scope, today, principal.subject, base_url)
            value, problems = await run(db, plan, request, (key,), markers=False)
        except FupinError as error:
            return key, None, [_error(Problem((key,), error, root_field))], not nullable
        except Exception as error:
            unexpected = GraphQLError(str(error), nodes=nodes, path=[key], original_error=error)
            return key, None, [unexpected], not nullable
        errors = [_error(p) for p in problems]
        return key, value, errors, value is None and not nullable and bool(problems)


async def _constant(key: str, value: Any) -> tuple[str, Any, list[GraphQLError], bool]:
    return key, value, [], False


def _error(problem: Problem) -> GraphQLError:
    nodes = list(problem.field.nodes) if problem.field is not None else []
    return GraphQLError(
        problem.error.message,
        nodes=nodes or None,
        path=list(problem.path),
        original_error=problem.error,
        extensions=problem.error.extensions,
    )


# --- the graphql-core path: root resolvers, payload entities, keys -------------------


def _info_field(info: strawberry.Info[Any, Any], args: Mapping[str, Any] | None) -> Field:
    core = info._raw_info
    parent = core.parent_type
    return selection.field(
        parent,
        core.path.key if isinstance(core.path.key, str) else core.field_name,
        list(core.field_nodes),
        core.fragments,
        _variables(core),
        args,
    )


def _variables(core: Any) -> VariableValues:
    """The operation's variables as graphql-core's argument and directive readers take
    them: Strawberry hands resolvers the coerced dict instead of the container."""
    variables = core.variable_values
    if isinstance(variables, VariableValues):
        return variables
    return VariableValues({}, dict(variables or {}))


async def resolve_root(info: strawberry.Info[Any, Any]) -> Any:
    """A root query field through its plan, for graphql-core's execution (an
    operation that also asks for introspection): errors below the root are left as
    markers where they occur; `read_key` raises them."""
    core = info._raw_info
    name = core.field_name
    args = get_argument_values(core.parent_type.fields[name], core.field_nodes[0], _variables(core))
    return await _read(info, name, args)


async def read_entity(info: strawberry.Info[Any, Any], name: str, args: Mapping[str, Any]) -> Any:
    """A payload's entity (`name` a planner: "household", "Pairing#id", ...) read with
    the payload field's own selection, as the caller may see it; None when absent."""
    return await _read(info, name, args)


async def _read(info: strawberry.Info[Any, Any], name: str, args: Mapping[str, Any]) -> Any:
    context = info.context
    view = view_of(context.principal)
    f = _info_field(info, args)
    root = ROOTS[name]
    plan = root.plan(replace(f, args={}), view, root.shape(args))
    request = Request(
        args, view.scope, today_cst(), context.principal.subject, context.settings.public_base_url
    )
    value, _ = await run(context.db, plan, request, (f.key,), markers=True)
    return value


def read_key(source: Any, info: Any, **_: Any) -> Any:
    """The resolver of every field of a compiled type: the value under the field's
    response key in the compiled result."""
    value = source.get(info.path.key) if isinstance(source, Mapping) else None
    if isinstance(value, ErrorMarker):
        raise value.error
    return value


def install(schema: GraphQLSchema) -> None:
    """Point every field of the compiled types (and their connections and pageInfo)
    at `read_key`, and let Date and DateTime pass the ISO text the compiler writes."""
    for name, gql_type in schema.type_map.items():
        if not isinstance(gql_type, GraphQLObjectType):
            continue
        if name in TYPES or name in _EXTRA_TYPES or name.endswith("Connection"):
            for f in gql_type.fields.values():
                f.resolve = read_key
    for scalar in ("Date", "DateTime"):
        gql_scalar = schema.type_map.get(scalar)
        if gql_scalar is not None:
            original = gql_scalar.coerce_output_value  # type: ignore[attr-defined]

            def coerce(value: Any, original: Any = original) -> Any:
                return value if isinstance(value, str) else original(value)

            gql_scalar.coerce_output_value = coerce  # type: ignore[attr-defined]


_EXTRA_TYPES = frozenset(
    {"PageInfo", "PairingCoverage", "SalesImpact", "SalesFigures", "ProductSales", "ChannelSales"}
)


def compiled() -> NoReturn:
    """The body of a field whose value the compiled statement supplies: `install`
    points the field at `read_key`, so this never runs."""
    raise AssertionError("read from the compiled result by api.execution.read_key")
