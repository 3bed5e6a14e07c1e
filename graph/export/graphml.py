"""GraphML of the networkx view, for Gephi, Cytoscape and yEd.

Besides ``label_zh`` and ``label_en``, every node and edge carries a plain ``label`` in the
article's language (Chinese, else English, else the node's key): Gephi shows ``label`` as the
caption, and takes no other attribute for it.
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx

from graph.explorer.network import network_view
from graph.model.graph import KnowledgeGraph

#: The article's language, which captions use first.
PAGE_LANGUAGE = "zh"


def captioned(graph: KnowledgeGraph) -> nx.MultiDiGraph:
    """A copy of the networkx view with a ``label`` on every node and edge (page language first)."""
    network = network_view(graph).copy()
    other = "en" if PAGE_LANGUAGE == "zh" else "zh"
    for _, attributes in network.nodes(data=True):
        attributes["label"] = (
            attributes[f"label_{PAGE_LANGUAGE}"] or attributes[f"label_{other}"] or attributes["key"]
        )
    for _, _, attributes in network.edges(data=True):
        attributes["label"] = (
            attributes[f"label_{PAGE_LANGUAGE}"] or attributes[f"label_{other}"] or attributes["predicate"]
        )
    return network


def write_graphml(graph: KnowledgeGraph, path: Path) -> None:
    nx.write_graphml(captioned(graph), path, encoding="utf-8", prettyprint=True, named_key_ids=True)
