"""The explorer's facts come from the RDF graph: qualifiers, units, approximations, evidence and sections."""

from __future__ import annotations

import pytest

import graph
from graph.explorer.statements import explorer_data
from graph.model.namespaces import KG
from tests.support.explorer_fixtures import write_small_dataset

ENTITY = "https://example.org/ningbo-kg/entity/"


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    return graph.build([write_small_dataset(tmp_path_factory.mktemp("small"))], shapes=None)


def test_a_qualified_figure_keeps_its_qualifiers_and_evidence(small):
    data = explorer_data(small)
    rank = next(f for f in data.facts if f.predicate == str(KG.rank))
    assert rank.subject == ENTITY + "zone"
    assert rank.value.text == "10" and not rank.value.entity
    qualifiers = {predicate: value for predicate, value in rank.qualifiers}
    assert qualifiers[str(KG.outOf)].text == "178"
    assert qualifiers[str(KG.assessor)].entity and qualifiers[str(KG.assessor)].text == ENTITY + "city"
    assert [(e.quote, e.section) for e in rank.evidence] == [
        ("宁波高新区在全国178家高新区中排名第10。", "event-5")
    ]


def test_an_approximate_figure_keeps_its_approximation(small):
    talent = next(f for f in explorer_data(small).facts if f.predicate == str(KG.researcherCount))
    assert talent.approximation == str(KG.Over) and talent.unit == ""
    assert explorer_data(small).term_labels[str(KG.Over)] == {"zh": "超过", "en": "over"}


def test_links_both_ways_are_two_facts_with_entity_values(small):
    links = [
        (f.subject[len(ENTITY) :], f.value.text[len(ENTITY) :])
        for f in explorer_data(small).facts
        if f.predicate.endswith("location")
    ]
    assert sorted(links) == [("lab", "zone"), ("zone", "lab")]


def test_an_entity_belongs_to_the_sections_of_every_fact_it_takes_part_in(small):
    data = explorer_data(small)
    sections = data.entity_sections()
    # the city is only a qualifier value in event 5, and has its own facts in the introduction
    assert sections[ENTITY + "city"] == {"intro", "event-5"}
    assert sections[ENTITY + "lab"] == {"event-9"}
    assert data.sections() == ["intro", "event-5", "event-9"]


def test_every_statement_about_an_entity_is_a_fact(small):
    data = explorer_data(small)
    statements = {str(s) for s in small.statement_facts}
    assert {f.statement for f in data.facts} == statements
    assert all(f.evidence for f in data.facts)


def test_event_titles_come_from_the_event_entities():
    data = explorer_data(graph.build(["data/triples.csv"]))
    assert data.section_titles["event-5"]["zh"] == "宁波高新区综合排名首次跻身全国前十"
