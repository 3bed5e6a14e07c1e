"""The built knowledge graph: its triples as rdflib terms, and views of it for rdflib, Oxigraph and counting.

The triples live in a compact :class:`~graph.model.table.TripleTable`; ``triples`` (rdflib
terms) is made from it the first time it is asked for, so a large build that only writes
Turtle and N-Triples never pays for millions of rdflib objects.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable, Iterator
from functools import cached_property

import pyoxigraph as ox
import rdflib
from rdflib import Literal, URIRef

from graph.model.facts import Fact, FactSet
from graph.model.namespaces import RDF_TYPE
from graph.model.ntriples import ntriples_bytes, ntriples_chunks
from graph.model.table import TripleTable
from graph.model.terms import rdflib_literal

Triple = tuple[URIRef, URIRef, URIRef | Literal]


class KnowledgeGraph:
    """Facts, their provenance and the vocabulary, as one set of triples without blank nodes.

    ``triples`` is sorted by N-Triples text, so everything written from it is deterministic.
    ``statement_facts`` maps each statement node to the rows it was built from.
    """

    def __init__(
        self,
        table: TripleTable,
        prefixes: dict[str, str] | None = None,
        base: str = "",
        facts: FactSet | None = None,
    ):
        self.table = table
        self.prefixes = prefixes or {}
        self.base = base
        self.facts = facts

    def __len__(self) -> int:
        return len(self.table)

    def __iter__(self) -> Iterator[Triple]:
        return iter(self.triples)

    @cached_property
    def triples(self) -> list[Triple]:
        """Every triple as rdflib terms, sorted (made on first use, then kept)."""
        iris: dict[str, URIRef] = {}

        def iri(value: str) -> URIRef:
            term = iris.get(value)
            if term is None:
                term = iris[value] = URIRef(value)
            return term

        result = []
        for subject, (predicate, is_literal, value, datatype, language) in self.table.triples():
            obj = rdflib_literal(value, datatype, language) if is_literal else iri(value)
            result.append((iri(subject), iri(predicate), obj))
        return result

    @cached_property
    def statement_facts(self) -> dict[URIRef, list[Fact]]:
        """The rows each statement node was built from: the statement's own row, then its qualifiers."""
        prefix = self.table.statement_prefix
        result: dict[URIRef, list[Fact]] = {}
        by_id: dict[str, list[Fact]] = {}
        for fact in self.table.statements:
            rows = result[URIRef(prefix + fact.statement_key)] = [fact]
            if fact.statement_id:
                by_id[fact.statement_id] = rows
        for fact in self.facts.facts if self.facts else ():
            if fact.qualifies and fact.qualifies in by_id:
                by_id[fact.qualifies].append(fact)
        return result

    def ntriples_chunks(self) -> Iterator[str]:
        """The graph as N-Triples text, in pieces (see :mod:`graph.model.ntriples`)."""
        return ntriples_chunks(self.table)

    def ntriples_bytes(self) -> Iterator[bytes]:
        """The same pieces in UTF-8 (see :func:`graph.model.ntriples.ntriples_bytes`)."""
        return ntriples_bytes(self.table)

    def to_rdflib(self) -> rdflib.Graph:
        """A new rdflib Graph holding every triple, with the vocabulary's prefixes bound."""
        graph = rdflib.Graph(bind_namespaces="core")
        for prefix, namespace in self.prefixes.items():
            graph.bind(prefix, namespace, override=True)
        graph.addN((s, p, o, graph) for s, p, o in self.triples)
        return graph

    def to_oxigraph(self) -> list[ox.Triple]:
        """The triples as pyoxigraph terms, in the same order (a new list)."""
        return list(self.oxigraph_triples)

    @cached_property
    def oxigraph_triples(self) -> tuple[ox.Triple, ...]:
        """The triples as pyoxigraph terms, parsed once by Oxigraph from our N-Triples text."""
        text = "".join(self.ntriples_chunks()).encode()
        return tuple(ox.parse(text, format=ox.RdfFormat.N_TRIPLES))

    def to_store(self, location: str | os.PathLike | None = None) -> ox.Store:
        """A new pyoxigraph Store holding every triple in its default graph: in memory, or on disk
        in the folder ``location``. This is the one way the package fills a store (see
        :func:`ntriples_store`)."""
        return ntriples_store(self.ntriples_chunks(), location)

    def count_by_class(self) -> Counter[URIRef]:
        """How many entities each class has (rdf:type facts, vocabulary excluded)."""
        counts = Counter(
            f.object_value for f in self.facts.facts if f.predicate_iri == RDF_TYPE and not f.qualifies
        )
        return Counter({URIRef(cls): count for cls, count in counts.items()})

    def count_by_predicate(self) -> Counter[URIRef]:
        """How many facts use each property (qualifiers included)."""
        counts = Counter(f.predicate_iri for f in self.facts.facts)
        return Counter({URIRef(p): count for p, count in counts.items()})


def ntriples_store(chunks: Iterable[str], location: str | os.PathLike | None = None) -> ox.Store:
    """A new pyoxigraph Store (in memory, or on disk in the folder ``location``) holding the triples
    of N-Triples text given in pieces (whole lines each), such as :func:`graph.model.ntriples.ntriples_lines`.

    The text is handed to Oxigraph's bulk loader a few megabytes at a time, so no Python object
    is made per triple.

    >>> len(ntriples_store(["<urn:x:s> <urn:x:p> <urn:x:o> .\\n", '<urn:x:s> <urn:x:p> "o" .\\n']))
    2
    """
    store = ox.Store(str(location)) if location is not None else ox.Store()
    for batch in _batches(chunks, 1 << 23):
        store.bulk_load(batch, format=ox.RdfFormat.N_TRIPLES)
    return store


def _batches(chunks: Iterable[str], size: int) -> Iterator[bytes]:
    """Join text pieces into UTF-8 batches of about ``size`` characters, each ending where a piece ends."""
    pending: list[str] = []
    length = 0
    for chunk in chunks:
        pending.append(chunk)
        length += len(chunk)
        if length >= size:
            yield "".join(pending).encode()
            pending, length = [], 0
    if pending:
        yield "".join(pending).encode()
