"""Every export of the graph, written atomically: all files are made in a staging folder beside the out
folder, which then takes its place in one step (:mod:`graph.export.swap`).

A failed or killed build therefore never leaves a half-written file, nor a mix of old and new exports.
Each exporter is ``write(graph, path)``; adding a format touches only ``EXPORTERS``.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from graph.export.parallel import can_fork, in_second_process
from graph.export.swap import crash_point, staged_folder
from graph.model.graph import KnowledgeGraph


@dataclass(frozen=True)
class Exporter:
    file_name: str
    write: Callable[[KnowledgeGraph, Path], None]
    description: str


def _writer(module: str, name: str) -> Callable[[KnowledgeGraph, Path], None]:
    """``module.name``, imported when first called: a build imports only the writers it runs
    (networkx, for one, is not needed for Turtle and N-Triples)."""

    def write(graph: KnowledgeGraph, path: Path) -> None:
        getattr(importlib.import_module(module), name)(graph, path)

    write.__name__ = write.__qualname__ = name
    write.__doc__ = f"Calls :func:`{module}.{name}`."
    return write


EXPORTERS: dict[str, Exporter] = {
    "turtle": Exporter("graph.ttl", _writer("graph.export.rdf", "write_turtle"), "Turtle"),
    "ntriples": Exporter("graph.nt", _writer("graph.export.rdf", "write_ntriples"), "N-Triples"),
    "jsonld": Exporter(
        "graph.jsonld", _writer("graph.export.rdf", "write_jsonld"), "JSON-LD with a compact context"
    ),
    "rdfxml": Exporter("graph.rdf", _writer("graph.export.rdf", "write_rdfxml"), "RDF/XML"),
    "graphml": Exporter(
        "graph.graphml", _writer("graph.export.graphml", "write_graphml"), "GraphML for Gephi and Cytoscape"
    ),
    "gexf": Exporter("graph.gexf", _writer("graph.export.gexf", "write_gexf"), "GEXF for Gephi"),
    "nodes": Exporter(
        "nodes.csv", _writer("graph.export.tables", "write_nodes"), "nodes table (Neo4j, spreadsheets)"
    ),
    "edges": Exporter(
        "edges.csv", _writer("graph.export.tables", "write_edges"), "edges table (Neo4j, spreadsheets)"
    ),
    "void": Exporter("void.ttl", _writer("graph.export.void", "write_void"), "VoID dataset description"),
    "analysis": Exporter(
        "analysis.json",
        _writer("graph.analysis.centrality", "write_analysis_json"),
        "centralities, components and communities (JSON)",
    ),
    "analysis-csv": Exporter(
        "analysis.csv",
        _writer("graph.analysis.centrality", "write_analysis_csv"),
        "centralities, one row per entity",
    ),
    "html": Exporter(
        "graph.html", _writer("graph.export.explorer", "write_html"), "interactive HTML graph (offline)"
    ),
}


#: from this many triples, the exports of the entity network are written by a second process
CONCURRENT_FROM = 200_000
#: the exports that read the networkx view (:func:`graph.explorer.network.network_view`): on a large
#: graph the second process builds the view and writes them all (the view, the analysis and the page
#: are the larger half of the work), while this one writes the RDF syntaxes and VoID from the table
SECOND_PROCESS = frozenset({"graphml", "gexf", "nodes", "edges", "analysis", "analysis-csv", "html"})
#: set in the environment: every export is written by this process. Slower on two cores, but a forked
#: process that reads the graph ends up with its own copy of every page it touches (reference counts
#: are written), so one process holds less: see docs/performance.md, "Every export"
ONE_CORE = "KG_ONE_CORE"


def write_exports(
    graph: KnowledgeGraph,
    out_dir: Path | str,
    formats: list[str] | None = None,
    on_step: Callable[[str], None] | None = None,
) -> list[Path]:
    """Write the chosen exports (all by default) into ``out_dir``; return the paths written.

    On a graph of :data:`CONCURRENT_FROM` triples or more, the exports of the entity network
    (:data:`SECOND_PROCESS`: GraphML, GEXF, the tables, the analysis and the page, which all read
    the networkx view) are written by a second process while this one writes the others.

    >>> import tempfile
    >>> from graph.ingest import load_facts
    >>> from graph.model.build import build_graph
    >>> graph = build_graph(load_facts(["data/triples.csv"]))
    >>> [path.name for path in write_exports(graph, tempfile.mkdtemp(), ["turtle", "nodes"])]
    ['graph.ttl', 'nodes.csv']
    """
    out_dir = Path(out_dir)
    names = list(formats or EXPORTERS)
    chosen = [EXPORTERS[name] for name in names]
    with staged_folder(out_dir, {exporter.file_name for exporter in chosen}) as staging:
        write_into(graph, staging, names, on_step)
    return [out_dir / exporter.file_name for exporter in chosen]


def write_into(
    graph: KnowledgeGraph,
    staging: Path,
    names: list[str],
    on_step: Callable[[str], None] | None = None,
) -> None:
    """Write the files of the exporters ``names`` into a staging folder (see
    :func:`graph.export.swap.staged_folder`); on a large graph the exports of the entity network
    are written by a second process meanwhile (see :func:`write_exports`)."""
    second = [name for name in names if name in SECOND_PROCESS]
    if (
        len(graph) < CONCURRENT_FROM
        or not can_fork()
        or os.environ.get(ONE_CORE)
        or len(second) in (0, len(names))
    ):
        second = []

    def write(some: list[str], report: bool) -> None:
        for name in some:
            exporter = EXPORTERS[name]
            if report and on_step:
                on_step(exporter.file_name)
            exporter.write(graph, staging / exporter.file_name)

    first = [name for name in names if name not in second]
    if second:
        with in_second_process(lambda: write(second, False)):
            write(first, True)
        for name in second:
            if on_step:
                on_step(EXPORTERS[name].file_name)
    else:
        write(first, True)
    for name in names:
        crash_point(f"after-{EXPORTERS[name].file_name}")
