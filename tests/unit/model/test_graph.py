"""The built graph's views: rdflib terms, an Oxigraph store, counts, and the rows behind each statement."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import RDF, URIRef

import graph
from graph.model import graph as graph_module
from graph.model.graph import ntriples_store
from graph.model.namespaces import KG
from tests.conftest import EV, GOOD_ROWS

ROWS = [
    *GOOD_ROWS,
    f"r1,zone,kg:rank,10,,,,,{EV}",
    ",#r1,kg:outOf,178,,,,,,,",
    f",zone,kg:rdIntensity,8.62,,,percent,,{EV}",
]


@pytest.fixture
def kg(write_csv):
    return graph.build([write_csv(ROWS)], shapes=None)


def test_the_store_holds_every_triple_of_the_n_triples_text(kg, tmp_path):
    store = kg.to_store()
    assert len(store) == len(kg)
    expected = ox.Store()  # a store keeps numbers by value: compare store with store
    expected.extend(ox.parse("".join(kg.ntriples_chunks()).encode(), format=ox.RdfFormat.N_TRIPLES))
    assert {str(q) for q in store} == {str(q) for q in expected}
    on_disk = kg.to_store(tmp_path / "store")
    assert len(on_disk) == len(kg)
    assert (tmp_path / "store").is_dir()


def test_a_store_of_n_triples_pieces_loads_them_in_batches():
    lines = [f'<urn:x:s{n}> <urn:x:p> "{n}" .\n' for n in range(1000)]
    batches = list(graph_module._batches(lines, 1000))
    assert len(batches) > 1
    assert all(batch.endswith(b" .\n") for batch in batches)
    assert b"".join(batches).decode() == "".join(lines)
    store = ntriples_store(lines)
    assert len(store) == 1000
    assert len(ntriples_store([])) == 0


def test_rdflib_terms_and_the_oxigraph_terms_are_the_same_triples_in_the_same_order(kg):
    assert len(kg.triples) == len(kg) == len(kg.to_oxigraph())
    for (s, p, o), triple in zip(kg.triples, kg.to_oxigraph(), strict=True):
        assert (str(s), str(p)) == (triple.subject.value, triple.predicate.value)
        assert str(o) == triple.object.value
    rdflib_graph = kg.to_rdflib()
    assert len(rdflib_graph) == len(kg)
    assert dict(rdflib_graph.namespaces())["kg"] == URIRef(str(KG))


def test_each_statement_node_knows_the_rows_it_was_built_from(kg):
    rows = kg.statement_facts[URIRef(kg.base + "statement/r1")]
    assert [fact.predicate_iri for fact in rows] == [str(KG.rank), str(KG.outOf)]
    assert rows[1].qualifies == "r1"
    assert len(kg.statement_facts) == len(ROWS) - 1  # every row but the qualifier is a statement


def test_counts_by_class_and_by_predicate(kg):
    assert kg.count_by_class() == {KG.HighTechZone: 1, KG.Laboratory: 1}
    by_predicate = kg.count_by_predicate()
    assert by_predicate[RDF.type] == 2
    assert by_predicate[KG.outOf] == 1  # qualifiers count
    assert sum(by_predicate.values()) == len(ROWS)
