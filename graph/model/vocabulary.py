"""Namespaces and the vocabulary file: which prefixes, classes, properties, units and approximations a CSV may use."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from rdflib import OWL, RDF, RDFS, SKOS, XSD, Graph, Literal, URIRef

from graph.errors import InputError
from graph.model.namespaces import KG

__all__ = [
    "PropertyKind",
    "Vocabulary",
    "load_vocabulary",
]


class PropertyKind(StrEnum):
    OBJECT = "object"  # the value is an entity or IRI
    DATATYPE = "datatype"  # the value is a literal
    ANY = "any"  # rdf:Property / annotation property: decided by the row


_PROPERTY_TYPES = {
    OWL.ObjectProperty: PropertyKind.OBJECT,
    OWL.DatatypeProperty: PropertyKind.DATATYPE,
    OWL.AnnotationProperty: PropertyKind.ANY,
    RDF.Property: PropertyKind.ANY,
}


@dataclass
class Vocabulary:
    """What a CSV may say: the declared prefixes, classes and properties, read from a Turtle file."""

    graph: Graph
    prefixes: dict[str, str]
    classes: set[URIRef]
    properties: dict[URIRef, PropertyKind]
    ranges: dict[URIRef, URIRef] = field(default_factory=dict)
    approximations: dict[str, URIRef] = field(default_factory=dict)
    units: dict[str, URIRef] = field(default_factory=dict)
    path: Path | None = None

    def expand(self, prefixed: str) -> str | None:
        """``'kg:hosts'`` -> full IRI, or ``None`` when the prefix is not declared."""
        prefix, _, local = prefixed.partition(":")
        namespace = self.prefixes.get(prefix)
        return None if namespace is None else namespace + local

    def shorten(self, iri: str) -> str:
        """The prefixed name of ``iri`` when a declared namespace covers it, else ``<iri>``."""
        best = max(
            (p for p, ns in self.prefixes.items() if iri.startswith(ns)),
            key=lambda p: len(self.prefixes[p]),
            default=None,
        )
        return f"{best}:{iri[len(self.prefixes[best]) :]}" if best is not None else f"<{iri}>"

    def labels(self, term: URIRef) -> dict[str, str]:
        """The term's rdfs:label by language tag (``{'zh': ..., 'en': ...}``)."""
        return {
            (label.language or ""): str(label)
            for label in self.graph.objects(term, RDFS.label)
            if isinstance(label, Literal)
        }


def load_vocabulary(path: Path | str) -> Vocabulary:
    """Read a vocabulary Turtle file.

    >>> vocabulary = load_vocabulary("data/vocabulary.ttl")
    >>> vocabulary.expand("kg:hosts") == str(KG.hosts)
    True
    """
    path = Path(path)
    graph = Graph(bind_namespaces="core")
    try:
        graph.parse(path, format="turtle")
    except FileNotFoundError:
        raise InputError(f"{path}: vocabulary file not found") from None
    except Exception as exc:  # rdflib raises several parser exception types
        raise InputError(f"{path}: not a valid Turtle vocabulary: {exc}") from None

    prefixes = {prefix: str(ns) for prefix, ns in graph.namespaces() if prefix and prefix != "xml"}
    classes = {c for c in graph.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef)}
    classes |= {c for c in graph.subjects(RDF.type, RDFS.Class) if isinstance(c, URIRef)}
    properties: dict[URIRef, PropertyKind] = {}
    for rdf_type, kind in _PROPERTY_TYPES.items():
        for prop in graph.subjects(RDF.type, rdf_type):
            if isinstance(prop, URIRef):
                properties.setdefault(prop, kind)
    ranges = {
        prop: rng
        for prop in properties
        for rng in graph.objects(prop, RDFS.range)
        if isinstance(rng, URIRef) and str(rng).startswith(str(XSD))
    }
    return Vocabulary(
        graph=graph,
        prefixes=prefixes,
        classes=classes,
        properties=properties,
        ranges=ranges,
        approximations=_notations(graph, KG.Approximation),
        units=_notations(graph, KG.Unit),
        path=path,
    )


def _notations(graph: Graph, cls: URIRef) -> dict[str, URIRef]:
    """Instances of ``cls`` keyed by their skos:notation (what a CSV cell writes)."""
    return {
        str(code): member
        for member in graph.subjects(RDF.type, cls)
        if isinstance(member, URIRef)
        for code in graph.objects(member, SKOS.notation)
    }
