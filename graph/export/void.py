"""A VoID and DCAT description of the dataset: title, source, licence, counts, and the SHA-256 of each input."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pyoxigraph as ox
from rdflib import DCAT, RDF, VOID, XSD, Literal, URIRef
from rdflib.namespace import DCTERMS

from graph.model.dataset import dataset_description
from graph.model.graph import KnowledgeGraph
from graph.model.ntriples import ntriples_lines

SPDX = "http://spdx.org/rdf/terms#"


def describe(graph: KnowledgeGraph) -> list[tuple]:
    """The dataset description as triples (no blank nodes, no timestamps: deterministic)."""
    dataset = URIRef(f"{graph.base}dataset")
    triples: list[tuple] = [
        (dataset, RDF.type, VOID.Dataset),
        (dataset, RDF.type, DCAT.Dataset),
        (dataset, VOID.triples, Literal(len(graph), datatype=XSD.integer)),
        (dataset, VOID.uriSpace, Literal(f"{graph.base}entity/")),
    ]
    triples += [(dataset, p, o) for p, o in dataset_description(graph.facts.inputs)]
    entities = {f.subject for f in graph.facts.facts if f.subject is not None}
    triples.append((dataset, VOID.entities, Literal(len(entities), datatype=XSD.integer)))
    for cls, count in sorted(graph.count_by_class().items()):
        partition = URIRef(
            f"{graph.base}dataset/class/{graph.facts.vocabulary.shorten(str(cls)).replace(':', '-')}"
        )
        triples += [
            (dataset, VOID.classPartition, partition),
            (partition, VOID["class"], cls),
            (partition, VOID.entities, Literal(count, datatype=XSD.integer)),
        ]
    for prop, count in sorted(graph.count_by_predicate().items()):
        partition = URIRef(
            f"{graph.base}dataset/property/{graph.facts.vocabulary.shorten(str(prop)).replace(':', '-')}"
        )
        triples += [
            (dataset, VOID.propertyPartition, partition),
            (partition, VOID.property, prop),
            (partition, VOID.triples, Literal(count, datatype=XSD.integer)),
        ]
    for path in graph.facts.inputs:
        triples += _file(graph, dataset, path, DCTERMS.source, "input")
    for document in graph.facts.sources.documents():
        source = URIRef(f"{graph.base}source/{document.slug}")
        triples += [
            (dataset, DCTERMS.source, source),
            (source, DCTERMS.identifier, Literal(document.path.name)),
            (source, URIRef(SPDX + "checksum"), URIRef(f"{source}#sha256")),
            (
                URIRef(f"{source}#sha256"),
                URIRef(SPDX + "algorithm"),
                URIRef(SPDX + "checksumAlgorithm_sha256"),
            ),
            (
                URIRef(f"{source}#sha256"),
                URIRef(SPDX + "checksumValue"),
                Literal(document.sha256, datatype=XSD.hexBinary),
            ),
        ]
    for name in ("graph.ttl", "graph.nt", "graph.jsonld", "graph.rdf"):
        triples.append((dataset, VOID.dataDump, URIRef(f"{graph.base}exports/{name}")))
    return triples


def _file(graph: KnowledgeGraph, dataset: URIRef, path: Path, link: URIRef, kind: str) -> list[tuple]:
    node = URIRef(f"{graph.base}dataset/{kind}/{path.name}")
    checksum = URIRef(f"{node}#sha256")
    return [
        (dataset, link, node),
        (node, DCTERMS.identifier, Literal(path.name)),
        (node, URIRef(SPDX + "checksum"), checksum),
        (checksum, URIRef(SPDX + "algorithm"), URIRef(SPDX + "checksumAlgorithm_sha256")),
        (
            checksum,
            URIRef(SPDX + "checksumValue"),
            Literal(hashlib.sha256(path.read_bytes()).hexdigest(), datatype=XSD.hexBinary),
        ),
    ]


def write_void(graph: KnowledgeGraph, path: Path) -> None:
    triples = sorted(describe(graph), key=lambda t: tuple(str(x) for x in t))
    prefixes = {
        "void": str(VOID),
        "dcat": str(DCAT),
        "dcterms": str(DCTERMS),
        "spdx": SPDX,
        "xsd": str(XSD),
        **dict(sorted(graph.prefixes.items())),
    }
    text = "".join(ntriples_lines((str(s), str(p), _term(o)) for s, p, o in triples)).encode()
    parsed = ox.parse(text, format=ox.RdfFormat.N_TRIPLES)
    path.write_bytes(ox.serialize(parsed, format=ox.RdfFormat.TURTLE, prefixes=prefixes))


def _term(term: URIRef | Literal) -> str | tuple[str, str, str]:
    """An rdflib term as plain strings (see :data:`graph.model.ntriples.Term`)."""
    if isinstance(term, Literal):
        return str(term), str(term.datatype or ""), term.language or ""
    return str(term)
