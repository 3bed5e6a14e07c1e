"""SHACL validation against shapes kept in data/, each violation mapped back to CSV rows.

Two engines give the same results: pyshacl (the reference, on an rdflib copy of the graph) and
:mod:`graph.shacl.fast_engine` (fast, on the compact graph). ``engine="auto"`` uses pyshacl up to
:data:`PYSHACL_LIMIT` triples and the fast engine above. Either way a result becomes a
:class:`~graph.errors.Problem` worded from the shapes file (its ``sh:message``, else a sentence
made from the constraint) and located at the rows the focus node and path come from.
"""

from __future__ import annotations

import re
from pathlib import Path

import rdflib

from graph.errors import InputError, Problem
from graph.model.graph import KnowledgeGraph
from graph.shacl.fast_engine import fast_results
from graph.shacl.pyshacl_engine import pyshacl_results
from graph.shacl.report import results_to_problems
from graph.shacl.types import ShaclResult

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
    for key in (_SH.select, _SH.ask, _SH.construct, _SH.update):
        for text in shapes.objects(None, key):
            if _SERVICE.search(_NOT_KEYWORDS.sub(" ", str(text))):
                raise InputError(
                    f"{path}: a SPARQL constraint uses SERVICE, which is refused: validation never calls"
                    " another service. Fix: remove the SERVICE clause from the shapes file"
                )
    return shapes


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
    """The validation results of ``shapes`` on ``graph``, from the chosen engine."""
    if choose_engine(graph, engine) == "fast":
        return fast_results(shapes, graph.table)
    return pyshacl_results(graph, shapes)
