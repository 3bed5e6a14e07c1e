"""The triple table: statement-node triples generated from a Fact, sorted blocks, and its count."""

from __future__ import annotations

import graph
from graph.model.facts import Fact
from graph.model.namespaces import APPROXIMATION, DERIVED_FROM, RDF_OBJECT, RDF_PREDICATE, RDF_SUBJECT, UNIT
from graph.model.table import STATEMENT_PREDICATES, TripleTable, merge_items, statement_items
from tests.conftest import EV, GOOD_ROWS

BASE = "https://example.org/g/"
XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"


def fact(statement_key: str = "r1", **fields) -> Fact:
    """A built fact: the builder gives each statement its key and evidence node."""
    values = {
        "file": "f.csv",
        "row": 2,
        "subject_iri": BASE + "entity/zone",
        "predicate_iri": "https://example.org/ningbo-kg/vocab#rank",
        "object_value": "10",
        "object_is_literal": True,
        "datatype_iri": XSD_INTEGER,
    } | fields
    result = Fact.new(**values)
    result.statement_key = statement_key
    result.evidence_node = BASE + "evidence/e1"
    return result


def test_a_statement_node_has_the_triple_and_its_evidence():
    f = fact()
    assert statement_items(f) == [
        (RDF_OBJECT, True, "10", XSD_INTEGER, ""),
        (RDF_PREDICATE, False, f.predicate_iri, "", ""),
        (RDF_SUBJECT, False, f.subject_iri, "", ""),
        (DERIVED_FROM, False, BASE + "evidence/e1", "", ""),
    ]


def test_unit_and_approximation_are_added_in_sorted_order():
    f = fact(unit_iri="urn:unit:percent", approximation_iri="urn:approx:over")
    items = statement_items(f)
    assert [item[0] for item in items] == list(STATEMENT_PREDICATES)
    assert items == sorted(items)
    assert (UNIT, False, "urn:unit:percent", "", "") in items
    assert (APPROXIMATION, False, "urn:approx:over", "", "") in items


def test_merging_sorts_and_drops_repeats():
    a = [("urn:p", False, "urn:b", "", ""), ("urn:q", True, "x", "", "")]
    b = [("urn:p", False, "urn:a", "", ""), ("urn:q", True, "x", "", "")]
    assert merge_items(a, b) == [
        ("urn:p", False, "urn:a", "", ""),
        ("urn:p", False, "urn:b", "", ""),
        ("urn:q", True, "x", "", ""),
    ]


def test_a_table_of_facts_counts_and_orders_every_triple():
    """Subjects before and after the statement nodes, qualifiers merged into their statement node."""
    first = fact(subject_iri=BASE + "entity/a", statement_key="s1")
    second = fact(subject_iri=BASE + "entity/z", statement_key="s2", unit_iri="urn:unit:percent")
    table = TripleTable(
        BASE,
        subjects={first.subject_iri: [first], second.subject_iri: [second]},
        others={"urn:vocab": [("urn:p", True, "label", "", "en")]},
        statements=[first, second],
        extras={"s1": [("urn:outOf", True, "178", XSD_INTEGER, "")]},
        qualified={"s1": first},
    )
    subjects = [subject for subject, _ in table.blocks()]
    assert subjects == sorted(subjects)
    assert subjects == [
        BASE + "entity/a",
        BASE + "entity/z",
        BASE + "statement/s1",
        BASE + "statement/s2",
        "urn:vocab",
    ]
    assert [kind for kind, _ in table.segments()] == ["subjects", "statements", "subjects"]
    blocks = dict(table.blocks())
    assert ("urn:outOf", True, "178", XSD_INTEGER, "") in blocks[BASE + "statement/s1"]
    assert len(blocks[BASE + "statement/s2"]) == 5  # four and the unit
    assert len(table) == 1 + 1 + 5 + 5 + 1 == len(list(table.triples()))


def test_a_subject_iri_that_is_also_a_statement_node_is_one_merged_block(write_csv):
    rows = [
        *GOOD_ROWS,
        f"r1,zone,kg:rank,10,,,,,{EV}",
        f",<https://example.org/ningbo-kg/statement/r1>,rdfs:label,the rank,,en,,,{EV}",
    ]
    kg = graph.build([write_csv(rows)], shapes=None)
    table = kg.table
    assert "blocks" in [kind for kind, _ in table.segments()]
    node = "https://example.org/ningbo-kg/statement/r1"
    (items,) = [items for subject, items in table.blocks() if subject == node]
    predicates = [p for p, *_ in items]
    assert RDF_SUBJECT in predicates and "http://www.w3.org/2000/01/rdf-schema#label" in predicates
    assert items == sorted(set(items))
    subjects = [subject for subject, _ in table.blocks()]
    assert subjects == sorted(set(subjects))
    assert len(table) == len(list(table.triples())) == len(set(table.triples()))
