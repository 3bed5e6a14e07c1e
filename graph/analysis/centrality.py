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
import weakref
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field

import networkx as nx

from graph.explorer.network import importance, network_view
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
            "ranking": [asdict(e) for e in self.entities],
        }


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

    >>> net = nx.MultiDiGraph()
    >>> for n in "abcd":
    ...     net.add_node(n, key=n, label_zh="", label_en=n, type="kg:Thing", sections="")
    >>> net.add_edges_from([("a", "b"), ("a", "c"), ("a", "d")])
    [0, 0, 0]
    >>> analyze_network(net).entities[0].key
    'a'
    """
    simple = nx.Graph()
    simple.add_nodes_from(network.nodes)
    simple.add_edges_from((s, t) for s, t in network.edges() if s != t)
    n = len(simple)
    pagerank = importance(network)
    if n > EXACT_BETWEENNESS:
        sample = min(100, max(10, EDGE_VISITS // max(1, simple.number_of_edges())))
        betweenness = nx.betweenness_centrality(simple, k=sample, seed=LOUVAIN_SEED)
    else:
        betweenness = nx.betweenness_centrality(simple)
    eigenvector = _eigenvector(simple)
    components = sorted(nx.connected_components(simple), key=lambda c: (-len(c), min(c)))
    communities = (
        sorted(nx.community.louvain_communities(simple, seed=LOUVAIN_SEED), key=lambda c: (-len(c), min(c)))
        if n
        else []
    )
    component_of = {node: i for i, members in enumerate(components) for node in members}
    community_of = {node: i for i, members in enumerate(communities) for node in members}
    degree = dict(network.degree())
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
    modularity = nx.community.modularity(simple, communities) if simple.number_of_edges() else 0.0
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


def _eigenvector(simple: nx.Graph) -> dict:
    """Eigenvector centrality; on a graph of several components each is scaled as networkx does for the whole."""
    if simple.number_of_edges() == 0:
        return {}
    try:
        return eigenvector_centrality(simple, max_iter=1000, tol=1e-08)
    except nx.PowerIterationFailedConvergence:  # pragma: no cover - bipartite graphs oscillate
        return nx.eigenvector_centrality(nx.Graph(simple), max_iter=5000, tol=1e-06)


def eigenvector_centrality(graph: nx.Graph, max_iter: int = 100, tol: float = 1.0e-6) -> dict:
    """``nx.eigenvector_centrality`` (unweighted), the same floats, with each step done by numpy.

    networkx's power iteration runs in Python (a third of the analysis at 100k rows). Here each
    step adds the same terms in the same order (``numpy.add.at`` applies them one by one, in
    networkx's loop order), normalises with the same ``math.hypot`` and tests convergence with the
    same ``sum``: the tests compare the two for equality, float for float.

    >>> eigenvector_centrality(nx.path_graph(3)) == nx.eigenvector_centrality(nx.path_graph(3))
    True
    """
    import numpy as np

    if len(graph) == 0:
        raise nx.NetworkXPointlessConcept("cannot compute centrality for the null graph")
    nodes = list(graph)
    index = {node: i for i, node in enumerate(nodes)}
    sources, targets = [], []
    for node in nodes:  # networkx's order: for n in x, for nbr in G[n]: x[nbr] += xlast[n]
        i = index[node]
        for neighbour in graph[node]:
            sources.append(i)
            targets.append(index[neighbour])
    sources_array, targets_array = np.array(sources, dtype=np.intp), np.array(targets, dtype=np.intp)
    x = np.full(len(nodes), 1 / len(nodes))
    for _ in range(max_iter):
        last = x
        x = last.copy()
        np.add.at(x, targets_array, last[sources_array])
        norm = math.hypot(*x.tolist()) or 1
        x = x / norm
        if sum(np.abs(x - last).tolist()) < len(nodes) * tol:
            return dict(zip(nodes, x.tolist(), strict=True))
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
        row = asdict(e)
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
