"""Where to draw each node: positions computed once in Python, with a fixed seed, so a page never moves.

Graphs of up to ``SMALL_GRAPH`` nodes (the article's graph) get networkx's Kamada-Kawai layout,
started from a seeded spring layout: it spreads nodes evenly, so labels overlap least. Both
cost O(n²) or more per iteration (measured here: Kamada-Kawai about 2 s for 300 nodes and 20 s
for 600; the spring layout about 12 s for 2,000 nodes and 38 s for 4,000), so larger graphs get
the spring layout of their ``CORE`` most important nodes only, then every other node on a
sunflower spiral around the placed neighbour that reached it first (a breadth-first walk),
and the parts not linked to the core on a spiral outside. That is O(n + m) beyond the core:
a few seconds for 20,000 nodes.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Hashable, Mapping

import networkx as nx

SMALL_GRAPH = 300  # up to this many nodes: Kamada-Kawai on the whole graph
CORE = 500  # above SMALL_GRAPH: the spring layout runs on this many nodes, the rest go on spirals
SPACING = 100.0  # about the distance between neighbours in a small graph, in drawing units
SPIRAL_SPACING = 45.0  # the same on the spirals of a large graph, where labels show only when zoomed in
_GOLDEN_ANGLE = math.pi * (3 - math.sqrt(5))

Position = tuple[float, float]


def layout(graph: nx.Graph, importance: Mapping[Hashable, float], seed: int) -> dict[Hashable, Position]:
    """Positions for every node of ``graph`` (links are read both ways), rounded to 0.1.

    The same graph and seed always give the same positions. ``importance`` orders the nodes
    of a large graph: the most important are laid out first, in the middle.

    >>> positions = layout(nx.path_graph(3), {0: 1, 1: 2, 2: 1}, seed=1)
    >>> sorted(positions) == [0, 1, 2] and positions == layout(nx.path_graph(3), {0: 1, 1: 2, 2: 1}, seed=1)
    True
    """
    undirected = nx.Graph(graph.to_undirected(as_view=True)) if graph.is_directed() else nx.Graph(graph)
    if len(undirected) <= 1:
        return dict.fromkeys(undirected, (0.0, 0.0))
    if len(undirected) <= SMALL_GRAPH:
        start = nx.spring_layout(undirected, seed=seed, method="force")
        positions = nx.kamada_kawai_layout(undirected, pos=start, scale=SPACING * math.sqrt(len(undirected)))
    else:
        order = sorted(undirected, key=lambda node: (-importance.get(node, 0.0), str(node)))
        # not undirected.subgraph(...): a subgraph view lists its nodes in the order of a set of
        # strings, which changes from run to run (string hashing), and the layout follows node order
        core = nx.Graph()
        core.add_nodes_from(order[:CORE])
        core.add_edges_from(undirected.subgraph(order[:CORE]).edges())
        positions = nx.spring_layout(core, seed=seed, method="force", scale=SPACING * math.sqrt(len(core)))
        positions = {node: (float(x), float(y)) for node, (x, y) in positions.items()}
        _place_the_rest(undirected, order, positions)
    return {node: (round(float(x), 1), round(float(y), 1)) for node, (x, y) in positions.items()}


def _place_the_rest(graph: nx.Graph, order: list, positions: dict[Hashable, Position]) -> None:
    """Put each unplaced node on a spiral around the placed node it is reached from; outliers outside."""
    children: dict[Hashable, int] = {}

    def around(anchor: Hashable, spacing: float) -> Position:
        k = children.get(anchor, 0) + 1
        children[anchor] = k
        x, y = positions[anchor]
        radius = spacing * (1.0 + math.sqrt(k))
        return x + radius * math.cos(k * _GOLDEN_ANGLE), y + radius * math.sin(k * _GOLDEN_ANGLE)

    rank = {node: i for i, node in enumerate(order)}
    depth = dict.fromkeys(positions, 0)

    def spread(queue: deque) -> None:
        while queue:
            anchor = queue.popleft()
            for neighbour in sorted(graph[anchor], key=rank.__getitem__):
                if neighbour not in positions:
                    depth[neighbour] = depth[anchor] + 1
                    positions[neighbour] = around(anchor, SPIRAL_SPACING / (1 + depth[anchor]))
                    queue.append(neighbour)

    spread(deque(sorted(positions, key=rank.__getitem__)))
    extent = max(math.hypot(x, y) for x, y in positions.values()) + SPIRAL_SPACING * 2
    outer = 0
    for start in order:
        if start not in positions:
            # a part of the graph not linked to the core: its most important node goes on a spiral outside
            outer += 1
            radius = extent + SPIRAL_SPACING * 1.2 * math.sqrt(outer)
            angle = outer * _GOLDEN_ANGLE
            positions[start] = (radius * math.cos(angle), radius * math.sin(angle))
            depth[start] = 0
            spread(deque([start]))
