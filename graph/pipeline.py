"""The whole build as library calls: read and validate CSVs, build the graph, check its shapes, write exports."""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox
import rdflib

from graph import export
from graph.analysis.conflicts import conflicting_facts
from graph.defaults import DEFAULT_BASE, DEFAULT_CSV, DEFAULT_OUT, DEFAULT_SHAPES, DEFAULT_VOCABULARY, resolve
from graph.errors import Problem, ValidationFailed
from graph.export.swap import crash_point, staged_folder
from graph.export.turtle_child import OxigraphTurtle
from graph.ingest import load_facts
from graph.model.build import build_graph
from graph.model.facts import FactSet
from graph.model.graph import KnowledgeGraph
from graph.model.namespaces import graph_prefixes
from graph.model.vocabulary import load_vocabulary
from graph.shacl import check_shapes, load_shapes
from graph.shacl.forked import ForkedShapes

FREEZE_ABOVE = 1_000_000  # triples


def check(
    paths: Iterable[Path | str] = (DEFAULT_CSV,),
    vocabulary: Path | str = DEFAULT_VOCABULARY,
    shapes: Path | str | None = DEFAULT_SHAPES,
    base: str = DEFAULT_BASE,
    shacl: str = "auto",
) -> tuple[KnowledgeGraph | None, list[Problem]]:
    """Validate everything and build the graph; return it (``None`` on errors) with every problem found.

    ``shacl`` picks the SHACL engine: "pyshacl", "fast" (:mod:`graph.shacl.compile`) or "auto"
    (pyshacl for small graphs, the fast engine for large ones); both report the same problems.

    >>> graph, problems = check(["no-such-file.csv"])
    >>> graph is None
    True
    >>> print(*problems)
    no-such-file.csv: error: cannot read the file: No such file or directory.
    """
    with paused_gc():
        graph, problems, shapes_graph = _validated(paths, vocabulary, shapes, base)
        if graph is not None and shapes_graph is not None:
            problems += check_shapes(graph, shapes_graph, shacl)
        _freeze(graph)
    return _outcome(graph, problems)


def _validated(
    paths: Iterable[Path | str], vocabulary: Path | str, shapes: Path | str | None, base: str
) -> tuple[KnowledgeGraph | None, list[Problem], rdflib.Graph | None]:
    """Every check but SHACL: the graph (``None`` on errors), the problems so far, and the shapes."""
    facts: FactSet = load_facts(paths, load_vocabulary(resolve(vocabulary)), base)
    if facts.errors:
        return None, list(facts.problems), None
    if not facts.facts:
        empty = [Problem(str(p), 0, "", "no facts", "add rows below the header") for p in facts.inputs]
        return None, [*facts.problems, *empty], None
    graph = build_graph(facts)
    problems = list(facts.problems) + conflicting_facts(facts)
    return graph, problems, None if shapes is None else load_shapes(resolve(shapes))


def _freeze(graph: KnowledgeGraph | None) -> None:
    if graph is not None and len(graph) > FREEZE_ABOVE:
        # the graph lives on: move it out of the collector's sight, or the first collections
        # after this would walk its millions of objects (they hold no cycles to collect)
        gc.freeze()


def _outcome(
    graph: KnowledgeGraph | None, problems: list[Problem]
) -> tuple[KnowledgeGraph | None, list[Problem]]:
    problems = sorted(problems)
    if graph is None or any(p.is_error for p in problems):
        return None, problems
    return graph, problems


def build(
    paths: Iterable[Path | str] = (DEFAULT_CSV,),
    vocabulary: Path | str = DEFAULT_VOCABULARY,
    shapes: Path | str | None = DEFAULT_SHAPES,
    base: str = DEFAULT_BASE,
    shacl: str = "auto",
) -> KnowledgeGraph:
    """Validate and build; raise :class:`ValidationFailed` listing every problem when there is an error.

    >>> graph = build(["data/triples.csv"])
    >>> len(graph) > 0
    True
    """
    graph, problems = check(paths, vocabulary, shapes, base, shacl)
    if graph is None:
        raise ValidationFailed(problems)
    return graph


def build_and_export(
    paths: Iterable[Path | str] = (DEFAULT_CSV,),
    out_dir: Path | str = DEFAULT_OUT,
    formats: list[str] | None = None,
    on_step: Callable[[str], None] | None = None,
    **options,
) -> tuple[KnowledgeGraph, list[Path]]:
    """Build, then write the exports atomically; nothing is written when validation fails."""
    graph = build(paths, **options)
    return graph, write_exports(graph, out_dir, formats, on_step)


def write_exports(
    graph: KnowledgeGraph,
    out_dir: Path | str,
    formats: list[str] | None = None,
    on_step: Callable[[str], None] | None = None,
) -> list[Path]:
    """:func:`graph.export.write_exports`, with the cycle collector paused (see :func:`paused_gc`)."""
    with paused_gc():
        return export.write_exports(graph, out_dir, formats, on_step)


def check_and_write(
    paths: Iterable[Path | str] = (DEFAULT_CSV,),
    out_dir: Path | str = DEFAULT_OUT,
    formats: list[str] | None = None,
    on_step: Callable[[str], None] | None = None,
    vocabulary: Path | str = DEFAULT_VOCABULARY,
    shapes: Path | str | None = DEFAULT_SHAPES,
    base: str = DEFAULT_BASE,
    shacl: str = "auto",
) -> tuple[KnowledgeGraph | None, list[Problem], list[Path]]:
    """:func:`check`, then :func:`write_exports` when there is no error: the graph (``None`` on
    errors), every problem, and the paths written (none on errors).

    On a graph of :data:`TWO_CORES_FROM` triples or more, with both Turtle and N-Triples chosen,
    the shapes are checked in a forked process (:mod:`graph.shacl.forked`) while this one writes
    N-Triples into the staging folder and another process turns the N-Triples into Turtle
    (:mod:`graph.export.turtle_child`). The exports still replace the old ones only once SHACL has
    passed; on an error nothing is written.
    """
    chosen = list(formats or export.EXPORTERS)
    with paused_gc():
        graph, problems, shapes_graph = _validated(paths, vocabulary, shapes, base)
        if graph is None:
            return None, sorted(problems), []
        if not ({"turtle", "ntriples"} <= set(chosen) and _two_cores(graph)):
            if shapes_graph is not None:
                problems += check_shapes(graph, shapes_graph, shacl)
            _freeze(graph)
            graph, problems = _outcome(graph, problems)
            return graph, problems, [] if graph is None else write_exports(graph, out_dir, chosen, on_step)
        out_dir = Path(out_dir)
        exporters = [export.EXPORTERS[name] for name in chosen]
        ntriples, turtle = export.EXPORTERS["ntriples"], export.EXPORTERS["turtle"]
        # forked first: it must hold none of the files and pipes opened below (see graph.shacl.forked)
        shapes = None if shapes_graph is None else ForkedShapes(graph, shapes_graph, shacl)
        try:
            with staged_folder(out_dir, {exporter.file_name for exporter in exporters}) as staging:
                if on_step:
                    on_step(ntriples.file_name)
                child = OxigraphTurtle(
                    staging / ntriples.file_name,
                    staging / turtle.file_name,
                    graph_prefixes(graph.prefixes, graph.base),
                )
                try:
                    with open(staging / ntriples.file_name, "wb") as stream:
                        for piece in graph.ntriples_bytes():
                            stream.write(piece)
                            stream.flush()  # the child reads only what has reached the file
                            child.written(piece)
                    crash_point(f"after-{ntriples.file_name}")
                    if shapes is not None:
                        problems += shapes.problems()
                    if any(p.is_error for p in problems):
                        raise _Abandoned
                    if on_step:
                        on_step(turtle.file_name)
                    if not child.finish():
                        turtle.write(graph, staging / turtle.file_name)
                    crash_point(f"after-{turtle.file_name}")
                finally:
                    child.stop()
                _freeze(graph)
                rest = [name for name in chosen if name not in ("ntriples", "turtle")]
                export.write_into(graph, staging, rest, on_step)
        except _Abandoned:
            return None, sorted(problems), []
        finally:
            if shapes is not None:
                shapes.stop()
    return graph, sorted(problems), [out_dir / exporter.file_name for exporter in exporters]


#: from this many triples on, Turtle is written by a second process (see :func:`check_and_write`):
#: starting it costs about 0.15 s of a second core, and Oxigraph's Turtle from N-Triples 1.8 times the
#: CPU of ours, while this process saves about 0.1 s per 100,000 triples (kg synth data, 200k rows:
#: 1.9 s of CPU in the child against 1.06 s here)
TWO_CORES_FROM = 200_000
ONE_CORE = "KG_ONE_CORE"  # set in the environment: every export is written by this process


def _two_cores(graph: KnowledgeGraph) -> bool:
    return len(graph) >= TWO_CORES_FROM and not os.environ.get(ONE_CORE) and (os.cpu_count() or 1) > 1


class _Abandoned(Exception):
    """SHACL found an error after N-Triples was written: the staging folder is dropped."""


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause Python's cycle collector: a large build holds millions of objects, which every full
    collection would walk again (half the time of a million-row build); the build makes no cycles."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def load_store(
    csv_paths: Iterable[Path | str] = (),
    rdf: Path | str | None = None,
    *,
    location: Path | str | None = None,
    vocabulary: Path | str = DEFAULT_VOCABULARY,
    shapes: Path | str | None = DEFAULT_SHAPES,
    base: str = DEFAULT_BASE,
    shacl: str = "auto",
) -> tuple[ox.Store, dict[str, str]]:
    """An Oxigraph store holding the graph, and the prefixes to declare for queries over it.

    With ``rdf`` the store is bulk-loaded from that RDF file (N-Triples, N-Quads, Turtle, TriG,
    RDF/XML, JSON-LD, by extension); otherwise the graph is built from ``csv_paths`` (default
    ``data/triples.csv``), which raises :class:`~graph.errors.ValidationFailed` on bad input. The
    store is in memory unless ``location`` names a folder for an on-disk store.

    >>> store, prefixes = load_store(rdf="exports/graph.nt")
    >>> prefixes["ent"]
    'https://example.org/ningbo-kg/entity/'
    """
    if rdf is not None:
        from graph.sparql.query import load_rdf  # only here: the build needs no SPARQL

        store = ox.Store(str(location)) if location is not None else ox.Store()
        load_rdf(store, rdf)
        return store, graph_prefixes(load_vocabulary(resolve(vocabulary)).prefixes, base)
    graph = build(list(csv_paths) or [DEFAULT_CSV], vocabulary, shapes, base, shacl)
    return graph.to_store(location), graph_prefixes(graph.prefixes, graph.base)


def read_triples(
    csv_paths: Iterable[Path | str] = (),
    rdf: Path | str | None = None,
    *,
    vocabulary: Path | str = DEFAULT_VOCABULARY,
    shapes: Path | str | None = DEFAULT_SHAPES,
    base: str = DEFAULT_BASE,
    shacl: str = "auto",
) -> tuple[list[ox.Triple], dict[str, str]]:
    """The graph's triples exactly as built or written (the default graph of an RDF file), and its prefixes.

    Unlike :func:`load_store` this goes through no store, so literals keep their datatypes as
    written: an Oxigraph store normalises them (``xsd:positiveInteger`` becomes ``xsd:integer``).
    """
    if rdf is not None:
        from graph.sparql.query import rdf_triples  # only here: the build needs no SPARQL

        return rdf_triples(rdf), graph_prefixes(load_vocabulary(resolve(vocabulary)).prefixes, base)
    graph = build(list(csv_paths) or [DEFAULT_CSV], vocabulary, shapes, base, shacl)
    return graph.to_oxigraph(), graph_prefixes(graph.prefixes, graph.base)


def read_ntriples(
    csv_paths: Iterable[Path | str] = (),
    rdf: Path | str | None = None,
    *,
    vocabulary: Path | str = DEFAULT_VOCABULARY,
    shapes: Path | str | None = DEFAULT_SHAPES,
    base: str = DEFAULT_BASE,
    shacl: str = "auto",
) -> tuple[Iterator[str | bytes], int | None, dict[str, str]]:
    """The graph as N-Triples text in pieces, how many distinct triples it holds, and its prefixes.

    For ``kg push``: nothing is held beyond the pieces in flight. An RDF file is read as it is
    sent, so its count is ``None`` (not known until the end, and the file may repeat a triple);
    a graph built from ``csv_paths`` is printed from its table, whose triples are distinct.
    """
    if rdf is not None:
        from graph.sparql.query import rdf_ntriples  # only here: the build needs no SPARQL

        return rdf_ntriples(rdf), None, graph_prefixes(load_vocabulary(resolve(vocabulary)).prefixes, base)
    graph = build(list(csv_paths) or [DEFAULT_CSV], vocabulary, shapes, base, shacl)
    return graph.ntriples_chunks(), len(graph), graph_prefixes(graph.prefixes, graph.base)
