"""The fast SHACL engine: compiled shapes checked over the table of a built graph.

:mod:`.compile` turns the shapes into :class:`~graph.shacl.types.CompiledShape` objects,
:mod:`.view` reads the graph's table as the checks need it, and :mod:`.components` checks the
constraint components over all the focus nodes of a shape at once.
"""

from __future__ import annotations

import rdflib

from graph.model.table import TripleTable
from graph.shacl.compile import CompiledShapes
from graph.shacl.components import Evaluation
from graph.shacl.types import ShaclResult
from graph.shacl.view import TableView


def fast_results(shapes: rdflib.Graph | CompiledShapes, table: TripleTable) -> list[ShaclResult]:
    """Every validation result of ``shapes`` on the graph held by ``table``."""
    compiled = shapes if isinstance(shapes, CompiledShapes) else CompiledShapes(shapes)
    view = TableView(table, compiled.predicates(), compiled.sparql_predicates())
    view.shapes_graph = compiled.graph
    run = Evaluation(compiled, view)
    results: list[ShaclResult] = []
    for shape in compiled.top:
        if shape.deactivated:
            continue
        focus = run.view.focus_nodes(shape.targets)
        if len(focus):
            results.extend(run.evaluate(shape, focus))
    return results
