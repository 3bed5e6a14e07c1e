"""What the endpoint does with one request, run in-process on a store (the HTTP layer is in test_server)."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest

from graph.serve.handler import GraphRequest, QueryRequest, UpdateRequest, answer

G1, G2 = "urn:kg:g1", "urn:kg:g2"


@pytest.fixture
def store():
    store = ox.Store()
    for graph, value in ((ox.DefaultGraph(), "d"), (ox.NamedNode(G1), "1"), (ox.NamedNode(G2), "2")):
        store.add(ox.Quad(ox.NamedNode("urn:kg:s"), ox.NamedNode("urn:kg:p"), ox.Literal(value), graph))
    return store


def values(reply) -> list[str]:
    assert reply.status == 200, reply.body
    return sorted(b["o"]["value"] for b in json.loads(reply.body)["results"]["bindings"])


def test_default_graph_named_graphs_and_the_protocol_dataset(store):
    query = "SELECT ?o WHERE { ?s ?p ?o }"
    assert values(answer(store, QueryRequest(query))) == ["d"]
    assert values(answer(store, QueryRequest(query, default_graphs=(G1, G2)))) == ["1", "2"]
    assert values(answer(store, QueryRequest(f"SELECT ?o FROM <{G2}> WHERE {{ ?s ?p ?o }}"))) == ["2"]
    # the protocol's dataset replaces the query's: only named graph G1, and an empty default graph
    named = "SELECT ?o WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"
    assert values(answer(store, QueryRequest(named, named_graphs=(G1,)))) == ["1"]


def test_graphs_not_held_are_refused(store):
    for request in (
        QueryRequest("SELECT * FROM <urn:kg:elsewhere> WHERE { ?s ?p ?o }"),
        QueryRequest("SELECT * FROM NAMED <urn:kg:elsewhere> WHERE { ?s ?p ?o }"),
        QueryRequest("ASK {}", default_graphs=("urn:kg:elsewhere",)),
        QueryRequest("ASK {}", named_graphs=("not an iri",)),
    ):
        reply = answer(store, request)
        assert reply.status == 400
        assert b"does not hold" in reply.body or b"not an absolute IRI" in reply.body


def test_rows_are_capped_and_the_cap_is_said(store):
    query = "SELECT ?o WHERE { GRAPH ?g { ?s ?p ?o } }"
    reply = answer(store, QueryRequest(query), max_rows=1)
    assert len(json.loads(reply.body)["results"]["bindings"]) == 1
    assert reply.headers == {"X-SPARQL-MaxRows": "1"}
    assert "X-SPARQL-MaxRows" not in answer(store, QueryRequest(query), max_rows=2).headers
    construct = answer(
        store,
        QueryRequest("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }", "application/n-triples"),
        max_rows=1,
    )
    assert construct.body.count(b"\n") == 1 and construct.headers


def test_prefixes_are_declared_and_the_base_resolves_relative_iris(store):
    reply = answer(
        store,
        QueryRequest(
            "CONSTRUCT { <s> kg:p 1 } WHERE {}", "application/n-triples", base_iri="http://h/sparql"
        ),
        prefixes={"kg": "urn:kg:"},
    )
    assert reply.body == b'<http://h/s> <urn:kg:p> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .\n'


def test_updates_and_their_dataset_parameters(store):
    assert answer(store, UpdateRequest("INSERT DATA { <urn:kg:a> <urn:kg:b> 'c' }")).status == 204
    assert len(store) == 4
    conflict = answer(
        store, UpdateRequest("WITH <urn:kg:g1> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", using_graphs=(G1,))
    )
    assert conflict.status == 400 and b"one way only" in conflict.body
    unsupported = answer(store, UpdateRequest("DELETE WHERE { ?s ?p ?o }", using_named_graphs=(G1,)))
    assert unsupported.status == 400 and len(store) == 4


def test_graph_store_get(store):
    default = answer(store, GraphRequest(accept="application/n-triples"))
    assert default.body.count(b"\n") == 1 and b'"d"' in default.body
    named = answer(store, GraphRequest(graph=G1, default=False, accept="text/turtle"))
    assert named.media_type == "text/turtle; charset=utf-8" and b'"1"' in named.body
    assert answer(store, GraphRequest(graph="urn:kg:none", default=False)).status == 404
    dataset = answer(store, GraphRequest(graph=None, default=False, accept="application/n-quads"))
    assert dataset.body.count(b"\n") == 3


def test_unacceptable_and_malformed(store):
    assert answer(store, QueryRequest("ASK {}", "image/png")).status == 406
    assert answer(store, QueryRequest("ASK {")).status == 400
    assert answer(store, QueryRequest("SELECT * { SERVICE <urn:s> { ?s ?p ?o } }")).status == 400
