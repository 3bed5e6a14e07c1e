"""Reading rows by the remembered results of the row rules, for speed.

The same predicates, entities, datatypes and sentences come back row after row, so the results
of the rules of :mod:`graph.ingest.row_rules` are kept: per (predicate, datatype, lang) cells, per
entity cell (subject or linked object), per class cell, per (source, section, evidence) cells. Only
a result without flaws is kept. A row for which some rule finds a flaw is read again by
:meth:`~graph.ingest.row_rules.RowRules.read`, which words its problems.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from graph.errors import Problem
from graph.ingest.csv_reader import CsvRecords
from graph.ingest.row_rules import LINK, TEXT, TYPED, ObjectRule, RowRules
from graph.model.facts import Fact


class _Unsure(Exception):
    """A rule found a flaw: the row is read by the full rules."""


class FastPath:
    """Reads the records of files by :class:`RowRules`, reusing every result that had no flaw."""

    def __init__(self, rules: RowRules):
        self.rules = rules
        # each memo maps cells to one rule's result; load_facts of 200k rows: 1.9 s so, 2.9 s by rules alone
        self._object_rules: dict[tuple[str, str, str], ObjectRule] = {}  # (predicate, datatype, lang)
        self._plain_rules: dict[str, ObjectRule] = {}  # by predicate, for rows without datatype and lang
        # entity cell -> IRI, from rules.subject or rules.link (they name an entity alike); one memo
        # without qualifier cells (each names one statement) made load_facts about 3% faster than two
        self._entities: dict[str, str] = {}
        self._classes: dict[str, str] = {}

    def read_file(
        self,
        records: CsvRecords,
        path: Path,
        facts: list[Fact],
        problems: list[Problem],
        rows: Iterable[tuple[int, list[str]]] | None = None,
    ) -> None:
        """Read every record of one file (or ``rows``, some of its records), appending its facts and problems."""
        rules, name = self.rules, records.name
        object_rules, plain_rules = self._object_rules, self._plain_rules
        entities, classes = self._entities, self._classes
        # the notations and evidence of a qualifier row follow rules of their own, and a source is
        # looked for beside its file: memos for statements and for qualifiers, per file
        notations: dict[tuple[str, str], tuple] = {}  # (unit, approx) -> (unit IRI, approximation IRI)
        evidences: dict[tuple[str, str, str], tuple] = {}  # (source, section, evidence) -> checked
        sentences: dict[str, tuple] = {}  # the same by evidence alone (one string to hash, not three)
        qualifier_notations: dict[tuple[str, str], tuple] = {}
        qualifier_evidences: dict[tuple[str, str, str], tuple] = {}
        qualifier_sentences: dict[str, tuple] = {}
        make_fact, append = Fact.new, facts.append
        for number, cells in records.records() if rows is None else rows:
            (
                statement_id,
                subject_cell,
                predicate_cell,
                object_cell,
                datatype_cell,
                lang_cell,
                unit_cell,
                approx_cell,
                source_cell,
                section,
                evidence,
            ) = cells
            # memo misses are handled in line: a helper call per miss cost 2% more instructions (callgrind)
            try:
                if datatype_cell or lang_cell:
                    key = (predicate_cell, datatype_cell, lang_cell)
                    rule = object_rules.get(key)
                    if rule is None:
                        rule, flaws = rules.object_rule(*key)
                        if flaws:
                            raise _Unsure
                        object_rules[key] = rule
                else:
                    rule = plain_rules.get(predicate_cell)
                    if rule is None:
                        rule, flaws = rules.object_rule(predicate_cell, "", "")
                        if flaws:
                            raise _Unsure
                        plain_rules[predicate_cell] = rule
                subject = entities.get(subject_cell)
                if subject is None:
                    (subject, qualifies), flaws = rules.subject(subject_cell)
                    if flaws:
                        raise _Unsure
                    if subject is not None:  # not a qualifier row
                        entities[subject_cell] = subject
                else:
                    qualifies = ""
                kind = rule.kind
                if kind is LINK:
                    obj, is_literal = entities.get(object_cell), False
                    if obj is None:
                        obj, flaws = rules.link(object_cell)
                        if flaws:
                            raise _Unsure
                        entities[object_cell] = obj
                elif kind is TEXT:
                    obj, is_literal = object_cell, True
                elif kind is TYPED:
                    as_written, is_literal = rule.as_written, True
                    if as_written is not None and as_written(object_cell):
                        obj = object_cell
                    else:
                        obj, flaws = rules.object_value(rule, object_cell)
                        if flaws:
                            raise _Unsure
                else:
                    obj, is_literal = classes.get(object_cell), False
                    if obj is None:
                        obj, flaws = rules.class_of(object_cell)
                        if flaws:
                            raise _Unsure
                        classes[object_cell] = obj
                if statement_id and rules.statement_id(statement_id, qualifies != ""):
                    raise _Unsure
                if unit_cell or approx_cell:
                    memo, key = qualifier_notations if qualifies else notations, (unit_cell, approx_cell)
                    found = memo.get(key)
                    if found is None:
                        found, flaws = rules.notations(unit_cell, approx_cell, qualifies != "")
                        if flaws:
                            raise _Unsure
                        memo[key] = found
                    unit, approximation = found
                else:
                    unit = approximation = None
                by_sentence = qualifier_sentences if qualifies else sentences
                found = by_sentence.get(evidence)
                if found is not None and found[0] == source_cell and found[1] == section:
                    document, section, evidence = found[2]
                else:
                    memo = qualifier_evidences if qualifies else evidences
                    key = (source_cell, section, evidence)
                    checked = memo.get(key)
                    if checked is None:
                        checked, flaws = rules.evidence(source_cell, section, evidence, path, qualifies != "")
                        if flaws:
                            raise _Unsure
                        memo[key] = checked
                    by_sentence[evidence] = (source_cell, section, checked)
                    document, section, evidence = checked
            except _Unsure:
                fact, found = rules.read(name, number, cells, path)
                problems.extend(found)
                if fact is not None:
                    append(fact)
                continue
            append(
                make_fact(
                    file=name,
                    row=number,
                    subject_iri=subject,
                    predicate_iri=rule.predicate,
                    object_value=obj,
                    object_is_literal=is_literal,
                    datatype_iri=rule.datatype,
                    language=rule.language,
                    statement_id=statement_id,
                    qualifies=qualifies,
                    unit_iri=unit,
                    approximation_iri=approximation,
                    source=document,
                    section=section,
                    evidence=evidence,
                )
            )
