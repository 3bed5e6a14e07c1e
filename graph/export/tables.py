"""Nodes and edges as CSV for Neo4j's importer (``neo4j-admin database import``) and for spreadsheets.

The headers follow neo4j-admin's rules: ``id:ID`` names each node, ``:LABEL`` holds its labels
(one per class and per superclass of each, ``;``-separated), ``:START_ID``/``:END_ID``/``:TYPE``
make each relationship, and every other column is ``name:type`` with a Neo4j type (``long``,
``double``, ``boolean``, ``date``, ``string``), an array of one (``string[]``: ``;``-separated
values), or a plain name (a string). An empty cell sets no property.

Besides labels, aliases and sections, each node carries its figures, dates and counts (the
literal facts whose datatype is a number, a date, a year or a boolean) as typed properties named
after the property (``kg_rank:long``, ``dcterms_date:date``). A property whose values on
different nodes need different Neo4j types is written as a string; one that has several values
on a node is an array.

String cells that a spreadsheet would run as a formula (starting with = + - @, tab or CR) are
prefixed with an apostrophe, as OWASP recommends against CSV injection.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

from rdflib import RDFS, URIRef

from graph.explorer.network import network_view
from graph.explorer.statements import statement_view
from graph.model.graph import KnowledgeGraph

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
ARRAY_DELIMITER = ";"  # neo4j-admin's default --array-delimiter

NODE_COLUMNS = ("id:ID", ":LABEL", "label_zh", "label_en", "aliases:string[]", "sections:string[]", "iri")
EDGE_COLUMNS = (":START_ID", ":END_ID", ":TYPE", "label_zh", "label_en", "section", "evidence", "statement")

_XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGERS = {
    _XSD + name
    for name in (
        "integer nonNegativeInteger positiveInteger nonPositiveInteger negativeInteger long int short byte "
        "unsignedLong unsignedInt unsignedShort unsignedByte"
    ).split()
}
# Neo4j's type for a literal's datatype; a year is a long, a year and month (no Neo4j type) a string.
_NEO4J_TYPES = {
    **dict.fromkeys(_INTEGERS, "long"),
    _XSD + "gYear": "long",
    _XSD + "decimal": "double",
    _XSD + "double": "double",
    _XSD + "float": "double",
    "http://www.w3.org/2002/07/owl#rational": "double",
    _XSD + "boolean": "boolean",
    _XSD + "date": "date",
    _XSD + "gYearMonth": "string",
}


def neutralise(cell: str) -> str:
    """Make a cell safe to open in a spreadsheet.

    >>> neutralise("=HYPERLINK(1)"), neutralise("宁波")
    ("'=HYPERLINK(1)", '宁波')
    """
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


def neo4j_kind(lexical: str, datatype: str) -> str:
    """The Neo4j type that holds this literal, or ``string`` where none holds it as it is: a number beyond
    a long, a date or year with a time zone (Neo4j's date has none), a date outside years 0001-9999.

    >>> neo4j_kind("2024-12-23", _XSD + "date"), neo4j_kind("2024-12-23+08:00", _XSD + "date")
    ('date', 'string')
    """
    kind = _NEO4J_TYPES.get(datatype, "string")
    if kind == "long":
        return kind if _LONG(lexical) and -(2**63) <= int(lexical) < 2**63 else "string"
    if kind == "date":
        return kind if _PLAIN_DATE(lexical) else "string"
    return kind


def neo4j_value(lexical: str, datatype: str) -> str:
    """A literal as neo4j-admin reads a cell of its column's type (:func:`neo4j_kind`); a double as Java's
    ``Double.parseDouble`` reads it (``Infinity``, ``NaN``).

    >>> neo4j_value("1/3", "http://www.w3.org/2002/07/owl#rational"), neo4j_value("true", _XSD + "boolean")
    ('0.3333333333333333', 'true')
    >>> neo4j_value("-INF", _XSD + "double")
    '-Infinity'
    """
    kind = neo4j_kind(lexical, datatype)
    if kind == "long":
        return str(int(lexical))
    if kind == "double":
        number = float(Fraction(lexical) if "/" in lexical else Decimal(lexical))
        return _JAVA_SPECIAL.get(repr(number)) or repr(number)
    if kind == "boolean":
        return "true" if lexical in ("true", "1") else "false"
    return lexical


_LONG = re.compile(r"-?[0-9]+").fullmatch
_PLAIN_DATE = re.compile(r"(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}").fullmatch
_JAVA_SPECIAL = {"inf": "Infinity", "-inf": "-Infinity", "nan": "NaN"}


def _write(path: Path, header: tuple, rows, typed: set[int] = frozenset()) -> None:
    """Write rows; cells in the ``typed`` columns (numbers, dates) are left as they are."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([str(cell) if i in typed else neutralise(str(cell)) for i, cell in enumerate(row)])
    path.write_text(buffer.getvalue(), encoding="utf-8")


def _array(values: list[str] | str) -> str:
    """A Neo4j array cell of a list, or of the network view's ``|``-joined values (``\\|`` and ``\\\\``
    inside a value are a ``|`` and a ``\\`` of it)."""
    items = _unjoin(values) if isinstance(values, str) else values
    return ARRAY_DELIMITER.join(item for item in items if item)


def _unjoin(joined: str) -> list[str]:
    return [re.sub(r"\\(.)", r"\1", item) for item in re.findall(r"(?:[^|\\]|\\.)+", joined)]


def node_labels(graph: KnowledgeGraph) -> dict[str, list[str]]:
    """Each entity's Neo4j labels: its classes and all their superclasses, as ``prefix_Name``, sorted."""
    vocabulary = graph.facts.vocabulary
    entities = statement_view(graph).entities
    closure: dict[str, list[str]] = {}
    labels = {}
    for entity, classes in entities.types.items():
        found: set[str] = set()
        for cls in classes:
            if cls not in closure:
                closure[cls] = [
                    str(c) for c in vocabulary.graph.transitive_objects(URIRef(cls), RDFS.subClassOf)
                ]
            found.update(closure[cls])
        labels[entity] = sorted(vocabulary.shorten(c).replace(":", "_") for c in found)
    return labels


def node_properties(graph: KnowledgeGraph) -> tuple[list[str], dict[str, dict[str, list[str]]]]:
    """The typed property columns (``name:type``), and each entity's values by column, ready for neo4j-admin."""
    vocabulary = graph.facts.vocabulary
    values: dict[str, dict[str, list[tuple[str, str]]]] = defaultdict(lambda: defaultdict(list))
    for statement in statement_view(graph).statements():
        is_literal, lexical, datatype, _ = statement.object
        if is_literal and datatype in _NEO4J_TYPES:
            name = vocabulary.shorten(statement.predicate).replace(":", "_")
            if (lexical, datatype) not in values[statement.subject][name]:
                values[statement.subject][name].append((lexical, datatype))
    kinds: dict[str, set[str]] = defaultdict(set)
    several: set[str] = set()
    for by_name in values.values():
        for name, found in by_name.items():
            kinds[name].update(neo4j_kind(lexical, datatype) for lexical, datatype in found)
            if len(found) > 1:
                several.add(name)
    columns, cells = [], defaultdict(dict)
    for name in sorted(kinds):
        kind = next(iter(kinds[name])) if len(kinds[name]) == 1 else "string"
        column = f"{name}:{kind}{'[]' if name in several else ''}"
        columns.append(column)
        for entity, by_name in values.items():
            if name in by_name:
                written = [
                    lexical if kind == "string" else neo4j_value(lexical, dt) for lexical, dt in by_name[name]
                ]
                cells[entity][column] = ARRAY_DELIMITER.join(sorted(written))
    return columns, cells


def write_nodes(graph: KnowledgeGraph, path: Path) -> None:
    network = network_view(graph)
    labels = node_labels(graph)
    columns, cells = node_properties(graph)
    typed = {
        len(NODE_COLUMNS) + i
        for i, column in enumerate(columns)
        if not column.endswith((":string", ":string[]"))
    }
    _write(
        path,
        (*NODE_COLUMNS, *columns),
        (
            (
                a["key"],
                ARRAY_DELIMITER.join(labels.get(node) or [a["type"].replace(":", "_")]),
                a["label_zh"],
                a["label_en"],
                _array(a["aliases"]),
                _array(a["sections"]),
                a["iri"],
                *(cells.get(node, {}).get(column, "") for column in columns),
            )
            for node, a in network.nodes(data=True)
        ),
        typed,
    )


def write_edges(graph: KnowledgeGraph, path: Path) -> None:
    network = network_view(graph)
    keys = {node: attributes["key"] for node, attributes in network.nodes(data=True)}
    _write(
        path,
        EDGE_COLUMNS,
        (
            (
                keys[s],
                keys[o],
                a["predicate"].replace(":", "_"),
                a["label_zh"],
                a["label_en"],
                a["section"],
                a["evidence"],
                key,
            )
            for s, o, key, a in network.edges(keys=True, data=True)
        ),
    )
