"""The query library: finding, running and serialising queries (``kg query`` itself is in tests/cli)."""

from __future__ import annotations

import json
from xml.etree import ElementTree

import pyoxigraph as ox
import pytest
from rdflib import Literal, URIRef

import graph
from graph.defaults import QUERIES_DIR
from graph.errors import InputError
from graph.pipeline import load_store, read_triples
from graph.sparql import guard as query_guard
from graph.sparql import results
from graph.sparql.guard import QuerySyntaxError
from graph.sparql.query import NamedQuery, declare_prefixes, example_queries, find_query, run_query
from graph.sparql.results import QueryResult, negotiate, parse_results
from tests.conftest import GOOD_ROWS, ROOT

TEST_QUERIES = ROOT / "tests" / "support" / "queries"
ENT = "https://example.org/ningbo-kg/entity/"
XSD_INTEGER = URIRef("http://www.w3.org/2001/XMLSchema#integer")
XSD_POSITIVE_INTEGER = "http://www.w3.org/2001/XMLSchema#positiveInteger"


@pytest.fixture
def small(write_csv):
    """The little two-entity graph of conftest, built."""
    return graph.build([write_csv(GOOD_ROWS)])


def all_queries() -> list[NamedQuery]:
    return example_queries(QUERIES_DIR) + example_queries(TEST_QUERIES)


# --- finding queries ------------------------------------------------------------------------------


def test_a_query_is_found_by_name_with_or_without_rq_by_path_or_given_as_text():
    by_name = find_query("located", TEST_QUERIES)
    assert by_name.name == "located" and by_name.path == TEST_QUERIES / "located.rq"
    assert find_query("located.rq", TEST_QUERIES) == by_name
    assert find_query(str(TEST_QUERIES / "located.rq"), QUERIES_DIR).text == by_name.text
    assert (
        by_name.title == "甬江实验室位于高新区吗？ / Is Yongjiang Laboratory located in the high-tech zone?"
    )
    text = find_query("ASK { ?s ?p ?o }", TEST_QUERIES)
    assert text.name is None and text.text == "ASK { ?s ?p ?o }"


def test_a_mistyped_name_lists_the_names_there_are():
    with pytest.raises(InputError, match=r"locatd: no such query file.*there are: evidence, labels, located"):
        find_query("locatd", TEST_QUERIES)


def test_every_example_query_leads_with_a_question_and_declares_its_prefixes():
    for named in all_queries():
        assert named.text.lstrip().startswith("#"), named.path
        assert named.title, named.path
        operation = query_guard.inspect_query(named.text)
        assert operation.form in ("select", "ask", "construct", "describe")


# --- running queries ------------------------------------------------------------------------------


def test_select_rows_are_rdflib_terms(small):
    result = run_query(small, "SELECT ?label WHERE { ent:lab rdfs:label ?label } ORDER BY ?label")
    assert result.form == "select" and result.variables == ["label"]
    assert result.rows == [(Literal("Yongjiang Laboratory", lang="en"),), (Literal("甬江实验室", lang="zh"),)]


def test_typed_literals_and_iris_convert_to_rdflib(small):
    result = run_query(small, "SELECT ?s (COUNT(*) AS ?n) WHERE { ?s schema:location ?o } GROUP BY ?s")
    assert result.rows == [(URIRef(ENT + "lab"), Literal("1", datatype=XSD_INTEGER))]


def test_ask_construct_and_describe(small):
    assert run_query(small, find_query("located", TEST_QUERIES)).boolean is True
    construct = run_query(small, find_query("evidence", TEST_QUERIES))
    assert construct.form == "graph"
    assert [str(o) for _, _, o in construct.triples_rdflib] == ["甬江实验室位于宁波。"]
    described = run_query(small, "DESCRIBE ent:zone")
    assert {str(p) for _, p, _ in described.triples_rdflib} >= {
        str(URIRef("http://www.w3.org/2000/01/rdf-schema#label"))
    }


def test_results_as_a_dataframe(small):
    frame = run_query(
        small,
        "SELECT ?e ?label WHERE { ?e rdfs:label ?label FILTER(lang(?label) = 'en' && STRSTARTS(STR(?e), STR(ent:))) } ORDER BY ?e",
    ).to_dataframe()
    assert list(frame.columns) == ["e", "label"]
    assert frame["e"].tolist() == [URIRef(ENT + "lab"), URIRef(ENT + "zone")]
    native = run_query(small, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").to_dataframe(native=True)
    assert native["n"].tolist() == [len(small)]


def test_a_named_graph_can_be_the_default_graph():
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("urn:a"), ox.NamedNode("urn:p"), ox.Literal("x"), ox.NamedNode("urn:g")))
    assert run_query(store, "ASK { <urn:a> <urn:p> 'x' }").boolean is False
    assert run_query(store, "ASK { <urn:a> <urn:p> 'x' }", graph="urn:g").boolean is True


def test_a_syntax_error_names_line_and_column(small):
    with pytest.raises(QuerySyntaxError, match=r"^syntax error at line 2, column 10: expected"):
        run_query(small, "SELECT * WHERE {\n  ?s ?p }")


def test_store_from_csv_and_from_rdf_agree():
    from_csv, prefixes = load_store()
    from_rdf, _ = load_store(rdf=ROOT / "exports" / "graph.nt")
    assert set(from_csv) == set(from_rdf)
    assert prefixes["ent"] == ENT and prefixes["kg"] == "https://example.org/ningbo-kg/vocab#"


def test_read_triples_keeps_datatypes_a_store_would_normalise():
    triples, _ = read_triples(rdf=ROOT / "exports" / "graph.nt")
    datatypes = {t.object.datatype.value for t in triples if isinstance(t.object, ox.Literal)}
    store, _ = load_store(rdf=ROOT / "exports" / "graph.nt")
    assert len(triples) == len(store)
    if XSD_POSITIVE_INTEGER in datatypes:  # the article's data has some: Oxigraph stores them as xsd:integer
        assert XSD_POSITIVE_INTEGER not in {
            q.object.datatype.value for q in store if isinstance(q.object, ox.Literal)
        }


def test_an_unreadable_rdf_file_is_an_input_error(tmp_path):
    bad = tmp_path / "bad.nt"
    bad.write_text("<urn:a> <urn:b> .\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"bad.nt: not valid N-Triples"):
        load_store(rdf=bad)
    with pytest.raises(InputError, match="cannot tell the RDF format"):
        load_store(rdf=tmp_path / "graph.xyz")


def test_declare_prefixes_adds_only_the_missing_ones():
    text = declare_prefixes(
        "PREFIX kg: <urn:mine#>\nASK { ?s kg:p ent:x }", {"kg": "urn:kg#", "ent": "urn:e/"}
    )
    assert text.splitlines()[0] == "PREFIX ent: <urn:e/>"
    assert "urn:kg#" not in text


# --- formats --------------------------------------------------------------------------------------


def test_select_serialises_in_every_results_format(small):
    result = run_query(
        small,
        "SELECT ?e ?label WHERE { ?e rdfs:label ?label FILTER(STRSTARTS(STR(?e), STR(ent:))) } ORDER BY ?e ?label",
    )
    document = json.loads(result.serialize("json"))
    assert document["head"]["vars"] == ["e", "label"]
    assert document["results"]["bindings"][0]["label"] == {
        "type": "literal",
        "value": "Yongjiang Laboratory",
        "xml:lang": "en",
    }
    root = ElementTree.fromstring(result.serialize("xml"))
    assert len(root.findall(".//{http://www.w3.org/2005/sparql-results#}result")) == len(result)
    assert result.serialize("csv").decode().splitlines()[0] == "e,label"
    tsv = parse_results(result.serialize("tsv"), "text/tab-separated-values")
    assert tsv.rows == result.rows


def test_construct_serialises_in_rdf_formats_with_the_prefixes_it_uses(small):
    result = run_query(small, find_query("evidence", TEST_QUERIES))
    turtle = result.serialize("turtle").decode()
    assert "@prefix kg: <https://example.org/ningbo-kg/vocab#>" in turtle and "@prefix schema:" not in turtle
    for name in results.GRAPH_FORMATS:
        parsed = list(ox.parse(result.serialize(name), format=results.GRAPH_FORMATS[name]))
        assert len(parsed) == 1, name
    with pytest.raises(ValueError, match="graph answer is written as one of"):
        result.serialize("csv")


def test_unbound_values_stay_unbound_through_every_format():
    result = QueryResult(variables=["a", "b"], solutions=[(ox.NamedNode("urn:x"), None)])
    for name, media_type in (
        ("json", "application/sparql-results+json"),
        ("xml", "application/sparql-results+xml"),
        ("tsv", "text/tab-separated-values"),
    ):
        assert parse_results(result.serialize(name), media_type).solutions == [(ox.NamedNode("urn:x"), None)]


def test_negotiation():
    assert negotiate("text/tab-separated-values", "select") == ("tsv", "text/tab-separated-values")
    assert negotiate("application/json", "select")[0] == "json"
    assert negotiate("text/html,application/xhtml+xml,*/*;q=0.8", "graph") == ("turtle", "text/turtle")
    assert negotiate("application/n-quads", "dataset")[0] == "nquads"
    with pytest.raises(results.NotAcceptable):
        negotiate("text/turtle", "select")
