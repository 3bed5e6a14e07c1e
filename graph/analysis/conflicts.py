"""Single-valued facts with two values: reported with both rows and sentences, never one silently kept.

A property is single-valued when the vocabulary declares it ``owl:FunctionalProperty`` (a founding
date, say). Values in different languages are not in conflict: a name has a zh and an en form.
Both facts stay in the graph; the warning asks a person to choose, as two sources may disagree.
"""

from __future__ import annotations

from collections import defaultdict

from rdflib import OWL, RDF

from graph.errors import Problem, Severity
from graph.model.facts import FactSet


def single_valued(facts: FactSet) -> set[str]:
    """The IRIs of the properties the vocabulary declares functional."""
    return {str(p) for p in facts.vocabulary.graph.subjects(RDF.type, OWL.FunctionalProperty)}


def conflicting_facts(facts: FactSet) -> list[Problem]:
    """A warning for every further value of a single-valued property of one subject, naming both sentences."""
    functional = single_valued(facts)
    if not functional:
        return []
    problems = []
    prefix = facts.namespace.prefix
    for subject, group in facts.by_subject.items():
        values: dict[tuple[str, str], list] = defaultdict(list)
        for fact in group:
            if fact.predicate_iri in functional:
                values[(fact.predicate_iri, fact.language)].append(fact)
        for (predicate, _), found in values.items():
            distinct = list({(f.object_value, f.datatype_iri): f for f in found}.values())
            if len(distinct) < 2:
                continue
            distinct.sort(key=lambda f: (f.file, f.row))
            first = distinct[0]
            name = facts.vocabulary.shorten(predicate)
            key = subject[len(prefix) :] if subject.startswith(prefix) else subject
            for other in distinct[1:]:
                problems.append(
                    Problem(
                        other.file,
                        other.row,
                        "object",
                        f"conflicting values of {name} for {key}: {first.object_value!r} ({first.file}:{first.row}:"
                        f" “{first.evidence}”) and {other.object_value!r} (“{other.evidence}”); both are kept",
                        f"{name} takes one value: keep the right row, or check both sources",
                        Severity.WARNING,
                    )
                )
    return problems
