"""SHACL validation with pyshacl against shapes kept in data/, each violation mapped back to CSV rows."""

from __future__ import annotations

from pathlib import Path

import rdflib
from rdflib import RDF, Literal, URIRef
from rdflib.namespace import SH

from .errors import InputError, Problem, Severity
from .knowledge_graph import KnowledgeGraph

DEFAULT_SHAPES = Path(__file__).resolve().parent.parent / "data" / "shapes.ttl"


def load_shapes(path: Path | str = DEFAULT_SHAPES) -> rdflib.Graph:
    """Parse a SHACL shapes file (Turtle)."""
    try:
        return rdflib.Graph().parse(Path(path), format="turtle")
    except FileNotFoundError:
        raise InputError(f"{path}: shapes file not found") from None
    except Exception as exc:
        raise InputError(f"{path}: not a valid Turtle shapes file: {exc}") from None


def check_shapes(graph: KnowledgeGraph, shapes: rdflib.Graph) -> list[Problem]:
    """Validate ``graph`` and return one Problem per SHACL result, located at the rows involved."""
    import pyshacl  # imported here: it is slow to import and only this function needs it

    data = graph.to_rdflib()
    _conforms, report, _text = pyshacl.validate(
        data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True
    )
    locator = _RowLocator(graph)
    problems = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(result, SH.focusNode)
        path = report.value(result, SH.resultPath)
        message = report.value(result, SH.resultMessage) or report.value(result, SH.sourceConstraintComponent)
        severity = (
            Severity.ERROR if report.value(result, SH.resultSeverity) == SH.Violation else Severity.WARNING
        )
        component = report.value(result, SH.sourceConstraintComponent)
        missing = component in (SH.MinCountConstraintComponent, SH.QualifiedMinCountConstraintComponent)
        file, row, column = locator.locate(focus, None if missing else path)
        name = graph.facts.vocabulary.shorten(str(focus)) if isinstance(focus, URIRef) else str(focus)
        value = report.value(result, SH.value)
        detail = (
            f" (value {value.n3() if isinstance(value, Literal) else graph.facts.vocabulary.shorten(str(value))})"
            if value is not None
            else ""
        )
        path_text = f" {graph.facts.vocabulary.shorten(str(path))}" if isinstance(path, URIRef) else ""
        problems.append(
            Problem(
                file,
                row,
                column,
                f"SHACL: {name}{path_text}: {message}{detail}",
                "see data/shapes.ttl for the rule",
                severity,
            )
        )
    return sorted(set(problems))


class _RowLocator:
    """Finds the CSV row (and column) a SHACL focus node and path point at."""

    def __init__(self, graph: KnowledgeGraph):
        self.by_subject: dict[URIRef, list] = {}
        for fact in graph.facts.facts:
            if fact.subject is not None:
                self.by_subject.setdefault(fact.subject, []).append(fact)
        self.statements = graph.statement_facts
        self.default = str(graph.facts.inputs[0]) if graph.facts.inputs else ""

    def locate(self, focus, path) -> tuple[str, int, str]:
        if focus in self.statements:
            facts = self.statements[focus]
            matching = [f for f in facts if f.predicate == path] or facts
            return (
                matching[0].file,
                matching[0].row,
                "object" if path in {f.predicate for f in facts} else "subject",
            )
        facts = self.by_subject.get(focus, [])
        matching = [f for f in facts if f.predicate == path]
        if matching:
            return matching[0].file, matching[0].row, "object"
        if facts:
            return facts[0].file, facts[0].row, "subject"
        return self.default, 0, ""
