"""ningbo-kg: a validated, provenance-carrying RDF knowledge graph from a CSV of curated facts.

The public API is small::

    import graph
    kg = graph.build(["data/triples.csv"])   # raises graph.ValidationFailed
    rdflib_graph = kg.to_rdflib()
    graph.write_exports(kg, "exports")
    result = graph.run_query(kg, "SELECT ?zone WHERE { ?zone kg:rank 10 }")   # rows of rdflib terms

The package is laid out by stage, each importing only the ones before it: ``model`` (the graph
in memory), ``ingest`` (CSV -> facts), ``shacl``, ``explorer`` (the HTML page and the networkx
view), ``export``, ``sparql`` and ``serve``; ``pipeline`` chains them and ``cli`` is the ``kg``
command. ``docs/architecture.md`` has the map.
"""

from graph.defaults import DEFAULT_BASE
from graph.errors import InputError, KnowledgeGraphError, Problem, Severity, ValidationFailed
from graph.explorer.network import to_networkx
from graph.export import EXPORTERS
from graph.ingest import load_facts
from graph.model.build import build_graph
from graph.model.facts import Fact, FactSet
from graph.model.graph import KnowledgeGraph
from graph.model.namespaces import KG
from graph.model.vocabulary import Vocabulary, load_vocabulary
from graph.pipeline import build, build_and_export, check, load_store, read_triples, write_exports
from graph.sparql.query import find_query, run_query
from graph.sparql.results import QueryResult

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
    "read_triples",
    "run_query",
    "to_networkx",
    "write_exports",
]
