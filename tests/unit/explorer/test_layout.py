"""Positions: every node placed, the same at every run, and spread out, for small and large graphs."""

from __future__ import annotations

import math

import networkx as nx

from graph.explorer import layout as layout_module
from graph.explorer.layout import layout
from graph.explorer.network import importance


def _spread(positions) -> float:
    """The smallest distance between two nodes."""
    points = list(positions.values())
    return min(math.dist(a, b) for i, a in enumerate(points) for b in points[i + 1 :])


def test_small_graph_is_stable_and_spread_out():
    graph = nx.les_miserables_graph()
    first = layout(graph, importance(graph), seed=7)
    assert first == layout(graph, importance(graph), seed=7)
    assert set(first) == set(graph)
    assert _spread(first) > 10  # no two nodes on top of each other (a node is 10-40 units across)


def test_large_graph_layout_places_every_node_apart(monkeypatch):
    # the large-graph path, at a size where it runs in a moment
    monkeypatch.setattr(layout_module, "SMALL_GRAPH", 40)
    monkeypatch.setattr(layout_module, "CORE", 30)
    graph = nx.DiGraph(nx.barabasi_albert_graph(300, 1, seed=3))
    graph.add_nodes_from(range(300, 340))  # nodes without links
    graph.add_edge(400, 401)  # a part not linked to the rest
    rank = importance(graph)
    first = layout(graph, rank, seed=7)
    assert first == layout(graph, rank, seed=7)
    assert set(first) == set(graph)
    assert _spread(first) > 1
    # the hubs are in the middle, the parts not linked to them outside
    hub = max(rank, key=rank.get)
    assert math.hypot(*first[hub]) < min(math.hypot(*first[n]) for n in range(300, 340))


def test_empty_and_single_node_graphs():
    assert layout(nx.Graph(), {}, seed=1) == {}
    assert layout(nx.path_graph(1), {0: 1.0}, seed=1) == {0: (0.0, 0.0)}
