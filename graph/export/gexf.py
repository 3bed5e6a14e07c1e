"""GEXF 1.2 of the networkx view, Gephi's own format: nodes and edges with their ``label`` caption
(the article's language first) and every other attribute as a column.

The file is the same bytes for the same graph: the writer's date stamp is left out. Edges are
identified by their statement IRI (the ``statement`` column too); a node's key is its ``name``.
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx
from networkx.readwrite.gexf import GEXFWriter

from graph.export.graphml import captioned
from graph.model.graph import KnowledgeGraph


def write_gexf(graph: KnowledgeGraph, path: Path) -> None:
    network = nx.MultiDiGraph()
    for node, attributes in captioned(graph).nodes(data=True):
        attributes = dict(attributes)
        attributes["name"] = attributes.pop("key")  # "key" is networkx's word for an edge's key
        network.add_node(node, **attributes)
    source = captioned(graph)
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
