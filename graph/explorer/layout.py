"""Where to draw each node: positions computed once in Python, the same at every build, so a page never moves.

Graphs of up to ``SMALL_GRAPH`` nodes (the article's graph) get stress majorization (Gansner,
Koren and North 2004) of each connected part, started from classical scaling (Brandes and Pich
2008): the distance between two nodes follows the number of links between them. Nodes closer
than ``GAP`` links are then pushed apart, and the parts not linked to the largest go around
it. Everything is numpy (no random start, so no seed is needed here). On the article's graph
(137 nodes, 126 of them linked together), against networkx's Kamada-Kawai layout started from
the seeded spring layout, which it replaced (``python -m benchmarks.article --layout``, one
run on a loaded machine): 0.12 s instead of 0.84 s, without importing ``scipy.optimize``
(0.43 s more); the closest two nodes 128 drawing units apart instead of 23; 21 pairs of
overlapping labels instead of 49; but a stress 18% higher (0.114 against 0.097, normalised)
and 452 link crossings instead of 414. On a 300-node graph it takes a fifth of Kamada-Kawai's time.

Larger graphs get igraph's Fruchterman-Reingold layout of their ``CORE`` most important nodes
only (a force layout costs O(n²) per iteration: networkx's spring layout took about 12 s for
2,000 nodes and 38 s for 4,000), then every other node on a sunflower spiral around the placed
neighbour that reached it first (a breadth-first walk), and the parts not linked to the core
on a spiral outside. That is O(n + m) beyond the core: a few seconds for 20,000 nodes.
"""

from __future__ import annotations

import math
import random
from collections import deque
from collections.abc import Hashable, Mapping

import networkx as nx

from graph.explorer.network import links

SMALL_GRAPH = 300  # up to this many nodes: stress majorization of the whole graph
CORE = 500  # above SMALL_GRAPH: the force layout runs on this many nodes, the rest go on spirals
CORE_STEPS = 500  # iterations of the core's layout (igraph's default)
SPACING = 100.0  # about the distance between neighbours in a small graph, in drawing units
SPIRAL_SPACING = 45.0  # the same on the spirals of a large graph, where labels show only when zoomed in
_GOLDEN_ANGLE = math.pi * (3 - math.sqrt(5))

# the small-graph layout; lengths in links
MAJORIZE_ROUNDS = 300  # at most; the article's graph settles (stress changes by < SETTLED) in 135
SETTLED = 1e-5
GAP = 0.9  # nodes closer are pushed apart; the article's overlapping labels: 21 pairs (at 0.7: 43)
SPREAD_ROUNDS = 50
CLEARANCE = 1.5  # how far a part not linked to the largest one stays from every node
RING_TRIES = 64  # angles tried on one ring before the next ring out
RINGS = 1000  # at most; each is half a link further out, so a free spot is found long before

Position = tuple[float, float]


def layout(graph: nx.Graph, importance: Mapping[Hashable, float], seed: int) -> dict[Hashable, Position]:
    """Positions for every node of ``graph`` (links are read both ways), rounded to 0.1.

    The same graph and seed always give the same positions. ``importance`` orders the nodes
    of a large graph: the most important are laid out first, in the middle.

    >>> positions = layout(nx.path_graph(3), {0: 1, 1: 2, 2: 1}, seed=1)
    >>> sorted(positions) == [0, 1, 2] and positions == layout(nx.path_graph(3), {0: 1, 1: 2, 2: 1}, seed=1)
    True
    """
    # a large graph is laid out from its links as arrays (:func:`_large_layout`): no copy of it here
    undirected = graph if len(graph) > SMALL_GRAPH else _undirected(graph)
    if len(undirected) <= 1:
        return dict.fromkeys(undirected, (0.0, 0.0))
    if len(undirected) <= SMALL_GRAPH:
        positions = _small_layout(undirected)
    else:
        positions = _large_layout(undirected, importance, seed)
    return {node: (round(float(x), 1), round(float(y), 1)) for node, (x, y) in positions.items()}


def _undirected(graph: nx.Graph) -> nx.Graph:
    return nx.Graph(graph.to_undirected(as_view=True)) if graph.is_directed() else nx.Graph(graph)


def _large_layout(
    graph: nx.Graph, importance: Mapping[Hashable, float], seed: int
) -> dict[Hashable, Position]:
    """The ``CORE`` most important nodes by igraph's Fruchterman-Reingold layout (the force model of
    networkx's spring layout, in C), from seeded random positions; every other node around the core
    (:func:`_place_the_rest`). Computed on the links as arrays of node numbers, never on a networkx
    copy of the graph (at 50,000 nodes that copy alone took seconds and hundreds of megabytes).

    Measured on the 500-node core of ``kg synth 100000`` against networkx's spring layout (which
    it replaced): 0.3 s of CPU against 1.7 s; the closest two nodes 23.6 units apart against 9.4;
    the median link 0.63 of the median distance between two nodes against 0.65; the stress
    against path lengths 0.183 against 0.186."""
    import igraph
    import numpy as np

    found = links(graph)
    nodes = found.nodes
    # by importance, ties by name: never by the order of a set of strings (which changes from run to run)
    order = sorted(range(len(nodes)), key=lambda i: (-importance.get(nodes[i], 0.0), str(nodes[i])))
    rank = np.empty(len(nodes), dtype=np.int64)
    rank[order] = np.arange(len(nodes))
    low, high = found.pairs()
    # each node's neighbours, the most important first: node i's are neighbours[start[i]:start[i + 1]]
    ends, others = np.concatenate([low, high]), np.concatenate([high, low])
    by_end = np.lexsort((rank[others], ends))
    neighbours = others[by_end].tolist()
    start = np.concatenate([[0], np.cumsum(np.bincount(ends, minlength=len(nodes)))]).tolist()

    core = min(CORE, len(nodes))
    inside = (rank[low] < core) & (rank[high] < core)
    core_graph = igraph.Graph(n=core, edges=np.column_stack([rank[low][inside], rank[high][inside]]).tolist())
    # random start positions and igraph's random numbers from the seed: the same layout at every run
    first = np.random.RandomState(seed).rand(core, 2).tolist()
    igraph.set_random_number_generator(random.Random(seed))
    try:
        placed = np.array(
            core_graph.layout_fruchterman_reingold(seed=first, niter=CORE_STEPS, grid=False).coords
        )
    finally:
        igraph.set_random_number_generator(random)
    # scaled as networkx's rescale_layout scales a spring layout: centred, the largest coordinate SPACING * sqrt(n)
    placed -= placed.mean(axis=0)
    placed *= SPACING * math.sqrt(core) / (float(np.abs(placed).max()) or 1.0)
    positions: list[Position | None] = [None] * len(nodes)
    for i, (x, y) in zip(order[:core], placed.tolist(), strict=True):
        positions[i] = (x, y)
    _place_the_rest(neighbours, start, order, positions)
    return {node: position for node, position in zip(nodes, positions, strict=True)}


def _place_the_rest(
    neighbours: list[int], start: list[int], order: list[int], positions: list[Position | None]
) -> None:
    """Put each unplaced node on a spiral around the placed node it is reached from (a breadth-first
    walk from the core, the most important first); the parts not linked to the core outside.

    Nodes are numbers: node ``i``'s neighbours are ``neighbours[start[i]:start[i + 1]]``, the most
    important first; ``order`` lists every node, the most important first."""
    children = [0] * len(positions)
    depth = [0] * len(positions)

    def around(anchor: int, spacing: float) -> Position:
        children[anchor] += 1
        k = children[anchor]
        x, y = positions[anchor]
        radius = spacing * (1.0 + math.sqrt(k))
        return x + radius * math.cos(k * _GOLDEN_ANGLE), y + radius * math.sin(k * _GOLDEN_ANGLE)

    def spread(queue: deque) -> None:
        while queue:
            anchor = queue.popleft()
            for neighbour in neighbours[start[anchor] : start[anchor + 1]]:
                if positions[neighbour] is None:
                    depth[neighbour] = depth[anchor] + 1
                    positions[neighbour] = around(anchor, SPIRAL_SPACING / (1 + depth[anchor]))
                    queue.append(neighbour)

    spread(deque(node for node in order if positions[node] is not None))
    extent = max(math.hypot(*p) for p in positions if p is not None) + SPIRAL_SPACING * 2
    outer = 0
    for first in order:
        if positions[first] is None:
            # a part of the graph not linked to the core: its most important node goes on a spiral outside
            outer += 1
            radius = extent + SPIRAL_SPACING * 1.2 * math.sqrt(outer)
            angle = outer * _GOLDEN_ANGLE
            positions[first] = (radius * math.cos(angle), radius * math.sin(angle))
            spread(deque([first]))


def _small_layout(graph: nx.Graph) -> dict[Hashable, Position]:
    """Each connected part by stress majorization started from classical scaling; the largest part
    in the middle, the others around it; scaled as networkx's ``rescale_layout`` (the largest
    coordinate is ``SPACING * sqrt(n)``), as the Kamada-Kawai layout was."""
    import numpy as np

    nodes = list(graph)
    index = {node: i for i, node in enumerate(nodes)}
    neighbours = [[index[m] for m in graph[node] if m != node] for node in nodes]
    points = np.zeros((len(nodes), 2))
    parts = sorted(_parts(neighbours), key=lambda part: (-len(part), part[0]))
    done: list[int] = []
    for part in parts:
        local = np.zeros((1, 2))
        if len(part) > 1:
            distances = _hops(neighbours, part)
            local = _spread(_majorize(distances, _classical_scaling(distances)))
        local -= local.mean(axis=0)
        points[part] = local if not done else local + _free_spot(points[done], local)
        done += part
    points -= points.mean(axis=0)
    points *= SPACING * math.sqrt(len(nodes)) / (float(np.abs(points).max()) or 1.0)
    return {node: (float(x), float(y)) for node, (x, y) in zip(nodes, points.tolist(), strict=True)}


def _parts(neighbours: list[list[int]]) -> list[list[int]]:
    """The connected parts, each a sorted list of node indices."""
    seen = [False] * len(neighbours)
    parts = []
    for first in range(len(neighbours)):
        if not seen[first]:
            seen[first] = True
            part, queue = [first], deque([first])
            while queue:
                for m in neighbours[queue.popleft()]:
                    if not seen[m]:
                        seen[m] = True
                        part.append(m)
                        queue.append(m)
            parts.append(sorted(part))
    return parts


def _hops(neighbours: list[list[int]], part: list[int]):
    """The matrix of shortest-path lengths (in links) between the nodes of one connected part:
    a breadth-first search from every node at once, one matrix product per step."""
    import numpy as np

    local = {node: i for i, node in enumerate(part)}
    linked = np.zeros((len(part), len(part)))
    for i, node in enumerate(part):
        linked[i, [local[m] for m in neighbours[node]]] = 1.0
    hops = np.zeros((len(part), len(part)))
    reached = np.eye(len(part), dtype=bool)
    frontier = reached
    for step in range(1, len(part)):  # a connected part is reached within len(part) - 1 steps
        frontier = ((frontier @ linked) > 0) & ~reached
        if not frontier.any():
            break
        hops[frontier] = step
        reached |= frontier
    return hops


def _classical_scaling(distances):
    """Classical multidimensional scaling: the two main axes of the doubly centred squared path
    lengths, each turned so that its largest entry is positive (eigenvectors have no sign)."""
    import numpy as np

    n = len(distances)
    squared = distances**2
    centred = squared - squared.mean(axis=0) - squared.mean(axis=1)[:, None] + squared.mean()
    values, vectors = np.linalg.eigh(-0.5 * centred)
    axes = vectors[:, [-1, -2]] * np.sqrt(np.maximum(values[[-1, -2]], 1e-12))
    signs = np.sign(axes[np.abs(axes).argmax(axis=0), [0, 1]])
    return axes * np.where(signs == 0, 1.0, signs) + np.linspace(0.0, 1e-3, n)[:, None]


def _majorize(distances, points):
    """Stress majorization (Gansner, Koren and North 2004): each round moves every node at once to
    the minimum of a quadratic bound of the stress (the Guttman transform), so the stress, the sum
    over pairs of (distance - path length)² / path length², never grows; until it settles."""
    import numpy as np

    n = len(points)
    off = ~np.eye(n, dtype=bool)
    weights = np.zeros((n, n))
    weights[off] = distances[off] ** -2.0
    laplacian = np.diag(weights.sum(axis=1)) - weights
    inverse = np.linalg.pinv(laplacian)
    target = weights * distances
    stress = math.inf
    for _ in range(MAJORIZE_ROUNDS):
        dx = points[:, 0:1] - points[:, 0]
        dy = points[:, 1:2] - points[:, 1]
        length = np.sqrt(dx * dx + dy * dy)
        current = float((weights * (length - distances) ** 2).sum()) / 2
        if stress - current < SETTLED * current:
            break
        stress = current
        pull = target / np.maximum(length, 1e-9)
        pull[~off] = 0.0
        points = inverse @ (pull.sum(axis=1)[:, None] * points - pull @ points)
    return points


def _spread(points):
    """Push apart every two nodes closer than ``GAP`` links, each by half of what is missing,
    for at most ``SPREAD_ROUNDS`` rounds: stress leaves the many neighbours of a hub crowded
    (on a circle of radius one link, where they want to be two links apart), and their labels
    would overlap."""
    import numpy as np

    for _ in range(SPREAD_ROUNDS):
        dx = points[:, 0:1] - points[:, 0]
        dy = points[:, 1:2] - points[:, 1]
        length = np.sqrt(dx * dx + dy * dy)
        np.fill_diagonal(length, np.inf)
        missing = np.maximum(GAP - length, 0.0)
        if not missing.any():
            break
        share = missing / (2 * np.maximum(length, 1e-9))
        points = points + np.stack([(share * dx).sum(axis=1), (share * dy).sum(axis=1)], axis=1)
    return points


def _free_spot(placed, part):
    """Where a part (its points centred on 0) goes, beside the points ``placed`` (the largest part
    centred on 0 first): on rings around the middle, from where three quarters of the placed
    points lie inward, at golden-angle steps, the first spot where every point of the part is
    ``CLEARANCE`` links from every placed point."""
    import numpy as np

    radii = np.sort(np.sqrt((placed**2).sum(axis=1)))  # not np.quantile: it imports numpy.ma (25 ms)
    ring = float(radii[3 * (len(radii) - 1) // 4]) + float(np.sqrt((part**2).sum(axis=1)).max())
    angles = np.arange(1, RING_TRIES + 1) * _GOLDEN_ANGLE
    for _ in range(RINGS):
        spots = ring * np.stack([np.cos(angles), np.sin(angles)], axis=1)
        moved = part[None, :, None, :] + spots[:, None, None, :]  # spot, point of the part, placed point
        gaps = ((moved - placed[None, None, :, :]) ** 2).sum(axis=-1).min(axis=(1, 2))
        free = np.flatnonzero(gaps >= CLEARANCE**2)
        if len(free):
            return spots[free[0]]
        ring += CLEARANCE / 2
        angles = angles + RING_TRIES * _GOLDEN_ANGLE
    return spots[0]
