"""ningbo-kg: a validated, provenance-carrying RDF knowledge graph from a CSV of curated facts.

The public API is small::

    import graph
    kg = graph.build(["data/triples.csv"])   # raises graph.ValidationFailed
    rdflib_graph = kg.to_rdflib()
    graph.write_exports(kg, "exports")
"""

from .build import build_graph
from .errors import InputError, KnowledgeGraphError, Problem, Severity, ValidationFailed
from .exports import EXPORTERS, write_exports
from .facts import Fact, FactSet, load_facts
from .knowledge_graph import KnowledgeGraph
from .network import to_networkx
from .pipeline import build, build_and_export, check
from .vocabulary import DEFAULT_BASE, KG, Vocabulary, load_vocabulary

__all__ = [
    "DEFAULT_BASE",
    "EXPORTERS",
    "KG",
    "Fact",
    "FactSet",
    "InputError",
    "KnowledgeGraph",
    "KnowledgeGraphError",
    "Problem",
    "Severity",
    "ValidationFailed",
    "Vocabulary",
    "build",
    "build_and_export",
    "build_graph",
    "check",
    "load_facts",
    "load_vocabulary",
    "to_networkx",
    "write_exports",
]
