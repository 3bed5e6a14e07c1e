"""The prefixes every export and query uses, and where entity IRIs live."""

from __future__ import annotations

import re

from pyoxigraph import RdfFormat

import graph
from graph.export import rdf
from graph.model.namespaces import EntityNamespace, graph_prefixes
from tests.conftest import GOOD_ROWS


def test_the_graph_s_own_prefixes_come_first_then_the_vocabulary_s_by_name():
    prefixes = graph_prefixes({"z": "urn:z#", "a": "urn:a#"}, "https://example.org/g/")
    assert list(prefixes) == ["ent", "stmt", "ev", "src", "a", "z"]
    assert prefixes["stmt"] == "https://example.org/g/statement/"
    assert prefixes["src"] == "https://example.org/g/source/"


def test_a_vocabulary_prefix_of_the_same_name_wins():
    assert graph_prefixes({"ent": "urn:mine/"}, "https://example.org/g/")["ent"] == "urn:mine/"


def test_turtle_declares_the_graph_prefixes(write_csv):
    kg = graph.build([write_csv(GOOD_ROWS)], shapes=None)
    declared = dict(
        re.findall(r"^@prefix ([^:\s]*): <([^>]*)> \.$", rdf.serialize(kg, RdfFormat.TURTLE).decode(), re.M)
    )
    assert declared == graph_prefixes(kg.prefixes, kg.base)


def test_entity_iris_live_under_the_base():
    namespace = EntityNamespace("https://example.org/g/")
    iri = namespace.entity("zone")
    assert str(iri) == namespace.prefix + "zone" == "https://example.org/g/entity/zone"
    assert namespace.is_entity(iri)
    assert not namespace.is_entity("https://example.org/g/statement/zone")
