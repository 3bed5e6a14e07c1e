"""Entities found by name, and the shortest paths between them with their sentences."""

from __future__ import annotations

import pytest

import graph
from graph.analysis.names import find_entities
from graph.analysis.paths import AmbiguousName, UnknownName, find_entity, find_paths
from graph.explorer.network import network_view
from tests.conftest import GOOD_ROWS
from tests.support.article_graph import ENTITY, article_graph


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("宁波材料所", "nimte"),  # part of the zh label
        ("nimte", "nimte"),  # the key
        ("Ningbo Institute of Materials Technology", "nimte"),  # start of the en label, any case
        ("江丰", "jiangfeng"),  # an alias starts so; an event's title only contains it
        ("宁波市", "ningbo"),  # a whole name beats the longer names containing it
    ],
)
def test_a_name_finds_its_entity(name, key):
    assert find_entity(article_graph(), name).key == key


def test_an_ambiguous_name_lists_its_candidates():
    with pytest.raises(AmbiguousName) as caught:
        find_entity(article_graph(), "宁波高新")
    keys = [m.key for m in caught.value.candidates]
    assert {"ningbo-hitech-zone", "hitech-zone-committee"} <= set(keys)
    assert "ningbo-hitech-zone" in str(caught.value)


def test_an_unknown_name_says_so():
    with pytest.raises(UnknownName):
        find_entity(article_graph(), "no such organisation")


def test_search_order_is_the_explorers():
    found = find_entities(network_view(article_graph()), "宁波")
    assert found[0].rank == 0  # an exact name hides partial matches
    assert all(m.rank == 0 for m in found)


def test_two_organisations_of_different_events_are_joined_by_sentences():
    kg = article_graph()
    paths = find_paths(kg, ENTITY + "jiangfeng", ENTITY + "nimte")
    assert paths
    walk = paths[0]
    assert walk.entities[0] == ENTITY + "jiangfeng" and walk.entities[-1] == ENTITY + "nimte"
    sections = set()
    for step, (a, b) in zip(walk.steps, zip(walk.entities, walk.entities[1:], strict=False), strict=True):
        assert step, "every step has a statement"
        for hop in step:
            assert {hop.subject, hop.object} == {a, b}
            assert hop.evidence and hop.predicate and (hop.label_zh or hop.label_en)
            sections.add(hop.section)
    assert {"event-7", "event-8"} <= sections
    # every path returned is a shortest one
    assert len({len(p) for p in paths}) == 1


def test_via_keeps_only_those_properties_and_max_hops_bounds_the_walk():
    kg = article_graph()
    assert find_paths(kg, ENTITY + "jiangfeng", ENTITY + "nimte", max_hops=2) == []
    only = find_paths(kg, ENTITY + "jiangfeng", ENTITY + "nimte", via=["kg:involves", "kg:supports"])
    assert only and all(
        h.predicate in {"kg:involves", "kg:supports"} for p in only for s in p.steps for h in s
    )
    involves = find_paths(kg, ENTITY + "jiangfeng", ENTITY + "nimte", via=["kg:involves"])
    assert all(h.predicate == "kg:involves" for p in involves for s in p.steps for h in s)
    assert not involves or len(involves[0]) > len(only[0])


def test_a_path_on_a_small_graph(write_csv):
    kg = graph.build([write_csv(GOOD_ROWS)], shapes=None)
    lab, zone = find_entity(kg, "甬江"), find_entity(kg, "Ningbo High-tech Zone")
    (walk,) = find_paths(kg, lab.iri, zone.iri)
    ((hop,),) = walk.steps
    assert hop.predicate == "schema:location" and hop.evidence == "甬江实验室位于宁波。"
