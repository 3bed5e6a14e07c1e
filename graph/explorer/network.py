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
        simple = nx.Graph(network.to_undirected(as_view=True)) if network.is_directed() else nx.Graph(network)
        found = pagerank(simple) if len(simple) else {}
        if nx.is_frozen(network):
            _RANKS[network] = found
    return dict(found)


_RANKS: weakref.WeakKeyDictionary[nx.Graph, dict[str, float]] = weakref.WeakKeyDictionary()


def pagerank(graph: nx.Graph, alpha: float = 0.85, max_iter: int = 100, tol: float = 1.0e-6) -> dict:
    """``nx.pagerank`` of an undirected graph (edge weights are not read: the entity network has
    none), the same floats, without scipy.

    networkx builds a scipy sparse matrix for it, and importing ``scipy.sparse`` took longer than
    the rest of the article's page. Here each step adds the same terms in the same order (scipy's
    ``x @ A`` adds row by row; ``numpy.bincount`` adds its weights one by one in that order), and
    the dangling nodes, the damping and the convergence test are networkx's expressions: the tests
    compare the two for equality, float for float.

    >>> pagerank(nx.path_graph(3)) == nx.pagerank(nx.path_graph(3))
    True
    """
    import numpy as np

    nodes = list(graph)
    n = len(nodes)
    if n == 0:
        return {}
    index = {node: i for i, node in enumerate(nodes)}
    rows, columns = [], []
    for node in nodes:  # row by row, as scipy's matrix is read (a self-loop is one entry)
        i = index[node]
        for neighbour in graph[node]:
            rows.append(i)
            columns.append(index[neighbour])
    rows_array, columns_array = np.array(rows, dtype=np.intp), np.array(columns, dtype=np.intp)
    degree = np.bincount(rows_array, minlength=n).astype(float)
    share = np.zeros(n)
    share[degree != 0] = 1.0 / degree[degree != 0]
    weights = share[rows_array]  # the row-normalised matrix: 1/degree of the row
    x = np.repeat(1.0 / n, n)
    p = np.repeat(1.0 / n, n)
    is_dangling = np.where(degree == 0)[0]
    for _ in range(max_iter):
        xlast = x
        step = np.bincount(columns_array, weights=weights * xlast[rows_array], minlength=n)
        x = alpha * (step + sum(x[is_dangling]) * p) + (1 - alpha) * p
        if np.absolute(x - xlast).sum() < n * tol:
            return dict(zip(nodes, map(float, x), strict=True))
    raise nx.PowerIterationFailedConvergence(max_iter)
