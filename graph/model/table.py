"""The built graph's triples in compact form, grouped by subject, in the order every export writes them.

A million-row graph holds several million triples; as rdflib terms (or as pyoxigraph terms
made from Python) they take gigabytes and most of the build time. Here a fact stays one
:class:`~graph.model.facts.Fact` object: it gives both its own triple (in its subject's group) and
the triples of its statement node (``rdf:subject``, ``rdf:predicate``, ``rdf:object``, evidence,
unit, approximation), which are generated from it on the fly. Everything else (qualifiers,
evidence and section nodes, the vocabulary) is a small list of items per subject.

An item is ``(predicate, is_literal, value, datatype, language)``: plain strings and a bool, so
items sort and compare natively. Triples are in the order of ``(subject, predicate, links before
literals, value, datatype, language)``, the order of the N-Triples text of the terms.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import chain

from rdflib import RDF
from rdflib.namespace import PROV

from graph.model.facts import FACT_ORDER, Fact
from graph.model.namespaces import KG

Item = tuple[str, bool, str, str, str]

RDF_SUBJECT, RDF_PREDICATE, RDF_OBJECT = str(RDF.subject), str(RDF.predicate), str(RDF.object)
DERIVED_FROM, UNIT, APPROXIMATION = str(PROV.wasDerivedFrom), str(KG.unit), str(KG.approximation)
#: the predicates of a statement node without qualifiers, in the order they sort
STATEMENT_PREDICATES = (RDF_OBJECT, RDF_PREDICATE, RDF_SUBJECT, DERIVED_FROM, APPROXIMATION, UNIT)
assert list(STATEMENT_PREDICATES) == sorted(STATEMENT_PREDICATES)


def statement_items(fact: Fact) -> list[Item]:
    """The items of a statement node built from ``fact`` (without qualifiers), sorted."""
    items = [
        (RDF_OBJECT, fact.object_is_literal, fact.object_value, fact.datatype_iri, fact.language),
        (RDF_PREDICATE, False, fact.predicate_iri, "", ""),
        (RDF_SUBJECT, False, fact.subject_iri, "", ""),
        (DERIVED_FROM, False, fact.evidence_node, "", ""),
    ]
    if fact.approximation_iri is not None:
        items.append((APPROXIMATION, False, fact.approximation_iri, "", ""))
    if fact.unit_iri is not None:
        items.append((UNIT, False, fact.unit_iri, "", ""))
    return items


def merge_items(*runs: list[Item]) -> list[Item]:
    """Sorted runs of items merged into one sorted list without repeats."""
    return sorted(set(chain.from_iterable(runs)))


@dataclass
class TripleTable:
    """Every triple of a built graph, by subject, sorted; see the module docstring for the layout."""

    base: str
    #: statements' facts grouped by subject, each group sorted in FACT_ORDER (their own triples)
    subjects: dict[str, list[Fact]]
    #: every other triple whose subject is not a statement node: sorted items without repeats
    others: dict[str, list[Item]]
    #: the facts that are statements (not qualifiers), sorted by statement key
    statements: list[Fact]
    #: qualifier items (and their own evidence) by statement key, sorted, without repeats
    extras: dict[str, list[Item]] = field(default_factory=dict)
    #: the fact of each statement key in ``extras``
    qualified: dict[str, Fact] = field(default_factory=dict)
    #: the facts of ``subjects`` by predicate, for readers that want a few predicates only
    by_predicate: dict[str, list[Fact]] = field(default_factory=dict)
    #: how many triples the statement nodes have, when the builder has counted them
    statement_triples: int | None = None

    def __post_init__(self) -> None:
        self.statement_prefix = f"{self.base}statement/"
        self.order = sorted(self.subjects.keys() | self.others.keys())
        self._size: int | None = None

    def __len__(self) -> int:
        if self._size is None:
            self._size = self._count()
        return self._size

    def _count(self) -> int:
        segments = list(self.segments())
        if any(kind == "blocks" for kind, _ in segments):  # rare: count what the blocks hold
            return sum(len(items) for _, items in self.blocks())
        subjects, others = self.subjects, self.others
        size = sum(map(len, subjects.values())) + sum(map(len, others.values()))
        for subject in subjects.keys() & others.keys():  # a subject with facts and other triples
            size += len(self.items(subject)) - len(subjects[subject]) - len(others[subject])
        if self.statement_triples is not None:
            return size + self.statement_triples
        statements = self.statements
        size += 4 * len(statements)
        size += sum(fact.unit_iri is not None for fact in statements)
        size += sum(fact.approximation_iri is not None for fact in statements)
        by_key = {fact.statement_key: fact for fact in statements if fact.statement_key in self.extras}
        for fact in by_key.values():
            size += len(self.statement_node_items(fact)) - len(statement_items(fact))
        return size

    def segments(self) -> Iterator[tuple[str, list]]:
        """The subjects in order, in runs for tight loops: ``("subjects", [subject, ...])`` for subjects
        that are not statement nodes, ``("statements", [fact, ...])`` for statement nodes (each with its
        qualifiers in ``extras``), and ``("blocks", [(subject, items), ...])`` where a statement node
        shares its IRI with another subject (an IRI written in the CSV), merged."""
        order, prefix = self.order, self.statement_prefix
        start = bisect_left(order, prefix)
        end = bisect_left(order, prefix[:-1] + chr(ord(prefix[-1]) + 1), start)
        if start:
            yield "subjects", order[:start]
        if start == end:
            yield "statements", self.statements
        else:
            yield "blocks", list(self._merged_blocks(order[start:end]))
        if end < len(order):
            yield "subjects", order[end:]

    def _merged_blocks(self, subjects: list[str]) -> Iterator[tuple[str, list[Item]]]:
        prefix = self.statement_prefix
        general = ((subject, 0, subject) for subject in subjects)
        statements = ((f"{prefix}{fact.statement_key}", 1, fact) for fact in self.statements)
        pending: tuple[str, list[Item]] | None = None
        for subject, kind, payload in heapq.merge(general, statements, key=lambda b: (b[0], b[1])):
            items = self.items(payload) if kind == 0 else self.statement_node_items(payload)
            if pending is not None and pending[0] == subject:
                pending = (subject, merge_items(pending[1], items))
                continue
            if pending is not None:
                yield pending
            pending = (subject, items)
        if pending is not None:
            yield pending

    def blocks(self) -> Iterator[tuple[str, list[Item]]]:
        """``(subject, sorted items)`` for every subject, in order."""
        prefix = self.statement_prefix
        for kind, run in self.segments():
            if kind == "subjects":
                for subject in run:
                    yield subject, self.items(subject)
            elif kind == "statements":
                for fact in run:
                    yield prefix + fact.statement_key, self.statement_node_items(fact)
            else:
                yield from run

    def items(self, subject: str) -> list[Item]:
        """The sorted items of a subject that is not (only) a statement node."""
        facts = self.subjects.get(subject)
        others = self.others.get(subject)
        if facts is None:
            return others or []
        own = list(map(FACT_ORDER, facts))
        return own if others is None else merge_items(own, others)

    def statement_node_items(self, fact: Fact) -> list[Item]:
        """The sorted items of the statement node of ``fact``, qualifiers included."""
        items = statement_items(fact)
        extra = self.extras.get(fact.statement_key)
        return items if extra is None else merge_items(items, extra)

    def triples(self) -> Iterator[tuple[str, Item]]:
        """Every triple, in order, as ``(subject, item)``."""
        for subject, items in self.blocks():
            for item in items:
                yield subject, item
