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

import importlib
import os

# The layout and PageRank multiply small matrices: on one BLAS thread they run three times faster
# than with OpenBLAS's threads spinning on a busy 2-core machine (set before numpy loads).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

#: the public API, imported on first use: ``import graph.cli`` then loads only what a command needs
_PUBLIC = {
    "DEFAULT_BASE": "graph.defaults",
    "InputError": "graph.errors",
    "KnowledgeGraphError": "graph.errors",
    "Problem": "graph.errors",
    "Severity": "graph.errors",
    "ValidationFailed": "graph.errors",
    "to_networkx": "graph.explorer.network",
    "EXPORTERS": "graph.export",
    "load_facts": "graph.ingest",
    "build_graph": "graph.model.build",
    "Fact": "graph.model.facts",
    "FactSet": "graph.model.facts",
    "KnowledgeGraph": "graph.model.graph",
    "KG": "graph.model.namespaces",
    "Vocabulary": "graph.model.vocabulary",
    "load_vocabulary": "graph.model.vocabulary",
    "build": "graph.pipeline",
    "build_and_export": "graph.pipeline",
    "check": "graph.pipeline",
    "load_store": "graph.pipeline",
    "read_triples": "graph.pipeline",
    "write_exports": "graph.pipeline",
    "find_query": "graph.sparql.query",
    "run_query": "graph.sparql.query",
    "QueryResult": "graph.sparql.results",
}


def __getattr__(name: str):
    """A public name (imported on first use), or a submodule (``graph.errors``)."""
    module = _PUBLIC.get(name)
    if module is None:
        try:
            return importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    value = globals()[name] = getattr(importlib.import_module(module), name)
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_PUBLIC})


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
