"""The networkx view of the RDF graph: entities as nodes, links between them as edges, with labels and evidence.

Derived from the built graph (its fact table, through :func:`~graph.explorer.statements.statement_view`),
never from the CSV, so it can only say what the graph says. :func:`network_view` builds it once
per graph: GraphML, the node and edge tables and the explorer page all read that one copy.
"""

from __future__ import annotations

import weakref
from collections import defaultdict

import networkx as nx
from rdflib import URIRef

from graph.explorer.statements import NO_EVIDENCE, section_order, statement_view
from graph.model.graph import KnowledgeGraph

_NETWORKS: weakref.WeakKeyDictionary[KnowledgeGraph, nx.MultiDiGraph] = weakref.WeakKeyDictionary()


def network_view(graph: KnowledgeGraph) -> nx.MultiDiGraph:
    """The networkx view of ``graph`` (see :func:`to_networkx`), built on first use and shared while
    the graph lives. It is frozen: read it; to change it, take a copy (:func:`to_networkx`).

    >>> import graph
    >>> built = graph.build(["data/triples.csv"])
    >>> network_view(built) is network_view(built), nx.is_frozen(network_view(built))
    (True, True)
    """
    network = _NETWORKS.get(graph)
    if network is None:
        network = _NETWORKS[graph] = nx.freeze(_build(graph))
    return network


def to_networkx(graph: KnowledgeGraph) -> nx.MultiDiGraph:
    """A directed multigraph of the entities (a new copy of :func:`network_view`, free to change).

    Node attributes: ``iri``, ``key``, ``label_zh``, ``label_en``, ``aliases`` (``|``-joined),
    ``type`` (prefixed name of the first class), ``sections`` (``|``-joined section codes).
    Edge attributes (key = statement IRI): ``predicate`` (prefixed), ``label_zh``, ``label_en``,
    ``evidence``, ``section``.

    >>> import graph
    >>> network = to_networkx(graph.build(["data/triples.csv"]))
    >>> network.number_of_nodes() > 0
    True
    """
    return network_view(graph).copy()


def _build(graph: KnowledgeGraph) -> nx.MultiDiGraph:
    vocabulary = graph.facts.vocabulary
    view = statement_view(graph)
    is_entity, first_evidence = view.is_entity, view.first_evidence
    entities = view.entities
    labels, aliases, types, links = entities.labels, entities.aliases, entities.types, entities.links

    # each entity is in the section of the (first) evidence of every statement it is the subject or object of
    sections: dict[str, set[str]] = defaultdict(set)
    for statement in view.statements():
        section = first_evidence(statement).section
        if section:
            sections[statement.subject].add(section)
            is_literal, value = statement.object[:2]
            if not is_literal and is_entity(value):
                sections[value].add(section)

    network = nx.MultiDiGraph()
    nodes = sorted(set(labels) | set(types) | {s for s, _, _, _ in links} | {o for _, _, o, _ in links})
    prefix_len = len(view.entity_prefix)
    for entity in nodes:
        entity_labels = labels.get(entity, {})
        network.add_node(
            entity,
            iri=entity,
            key=entity[prefix_len:],
            label_zh=_label_in(entity_labels, "zh"),
            label_en=_label_in(entity_labels, "en"),
            aliases="|".join(sorted(_escape_alias(alias) for alias in aliases.get(entity, []))),
            type=vocabulary.shorten(min(types[entity])) if types.get(entity) else "",
            sections="|".join(sorted(sections.get(entity, ()), key=section_order)),
        )
    predicates: dict[str, tuple[str, dict[str, str]]] = {}  # prefixed name and labels, looked up once each
    for s, p, o, fact in links:
        if p not in predicates:
            predicates[p] = (vocabulary.shorten(p), vocabulary.labels(URIRef(p)))
        prefixed, property_labels = predicates[p]
        statement = view.statement(fact) if fact is not None else None
        evidence = first_evidence(statement) if statement is not None else NO_EVIDENCE
        network.add_edge(
            s,
            o,
            key=statement.iri if statement is not None else "",
            predicate=prefixed,
            label_zh=property_labels.get("zh", ""),
            label_en=property_labels.get("en", ""),
            evidence=evidence.quote,
            section=evidence.section,
        )
    return network


def _label_in(labels: dict[str, str], language: str) -> str:
    """The label in ``language`` as a BCP 47 language range matches it: ``zh`` takes ``zh-Hans-CN``
    too (the exact tag first, else the first matching tag in order)."""
    exact = labels.get(language)
    if exact is not None:
        return exact
    for tag in sorted(labels):
        if tag.startswith(language + "-"):
            return labels[tag]
    return ""


def _escape_alias(alias: str) -> str:
    """An alias as it is joined with '|': a '|' or '\\' inside it is escaped with '\\'."""
    return alias.replace("\\", "\\\\").replace("|", "\\|")


class Links:
    """The links of a network as arrays of node numbers: what PageRank, the analysis and the layout of
    a large graph compute on, instead of networkx's dictionaries (a copy of those for a 50,000-entity
    network takes hundreds of megabytes; these arrays a few).

    ``nodes`` are the network's nodes in its order (node number ``i`` is ``nodes[i]``); ``sources``
    and ``targets`` hold one link each, in the order of ``network.edges()``.

    >>> links = Links(nx.MultiDiGraph([("a", "b"), ("b", "a"), ("b", "b"), ("b", "c")]))
    >>> links.nodes, links.pairs()[0].tolist(), links.pairs()[1].tolist(), links.loops().tolist()
    (['a', 'b', 'c'], [0, 1], [1, 2], [1])
    """

    def __init__(self, network: nx.Graph) -> None:
        import numpy as np

        self.nodes = list(network)
        index = {node: i for i, node in enumerate(self.nodes)}
        ends = np.fromiter(
            (index[end] for edge in network.edges() for end in edge[:2]),
            dtype=np.int64,
            count=2 * network.number_of_edges(),
        )
        self.sources, self.targets = ends[0::2], ends[1::2]
        self._pairs = None

    def __len__(self) -> int:
        return len(self.nodes)

    def pairs(self):
        """The simple undirected graph: each pair of distinct linked nodes once, as two arrays of
        node numbers ``(u, v)`` with ``u < v``, sorted by ``u`` then ``v``."""
        if self._pairs is None:
            import numpy as np

            low = np.minimum(self.sources, self.targets)
            high = np.maximum(self.sources, self.targets)
            distinct = low != high
            n = max(1, len(self.nodes))
            codes = np.unique(low[distinct] * n + high[distinct])
            self._pairs = (codes // n, codes % n)
        return self._pairs

    def loops(self):
        """The nodes linked to themselves, each once, ascending."""
        import numpy as np

        return np.unique(self.sources[self.sources == self.targets])


def links(network: nx.Graph) -> Links:
    """The :class:`Links` of ``network``; kept for a frozen network (the networkx view), so the
    analysis and the page make them once."""
    if not nx.is_frozen(network):
        return Links(network)
    found = _LINKS.get(network)
    if found is None:
        found = _LINKS[network] = Links(network)
    return found


def importance(network: nx.Graph) -> dict[str, float]:
    """PageRank of each node, with links read both ways (being linked to and linking both count).

    Read both ways because an event that involves many entities matters as much as an entity
    that many events involve. The values sum to 1. Kept for a frozen network (the networkx view:
    the analysis and the page both rank it).

    >>> rank = importance(nx.star_graph(3))
    >>> max(rank, key=rank.get)
    0
    """
    found = _RANKS.get(network) if nx.is_frozen(network) else None
    if found is None:
        found = pagerank(links(network))
        if nx.is_frozen(network):
            _RANKS[network] = found
    return dict(found)


def pagerank(network_links: Links, alpha: float = 0.85, max_iter: int = 100, tol: float = 1.0e-6) -> dict:
    """``nx.pagerank(nx.Graph(network.to_undirected()))`` computed from the links, the same floats,
    without scipy.

    networkx builds an undirected copy of the network and a scipy sparse matrix from dictionaries
    (most of its time and memory at scale, and importing ``scipy.sparse`` took longer than the rest
    of the article's page). Here the same matrix is a list of entries (each pair of linked nodes
    both ways, a node linked to itself once: all entries 1.0, so the row sums are exact), ordered
    by row as scipy reads ``x @ A``; ``numpy.bincount`` adds its weights one by one in that order,
    so each step adds the same terms in the same order. The dangling nodes, the damping and the
    convergence test are networkx's expressions. The tests compare the two float for float.

    >>> pagerank(links(nx.path_graph(3))) == nx.pagerank(nx.path_graph(3))
    True
    """
    import numpy as np

    n = len(network_links)
    if n == 0:
        return {}
    low, high = network_links.pairs()
    loops = network_links.loops()
    rows = np.concatenate([low, high, loops]).astype(np.intp)
    columns = np.concatenate([high, low, loops]).astype(np.intp)
    by_row = np.argsort(rows, kind="stable")
    rows, columns = rows[by_row], columns[by_row]
    degree = np.bincount(rows, minlength=n).astype(float)
    share = np.zeros(n)
    share[degree != 0] = 1.0 / degree[degree != 0]
    weights = share[rows]  # the row-normalised matrix: 1/degree of the row
    x = np.repeat(1.0 / n, n)
    p = np.repeat(1.0 / n, n)
    dangling = np.where(degree == 0)[0]
    for _ in range(max_iter):
        last = x
        x = (
            alpha * (np.bincount(columns, weights=weights * last[rows], minlength=n) + sum(x[dangling]) * p)
            + (1 - alpha) * p
        )
        if np.absolute(x - last).sum() < n * tol:
            return dict(zip(network_links.nodes, map(float, x), strict=True))
    raise nx.PowerIterationFailedConvergence(max_iter)


_RANKS: weakref.WeakKeyDictionary[nx.Graph, dict[str, float]] = weakref.WeakKeyDictionary()
_LINKS: weakref.WeakKeyDictionary[nx.Graph, Links] = weakref.WeakKeyDictionary()
