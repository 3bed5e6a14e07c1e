"""GraphML of the networkx view, for Gephi, Cytoscape and yEd.

Besides ``label_zh`` and ``label_en``, every node and edge carries a plain ``label`` in the
article's language (Chinese, else English, else the node's key): Gephi shows ``label`` as the
caption, and takes no other attribute for it.

The file is printed straight from the networkx view, a few thousand elements a piece, byte for
byte as networkx's ElementTree writer prints the captioned copy (``GraphMLWriter(prettyprint=True,
named_key_ids=True)``; the tests compare the two). Through networkx the copy, the element tree and
its serialisation took 91 s and most of a gigabyte for the 200k-row synthetic graph.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from xml.etree.ElementTree import _escape_attrib, _escape_cdata  # what ElementTree prints: same bytes

import networkx as nx

from graph.explorer.network import network_view
from graph.model.graph import KnowledgeGraph

#: The article's language, which captions use first.
PAGE_LANGUAGE = "zh"
CHUNK = 2048  # nodes or edges per piece of text

_HEADER = (
    "<?xml version='1.0' encoding='utf-8'?>\n"
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
    'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">'
)


def captioned(graph: KnowledgeGraph) -> nx.MultiDiGraph:
    """A copy of the networkx view with a ``label`` on every node and edge (page language first)."""
    network = network_view(graph).copy()
    for _, attributes in network.nodes(data=True):
        attributes["label"] = node_caption(attributes)
    for _, _, attributes in network.edges(data=True):
        attributes["label"] = edge_caption(attributes)
    return network


def node_caption(attributes: dict) -> str:
    """A node's ``label``: in the page's language, else the other, else its key."""
    other = "en" if PAGE_LANGUAGE == "zh" else "zh"
    return attributes[f"label_{PAGE_LANGUAGE}"] or attributes[f"label_{other}"] or attributes["key"]


def edge_caption(attributes: dict) -> str:
    """An edge's ``label``: in the page's language, else the other, else its predicate."""
    other = "en" if PAGE_LANGUAGE == "zh" else "zh"
    return attributes[f"label_{PAGE_LANGUAGE}"] or attributes[f"label_{other}"] or attributes["predicate"]


def graphml_chunks(graph: KnowledgeGraph) -> Iterator[str]:
    """The GraphML text in pieces; see the module docstring.

    Every attribute is a string (``attr.type="string"``); a carriage return is written as
    ``&#13;``, since an XML parser reads a raw one as a line feed.
    """
    network = network_view(graph)
    node_names = _names(data for _, data in network.nodes(data=True))
    edge_names = _names(data for _, _, data in network.edges(data=True))
    keys = [("edge", name) for name in reversed(edge_names)] + [
        ("node", name) for name in reversed(node_names)
    ]
    parts = [_HEADER]
    for scope, name in keys:  # networkx puts each key first as it meets it
        attribute = _escape_attrib(name)
        parts.append(f'\n  <key id="{attribute}" for="{scope}" attr.name="{attribute}" attr.type="string" />')
    if not len(network):
        yield "".join(parts) + '\n  <graph edgedefault="directed" />\n</graphml>\n'
        return
    parts.append('\n  <graph edgedefault="directed">')
    for count, (node, data) in enumerate(network.nodes(data=True), 1):
        parts.append(f'\n    <node id="{_escape_attrib(str(node))}">')
        _data(parts, data, node_names, node_caption)
        parts.append("\n    </node>")
        if count % CHUNK == 0:
            yield "".join(parts).replace("\r", "&#13;")
            parts.clear()
    for count, (source, target, key, data) in enumerate(network.edges(keys=True, data=True), 1):
        parts.append(
            f'\n    <edge source="{_escape_attrib(str(source))}" target="{_escape_attrib(str(target))}"'
            f' id="{_escape_attrib(str(key))}">'
        )
        _data(parts, data, edge_names, edge_caption)
        parts.append("\n    </edge>")
        if count % CHUNK == 0:
            yield "".join(parts).replace("\r", "&#13;")
            parts.clear()
    parts.append("\n  </graph>\n</graphml>\n")
    yield "".join(parts).replace("\r", "&#13;")


def _names(attributes) -> list[str]:
    """The attribute names in the order networkx meets them, ``label`` last (the caption added)."""
    found: dict[str, None] = {}
    for data in attributes:
        found.update(dict.fromkeys(data))
    return [*found, "label"] if found else []


def _data(parts: list[str], data: dict, names: list[str], caption) -> None:
    """The ``<data>`` elements of one node or edge, in attribute order, its caption last."""
    for name in names:
        if name == "label" and "label" not in data:
            text = caption(data)
        elif name in data:
            text = str(data[name])
        else:
            continue
        if text:
            parts.append(f'\n      <data key="{name}">{_escape_cdata(text)}</data>')
        else:
            parts.append(f'\n      <data key="{name}" />')


def write_graphml(graph: KnowledgeGraph, path: Path) -> None:
    """Write the GraphML file (UTF-8); see :func:`graphml_chunks`."""
    with open(path, "w", encoding="utf-8", newline="") as stream:
        for chunk in graphml_chunks(graph):
            stream.write(chunk)
