"""Standard RDF serialisations: Turtle, N-Triples and RDF/XML through Oxigraph's serialisers, JSON-LD through rdflib."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox

from ..knowledge_graph import KnowledgeGraph

OXIGRAPH_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "rdfxml": ox.RdfFormat.RDF_XML,
}


def serialize(graph: KnowledgeGraph, rdf_format: ox.RdfFormat) -> bytes:
    """The graph in ``rdf_format``; triples come in the graph's sorted order, so output is deterministic."""
    prefixes = None if rdf_format == ox.RdfFormat.N_TRIPLES else _prefixes(graph)
    return ox.serialize(graph.oxigraph_triples, format=rdf_format, prefixes=prefixes)


def write_turtle(graph: KnowledgeGraph, path: Path) -> None:
    path.write_bytes(serialize(graph, ox.RdfFormat.TURTLE))


def write_ntriples(graph: KnowledgeGraph, path: Path) -> None:
    path.write_bytes(serialize(graph, ox.RdfFormat.N_TRIPLES))


def write_rdfxml(graph: KnowledgeGraph, path: Path) -> None:
    path.write_bytes(serialize(graph, ox.RdfFormat.RDF_XML))


def write_jsonld(graph: KnowledgeGraph, path: Path) -> None:
    """JSON-LD compacted with a context of the vocabulary's prefixes and the entity base."""
    context = {**_prefixes(graph), "@base": graph.base}
    text = graph.to_rdflib().serialize(
        format="json-ld", context=context, auto_compact=True, sort_keys=True, indent=1
    )
    document = _ordered(json.loads(text))
    path.write_text(
        json.dumps(document, ensure_ascii=False, sort_keys=True, indent=1) + "\n", encoding="utf-8"
    )


def _ordered(value):
    """rdflib emits nodes and values in set order; sort them so the same graph gives the same bytes."""
    if isinstance(value, dict):
        return {key: item if key == "@list" else _ordered(item) for key, item in value.items()}
    if isinstance(value, list):
        items = [_ordered(item) for item in value]
        return sorted(items, key=lambda item: json.dumps(item, ensure_ascii=False, sort_keys=True))
    return value


def _prefixes(graph: KnowledgeGraph) -> dict[str, str]:
    base = graph.base
    own = {
        "ent": f"{base}entity/",
        "stmt": f"{base}statement/",
        "ev": f"{base}evidence/",
        "src": f"{base}source/",
    }
    return {**own, **dict(sorted(graph.prefixes.items()))}
