"""Facts -> triples: each row's own triple, a statement node with its qualifiers, and shared evidence nodes."""

from __future__ import annotations

import hashlib

import pytest
from rdflib import RDF, BNode, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV

from graph.errors import InputError
from graph.ingest import load_facts
from graph.model.build import build_graph
from graph.model.namespaces import KG, XSD_NS
from tests.conftest import EV, EV2, GOOD_ROWS, SOURCE_TEXT

BASE = "https://example.org/ningbo-kg/"
ENT, STMT = BASE + "entity/", BASE + "statement/"
# (rdflib's XSD namespace object upsets pytest's collection)
POSITIVE, DATE = URIRef(XSD_NS + "positiveInteger"), URIRef(XSD_NS + "date")
ROWS = [
    *GOOD_ROWS,
    f"r1,zone,kg:rank,10,,,,,{EV}",
    ",#r1,kg:outOf,178,,,,,,,",  # a qualifier without evidence
    f",#r1,dcterms:date,2024-12-23,,,,,{EV2}",  # a qualifier with evidence of its own
    # the sentence of EV with a line break in it: the same evidence node
    ',zone,kg:rdIntensity,8.62,,,percent,,source.txt,event-5,"宁波高新区在全国178家\n高新区中排名第10。"',
]


@pytest.fixture
def built(write_csv):
    facts = load_facts([write_csv(ROWS)])
    assert not facts.errors, facts.errors
    return build_graph(facts)


def objects(kg, subject, predicate) -> set:
    return {o for s, p, o in kg.triples if s == URIRef(subject) and p == predicate}


def test_every_row_gives_its_own_triple(built):
    assert objects(built, ENT + "zone", KG.rank) == {Literal("10", datatype=POSITIVE)}
    assert objects(built, ENT + "lab", URIRef("https://schema.org/location")) == {URIRef(ENT + "zone")}
    assert objects(built, ENT + "zone", KG.outOf) == set()  # a qualifier is said of the statement only


def test_a_statement_with_an_id_carries_the_triple_its_qualifiers_and_all_their_evidence(built):
    node = STMT + "r1"
    assert objects(built, node, RDF.subject) == {URIRef(ENT + "zone")}
    assert objects(built, node, RDF.predicate) == {KG.rank}
    assert objects(built, node, RDF.object) == {Literal("10", datatype=POSITIVE)}
    assert objects(built, node, KG.outOf) == {Literal("178", datatype=POSITIVE)}
    assert objects(built, node, DCTERMS.date) == {Literal("2024-12-23", datatype=DATE)}
    evidence = objects(built, node, PROV.wasDerivedFrom)
    assert len(evidence) == 2  # the row's own sentence and the dated qualifier's
    quotes = {str(q) for e in evidence for q in objects(built, e, KG.quote)}
    assert quotes == {EV.split(",")[2], EV2.split(",")[2]}


def test_a_statement_without_an_id_is_named_by_its_triple(built, write_csv):
    statements = [fact for fact in built.facts.facts if not fact.qualifies]
    nodes = {s for s, p, _ in built.triples if p == RDF.subject}
    assert len(nodes) == len(statements) == 9
    assert all(str(n).startswith(STMT) for n in nodes)
    unit_node = next(iter({s for s, p, _ in built.triples if p == KG.unit}))
    assert objects(built, unit_node, RDF.predicate) == {KG.rdIntensity}
    # the same triple read from another file, in another order, gets the same statement IRI
    facts = load_facts([write_csv([ROWS[-1], *reversed(GOOD_ROWS)], name="again.csv")])
    assert not facts.errors
    again = build_graph(facts)
    assert unit_node in {s for s, p, _ in again.triples if p == KG.unit}


def test_one_evidence_node_per_sentence_of_a_section_whitespace_aside(built):
    evidence = {s for s, p, o in built.triples if p == RDF.type and o == KG.Evidence}
    assert len(evidence) == 2
    about_zone = {s for s, p, o in built.triples if p == RDF.subject and o == URIRef(ENT + "zone")}
    about_zone.remove(URIRef(STMT + "r1"))  # its dated qualifier adds a sentence of its own
    assert len(about_zone) == 4  # the type, two labels and the figure written across two lines
    (node,) = {e for statement in about_zone for e in objects(built, statement, PROV.wasDerivedFrom)}
    (section,) = objects(built, node, DCTERMS.isPartOf)
    assert str(section) == BASE + "source/source/event-5"
    assert objects(built, section, RDF.type) == {KG.Section}
    (document,) = objects(built, section, DCTERMS.isPartOf)
    assert objects(built, document, RDF.type) == {KG.SourceDocument}
    assert objects(built, document, DCTERMS.identifier) == {Literal("source.txt")}
    digest = hashlib.sha256(SOURCE_TEXT.encode()).hexdigest()
    assert objects(built, document, KG.sha256) == {Literal(digest)}


def test_the_vocabulary_is_part_of_the_graph_unless_left_out(built, write_csv):
    ontology = URIRef("https://example.org/ningbo-kg/vocab")
    assert objects(built, ontology, RDF.type) == {OWL.Ontology}
    without = build_graph(load_facts([write_csv(ROWS)]), include_vocabulary=False)
    assert not objects(without, ontology, RDF.type)
    assert len(built) - len(without) == len(built.facts.vocabulary.graph)


def test_a_vocabulary_with_blank_nodes_is_refused(write_csv):
    facts = load_facts([write_csv(GOOD_ROWS)])
    facts.vocabulary.graph.add((BNode(), RDF.type, OWL.Class))
    with pytest.raises(InputError, match="blank nodes"):
        build_graph(facts)
