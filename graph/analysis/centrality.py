"""Which entities hold the graph together: centralities, components and communities of the entity graph.

Computed on the networkx view of the graph (:func:`~graph.explorer.network.network_view`): entities
only (statement and evidence nodes are not in it), links read both ways and counted once per pair
of entities, because "A hosts B" and "B is hosted by A" join the same two organisations. Louvain
runs with a fixed seed and every figure is rounded, so the same graph always gives the same bytes.
"""

from __future__ import annotations

import csv
import io
import json
import math
import random
import weakref
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field, fields

import networkx as nx

from graph.explorer.network import Links, importance, links, network_view
from graph.explorer.statements import section_order
from graph.model.graph import KnowledgeGraph

LOUVAIN_SEED = 20241223
DIGITS = 6  # figures are rounded to this many decimals, so float noise never changes a byte
EXACT_BETWEENNESS = 1000  # above this many entities betweenness is estimated from a seeded sample
EDGE_VISITS = 2_000_000  # the sample is sized to about this many edge visits (10 to 100 sources)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
TOP = 5  # central entities named per class, event and community


@dataclass(frozen=True)
class EntityScore:
    """One entity's place in the graph."""

    iri: str
    key: str
    label_zh: str
    label_en: str
    type: str
    degree: int  # links to or from other entities (each statement counts)
    pagerank: float
    betweenness: float
    eigenvector: float
    component: int  # 0 is the largest connected component
    community: int  # 0 is the largest Louvain community
    sections: str  # |-joined section codes of the entity's facts

    @property
    def label(self) -> str:
        return self.label_zh or self.label_en or self.key


@dataclass(frozen=True)
class Group:
    """A class, an event (section), a component or a community: its size and its most central entities."""

    name: str
    size: int
    central: list[str]  # keys, by PageRank


@dataclass
class Analysis:
    """Every entity's scores (by PageRank, highest first) and the summaries built from them."""

    entities: list[EntityScore]
    components: list[Group] = field(default_factory=list)
    communities: list[Group] = field(default_factory=list)
    classes: list[Group] = field(default_factory=list)
    events: list[Group] = field(default_factory=list)
    modularity: float = 0.0

    def most_central(self, n: int = 10) -> list[EntityScore]:
        """The ``n`` entities of highest PageRank."""
        return self.entities[:n]

    def to_dict(self) -> dict:
        """Plain JSON-ready data: the summaries, then every entity."""
        return {
            "entities": len(self.entities),
            "modularity": self.modularity,
            "components": [asdict(g) for g in self.components],
            "communities": [asdict(g) for g in self.communities],
            "classes": [asdict(g) for g in self.classes],
            "events": [asdict(g) for g in self.events],
            "ranking": [_fields(e) for e in self.entities],
        }


def _fields(score: EntityScore) -> dict:
    """``dataclasses.asdict`` of a score, without its deep copy (every field is a str, int or float):
    a fifth of the analysis's time at 50,000 entities."""
    return {name: getattr(score, name) for name in _SCORE_FIELDS}


_SCORE_FIELDS = [f.name for f in fields(EntityScore)]

CSV_COLUMNS = [
    "rank", "key", "label_zh", "label_en", "type", "degree", "pagerank", "betweenness", "eigenvector",
    "component", "community", "sections", "iri",
]  # fmt: skip

_ANALYSES: weakref.WeakKeyDictionary[KnowledgeGraph, Analysis] = weakref.WeakKeyDictionary()


def analyze(graph: KnowledgeGraph) -> Analysis:
    """The :class:`Analysis` of ``graph``, computed on first use and kept while the graph lives.

    >>> import graph
    >>> found = analyze(graph.build(["data/triples.csv"]))
    >>> found.entities[0].pagerank >= found.entities[-1].pagerank, len(found.communities) > 1
    (True, True)
    """
    found = _ANALYSES.get(graph)
    if found is None:
        found = _ANALYSES[graph] = analyze_network(network_view(graph))
    return found


def analyze_network(network: nx.MultiDiGraph) -> Analysis:
    """The analysis of an entity network (nodes with the attributes of the networkx view).

    Computed on the network's links as arrays of node numbers (:class:`~graph.explorer.network.Links`)
    with igraph's C routines, not on networkx copies of the network: at a million rows (50,000
    entities) those took minutes and more than a gigabyte. PageRank and eigenvector centrality are
    networkx's floats exactly, betweenness is networkx's up to rounding (the same sample of sources
    on a large graph), communities are igraph's Louvain (multilevel), seeded.

    >>> net = nx.MultiDiGraph()
    >>> for n in "abcd":
    ...     net.add_node(n, key=n, label_zh="", label_en=n, type="kg:Thing", sections="")
    >>> net.add_edges_from([("a", "b"), ("a", "c"), ("a", "d")])
    [0, 0, 0]
    >>> analyze_network(net).entities[0].key
    'a'
    """
    import igraph
    import numpy as np

    network_links = links(network)
    nodes = network_links.nodes
    n = len(nodes)
    low, high = network_links.pairs()
    simple = igraph.Graph(n=n, edges=np.column_stack([low, high]).tolist(), directed=False)
    pagerank = importance(network)
    betweenness = dict(zip(nodes, _betweenness(simple, nodes), strict=True))
    eigenvector = _eigenvector(n, low, high)
    eigenvector = dict(zip(nodes, eigenvector, strict=True)) if eigenvector is not None else {}
    components = _groups(nodes, simple.connected_components().membership)
    communities = _groups(nodes, _louvain(simple)) if n else []
    component_of = {node: i for i, members in enumerate(components) for node in members}
    community_of = {node: i for i, members in enumerate(communities) for node in members}
    degree = dict(
        zip(
            nodes,
            (
                np.bincount(network_links.sources, minlength=n)
                + np.bincount(network_links.targets, minlength=n)
            ).tolist(),
            strict=True,
        )
    )
    scores = []
    for node, a in network.nodes(data=True):
        scores.append(
            EntityScore(
                iri=a.get("iri", node),
                key=a.get("key", node),
                label_zh=a.get("label_zh", ""),
                label_en=a.get("label_en", ""),
                type=a.get("type", ""),
                degree=degree.get(node, 0),
                pagerank=round(pagerank.get(node, 0.0), DIGITS),
                betweenness=round(betweenness.get(node, 0.0), DIGITS),
                eigenvector=round(eigenvector.get(node, 0.0), DIGITS),
                component=component_of.get(node, -1),
                community=community_of.get(node, -1),
                sections=a.get("sections", ""),
            )
        )
    scores.sort(key=lambda e: (-e.pagerank, -e.degree, e.key))
    by_iri = {e.iri: e for e in scores}
    iri_of = {node: a.get("iri", node) for node, a in network.nodes(data=True)}

    def group(name: str, members) -> Group:
        ranked = sorted((by_iri[iri_of[m]] for m in members), key=lambda e: (-e.pagerank, e.key))
        return Group(name, len(ranked), [e.key for e in ranked[:TOP]])

    by_class: dict[str, list] = defaultdict(list)
    by_event: dict[str, list] = defaultdict(list)
    for node, a in network.nodes(data=True):
        by_class[a.get("type", "")].append(node)
        for section in filter(None, a.get("sections", "").split("|")):
            by_event[section].append(node)
    class_sizes = Counter({name: len(members) for name, members in by_class.items()})
    modularity = simple.modularity([community_of[node] for node in nodes]) if simple.ecount() else 0.0
    return Analysis(
        entities=scores,
        components=[group(f"component-{i}", members) for i, members in enumerate(components)],
        communities=[group(f"community-{i}", members) for i, members in enumerate(communities)],
        classes=[
            group(name, by_class[name]) for name in sorted(class_sizes, key=lambda c: (-class_sizes[c], c))
        ],
        events=[group(code, by_event[code]) for code in sorted(by_event, key=section_order)],
        modularity=round(modularity, DIGITS),
    )


def _groups(nodes: list, membership: list[int]) -> list[list]:
    """The nodes of each group (``membership[i]`` is node ``i``'s), largest group first, ties by
    their least node; each group's nodes in the network's order."""
    members: dict[int, list] = defaultdict(list)
    for node, number in zip(nodes, membership, strict=True):
        members[number].append(node)
    return sorted(members.values(), key=lambda group: (-len(group), min(group)))


def _betweenness(simple, nodes: list) -> list[float]:
    """Betweenness, normalised as networkx normalises it, of each node (in node order).

    Exact on up to :data:`EXACT_BETWEENNESS` nodes; above, estimated from the shortest paths of a
    sample of sources, the sample networkx draws for ``betweenness_centrality(k=..., seed=LOUVAIN_SEED)``
    and scaled as it scales it. igraph counts a pair of nodes once where networkx counts it both
    ways: hence the factor 2.
    """
    n = len(nodes)
    if n < 3:
        return [0.0] * n
    if n <= EXACT_BETWEENNESS:
        scale = 2 / ((n - 1) * (n - 2))
        return [b * scale for b in simple.betweenness(directed=False)]
    sample = min(100, max(10, EDGE_VISITS // max(1, simple.ecount())))
    sources = random.Random(LOUVAIN_SEED).sample(range(n), sample)
    found = simple.betweenness(directed=False, sources=sources)
    # networkx: a sampled source is not a (source, target) pair of its own paths, hence k - 1 for it
    scale_source, scale_other = 2 / ((sample - 1) * (n - 2)), 2 / (sample * (n - 2))
    chosen = set(sources)
    return [b * (scale_source if i in chosen else scale_other) for i, b in enumerate(found)]


def _louvain(simple) -> list[int]:
    """Each node's community by Louvain's method (igraph's multilevel), with a seeded random order."""
    import igraph

    igraph.set_random_number_generator(random.Random(LOUVAIN_SEED))
    try:
        return simple.community_multilevel().membership
    finally:
        igraph.set_random_number_generator(random)


def _eigenvector(n: int, low, high) -> list[float] | None:
    """Eigenvector centrality of the simple graph of the pairs ``(low, high)``; on a graph of several
    components each is scaled as networkx does for the whole. None for a graph without links."""
    if len(low) == 0:
        return None
    try:
        return eigenvector_of_pairs(n, low, high, max_iter=1000, tol=1e-08)
    except nx.PowerIterationFailedConvergence:  # pragma: no cover - bipartite graphs oscillate
        return eigenvector_of_pairs(n, low, high, max_iter=5000, tol=1e-06)


def eigenvector_centrality(graph: nx.Graph, max_iter: int = 100, tol: float = 1.0e-6) -> dict:
    """``nx.eigenvector_centrality`` (unweighted) of a simple undirected graph, the same floats,
    with each step done by numpy (see :func:`eigenvector_of_pairs`).

    >>> eigenvector_centrality(nx.path_graph(3)) == nx.eigenvector_centrality(nx.path_graph(3))
    True
    """
    if len(graph) == 0:
        raise nx.NetworkXPointlessConcept("cannot compute centrality for the null graph")
    graph_links = Links(graph)
    low, high = graph_links.pairs()
    found = eigenvector_of_pairs(len(graph_links), low, high, max_iter, tol)
    return dict(zip(graph_links.nodes, found, strict=True))


def eigenvector_of_pairs(n: int, low, high, max_iter: int = 100, tol: float = 1.0e-6) -> list[float]:
    """networkx's eigenvector centrality of ``n`` nodes linked by the pairs ``(low[i], high[i])``.

    networkx's power iteration runs in Python: ``for n in x: for nbr in G[n]: x[nbr] += xlast[n]``.
    Each node thus receives its neighbours' terms in node order, whatever the order of its
    neighbours; here ``numpy.add.at`` adds the same terms one by one in that order, the norm is
    the same ``math.hypot`` and convergence the same ``sum``: the tests compare the two for
    equality, float for float.
    """
    import numpy as np

    sources = np.concatenate([low, high])
    targets = np.concatenate([high, low])
    order = np.argsort(sources, kind="stable")
    sources, targets = sources[order], targets[order]
    x = np.full(n, 1 / n)
    for _ in range(max_iter):
        last = x
        x = last.copy()
        np.add.at(x, targets, last[sources])
        norm = math.hypot(*x.tolist()) or 1
        x = x / norm
        if sum(np.abs(x - last).tolist()) < n * tol:
            return x.tolist()
    raise nx.PowerIterationFailedConvergence(max_iter)


def analysis_json(analysis: Analysis) -> str:
    """The analysis as JSON text: sorted keys, two-space indent, UTF-8 names as they are."""
    return json.dumps(analysis.to_dict(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def analysis_csv(analysis: Analysis) -> str:
    """One row per entity, highest PageRank first (:data:`CSV_COLUMNS`)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for rank, e in enumerate(analysis.entities, 1):
        row = _fields(e)
        row["rank"] = rank
        writer.writerow([_safe(row[c]) for c in CSV_COLUMNS])
    return buffer.getvalue()


def _safe(value):
    """A text cell that a spreadsheet would run as a formula gets a leading ``'`` (as nodes.csv does)."""
    return "'" + value if isinstance(value, str) and value.startswith(_FORMULA_START) else value


def write_analysis_json(graph: KnowledgeGraph, path) -> None:
    """Write :func:`analysis_json` of the graph (UTF-8)."""
    path.write_bytes(analysis_json(analyze(graph)).encode("utf-8"))


def write_analysis_csv(graph: KnowledgeGraph, path) -> None:
    """Write :func:`analysis_csv` of the graph (UTF-8)."""
    path.write_bytes(analysis_csv(analyze(graph)).encode("utf-8"))
