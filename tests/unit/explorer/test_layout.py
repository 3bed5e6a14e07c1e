"""Positions: every node placed, the same at every run, and spread out, for small and large graphs."""

from __future__ import annotations

import math
import os
import subprocess
import sys

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


_LARGE_LAYOUT = """
import json, networkx as nx
from graph.explorer import layout as layout_module
from graph.explorer.network import importance
layout_module.SMALL_GRAPH, layout_module.CORE = 40, 30
graph = nx.relabel_nodes(nx.barabasi_albert_graph(200, 2, seed=3), lambda n: f"entity/{n}")
print(json.dumps(layout_module.layout(graph, importance(graph), seed=7), sort_keys=True))
"""


def test_large_graph_layout_is_the_same_in_every_process():
    # string nodes hash differently in each process: nothing may follow the order of a set of them
    runs = {
        subprocess.run(
            [sys.executable, "-c", _LARGE_LAYOUT],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2")
    }
    assert len(runs) == 1 and runs.pop().startswith('{"entity/0": [')


def test_empty_and_single_node_graphs():
    assert layout(nx.Graph(), {}, seed=1) == {}
    assert layout(nx.path_graph(1), {0: 1.0}, seed=1) == {0: (0.0, 0.0)}
