"""Every RDF export re-parses to the built graph; output is deterministic; a failed build changes nothing."""

from __future__ import annotations

import csv
import filecmp
import json

import networkx as nx
import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic

import graph
from graph import export as exports
from graph.explorer import network, statements
from graph.export import void as void_export
from graph.export.tables import neutralise
from tests.conftest import EV, GOOD_ROWS, ROOT

RDF_EXPORTS = {
    "graph.ttl": ("turtle", ox.RdfFormat.TURTLE),
    "graph.nt": ("nt", ox.RdfFormat.N_TRIPLES),
    "graph.jsonld": ("json-ld", ox.RdfFormat.JSON_LD),
    "graph.rdf": ("xml", ox.RdfFormat.RDF_XML),
}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("exports")
    kg, _ = graph.build_and_export([ROOT / "data" / "triples.csv"], out)
    return kg, out


@pytest.mark.parametrize("name", sorted(RDF_EXPORTS))
def test_rdf_export_reparses_with_rdflib_to_the_built_graph(built, name):
    kg, out = built
    parsed = rdflib.Graph().parse(out / name, format=RDF_EXPORTS[name][0])
    assert len(parsed) == len(kg)
    assert isomorphic(parsed, kg.to_rdflib())


@pytest.mark.parametrize("name", sorted(RDF_EXPORTS))
def test_rdf_export_reparses_with_oxigraph_to_the_built_graph(built, name):
    kg, out = built
    parsed = {str(t) for t in ox.parse(path=out / name, format=RDF_EXPORTS[name][1])}
    expected = {str(t) for t in kg.to_oxigraph()}
    assert parsed == expected


def test_building_twice_gives_identical_bytes(built, tmp_path):
    _, first = built
    graph.build_and_export([ROOT / "data" / "triples.csv"], tmp_path)
    names = sorted(e.file_name for e in exports.EXPORTERS.values())
    match, mismatch, errors = filecmp.cmpfiles(first, tmp_path, names, shallow=False)
    assert mismatch == [] and errors == []
    assert sorted(match) == names


def test_a_build_reads_the_graph_once(write_csv, tmp_path, monkeypatch):
    """One statement view, one networkx view and one VoID description per build, whatever reads them."""
    made = {"statements": 0, "network": 0, "void": 0}

    def counting(name, function):
        def wrapper(*args):
            made[name] += 1
            return function(*args)

        return wrapper

    monkeypatch.setattr(statements, "StatementView", counting("statements", statements.StatementView))
    monkeypatch.setattr(network, "_build", counting("network", network._build))
    monkeypatch.setattr(void_export, "describe", counting("void", void_export.describe))
    kg = graph.build([write_csv(GOOD_ROWS)])
    exports.write_exports(kg, tmp_path / "out")
    assert made == {"statements": 1, "network": 1, "void": 1}
    assert {p.name for p in (tmp_path / "out").iterdir()} == {e.file_name for e in exports.EXPORTERS.values()}


def test_committed_exports_are_fresh(built):
    """exports/ must always match data/triples.csv: run `kg build` after editing the data."""
    _, fresh = built
    names = sorted(e.file_name for e in exports.EXPORTERS.values())
    _, mismatch, missing = filecmp.cmpfiles(ROOT / "exports", fresh, names, shallow=False)
    assert mismatch == [] and missing == [], f"stale exports {mismatch + missing}: run `kg build`"


def test_failed_build_keeps_previous_exports(write_csv, tmp_path, monkeypatch):
    out = tmp_path / "out"
    kg, _ = graph.build_and_export([write_csv(GOOD_ROWS)], out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def broken(graph_, path):
        path.write_text("half")
        raise RuntimeError("disk full")

    # the third exporter fails after two files have been written in full
    names = list(exports.EXPORTERS)
    monkeypatch.setitem(exports.EXPORTERS, names[2], exports.Exporter("graph.jsonld", broken, "broken"))
    bigger = write_csv([*GOOD_ROWS, f",zone,skos:altLabel,高新区,,zh,,,{EV}"], name="bigger.csv")
    with pytest.raises(RuntimeError):
        graph.build_and_export([bigger], out)
    after = {p.name: p.read_bytes() for p in out.iterdir()}
    assert after == before  # no new file, no half-written file, no temporary folder left


def test_invalid_input_writes_nothing(write_csv, tmp_path):
    out = tmp_path / "out"
    with pytest.raises(graph.ValidationFailed) as failure:
        graph.build_and_export([write_csv([*GOOD_ROWS, f",zone,kg:rank,abc,,,,,{EV}"])], out)
    assert [(p.row, p.column) for p in failure.value.problems] == [(9, "object")]
    assert not out.exists()


def test_jsonld_has_a_compact_context(built):
    _, out = built
    document = json.loads((out / "graph.jsonld").read_text(encoding="utf-8"))
    assert document["@context"]["kg"] == str(graph.KG)
    assert "kg:rank" in (out / "graph.jsonld").read_text(encoding="utf-8")


def test_graphml_loads_in_networkx(built):
    kg, out = built
    loaded = nx.read_graphml(out / "graph.graphml")
    network = graph.to_networkx(kg)
    assert loaded.number_of_nodes() == network.number_of_nodes() > 0
    assert loaded.number_of_edges() == network.number_of_edges() > 0
    node = next(iter(loaded.nodes(data=True)))[1]
    assert {"label_zh", "label_en", "type"} <= set(node)
    # Gephi's caption: a plain label in the article's language, else English, else the key
    for _, attributes in loaded.nodes(data=True):
        assert attributes["label"] == (attributes["label_zh"] or attributes["label_en"] or attributes["key"])
    for _, _, attributes in loaded.edges(data=True):
        assert attributes["label"] == (
            attributes["label_zh"] or attributes["label_en"] or attributes["predicate"]
        )
    assert any(attributes["label"] != attributes["label_en"] for _, attributes in loaded.nodes(data=True))


def test_gexf_loads_in_networkx_with_captions_and_statement_ids(built):
    kg, out = built
    text = (out / "graph.gexf").read_text(encoding="utf-8")
    assert 'xmlns="http://www.gexf.net/1.2draft"' in text and "lastmodifieddate" not in text
    loaded = nx.read_gexf(out / "graph.gexf")
    network = graph.to_networkx(kg)
    assert loaded.number_of_nodes() == network.number_of_nodes() > 0
    assert loaded.number_of_edges() == network.number_of_edges() > 0
    for node, attributes in network.nodes(data=True):
        assert loaded.nodes[node]["label"] == (
            attributes["label_zh"] or attributes["label_en"] or attributes["key"]
        )
        assert loaded.nodes[node]["name"] == attributes["key"]
    statements_in_file = {data["id"] for _, _, data in loaded.edges(data=True)}
    assert {key for _, _, key in network.edges(keys=True) if key} <= statements_in_file
    assert "gexf" in exports.EXPORTERS and exports.EXPORTERS["gexf"].file_name == "graph.gexf"


def test_tables_match_the_network_and_are_neutralised(built):
    kg, out = built
    network = graph.to_networkx(kg)
    with open(out / "nodes.csv", encoding="utf-8") as stream:
        nodes = list(csv.DictReader(stream))
    with open(out / "edges.csv", encoding="utf-8") as stream:
        edges = list(csv.DictReader(stream))
    assert len(nodes) == network.number_of_nodes()
    assert len(edges) == network.number_of_edges()
    assert all(edge["evidence"] for edge in edges)
    assert (
        neutralise("=1+1") == "'=1+1"
        and neutralise("-5") == "'-5"
        and neutralise("@x") == "'@x"
        and neutralise("+x") == "'+x"
    )


def test_formula_cells_are_neutralised_in_the_tables(write_csv, tmp_path):
    rows = [r.replace("Ningbo High-tech Zone", "=HYPERLINK(evil)") for r in GOOD_ROWS]
    graph.build_and_export([write_csv(rows)], tmp_path, formats=["nodes"])
    assert "'=HYPERLINK(evil)" in (tmp_path / "nodes.csv").read_text(encoding="utf-8")


def test_void_describes_the_dataset(built):
    kg, out = built
    void = rdflib.Graph().parse(out / "void.ttl")
    triples = void.value(predicate=rdflib.VOID.triples, object=None, any=True)
    counts = [int(o) for s, o in void.subject_objects(rdflib.VOID.triples) if str(s).endswith("/dataset")]
    assert counts == [len(kg)]
    import hashlib

    digest = hashlib.sha256((ROOT / "data" / "triples.csv").read_bytes()).hexdigest()
    assert digest in {
        str(o) for o in void.objects(None, rdflib.URIRef("http://spdx.org/rdf/terms#checksumValue"))
    }
    assert any(True for _ in void.objects(None, rdflib.DCTERMS.license))
    del triples


def test_html_is_self_contained(built):
    _, out = built
    page = (out / "graph.html").read_text(encoding="utf-8")
    assert "Content-Security-Policy" in page
    for needle in ('src="http', "src='http", 'href="http', "@import", "cdn"):
        assert needle not in page.lower().replace("cdn_resources", "")
