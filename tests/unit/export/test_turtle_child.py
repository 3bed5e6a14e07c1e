"""`kg build` on two cores: Turtle from Oxigraph in a second process while this one writes N-Triples
and checks SHACL gives the same bytes, and still writes nothing when SHACL finds an error."""

from __future__ import annotations

import os

import pytest

from graph import pipeline
from graph.export import EXPORTERS, Exporter
from tests.conftest import EV, GOOD_ROWS, ROOT

FORMATS = ["turtle", "ntriples", "void"]


@pytest.fixture
def two_cores(monkeypatch):
    """Every graph is large enough for the second process; fail if the Turtle writer of this one runs."""
    monkeypatch.setattr(pipeline, "TWO_CORES_FROM", 0)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    monkeypatch.delenv(pipeline.ONE_CORE, raising=False)
    written_here = []
    turtle = EXPORTERS["turtle"]

    def write(graph, path):
        written_here.append(path.name)
        turtle.write(graph, path)

    monkeypatch.setitem(EXPORTERS, "turtle", Exporter(turtle.file_name, write, turtle.description))
    return written_here


def build_both_ways(csv_files, tmp_path, monkeypatch, **options):
    two = pipeline.check_and_write(csv_files, tmp_path / "two", FORMATS, **options)
    monkeypatch.setenv(pipeline.ONE_CORE, "1")
    one = pipeline.check_and_write(csv_files, tmp_path / "one", FORMATS, **options)
    monkeypatch.delenv(pipeline.ONE_CORE)
    return one, two


def test_the_same_exports_as_one_process(two_cores, tmp_path, monkeypatch):
    steps = []
    (_, problems, written), (_, problems_two, written_two) = build_both_ways(
        [ROOT / "data" / "triples.csv"], tmp_path, monkeypatch
    )
    assert problems_two == problems
    assert [p.name for p in written_two] == [p.name for p in written] == ["graph.ttl", "graph.nt", "void.ttl"]
    for path in written:
        assert (tmp_path / "two" / path.name).read_bytes() == path.read_bytes(), path.name
    assert two_cores == ["graph.ttl"]  # the one-process build only
    pipeline.check_and_write([ROOT / "data" / "triples.csv"], tmp_path / "steps", FORMATS, steps.append)
    assert steps == ["graph.nt", "graph.ttl", "void.ttl"]
    assert sorted(os.listdir(tmp_path)) == ["one", "steps", "two"]  # no staging folder left


def test_an_iri_ending_in_a_dot_is_written_by_this_process(two_cores, write_csv, tmp_path, monkeypatch):
    # Oxigraph writes the local name as 'x\.', which rdflib cannot read: the full IRI is written instead
    rows = [*GOOD_ROWS, f",zone,skos:altLabel,<https://schema.org/x.>,iri,,,,{EV}"]
    (_, _, written), _ = build_both_ways([write_csv(rows)], tmp_path, monkeypatch, shapes=None)
    assert two_cores == ["graph.ttl", "graph.ttl"]
    assert (tmp_path / "two" / "graph.ttl").read_bytes() == written[0].read_bytes()
    assert b"<https://schema.org/x.>" in written[0].read_bytes()


def test_a_shacl_error_writes_nothing(two_cores, write_csv, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "graph.nt").write_text("old\n", encoding="utf-8")
    rows = [*GOOD_ROWS, f",zone,rdfs:label,高新区,,zh,,,{EV}"]  # two Chinese labels: a SHACL violation
    graph, problems, written = pipeline.check_and_write([write_csv(rows)], out, FORMATS)
    assert graph is None and written == []
    assert any(p.is_error and p.message.startswith("SHACL:") for p in problems)
    assert sorted(os.listdir(tmp_path)) == ["facts.csv", "out", "source.txt"]  # no staging folder left
    assert os.listdir(out) == ["graph.nt"] and (out / "graph.nt").read_text(encoding="utf-8") == "old\n"
    assert two_cores == []


def test_small_graphs_are_written_by_one_process(write_csv, tmp_path, monkeypatch):
    monkeypatch.delenv(pipeline.ONE_CORE, raising=False)
    started = []
    monkeypatch.setattr(pipeline, "OxigraphTurtle", lambda *args: started.append(args))
    graph, _, written = pipeline.check_and_write([write_csv(GOOD_ROWS)], tmp_path / "out", FORMATS)
    assert len(graph) < pipeline.TWO_CORES_FROM and len(written) == 3 and started == []
