"""SHACL results as Problems: worded from the shapes file, located at the CSV rows the focus node comes from."""

from __future__ import annotations

import rdflib
from rdflib import Literal, URIRef
from rdflib.namespace import SH

from graph.errors import Problem, Severity
from graph.model.graph import KnowledgeGraph
from graph.model.terms import rdflib_literal
from graph.shacl.types import ShaclResult, Term


def results_to_problems(
    graph: KnowledgeGraph, shapes: rdflib.Graph, results: list[ShaclResult]
) -> list[Problem]:
    """One Problem per result (repeats merged), worded from the shapes and located at the rows."""
    if not results:
        return []
    vocabulary = graph.facts.vocabulary
    locator = _RowLocator(graph, {r.focus for r in results})
    problems = set()
    for result in results:
        missing = result.component in ("MinCountConstraintComponent", "QualifiedMinCountConstraintComponent")
        file, row, column = locator.locate(result.focus, None if missing else result.path)
        focus = result.focus
        name = (
            vocabulary.shorten(focus)
            if isinstance(focus, str) and not focus.startswith("_:")
            else _text(focus)
        )
        path_text = f" {vocabulary.shorten(result.path)}" if result.path else ""
        detail = ""
        if result.value is not None:
            value = result.value
            shown = rdflib_literal(*value).n3() if isinstance(value, tuple) else vocabulary.shorten(value)
            detail = f" (value {shown})"
        severity = Severity.ERROR if result.severity == str(SH.Violation) else Severity.WARNING
        problems.add(
            Problem(
                file,
                row,
                column,
                f"SHACL: {name}{path_text}: {result.message or _message(shapes, result, vocabulary.shorten)}{detail}",
                "see data/shapes.ttl for the rule",
                severity,
            )
        )
    return sorted(problems)


def _message(shapes: rdflib.Graph, result: ShaclResult, shorten) -> str:
    """The shape's own ``sh:message`` (English or untagged preferred), else a sentence about the constraint."""
    messages = sorted(
        (m for m in shapes.objects(result.shape, SH.message) if isinstance(m, Literal)),
        key=lambda m: (m.language not in (None, "en"), m.language or "", str(m)),
    )
    if messages:
        return str(messages[0])

    def one(parameter):
        return shapes.value(result.shape, parameter)

    def show(node) -> str:
        if isinstance(node, URIRef):
            return shorten(str(node))
        return node.n3() if node is not None else ""

    component = result.component.removesuffix("ConstraintComponent")
    sentences = {
        "MinCount": lambda: f"needs at least {one(SH.minCount)} value(s)",
        "MaxCount": lambda: f"takes at most {one(SH.maxCount)} value(s)",
        "Class": lambda: f"the value must be an instance of {show(one(SH['class']))}",
        "Datatype": lambda: f"the value must be a literal of type {show(one(SH.datatype))}",
        "NodeKind": lambda: f"the value must be of kind {show(one(SH.nodeKind))}",
        "MinExclusive": lambda: f"the value must be greater than {show(one(SH.minExclusive))}",
        "MinInclusive": lambda: f"the value must be at least {show(one(SH.minInclusive))}",
        "MaxExclusive": lambda: f"the value must be less than {show(one(SH.maxExclusive))}",
        "MaxInclusive": lambda: f"the value must be at most {show(one(SH.maxInclusive))}",
        "MinLength": lambda: f"the value must be at least {one(SH.minLength)} characters long",
        "MaxLength": lambda: f"the value must be at most {one(SH.maxLength)} characters long",
        "Pattern": lambda: f"the value must match the pattern {one(SH.pattern)}",
        "LanguageIn": lambda: "the value must have one of the allowed language tags",
        "UniqueLang": lambda: "two values share a language tag",
        "Equals": lambda: f"the values must equal those of {show(one(SH.equals))}",
        "Disjoint": lambda: f"the values must differ from those of {show(one(SH.disjoint))}",
        "LessThan": lambda: f"the value must be less than those of {show(one(SH.lessThan))}",
        "LessThanOrEquals": lambda: f"the value must be at most those of {show(one(SH.lessThanOrEquals))}",
        "Not": lambda: "the value must not conform to the shape it names",
        "And": lambda: "the value must conform to all the shapes it names",
        "Or": lambda: "the value must conform to one of the shapes it names",
        "Xone": lambda: "the value must conform to exactly one of the shapes it names",
        "Node": lambda: "the value must conform to the shape it names",
        "QualifiedMinCount": lambda: (
            f"needs at least {one(SH.qualifiedMinCount)} value(s) of the required shape"
        ),
        "QualifiedMaxCount": lambda: (
            f"takes at most {one(SH.qualifiedMaxCount)} value(s) of the required shape"
        ),
        "Closed": lambda: "the shape is closed and does not allow this property",
        "HasValue": lambda: f"must have the value {show(one(SH.hasValue))}",
        "In": lambda: "the value must be one of the listed values",
        "SPARQL": lambda: "the SPARQL constraint of this shape finds a fault",
    }
    sentence = sentences.get(component)
    return sentence() if sentence else f"violates {component}"


def _text(term: Term) -> str:
    return rdflib_literal(*term).n3() if isinstance(term, tuple) else term


class _RowLocator:
    """Finds the CSV row (and column) a SHACL focus node and path point at."""

    def __init__(self, graph: KnowledgeGraph, focus_nodes: set[Term]):
        self.by_subject: dict[str, list] = {}
        self.statements: dict[str, list] = {}
        facts = graph.facts.facts
        for fact in facts:  # in row order: the first row that matches is the one named
            if fact.subject_iri in focus_nodes:
                self.by_subject.setdefault(fact.subject_iri, []).append(fact)
        prefix = graph.table.statement_prefix
        if any(isinstance(f, str) and f.startswith(prefix) for f in focus_nodes):
            by_id: dict[str, list] = {}
            for fact in graph.table.statements:
                iri = prefix + fact.statement_key
                if iri in focus_nodes:
                    self.statements[iri] = by_id[fact.statement_id or "\0"] = [fact]
            by_id.pop("\0", None)
            for fact in facts:
                if fact.qualifies in by_id:
                    by_id[fact.qualifies].append(fact)
        self.default = str(graph.facts.inputs[0]) if graph.facts.inputs else ""

    def locate(self, focus: Term, path: str | None) -> tuple[str, int, str]:
        if focus in self.statements:
            facts = self.statements[focus]
            matching = [f for f in facts if f.predicate_iri == path] or facts
            column = "object" if path in {f.predicate_iri for f in facts} else "subject"
            return matching[0].file, matching[0].row, column
        facts = self.by_subject.get(focus, []) if isinstance(focus, str) else []
        matching = [f for f in facts if f.predicate_iri == path]
        if matching:
            return matching[0].file, matching[0].row, "object"
        if facts:
            return facts[0].file, facts[0].row, "subject"
        return self.default, 0, ""
