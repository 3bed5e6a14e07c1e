"""The networkx view of the RDF graph: entities as nodes, links between them as edges, with labels and evidence.

Derived from the RDF triples (never from the CSV), so it can only say what the graph says.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

import networkx as nx
from rdflib import RDF, RDFS, SKOS, Literal, URIRef

from graph.model.graph import KnowledgeGraph
from graph.model.namespaces import DCTERMS, KG, PROV

# What the loop over every triple looks for, by predicate: a dict look-up hashes in C, where a
# chain of rdflib term comparisons runs Python code for each (about 3x slower on 500k triples).
_ROLES = {
    RDF.subject: "reified",
    RDF.predicate: "reified",
    RDF.object: "reified",
    PROV.wasDerivedFrom: "derived",
    KG.quote: "quote",
    DCTERMS.isPartOf: "part",
    DCTERMS.identifier: "identifier",
    RDFS.label: "label",
    SKOS.altLabel: "alias",
    RDF.type: "type",
}


@dataclass(frozen=True)
class Evidence:
    quote: str
    section: str  # the section code, e.g. "event-9"


def to_networkx(graph: KnowledgeGraph) -> nx.MultiDiGraph:
    """A directed multigraph of the entities.

    Node attributes: ``iri``, ``key``, ``label_zh``, ``label_en``, ``aliases`` (``|``-joined),
    ``type`` (prefixed name of the first class), ``sections`` (``|``-joined section codes).
    Edge attributes (key = statement IRI): ``predicate`` (prefixed), ``label_zh``, ``label_en``,
    ``evidence``, ``section``.

    >>> import graph
    >>> network = to_networkx(graph.build(["data/triples.csv"]))
    >>> network.number_of_nodes() > 0
    True
    """
    vocabulary = graph.facts.vocabulary
    is_entity = entity_test(graph)
    prefix_of = vocabulary.shorten
    labels: dict[URIRef, dict[str, str]] = defaultdict(dict)
    aliases: dict[URIRef, list[str]] = defaultdict(list)
    types: dict[URIRef, list[URIRef]] = defaultdict(list)
    links: list[tuple[URIRef, URIRef, URIRef]] = []
    statement_of: dict[tuple, URIRef] = {}
    reified: dict[URIRef, dict[URIRef, object]] = defaultdict(dict)
    derived_from: dict[URIRef, URIRef] = {}
    quotes: dict[URIRef, str] = {}
    part_of: dict[URIRef, URIRef] = {}
    identifiers: dict[URIRef, str] = {}

    for s, p, o in graph.triples:
        role = _ROLES.get(p)
        if role == "reified":
            reified[s][p] = o
        elif role == "derived":
            derived_from.setdefault(s, o)
        elif role == "quote":
            quotes[s] = str(o)
        elif role == "part":
            part_of[s] = o
        elif role == "identifier":
            identifiers[s] = str(o)
        if not is_entity(s):
            continue
        if role == "label" and isinstance(o, Literal):
            labels[s].setdefault(o.language or "", str(o))
        elif role == "alias" and isinstance(o, Literal):
            aliases[s].append(str(o))
        elif role == "type":
            types[s].append(o)
        elif isinstance(o, URIRef) and is_entity(o):
            links.append((s, p, o))

    for statement, parts in reified.items():
        statement_of[(parts.get(RDF.subject), parts.get(RDF.predicate), parts.get(RDF.object))] = statement

    def evidence_of(triple: tuple) -> Evidence:
        statement = statement_of.get(triple)
        evidence = derived_from.get(statement)
        section = part_of.get(evidence)
        return Evidence(quotes.get(evidence, ""), identifiers.get(section, ""))

    sections: dict[URIRef, set[str]] = defaultdict(set)
    for parts in reified.values():
        subject = parts.get(RDF.subject)
        evidence = evidence_of((subject, parts.get(RDF.predicate), parts.get(RDF.object)))
        if evidence.section:
            sections[subject].add(evidence.section)
            if isinstance(parts.get(RDF.object), URIRef) and is_entity(parts[RDF.object]):
                sections[parts[RDF.object]].add(evidence.section)

    network = nx.MultiDiGraph()
    entities = sorted(set(labels) | set(types) | {s for s, _, _ in links} | {o for _, _, o in links})
    prefix_len = len(graph.facts.namespace.entity(""))
    for entity in entities:
        entity_labels = labels.get(entity, {})
        network.add_node(
            str(entity),
            iri=str(entity),
            key=str(entity)[prefix_len:],
            label_zh=entity_labels.get("zh", ""),
            label_en=entity_labels.get("en", ""),
            aliases="|".join(sorted(aliases.get(entity, []))),
            type=prefix_of(str(sorted(types[entity])[0])) if types.get(entity) else "",
            sections="|".join(sorted(sections.get(entity, ()), key=section_order)),
        )
    for s, p, o in links:
        evidence = evidence_of((s, p, o))
        property_labels = vocabulary.labels(p)
        network.add_edge(
            str(s),
            str(o),
            key=str(statement_of.get((s, p, o), "")),
            predicate=prefix_of(str(p)),
            label_zh=property_labels.get("zh", ""),
            label_en=property_labels.get("en", ""),
            evidence=evidence.quote,
            section=evidence.section,
        )
    return network


def entity_test(graph: KnowledgeGraph) -> Callable[[str], bool]:
    """A fast ``is_entity(term)`` for loops over every triple (rdflib terms override startswith in Python).

    >>> import graph
    >>> is_entity = entity_test(graph.build(["data/triples.csv"]))
    >>> is_entity(graph.DEFAULT_BASE + "entity/miit"), is_entity(str(graph.KG.rank))
    (True, False)
    """
    return functools.partial(_starts_with, prefix=str(graph.facts.namespace.entity("")))


def _starts_with(term: str, prefix: str) -> bool:
    return str.startswith(term, prefix)


def section_order(code: str) -> tuple:
    """A sort key for section codes: intro first, then event-1 ... event-10 in numeric order.

    >>> sorted(["event-10", "event-2", "intro"], key=section_order)
    ['intro', 'event-2', 'event-10']
    """
    head, _, number = code.rpartition("-")
    return (code != "intro", *((head, int(number)) if number.isdigit() else (code, -1)))


def importance(network: nx.Graph) -> dict[str, float]:
    """PageRank of each node, with links read both ways (being linked to and linking both count).

    Read both ways because an event that involves many entities matters as much as an entity
    that many events involve. The values sum to 1.

    >>> rank = importance(nx.star_graph(3))
    >>> max(rank, key=rank.get)
    0
    """
    simple = nx.Graph(network.to_undirected(as_view=True)) if network.is_directed() else nx.Graph(network)
    return nx.pagerank(simple) if len(simple) else {}
