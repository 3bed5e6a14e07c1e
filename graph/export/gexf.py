"""GEXF 1.2 of the networkx view, Gephi's own format: nodes and edges with their ``label`` caption
(the article's language first) and every other attribute as a column.

The file is the same bytes for the same graph: the writer's date stamp is left out. Edges are
identified by their statement IRI (the ``statement`` column too); a node's key is its ``name``.

It is printed straight from the networkx view, a few thousand elements a piece, byte for byte as
networkx's ``GEXFWriter(prettyprint=True, version="1.2draft")`` prints the captioned copy (the
tests compare the two): through networkx the two copies and the element tree took 32 s and most
of a gigabyte for the 200k-row synthetic graph.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from xml.etree.ElementTree import _escape_attrib  # what ElementTree prints: the same bytes

import networkx as nx

from graph.explorer.network import network_view
from graph.export.graphml import CHUNK, edge_caption, node_caption
from graph.model.graph import KnowledgeGraph

_HEADER = (
    "<?xml version='1.0' encoding='utf-8'?>\n"
    '<gexf xmlns="http://www.gexf.net/1.2draft" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xsi:schemaLocation="http://www.gexf.net/1.2draft http://www.gexf.net/1.2draft/gexf.xsd" version="1.2">'
)


def gexf_chunks(graph: KnowledgeGraph) -> Iterator[str]:
    """The GEXF text in pieces; see the module docstring. Every attribute is a string."""
    network = network_view(graph)
    node_names = [name for name in _names(data for _, data in network.nodes(data=True)) if name != "key"]
    node_names.append("name")
    edge_names = [*_names(data for _, _, data in network.edges(data=True)), "statement"]
    node_ids = {name: str(i) for i, name in enumerate(node_names)}
    edge_ids = {name: str(i + len(node_names)) for i, name in enumerate(edge_names)}
    parts = [
        _HEADER,
        f"\n  <meta>\n    <creator>NetworkX {_escape_text(nx.__version__)}</creator>\n  </meta>",
        '\n  <graph defaultedgetype="directed" mode="static" name="">',
    ]
    for scope, ids in (
        ("edge", edge_ids),
        ("node", node_ids),
    ):  # networkx puts each class first as it meets it
        parts.append(f'\n    <attributes mode="static" class="{scope}">')
        for name, number in ids.items():
            parts.append(f'\n      <attribute id="{number}" title="{_escape_attrib(name)}" type="string" />')
        parts.append("\n    </attributes>")
    parts.append("\n    <nodes>")
    for count, (node, data) in enumerate(network.nodes(data=True), 1):
        parts.append(
            f'\n      <node id="{_escape_attrib(str(node))}" label="{_escape_attrib(node_caption(data))}">'
            "\n        <attvalues>"
        )
        for name, number in node_ids.items():
            value = data["key"] if name == "name" else str(data[name])
            parts.append(f'\n          <attvalue for="{number}" value="{_escape_attrib(value)}" />')
        parts.append("\n        </attvalues>\n      </node>")
        if count % CHUNK == 0:
            yield "".join(parts)
            parts.clear()
    parts.append("\n    </nodes>\n    <edges>")
    for count, (source, target, key, data) in enumerate(network.edges(keys=True, data=True)):
        statement = _escape_attrib(key or f"edge-{count}")
        parts.append(
            f'\n      <edge source="{_escape_attrib(str(source))}" target="{_escape_attrib(str(target))}"'
            f' id="{statement}" label="{_escape_attrib(edge_caption(data))}">\n        <attvalues>'
        )
        for name, number in edge_ids.items():
            value = statement if name == "statement" else _escape_attrib(str(data[name]))
            parts.append(f'\n          <attvalue for="{number}" value="{value}" />')
        parts.append("\n        </attvalues>\n      </edge>")
        if (count + 1) % CHUNK == 0:
            yield "".join(parts)
            parts.clear()
    parts.append("\n    </edges>\n  </graph>\n</gexf>\n")
    yield "".join(parts)


def _names(attributes) -> list[str]:
    """The attribute names in the order networkx meets them."""
    found: dict[str, None] = {}
    for data in attributes:
        found.update(dict.fromkeys(data))
    return list(found)


def _escape_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def write_gexf(graph: KnowledgeGraph, path: Path) -> None:
    """Write the GEXF file (UTF-8); see :func:`gexf_chunks`."""
    network = network_view(graph)
    if not network.number_of_nodes() or not network.number_of_edges():
        _write_with_networkx(graph, path)  # networkx leaves out empty parts: its own rules
        return
    with open(path, "w", encoding="utf-8", newline="") as stream:
        for chunk in gexf_chunks(graph):
            stream.write(chunk)


def _write_with_networkx(graph: KnowledgeGraph, path: Path) -> None:
    """networkx's writer on the captioned copy: the reference :func:`gexf_chunks` prints like."""
    from networkx.readwrite.gexf import GEXFWriter

    from graph.export.graphml import captioned

    network = nx.MultiDiGraph()
    source = captioned(graph)
    for node, attributes in source.nodes(data=True):
        attributes = dict(attributes)
        attributes["name"] = attributes.pop("key")  # "key" is networkx's word for an edge's key
        network.add_node(node, **attributes)
    for number, (s, o, statement, attributes) in enumerate(source.edges(keys=True, data=True)):
        network.add_edge(
            s, o, key=statement or f"edge-{number}", id=statement or f"edge-{number}", **attributes
        )
    writer = GEXFWriter(encoding="utf-8", prettyprint=True, version="1.2draft")
    writer.add_graph(network)
    writer.xml.find("meta").attrib.pop("lastmodifieddate", None)
    for attribute in writer.xml.iter("attribute"):
        if attribute.get("title") == "networkx_key":
            attribute.set("title", "statement")
    writer.write(path)
