"""SHACL validation against shapes kept in data/, each violation mapped back to CSV rows.

Two engines give the same results: pyshacl (the reference, on an rdflib copy of the graph) and
:mod:`graph.shacl.fast_engine` (fast, on the compact graph). ``engine="auto"`` uses pyshacl up to
:data:`PYSHACL_LIMIT` triples and the fast engine above (pyshacl again when the fast engine
refuses the shapes). Either way a result becomes a :class:`~graph.errors.Problem` worded from
the shapes file (its ``sh:message``, else a sentence made from the constraint) and located at
the rows the focus node and path come from. :func:`validate` checks any rdflib graph.
"""

from __future__ import annotations

import re
from pathlib import Path

import rdflib

from graph.errors import InputError, Problem
from graph.model.graph import KnowledgeGraph
from graph.shacl.any_graph import report_graph, table_of
from graph.shacl.compile import CompiledShapes, check_sparql
from graph.shacl.fast_engine import fast_results
from graph.shacl.pyshacl_engine import pyshacl_results, pyshacl_validate
from graph.shacl.report import results_to_problems
from graph.shacl.types import ShaclResult, UnsupportedShapes

ENGINES = ("auto", "pyshacl", "fast")
#: up to this many triples "auto" uses pyshacl (about 70 µs a triple here, plus 0.5 s to import it)
PYSHACL_LIMIT = 2_000


_SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
# what may hide the word SERVICE without being the keyword: strings, IRIs, comments, prefixed names
_NOT_KEYWORDS = re.compile(
    r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>\s]*>|#[^\n]*'
)
_SERVICE = re.compile(r"(?<![\w:])SERVICE(?![\w:])", re.IGNORECASE)


def load_shapes(path: Path | str) -> rdflib.Graph:
    """Parse a SHACL shapes file (Turtle); refuse SPARQL in it that calls another service (SERVICE)."""
    try:
        shapes = rdflib.Graph().parse(Path(path), format="turtle")
    except FileNotFoundError:
        raise InputError(f"{path}: shapes file not found") from None
    except Exception as exc:
        raise InputError(f"{path}: not a valid Turtle shapes file: {exc}") from None
    refuse_service(shapes, str(path))
    return shapes


def refuse_service(shapes: rdflib.Graph, where: str = "the shapes graph") -> None:
    """Raise :class:`InputError` if a SPARQL query of ``shapes`` uses SERVICE: validation (with any
    engine) never calls another service, so no shapes graph can make it send a network request."""
    for key in (_SH.select, _SH.ask, _SH.construct, _SH.update):
        for text in shapes.objects(None, key):
            if _SERVICE.search(_NOT_KEYWORDS.sub(" ", str(text))):
                raise InputError(
                    f"{where}: a SPARQL constraint uses SERVICE, which is refused: validation never calls"
                    " another service. Fix: remove the SERVICE clause from the shapes file"
                )


def choose_engine(graph: KnowledgeGraph, engine: str = "auto") -> str:
    """The engine ``engine`` stands for on this graph: "pyshacl" or "fast"."""
    if engine not in ENGINES:
        raise InputError(f"unknown SHACL engine {engine!r}; use one of {', '.join(ENGINES)}")
    if engine == "auto":
        return "pyshacl" if len(graph) <= PYSHACL_LIMIT else "fast"
    return engine


def check_shapes(graph: KnowledgeGraph, shapes: rdflib.Graph, engine: str = "auto") -> list[Problem]:
    """Validate ``graph`` and return one Problem per SHACL result, located at the rows involved."""
    return results_to_problems(graph, shapes, shacl_results(graph, shapes, engine))


def shacl_results(graph: KnowledgeGraph, shapes: rdflib.Graph, engine: str = "auto") -> list[ShaclResult]:
    """The validation results of ``shapes`` on ``graph``, from the chosen engine.

    With ``engine="auto"`` a shapes graph the fast engine refuses (:class:`UnsupportedShapes`,
    raised before anything runs) is validated with pyshacl instead."""
    chosen = choose_engine(graph, engine)
    refuse_service(shapes)
    check_sparql(shapes)
    if chosen == "fast":
        try:
            return fast_results(CompiledShapes(shapes), graph.table)
        except UnsupportedShapes:
            if engine != "auto":
                raise
    return pyshacl_results(graph, shapes)


def validate(
    data: rdflib.Graph, shapes: rdflib.Graph, engine: str = "auto", *, allow_warnings: bool = False
) -> tuple[bool, rdflib.Graph, str]:
    """Validate any rdflib graph ``data`` against the SHACL shapes in ``shapes``.

    Returns ``(conforms, report_graph, text)`` as :func:`pyshacl.validate` does: ``report_graph``
    is a ``sh:ValidationReport`` with one ``sh:result`` per result (focus node, path, value,
    source shape, constraint component, severity, message). ``engine`` is "pyshacl" (the
    reference), "fast" (:mod:`graph.shacl.fast_engine`), or "auto": pyshacl up to
    :data:`PYSHACL_LIMIT` triples of ``data``, the fast engine above, and pyshacl whenever the
    fast engine refuses the shapes. With ``allow_warnings`` results of severity sh:Warning or
    sh:Info do not make the graph fail to conform.

    Before either engine runs, a query SHACL forbids (SERVICE, MINUS, VALUES, ``AS $this``, a
    subquery that drops ``$this``) raises :class:`~graph.errors.InputError`; the fast engine
    raises :class:`UnsupportedShapes` (a subclass) for what it does not implement.

    >>> import rdflib
    >>> data = rdflib.Graph().parse(format="turtle", data='''
    ...     @prefix ex: <http://example.org/> .
    ...     ex:zone a ex:Zone ; ex:name "Ningbo" , "宁波" .''')
    >>> shapes = rdflib.Graph().parse(format="turtle", data='''
    ...     @prefix sh: <http://www.w3.org/ns/shacl#> .
    ...     @prefix ex: <http://example.org/> .
    ...     ex:ZoneShape a sh:NodeShape ; sh:targetClass ex:Zone ;
    ...         sh:property [ sh:path ex:name ; sh:maxCount 1 ] .''')
    >>> conforms, report, text = validate(data, shapes, engine="fast")
    >>> conforms
    False
    >>> print(text.splitlines()[2])
    MaxCountConstraintComponent on <http://example.org/zone> path <http://example.org/name>
    >>> validate(data, shapes, engine="pyshacl")[0]
    False
    """
    if engine not in ENGINES:
        raise InputError(f"unknown SHACL engine {engine!r}; use one of {', '.join(ENGINES)}")
    refuse_service(shapes)
    check_sparql(shapes)
    if engine == "fast" or (engine == "auto" and len(data) > PYSHACL_LIMIT):
        try:
            results = fast_results(CompiledShapes(shapes), table_of(data))
        except UnsupportedShapes:
            if engine == "fast":
                raise
        else:
            failing = [r for r in results if not allow_warnings or r.severity == str(_SH.Violation)]
            return report_graph(results, shapes, conforms=not failing)
    return pyshacl_validate(data, shapes, allow_warnings)
