"""nodes.csv and edges.csv read as ``neo4j-admin database import`` reads them, by its documented header rules.

The rules (Neo4j Operations Manual, "Import" > "CSV header format"): each header field is
``name:type``; ``:ID`` (with or without a name) identifies a node, ``:LABEL`` holds its labels,
``:START_ID``, ``:END_ID`` and ``:TYPE`` make a relationship; a property's type is one of
int, long, float, double, boolean, byte, short, char, string, point, date, localtime, time,
localdatetime, datetime, duration, or an array of one (``type[]``, values separated by the array
delimiter, ``;`` by default, as are labels); a field without a type is a string property; an
empty cell sets no property.
"""

from __future__ import annotations

import csv
import datetime
import re

import pytest
from rdflib import RDFS, Literal, URIRef

import graph
from graph.export.tables import neutralise
from graph.pipeline import load_store
from tests.conftest import ROOT

TYPES = {
    "int", "long", "float", "double", "boolean", "byte", "short", "char", "string", "point",
    "date", "localtime", "time", "localdatetime", "datetime", "duration",
}  # fmt: skip
KEYWORDS = {"ID", "LABEL", "START_ID", "END_ID", "TYPE", "IGNORE"}
HEADER_FIELD = re.compile(
    r"^(?P<name>[^:]*)(?::(?P<type>[A-Za-z_]+)(?P<array>\[\])?(?:\((?P<space>[^)]*)\))?)?$"
)
DELIMITER = ";"


def read_header(fields: list[str]) -> list[tuple[str, str, bool]]:
    """(name, type or keyword, is array) for each header field, refusing what neo4j-admin would refuse."""
    parsed = []
    for field in fields:
        found = HEADER_FIELD.match(field)
        assert found, f"not a neo4j-admin header field: {field!r}"
        kind = found["type"] or "string"
        assert kind in KEYWORDS or kind.lower() in TYPES, f"{field!r}: unknown type {kind}"
        assert not (found["array"] and kind in KEYWORDS), field
        parsed.append((found["name"], kind if kind in KEYWORDS else kind.lower(), bool(found["array"])))
    return parsed


def convert(value: str, kind: str):
    """A cell as Neo4j would store it, or an AssertionError where neo4j-admin would fail the import."""
    if kind in ("long", "int", "short", "byte"):
        assert re.fullmatch(r"-?\d+", value), value
        assert -(2**63) <= int(value) < 2**63, f"{value} overflows a Neo4j long"
        return int(value)
    if kind in ("double", "float"):
        # what Java's Double.parseDouble reads (no "inf" or "nan")
        assert re.fullmatch(r"[+-]?(?:NaN|Infinity|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)", value), value
        return float(value)
    if kind == "boolean":
        assert value in ("true", "false"), value
        return value == "true"
    if kind == "date":
        return datetime.date.fromisoformat(value)
    return value


def read(path, keywords: set[str]) -> tuple[list[tuple[str, str, bool]], list[dict]]:
    with open(path, encoding="utf-8", newline="") as stream:
        rows = list(csv.reader(stream))
    header = read_header(rows[0])
    assert {kind for _, kind, _ in header if kind in KEYWORDS} == keywords
    records = []
    for row in rows[1:]:
        assert len(row) == len(header)
        record = {}
        for (name, kind, array), cell in zip(header, row, strict=True):
            if cell == "":
                continue  # no property
            if kind in KEYWORDS:
                record[kind] = cell.split(DELIMITER) if kind == "LABEL" else cell
            elif array:
                record[name] = [convert(item, kind) for item in cell.split(DELIMITER)]
            else:
                record[name] = convert(cell, kind)
        records.append(record)
    return header, records


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    out = tmp_path_factory.mktemp("tables")
    kg, _ = graph.build_and_export([ROOT / "data" / "triples.csv"], out, formats=["nodes", "edges"])
    nodes_header, nodes = read(out / "nodes.csv", {"ID", "LABEL"})
    edges_header, edges = read(out / "edges.csv", {"START_ID", "END_ID", "TYPE"})
    return kg, {node["ID"]: node for node in nodes}, edges, nodes_header


def test_every_relationship_joins_two_nodes_by_id(imported):
    kg, nodes, edges, _ = imported
    assert len(nodes) == graph.to_networkx(kg).number_of_nodes()
    assert edges and all(edge["START_ID"] in nodes and edge["END_ID"] in nodes for edge in edges)
    assert all(re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", edge["TYPE"]) for edge in edges)


def test_labels_are_every_class_and_superclass(imported):
    kg, nodes, _, _ = imported
    vocabulary = kg.facts.vocabulary
    nimte = nodes["nimte"]
    assert {"schema_Organization", "schema_ResearchOrganization"} <= set(nimte["LABEL"])
    for node in nodes.values():
        assert all(re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", label) for label in node["LABEL"]), node["LABEL"]
        # every superclass of a label's class is a label too
        for label in node["LABEL"]:
            iri = vocabulary.expand(label.replace("_", ":", 1))
            for parent in vocabulary.graph.objects(URIRef(iri), RDFS.subClassOf):
                assert vocabulary.shorten(str(parent)).replace(":", "_") in node["LABEL"], (node["ID"], label)


def test_aliases_and_sections_are_string_arrays(imported):
    kg, nodes, _, header = imported
    assert ("aliases", "string", True) in header and ("sections", "string", True) in header
    network = graph.to_networkx(kg)
    for _, attributes in network.nodes(data=True):
        node = nodes[attributes["key"]]
        want = [neutralise(alias) for alias in attributes["aliases"].split("|") if alias]
        assert node.get("aliases", []) == want
        assert all(DELIMITER not in alias for alias in want)  # a ; inside a value would split it


def test_figures_dates_and_counts_are_typed_properties(imported):
    kg, nodes, _, header = imported
    kinds = {name: (kind, array) for name, kind, array in header}
    assert kinds["kg_rank"][0] == "long" and kinds["kg_targetSize"][0] == "double"
    assert kinds["kg_firstTime"][0] == "boolean" and kinds["dcterms_date"][0] == "date"
    keys = {attributes["iri"]: attributes["key"] for _, attributes in graph.to_networkx(kg).nodes(data=True)}
    integers = 0
    store, _ = load_store()  # Oxigraph keeps the types derived from xsd:integer as xsd:integer
    answer = store.query(
        """SELECT ?s ?p ?o WHERE { ?s ?p ?o FILTER (isLiteral(?o) && datatype(?o) IN
           (<http://www.w3.org/2001/XMLSchema#integer>, <http://www.w3.org/2001/XMLSchema#date>)) }"""
    )
    vocabulary = kg.facts.vocabulary
    for s, p, o in answer:
        if s.value not in keys:
            continue  # statement nodes and sources are not nodes of the table
        name = vocabulary.shorten(p.value).replace(":", "_")
        kind, array = kinds[name]
        if kind == "string":
            continue  # values of several Neo4j types (e.g. a date on one node, a year on another)
        value = nodes[keys[s.value]][name]
        expected = Literal(o.value, datatype=URIRef(o.datatype.value)).toPython()
        assert expected in (value if array else [value]), (s.value, name)
        integers += 1
    assert integers > 20


@pytest.mark.parametrize(
    ("value", "datatype", "kind", "stored"),
    [
        ("2024-12-23+08:00", "date", "string", "2024-12-23+08:00"),  # Neo4j's date has no time zone
        ("10000-01-01", "date", "string", "10000-01-01"),
        ("100000000000000000000000", "integer", "string", "100000000000000000000000"),  # beyond a long
        ("2024+08:00", "gYear", "string", "2024+08:00"),
        ("2024", "gYear", "long", 2024),
        ("INF", "double", "double", float("inf")),
        ("-INF", "double", "double", float("-inf")),
        ("2024-12-23", "date", "date", datetime.date(2024, 12, 23)),
    ],
)
def test_a_typed_cell_holds_the_value_or_the_column_is_text(
    value, datatype, kind, stored, write_csv, tmp_path
):
    from tests.conftest import EV, GOOD_ROWS

    rows = [*GOOD_ROWS, f",zone,skos:altLabel,{value},{datatype},,,,{EV}"]
    graph.build_and_export([write_csv(rows)], tmp_path / "out", formats=["nodes"], shapes=None)
    header, records = read(tmp_path / "out" / "nodes.csv", {"ID", "LABEL"})
    assert ("skos_altLabel", kind, False) in header
    zone = next(record for record in records if record["ID"] == "zone")
    assert zone["skos_altLabel"] == stored


def test_nan_is_a_double_neo4j_reads(write_csv, tmp_path):
    from tests.conftest import EV, GOOD_ROWS

    rows = [*GOOD_ROWS, f",zone,skos:altLabel,NaN,double,,,,{EV}"]
    graph.build_and_export([write_csv(rows)], tmp_path / "out", formats=["nodes"], shapes=None)
    _, records = read(tmp_path / "out" / "nodes.csv", {"ID", "LABEL"})
    value = next(record for record in records if record["ID"] == "zone")["skos_altLabel"]
    assert value != value  # NaN


def test_aliases_with_a_bar_or_a_backslash_are_whole_in_the_array(write_csv, tmp_path):
    from tests.conftest import EV, GOOD_ROWS

    rows = [*GOOD_ROWS, f",zone,skos:altLabel,c|d,,en,,,{EV}", f",zone,skos:altLabel,e\\f,,en,,,{EV}"]
    graph.build_and_export([write_csv(rows)], tmp_path / "out", formats=["nodes"], shapes=None)
    _, records = read(tmp_path / "out" / "nodes.csv", {"ID", "LABEL"})
    zone = next(record for record in records if record["ID"] == "zone")
    assert sorted(zone["aliases"]) == ["c|d", "e\\f"]
