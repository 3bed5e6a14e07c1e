"""The interactive HTML graph: pyvis for node and edge data, our own template, every script inline.

pyvis's own templates link Bootstrap and vis-network from a CDN and insert text unescaped,
so only its data model is used; the page is rendered from ``graph/templates/graph.html``.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import networkx as nx
from pyvis.network import Network

from ..knowledge_graph import KnowledgeGraph
from ..network import to_networkx

LAYOUT_SEED = 20241223  # fixed, so the layout is the same at every build


def _vis_network_js() -> str:
    return (resources.files("pyvis") / "lib" / "vis-9.1.2" / "vis-network.min.js").read_text(encoding="utf-8")


def page_data(graph: KnowledgeGraph) -> dict:
    """Nodes and edges as the page's script reads them (built with pyvis's data model)."""
    network = to_networkx(graph)
    simple = nx.DiGraph(network)
    positions = (
        nx.spring_layout(simple, seed=LAYOUT_SEED, scale=60 * max(1, len(simple)) ** 0.5)
        if len(simple)
        else {}
    )
    rank = nx.pagerank(simple) if len(simple) else {}
    vis = Network(directed=True)
    for node, attributes in network.nodes(data=True):
        x, y = positions.get(node, (0.0, 0.0))
        vis.add_node(
            node,
            label=attributes["label_zh"] or attributes["key"],
            x=round(float(x), 2),
            y=round(float(y), 2),
            size=round(8 + 400 * rank.get(node, 0), 2),
            physics=False,
            group=attributes["type"],
            label_zh=attributes["label_zh"],
            label_en=attributes["label_en"],
            aliases=attributes["aliases"],
            sections=attributes["sections"],
        )
    for source, target, attributes in network.edges(data=True):
        vis.add_edge(
            source,
            target,
            label=attributes["label_zh"],
            label_zh=attributes["label_zh"],
            label_en=attributes["label_en"],
            evidence=attributes["evidence"],
            section=attributes["section"],
            arrows="to",
        )
    return {"nodes": vis.nodes, "edges": vis.edges}


def render(graph: KnowledgeGraph, title: str = "ningbo-kg") -> str:
    """The whole page as text."""
    template = (resources.files("graph") / "templates" / "graph.html").read_text(encoding="utf-8")
    data = json.dumps(page_data(graph), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    # JSON inside <script type="application/json"> must not close the element or open a comment
    data = data.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return (
        template.replace("{{ title }}", _escape_html(title))
        .replace("{{ vis_js }}", _vis_network_js().replace("</script", "<\\/script"))
        .replace("{{ data }}", data)
    )


def _escape_html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def write_html(graph: KnowledgeGraph, path: Path) -> None:
    path.write_text(render(graph), encoding="utf-8")
