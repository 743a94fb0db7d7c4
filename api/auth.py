"""Who is calling: bearer tokens, roles, scopes, and the policy on every root field.

Roles (DEVELOPERS.md and issue 5):

    ADMIN           everything
    REGION_OFFICER  the households of one region subtree (scope: a region code)
    FIELD_OFFICIAL  the households they are actively paired with (scope: official code)
    AUDITOR         reads everything, personal data included; writes no household data
    INVESTIGATOR    traceability and graph exploration; personal fields masked
    MERCHANT        one seller's till or web shop (scope: a seller code): its seller,
                    orders and buyers, the public trace; records and cancels its
                    orders; never a household, person, official, income or measure
    PUBLIC          anonymous: only fields open to the public

Every root field declares its policy with `policy(...)`; a test walks the schema and
fails on a root field without one (deny by default).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import jwt
import strawberry
from strawberry.permission import BasePermission

from api.settings import Settings
from graph.errors import Forbidden, Unauthenticated
from graph.scope import Scope


@strawberry.enum(description="What a caller may do; see the README's roles section.")
class Role(StrEnum):
    ADMIN = "ADMIN"
    REGION_OFFICER = "REGION_OFFICER"
    FIELD_OFFICIAL = "FIELD_OFFICIAL"
    AUDITOR = "AUDITOR"
    INVESTIGATOR = "INVESTIGATOR"
    MERCHANT = "MERCHANT"
    PUBLIC = "PUBLIC"


SCOPED_ROLES = frozenset({Role.REGION_OFFICER, Role.FIELD_OFFICIAL, Role.MERCHANT})
_SCOPE_OF = {
    Role.REGION_OFFICER: "a region code",
    Role.FIELD_OFFICIAL: "an official code",
    Role.MERCHANT: "a seller code",
}
PERSONAL_DATA_ROLES = frozenset(
    {Role.ADMIN, Role.AUDITOR, Role.REGION_OFFICER, Role.FIELD_OFFICIAL}
)


@dataclass(frozen=True)
class Principal:
    role: Role
    subject: str = "anonymous"
    scope: str | None = None
    # Set when a token was presented but refused; the reason is never shown in full.
    token_error: str | None = None

    @property
    def authenticated(self) -> bool:
        return self.role is not Role.PUBLIC

    @property
    def sees_personal_data(self) -> bool:
        return self.role in PERSONAL_DATA_ROLES

    def household_scope(self) -> Scope:
        """The households this principal may read, as a Cypher-side scope (a
        MERCHANT's holds none: only its seller, graph/scope.py)."""
        if self.role in (Role.ADMIN, Role.AUDITOR, Role.INVESTIGATOR):
            return Scope.everything()
        if self.role is Role.MERCHANT and self.scope:
            return Scope.seller(self.scope)
        if self.role is Role.REGION_OFFICER and self.scope:
            return Scope.region(self.scope)
        if self.role is Role.FIELD_OFFICIAL and self.scope:
            return Scope.official(self.scope)
        return Scope.nothing()


ANONYMOUS = Principal(Role.PUBLIC)


def mint_token(
    settings: Settings,
    role: Role,
    *,
    scope: str | None = None,
    subject: str | None = None,
    ttl_s: int = 8 * 3600,
) -> str:
    """A signed development token (HS256 with the configured secret).

    ValueError when the role is PUBLIC (the public needs no token), a scoped role has
    no scope or an unscoped one has one, or the app verifies RS256 tokens (those come
    from the identity provider that holds the private key).
    """
    if settings.jwt_algorithm != "HS256":
        raise ValueError("tokens are minted here only with FUPIN_JWT_ALGORITHM=HS256")
    if role is Role.PUBLIC:
        raise ValueError("PUBLIC needs no token: send no Authorization header")
    if role in SCOPED_ROLES and not _usable_scope(role, scope):
        raise ValueError(f"{role.value} needs a scope: {_SCOPE_OF[role]}")
    if role not in SCOPED_ROLES and scope:
        raise ValueError(f"{role.value} takes no scope")
    now = int(time.time())
    claims: dict[str, Any] = {
        # Two officials' or two regions' dev tokens are two callers (their client
        # mutation ids and field records are their own).
        "sub": subject or "-".join(["dev", role.value.lower(), *([scope] if scope else [])]),
        "role": role.value,
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "iat": now,
        "exp": now + ttl_s,
    }
    if scope:
        claims["scope"] = scope
    return jwt.encode(claims, settings.jwt_secret.get_secret_value(), algorithm="HS256")


def _usable_scope(role: Role, scope: object) -> bool:
    """A region officer's scope is a division code (6, 9 or 12 digits); a field
    official's an official code (a short printable string); a merchant's a seller
    code (STORE-469025-01)."""
    if not isinstance(scope, str) or not scope or len(scope) > 64:
        return False
    if role is Role.REGION_OFFICER:
        return scope.isascii() and scope.isdigit() and len(scope) in (6, 9, 12)
    if role is Role.MERCHANT:
        return re.fullmatch(r"[A-Z0-9][A-Z0-9-]{0,39}", scope) is not None
    return scope.isprintable() and not scope.isspace()


def principal_from_header(settings: Settings, authorization: str | None) -> Principal:
    """Decode `Authorization: Bearer <jwt>`; no header means the anonymous public.

    Only the configured algorithm is accepted (never `none`, never HS256 when RS256 is
    configured); expiry, issuer and audience are checked, and exp, iss, aud, sub and
    role must be present. A refused token gives the public principal with
    `token_error` set, so fields that need a role answer UNAUTHENTICATED.
    """
    if not authorization:
        return ANONYMOUS
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return Principal(Role.PUBLIC, token_error="the Authorization header is not a bearer token")
    if settings.jwt_algorithm == "RS256":
        if not settings.jwt_public_key:
            return Principal(Role.PUBLIC, token_error="the token is invalid or expired")
        key = settings.jwt_public_key
    else:
        key = settings.jwt_secret.get_secret_value()
    try:
        claims = jwt.decode(
            token.strip(),
            key,
            algorithms=[settings.jwt_algorithm],
            issuer=settings.jwt_issuer,
            audience=settings.jwt_audience,
            options={"require": ["exp", "iss", "aud", "sub", "role"]},
        )
        role = Role(claims["role"])
    except (jwt.PyJWTError, ValueError, KeyError, TypeError):
        return Principal(Role.PUBLIC, token_error="the token is invalid or expired")
    scope = claims.get("scope")
    if role is Role.PUBLIC or (role in SCOPED_ROLES and not _usable_scope(role, scope)):
        return Principal(Role.PUBLIC, token_error="the token has no usable role or scope")
    return Principal(
        role,
        subject=str(claims["sub"]),
        scope=scope if role in SCOPED_ROLES else None,
    )


class Policy(BasePermission):
    """Base of every root field's policy; `policy(...)` makes the concrete ones."""

    roles: frozenset[Role] = frozenset()

    def has_permission(self, source: Any, info: strawberry.Info, **kwargs: Any) -> bool:
        check_policy(info.context.principal, self.roles)
        return True


def check_policy(principal: Principal, roles: frozenset[Role]) -> None:
    """Nothing when the principal's role is among `roles`; else UNAUTHENTICATED for
    the anonymous public (or a refused token), FORBIDDEN for the rest."""
    if principal.role in roles:
        return
    if not principal.authenticated:
        raise Unauthenticated(principal.token_error or "this field needs a bearer token")
    raise Forbidden(f"the {principal.role.value} role may not use this field")


def policy(*roles: Role) -> type[Policy]:
    """A permission class that lets exactly `roles` through."""
    allowed = frozenset(roles)
    name = "Allow_" + "_".join(sorted(r.value for r in allowed))
    return type(name, (Policy,), {"roles": allowed})


AUTHENTICATED = (
    Role.ADMIN,
    Role.REGION_OFFICER,
    Role.FIELD_OFFICIAL,
    Role.AUDITOR,
    Role.INVESTIGATOR,
)
HOUSEHOLD_READERS = (
    Role.ADMIN,
    Role.REGION_OFFICER,
    Role.FIELD_OFFICIAL,
    Role.AUDITOR,
    Role.INVESTIGATOR,
)
HOUSEHOLD_WRITERS = (Role.ADMIN, Role.REGION_OFFICER)
# Exploring the graph crosses every scope (a scope would cut every path): roles that see
# every record, INVESTIGATOR masked.
EXPLORERS = (Role.ADMIN, Role.AUDITOR, Role.INVESTIGATOR)
VISIT_WRITERS = (Role.ADMIN, Role.REGION_OFFICER, Role.FIELD_OFFICIAL)
# The field app's offline sync (syncFieldRecords, syncStatus): whoever records visits.
FIELD_APP_USERS = VISIT_WRITERS
HISTORY_READERS = (Role.ADMIN, Role.REGION_OFFICER, Role.AUDITOR, Role.INVESTIGATOR)
# Support measures and incomes: recorded by whoever may write the household (a field
# official for their paired households); voided by the household's writers; poverty
# lines, which hold for the whole province, set by ADMIN only.
SUPPORT_WRITERS = (Role.ADMIN, Role.REGION_OFFICER, Role.FIELD_OFFICIAL)
MEASURE_VOIDERS = HOUSEHOLD_WRITERS
POVERTY_LINE_WRITERS = (Role.ADMIN,)
# A region's rural population (the statistics' denominator): ADMIN's, like the lines.
POPULATION_WRITERS = (Role.ADMIN,)
# Traceability (issue 15): the public trace lookup is open to everyone (and limited per
# address for the anonymous: api/ratelimit.py); the catalogue is ADMIN's; cooperatives
# and their lots are region officers' within their subtree; a field official registers
# lots of the households they are paired with.
EVERYONE = (Role.PUBLIC, *AUTHENTICATED, Role.MERCHANT)
PRODUCT_DEFINERS = (Role.ADMIN,)
TRADE_WRITERS = (Role.ADMIN, Role.REGION_OFFICER)
LOT_REGISTRARS = (Role.ADMIN, Role.REGION_OFFICER, Role.FIELD_OFFICIAL)
# The file audit: runs, reviews and cross-check imports by auditors; findings read by
# region officers too (those about their subtree, graph/scope.py), never by field
# officials or investigators.
AUDITORS = (Role.ADMIN, Role.AUDITOR)
FINDING_READERS = (Role.ADMIN, Role.AUDITOR, Role.REGION_OFFICER)
# Sales (issue 16): sellers are created by the trade's writers; orders are recorded and
# cancelled by them and by the seller's own MERCHANT; sellers, orders and buyers are
# read by the roles that see every record, region officers (sellers in their subtree)
# and the seller's MERCHANT; salesImpact by household readers.
SELLER_CREATORS = TRADE_WRITERS
ORDER_WRITERS = (Role.ADMIN, Role.REGION_OFFICER, Role.MERCHANT)
SELLER_READERS = (Role.ADMIN, Role.REGION_OFFICER, Role.AUDITOR, Role.INVESTIGATOR, Role.MERCHANT)
SALES_READERS = HOUSEHOLD_READERS
# Monitoring and feedback (issue 13): opened and submitted by whoever may record a visit
# (a field official for their paired households, as themself), closed, answered and
# closed by the household's writers; read by the household's readers, but the at-risk
# list, which filters on incomes (personal), not by investigators.
MONITORING_STARTERS = VISIT_WRITERS
MONITORING_ENDERS = HOUSEHOLD_WRITERS
FEEDBACK_SUBMITTERS = VISIT_WRITERS
FEEDBACK_HANDLERS = HOUSEHOLD_WRITERS
FEEDBACK_READERS = HOUSEHOLD_READERS
AT_RISK_READERS = (Role.ADMIN, Role.REGION_OFFICER, Role.FIELD_OFFICIAL, Role.AUDITOR)
# The investigator's trace (issue 17): the roles that see every record (INVESTIGATOR
# masked) and region officers (households of their subtree; others only counted); field
# officials and merchants have publicTrace.
TRACERS = (Role.ADMIN, Role.AUDITOR, Role.INVESTIGATOR, Role.REGION_OFFICER)
