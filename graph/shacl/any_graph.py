"""Validation of any rdflib graph with either engine, answered as pyshacl answers.

The fast engine reads a :class:`~graph.model.table.TripleTable`; :func:`table_of` makes one of any
rdflib graph (every triple an "other" item: there are no statement facts). Its results become a
SHACL validation report graph with :func:`report_graph`.
"""

from __future__ import annotations

import rdflib
from rdflib import RDF, XSD, BNode, Literal, URIRef
from rdflib.namespace import SH

from graph.model.table import TripleTable
from graph.model.terms import rdflib_literal
from graph.shacl.types import ShaclResult, Term, term_of

#: the base of a table made from an rdflib graph: its statement prefix matches no real IRI
NO_STATEMENTS = "urn:x-ningbo-kg:no-statements:"
_XSD_STRING = str(XSD.string)


def table_of(graph: rdflib.Graph) -> TripleTable:
    """Every triple of ``graph`` as a table the fast engine reads (``"x"^^xsd:string`` read as ``"x"``)."""
    others: dict[str, set] = {}
    for s, p, o in graph:
        if isinstance(o, Literal):
            datatype = "" if o.language or o.datatype is None else str(o.datatype)
            item = (str(p), True, str(o), "" if datatype == _XSD_STRING else datatype, o.language or "")
        else:
            item = (str(p), False, term_of(o), "", "")
        others.setdefault(term_of(s), set()).add(item)
    return TripleTable(NO_STATEMENTS, {}, {key: sorted(items) for key, items in others.items()}, [])


def node_of(term: Term) -> rdflib.term.Node:
    """The rdflib node of a :data:`Term` (the inverse of :func:`graph.shacl.types.term_of`)."""
    if isinstance(term, tuple):
        lexical, datatype, language = term
        if language or not datatype:
            return rdflib_literal(*term)
        return Literal(lexical, datatype=URIRef(datatype), normalize=False)  # the lexical form as it was
    if term.startswith("_:"):
        return BNode(term[2:])
    return URIRef(term)


def report_graph(
    results: list[ShaclResult], shapes: rdflib.Graph, conforms: bool | None = None
) -> tuple[bool, rdflib.Graph, str]:
    """``(conforms, report graph, text)`` of ``results``, as :func:`pyshacl.validate` gives them
    (``conforms``: whether there is no result, unless given)."""
    if conforms is None:
        conforms = not results
    report = rdflib.Graph()
    report.bind("sh", SH)
    top = BNode()
    report.add((top, RDF.type, SH.ValidationReport))
    report.add((top, SH.conforms, Literal(conforms)))
    lines = []
    for result in results:
        node = BNode()
        report.add((top, SH.result, node))
        report.add((node, RDF.type, SH.ValidationResult))
        report.add((node, SH.focusNode, node_of(result.focus)))
        path = result.path_node if result.path_node is not None else result.path
        if path is not None:
            path = path if isinstance(path, rdflib.term.Node) else URIRef(path)
            report.add((node, SH.resultPath, path))
            if isinstance(path, BNode):
                _copy_path(shapes, path, report)
        if result.value is not None:
            report.add((node, SH.value, node_of(result.value)))
        report.add((node, SH.sourceShape, result.shape))
        component = URIRef(result.component) if ":" in result.component else SH[result.component]
        report.add((node, SH.sourceConstraintComponent, component))
        report.add((node, SH.resultSeverity, URIRef(result.severity)))
        if result.constraint is not None:
            report.add((node, SH.sourceConstraint, result.constraint))
        messages = (
            [Literal(result.message)]
            if result.message is not None
            else list(shapes.objects(result.shape, SH.message))
        )
        for message in messages:
            report.add((node, SH.resultMessage, message))
        lines.append(
            f"{result.component} on {node_of(result.focus).n3()}"
            + (f" path {path.n3() if isinstance(path, URIRef) else '(a path expression)'}" if path else "")
            + (f" value {node_of(result.value).n3()}" if result.value is not None else "")
            + (f": {messages[0]}" if messages else "")
        )
    text = "\n".join(["Validation Report", f"Conforms: {conforms}", *lines]) + "\n"
    return conforms, report, text


_PATH_KEYS = (SH.inversePath, SH.zeroOrMorePath, SH.oneOrMorePath, SH.zeroOrOnePath, SH.alternativePath)


def _copy_path(shapes: rdflib.Graph, node: BNode, report: rdflib.Graph) -> None:
    """The triples of a path expression, copied from the shapes graph as the engine reads it (a
    list is a sequence path; else the first path key in the order of ``_PATH_KEYS``)."""
    if (node, RDF.first, None) in shapes:
        keys: tuple = (RDF.first, RDF.rest)
    else:
        keys = next(((key,) for key in _PATH_KEYS if (node, key, None) in shapes), ())
    for key in keys:
        value = shapes.value(node, key)
        report.add((node, key, value))
        if isinstance(value, BNode):
            _copy_path(shapes, value, report)
