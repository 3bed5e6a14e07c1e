"""ningbo-kg: a validated, provenance-carrying RDF knowledge graph from a CSV of curated facts.

The public API is small::

    import graph
    kg = graph.build(["data/triples.csv"])   # raises graph.ValidationFailed
    rdflib_graph = kg.to_rdflib()
    graph.write_exports(kg, "exports")
    result = graph.run_query(kg, "SELECT ?zone WHERE { ?zone kg:rank 10 }")   # rows of rdflib terms
"""

from .build import build_graph
from .errors import InputError, KnowledgeGraphError, Problem, Severity, ValidationFailed
from .exports import EXPORTERS, write_exports
from .facts import Fact, FactSet, load_facts
from .knowledge_graph import KnowledgeGraph
from .network import to_networkx
from .pipeline import build, build_and_export, check
from .query import find_query, load_store, run_query
from .results import QueryResult
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
    "QueryResult",
    "Severity",
    "ValidationFailed",
    "Vocabulary",
    "build",
    "build_and_export",
    "build_graph",
    "check",
    "find_query",
    "load_facts",
    "load_store",
    "load_vocabulary",
    "run_query",
    "to_networkx",
    "write_exports",
]
