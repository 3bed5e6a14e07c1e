"""The W3C RDF syntax test graphs, written by our N-Triples and Turtle writers, read back right.

For each positive evaluation test of N-Triples and Turtle (RDF 1.1 and 1.2, those without triple
terms; ``w3c/tests.json``, made by ``w3c/extract.py``), the expected graph (the test's result file,
or for an N-Triples syntax test the file itself, read by Oxigraph) is written:

- as N-Triples by :func:`graph.model.ntriples.ntriples_lines` (plain-string terms, blank nodes too)
  and by the build's table writer :func:`graph.model.ntriples.ntriples_chunks`;
- as Turtle by :func:`graph.export.rdf.turtle_chunks`, with the prefixes of the test's own Turtle file
  (the abbreviations are the hard part) beside the graph's own.

The table takes no blank nodes (a built graph has none): there they are skolem IRIs, turned back
into blank nodes on reading. Each table writer is fed both ways a built graph feeds it: as facts
(a graph's own triples) and as items (vocabulary, evidence, qualifiers). Each output is parsed by
Oxigraph and by rdflib and must be isomorphic to the expected graph; the bytes must be Oxigraph's
serialiser's for the same triples in the same order, but for the Turtle writer's documented
differences (:func:`tests.support.rdf_terms.as_our_turtle`: what rdflib would read back otherwise).
rdflib 7 cannot read a directional language tag (``"x"@ar--rtl``, RDF 1.2), so the tests holding one
are read by Oxigraph only. Jena's ``riot`` (Debian's, where installed; required in CI) validates and
reads the table writers' outputs too.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph.export.rdf import turtle_chunks
from graph.model.namespaces import graph_prefixes
from graph.model.ntriples import ntriples_chunks, ntriples_lines
from tests.support.jena import missing, riot, runnable_classpath
from tests.support.rdf_terms import (
    as_our_turtle,
    difference,
    ox_triple,
    plain_triples,
    rdflib_graph,
    rdflib_parse,
    table_graph,
    table_triples,
)

HERE = Path(__file__).parent / "w3c"
INDEX = json.loads((HERE / "tests.json").read_text(encoding="utf-8"))
TESTS = {test["id"]: test for test in INDEX["tests"]}
WRITERS = ["ntriples_lines", "ntriples_table_facts", "ntriples_table_items", "turtle_facts", "turtle_items"]


def expected_triples(test: dict) -> list:
    data = (HERE / test["result"]).read_bytes()
    return plain_triples(ox.parse(data, format=ox.RdfFormat.N_TRIPLES, base_iri=test["base"]))


def test_prefixes(test: dict) -> dict[str, str]:
    """The prefixes of the test's Turtle file, and its folder as one more: the abbreviations to try."""
    prefixes = {"w3c": test["base"].rsplit("/", 1)[0] + "/"}
    if test["action"].endswith(".ttl"):
        parser = ox.parse(
            (HERE / test["action"]).read_bytes(), format=ox.RdfFormat.TURTLE, base_iri=test["base"]
        )
        for _ in parser:
            pass
        prefixes.update(parser.prefixes)
    return prefixes


test_prefixes.__test__ = False  # a helper, not a test


def written(test: dict, writer: str) -> tuple[bytes, ox.RdfFormat, bytes, bool]:
    """``(our text, its format, Oxigraph's text for the same triples in the same order, skolemised)``."""
    triples = expected_triples(test)
    if writer == "ntriples_lines":
        ours = "".join(ntriples_lines(triples)).encode()
        theirs = ox.serialize(map(ox_triple, triples), format=ox.RdfFormat.N_TRIPLES)
        return ours, ox.RdfFormat.N_TRIPLES, theirs, False
    kind, _, path = writer.rpartition("_")
    kg = table_graph(triples, test_prefixes(test), facts=path == "facts")
    if kind.startswith("ntriples"):
        ours = "".join(ntriples_chunks(kg.table)).encode()
        theirs = ox.serialize(table_triples(kg), format=ox.RdfFormat.N_TRIPLES)
        return ours, ox.RdfFormat.N_TRIPLES, theirs, True
    ours = "".join(turtle_chunks(kg)).encode()
    prefixes = graph_prefixes(kg.prefixes, kg.base)
    theirs = ox.serialize(table_triples(kg), format=ox.RdfFormat.TURTLE, prefixes=prefixes)
    return ours, ox.RdfFormat.TURTLE, as_our_turtle(theirs, prefixes), True


def directional(test: dict) -> bool:
    return any(isinstance(o, tuple) and "--" in o[2] for _, _, o in expected_triples(test))


CASES = [pytest.param(test_id, writer, id=f"{test_id}-{writer}") for test_id in TESTS for writer in WRITERS]


@pytest.mark.parametrize("test_id, writer", CASES)
def test_oxigraph_reads_back_the_expected_graph_and_the_bytes_are_oxigraphs(test_id, writer):
    test = TESTS[test_id]
    ours, rdf_format, theirs, skolemised = written(test, writer)
    expected = rdflib_graph(
        ox.parse((HERE / test["result"]).read_bytes(), format=ox.RdfFormat.N_TRIPLES, base_iri=test["base"])
    )
    found = rdflib_graph(ox.parse(ours, format=rdf_format), unskolemise=skolemised)
    assert not difference(found, expected), difference(found, expected)
    assert ours == theirs


RDFLIB_CASES = [case for case in CASES if not directional(TESTS[case.values[0]])]


@pytest.mark.parametrize("test_id, writer", RDFLIB_CASES)
def test_rdflib_reads_back_the_expected_graph(test_id, writer):
    test = TESTS[test_id]
    ours, rdf_format, _, skolemised = written(test, writer)
    expected = rdflib_graph(
        ox.parse((HERE / test["result"]).read_bytes(), format=ox.RdfFormat.N_TRIPLES, base_iri=test["base"])
    )
    rdflib_format = "nt" if rdf_format == ox.RdfFormat.N_TRIPLES else "turtle"
    found = rdflib_graph(rdflib_parse(ours, rdflib_format), unskolemise=skolemised)
    assert not difference(found, expected), difference(found, expected)


def test_the_suite_is_all_there():
    """Every test of the index has its files, and only the tests with triple terms are left out."""
    counts = {}
    for test in INDEX["tests"]:
        assert (HERE / test["action"]).is_file() and (HERE / test["result"]).is_file()
        key = (test["id"].split("/")[0], test["type"])
        counts[key] = counts.get(key, 0) + 1
    assert counts == {
        ("rdf11", "TestTurtleEval"): 145,
        ("rdf11", "TestNTriplesPositiveSyntax"): 41,
        ("rdf12", "TestNTriplesPositiveC14N"): 37,
        ("rdf12", "TestNTriplesPositiveSyntax"): 2,
    }
    assert {test["reason"] for test in INDEX["left_out"]} == {"the expected graph holds a triple term"}


def test_our_turtle_is_oxigraphs_byte_for_byte_but_for_numbers_rdflib_would_change():
    """On the W3C graphs our Turtle differs from Oxigraph's own only where a bare number is not in the
    form rdflib keeps (``+1``, ``000001``): there ours is quoted with its datatype."""
    differ = set()
    for test_id, test in TESTS.items():
        for facts in (True, False):
            kg = table_graph(expected_triples(test), test_prefixes(test), facts=facts)
            ours = "".join(turtle_chunks(kg)).encode()
            prefixes = graph_prefixes(kg.prefixes, kg.base)
            if ours != ox.serialize(table_triples(kg), format=ox.RdfFormat.TURTLE, prefixes=prefixes):
                differ.add(test_id.rsplit("#", 1)[1])
    assert differ == {"numeric_with_leading_0", "positive_numeric", "turtle-subm-11"}


@pytest.fixture(scope="module")
def jena_classpath(tmp_path_factory):
    found = runnable_classpath(tmp_path_factory.mktemp("jena"))
    if found is None:
        missing("Jena is not installed (apt-get install libapache-jena-java)")
    return found


def messages(stderr: bytes) -> set[str]:
    """riot's warnings and errors, without where they are, less its "File: ..." lines and the warnings of
    Jena's IRI checker: those are about the suite's own IRIs, which a writer cannot change (IRIs not in
    NFC and ``file:`` IRIs with a ``;`` on purpose; and Jena 4.5 takes each half of a character beyond
    U+FFFF for a character of its own, "Not a ucschar: 0xD800"), and its warning about a U+FFFD, which
    one of the suite's literals holds."""
    lines = stderr.decode(errors="replace").splitlines()
    return {
        re.sub(r"\[line: \d+, col: \d+ *\] *", "", line)
        for line in lines
        if " INFO " not in line and not _JENA_IRI_WARNING.search(line)
    }


_JENA_IRI_WARNING = re.compile(
    r" WARN .*(Bad IRI: |Illegal character in IRI |Unicode replacement character U\+FFFD)"
)


@pytest.mark.parametrize("writer", ["turtle_facts", "turtle_items", "ntriples_table_facts"])
def test_jena_reads_every_written_graph(writer, jena_classpath, tmp_path):
    """Jena's riot validates every output (no warning, no error) and reads the union of the graphs. One run
    of riot takes every file: there are no blank nodes to keep apart (the table's are skolem IRIs).
    Debian's Jena 4.5 predates RDF 1.2's directional language tags: those tests are left out."""
    paths, expected = [], rdflib_graph([])
    tests = [test for _, test in sorted(TESTS.items()) if not directional(test)]
    for number, test in enumerate(tests):
        ours, rdf_format, _, _ = written(test, writer)
        path = tmp_path / f"{number}.{'ttl' if rdf_format == ox.RdfFormat.TURTLE else 'nt'}"
        path.write_bytes(ours)
        paths.append(str(path))
        expected += rdflib_graph(ox.parse(ours, format=rdf_format))
    checked = riot(jena_classpath, "--validate", *paths)
    report = messages(checked.stderr)
    assert not report, sorted(report)[:20]  # riot exits 1 on a warning too
    read = riot(jena_classpath, "--output=nt", *paths)
    assert not messages(read.stderr), sorted(messages(read.stderr))[:20]
    found = rdflib_graph(ox.parse(read.stdout, format=ox.RdfFormat.N_TRIPLES))
    assert not difference(found, expected), difference(found, expected)
