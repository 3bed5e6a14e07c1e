"""GraphML of the networkx view, for Gephi, Cytoscape and yEd."""

from __future__ import annotations

from pathlib import Path

import networkx as nx

from graph.explorer.network import network_view
from graph.model.graph import KnowledgeGraph


def write_graphml(graph: KnowledgeGraph, path: Path) -> None:
    nx.write_graphml(network_view(graph), path, encoding="utf-8", prettyprint=True, named_key_ids=True)
