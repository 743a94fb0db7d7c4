"""The container files, checked without a Docker engine (none runs here): compose.yaml
runs the Neo4j release that graph/server/pom.xml pins, and every path the Dockerfile
copies exists."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import yaml

from graph.local import POM

ROOT = Path(__file__).resolve().parent.parent


def pom_version() -> str:
    (version,) = re.findall(r"<neo4j\.version>([^<]+)</neo4j\.version>", POM.read_text())
    return version


def compose() -> dict:
    loaded: dict = yaml.safe_load((ROOT / "compose.yaml").read_text())
    return loaded


def dockerfile() -> list[tuple[str, str]]:
    """(instruction, arguments) for each instruction, continuation lines joined."""
    text = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text())
    found = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            instruction, _, arguments = line.partition(" ")
            found.append((instruction.upper(), arguments.strip()))
    return found


def test_compose_runs_the_pinned_neo4j_community():
    neo4j = compose()["services"]["neo4j"]
    assert neo4j["image"] == f"neo4j:{pom_version()}-community"
    assert pom_version().startswith("5.26.")
    assert neo4j["environment"]["NEO4J_AUTH"] == "neo4j/${NEO4J_PASSWORD:?set NEO4J_PASSWORD}"
    mounts = neo4j["volumes"]
    assert "neo4j-data:/data" in mounts
    assert "neo4j-data" in compose()["volumes"]


def test_compose_points_the_api_at_neo4j_and_checks_readyz():
    api = compose()["services"]["api"]
    assert api["build"] == "."
    assert api["environment"]["NEO4J_URI"] == "bolt://neo4j:7687"
    assert api["environment"]["NEO4J_PASSWORD"].startswith("${NEO4J_PASSWORD:?")
    assert api["environment"]["FUPIN_MODE"] == "production"
    assert api["depends_on"]["neo4j"]["condition"] == "service_healthy"
    assert any("/readyz" in part for part in api["healthcheck"]["test"])


def test_every_path_the_dockerfile_copies_exists():
    instructions = dockerfile()
    copies = [shlex.split(arguments) for name, arguments in instructions if name == "COPY"]
    assert copies
    for parts in copies:
        sources = [p for p in parts[:-1] if not p.startswith("--")]
        for source in sources:
            assert (ROOT / source).exists(), f"the Dockerfile copies {source}, which is missing"
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".data", ".venv", ".env", ".git"} <= set(ignored)
    for parts in copies:
        assert not set(parts[:-1]) & set(ignored), f"{parts} copies an ignored path"


def test_the_dockerfile_runs_fupin_serve_as_a_user_on_all_addresses():
    instructions = dockerfile()
    assert instructions[0] == ("FROM", "python:3.11-slim")
    users = [arguments for name, arguments in instructions if name == "USER"]
    assert users and users[-1] not in ("root", "0")
    env = " ".join(arguments for name, arguments in instructions if name == "ENV")
    assert "API_HOST=0.0.0.0" in env
    assert instructions[-1] == ("CMD", '["fupin", "serve"]')
    run = " ".join(arguments for name, arguments in instructions if name == "RUN")
    assert "requirements.lock" in run
