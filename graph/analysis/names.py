"""Entities found by name, as the explorer's search box finds them: zh or en label or alias, whole or in part."""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx


@dataclass(frozen=True)
class Match:
    """One entity a name matched: its IRI, key, labels, class (prefixed name) and how well it matched
    (0: a whole name, 1: the start of a name, 2: inside a name)."""

    iri: str
    key: str
    label_zh: str
    label_en: str
    type: str
    rank: int = 2

    @property
    def label(self) -> str:
        """The zh label, else the en label, else the key."""
        return self.label_zh or self.label_en or self.key


def find_entities(network: nx.MultiDiGraph, query: str, limit: int | None = None) -> list[Match]:
    """The entities whose zh label, en label, alias or key contains ``query`` (case ignored), best first.

    Exact names come first, then names that start with the query, then the rest; among equals the
    shortest matching name, then the order of the nodes. An exact match hides the partial ones,
    so a full name is never ambiguous with a longer name containing it.

    >>> network = nx.MultiDiGraph()
    >>> network.add_node("e/a", key="a", label_zh="宁波大学", label_en="Ningbo University", aliases="宁大", type="")
    >>> network.add_node("e/b", key="b", label_zh="宁波市", label_en="Ningbo", aliases="", type="")
    >>> [m.key for m in find_entities(network, "宁波")]
    ['b', 'a']
    >>> [m.key for m in find_entities(network, "宁大")]
    ['a']
    """
    q = query.strip().lower()
    if not q:
        return []
    found = []
    for order, (node, attributes) in enumerate(network.nodes(data=True)):
        names = [
            attributes.get("label_zh", ""),
            attributes.get("label_en", ""),
            *[a for a in attributes.get("aliases", "").split("|") if a],
            attributes.get("key", ""),
        ]
        names = [n.lower() for n in names if n]
        matching = [n for n in names if q in n]
        if not matching:
            continue
        rank = 0 if q in names else 1 if any(n.startswith(q) for n in names) else 2
        found.append((rank, min(map(len, matching)), order, node, attributes))
    found.sort(key=lambda f: f[:3])
    if found and found[0][0] == 0:
        found = [f for f in found if f[0] == 0]
    matches = [
        Match(node, a.get("key", ""), a.get("label_zh", ""), a.get("label_en", ""), a.get("type", ""), rank)
        for rank, *_, node, a in found
    ]
    return matches[:limit] if limit is not None else matches
