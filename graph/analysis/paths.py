"""How two entities are joined: the shortest paths between them, each hop with its property and sentence.

Links are read both ways ("A hosts B" joins B to A as well), as in the explorer's neighbourhood.
Names are found as the explorer's search finds them (:mod:`graph.analysis.names`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import islice

import networkx as nx

from graph.analysis.names import Match, find_entities
from graph.errors import KnowledgeGraphError
from graph.explorer.network import network_view
from graph.model.graph import KnowledgeGraph

MAX_PATHS = 10  # shortest paths listed at most: a hub can make hundreds of equally short ones


class UnknownName(KnowledgeGraphError):
    """No entity has this name."""


class AmbiguousName(KnowledgeGraphError):
    """Several entities match a name; ``candidates`` lists them, best first."""

    def __init__(self, name: str, candidates: list[Match]):
        self.name = name
        self.candidates = candidates
        listed = "; ".join(f"{m.label} ({m.key})" for m in candidates[:10])
        more = f" and {len(candidates) - 10} more" if len(candidates) > 10 else ""
        super().__init__(
            f"{name!r} names {len(candidates)} entities: {listed}{more}. Fix: give a longer name or the key"
        )


@dataclass(frozen=True)
class Hop:
    """One link of a path: a statement of the graph, with its property's labels and its sentence."""

    subject: str  # entity IRIs, as the statement has them (the walk may go against the arrow)
    predicate: str  # prefixed name
    object: str
    label_zh: str
    label_en: str
    evidence: str  # the sentence of the article that states it
    section: str
    statement: str  # the statement node's IRI


@dataclass(frozen=True)
class Path:
    """A walk from one entity to another: its entities, and for each step every statement joining the two."""

    entities: list[str]
    steps: list[list[Hop]]

    def __len__(self) -> int:
        return len(self.steps)


def find_entity(graph: KnowledgeGraph, name: str) -> Match:
    """The one entity ``name`` (zh, en, alias, key, or part of one) names; raise when none or several.

    A whole name beats the start of a name, which beats a part: of "江丰", the company whose alias
    starts so is meant, not the event whose title holds it. Ties are ambiguous.

    >>> import graph
    >>> find_entity(graph.build(["data/triples.csv"]), "宁波材料所").key
    'nimte'
    """
    network = network_view(graph)
    for m in find_entities(network, name):
        if name in (m.key, m.iri):
            return m
    found = find_entities(network, name)
    if not found:
        raise UnknownName(
            f"no entity's name, alias or key contains {name!r}. Fix: try kg query or a shorter name"
        )
    best = [m for m in found if m.rank == found[0].rank]
    if len(best) > 1:
        raise AmbiguousName(name, found)
    return found[0]


def find_paths(
    graph: KnowledgeGraph,
    source: str,
    target: str,
    max_hops: int = 6,
    via: Iterable[str] = (),
    limit: int = MAX_PATHS,
) -> list[Path]:
    """The shortest paths (up to ``limit``, none longer than ``max_hops``) between two entity IRIs.

    ``via`` keeps only links of these properties (prefixed names such as ``kg:hosts``, or IRIs).

    >>> import graph
    >>> built = graph.build(["data/triples.csv"])
    >>> a, b = find_entity(built, "江丰").iri, find_entity(built, "宁波材料所").iri
    >>> paths = find_paths(built, a, b)
    >>> len(paths[0]) >= 2, paths[0].entities[0] == a, paths[0].entities[-1] == b
    (True, True, True)
    """
    network = network_view(graph)
    vocabulary = graph.facts.vocabulary
    allowed = {
        vocabulary.shorten(vocabulary.expand(p) or p) if ":" in p and "//" not in p else p for p in via
    }
    allowed |= {vocabulary.shorten(p) for p in via if "//" in p}
    if allowed:
        unknown = allowed - {d["predicate"] for _, _, d in network.edges(data=True)}
        if unknown == allowed:
            raise KnowledgeGraphError(
                f"no link of the graph uses {', '.join(sorted(via))}. Fix: name properties as kg:hosts"
            )

    def kept(data: dict) -> bool:
        return not allowed or data["predicate"] in allowed

    simple = nx.Graph()
    simple.add_nodes_from(network.nodes)
    simple.add_edges_from((s, t) for s, t, d in network.edges(data=True) if s != t and kept(d))
    if source not in simple or target not in simple:
        return []
    if source == target:
        return [Path([source], [])]
    try:
        walks = list(islice(nx.all_shortest_paths(simple, source, target), limit))
    except nx.NetworkXNoPath:
        return []
    if len(walks[0]) - 1 > max_hops:
        return []
    walks.sort()  # all_shortest_paths follows the graph's insertion order; sorting makes it plain
    paths = []
    for walk in walks:
        steps = []
        for a, b in zip(walk, walk[1:], strict=False):
            hops = [
                Hop(s, d["predicate"], t, d["label_zh"], d["label_en"], d["evidence"], d["section"], key)
                for s, t in ((a, b), (b, a))
                for key, d in (network.get_edge_data(s, t) or {}).items()
                if kept(d)
            ]
            steps.append(sorted(hops, key=lambda h: (h.predicate, h.statement)))
        paths.append(Path(walk, steps))
    return paths
