"""Reading rows by the remembered results of the row rules, for speed.

The same predicates, entities, datatypes and sentences come back row after row, so the results
of the rules of :mod:`graph.ingest.row_rules` are kept: per (predicate, datatype, lang) cells, per
subject cell, per object cell of a link or a class, per (source, section, evidence) cells. Only a
result without flaws is kept. A row for which some rule finds a flaw is read again by
:meth:`~graph.ingest.row_rules.RowRules.read`, which words its problems.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from graph.errors import Problem
from graph.ingest.csv_reader import CsvRecords
from graph.ingest.row_rules import LINK, TEXT, TYPED, RowRules
from graph.model.facts import Fact


class _Unsure(Exception):
    """A rule found a flaw: the row is read by the full rules."""


class _Memo(dict):
    """The results of one rule by its cells: ``memo[cells]`` applies the rule once, and keeps its
    result only when it has no flaw (else raises _Unsure)."""

    __slots__ = ("rule",)

    def __init__(self, rule: Callable[..., tuple]):
        super().__init__()
        self.rule = rule

    def __missing__(self, cells):
        value, flaws = self.rule(cells)
        if flaws:
            raise _Unsure
        self[cells] = value
        return value


class FastPath:
    """Reads the records of files by :class:`RowRules`, reusing every result that had no flaw."""

    def __init__(self, rules: RowRules):
        self.rules = rules
        self._object_rules = _Memo(lambda cells: rules.object_rule(*cells))  # (predicate, datatype, lang)
        self._plain_rules = _Memo(lambda cell: rules.object_rule(cell, "", ""))  # rows without datatype, lang
        self._subjects = _Memo(rules.subject)
        self._links = _Memo(rules.link)
        self._classes = _Memo(rules.class_of)

    # Measured on 200k synthetic rows: load_facts takes 1.8 s with these caches, N s with the full rules alone.
    def read_file(self, records: CsvRecords, path: Path, facts: list[Fact], problems: list[Problem]) -> None:
        """Read every record of one file, appending its facts and problems."""
        rules, name = self.rules, records.name
        object_rules, plain_rules, subjects = self._object_rules, self._plain_rules, self._subjects
        links, classes = self._links, self._classes
        # the notations and evidence of a qualifier row follow rules of their own, and the source is
        # looked for beside the file: memos for statements and for qualifiers, per file
        statement_notations = _Memo(lambda cells: rules.notations(*cells, False))
        qualifier_notations = _Memo(lambda cells: rules.notations(*cells, True))
        statement_evidence = _Memo(lambda cells: rules.evidence(*cells, path, False))
        qualifier_evidence = _Memo(lambda cells: rules.evidence(*cells, path, True))
        # evidence cell -> (source cell, section cell, checked): one string to hash, not three
        statement_sentences: dict[str, tuple] = {}
        qualifier_sentences: dict[str, tuple] = {}
        make_fact, append = Fact.new, facts.append
        for number, cells in records.records():
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
            try:
                if datatype_cell or lang_cell:
                    rule = object_rules[predicate_cell, datatype_cell, lang_cell]
                else:
                    rule = plain_rules[predicate_cell]
                subject, qualifies = subjects[subject_cell]
                kind = rule.kind
                if kind is TEXT:
                    obj, is_literal = object_cell, True
                elif kind is LINK:
                    obj, is_literal = links[object_cell], False
                elif kind is TYPED:
                    as_written, is_literal = rule.as_written, True
                    if as_written is not None and as_written(object_cell):
                        obj = object_cell
                    else:
                        obj, flaws = rules.object_value(rule, object_cell)
                        if flaws:
                            raise _Unsure
                else:
                    obj, is_literal = classes[object_cell], False
                if statement_id and rules.statement_id(statement_id, bool(qualifies)):
                    raise _Unsure
                if unit_cell or approx_cell:
                    memo = qualifier_notations if qualifies else statement_notations
                    unit, approximation = memo[unit_cell, approx_cell]
                else:
                    unit = approximation = None
                sentences = qualifier_sentences if qualifies else statement_sentences
                hit = sentences.get(evidence)
                if hit is not None and hit[0] == source_cell and hit[1] == section:
                    document, section, evidence = hit[2]
                else:
                    memo = qualifier_evidence if qualifies else statement_evidence
                    checked = memo[source_cell, section, evidence]
                    sentences[evidence] = (source_cell, section, checked)
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
