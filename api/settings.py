"""Settings, read from the environment and an optional `.env` file.

Every setting has a documented default that works on a developer's machine; in
production mode the defaults that are secrets are refused at start.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from graph.db import Database

DEFAULT_NEO4J_PASSWORD = "fupin-local-dev"
DEFAULT_JWT_SECRET = "fupin-development-secret-change-me"


class SettingsError(Exception):
    """A setting has a value the app cannot run with; the message names it."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", populate_by_name=True
    )

    # The database. With NEO4J_URI set nothing local starts.
    neo4j_uri: str | None = Field(default=None, validation_alias="NEO4J_URI")
    neo4j_user: str = Field(default="neo4j", validation_alias="NEO4J_USER")
    neo4j_password: SecretStr = Field(
        default=SecretStr(DEFAULT_NEO4J_PASSWORD), validation_alias="NEO4J_PASSWORD"
    )
    neo4j_database: str = Field(default="neo4j", validation_alias="NEO4J_DATABASE")
    # Connections this process keeps to each cluster member (README, "Several replicas").
    neo4j_pool_size: int = Field(
        default=50, ge=1, le=1000, validation_alias="FUPIN_NEO4J_POOL_SIZE"
    )
    # The local embedded Neo4j that `fupin neo4j start` runs when NEO4J_URI is unset.
    neo4j_home: Path = Field(default=Path(".data/neo4j"), validation_alias="FUPIN_NEO4J_HOME")
    neo4j_port: int = Field(default=7687, ge=1, le=65535, validation_alias="FUPIN_NEO4J_PORT")
    neo4j_heap_mb: int = Field(default=2048, ge=256, validation_alias="FUPIN_NEO4J_HEAP_MB")
    neo4j_pagecache_mb: int = Field(
        default=2048, ge=64, validation_alias="FUPIN_NEO4J_PAGECACHE_MB"
    )
    neo4j_lib: Path = Field(default=Path(".data/neo4j-lib"), validation_alias="FUPIN_NEO4J_LIB")
    # Seconds a Cypher transaction may run before Neo4j ends it.
    query_timeout_s: float = Field(default=10.0, gt=0, validation_alias="FUPIN_QUERY_TIMEOUT_S")
    # Seconds an exploring statement (entity, neighborhood, paths) may run.
    explore_timeout_s: float = Field(default=3.0, gt=0, validation_alias="FUPIN_EXPLORE_TIMEOUT_S")

    # The API.
    api_host: str = Field(default="127.0.0.1", validation_alias="API_HOST")
    api_port: int = Field(default=8000, ge=1, le=65535, validation_alias="API_PORT")
    mode: Literal["development", "production"] = Field(
        default="development", validation_alias="FUPIN_MODE"
    )
    cors_origins: list[str] = Field(default_factory=list, validation_alias="FUPIN_CORS_ORIGINS")
    max_body_bytes: int = Field(default=100_000, ge=1_000, validation_alias="FUPIN_MAX_BODY_BYTES")
    # Where the public trace page is served: a QR code encodes {this}/t/{trace code}.
    public_base_url: str = Field(
        default="http://127.0.0.1:8000", validation_alias="FUPIN_PUBLIC_BASE_URL"
    )

    # Operations (README, "Operations").
    log_format: Literal["json", "text"] | None = Field(
        default=None, validation_alias="FUPIN_LOG_FORMAT"
    )
    slow_statement_ms: float = Field(default=500, ge=0, validation_alias="FUPIN_SLOW_STATEMENT_MS")
    metrics_token: SecretStr | None = Field(default=None, validation_alias="FUPIN_METRICS_TOKEN")
    public_rate_per_min: float = Field(
        default=120, gt=0, validation_alias="FUPIN_PUBLIC_RATE_PER_MIN"
    )
    trusted_proxies: list[str] = Field(
        default_factory=list, validation_alias="FUPIN_TRUSTED_PROXIES"
    )

    # Tokens (see README, "Roles and tokens").
    jwt_algorithm: Literal["HS256", "RS256"] = Field(
        default="HS256", validation_alias="FUPIN_JWT_ALGORITHM"
    )
    jwt_secret: SecretStr = Field(
        default=SecretStr(DEFAULT_JWT_SECRET), validation_alias="FUPIN_JWT_SECRET"
    )
    jwt_public_key: str | None = Field(default=None, validation_alias="FUPIN_JWT_PUBLIC_KEY")
    jwt_issuer: str = Field(default="fupin-graph", validation_alias="FUPIN_JWT_ISSUER")
    jwt_audience: str = Field(default="fupin-graph-api", validation_alias="FUPIN_JWT_AUDIENCE")

    @field_validator("neo4j_uri")
    @classmethod
    def _known_scheme(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        schemes = ("bolt://", "bolt+s://", "bolt+ssc://", "neo4j://", "neo4j+s://", "neo4j+ssc://")
        if not value.startswith(schemes):
            raise ValueError(f"must start with one of {', '.join(schemes)}")
        return value

    @field_validator("cors_origins")
    @classmethod
    def _explicit_origins(cls, value: list[str]) -> list[str]:
        for origin in value:
            if not origin.startswith(("http://", "https://")) or "*" in origin:
                raise ValueError(
                    f"{origin!r} is not an origin: list each one as scheme://host[:port], "
                    "no wildcard"
                )
        return [origin.rstrip("/") for origin in value]

    @field_validator("public_base_url")
    @classmethod
    def _base_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")) or any(c in value for c in "?#* "):
            raise ValueError("must be an http:// or https:// address without a query")
        return value.rstrip("/")

    @field_validator("metrics_token")
    @classmethod
    def _empty_is_unset(cls, value: SecretStr | None) -> SecretStr | None:
        return value if value is not None and value.get_secret_value() else None

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        for entry in value:
            try:
                ipaddress.ip_network(entry, strict=False)
            except ValueError:
                raise ValueError(f"{entry!r} is not an address or a network (CIDR)") from None
        return value

    @property
    def logs_as(self) -> Literal["json", "text"]:
        """FUPIN_LOG_FORMAT, else json in production and text in development."""
        if self.log_format is not None:
            return self.log_format
        return "json" if self.mode == "production" else "text"

    @property
    def local(self) -> bool:
        """True when the app runs against the project's own embedded Neo4j."""
        return self.neo4j_uri is None

    @property
    def bolt_uri(self) -> str:
        return self.neo4j_uri or f"bolt://127.0.0.1:{self.neo4j_port}"

    def database(self, timeout_s: float | None = None) -> Database:
        """A driver for these settings; `timeout_s` bounds each transaction (default:
        the API's query timeout)."""
        return Database.connect(
            self.bolt_uri,
            self.neo4j_user,
            self.neo4j_password.get_secret_value(),
            self.neo4j_database,
            timeout_s=self.query_timeout_s if timeout_s is None else timeout_s,
            call_timeout_s=self.explore_timeout_s,
            pool_size=self.neo4j_pool_size,
        )

    def check_production(self) -> None:
        """Refuse to run production with the secrets this repository publishes."""
        if self.mode != "production":
            return
        if self.neo4j_password.get_secret_value() == DEFAULT_NEO4J_PASSWORD:
            raise SettingsError("NEO4J_PASSWORD: the local default is refused in production")
        if self.jwt_algorithm == "HS256" and (
            self.jwt_secret.get_secret_value() == DEFAULT_JWT_SECRET
        ):
            raise SettingsError("FUPIN_JWT_SECRET: the development secret is refused in production")
        if self.jwt_algorithm == "HS256" and len(self.jwt_secret.get_secret_value()) < 32:
            raise SettingsError("FUPIN_JWT_SECRET: at least 32 characters in production")
        if self.jwt_algorithm == "RS256" and not self.jwt_public_key:
            raise SettingsError("FUPIN_JWT_PUBLIC_KEY: required with RS256")
        if self.metrics_token is not None and len(self.metrics_token.get_secret_value()) < 16:
            raise SettingsError("FUPIN_METRICS_TOKEN: at least 16 characters in production")


def load_settings(**overrides: object) -> Settings:
    """Read the settings; a bad value raises SettingsError naming the variable."""
    try:
        settings = Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            name = ".".join(str(part) for part in error["loc"]) or "settings"
            problems.append(f"{name.upper()}: {error['msg']}")
        raise SettingsError("bad setting: " + "; ".join(problems)) from None
    settings.check_production()
    return settings


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
