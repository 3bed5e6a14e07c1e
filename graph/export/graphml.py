"""GraphML of the networkx view, for Gephi, Cytoscape and yEd."""

from __future__ import annotations

import io
from pathlib import Path

from networkx.readwrite.graphml import GraphMLWriter

from graph.explorer.network import network_view
from graph.model.graph import KnowledgeGraph


def write_graphml(graph: KnowledgeGraph, path: Path) -> None:
    """Write the GraphML file.

    Always networkx's ElementTree writer: ``nx.write_graphml`` switches to lxml when it happens to
    be installed, and lxml writes other bytes (and refuses some text). A carriage return is written
    as ``&#13;``, since an XML parser reads a raw one as a line feed.
    """
    writer = GraphMLWriter(encoding="utf-8", prettyprint=True, named_key_ids=True)
    writer.add_graph_element(network_view(graph))
    stream = io.BytesIO()
    writer.dump(stream)
    path.write_bytes(stream.getvalue().replace(b"\r", b"&#13;"))
