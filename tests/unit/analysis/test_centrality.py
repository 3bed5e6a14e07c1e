"""Centralities, components and communities of the entity graph, on the article and on made-up networks."""

from __future__ import annotations

import csv
import io
import json

import networkx as nx
import pytest

from graph.analysis.centrality import analysis_csv, analysis_json, analyze, analyze_network
from graph.explorer.network import network_view
from tests.support.article_graph import article_graph


def entity_network(edges, isolated=()):
    network = nx.MultiDiGraph()
    for node in sorted({n for edge in edges for n in edge} | set(isolated)):
        network.add_node(node, iri=node, key=node, label_zh="", label_en=node, type="kg:Thing", sections="")
    network.add_edges_from(edges)
    return network


def test_a_star_centre_leads_every_centrality():
    found = analyze_network(entity_network([("hub", leaf) for leaf in "abcde"]))
    hub = found.entities[0]
    assert hub.key == "hub"
    assert hub.degree == 5
    assert hub.betweenness == 1.0
    assert hub.eigenvector == max(e.eigenvector for e in found.entities)


def test_two_cliques_are_two_communities_and_an_isolated_node_its_own_component():
    left = [(a, b) for a in "abcd" for b in "abcd" if a < b]
    right = [(a, b) for a in "wxyz" for b in "wxyz" if a < b]
    found = analyze_network(entity_network([*left, *right, ("d", "w")], isolated=["lonely"]))
    community = {e.key: e.community for e in found.entities}
    assert len({community[k] for k in "abcd"}) == 1
    assert len({community[k] for k in "wxyz"}) == 1
    assert community["a"] != community["z"]
    assert [c.size for c in found.components] == [8, 1]
    assert {e.key: e.component for e in found.entities}["lonely"] == 1
    # d and w bridge the two cliques: the highest betweenness
    top = sorted(found.entities, key=lambda e: -e.betweenness)[:2]
    assert {e.key for e in top} == {"d", "w"}


def test_the_article_has_its_central_entities_and_communities():
    found = analyze(article_graph())
    keys = [e.key for e in found.most_central(10)]
    assert keys[0] == "ningbo"
    assert "nimte" in keys
    assert len(found.entities) == article_graph_size()
    big = [c for c in found.communities if c.size > 1]
    assert len(big) >= 5
    assert found.modularity > 0.5
    events = {g.name: g for g in found.events}
    assert "event-7" in events and "nimte" in events["event-7"].central
    classes = {g.name: g.size for g in found.classes}
    assert classes["kg:Event"] == 10


def article_graph_size() -> int:
    return network_view(article_graph()).number_of_nodes()


def test_statement_and_evidence_nodes_are_left_out():
    found = analyze(article_graph())
    assert all("/entity/" in e.iri for e in found.entities)


def test_the_exports_are_deterministic_and_agree():
    found = analyze(article_graph())
    again = analyze_network(network_view(article_graph()))
    assert analysis_json(found) == analysis_json(again)
    data = json.loads(analysis_json(found))
    rows = list(csv.DictReader(io.StringIO(analysis_csv(found))))
    assert len(rows) == len(data["ranking"]) == data["entities"]
    assert rows[0]["key"] == data["ranking"][0]["key"] == "ningbo"
    assert [int(r["rank"]) for r in rows] == list(range(1, len(rows) + 1))


def test_a_formula_in_a_label_is_neutralised_in_the_csv():
    network = entity_network([("a", "b")])
    network.nodes["a"]["label_en"] = "=HYPERLINK(1)"
    assert "'=HYPERLINK(1)" in analysis_csv(analyze_network(network))


@pytest.mark.parametrize(
    "network",
    [
        nx.karate_club_graph(),
        nx.barabasi_albert_graph(2000, 3, seed=1),
        nx.gnm_random_graph(300, 1500, seed=2),
        nx.disjoint_union(nx.star_graph(12), nx.cycle_graph(5)),
    ],
    ids=["karate", "power-law", "random", "two-components"],
)
def test_eigenvector_centrality_gives_networkx_floats_exactly(network):
    from graph.analysis.centrality import eigenvector_centrality

    expected = nx.eigenvector_centrality(network, max_iter=1000, tol=1e-08)
    found = eigenvector_centrality(network, max_iter=1000, tol=1e-08)
    assert list(found) == list(expected) and found == expected


def test_eigenvector_centrality_that_does_not_converge_says_so():
    from graph.analysis.centrality import eigenvector_centrality

    with pytest.raises(nx.PowerIterationFailedConvergence):
        eigenvector_centrality(nx.barabasi_albert_graph(200, 2, seed=3), max_iter=2, tol=1e-12)
