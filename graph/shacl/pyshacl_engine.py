"""The reference SHACL engine: pySHACL on an rdflib copy of the graph, its report read as ShaclResults."""

from __future__ import annotations

import rdflib
from rdflib import URIRef
from rdflib.namespace import SH

from graph.model.graph import KnowledgeGraph
from graph.shacl.types import ShaclResult, term_of


def pyshacl_validate(
    data: rdflib.Graph, shapes: rdflib.Graph, allow_warnings: bool = False
) -> tuple[bool, rdflib.Graph, str]:
    """:func:`pyshacl.validate` as this project runs it: no inference, SHACL-AF (SPARQL targets) on.

    The caller has checked the shapes' SPARQL first (:func:`graph.shacl.check_sparql`): pyshacl
    itself would run a SERVICE clause, which makes a network request.
    """
    import pyshacl  # imported here: it is slow to import and only this function needs it

    return pyshacl.validate(
        data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=allow_warnings
    )


def pyshacl_results(graph: KnowledgeGraph, shapes: rdflib.Graph) -> list[ShaclResult]:
    """The results pyshacl finds on ``graph``."""
    _conforms, report, _text = pyshacl_validate(graph.to_rdflib(), shapes, allow_warnings=True)
    results = []
    top = (
        r
        for node in report.subjects(rdflib.RDF.type, SH.ValidationReport)
        for r in report.objects(node, SH.result)
    )
    for result in top:  # not the results nested in sh:detail (pyshacl explains sh:node failures with them)
        path = report.value(result, SH.resultPath)
        value = report.value(result, SH.value)
        constraint = report.value(result, SH.sourceConstraint)
        message = None
        if constraint is not None and (constraint, SH.message, None) in shapes:
            message = str(report.value(result, SH.resultMessage))  # a SPARQL constraint's, filled in
        results.append(
            ShaclResult(
                focus=term_of(report.value(result, SH.focusNode)),
                path=str(path) if isinstance(path, URIRef) else None,
                value=None if value is None else term_of(value),
                component=_component(report.value(result, SH.sourceConstraintComponent)),
                shape=report.value(result, SH.sourceShape),
                severity=str(report.value(result, SH.resultSeverity)),
                message=message,
                path_node=path,
                constraint=constraint,
            )
        )
    return results


def _component(iri) -> str:
    """A SHACL constraint component by its local name (as the fast engine names it), any other by its IRI."""
    text = str(iri)
    return text[len(str(SH)) :] if text.startswith(str(SH)) else text
