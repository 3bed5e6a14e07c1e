"""The rules that look at more than one row: statement ids, qualifier references, duplicates, and
entities without a type or a label."""

from __future__ import annotations

from operator import eq

from graph.errors import Problem, Severity
from graph.model.build import as_evidence_of
from graph.model.facts import FACT_ORDER, QUALIFIER_MARK, Fact
from graph.model.namespaces import RDF_TYPE, RDFS_LABEL, EntityNamespace


def cross_row_checks(
    facts: list[Fact], problems: list[Problem], namespace: EntityNamespace
) -> tuple[list[Fact], dict[str, list[Fact]]]:
    """Statement ids, qualifier references, duplicates, and entities without a type or label.

    Returns the facts kept (duplicates and qualifiers of unknown ids dropped), in row order, and
    the statements' facts grouped by subject in FACT_ORDER (which puts duplicates side by side).
    """
    ids: dict[str, Fact] = {}
    for fact in facts:
        if fact.statement_id:
            first = ids.setdefault(fact.statement_id, fact)
            if first is not fact:
                problems.append(
                    Problem(
                        fact.file,
                        fact.row,
                        "id",
                        f"the id {fact.statement_id!r} is already used by row {first.row} of {first.file}",
                        "give each statement its own id",
                    )
                )
    groups: dict[str, list[Fact]] = {}
    dropped: set[int] = set()  # id() of the facts left out
    for fact in facts:
        if fact.qualifies and fact.qualifies not in ids:
            problems.append(
                Problem(
                    fact.file,
                    fact.row,
                    "subject",
                    f"no row has the id {fact.qualifies!r}",
                    "write the id in the id column of the statement this row qualifies",
                )
            )
            dropped.add(id(fact))
            continue
        key = fact.subject_iri if fact.subject_iri is not None else QUALIFIER_MARK + fact.qualifies
        group = groups.get(key)
        if group is None:
            groups[key] = [fact]
        else:
            group.append(fact)
    moved: set[int] = set()  # id() of the facts kept, but not as their subject's triple (see below)
    qualifiers: dict[str, set[tuple]] | None = None
    for group in groups.values():
        if len(group) > 1:
            group.sort(key=FACT_ORDER)  # stable: of equal facts, the first row comes first
            keys = list(map(FACT_ORDER, group))
            if not any(map(eq, keys, keys[1:])):
                continue
            first = group[0]
            for index in range(1, len(group)):
                fact = group[index]
                if keys[index] != keys[index - 1]:
                    first = fact
                    continue
                if qualifiers is None:
                    qualifiers = qualifiers_by_id(facts)
                if fact.statement_id in qualifiers and qualifiers[fact.statement_id] != qualifiers.get(
                    first.statement_id
                ):
                    moved.add(id(fact))  # the same triple with other qualifiers: a statement of its own
                    continue
                same_sentence = (fact.source, fact.section, fact.evidence) == (
                    first.source,
                    first.section,
                    first.evidence,
                )
                problems.append(
                    Problem(
                        fact.file,
                        fact.row,
                        "object",
                        f"duplicate fact: row {first.row} of {first.file} already states it"
                        + (
                            ""
                            if same_sentence
                            else "; its sentence is kept as more evidence of that statement"
                        ),
                        "delete one of the two rows",
                        Severity.WARNING,
                    )
                )
                if same_sentence or fact.qualifies:
                    dropped.add(id(fact))
                else:
                    as_evidence_of(fact, first)
                    moved.add(id(fact))
    if moved:
        groups = {key: [f for f in group if id(f) not in moved] for key, group in groups.items()}
    if dropped:
        for fact in facts:
            statement = ids.get(fact.qualifies) if fact.qualifies else None
            if statement is not None and id(statement) in dropped and id(fact) not in dropped:
                problems.append(
                    Problem(
                        fact.file,
                        fact.row,
                        "subject",
                        f"the statement {fact.qualifies!r} (row {statement.row}) repeats an earlier row and "
                        "was left out, so this qualifier is left out too",
                        "give the qualifier the id of the row that is kept, or delete the repeated row",
                        Severity.WARNING,
                    )
                )
                dropped.add(id(fact))
        facts = [f for f in facts if id(f) not in dropped]
        groups = {key: [f for f in group if id(f) not in dropped] for key, group in groups.items()}
    by_subject = {key: group for key, group in groups.items() if not key.startswith(QUALIFIER_MARK)}
    check_entities(facts, by_subject, problems, namespace)
    return facts, by_subject


def qualifiers_by_id(facts: list[Fact]) -> dict[str, set[tuple]]:
    """The qualifier rows of each statement id, as (predicate, value) pairs."""
    found: dict[str, set[tuple]] = {}
    for fact in facts:
        if fact.qualifies:
            found.setdefault(fact.qualifies, set()).add(FACT_ORDER(fact))
    return found


def check_entities(
    facts: list[Fact], by_subject: dict[str, list[Fact]], problems: list[Problem], namespace: EntityNamespace
) -> None:
    prefix = namespace.prefix
    typed: set[str] = set()
    labelled: set[str] = set()
    mentioned: set[str] = set()
    for subject, group in by_subject.items():
        if subject.startswith(prefix):
            mentioned.add(subject)
            for fact in group:
                if fact.predicate_iri == RDF_TYPE:
                    typed.add(subject)
                elif fact.predicate_iri == RDFS_LABEL:
                    labelled.add(subject)
    for fact in facts:
        if not fact.object_is_literal and fact.object_value.startswith(prefix):
            mentioned.add(fact.object_value)
    incomplete = mentioned - (typed & labelled)
    if not incomplete:
        return
    first_mention: dict[str, tuple[Fact, str]] = {}
    for fact in facts:
        if fact.subject_iri in incomplete:
            first_mention.setdefault(fact.subject_iri, (fact, "subject"))
        if not fact.object_is_literal and fact.object_value in incomplete:
            first_mention.setdefault(fact.object_value, (fact, "object"))
    for entity, (fact, column) in first_mention.items():
        key = entity[len(prefix) :]
        missing = [what for what, found in (("type", typed), ("label", labelled)) if entity not in found]
        rows = {
            "type": f"subject {key}, predicate a, object a class",
            "label": f"subject {key}, predicate rdfs:label, object its name",
        }
        problems.append(
            Problem(
                fact.file,
                fact.row,
                column,
                f"the entity {key!r} has no {' and no '.join(missing)}",
                "add a row with " + "; and one with ".join(rows[m] for m in missing),
            )
        )
