"""The whole build as library calls: read and validate CSVs, build the graph, check its shapes, write exports."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from . import exports
from .build import build_graph
from .errors import Problem, ValidationFailed
from .facts import FactSet, load_facts
from .knowledge_graph import KnowledgeGraph
from .shapes import DEFAULT_SHAPES, check_shapes, load_shapes
from .vocabulary import DEFAULT_BASE, DEFAULT_VOCABULARY, load_vocabulary

DEFAULT_CSV = Path("data/triples.csv")
FREEZE_ABOVE = 1_000_000  # triples
DEFAULT_OUT = Path("exports")


def check(
    paths: Iterable[Path | str] = (DEFAULT_CSV,),
    vocabulary: Path | str = DEFAULT_VOCABULARY,
    shapes: Path | str | None = DEFAULT_SHAPES,
    base: str = DEFAULT_BASE,
    shacl: str = "auto",
) -> tuple[KnowledgeGraph | None, list[Problem]]:
    """Validate everything and build the graph; return it (``None`` on errors) with every problem found.

    ``shacl`` picks the SHACL engine: "pyshacl", "fast" (:mod:`graph.shacl_core`) or "auto"
    (pyshacl for small graphs, the fast engine for large ones); both report the same problems.
    """
    with paused_gc():
        facts: FactSet = load_facts(paths, load_vocabulary(vocabulary), base)
        if facts.errors:
            return None, sorted(facts.problems)
        graph = build_graph(facts)
        problems = list(facts.problems)
        if shapes is not None:
            problems += check_shapes(graph, load_shapes(shapes), shacl)
        if len(graph) > FREEZE_ABOVE:
            # the graph lives on: move it out of the collector's sight, or the first collections
            # after this would walk its millions of objects (they hold no cycles to collect)
            gc.freeze()
    problems.sort()
    if any(p.is_error for p in problems):
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
    """:func:`graph.exports.write_exports`, with the cycle collector paused (see :func:`paused_gc`)."""
    with paused_gc():
        return exports.write_exports(graph, out_dir, formats, on_step)


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
