"""Bearer tokens: what is accepted, what is refused, and what a refusal looks like.

The decoding tests are pure (no database); the last ones go through /graphql.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from typer.testing import CliRunner

from api.app import create_app
from api.auth import Principal, Role, mint_token, principal_from_header
from api.settings import DEFAULT_JWT_SECRET, Settings, SettingsError, load_settings

SECRET = "a-test-secret-that-is-long-enough-for-hs256-and-even-for-hs512-0123"


def hs_settings(**extra: Any) -> Settings:
    return load_settings(FUPIN_JWT_SECRET=SECRET, **extra)


@pytest.fixture(scope="module")
def rsa_keys() -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private, public


def claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    base: dict[str, Any] = {
        "sub": "someone",
        "role": "ADMIN",
        "iss": "fupin-graph",
        "aud": "fupin-graph-api",
        "iat": now,
        "exp": now + 600,
    }
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def bearer(token: str) -> str:
    return f"Bearer {token}"


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def handmade(header: dict[str, Any], payload: dict[str, Any], key: bytes | None) -> str:
    """A JWT built by hand, for what PyJWT refuses to sign (alg none, HMAC with a
    public key as the secret)."""
    signing_input = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(payload).encode())}"
    if key is None:
        return signing_input + "."
    signature = hmac.new(key, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64(signature)}"


def refused(principal: Principal) -> bool:
    return principal.role is Role.PUBLIC and principal.token_error is not None


# --- HS256 -------------------------------------------------------------------------


def test_hs256_token_gives_role_subject_and_scope():
    settings = hs_settings()
    token = jwt.encode(claims(role="REGION_OFFICER", scope="460203"), SECRET, algorithm="HS256")
    principal = principal_from_header(settings, bearer(token))
    assert principal == Principal(Role.REGION_OFFICER, subject="someone", scope="460203")
    assert principal.household_scope().kind == "REGION"


def test_minted_token_round_trips():
    settings = hs_settings()
    for role, scope in [
        (Role.ADMIN, None),
        (Role.AUDITOR, None),
        (Role.INVESTIGATOR, None),
        (Role.REGION_OFFICER, "469001100"),
        (Role.FIELD_OFFICIAL, "OFF-001"),
    ]:
        principal = principal_from_header(settings, bearer(mint_token(settings, role, scope=scope)))
        assert (principal.role, principal.scope, principal.token_error) == (role, scope, None)


def test_no_header_is_the_anonymous_public():
    principal = principal_from_header(hs_settings(), None)
    assert principal.role is Role.PUBLIC
    assert principal.token_error is None
    assert principal.household_scope().kind == "NONE"


@pytest.mark.parametrize(
    "header",
    ["Basic dXNlcjpwYXNz", "Bearer", "Bearer   ", "Token abc", "bearer not.a.jwt", "Bearer x.y.z"],
)
def test_malformed_headers_are_refused(header):
    assert refused(principal_from_header(hs_settings(), header))


def test_wrong_secret_is_refused():
    token = jwt.encode(claims(), "another-secret-that-is-also-long-enough", algorithm="HS256")
    assert refused(principal_from_header(hs_settings(), bearer(token)))


def test_alg_none_is_refused():
    token = handmade({"alg": "none", "typ": "JWT"}, claims(), None)
    assert refused(principal_from_header(hs_settings(), bearer(token)))
    # Also with an HMAC signature appended, and with the header spelled otherwise.
    for alg in ("none", "None", "NONE"):
        token = handmade({"alg": alg, "typ": "JWT"}, claims(), SECRET.encode())
        assert refused(principal_from_header(hs_settings(), bearer(token)))


def test_other_hmac_algorithm_is_refused():
    token = jwt.encode(claims(), SECRET, algorithm="HS512")
    assert refused(principal_from_header(hs_settings(), bearer(token)))


def test_expired_token_is_refused():
    now = int(time.time())
    token = jwt.encode(claims(iat=now - 3600, exp=now - 5), SECRET, algorithm="HS256")
    principal = principal_from_header(hs_settings(), bearer(token))
    assert refused(principal)
    assert principal.token_error == "the token is invalid or expired"


def test_not_yet_valid_token_is_refused():
    token = jwt.encode(claims(nbf=int(time.time()) + 3600), SECRET, algorithm="HS256")
    assert refused(principal_from_header(hs_settings(), bearer(token)))


@pytest.mark.parametrize(
    "overrides",
    [{"iss": "someone-else"}, {"aud": "another-api"}, {"aud": ["another-api", "x"]}],
)
def test_wrong_issuer_or_audience_is_refused(overrides):
    token = jwt.encode(claims(**overrides), SECRET, algorithm="HS256")
    assert refused(principal_from_header(hs_settings(), bearer(token)))


@pytest.mark.parametrize("missing", ["exp", "iss", "aud", "sub", "role"])
def test_missing_claim_is_refused(missing):
    token = jwt.encode(claims(**{missing: None}), SECRET, algorithm="HS256")
    assert refused(principal_from_header(hs_settings(), bearer(token)))


@pytest.mark.parametrize("role", ["ROOT", "admin", "", "PUBLIC", ["ADMIN"], 1, None])
def test_unknown_role_is_refused(role):
    payload = claims()
    payload["role"] = role
    token = jwt.encode(payload, SECRET, algorithm="HS256")
    assert refused(principal_from_header(hs_settings(), bearer(token)))


@pytest.mark.parametrize(
    ("role", "scope"),
    [
        ("REGION_OFFICER", None),
        ("REGION_OFFICER", ""),
        ("REGION_OFFICER", "abc"),
        ("REGION_OFFICER", "4602031"),
        ("REGION_OFFICER", ["460203"]),
        ("FIELD_OFFICIAL", None),
        ("FIELD_OFFICIAL", ""),
        ("FIELD_OFFICIAL", "   "),
        ("FIELD_OFFICIAL", 7),
        ("FIELD_OFFICIAL", "x" * 65),
    ],
)
def test_scoped_role_without_usable_scope_is_refused(role, scope):
    token = jwt.encode(claims(role=role, scope=scope), SECRET, algorithm="HS256")
    principal = principal_from_header(hs_settings(), bearer(token))
    assert refused(principal)
    assert principal.household_scope().kind == "NONE"


def test_scope_claim_is_ignored_for_unscoped_roles():
    token = jwt.encode(claims(role="AUDITOR", scope="460203"), SECRET, algorithm="HS256")
    principal = principal_from_header(hs_settings(), bearer(token))
    assert principal.role is Role.AUDITOR
    assert principal.scope is None


def test_mint_token_refuses_what_it_cannot_sign():
    settings = hs_settings()
    with pytest.raises(ValueError, match="needs a scope"):
        mint_token(settings, Role.FIELD_OFFICIAL)
    with pytest.raises(ValueError, match="needs a scope"):
        mint_token(settings, Role.REGION_OFFICER, scope="Sanya")
    with pytest.raises(ValueError, match="takes no scope"):
        mint_token(settings, Role.ADMIN, scope="460000")
    with pytest.raises(ValueError, match="PUBLIC"):
        mint_token(settings, Role.PUBLIC)


# --- RS256 -------------------------------------------------------------------------


def rs_settings(public: str) -> Settings:
    return load_settings(FUPIN_JWT_ALGORITHM="RS256", FUPIN_JWT_PUBLIC_KEY=public)


def test_rs256_token_is_accepted(rsa_keys):
    private, public = rsa_keys
    token = jwt.encode(claims(role="FIELD_OFFICIAL", scope="OFF-7"), private, algorithm="RS256")
    principal = principal_from_header(rs_settings(public), bearer(token))
    assert (principal.role, principal.scope) == (Role.FIELD_OFFICIAL, "OFF-7")


def test_rs256_refuses_hs256_tokens(rsa_keys):
    _, public = rsa_keys
    settings = rs_settings(public)
    # Algorithm confusion: the public key (which anyone may hold) as an HMAC secret.
    confused = handmade({"alg": "HS256", "typ": "JWT"}, claims(), public.encode())
    assert refused(principal_from_header(settings, bearer(confused)))
    # A development token signed with the default secret.
    dev = jwt.encode(claims(), DEFAULT_JWT_SECRET, algorithm="HS256")
    assert refused(principal_from_header(settings, bearer(dev)))
    assert refused(
        principal_from_header(settings, bearer(handmade({"alg": "none"}, claims(), None)))
    )


def test_rs256_refuses_another_key_and_expired_tokens(rsa_keys):
    _, public = rsa_keys
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = jwt.encode(claims(), other, algorithm="RS256")
    assert refused(principal_from_header(rs_settings(public), bearer(forged)))
    private, _ = rsa_keys
    now = int(time.time())
    expired = jwt.encode(claims(iat=now - 100, exp=now - 1), private, algorithm="RS256")
    assert refused(principal_from_header(rs_settings(public), bearer(expired)))


def test_rs256_without_a_public_key_accepts_nothing(rsa_keys):
    private, _ = rsa_keys
    settings = load_settings(FUPIN_JWT_ALGORITHM="RS256")
    token = jwt.encode(claims(), private, algorithm="RS256")
    assert refused(principal_from_header(settings, bearer(token)))


def test_tokens_are_not_minted_for_rs256(rsa_keys):
    with pytest.raises(ValueError, match="HS256"):
        mint_token(rs_settings(rsa_keys[1]), Role.ADMIN)


# --- production refuses the repository's secrets -------------------------------------


def test_production_refuses_the_default_neo4j_password():
    with pytest.raises(SettingsError, match="NEO4J_PASSWORD"):
        load_settings(FUPIN_MODE="production", FUPIN_JWT_SECRET=SECRET)


def test_production_refuses_the_development_secret():
    with pytest.raises(SettingsError, match="FUPIN_JWT_SECRET"):
        load_settings(FUPIN_MODE="production", NEO4J_PASSWORD="a-real-password")


def test_production_refuses_a_short_secret():
    with pytest.raises(SettingsError, match="FUPIN_JWT_SECRET"):
        load_settings(
            FUPIN_MODE="production", NEO4J_PASSWORD="pw-1234567", FUPIN_JWT_SECRET="short"
        )


def test_production_rs256_needs_the_public_key(rsa_keys):
    with pytest.raises(SettingsError, match="FUPIN_JWT_PUBLIC_KEY"):
        load_settings(
            FUPIN_MODE="production", NEO4J_PASSWORD="pw-1234567", FUPIN_JWT_ALGORITHM="RS256"
        )
    settings = load_settings(
        FUPIN_MODE="production",
        NEO4J_PASSWORD="pw-1234567",
        FUPIN_JWT_ALGORITHM="RS256",
        FUPIN_JWT_PUBLIC_KEY=rsa_keys[1],
    )
    assert settings.jwt_algorithm == "RS256"


def test_create_app_refuses_production_defaults():
    # Settings built directly (not through load_settings) still cannot start the app.
    settings = Settings(FUPIN_MODE="production")  # type: ignore[call-arg]
    with pytest.raises(SettingsError, match="NEO4J_PASSWORD"):
        create_app(settings)
    settings = Settings(FUPIN_MODE="production", NEO4J_PASSWORD="a-real-password")  # type: ignore[call-arg]
    with pytest.raises(SettingsError, match="FUPIN_JWT_SECRET"):
        create_app(settings)


# --- `fupin token` -------------------------------------------------------------------


@pytest.fixture()
def cli_env(monkeypatch, test_settings, demo):
    """`fupin` pointed at the test database, which holds the demo story."""
    monkeypatch.setenv("FUPIN_MODE", "development")
    monkeypatch.setenv("NEO4J_URI", test_settings.bolt_uri)
    monkeypatch.setenv("NEO4J_PASSWORD", test_settings.neo4j_password.get_secret_value())


def test_fupin_token_mints_a_usable_token(cli_env):
    from api.cli import app

    result = CliRunner().invoke(app, ["token", "--role", "region_officer", "--scope", "460203"])
    assert result.exit_code == 0, result.output
    token = result.stdout.strip()
    principal = principal_from_header(load_settings(), bearer(token))
    assert (principal.role, principal.scope) == (Role.REGION_OFFICER, "460203")
    result = CliRunner().invoke(
        app, ["token", "--role", "FIELD_OFFICIAL", "--scope", "O-460203-001"]
    )
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("role", "scope"),
    [("REGION_OFFICER", "469099"), ("FIELD_OFFICIAL", "OFF-001")],
)
def test_fupin_token_refuses_a_scope_that_does_not_exist(cli_env, role, scope):
    """A token for a region or an official the database does not hold would only ever
    see nothing: `fupin token` says so instead of minting it."""
    from api.cli import app

    result = CliRunner().invoke(app, ["token", "--role", role, "--scope", scope])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "no such" in result.output


def test_fupin_token_refuses_a_scoped_role_without_scope(monkeypatch):
    from api.cli import app

    monkeypatch.setenv("FUPIN_MODE", "development")
    result = CliRunner().invoke(app, ["token", "--role", "FIELD_OFFICIAL"])
    assert result.exit_code == 2
    assert result.stdout == ""


# --- over HTTP -----------------------------------------------------------------------

REGION = '{ region(code: "460000") { code } }'


def post(app_client, query: str, authorization: str | None) -> dict[str, Any]:
    headers = {"authorization": authorization} if authorization else {}
    response = app_client.post("/graphql", json={"query": query}, headers=headers)
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def test_missing_or_bad_token_is_unauthenticated(app_client, test_settings, graph):
    now = int(time.time())
    secret = test_settings.jwt_secret.get_secret_value()
    bad = [
        None,
        "Bearer nonsense",
        "Basic dXNlcjpwYXNz",
        bearer(jwt.encode(claims(exp=now - 1), secret, algorithm="HS256")),
        bearer(jwt.encode(claims(role="FIELD_OFFICIAL"), secret, algorithm="HS256")),
        bearer(handmade({"alg": "none"}, claims(), None)),
    ]
    for authorization in bad:
        body = post(app_client, REGION, authorization)
        assert body["data"] == {"region": None}
        [error] = body["errors"]
        assert error["extensions"]["code"] == "UNAUTHENTICATED", authorization
        # The token itself is never echoed.
        if authorization:
            assert authorization.split(" ")[-1] not in json.dumps(body)


def test_good_token_is_let_through(app_client, test_settings, graph):
    token = mint_token(test_settings, Role.INVESTIGATOR)
    body = post(app_client, REGION, bearer(token))
    assert body == {"data": {"region": None}}
