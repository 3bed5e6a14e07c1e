"""The types the SHACL engine shares: terms, results, compiled shapes, and the error for shapes it refuses."""

from __future__ import annotations

from dataclasses import dataclass, field

import rdflib
from rdflib import BNode, Literal
from rdflib.namespace import SH

from graph.errors import InputError

Term = str | tuple[str, str, str]  # an IRI (or "_:id"), or a literal (lexical form, datatype, language)


class UnsupportedShapes(InputError):
    """The shapes use something this engine does not implement (the pyshacl engine may)."""


@dataclass(frozen=True)
class ShaclResult:
    """One validation result, as SHACL reports it (``sh:focusNode``, ``sh:resultPath``, ``sh:value`` ...)."""

    focus: Term
    path: str | None  # the predicate, when the path is a single predicate
    value: Term | None
    component: str  # e.g. "MinCountConstraintComponent"
    shape: rdflib.term.Node  # the shape in the shapes graph that reports it
    severity: str
    message: str | None = None  # the message of a SPARQL constraint, its {?variables} filled in
    #: the path as written in the shapes graph (a predicate or a blank node of a path expression)
    path_node: rdflib.term.Node | None = field(default=None, compare=False)
    #: the constraint that reports it, where SHACL names one (a SPARQL constraint's node)
    constraint: rdflib.term.Node | None = field(default=None, compare=False)


@dataclass(eq=False)
class CompiledShape:
    node: rdflib.term.Node
    path: object = None  # a predicate IRI (str) or a compiled complex path (tuple)
    path_iri: str | None = None
    path_node: rdflib.term.Node | None = None  # the sh:path object in the shapes graph
    severity: str = str(SH.Violation)
    deactivated: bool = False
    targets: list[tuple[str, Term]] = field(default_factory=list)
    constraints: list[tuple] = field(default_factory=list)


def term_of(node) -> Term:
    """An rdflib node as a :data:`Term`."""
    if isinstance(node, Literal):
        return (str(node), str(node.datatype or ""), node.language or "")
    if isinstance(node, BNode):
        return f"_:{node}"
    return str(node)
