"""Reading a request from its parse tree: the form, the dataset, and SERVICE and LOAD wherever they hide."""

from __future__ import annotations

import pytest

from graph.sparql.guard import QuerySyntaxError, Refused, inspect_query, inspect_update


@pytest.mark.parametrize(
    ("query", "form"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", "select"),
        ("ASK {}", "ask"),
        ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "construct"),
        ("DESCRIBE <urn:x>", "describe"),
        ("PREFIX kg: <urn:kg#> SELECT ?x WHERE { ?x kg:p ?y } VALUES ?y { 1 2 }", "select"),
    ],
)
def test_the_form_of_a_query(query, form):
    assert inspect_query(query).form == form


def test_dataset_clauses_and_declared_prefixes():
    operation = inspect_query(
        "PREFIX a: <urn:a#>\nPREFIX : <urn:d#>\nSELECT * FROM <urn:g1> FROM <urn:g2> FROM NAMED <urn:n> { ?s ?p ?o }"
    )
    assert operation.from_graphs == ("urn:g1", "urn:g2")
    assert operation.from_named_graphs == ("urn:n",)
    assert operation.prefixes == ("a", "")


@pytest.mark.parametrize(
    "pattern",
    [
        "SERVICE <urn:s> { ?s ?p ?o }",
        "SERVICE SILENT <urn:s> { ?s ?p ?o }",
        "SERVICE ?where { ?s ?p ?o }",
        "?s ?p ?o OPTIONAL { SERVICE <urn:s> { ?s ?q ?r } }",
        "?s ?p ?o MINUS { SERVICE <urn:s> { ?s ?q ?r } }",
        "{ ?s ?p ?o } UNION { SERVICE <urn:s> { ?s ?p ?o } }",
        "?s ?p ?o FILTER NOT EXISTS { SERVICE <urn:s> { ?s ?q ?r } }",
        "?s ?p ?o BIND(EXISTS { SERVICE <urn:s> { ?s ?q ?r } } AS ?b)",
        "{ SELECT ?s { { SELECT ?s { SERVICE <urn:s> { ?s ?p ?o } } } } }",
        "GRAPH ?g { SERVICE <urn:s> { ?s ?p ?o } }",
    ],
)
def test_service_is_found_wherever_it_is(pattern):
    with pytest.raises(Refused, match="SERVICE .* is refused"):
        inspect_query(f"SELECT * WHERE {{ {pattern} }}")


def test_service_in_a_construct_template_query_is_found():
    with pytest.raises(Refused):
        inspect_query("CONSTRUCT { ?s ?p ?o } WHERE { SERVICE <urn:s> { ?s ?p ?o } }")


def test_a_word_service_in_a_string_or_iri_is_not_a_service():
    operation = inspect_query('SELECT * WHERE { ?s <urn:SERVICE> "SERVICE <urn:s> { }" }')
    assert operation.form == "select"


@pytest.mark.parametrize(
    "update",
    [
        "LOAD <http://example.org/data.ttl>",
        "LOAD SILENT <file:///etc/passwd> INTO GRAPH <urn:g>",
        "CLEAR ALL ; LOAD <urn:x>",
        "INSERT { ?s ?p ?o } WHERE { SERVICE <urn:s> { ?s ?p ?o } }",
    ],
)
def test_load_and_service_in_updates_are_refused(update):
    with pytest.raises(Refused):
        inspect_update(update)


def test_using_and_with_of_an_update():
    operation = inspect_update(
        "WITH <urn:w> DELETE { ?s ?p ?o } USING <urn:u> USING NAMED <urn:n> WHERE { ?s ?p ?o }"
    )
    assert (operation.form, operation.with_graphs) == ("update", ("urn:w",))
    assert (operation.from_graphs, operation.from_named_graphs) == (("urn:u",), ("urn:n",))


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [("ASK {", 1, 6), ("SELECT * WHERE {\n  ?s ?p }", 2, 3), ("SELEKT * {}", 1, 1)],
)
def test_syntax_errors_give_line_and_column(text, line, column):
    with pytest.raises(QuerySyntaxError, match=f"^syntax error at line {line}, column {column}: "):
        inspect_query(text)


def test_an_update_is_not_a_query():
    with pytest.raises(QuerySyntaxError):
        inspect_query("CLEAR ALL")
