"""The streamed writers print what the library writers print, and a build split over two processes
writes the same bytes as one process, or nothing when the second process fails."""

from __future__ import annotations

import filecmp
import io
import json

import pytest
from networkx.readwrite.graphml import GraphMLWriter

import graph
from graph import export as exports
from graph.export import gexf, graphml, rdf
from graph.export.parallel import SecondProcessFailed
from tests.conftest import EV, GOOD_ROWS, ROOT

TRICKY = ['a & b <c> "d"', "cr\rlf", "new\nline", "tab\tx", "'quote'", " x ", "宁波 🙂", "]]>"]


@pytest.fixture(scope="module")
def article():
    return graph.build([ROOT / "data" / "triples.csv"])


@pytest.fixture
def tricky(write_csv):
    rows = [*GOOD_ROWS]
    for n, text in enumerate(TRICKY):
        text = text.replace('"', '""')
        rows.append(f',zone,skos:altLabel,"{text}",,en,,,{EV}')
        rows.append(f",e{n},a,kg:Laboratory,,,,,{EV}")
        rows.append(f',e{n},rdfs:label,"{text}",,{"zh" if n % 2 else "en"},,,{EV}')
        rows.append(f",e{n},schema:location,zone,,,,,{EV}")
    return graph.build([write_csv(rows)], shapes=None)


def networkx_graphml(kg) -> str:
    writer = GraphMLWriter(encoding="utf-8", prettyprint=True, named_key_ids=True)
    writer.add_graph_element(graphml.captioned(kg))
    stream = io.BytesIO()
    writer.dump(stream)
    return stream.getvalue().replace(b"\r", b"&#13;").decode("utf-8")


@pytest.mark.parametrize("which", ["article", "tricky"])
def test_graphml_is_what_networkx_writes(which, request):
    kg = request.getfixturevalue(which)
    assert "".join(graphml.graphml_chunks(kg)) == networkx_graphml(kg)


@pytest.mark.parametrize("which", ["article", "tricky"])
def test_gexf_is_what_networkx_writes(which, request, tmp_path):
    kg = request.getfixturevalue(which)
    gexf._write_with_networkx(kg, tmp_path / "reference.gexf")
    assert "".join(gexf.gexf_chunks(kg)) == (tmp_path / "reference.gexf").read_text(encoding="utf-8")


@pytest.mark.parametrize("which", ["article", "tricky"])
def test_jsonld_text_is_json_dumps_of_the_sorted_document(which, request):
    kg = request.getfixturevalue(which)
    text = "".join(rdf.jsonld_chunks(kg))
    document = json.loads(text)
    assert document == rdf._ordered(document)  # every list in the sorted order
    assert text == json.dumps(document, ensure_ascii=False, sort_keys=True, indent=1) + "\n"


def test_two_processes_write_the_bytes_one_writes(tmp_path, monkeypatch):
    kg = graph.build([ROOT / "data" / "triples.csv"])
    one = exports.write_exports(kg, tmp_path / "one")
    monkeypatch.setattr(exports, "CONCURRENT_FROM", 0)
    monkeypatch.delenv(exports.ONE_CORE, raising=False)
    steps = []
    two = exports.write_exports(kg, tmp_path / "two", on_step=steps.append)
    assert sorted(steps) == sorted(e.file_name for e in exports.EXPORTERS.values())
    names = [path.name for path in one]
    assert [path.name for path in two] == names
    match, mismatch, errors = filecmp.cmpfiles(tmp_path / "one", tmp_path / "two", names, shallow=False)
    assert (mismatch, errors) == ([], [])


def test_a_failure_in_the_second_process_writes_nothing(tmp_path, monkeypatch):
    kg = graph.build([ROOT / "data" / "triples.csv"])
    out = tmp_path / "out"
    exports.write_exports(kg, out, ["turtle"])
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    monkeypatch.setattr(exports, "CONCURRENT_FROM", 0)
    monkeypatch.delenv(exports.ONE_CORE, raising=False)

    def broken(graph, path):
        raise OSError(28, "No space left on device", str(path))

    monkeypatch.setitem(exports.EXPORTERS, "analysis-csv", exports.Exporter("analysis.csv", broken, "broken"))
    with pytest.raises(graph.errors.InputError, match="No space left on device"):
        exports.write_exports(kg, out)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_an_exception_that_does_not_pickle_comes_back_as_text(tmp_path, monkeypatch):
    kg = graph.build([ROOT / "data" / "triples.csv"])
    monkeypatch.setattr(exports, "CONCURRENT_FROM", 0)
    monkeypatch.delenv(exports.ONE_CORE, raising=False)

    class Local(Exception):  # a local class cannot be pickled
        pass

    def broken(graph, path):
        raise Local("the writer broke")

    monkeypatch.setitem(exports.EXPORTERS, "html", exports.Exporter("graph.html", broken, "broken"))
    with pytest.raises(SecondProcessFailed, match="the writer broke"):
        exports.write_exports(kg, tmp_path / "out")


def test_kg_one_core_writes_every_export_in_this_process(tmp_path, monkeypatch):
    kg = graph.build([ROOT / "data" / "triples.csv"])
    monkeypatch.setattr(exports, "CONCURRENT_FROM", 0)
    monkeypatch.setenv(exports.ONE_CORE, "1")

    class Local(Exception):  # raised here as itself: a second process could only send its text back
        pass

    def broken(graph, path):
        raise Local("the writer broke")

    monkeypatch.setitem(exports.EXPORTERS, "html", exports.Exporter("graph.html", broken, "broken"))
    with pytest.raises(Local, match="the writer broke"):
        exports.write_exports(kg, tmp_path / "out")
