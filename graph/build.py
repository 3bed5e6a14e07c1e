"""Facts -> RDF: each fact as a direct triple plus a statement node that carries its qualifiers and evidence.

Provenance model (why, in the README): standard RDF reification. For a fact ``s p o``
the graph holds the triple itself, so plain queries stay plain, and a statement node

    <base/statement/ID> rdf:subject s ; rdf:predicate p ; rdf:object o ;
        prov:wasDerivedFrom <base/evidence/HASH> ;    # the sentence
        kg:unit ... ; kg:approximation ... ;          # from the unit / approx columns
        kg:outOf 178 .                                # qualifier rows (#ID)

    <base/evidence/HASH> a kg:Evidence ; kg:quote "..." ; dcterms:isPartOf <base/source/DOC/SECTION> .

This is RDF 1.1 and SPARQL 1.1 only, so it survives every export format and every tool.
"""

from __future__ import annotations

import hashlib

from rdflib import RDF, Literal, URIRef

from .facts import Fact, FactSet
from .knowledge_graph import KnowledgeGraph, Triple
from .sources import SourceDocument, squeeze
from .vocabulary import DCTERMS, KG, PROV

# Namespace attribute look-ups are slow in rdflib; the hot loop uses these constants.
_SUBJECT, _PREDICATE, _OBJECT, _TYPE = RDF.subject, RDF.predicate, RDF.object, RDF.type
_DERIVED_FROM, _UNIT, _APPROXIMATION = PROV.wasDerivedFrom, KG.unit, KG.approximation
_EVIDENCE, _QUOTE, _PART_OF = KG.Evidence, KG.quote, DCTERMS.isPartOf


def build_graph(fact_set: FactSet, include_vocabulary: bool = True) -> KnowledgeGraph:
    """Turn validated facts into a KnowledgeGraph (assumes ``fact_set`` has no errors)."""
    base = fact_set.namespace.base
    triples: dict[Triple, None] = {}
    add = triples.setdefault
    statements: dict[str, URIRef] = {}
    statement_facts: dict[URIRef, list[Fact]] = {}
    evidence_nodes: dict[tuple, URIRef] = {}
    sections: dict[tuple[str, str], URIRef] = {}

    def evidence_node(fact: Fact) -> URIRef:
        key = (fact.source.slug, fact.section, squeeze(fact.evidence))
        node = evidence_nodes.get(key)
        if node is None:
            section = sections.get(key[:2])
            if section is None:
                section = sections[key[:2]] = _section_node(base, fact.source, fact.section, add)
            digest = hashlib.sha256("\n".join(key).encode()).hexdigest()[:16]
            node = evidence_nodes[key] = URIRef(f"{base}evidence/{digest}")
            add((node, _TYPE, _EVIDENCE))
            add((node, _QUOTE, Literal(fact.evidence)))
            add((node, _PART_OF, section))
        return node

    for fact in fact_set.facts:
        if fact.is_qualifier:
            continue
        statement = URIRef(f"{base}statement/{fact.statement_id or _statement_digest(fact)}")
        if fact.statement_id:
            statements[fact.statement_id] = statement
        statement_facts.setdefault(statement, []).append(fact)
        add((fact.subject, fact.predicate, fact.object))
        add((statement, _SUBJECT, fact.subject))
        add((statement, _PREDICATE, fact.predicate))
        add((statement, _OBJECT, fact.object))
        add((statement, _DERIVED_FROM, evidence_node(fact)))
        if fact.unit is not None:
            add((statement, _UNIT, fact.unit))
        if fact.approximation is not None:
            add((statement, _APPROXIMATION, fact.approximation))

    for fact in fact_set.facts:
        if not fact.is_qualifier:
            continue
        statement = statements[fact.qualifies]
        statement_facts[statement].append(fact)
        add((statement, fact.predicate, fact.object))
        if fact.source is not None:
            add((statement, _DERIVED_FROM, evidence_node(fact)))

    if include_vocabulary:
        for triple in fact_set.vocabulary.graph:
            add(triple)

    return KnowledgeGraph(
        triples=sorted(triples, key=_sort_key),
        prefixes=dict(fact_set.vocabulary.prefixes),
        base=base,
        facts=fact_set,
        statement_facts=statement_facts,
    )


def _statement_digest(fact: Fact) -> str:
    """A stable id for a statement without one: the same triple always gets the same IRI."""
    obj = fact.object
    text = "\n".join(
        (
            fact.subject,
            fact.predicate,
            obj,
            getattr(obj, "datatype", "") or "",
            getattr(obj, "language", "") or "",
        )
    )
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _section_node(base: str, source: SourceDocument, section: str, add) -> URIRef:
    document = URIRef(f"{base}source/{source.slug}")
    node = URIRef(f"{base}source/{source.slug}/{section}")
    add((document, RDF.type, KG.SourceDocument))
    add((document, DCTERMS.identifier, Literal(source.path.name)))
    add((document, KG.sha256, Literal(source.sha256)))
    add((node, RDF.type, KG.Section))
    add((node, DCTERMS.isPartOf, document))
    add((node, DCTERMS.identifier, Literal(section)))
    return node


def _sort_key(triple: Triple) -> tuple:
    s, p, o = triple
    kind = 1 if isinstance(o, Literal) else 0
    return (
        str(s),
        str(p),
        kind,
        str(o),
        str(getattr(o, "datatype", "") or ""),
        getattr(o, "language", "") or "",
    )
