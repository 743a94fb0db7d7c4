"""The project's own Neo4j: pid files, ports, restarts, and the API's resilience."""

from __future__ import annotations

import os
import re
import shutil
import socket
import time
from pathlib import Path

import pytest

from graph.local import LocalNeo4j, LocalNeo4jError


def test_stale_pid_file_is_detected_and_removed(tmp_path):
    local = LocalNeo4j(home=tmp_path, port=7790, password="x" * 8, lib=tmp_path / "lib")
    local.pid_file.write_text("999999\n")
    assert local.pid() is None
    assert not local.pid_file.exists()


def test_port_taken_is_a_clear_error(tmp_path):
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        local = LocalNeo4j(home=tmp_path, port=port, password="x" * 8, lib=tmp_path / "lib")
        with pytest.raises(LocalNeo4jError, match=f"port {port}.*taken"):
            local.start()


def test_outage_answers_database_unavailable_then_recovers(
    api, local_test_neo4j, graph, app_client
):
    """Neo4j stopped: /readyz 503 and DATABASE_UNAVAILABLE within seconds, a mutation's
    saying its outcome is unknown and that a retry with the same clientMutationId is
    safe; started again: /readyz turns 200 only once a read is served, the same app
    answers with the data written before the stop, and the store needed no recovery
    (a clean shutdown)."""
    if local_test_neo4j is None:
        pytest.skip("the suite uses a Neo4j it did not start; it cannot stop it")
    graph.execute_query(
        "CREATE (:Region {code: '460000', name: 'Hainan', level: 'PROVINCE', prefixes: []})"
    )
    query = '{ region(code: "460000") { name } }'
    assert api.data(query)["region"]["name"] == "Hainan"

    debug_log = local_test_neo4j.home / "logs" / "debug.log"
    local_test_neo4j.stop()
    offset = debug_log.stat().st_size
    try:
        assert app_client.get("/readyz").status_code == 503
        started = time.monotonic()
        body = api.post(query)
        assert time.monotonic() - started < 8
        assert body["errors"][0]["extensions"] == {
            "code": "DATABASE_UNAVAILABLE",
            "retryable": True,
        }
        assert "Traceback" not in str(body)
        body = api.post(
            'mutation { createOfficial(input: {clientMutationId: "outage-1", code: "O-OUT-1", '
            'name: "Out", maxLoad: 3}) { official { code } } }'
        )
        [error] = body["errors"]
        assert error["extensions"] == {
            "code": "DATABASE_UNAVAILABLE",
            "retryable": True,
            "outcome": "UNKNOWN",
        }
        assert "may or may not have been written" in error["message"]
        assert "same clientMutationId" in error["message"]
    finally:
        local_test_neo4j.start()

    with debug_log.open("rb") as log:
        log.seek(offset)
        since_restart = log.read().decode(errors="replace")
    assert "Bolt server started" in since_restart
    assert "Recovery required" not in since_restart
    assert "Recovery completed" not in since_restart
    deadline = time.monotonic() + 60
    while app_client.get("/readyz").status_code != 200:
        assert time.monotonic() < deadline, "not ready a minute after the restart"
        time.sleep(0.2)
    # Ready means served: the first request after it answers, and quickly.
    started = time.monotonic()
    assert api.post(query) == {"data": {"region": {"name": "Hainan"}}}
    assert time.monotonic() - started < 5


def test_wipe_refuses_a_database_without_the_test_marker(graph):
    """The guard that keeps the suite off real data: remove the marker and the wipe
    (and the check a given database goes through) refuse, leaving the data alone."""
    from graph.testdb import NotATestDatabase, ensure_test_marker, wipe

    graph.execute_query("CREATE (:Region {code: '460000', name: 'Hainan'})")
    graph.execute_query("MATCH (m:FupinTestDatabase) DELETE m")
    try:
        with pytest.raises(NotATestDatabase):
            wipe(graph)
        with pytest.raises(NotATestDatabase):
            ensure_test_marker(graph, started_here=False)
        # Not empty: even a database the suite started is not marked after the fact.
        with pytest.raises(NotATestDatabase):
            ensure_test_marker(graph, started_here=True)
        records, _, _ = graph.execute_query("MATCH (r:Region) RETURN count(r) AS n")
        assert records[0]["n"] == 1
    finally:
        graph.execute_query("MERGE (:FupinTestDatabase {id: 'fupin'})")


def test_a_bad_setting_names_the_variable(monkeypatch):
    from api.settings import SettingsError, load_settings

    monkeypatch.setenv("NEO4J_URI", "http://localhost:7474")
    with pytest.raises(SettingsError, match="NEO4J_URI"):
        load_settings()
    monkeypatch.setenv("NEO4J_URI", "neo4j+s://example.databases.neo4j.io")
    monkeypatch.setenv("API_PORT", "not-a-port")
    with pytest.raises(SettingsError, match="API_PORT"):
        load_settings()


def path_without_mvn(tmp_path) -> str:
    """PATH with every folder that holds `mvn` replaced by a copy (of links) without it."""
    folders = []
    for n, folder in enumerate(os.environ["PATH"].split(os.pathsep)):
        here = Path(folder)
        if not (here / "mvn").exists():
            folders.append(folder)
            continue
        shadow = tmp_path / f"bin{n}"
        shadow.mkdir()
        for tool in here.iterdir():
            if tool.name != "mvn":
                (shadow / tool.name).symlink_to(tool)
        folders.append(str(shadow))
    return os.pathsep.join(folders)


def test_without_mvn_the_jars_resolve_through_the_maven_wrapper(tmp_path, monkeypatch):
    """No `mvn` on the PATH and an empty lib folder: ./mvnw fetches Maven (the first
    time) and resolves the same jars."""
    from graph.local import MAVEN_WRAPPER, maven_command, resolve_jars

    monkeypatch.setenv("PATH", path_without_mvn(tmp_path))
    assert shutil.which("mvn") is None
    assert maven_command() == str(MAVEN_WRAPPER)
    said: list[str] = []
    lib = resolve_jars(tmp_path / "lib", say=said.append)
    assert "mvnw" in said[0]
    jars = {p.name for p in lib.glob("*.jar")}
    assert any(name.startswith("neo4j-kernel-5.26.") for name in jars)
    assert any(name.startswith("neo4j-bolt-5.26.") for name in jars)
    assert len(jars) > 150
    assert list(lib.glob(".resolved-*"))


def test_the_wrapper_fetches_maven_3_9_from_maven_central():
    properties = Path(__file__).resolve().parent.parent / ".mvn/wrapper/maven-wrapper.properties"
    values = dict(line.split("=", 1) for line in properties.read_text().splitlines() if "=" in line)
    assert re.fullmatch(
        r"https://repo\.maven\.apache\.org/maven2/org/apache/maven/apache-maven/"
        r"3\.9\.\d+/apache-maven-3\.9\.\d+-bin\.zip",
        values["distributionUrl"],
    )
    assert os.access(properties.parent.parent.parent / "mvnw", os.X_OK)
