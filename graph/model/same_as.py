"""Decisions that two keys name the same entity (or not), and their effect on the facts.

The decisions are data: ``same-as.csv`` beside the facts, one row per pair, with the columns
``key, same_as, decision, who, date, reason``; ``decision`` is ``same`` or ``different``. A ``same``
row makes ``key`` the entity's one IRI: every fact and sentence of ``same_as`` moves to it, its
labels become aliases where ``key`` has a label in that language, and ``key owl:sameAs same_as``
keeps the old IRI findable. A ``different`` row only tells ``kg resolve`` not to propose the pair again.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from graph.errors import Problem, Severity
from graph.model.facts import FACT_ORDER, Fact
from graph.model.namespaces import RDFS_LABEL, EntityNamespace

FILE_NAME = "same-as.csv"
COLUMNS = ("key", "same_as", "decision", "who", "date", "reason")
DECISIONS = ("same", "different")
OWL_SAME_AS = "http://www.w3.org/2002/07/owl#sameAs"
SKOS_ALT_LABEL = "http://www.w3.org/2004/02/skos/core#altLabel"


@dataclass(frozen=True)
class Decision:
    """One row of same-as.csv."""

    key: str
    same_as: str
    decision: str
    who: str = ""
    date: str = ""
    reason: str = ""
    file: str = ""
    row: int = 0


def read_decisions(path: Path | str | None, problems: list[Problem] | None = None) -> list[Decision]:
    """The decisions of a same-as.csv (none when ``path`` is None or missing); bad rows become problems.

    >>> read_decisions("no-such-same-as.csv")
    []
    """
    if path is None or not Path(path).is_file():
        return []
    problems = problems if problems is not None else []
    found = []
    with open(path, encoding="utf-8-sig", newline="") as stream:
        reader = csv.DictReader(stream)
        missing = [c for c in COLUMNS[:3] if c not in (reader.fieldnames or [])]
        if missing:
            problems.append(
                Problem(
                    str(path), 1, "", f"no column {', '.join(missing)}", "start with: " + ",".join(COLUMNS)
                )
            )
            return []
        for number, row in enumerate(reader, 2):
            values = {c: (row.get(c) or "").strip() for c in COLUMNS}
            if not any(values.values()):
                continue
            if values["decision"] not in DECISIONS:
                problems.append(
                    Problem(
                        str(path),
                        number,
                        "decision",
                        f"{values['decision']!r} is not a decision",
                        "write same or different",
                    )
                )
                continue
            if not values["key"] or not values["same_as"] or values["key"] == values["same_as"]:
                problems.append(
                    Problem(
                        str(path), number, "same_as", "a decision needs two different keys", "write both keys"
                    )
                )
                continue
            found.append(Decision(**values, file=str(path), row=number))
    return found


def merges(decisions: list[Decision], problems: list[Problem]) -> dict[str, tuple[str, Decision]]:
    """Each merged-away key -> (its canonical key, the decision), chains followed (a=b, b=c: c -> a)."""
    canonical: dict[str, tuple[str, Decision]] = {}
    for d in decisions:
        if d.decision != "same":
            continue
        if d.same_as in canonical:
            first = canonical[d.same_as][1]
            problems.append(
                Problem(
                    d.file,
                    d.row,
                    "same_as",
                    f"{d.same_as!r} is already merged into {canonical[d.same_as][0]!r} by row {first.row}",
                    "keep one decision per merged key",
                )
            )
            continue
        canonical[d.same_as] = (d.key, d)
    for other, (key, d) in list(canonical.items()):
        seen = {other}
        while key in canonical and key not in seen:
            seen.add(key)
            key = canonical[key][0]
        canonical[other] = (key, d)
    return canonical


def apply_decisions(
    facts: list[Fact], decisions: list[Decision], namespace: EntityNamespace, problems: list[Problem]
) -> list[Fact]:
    """Move the facts of every merged-away key to its canonical key (see the module docstring);
    return the ``owl:sameAs`` facts to add once the rows are checked (their objects have no type
    or label of their own, as an old IRI should not)."""
    canonical = merges(decisions, problems)
    if not canonical:
        return []
    iri = {namespace.prefix + other: namespace.prefix + key for other, (key, _) in canonical.items()}
    mentioned = {f.subject_iri for f in facts} | {f.object_value for f in facts if not f.object_is_literal}
    for other, (key, d) in canonical.items():
        for missing in (k for k in (key, other) if namespace.prefix + k not in mentioned):
            problems.append(
                Problem(
                    d.file,
                    d.row,
                    "key",
                    f"no fact mentions {missing!r}",
                    "check the key, or delete the row",
                    Severity.WARNING,
                )
            )
    labelled = {
        (f.subject_iri, f.language)
        for f in facts
        if f.predicate_iri == RDFS_LABEL and f.subject_iri not in iri
    }
    first_label: dict[str, Fact] = {}
    for fact in facts:
        old = fact.subject_iri
        if old in iri:
            fact.subject_iri = iri[old]
            if fact.predicate_iri == RDFS_LABEL:
                first_label.setdefault(old, fact)
                if (fact.subject_iri, fact.language) in labelled:
                    fact.predicate_iri = SKOS_ALT_LABEL
        if not fact.object_is_literal and fact.object_value in iri:
            fact.object_value = iri[fact.object_value]
    added = []
    for old, new in sorted(iri.items()):
        named = first_label.get(old)
        if named is None:
            continue  # the key is stated nowhere: warned above
        added.append(
            Fact.new(
                file=named.file,
                row=named.row,
                subject_iri=new,
                predicate_iri=OWL_SAME_AS,
                object_value=old,
                source=named.source,
                section=named.section,
                evidence=named.evidence,
            )
        )
    return added


def add_facts(added: list[Fact], facts: list[Fact], by_subject: dict[str, list[Fact]]) -> None:
    """Put facts made after the row checks into the fact list and their subject's group (kept in FACT_ORDER)."""
    for fact in added:
        facts.append(fact)
        group = by_subject.setdefault(fact.subject_iri, [])
        group.append(fact)
        group.sort(key=FACT_ORDER)
