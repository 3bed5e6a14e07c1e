"""Every namespace and the RDF terms the code names, defined once.

The builder keeps terms as plain strings (rdflib terms are slow to make and to hash), so the
terms it compares against are plain strings too; the rdflib ``Namespace`` objects are for code
that builds rdflib graphs (the vocabulary, VoID, SHACL).

>>> RDF_TYPE
'http://www.w3.org/1999/02/22-rdf-syntax-ns#type'
>>> str(KG.hosts)
'https://example.org/ningbo-kg/vocab#hosts'
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import RDF, RDFS, XSD, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV

KG = Namespace("https://example.org/ningbo-kg/vocab#")

__all__ = [
    "APPROXIMATION",
    "DCTERMS",
    "DERIVED_FROM",
    "EntityNamespace",
    "KG",
    "PROV",
    "RDFS_LABEL",
    "RDFS_SUBCLASS",
    "RDF_LANG_STRING",
    "RDF_OBJECT",
    "RDF_PREDICATE",
    "RDF_SUBJECT",
    "RDF_TYPE",
    "UNIT",
    "XSD_NS",
    "XSD_STRING",
    "graph_prefixes",
]

RDF_TYPE = str(RDF.type)
RDF_SUBJECT, RDF_PREDICATE, RDF_OBJECT = str(RDF.subject), str(RDF.predicate), str(RDF.object)
RDF_LANG_STRING = str(RDF.langString)
RDFS_LABEL = str(RDFS.label)
RDFS_SUBCLASS = str(RDFS.subClassOf)
XSD_NS = str(XSD)
XSD_STRING = XSD_NS + "string"
DERIVED_FROM = str(PROV.wasDerivedFrom)
UNIT, APPROXIMATION = str(KG.unit), str(KG.approximation)


def graph_prefixes(prefixes: dict[str, str], base: str) -> dict[str, str]:
    """The prefixes of a graph's exports and queries: ``ent:``, ``stmt:``, ``ev:`` and ``src:`` for
    the graph's own IRIs under ``base``, then the vocabulary's ``prefixes`` by name.

    >>> graph_prefixes({"kg": str(KG)}, "https://example.org/g/")
    {'ent': 'https://example.org/g/entity/', 'stmt': 'https://example.org/g/statement/', \
'ev': 'https://example.org/g/evidence/', 'src': 'https://example.org/g/source/', \
'kg': 'https://example.org/ningbo-kg/vocab#'}
    """
    own = {
        "ent": f"{base}entity/",
        "stmt": f"{base}statement/",
        "ev": f"{base}evidence/",
        "src": f"{base}source/",
    }
    return {**own, **dict(sorted(prefixes.items()))}


@dataclass(frozen=True)
class EntityNamespace:
    """Where bare entity keys live: ``key`` -> ``{base}entity/{key}``."""

    base: str

    @property
    def prefix(self) -> str:
        """The IRI every entity IRI starts with."""
        return f"{self.base}entity/"

    def entity(self, key: str) -> URIRef:
        return URIRef(f"{self.base}entity/{key}")

    def is_entity(self, iri: str) -> bool:
        return iri.startswith(f"{self.base}entity/")
