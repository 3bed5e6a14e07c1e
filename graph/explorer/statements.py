"""What the graph explorer says about each entity: every fact, with its qualifiers, evidence and section.

Derived from the RDF graph (the direct triples' statement nodes, their evidence and the
vocabulary's labels), never from the CSV. A fact is one statement node: ``rdf:subject``,
``rdf:predicate``, ``rdf:object``, its unit and approximation, its qualifiers (every other
triple on the statement node) and every piece of evidence it was derived from.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from rdflib import RDF, RDFS, Literal, URIRef

from graph.explorer.network import Evidence, entity_test, section_order
from graph.model.graph import KnowledgeGraph
from graph.model.namespaces import DCTERMS, KG, PROV

# Triples on a statement node that are not qualifiers: the reified triple and what the builder writes.
_NOT_QUALIFIERS = frozenset(
    {RDF.subject, RDF.predicate, RDF.object, PROV.wasDerivedFrom, KG.unit, KG.approximation, RDF.type}
)


# Namespace attribute look-ups are slow in rdflib; the loop over every triple uses these constants.
_ROLES = {
    KG.quote: "quote",
    DCTERMS.isPartOf: "part",
    DCTERMS.identifier: "identifier",
    KG.eventNumber: "event number",
}
_DERIVED_FROM, _UNIT, _APPROXIMATION = PROV.wasDerivedFrom, KG.unit, KG.approximation
_TRIPLE = (RDF.subject, RDF.predicate, RDF.object)


@dataclass(frozen=True, order=True)
class Value:
    """The object of a fact or qualifier: an entity of the graph, another IRI, or a literal."""

    text: str  # the literal's lexical form, or the IRI
    entity: bool = False  # True when ``text`` is the IRI of an entity of the graph
    datatype: str = (
        ""  # a literal's datatype IRI ("" for plain and language-tagged text); "iri" for other IRIs
    )
    language: str = ""

    @classmethod
    def of(cls, term: URIRef | Literal, is_entity) -> Value:
        if isinstance(term, Literal):
            return cls(str(term), datatype=str(term.datatype or ""), language=term.language or "")
        return cls(str(term), entity=True) if is_entity(term) else cls(str(term), datatype="iri")


@dataclass(frozen=True)
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
    """Collect every statement about an entity, with its qualifiers and evidence, from the graph's triples.

    >>> import graph
    >>> data = explorer_data(graph.build(["data/triples.csv"]))
    >>> rank = next(f for f in data.facts if f.predicate.endswith("#rank"))
    >>> rank.value.text, rank.sections
    ('10', ('event-5',))
    """
    is_entity = entity_test(graph)
    statement_prefix = f"{graph.base}statement/"
    statements: dict[URIRef, dict[URIRef, list]] = defaultdict(lambda: defaultdict(list))
    quotes: dict[URIRef, str] = {}
    part_of: dict[URIRef, URIRef] = {}
    identifiers: dict[URIRef, str] = {}
    event_numbers: dict[str, URIRef] = {}
    for s, p, o in graph.triples:
        if str.startswith(s, statement_prefix):
            statements[s][p].append(o)
            continue
        role = _ROLES.get(p)
        if role == "quote":
            quotes[s] = str(o)
        elif role == "part":
            part_of[s] = o
        elif role == "identifier":
            identifiers[s] = str(o)
        elif role == "event number" and is_entity(s):
            event_numbers.setdefault(f"event-{o}", s)

    facts = []
    for statement, parts in statements.items():
        subject, predicate, obj = (parts[key][0] if parts.get(key) else None for key in _TRIPLE)
        if subject is None or predicate is None or obj is None or not is_entity(subject):
            continue
        evidence = {
            Evidence(quotes.get(e, ""), identifiers.get(part_of.get(e), ""))
            for e in parts.get(_DERIVED_FROM, ())
        }
        facts.append(
            EntityFact(
                statement=str(statement),
                subject=str(subject),
                predicate=str(predicate),
                value=Value.of(obj, is_entity),
                unit=str(parts[_UNIT][0]) if parts.get(_UNIT) else "",
                approximation=str(parts[_APPROXIMATION][0]) if parts.get(_APPROXIMATION) else "",
                qualifiers=tuple(
                    sorted(
                        (str(p), Value.of(o, is_entity))
                        for p, values in parts.items()
                        if p not in _NOT_QUALIFIERS
                        for o in values
                    )
                ),
                evidence=tuple(sorted(evidence, key=lambda e: (section_order(e.section), e.quote))),
            )
        )
    facts.sort(key=lambda f: (f.subject, f.predicate, f.value.text, f.statement))
    return ExplorerData(
        facts=facts,
        term_labels=_term_labels(graph, facts),
        section_titles=_section_titles(graph, event_numbers),
    )


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


def _section_titles(graph: KnowledgeGraph, event_numbers: dict[str, URIRef]) -> dict[str, dict[str, str]]:
    """``event-N`` is titled by the labels of the entity whose ``kg:eventNumber`` is N, where there is one."""
    labels: dict[URIRef, dict[str, str]] = defaultdict(dict)
    wanted = set(event_numbers.values())
    for s, p, o in graph.triples if wanted else ():
        if p == RDFS.label and s in wanted and isinstance(o, Literal):
            labels[s].setdefault(o.language or "", str(o))
    return {section: dict(labels[entity]) for section, entity in event_numbers.items() if labels.get(entity)}
