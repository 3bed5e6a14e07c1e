"""Every value of the CSV comes out of every RDF export unchanged, or is refused with its row."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest

import graph
from graph.errors import ValidationFailed
from graph.export import rdf
from graph.pipeline import check
from tests.conftest import EV, GOOD_ROWS

XSD = "http://www.w3.org/2001/XMLSchema#"


def exported_literals(kg, rdf_format) -> set[tuple[str, str]]:
    """(lexical form, datatype) of every literal of skos:altLabel after a round trip through ``rdf_format``."""
    if rdf_format == "json-ld":
        text = json.dumps(rdf.jsonld_document(kg)).encode()
        rdf_format = ox.RdfFormat.JSON_LD
    else:
        text = rdf.serialize(kg, rdf_format)
    return {
        (t.object.value, t.object.datatype.value)
        for t in ox.parse(text, format=rdf_format)
        if t.predicate.value.endswith("altLabel") and isinstance(t.object, ox.Literal)
    }


VALUES = [
    ("2024-12-23+08:00", "date", "2024-12-23+08:00"),
    ("2024-12-23Z", "date", "2024-12-23Z"),
    ("2024-12-23T09:30:00.123456789-05:00", "dateTime", "2024-12-23T09:30:00.123456789-05:00"),
    ("INF", "double", "INF"),
    ("-INF", "double", "-INF"),
    ("NaN", "double", "NaN"),
    ("1e400", "double", "INF"),
    ("2.3E9", "double", "2300000000.0"),
    ("-0", "double", "-0.0"),
    ("1000000000000000000000", "integer", "1000000000000000000000"),
    ("12345678901234567891", "integer", "12345678901234567891"),
]


@pytest.mark.parametrize(
    "rdf_format", [ox.RdfFormat.N_TRIPLES, ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML, "json-ld"], ids=str
)
def test_typed_values_keep_their_value_in_every_export(rdf_format, write_csv):
    rows = [*GOOD_ROWS] + [f",zone,skos:altLabel,{value},{dt},,,,{EV}" for value, dt, _ in VALUES]
    kg = graph.build([write_csv(rows)], shapes=None)
    assert exported_literals(kg, rdf_format) >= {(canonical, XSD + dt) for _, dt, canonical in VALUES}


def test_jsonld_has_no_bare_infinity_and_no_native_double(write_csv):
    rows = [*GOOD_ROWS, f",zone,skos:altLabel,INF,double,,,,{EV}", f",zone,skos:altLabel,2.5,double,,,,{EV}"]
    text = json.dumps(rdf.jsonld_document(graph.build([write_csv(rows)], shapes=None)), allow_nan=False)
    assert "Infinity" not in text


@pytest.mark.parametrize(
    ("value", "datatype"),
    [
        ("2024-12-23+14:30", "date"),
        ("2024-12-23T10:00:00-15:00", "dateTime"),
        ("2024-12-23T24:30:00", "dateTime"),
        ("10100-02-29", "date"),
        ("9223372036854775808", "xsd:long"),
        ("-129", "xsd:byte"),
        ("256", "xsd:unsignedByte"),
    ],
)
def test_out_of_range_values_are_refused_with_row_and_column(value, datatype, write_csv):
    rows = [*GOOD_ROWS, f",zone,skos:altLabel,{value},{datatype},,,,{EV}"]
    with pytest.raises(ValidationFailed) as failure:
        graph.build([write_csv(rows)], shapes=None)
    errors = [p for p in failure.value.problems if p.is_error]
    assert len(errors) == 1 and errors[0].row == 9 and errors[0].column == "object"
    assert value in errors[0].message


def test_a_carriage_return_survives_rdfxml_and_graphml(write_csv, tmp_path):
    import networkx as nx

    from graph.export.graphml import write_graphml

    rows = [*GOOD_ROWS, f',zone,skos:altLabel,"a\rb",,en,,,{EV}']
    kg = graph.build([write_csv(rows)], shapes=None)
    values = {
        t.object.value for t in ox.parse(rdf.serialize(kg, ox.RdfFormat.RDF_XML), format=ox.RdfFormat.RDF_XML)
    }
    assert "a\rb" in values
    write_graphml(kg, tmp_path / "g.graphml")
    texts = [
        str(v) for _, data in nx.read_graphml(tmp_path / "g.graphml").nodes(data=True) for v in data.values()
    ]
    assert any("a\rb" in text for text in texts)


def test_graphml_does_not_depend_on_lxml(write_csv, tmp_path, monkeypatch):
    import networkx as nx

    from graph.export.graphml import write_graphml

    kg = graph.build([write_csv([*GOOD_ROWS])], shapes=None)
    write_graphml(kg, tmp_path / "a.graphml")
    monkeypatch.setattr(
        nx, "write_graphml", lambda *a, **k: pytest.fail("the lxml-dependent writer was used")
    )
    write_graphml(kg, tmp_path / "b.graphml")
    assert (tmp_path / "a.graphml").read_bytes() == (tmp_path / "b.graphml").read_bytes()


@pytest.mark.parametrize("bad", ["\ufffe", "\uffff", "\x1f", "\x0b"])
@pytest.mark.parametrize("where", ["start", "middle", "end"])
def test_non_characters_and_control_characters_are_reported_even_at_a_cells_ends(bad, where, write_csv):
    cell = {"start": bad + "ab", "middle": "a" + bad + "b", "end": "ab" + bad}[where]
    rows = [*GOOD_ROWS, f",zone,skos:altLabel,{cell},,en,,,{EV}"]
    with pytest.raises(ValidationFailed) as failure:
        graph.build([write_csv(rows)], shapes=None)
    errors = [p for p in failure.value.problems if p.is_error]
    assert [(p.row, p.column) for p in errors] == [(9, "object")]
    assert f"U+{ord(bad):04X}" in errors[0].message


def test_a_plain_literal_and_the_same_xsd_string_are_one_value(write_csv):
    rows = [*GOOD_ROWS, f",zone,skos:altLabel,same,,,,,{EV}", f",zone,skos:altLabel,same,string,,,,{EV}"]
    kg, problems = check([write_csv(rows)], shapes=None)
    lines = rdf.serialize(kg, ox.RdfFormat.N_TRIPLES).decode().splitlines()
    assert len(lines) == len(set(lines))
    assert len(kg) == len(set(ox.parse("\n".join(lines).encode(), format=ox.RdfFormat.N_TRIPLES)))
    assert [p.row for p in problems if "duplicate" in p.message.lower()] == [10]


def test_lang_string_without_a_language_is_refused(write_csv):
    rows = [*GOOD_ROWS, f",zone,skos:altLabel,text,rdf:langString,,,,{EV}"]
    with pytest.raises(ValidationFailed) as failure:
        graph.build([write_csv(rows)], shapes=None)
    assert [(p.row, p.column) for p in failure.value.problems if p.is_error] == [(9, "lang")]


def test_turtle_local_names_ending_in_a_dot_are_written_so_rdflib_reads_them(write_csv):
    import rdflib

    rows = [*GOOD_ROWS, f",zone,skos:altLabel,<https://schema.org/x.>,iri,,,,{EV}"]
    kg = graph.build([write_csv(rows)], shapes=None)
    text = rdf.serialize(kg, ox.RdfFormat.TURTLE)
    assert b"\\." not in text
    parsed = rdflib.Graph().parse(data=text.decode(), format="turtle")
    assert len(parsed) == len(kg)


ODD_IRIS = [
    "https://example.org.cn/x",
    "https://example.org//x",
    "https://example.org/ningbo-kg/a?b",
    "https://example.org/ningbo-kg/a#b",
    "https://example.org/ningbo-kg/../x",
    "https://example.org/./x",
    "https://schema.org//x",
    "https://schema.org/../x",
    "https://example.org/ningbo-kg/",
]


@pytest.mark.parametrize("iri", ODD_IRIS)
def test_jsonld_compacts_an_iri_only_where_every_reader_gets_it_back(iri, write_csv):
    import rdflib

    rows = [*GOOD_ROWS, f",zone,skos:altLabel,<{iri}>,iri,,,,{EV}"]
    kg = graph.build([write_csv(rows)], shapes=None)
    text = json.dumps(rdf.jsonld_document(kg))
    by_oxigraph = {t.object.value for t in ox.parse(text.encode(), format=ox.RdfFormat.JSON_LD)}
    by_rdflib = {str(o) for o in rdflib.Graph().parse(data=text, format="json-ld").objects()}
    assert iri in by_oxigraph and iri in by_rdflib
    assert len(set(ox.parse(text.encode(), format=ox.RdfFormat.JSON_LD))) == len(kg)


def test_jsonld_keeps_the_triples_of_a_subject_equal_to_the_base(write_csv):
    rows = [*GOOD_ROWS, f",<https://example.org/ningbo-kg/>,skos:altLabel,x,,,,,{EV}"]
    kg = graph.build([write_csv(rows)], shapes=None)
    text = json.dumps(rdf.jsonld_document(kg)).encode()
    found = {(t.subject.value, t.object.value) for t in ox.parse(text, format=ox.RdfFormat.JSON_LD)}
    assert ("https://example.org/ningbo-kg/", "x") in found


@pytest.mark.parametrize(
    "base", ["https://example.org/a b/", "https://example.org/kg#", "https://example.org/?q/"]
)
def test_a_base_that_cannot_make_iris_is_refused_in_one_line(base, write_csv):
    kg, problems = check([write_csv([*GOOD_ROWS])], shapes=None, base=base)
    assert kg is None
    assert [(p.file, p.row) for p in problems] == [("--base", 0)]


def test_the_entity_namespace_itself_is_not_an_entity(write_csv):
    rows = [*GOOD_ROWS, f",zone,skos:altLabel,<https://example.org/ningbo-kg/entity/>,iri,,,,{EV}"]
    kg, problems = check([write_csv(rows)], shapes=None)
    assert kg is None
    errors = [p for p in problems if p.is_error]
    assert [(p.row, p.column) for p in errors] == [(9, "object")] and "namespace" in errors[0].message


def test_a_regional_chinese_label_is_the_chinese_label_and_aliases_with_a_bar_are_escaped(write_csv):
    from graph.explorer.network import network_view

    rows = [
        f",zone,a,kg:HighTechZone,,,,,{EV}",
        f",zone,rdfs:label,宁波高新区,,zh-Hans-CN,,,{EV}",
        f",zone,rdfs:label,Ningbo High-tech Zone,,en-GB,,,{EV}",
        f",zone,skos:altLabel,a|b,,en,,,{EV}",
        f",zone,skos:altLabel,c\\d,,en,,,{EV}",
    ]
    node = network_view(graph.build([write_csv(rows)], shapes=None)).nodes[
        "https://example.org/ningbo-kg/entity/zone"
    ]
    assert (node["label_zh"], node["label_en"]) == ("宁波高新区", "Ningbo High-tech Zone")
    assert node["aliases"] == "a\\|b|c\\\\d"
