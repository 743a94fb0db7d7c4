"""The README's examples work as written, against the demo story: every GraphQL block
runs without an error, every `fupin token` line mints a token for a scope that exists,
and the example household's head has an ID number that fits him."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from graph.validation import check_id_number, is_male

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()
GRAPHQL_BLOCKS = re.findall(r"```graphql\n(.*?)```", README, re.S)
TOKEN_LINES = [
    line.removeprefix(".venv/bin/").split()
    for block in re.findall(r"```sh\n(.*?)```", README, re.S)
    for line in block.splitlines()
    if line.startswith(".venv/bin/fupin token")
]


def test_the_readme_has_examples():
    assert len(GRAPHQL_BLOCKS) >= 5
    assert len(TOKEN_LINES) >= 3


@pytest.mark.parametrize("block", GRAPHQL_BLOCKS, ids=lambda b: " ".join(b.split()[:3]))
def test_graphql_examples_run_on_the_demo(api, demo, block):
    api.data(block)


@pytest.mark.parametrize("line", TOKEN_LINES, ids=" ".join)
def test_token_examples_name_scopes_that_exist(monkeypatch, test_settings, demo, line):
    from api.cli import app

    monkeypatch.setenv("FUPIN_MODE", "development")
    monkeypatch.setenv("NEO4J_URI", test_settings.bolt_uri)
    monkeypatch.setenv("NEO4J_PASSWORD", test_settings.neo4j_password.get_secret_value())
    result = CliRunner().invoke(app, line[1:])
    assert result.exit_code == 0, (shlex.join(line), result.output)


def test_the_example_head_is_a_man_by_his_id_number():
    [(id_number, name)] = re.findall(r'idNumber: "([0-9X]{18})", name: "([^"]+)"', README)
    assert name == "Li Dawei"
    assert check_id_number(id_number, "idNumber") == id_number
    assert is_male(id_number)
