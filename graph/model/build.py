"""Facts -> RDF: each fact as a direct triple plus a statement node that carries its qualifiers and evidence.

Provenance model (why, in the README): standard RDF reification. For a fact ``s p o``
the graph holds the triple itself, so plain queries stay plain, and a statement node

    <base/statement/ID> rdf:subject s ; rdf:predicate p ; rdf:object o ;
        prov:wasDerivedFrom <base/evidence/HASH> ;    # the sentence
        kg:unit ... ; kg:approximation ... ;          # from the unit / approx columns
        kg:outOf 178 .                                # qualifier rows (#ID)

    <base/evidence/HASH> a kg:Evidence ; kg:quote "..." ; dcterms:isPartOf <base/source/DOC/SECTION> .

This is RDF 1.1 and SPARQL 1.1 only, so it survives every export format and every tool.
The triples are kept in a compact :class:`~graph.model.table.TripleTable`; rdflib terms are made
only when a caller asks for them.
"""

from __future__ import annotations

import hashlib
from operator import attrgetter

from rdflib import RDF, BNode, Literal

from graph.errors import InputError
from graph.model.facts import Fact, FactSet
from graph.model.graph import KnowledgeGraph
from graph.model.namespaces import DCTERMS, DERIVED_FROM, KG
from graph.model.sources import SourceDocument, squeeze
from graph.model.table import RDF_OBJECT, Item, TripleTable, statement_items

_TYPE, _EVIDENCE, _QUOTE, _PART_OF = str(RDF.type), str(KG.Evidence), str(KG.quote), str(DCTERMS.isPartOf)
_IDENTIFIER, _SHA256 = str(DCTERMS.identifier), str(KG.sha256)
_SOURCE_DOCUMENT, _SECTION = str(KG.SourceDocument), str(KG.Section)


def build_graph(fact_set: FactSet, include_vocabulary: bool = True) -> KnowledgeGraph:
    """Turn validated facts into a KnowledgeGraph (assumes ``fact_set`` has no errors).

    Each fact gives its own triple and a statement node with its evidence, so the graph holds
    several triples per fact:

    >>> from graph.ingest import load_facts
    >>> facts = load_facts(["data/triples.csv"])
    >>> graph = build_graph(facts)
    >>> len(graph) > 3 * len(facts.facts)
    True
    """
    return KnowledgeGraph(
        prefixes=dict(fact_set.vocabulary.prefixes),
        base=fact_set.namespace.base,
        facts=fact_set,
        table=build_table(fact_set, include_vocabulary),
    )


def build_table(fact_set: FactSet, include_vocabulary: bool = True) -> TripleTable:
    """The graph's triples, compact and sorted (see :mod:`graph.model.table`)."""
    base = fact_set.namespace.base
    others: dict[str, set[Item]] = {}
    evidence = _EvidenceNodes(base, others)
    statements: list[Fact] = []
    by_id: dict[str, Fact] = {}
    by_predicate: dict[str, list[Fact]] = {}
    digest = statement_digest
    node_of = evidence.node
    optional = 0  # kg:unit and kg:approximation triples of statement nodes
    for fact in fact_set.facts:
        if fact.qualifies:
            continue
        if fact.unit_iri is not None or fact.approximation_iri is not None:
            optional += (fact.unit_iri is not None) + (fact.approximation_iri is not None)
        # a key read in a worker process is the digest already (see graph.ingest.parallel)
        fact.statement_key = fact.statement_id or fact.statement_key or digest(fact)
        fact.evidence_node = node_of(fact)
        if fact.statement_id:
            by_id[fact.statement_id] = fact
        statements.append(fact)
        same = by_predicate.get(fact.predicate_iri)
        if same is None:
            by_predicate[fact.predicate_iri] = [fact]
        else:
            same.append(fact)
    extras: dict[str, set[Item]] = {}
    qualified: dict[str, Fact] = {}
    for fact in fact_set.facts:
        if not fact.qualifies:
            continue
        statement = by_id[fact.qualifies]
        key = statement.statement_key
        qualified[key] = statement
        items = extras.setdefault(key, set())
        items.add(
            (fact.predicate_iri, fact.object_is_literal, fact.object_value, fact.datatype_iri, fact.language)
        )
        if fact.source is not None:
            items.add((DERIVED_FROM, False, node_of(fact), "", ""))
    if include_vocabulary:
        for triple in fact_set.vocabulary.graph:
            subject, item = _item(triple)
            others.setdefault(subject, set()).add(item)
    statements.sort(key=attrgetter("statement_key"))
    by_subject = {subject: facts for subject, facts in fact_set.by_subject.items()}
    if sum(map(len, by_subject.values())) != len(statements):
        # a triple stated twice with different qualifiers: two statements, one triple to index
        grouped = {id(fact) for group in by_subject.values() for fact in group}
        by_predicate = {
            p: kept for p, facts in by_predicate.items() if (kept := [f for f in facts if id(f) in grouped])
        }
    added = sum(len(items - set(statement_items(qualified[key]))) for key, items in extras.items())
    return TripleTable(
        base=base,
        subjects=by_subject,
        others={subject: sorted(items) for subject, items in others.items()},
        statements=statements,
        extras={key: sorted(items) for key, items in extras.items()},
        qualified=qualified,
        by_predicate=by_predicate,
        statement_triples=4 * len(statements) + optional + added,
    )


def as_evidence_of(duplicate: Fact, first: Fact) -> None:
    """Make a row that repeats ``first``'s triple from another sentence into more evidence of ``first``'s
    statement: a qualifier row restating its object, which adds no triple but the row's evidence node."""
    if not first.statement_id:
        first.statement_id = statement_digest(first)  # the IRI it would have anyway
    duplicate.qualifies = first.statement_id
    duplicate.subject_iri = None
    duplicate.predicate_iri = RDF_OBJECT


def statement_digest(fact: Fact) -> str:
    """A stable id for a statement without one: the same triple always gets the same IRI."""
    text = "\n".join(
        (fact.subject_iri, fact.predicate_iri, fact.object_value, fact.datatype_iri, fact.language)
    )
    return hashlib.sha256(text.encode()).hexdigest()[:16]


class _EvidenceNodes:
    """One evidence node per (document, section, sentence without whitespace), and the section nodes."""

    def __init__(self, base: str, others: dict[str, set[Item]]):
        self.base = base
        self.others = others
        self._by_cell: dict[tuple, str] = {}
        self._by_key: dict[tuple[str, str, str], str] = {}
        self._sections: dict[tuple[str, str], str] = {}

    def node(self, fact: Fact) -> str:
        cell_key = (id(fact.source), fact.section, fact.evidence)
        node = self._by_cell.get(cell_key)
        if node is None:
            key = (fact.source.slug, fact.section, squeeze(fact.evidence))
            node = self._by_key.get(key)
            if node is None:
                section = self._sections.get(key[:2])
                if section is None:
                    section = self._sections[key[:2]] = self._section_node(fact.source, fact.section)
                digest = hashlib.sha256("\n".join(key).encode()).hexdigest()[:16]
                node = self._by_key[key] = f"{self.base}evidence/{digest}"
                self.others[node] = {
                    (_TYPE, False, _EVIDENCE, "", ""),
                    (_QUOTE, True, fact.evidence, "", ""),
                    (_PART_OF, False, section, "", ""),
                }
            self._by_cell[cell_key] = node
        return node

    def _section_node(self, source: SourceDocument, section: str) -> str:
        document = f"{self.base}source/{source.slug}"
        node = f"{self.base}source/{source.slug}/{section}"
        self.others.setdefault(document, set()).update(
            {
                (_TYPE, False, _SOURCE_DOCUMENT, "", ""),
                (_IDENTIFIER, True, source.path.name, "", ""),
                (_SHA256, True, source.sha256, "", ""),
            }
        )
        self.others.setdefault(node, set()).update(
            {
                (_TYPE, False, _SECTION, "", ""),
                (_PART_OF, False, document, "", ""),
                (_IDENTIFIER, True, section, "", ""),
            }
        )
        return node


def _item(triple) -> tuple[str, Item]:
    """A vocabulary triple (rdflib terms) as a subject and an item."""
    s, p, o = triple
    if isinstance(s, BNode) or isinstance(o, BNode):
        raise InputError(
            "the vocabulary has blank nodes, which the builder cannot give stable IRIs; give every node an IRI"
        )
    if isinstance(o, Literal):
        return str(s), (str(p), True, str(o), str(o.datatype or ""), o.language or "")
    return str(s), (str(p), False, str(o), "", "")
