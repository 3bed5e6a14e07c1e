"""What the explorer reads from the built graph: every statement with its qualifiers and evidence, and
every entity's labels, types and links.

Read from the graph's fact table (:class:`~graph.model.table.TripleTable`), never from the CSV and
never by turning the triples into rdflib terms: a statement node is its
:class:`~graph.model.facts.Fact` (``rdf:subject``, ``rdf:predicate``, ``rdf:object``, unit,
approximation, evidence node) plus the qualifier items the table keeps for it; an evidence node
and its section are a few items of the table. :func:`statement_view` makes this view once per
graph; the networkx view (:mod:`graph.explorer.network`) and the page's facts
(:func:`explorer_data`) both read it.
"""

from __future__ import annotations

import functools
import weakref
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

from rdflib import OWL, RDF, RDFS, SKOS, URIRef

from graph.model.facts import FACT_ORDER, Fact
from graph.model.graph import KnowledgeGraph
from graph.model.namespaces import DCTERMS, KG
from graph.model.table import (
    APPROXIMATION,
    DERIVED_FROM,
    RDF_OBJECT,
    RDF_PREDICATE,
    RDF_SUBJECT,
    UNIT,
    Item,
    merge_items,
)

_TYPE, _LABEL, _ALIAS, _SAME_AS = str(RDF.type), str(RDFS.label), str(SKOS.altLabel), str(OWL.sameAs)
_QUOTE, _PART_OF, _IDENTIFIER, _EVENT_NUMBER = (
    str(KG.quote),
    str(DCTERMS.isPartOf),
    str(DCTERMS.identifier),
    str(KG.eventNumber),
)
# Items of a statement node that are not qualifiers: the reified triple and what the builder writes.
_NOT_QUALIFIERS = frozenset(
    {RDF_SUBJECT, RDF_PREDICATE, RDF_OBJECT, DERIVED_FROM, UNIT, APPROXIMATION, _TYPE}
)


@dataclass(frozen=True, slots=True)
class Evidence:
    quote: str
    section: str  # the section code, e.g. "event-9"


NO_EVIDENCE = Evidence("", "")


class Statement(NamedTuple):
    """One statement node of the graph, in compact terms (IRIs and lexical forms as ``str``)."""

    iri: str
    subject: str
    predicate: str
    object: tuple[bool, str, str, str]  # (is_literal, IRI or lexical form, datatype IRI, language)
    unit: str  # IRI of the unit (kg:Unit), or ""
    approximation: str  # IRI of the approximation (kg:Approximation), or ""
    qualifiers: tuple[Item, ...]  # every other item of the statement node, sorted
    evidence: tuple[str, ...]  # the evidence nodes it was derived from, in IRI order


@dataclass
class Entities:
    """Each entity's labels, other names, classes and links, read from the triples whose subject it is."""

    labels: dict[str, dict[str, str]] = field(default_factory=lambda: defaultdict(dict))  # first per language
    aliases: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    types: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    #: (subject, predicate, object, the statement's fact or None) for every link between two entities
    links: list[tuple[str, str, str, Fact | None]] = field(default_factory=list)
    #: "event-N" -> the first entity (in IRI order) whose kg:eventNumber is N
    event_numbers: dict[str, str] = field(default_factory=dict)


class StatementView:
    """Every statement node and entity of one built graph, read from its fact table; see the module docstring.

    Keeps no reference to the graph itself, so :func:`statement_view` can cache it by a weak key.
    """

    def __init__(self, graph: KnowledgeGraph):
        self.table = graph.table
        self.entity_prefix = graph.facts.namespace.entity("")
        self.is_entity = entity_test(graph)
        self._evidence: dict[str, Evidence] = {}

    def statements(self) -> Iterator[Statement]:
        """Every statement node, in IRI order (made on the fly: a large graph has millions)."""
        for statement, _ in self.statements_and_sources():
            yield statement

    def statements_and_sources(self) -> Iterator[tuple[Statement, Fact | Statement]]:
        """:meth:`statements`, each with what makes it again: its fact (:meth:`statement` of it),
        or, for a statement node merged with triples of the CSV, itself."""
        for kind, run in self.table.segments():
            if kind == "statements":
                for fact in run:
                    yield self.statement(fact), fact
            elif kind == "blocks":  # IRIs written in the CSV inside the statement namespace: merged items
                for subject, items in run:
                    statement = _from_items(subject, items)
                    if statement is not None:
                        yield statement, statement

    def statement(self, fact: Fact) -> Statement:
        """The statement node of one statement's fact: the fact, its qualifiers, and any triples the
        CSV gives the same IRI."""
        table = self.table
        iri = table.statement_prefix + fact.statement_key
        if iri in table.subjects or iri in table.others:
            return _from_items(iri, merge_items(table.statement_node_items(fact), table.items(iri)))
        if fact.statement_key in table.extras:
            return _from_items(iri, table.statement_node_items(fact))
        return _plain(iri, fact)

    def evidence(self, node: str) -> Evidence:
        """The sentence of an evidence node (its ``kg:quote``) and the code of the section it is part of."""
        found = self._evidence.get(node)
        if found is None:
            quote = part = section = ""
            for predicate, _, value, _, _ in self.table.items(node):
                if predicate == _QUOTE:
                    quote = value
                elif predicate == _PART_OF:
                    part = value
            for predicate, _, value, _, _ in self.table.items(part) if part else ():
                if predicate == _IDENTIFIER:
                    section = value
            found = self._evidence[node] = Evidence(quote, section)
        return found

    def first_evidence(self, statement: Statement) -> Evidence:
        """The evidence of the statement's first evidence node in IRI order: what the networkx view shows."""
        return self.evidence(statement.evidence[0]) if statement.evidence else NO_EVIDENCE

    @cached_property
    def entities(self) -> Entities:
        """Labels, other names, classes, links and event numbers of every entity, in one pass."""
        table, is_entity = self.table, self.is_entity
        found = Entities()
        labels, aliases, types, links = found.labels, found.aliases, found.types, found.links
        event_numbers = found.event_numbers
        for subject in _starting_with(table.order, self.entity_prefix):
            facts = table.subjects.get(subject, ())
            if subject in table.others:  # triples besides the facts (from the vocabulary): merged
                fact_of = {FACT_ORDER(fact): fact for fact in facts}
                rows = ((item, fact_of.get(item)) for item in table.items(subject))
            else:
                rows = ((FACT_ORDER(fact), fact) for fact in facts)
            for (predicate, is_literal, value, _, language), fact in rows:
                if predicate == _LABEL and is_literal:
                    labels[subject].setdefault(language, value)
                elif predicate == _ALIAS and is_literal:
                    aliases[subject].append(value)
                elif predicate == _TYPE:
                    types[subject].append(value)
                elif not is_literal and is_entity(value) and predicate != _SAME_AS:
                    # owl:sameAs names a merged-away IRI (see graph.model.same_as): not an entity to draw
                    links.append((subject, predicate, value, fact))
                if predicate == _EVENT_NUMBER:
                    event_numbers.setdefault(f"event-{value}", subject)
        return found


_VIEWS: weakref.WeakKeyDictionary[KnowledgeGraph, StatementView] = weakref.WeakKeyDictionary()


def statement_view(graph: KnowledgeGraph) -> StatementView:
    """The :class:`StatementView` of ``graph``, made on first use and kept while the graph lives."""
    view = _VIEWS.get(graph)
    if view is None:
        view = _VIEWS[graph] = StatementView(graph)
    return view


def _plain(iri: str, fact: Fact) -> Statement:
    """The statement node of a fact without qualifiers: everything is on the fact."""
    return Statement(
        iri,
        fact.subject_iri,
        fact.predicate_iri,
        (fact.object_is_literal, fact.object_value, fact.datatype_iri, fact.language),
        fact.unit_iri or "",
        fact.approximation_iri or "",
        (),
        (fact.evidence_node,),
    )


def _from_items(iri: str, items: list[Item]) -> Statement | None:
    """A statement node from its sorted items (the first of each reified part counts), or ``None``
    when it lacks a subject, predicate or object."""
    first: dict[str, Item] = {}
    qualifiers, evidence = [], []
    for item in items:
        predicate = item[0]
        if predicate not in _NOT_QUALIFIERS:
            qualifiers.append(item)
        elif predicate == DERIVED_FROM:
            evidence.append(item[2])
        else:
            first.setdefault(predicate, item)
    if RDF_SUBJECT not in first or RDF_PREDICATE not in first or RDF_OBJECT not in first:
        return None
    return Statement(
        iri,
        first[RDF_SUBJECT][2],
        first[RDF_PREDICATE][2],
        first[RDF_OBJECT][1:],
        first[UNIT][2] if UNIT in first else "",
        first[APPROXIMATION][2] if APPROXIMATION in first else "",
        tuple(qualifiers),
        tuple(evidence),
    )


def _starting_with(order: list[str], prefix: str) -> list[str]:
    """The strings of the sorted list ``order`` that start with ``prefix``."""
    start = bisect_left(order, prefix)
    return order[start : bisect_left(order, prefix[:-1] + chr(ord(prefix[-1]) + 1), start)]


def entity_test(graph: KnowledgeGraph) -> Callable[[str], bool]:
    """A fast ``is_entity(iri)`` for loops over many terms (a bound ``str.startswith``).

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


@dataclass(frozen=True, order=True, slots=True)
class Value:
    """The object of a fact or qualifier: an entity of the graph, another IRI, or a literal."""

    text: str  # the literal's lexical form, or the IRI
    entity: bool = False  # True when ``text`` is the IRI of an entity of the graph
    datatype: str = (
        ""  # a literal's datatype IRI ("" for plain and language-tagged text); "iri" for other IRIs
    )
    language: str = ""

    @classmethod
    def of(cls, is_literal: bool, value: str, datatype: str, language: str, is_entity) -> Value:
        """The value of an item's object (``is_literal``, IRI or lexical form, datatype IRI, language)."""
        if is_literal:
            return cls(value, datatype="" if language else datatype, language=language)
        return cls(value, entity=True) if is_entity(value) else cls(value, datatype="iri")


@dataclass(frozen=True, slots=True)
class EntityFact:
    """One statement about an entity, as the explorer's side panel lists it."""

    statement: str
    subject: str
    predicate: str
    value: Value
    unit: str = ""  # IRI of the unit (kg:Unit), if the figure has one
    approximation: str = ""  # IRI of the approximation (kg:Approximation), if any
    qualifiers: tuple[tuple[str, Value], ...] = ()  # (predicate IRI, value), sorted
    evidence: tuple[Evidence, ...] = ()  # every sentence the statement was derived from, in section order

    @property
    def sections(self) -> tuple[str, ...]:
        """The section codes of the evidence, without repeats, in document order."""
        return tuple(dict.fromkeys(e.section for e in self.evidence if e.section))

    @property
    def entities(self) -> tuple[str, ...]:
        """Every entity the fact is about: its subject, an entity value, entity qualifier values."""
        values = [self.value, *(value for _, value in self.qualifiers)]
        return tuple(dict.fromkeys([self.subject, *(v.text for v in values if v.entity)]))


@dataclass
class ExplorerData:
    """Every fact about the graph's entities, and the labels of the terms and sections they use."""

    facts: list[EntityFact]
    term_labels: dict[str, dict[str, str]] = field(default_factory=dict)  # IRI -> {"zh": ..., "en": ...}
    section_titles: dict[str, dict[str, str]] = field(default_factory=dict)  # "event-9" -> labels

    def sections(self) -> list[str]:
        """Every section code some evidence is in, in document order (intro, event-1 ... event-10)."""
        return sorted({s for fact in self.facts for s in fact.sections}, key=section_order)

    def entity_sections(self) -> dict[str, set[str]]:
        """For each entity, the sections of the evidence of every fact it takes part in."""
        found: dict[str, set[str]] = defaultdict(set)
        for fact in self.facts:
            for entity in fact.entities:
                found[entity].update(fact.sections)
        return found


def explorer_data(graph: KnowledgeGraph) -> ExplorerData:
    """Every statement about an entity, with its qualifiers and evidence, from the graph's :func:`statement_view`.

    >>> import graph
    >>> data = explorer_data(graph.build(["data/triples.csv"]))
    >>> rank = next(f for f in data.facts if f.predicate.endswith("#rank"))
    >>> rank.value.text, rank.sections
    ('10', ('event-5',))
    """
    view = statement_view(graph)
    is_entity = view.is_entity
    evidence_of = view.evidence
    facts = []
    for statement in view.statements():
        if not is_entity(statement.subject):
            continue
        if len(statement.evidence) == 1:  # most statements: nothing to sort
            evidence = (evidence_of(statement.evidence[0]),)
        else:
            found = {evidence_of(node) for node in statement.evidence}
            evidence = tuple(sorted(found, key=lambda e: (section_order(e.section), e.quote)))
        facts.append(
            EntityFact(
                statement=statement.iri,
                subject=statement.subject,
                predicate=statement.predicate,
                value=Value.of(*statement.object, is_entity),
                unit=statement.unit,
                approximation=statement.approximation,
                qualifiers=tuple(
                    sorted((item[0], Value.of(*item[1:], is_entity)) for item in statement.qualifiers)
                ),
                evidence=evidence,
            )
        )
    facts.sort(key=lambda f: (f.subject, f.predicate, f.value.text, f.statement))
    entities = view.entities
    return ExplorerData(
        facts=facts,
        term_labels=_term_labels(graph, facts),
        section_titles=section_titles(entities),
    )


def section_titles(entities: Entities) -> dict[str, dict[str, str]]:
    """Each section's labels ("event-9" -> {"zh": ..., "en": ...}): those of the entity with its event number."""
    return {
        section: dict(entities.labels[entity])
        for section, entity in entities.event_numbers.items()
        if entities.labels.get(entity)
    }


def _term_labels(graph: KnowledgeGraph, facts: list[EntityFact]) -> dict[str, dict[str, str]]:
    """The vocabulary's labels of every property, unit, approximation and non-entity IRI the facts use."""
    terms: set[str] = set()
    for fact in facts:
        terms.add(fact.predicate)
        terms.update(t for t in (fact.unit, fact.approximation) if t)
        if fact.value.datatype == "iri":
            terms.add(fact.value.text)
        for predicate, value in fact.qualifiers:
            terms.add(predicate)
            if value.datatype == "iri":
                terms.add(value.text)
    vocabulary = graph.facts.vocabulary
    return {term: labels for term in sorted(terms) if (labels := vocabulary.labels(URIRef(term)))}
