"""The networkx view: built once per graph and shared, read from the fact table, changeable only as a copy."""

from __future__ import annotations

import gc
import weakref

import networkx as nx
import pytest
from rdflib import URIRef

import graph
from graph.explorer import network as network_module
from graph.explorer import statements as statements_module
from graph.explorer.network import network_view, to_networkx
from tests.support.explorer_fixtures import write_small_dataset

ENTITY = "https://example.org/ningbo-kg/entity/"
LOCATED = "甬江实验室位于宁波高新区，宁波高新区支持甬江实验室。"


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    return graph.build([write_small_dataset(tmp_path_factory.mktemp("small"))], shapes=None)


def test_the_view_is_built_once_per_graph_and_shared(small, monkeypatch):
    builds = []
    build = network_module._build
    monkeypatch.setattr(network_module, "_build", lambda kg: builds.append(kg) or build(kg))
    monkeypatch.setattr(network_module, "_NETWORKS", type(network_module._NETWORKS)())
    first = network_view(small)
    assert network_view(small) is first and to_networkx(small) is not first
    assert len(builds) == 1
    with pytest.raises(nx.NetworkXError):
        first.add_node("x")  # frozen: no reader can change what the others read


def test_a_copy_is_free_to_change_and_leaves_the_view_alone(small):
    copy = to_networkx(small)
    assert list(copy.nodes(data=True)) == list(network_view(small).nodes(data=True))
    assert list(copy.edges(keys=True, data=True)) == list(network_view(small).edges(keys=True, data=True))
    copy.add_node("x")
    copy.remove_node(ENTITY + "lab")
    assert "x" not in network_view(small) and ENTITY + "lab" in network_view(small)


def test_the_view_goes_with_its_graph(tmp_path):
    kg = graph.build([write_small_dataset(tmp_path)], shapes=None)
    network = weakref.ref(network_view(kg))
    view = weakref.ref(statements_module.statement_view(kg))
    assert network() is not None and view() is not None
    del kg
    gc.collect()
    assert network() is None and view() is None


def test_edges_carry_their_statement_and_its_evidence(small):
    network = network_view(small)
    edges = {
        (s[len(ENTITY) :], o[len(ENTITY) :]): (key, a) for s, o, key, a in network.edges(keys=True, data=True)
    }
    assert sorted(edges) == [("lab", "zone"), ("zone", "lab")]
    key, attributes = edges[("lab", "zone")]
    # the statement of the CSV row "lab schema:location zone"
    assert [fact.row for fact in small.statement_facts[URIRef(key)]] == [12]
    assert attributes == {
        "predicate": "schema:location",
        "label_zh": "所在地",
        "label_en": "location",
        "evidence": LOCATED,
        "section": "event-9",
    }


def test_nodes_carry_labels_type_and_the_sections_of_their_statements(small):
    nodes = dict(network_view(small).nodes(data=True))
    zone = nodes[ENTITY + "zone"]
    assert (zone["key"], zone["type"], zone["label_zh"], zone["aliases"]) == (
        "zone",
        "kg:HighTechZone",
        "宁波国家高新区",
        "宁波高新区",
    )
    # its own facts are in event 5; it is the object of the lab's location in event 9
    assert zone["sections"] == "event-5|event-9"
    assert nodes[ENTITY + "city"]["label_zh"] == "" and nodes[ENTITY + "city"]["label_en"] == "Ningbo"


def _unweighted(graph: nx.Graph) -> nx.Graph:
    simple = nx.Graph()
    simple.add_nodes_from(graph)
    simple.add_edges_from(graph.edges())
    return simple


@pytest.mark.parametrize(
    "made",
    [
        lambda: nx.path_graph(3),
        lambda: nx.les_miserables_graph(),
        lambda: nx.barabasi_albert_graph(3000, 2, seed=1),
        lambda: nx.gnp_random_graph(400, 0.01, seed=2),  # with nodes of no link (dangling)
        lambda: nx.relabel_nodes(nx.karate_club_graph(), lambda n: f"entity/{n}"),
    ],
)
def test_pagerank_gives_networkx_floats_without_scipy(made):
    graph = _unweighted(made())
    assert network_module.pagerank(network_module.links(graph)) == nx.pagerank(graph)


def test_pagerank_of_self_loops_and_lone_nodes_matches_networkx():
    graph = _unweighted(nx.karate_club_graph())
    graph.add_edges_from([(0, 0), (5, 5)])
    graph.add_nodes_from([100, 101])
    assert network_module.pagerank(network_module.links(graph)) == nx.pagerank(graph)
    assert network_module.pagerank(network_module.links(nx.Graph())) == {}


def test_the_article_ranks_as_networkx_ranks_it():
    from tests.support.article_graph import article_graph

    network = network_view(article_graph())
    simple = nx.Graph(network.to_undirected(as_view=True))
    assert network_module.importance(network) == nx.pagerank(simple)
