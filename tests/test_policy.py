"""Deny by default: every root field and mutation of the built schema declares a policy.

The walk starts from graphql-core's root types (what clients can call), not from a
list kept by hand, so a field added later is checked without anyone touching this file.
"""

from __future__ import annotations

from typing import Any

import strawberry
from graphql import GraphQLObjectType
from strawberry.permission import PermissionExtension

from api.auth import AUTHENTICATED, Policy, Role, policy
from api.schema import build_schema, schema

# Root fields the anonymous public may call. Adding one is a decision to review: the
# public never sees a person (DOMAIN.md section 9).
PUBLIC_FIELDS: frozenset[str] = frozenset({"publicTrace"})
# Root fields a MERCHANT (a shop's till, issue 16) may call: its seller, orders and
# buyers, the public trace; never a household, person, official, income or measure.
MERCHANT_FIELDS: frozenset[str] = frozenset(
    {"publicTrace", "seller", "order", "buyer", "recordOrder", "cancelOrder"}
)


def root_fields(built: strawberry.Schema) -> list[tuple[str, str, Any]]:
    """(root type, field name, strawberry field) for every Query, Mutation and
    Subscription field clients can call."""
    found = []
    core = built._schema
    roots: list[GraphQLObjectType | None] = [
        core.query_type,
        core.mutation_type,
        core.subscription_type,
    ]
    for root in roots:
        if root is None:
            continue
        for name, field in root.fields.items():
            found.append((root.name, name, field.extensions.get("strawberry-definition")))
    return found


def policy_problems(built: strawberry.Schema) -> list[str]:
    """What is wrong with the schema's root fields' policies; empty when all is well."""
    problems = []
    for root, name, definition in root_fields(built):
        where = f"{root}.{name}"
        if definition is None:
            problems.append(f"{where}: not a strawberry field, so it has no policy")
            continue
        policies = [
            cls
            for cls in definition.permission_classes
            if isinstance(cls, type) and issubclass(cls, Policy)
        ]
        if len(policies) != 1:
            problems.append(f"{where}: needs exactly one policy(...), has {len(policies)}")
            continue
        # What runs is the PermissionExtension: it must hold the policy and raise.
        enforced = [
            ext
            for ext in definition.extensions
            if isinstance(ext, PermissionExtension)
            and any(isinstance(p, Policy) for p in ext.permissions)
        ]
        if not enforced or any(ext.fail_silently for ext in enforced):
            problems.append(f"{where}: its policy is not enforced by a PermissionExtension")
        roles = policies[0].roles
        if not roles:
            problems.append(f"{where}: its policy lets no role through")
        if Role.PUBLIC in roles and name not in PUBLIC_FIELDS:
            problems.append(f"{where}: open to PUBLIC but not listed in PUBLIC_FIELDS")
        if (Role.MERCHANT in roles) != (name in MERCHANT_FIELDS):
            problems.append(f"{where}: MERCHANT's access differs from MERCHANT_FIELDS")
    return problems


def test_every_root_field_declares_a_policy():
    assert root_fields(schema), "the schema has no root fields?"
    assert policy_problems(schema) == []


def test_production_schema_has_the_same_policies():
    production = build_schema(production=True)
    assert policy_problems(production) == []
    assert {n for _, n, _ in root_fields(production)} == {n for _, n, _ in root_fields(schema)}


def test_the_walk_finds_an_open_field():
    """The check can fail: a schema with an unprotected query, an unprotected mutation,
    a field with a non-Policy permission and a field open to the public."""
    from strawberry.permission import BasePermission

    class Anything(BasePermission):
        def has_permission(self, source: Any, info: Any, **kwargs: Any) -> bool:
            return True

    @strawberry.type
    class Query:
        @strawberry.field
        def open_query(self) -> int:
            return 1

        @strawberry.field(permission_classes=[Anything])
        def home_made(self) -> int:
            return 1

        @strawberry.field(permission_classes=[policy(Role.PUBLIC, Role.ADMIN)])
        def public_by_accident(self) -> int:
            return 1

        @strawberry.field(permission_classes=[policy(*AUTHENTICATED)])
        def fine(self) -> int:
            return 1

    @strawberry.type
    class Mutation:
        @strawberry.mutation
        def open_mutation(self) -> int:
            return 1

    problems = policy_problems(strawberry.Schema(query=Query, mutation=Mutation))
    assert [p.split(":")[0] for p in problems] == [
        "Query.openQuery",
        "Query.homeMade",
        "Query.publicByAccident",
        "Mutation.openMutation",
    ]
