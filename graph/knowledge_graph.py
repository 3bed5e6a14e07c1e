"""The built knowledge graph: its triples as rdflib terms, and views of it for rdflib, Oxigraph and counting."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property

import pyoxigraph as ox
import rdflib
from rdflib import RDF, Literal, URIRef

from .facts import Fact, FactSet

Triple = tuple[URIRef, URIRef, URIRef | Literal]


@dataclass
class KnowledgeGraph:
    """Facts, their provenance and the vocabulary, as one set of triples without blank nodes.

    ``triples`` is sorted by N-Triples text, so everything written from it is deterministic.
    ``statement_facts`` maps each statement node to the rows it was built from.
    """

    triples: list[Triple]
    prefixes: dict[str, str]
    base: str
    facts: FactSet
    statement_facts: dict[URIRef, list[Fact]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.triples)

    def __iter__(self) -> Iterator[Triple]:
        return iter(self.triples)

    def to_rdflib(self) -> rdflib.Graph:
        """A new rdflib Graph holding every triple, with the vocabulary's prefixes bound."""
        graph = rdflib.Graph(bind_namespaces="core")
        for prefix, namespace in self.prefixes.items():
            graph.bind(prefix, namespace, override=True)
        for triple in self.triples:
            graph.add(triple)
        return graph

    def to_oxigraph(self) -> list[ox.Triple]:
        """The triples as pyoxigraph terms, in the same order (a new list)."""
        return list(self.oxigraph_triples)

    @cached_property
    def oxigraph_triples(self) -> tuple[ox.Triple, ...]:
        """The triples as pyoxigraph terms, converted once and shared by every serialiser."""
        return tuple(to_oxigraph_triples(self.triples))

    def to_store(self) -> ox.Store:
        """A new in-memory pyoxigraph Store holding every triple in its default graph."""
        store = ox.Store()
        store.bulk_extend(
            ox.Quad(t.subject, t.predicate, t.object) for t in to_oxigraph_triples(self.triples)
        )
        return store

    def count_by_class(self) -> Counter[URIRef]:
        """How many entities each class has (rdf:type facts, vocabulary excluded)."""
        return Counter(f.object for f in self.facts.facts if f.predicate == RDF.type and not f.is_qualifier)

    def count_by_predicate(self) -> Counter[URIRef]:
        """How many facts use each property (qualifiers included)."""
        return Counter(f.predicate for f in self.facts.facts)


def to_oxigraph_triples(triples: list[Triple]) -> Iterator[ox.Triple]:
    """Convert rdflib triples to pyoxigraph triples, converting each distinct IRI once."""
    nodes: dict[str, ox.NamedNode] = {}

    def node(iri: str) -> ox.NamedNode:
        key = str(iri)  # hashing a plain str is much cheaper than hashing an rdflib term
        found = nodes.get(key)
        if found is None:
            found = nodes[key] = ox.NamedNode(key)
        return found

    for s, p, o in triples:
        if isinstance(o, Literal):
            if o.language:
                obj = ox.Literal(str(o), language=o.language)
            elif o.datatype is not None:
                obj = ox.Literal(str(o), datatype=node(o.datatype))
            else:
                obj = ox.Literal(str(o))
        else:
            obj = node(o)
        yield ox.Triple(node(s), node(p), obj)
