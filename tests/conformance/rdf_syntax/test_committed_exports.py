"""Every committed RDF export is read alike by Jena, Oxigraph, rdflib and (JSON-LD) pyld.

Each file of ``exports/`` in an RDF format is validated with Jena's ``riot --validate`` (no warning,
no error) and read with ``riot --output=nt``; Jena's triples, rdflib's and Oxigraph's must be the same
graph. Debian's Jena has no Jakarta JSON provider, which its JSON-LD 1.1 reader (Titanium) needs, so
JSON-LD is read with Jena's JSON-LD 1.0 reader (``--syntax=jsonld10``); pyld (expand, then toRdf)
reads it as well. Jena comes from Debian (``libapache-jena-java``): where it is missing these tests
skip, except in CI (``CI=true``), where that is a failure.
"""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest

from tests.conftest import ROOT
from tests.support.jena import missing, riot, runnable_classpath
from tests.support.rdf_terms import difference, rdflib_graph, rdflib_parse

EXPORTS = ROOT / "exports"
FORMATS = {  # suffix -> (Oxigraph's format, rdflib's, riot's --syntax)
    ".ttl": (ox.RdfFormat.TURTLE, "turtle", "turtle"),
    ".nt": (ox.RdfFormat.N_TRIPLES, "nt", "ntriples"),
    ".rdf": (ox.RdfFormat.RDF_XML, "xml", "rdfxml"),
    ".jsonld": (ox.RdfFormat.JSON_LD, "json-ld", "jsonld10"),
}
FILES = sorted(path.name for path in EXPORTS.iterdir() if path.suffix in FORMATS)


@pytest.fixture(scope="module")
def classpath(tmp_path_factory):
    found = runnable_classpath(tmp_path_factory.mktemp("jena"))
    if found is None:
        missing("Jena is not installed (apt-get install libapache-jena-java)")
    return found


def oxigraph_graph(path):
    return rdflib_graph(ox.parse(path=str(path), format=FORMATS[path.suffix][0]))


def test_every_rdf_format_is_there():
    assert {name for name in FILES} >= {"graph.ttl", "graph.nt", "graph.rdf", "graph.jsonld", "void.ttl"}


@pytest.mark.parametrize("name", FILES)
def test_jena_validates_and_reads_the_export_as_oxigraph_does(classpath, name):
    path = EXPORTS / name
    syntax = FORMATS[path.suffix][2]
    checked = riot(classpath, f"--syntax={syntax}", "--validate", str(path))
    report = checked.stderr.decode(errors="replace").strip()
    assert checked.returncode == 0 and not report, f"riot --validate {name}: {report[:2000]}"
    read = riot(classpath, f"--syntax={syntax}", "--output=nt", str(path))
    assert read.returncode == 0, read.stderr.decode(errors="replace")[:2000]
    jena = rdflib_graph(ox.parse(read.stdout, format=ox.RdfFormat.N_TRIPLES))
    expected = oxigraph_graph(path)
    assert len(expected) > 0
    assert not difference(jena, expected), difference(jena, expected)


@pytest.mark.parametrize("name", FILES)
def test_rdflib_reads_the_export_as_oxigraph_does(name):
    path = EXPORTS / name
    found = rdflib_graph(rdflib_parse(path.read_bytes(), FORMATS[path.suffix][1]))
    expected = oxigraph_graph(path)
    assert not difference(found, expected), difference(found, expected)


@pytest.mark.parametrize("name", [name for name in FILES if name.endswith(".jsonld")])
def test_pyld_reads_the_jsonld_export_as_oxigraph_does(name):
    jsonld = pytest.importorskip("pyld.jsonld")
    path = EXPORTS / name
    document = json.loads(path.read_text(encoding="utf-8"))
    expanded = jsonld.expand(document)
    nquads = jsonld.to_rdf(expanded, {"format": "application/n-quads"})
    found = rdflib_graph(ox.parse(nquads.encode(), format=ox.RdfFormat.N_QUADS))
    expected = oxigraph_graph(path)
    assert not difference(found, expected), difference(found, expected)
