"""`kg build` on two cores: Turtle from Oxigraph in a second process and SHACL in a forked one while
this one writes N-Triples gives the same bytes and problems, and still writes nothing when SHACL
finds an error."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from graph import pipeline
from graph.errors import InputError
from graph.export import EXPORTERS, Exporter
from graph.shacl.forked import ForkedShapes
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


BAD_LABEL = f",zone,rdfs:label,高新区,,zh,,,{EV}"  # a second Chinese label: a SHACL violation


def shacl_in(tmp_path, monkeypatch, fail_in_fork: bool = False) -> Path:
    """Have the shapes checker write the id of the process it runs in (and fail there if asked)."""
    from graph import shacl
    from graph.shacl import forked

    where = tmp_path / "shacl-pids"
    real, parent = forked.shacl_results, os.getpid()

    def shacl_results(*args):
        with open(where, "a", encoding="utf-8") as stream:
            stream.write(f"{os.getpid()}\n")
        if fail_in_fork and os.getpid() != parent:
            raise MemoryError("the fork ran out of memory")
        return real(*args)

    monkeypatch.setattr(forked, "shacl_results", shacl_results)  # in the fork
    monkeypatch.setattr(shacl, "shacl_results", shacl_results)  # in this process (check_shapes)
    return where


@pytest.mark.parametrize("rows", [GOOD_ROWS, [*GOOD_ROWS, BAD_LABEL]], ids=["valid", "violation"])
def test_shacl_runs_in_a_fork_with_the_same_problems(two_cores, write_csv, tmp_path, monkeypatch, rows):
    pids = shacl_in(tmp_path, monkeypatch)
    (graph_one, problems, written), (graph_two, problems_two, written_two) = build_both_ways(
        [write_csv(rows)], tmp_path, monkeypatch
    )
    two_cores_pid, one_core_pid = (int(pid) for pid in pids.read_text().split())
    assert two_cores_pid != os.getpid() and one_core_pid == os.getpid()  # once each, the first in a fork
    assert problems_two == problems and (graph_one is None) == (graph_two is None)
    assert [p.name for p in written_two] == [p.name for p in written]
    for path in written:
        assert (tmp_path / "two" / path.name).read_bytes() == path.read_bytes(), path.name
    if rows != GOOD_ROWS:
        assert written_two == [] and any(p.is_error and p.message.startswith("SHACL:") for p in problems_two)
        assert not (tmp_path / "two").exists()  # nothing half-written


def test_a_fork_that_fails_leaves_the_check_to_this_process(two_cores, write_csv, tmp_path, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    (out / "graph.nt").write_text("old\n", encoding="utf-8")
    pids = shacl_in(tmp_path, monkeypatch, fail_in_fork=True)
    graph, problems, written = pipeline.check_and_write([write_csv([*GOOD_ROWS, BAD_LABEL])], out, FORMATS)
    first, second = (int(pid) for pid in pids.read_text().split())
    assert first != os.getpid() and second == os.getpid()  # the fork failed: checked here again
    assert graph is None and written == []
    assert any(p.is_error and p.message.startswith("SHACL:") for p in problems)
    assert os.listdir(out) == ["graph.nt"] and (out / "graph.nt").read_text(encoding="utf-8") == "old\n"
    monkeypatch.setenv(pipeline.ONE_CORE, "1")
    assert pipeline.check_and_write([write_csv([*GOOD_ROWS, BAD_LABEL])], out, FORMATS)[1] == problems


def test_shapes_the_checker_refuses_give_the_same_one_line_error(two_cores, write_csv, tmp_path, monkeypatch):
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(
        """@prefix sh: <http://www.w3.org/ns/shacl#> .
        @prefix kg: <https://example.org/ningbo-kg/vocab#> .
        kg:S a sh:NodeShape ; sh:targetClass kg:HighTechZone ;
            sh:sparql [ sh:select "SELECT $this WHERE { $this ?p ?o . MINUS { $this ?p 'x' } }" ] .""",
        encoding="utf-8",
    )
    csv = write_csv(GOOD_ROWS)
    errors = []
    for one_core in ("", "1"):
        monkeypatch.setenv(pipeline.ONE_CORE, one_core)
        with pytest.raises(InputError) as raised:
            pipeline.check_and_write([csv], tmp_path / "out", FORMATS, shapes=shapes)
        errors.append(str(raised.value))
    assert errors[0] == errors[1] and "MINUS" in errors[0] and "\n" not in errors[0]
    assert sorted(os.listdir(tmp_path)) == ["facts.csv", "shapes.ttl", "source.txt"]  # nothing written


def test_the_fork_is_stopped_when_writing_fails(two_cores, write_csv, tmp_path, monkeypatch):
    from graph.model.graph import KnowledgeGraph

    started = []

    class Recorded(ForkedShapes):
        def __init__(self, *args):
            super().__init__(*args)
            started.append(self._pid)

    def broken(self):
        yield b"<urn:x:a> <urn:x:b> <urn:x:c> .\n"
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pipeline, "ForkedShapes", Recorded)
    monkeypatch.setattr(KnowledgeGraph, "ntriples_bytes", broken)
    with pytest.raises((OSError, InputError)):
        pipeline.check_and_write([write_csv(GOOD_ROWS)], tmp_path / "out", FORMATS)
    assert len(started) == 1 and started[0] is not None
    with pytest.raises(ChildProcessError):  # reaped: no process of the build is left behind
        os.waitpid(started[0], os.WNOHANG)
    assert sorted(os.listdir(tmp_path)) == ["facts.csv", "source.txt"]


@pytest.mark.parametrize("cut", [0, 1, 2], ids=["whole", "between-dot-and-bracket", "after"])
def test_the_child_gives_up_on_a_dotted_iri_wherever_the_pieces_are_cut(tmp_path, cut):
    from graph.export.turtle_child import OxigraphTurtle

    text = b"<urn:x:a> <urn:x:b> <urn:x:c> .\n<urn:x:a> <urn:x:b> <https://schema.org/x.> .\n"
    nt, ttl = tmp_path / "graph.nt", tmp_path / "graph.ttl"
    at = text.index(b".>") + cut if cut else len(text)
    child = OxigraphTurtle(nt, ttl, {"schema": "https://schema.org/"})
    with open(nt, "wb") as stream:
        for piece in (text[:at], text[at:]):
            stream.write(piece)
            stream.flush()
            child.written(piece)
    assert child.finish() is False  # the caller writes the Turtle
    plain = text.replace(b"x.>", b"x>")
    nt.write_bytes(b"")
    child = OxigraphTurtle(nt, ttl, {"schema": "https://schema.org/"})
    with open(nt, "wb") as stream:
        stream.write(plain)
        stream.flush()
        child.written(plain)
    assert child.finish() is True and b"schema:x" in ttl.read_bytes()
