"""Nodes and edges as CSV for Neo4j's importer and for spreadsheets.

Cells that a spreadsheet would run as a formula (starting with = + - @, tab or CR) are
prefixed with an apostrophe, as OWASP recommends against CSV injection.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from graph.explorer.network import network_view
from graph.model.graph import KnowledgeGraph

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

NODE_COLUMNS = ("id:ID", ":LABEL", "label_zh", "label_en", "aliases", "sections", "iri")
EDGE_COLUMNS = (":START_ID", ":END_ID", ":TYPE", "label_zh", "label_en", "section", "evidence", "statement")


def neutralise(cell: str) -> str:
    """Make a cell safe to open in a spreadsheet.

    >>> neutralise("=HYPERLINK(1)"), neutralise("宁波")
    ("'=HYPERLINK(1)", '宁波')
    """
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


def _write(path: Path, header: tuple, rows) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([neutralise(str(cell)) for cell in row])
    path.write_text(buffer.getvalue(), encoding="utf-8")


def write_nodes(graph: KnowledgeGraph, path: Path) -> None:
    network = network_view(graph)
    _write(
        path,
        NODE_COLUMNS,
        (
            (
                a["key"],
                a["type"].replace(":", "_"),
                a["label_zh"],
                a["label_en"],
                a["aliases"],
                a["sections"],
                a["iri"],
            )
            for _, a in network.nodes(data=True)
        ),
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
