"""SERVICE is refused wherever the project evaluates SPARQL, and no connection is made; entity-laden XML is refused."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import GOOD_ROWS, ROOT

KG = [str(Path(sys.executable).parent / "kg")]
NT = str(ROOT / "exports" / "graph.nt")


class SilentService:
    """A TCP listener that accepts connections, counts them and never answers."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.accepted = 0
        self.held: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.sock.accept()
            except OSError:
                return
            self.accepted += 1
            self.held.append(connection)

    def close(self) -> None:
        self.sock.close()
        for connection in self.held:
            connection.close()


@pytest.fixture
def silent():
    service = SilentService()
    yield service
    service.close()


def kg(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([*KG, *args], capture_output=True, text=True, timeout=timeout)


@pytest.mark.parametrize(
    "shape",
    [
        "SELECT * {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        "SELECT * {{ ?s ?p ?o FILTER EXISTS {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }} }}",
        "SELECT * {{ {{ SELECT * {{ service <{url}> {{ ?s ?p ?o }} }} }} }}",
        "SELECT * {{ BIND(<{url}> AS ?v) SERVICE ?v {{ ?s ?p ?o }} }}",
    ],
)
def test_kg_query_refuses_service_without_a_connection(silent, shape):
    result = kg("query", shape.format(url=f"http://127.0.0.1:{silent.port}/sparql"), "--rdf", NT)
    assert result.returncode == 1 and "SERVICE" in result.stderr and "--allow-service" in result.stderr
    assert "Traceback" not in result.stderr
    assert silent.accepted == 0


def test_allow_service_stops_at_the_timeout(silent):
    query = f"SELECT * {{ SERVICE <http://127.0.0.1:{silent.port}/sparql> {{ ?s ?p ?o }} }}"
    started = time.monotonic()
    result = kg("query", query, "--rdf", NT, "--allow-service", "--timeout", "1", timeout=30)
    assert result.returncode == 1 and "did not finish within 1 s" in result.stderr
    assert time.monotonic() - started < 20
    assert silent.accepted == 1  # the option really lets it call out


SHAPES_WITH_SERVICE = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix kg: <https://example.org/ningbo-kg/vocab#> .
<urn:shape> a sh:NodeShape ; sh:targetClass kg:HighTechZone ;
  sh:sparql [ sh:message "remote" ; sh:select \"\"\"
    SELECT $this WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ $this ?p ?o }} }}\"\"\" ] .
"""


@pytest.mark.parametrize("engine", ["pyshacl", "fast"])
def test_shapes_with_service_are_refused_by_both_engines(silent, write_csv, tmp_path, engine):
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(SHAPES_WITH_SERVICE.format(port=silent.port), encoding="utf-8")
    csv_path = write_csv(GOOD_ROWS)
    result = kg(
        "build", str(csv_path), "--shapes", str(shapes), "--shacl", engine, "--out", str(tmp_path / "o")
    )
    assert result.returncode == 1 and "SERVICE" in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert silent.accepted == 0 and not (tmp_path / "o").exists()


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [
 <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"> <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"> <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
 <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;"> <!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">
 <!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;"> <!ENTITY i "&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;">
]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
 <rdf:Description rdf:about="http://example.org/s"><rdf:value>&i;</rdf:value></rdf:Description>
</rdf:RDF>
"""


@pytest.mark.parametrize("command", ["query", "push"])
def test_billion_laughs_is_refused_at_once(tmp_path, command):
    laughs = tmp_path / "laughs.rdf"
    laughs.write_text(BILLION_LAUGHS, encoding="utf-8")
    args = (
        ["query", "ASK { ?s ?p ?o }"]
        if command == "query"
        else ["push", "--endpoint", "http://127.0.0.1:9/store"]
    )
    result = kg(*args, "--rdf", str(laughs), timeout=30)
    assert result.returncode == 1 and "<!ENTITY" in result.stderr and "Traceback" not in result.stderr


def test_an_rdf_file_that_is_a_fifo_is_refused(tmp_path):
    os.mkfifo(tmp_path / "graph.nt")
    result = kg("query", "ASK { ?s ?p ?o }", "--rdf", str(tmp_path / "graph.nt"), timeout=30)
    assert result.returncode == 1 and "not a regular file" in result.stderr
