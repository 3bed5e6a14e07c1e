"""The rules of one row: every cell checked, every problem worded with its column and a fix.

A row that is plainly valid takes a fast path that reuses what was learnt from earlier rows
(the same predicates, entities, datatypes and sentences come back again and again); any row
the fast path is not sure about is checked by the full rules, which also word the problems.
Facts keep their terms in the compact form of :mod:`graph.ingest.cells`.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path

from graph.errors import Problem
from graph.ingest.cells import (
    ENTITY_KEY,
    IRI_DATATYPE,
    TermError,
    check_language,
    datatype_iri,
    fast_literal_check,
    literal_form,
    resource_iri,
)
from graph.ingest.csv_reader import COLUMNS, Row
from graph.model.facts import QUALIFIER_MARK, Fact
from graph.model.namespaces import RDF_LANG_STRING, RDF_TYPE, XSD_STRING, EntityNamespace
from graph.model.sources import SourceDocument, SourceLibrary
from graph.model.vocabulary import PropertyKind, Vocabulary

SECTION = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?")


_LINK, _CLASS, _TEXT, _TYPED = "link", "class", "text", "typed"  # how a row's object is read


class RowReader:
    """Checks one row at a time; caches what repeats (entities, predicates, datatypes, sources, sentences)."""

    def __init__(self, vocabulary: Vocabulary, namespace: EntityNamespace):
        self.vocabulary = vocabulary
        self.namespace = namespace
        self.sources = SourceLibrary()
        # rdflib terms hash slowly and never equal plain strings: the checks use string-keyed copies
        self.properties = {str(p): kind for p, kind in vocabulary.properties.items()}
        self.ranges = {str(p): str(r) for p, r in vocabulary.ranges.items()}
        self.classes = {str(c) for c in vocabulary.classes}
        self.units = {code: str(iri) for code, iri in vocabulary.units.items()}
        self.approximations = {code: str(iri) for code, iri in vocabulary.approximations.items()}
        self._resources: dict[str, str | TermError] = {}
        self._property_names = sorted(vocabulary.shorten(p) for p in vocabulary.properties)
        self._class_names = sorted(vocabulary.shorten(c) for c in vocabulary.classes)
        # fast-path caches: only what is known to be valid goes in
        self._iris: dict[str, str] = {}
        self._predicates: dict[str, str] = {}
        self._rules: dict[tuple[str, str, str], tuple] = {}
        self._sentences: dict[str, str] = {}

    # ------------------------------------------------------------------ fast path

    def read_file(self, records, path: Path, facts: list[Fact], problems: list[Problem]) -> None:
        """Read every record of one file, appending its facts and problems."""
        name = records.name
        iris, rules, units, approximations = self._iris, self._rules, self.units, self.approximations
        evidence_cache: dict[tuple[str, str, str], tuple] = {}
        by_sentence: dict[str, tuple] = {}  # sentence -> (source cell, section, checked): most rows hit this
        plain_rules: dict[str, tuple] = {}  # predicate cell -> rule, for rows without datatype or lang
        entity_key = ENTITY_KEY.fullmatch
        append = facts.append
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
            if datatype_cell or lang_cell:
                rule = rules.get((predicate_cell, datatype_cell, lang_cell))
            else:
                rule = plain_rules.get(predicate_cell)
            if rule is None:
                rule = self._learn_rule(predicate_cell, datatype_cell, lang_cell)
                if rule is None:
                    self._read_slow(name, number, cells, path, facts, problems)
                    continue
                if not (datatype_cell or lang_cell):
                    plain_rules[predicate_cell] = rule
            kind, predicate, datatype, language, fast = rule
            try:
                if subject_cell[:1] == QUALIFIER_MARK:
                    qualifies = subject_cell[1:]
                    subject = None
                    if not entity_key(qualifies) or statement_id or unit_cell or approx_cell:
                        raise TermError("")
                else:
                    qualifies = ""
                    subject = iris.get(subject_cell) or self._learn_iri(subject_cell)
                    if statement_id and not entity_key(statement_id):
                        raise TermError("")
                if kind is _TEXT:
                    obj, is_literal = object_cell, True
                elif kind is _LINK:
                    obj, is_literal = iris.get(object_cell) or self._learn_iri(object_cell), False
                elif kind is _TYPED:
                    if fast is not None and fast(object_cell):
                        obj = object_cell
                    else:
                        obj = literal_form(object_cell, datatype, "")[0]
                    is_literal = True
                else:  # a class
                    obj, is_literal = iris.get(object_cell) or self._learn_iri(object_cell), False
                    if obj not in self.classes:
                        raise TermError("")
                unit = units[unit_cell] if unit_cell else None
                approximation = approximations[approx_cell] if approx_cell else None
                if source_cell or section or evidence or not qualifies:
                    hit = by_sentence.get(evidence)
                    if hit is not None and hit[0] == source_cell and hit[1] == section:
                        checked = hit[2]
                    else:
                        key = (source_cell, section, evidence)
                        checked = evidence_cache.get(key) or self._learn_evidence(key, path, evidence_cache)
                        by_sentence[evidence] = (source_cell, section, checked)
                    document, section, evidence = checked
                else:
                    document = None
            except (TermError, KeyError):
                self._read_slow(name, number, cells, path, facts, problems)
                continue
            append(
                Fact(
                    name,
                    number,
                    subject,
                    predicate,
                    obj,
                    is_literal,
                    datatype,
                    language,
                    statement_id,
                    qualifies,
                    unit,
                    approximation,
                    document,
                    section,
                    evidence,
                )
            )

    def _learn_iri(self, cell: str) -> str:
        iri = self.resource(cell)  # raises TermError
        self._iris[cell] = iri
        return iri

    def _learn_evidence(self, key: tuple[str, str, str], path: Path, cache: dict) -> tuple:
        """(document, section, sentence) when all three are given and the sentence is in the document."""
        source_cell, section, evidence = key
        if not (source_cell and section and evidence) or not SECTION.fullmatch(section):
            raise TermError("")
        document = self.sources.open(source_cell, path)
        if document is None or not document.contains(evidence):
            raise TermError("")
        checked = cache[key] = (document, section, self._sentences.setdefault(evidence, evidence))
        return checked

    def _learn_rule(self, predicate_cell: str, datatype_cell: str, lang_cell: str) -> tuple | None:
        """How rows with these predicate, datatype and lang cells are read, when that raises no problem."""
        predicate = self._learn_predicate(predicate_cell)
        if predicate is None:
            return None
        if predicate == RDF_TYPE:
            rule: tuple = (_CLASS, predicate, "", "", None)
        else:
            kind = self.properties.get(predicate, PropertyKind.ANY)
            wants_iri = datatype_cell == IRI_DATATYPE or (
                kind is PropertyKind.OBJECT and not datatype_cell and not lang_cell
            )
            if (kind is PropertyKind.OBJECT and not wants_iri) or (
                kind is PropertyKind.DATATYPE and datatype_cell == IRI_DATATYPE
            ):
                return None
            if wants_iri:
                if lang_cell:
                    return None
                rule = (_LINK, predicate, "", "", None)
            else:
                try:
                    literal = self._literal_rule(datatype_cell, lang_cell, predicate)
                except TermError:
                    return None
                if literal is None:
                    return None
                datatype, language = literal
                if language or datatype is None or datatype == XSD_STRING:
                    rule = (_TEXT, predicate, "" if language else (datatype or ""), language, None)
                else:
                    rule = (_TYPED, predicate, datatype, "", fast_literal_check(datatype))
        self._rules[(predicate_cell, datatype_cell, lang_cell)] = rule
        return rule

    def _learn_predicate(self, cell: str) -> str | None:
        """The predicate IRI when the cell names a property of the vocabulary, else None (the slow path words it)."""
        if cell == "a":
            predicate = RDF_TYPE
        elif not cell or ":" in cell or cell.startswith("<"):
            try:
                predicate = self.resource(cell)
            except TermError:
                return None
            if predicate not in self.properties:
                return None
        else:
            return None
        self._predicates[cell] = predicate
        return predicate

    def _literal_rule(
        self, datatype_cell: str, lang_cell: str, predicate: str
    ) -> tuple[str | None, str] | None:
        language = check_language(lang_cell) if lang_cell else ""
        datatype = (
            datatype_iri(datatype_cell, self.vocabulary) if datatype_cell else self.ranges.get(predicate)
        )
        if language and datatype not in (None, XSD_STRING, RDF_LANG_STRING):
            return None
        range_ = self.ranges.get(predicate)
        if datatype_cell and range_ is not None and datatype != range_:
            return None
        return datatype, language

    # ------------------------------------------------------------------ the full rules

    def resource(self, cell: str) -> str:
        cached = self._resources.get(cell)
        if cached is None:
            try:
                cached = resource_iri(cell, self.vocabulary, self.namespace)
            except TermError as exc:
                cached = exc
            self._resources[cell] = cached
        if isinstance(cached, TermError):
            raise cached
        return cached

    def _read_slow(self, name, number, cells, path, facts, problems) -> None:
        fact, row_problems = self.read(Row(name, number, dict(zip(COLUMNS, cells, strict=True))), path)
        problems.extend(row_problems)
        if fact is not None:
            facts.append(fact)

    def read(self, row: Row, path: Path) -> tuple[Fact | None, list[Problem]]:
        """Check one row by every rule; return its fact (None when it has errors) and its problems."""
        problems: list[Problem] = []

        def problem(column: str, message: str, hint: str = "") -> None:
            problems.append(Problem(row.file, row.number, column, message, hint))

        subject_cell, qualifies = row["subject"], ""
        subject: str | None = None
        if subject_cell.startswith(QUALIFIER_MARK):
            qualifies = subject_cell[1:]
            if not ENTITY_KEY.fullmatch(qualifies):
                problem(
                    "subject",
                    f"{subject_cell!r} does not name a statement id",
                    "write '#' and the id of the row it qualifies, e.g. #gxq-rank",
                )
        else:
            try:
                subject = self.resource(subject_cell)
            except TermError as exc:
                problem("subject", str(exc), exc.hint)

        predicate = self._predicate(row["predicate"], problem)
        obj = self._object(row, predicate, problem) if predicate is not None else None

        statement_id = row["id"]
        if statement_id:
            if qualifies:
                problem(
                    "id",
                    "a qualifier row cannot have an id of its own",
                    "leave id empty; qualifiers of qualifiers are not supported",
                )
            elif not ENTITY_KEY.fullmatch(statement_id):
                problem(
                    "id", f"{statement_id!r} is not a valid id", "use ASCII letters, digits, '-', '_' and '.'"
                )

        unit = self._notation(row, "unit", self.units, qualifies, problem)
        approximation = self._notation(row, "approx", self.approximations, qualifies, problem)
        source, section, evidence = self._evidence(row, path, qualifies, problem)

        if problems or predicate is None or obj is None:
            return None, problems
        value, is_literal, datatype, language = obj
        return (
            Fact(
                row.file,
                row.number,
                subject,
                predicate,
                value,
                is_literal,
                datatype,
                language,
                statement_id,
                qualifies,
                unit,
                approximation,
                source,
                section,
                self._sentences.setdefault(evidence, evidence),
            ),
            problems,
        )

    def _predicate(self, cell: str, problem) -> str | None:
        if cell == "a":
            return RDF_TYPE
        if cell and ":" not in cell and not cell.startswith("<"):
            problem(
                "predicate",
                f"{cell!r} is not a property name",
                "write a prefixed name from the vocabulary, e.g. " + ", ".join(self._property_names[:3]),
            )
            return None
        try:
            predicate = self.resource(cell)
        except TermError as exc:
            problem("predicate", str(exc), exc.hint)
            return None
        if predicate not in self.properties:
            close = difflib.get_close_matches(cell, self._property_names, n=3, cutoff=0.5)
            hint = (
                ("did you mean " + " or ".join(close))
                if close
                else f"declare it in {self.vocabulary.path} or use a declared property"
            )
            problem("predicate", f"{cell!r} is not a property of the vocabulary", hint)
            return None
        return predicate

    def _object(self, row, predicate: str, problem) -> tuple[str, bool, str, str] | None:
        """The object as (value, is literal, datatype, language), or None after reporting why not."""
        cell, datatype_cell, lang_cell = row["object"], row["datatype"], row["lang"]
        kind = self.properties.get(predicate, PropertyKind.ANY)
        if predicate == RDF_TYPE:
            cls = self._class(cell, problem)
            return None if cls is None else (cls, False, "", "")
        wants_iri = datatype_cell == IRI_DATATYPE or (
            kind is PropertyKind.OBJECT and not datatype_cell and not lang_cell
        )
        if kind is PropertyKind.OBJECT and not wants_iri:
            problem(
                "datatype" if datatype_cell else "lang",
                f"{self.vocabulary.shorten(predicate)} links to an entity, so the object cannot be a literal",
                "leave datatype and lang empty and write an entity key in object",
            )
            return None
        if kind is PropertyKind.DATATYPE and datatype_cell == IRI_DATATYPE:
            problem(
                "datatype",
                f"{self.vocabulary.shorten(predicate)} takes a literal value, not a link",
                "remove 'iri' from datatype",
            )
            return None
        if wants_iri:
            if lang_cell:
                problem("lang", "a link to an entity has no language", "leave lang empty")
            try:
                return self.resource(cell), False, "", ""
            except TermError as exc:
                problem("object", str(exc), exc.hint)
                return None
        literal = self._literal(cell, datatype_cell, lang_cell, predicate, problem)
        return None if literal is None else (literal[0], True, literal[1], literal[2])

    def _class(self, cell: str, problem) -> str | None:
        try:
            cls = self.resource(cell)
        except TermError as exc:
            problem("object", str(exc), exc.hint)
            return None
        if cls not in self.classes:
            close = difflib.get_close_matches(cell, self._class_names, n=3, cutoff=0.5)
            hint = (
                ("did you mean " + " or ".join(close))
                if close
                else f"declare it in {self.vocabulary.path} or use a declared class"
            )
            problem("object", f"{cell!r} is not a class of the vocabulary", hint)
            return None
        return cls

    def _literal(
        self, cell: str, datatype_cell: str, lang_cell: str, predicate: str, problem
    ) -> tuple[str, str, str] | None:
        language = ""
        if lang_cell:
            try:
                language = check_language(lang_cell)
            except TermError as exc:
                problem("lang", str(exc), exc.hint)
                return None
        try:
            datatype = (
                datatype_iri(datatype_cell, self.vocabulary) if datatype_cell else self.ranges.get(predicate)
            )
        except TermError as exc:
            problem("datatype", str(exc), exc.hint)
            return None
        if language and datatype not in (None, XSD_STRING, RDF_LANG_STRING):
            if datatype_cell:
                problem(
                    "lang",
                    f"a literal with a language tag is a string; it cannot also be {datatype_cell}",
                    "leave lang empty for a typed value, or datatype empty for text",
                )
            else:
                problem(
                    "lang",
                    f"{self.vocabulary.shorten(predicate)} takes values of type {self.vocabulary.shorten(datatype)}, which have no language",
                    "leave lang empty",
                )
            return None
        range_ = self.ranges.get(predicate)
        if datatype_cell and range_ is not None and datatype != range_:
            problem(
                "datatype",
                f"{self.vocabulary.shorten(predicate)} takes {self.vocabulary.shorten(range_)}, not {datatype_cell}",
                "leave datatype empty to use the property's own type",
            )
            return None
        try:
            return literal_form(cell, datatype, language)
        except TermError as exc:
            problem("object", str(exc), exc.hint)
            return None

    def _notation(self, row, column: str, codes: dict[str, str], qualifies: str, problem) -> str | None:
        cell = row[column]
        if not cell:
            return None
        if qualifies:
            problem(
                column,
                f"a qualifier row cannot carry its own {column}",
                "give the figure its own row with an id",
            )
            return None
        if cell not in codes:
            problem(
                column,
                f"unknown {column} {cell!r}",
                "use one of " + ", ".join(sorted(codes)) + f", or declare it in {self.vocabulary.path}",
            )
            return None
        return codes[cell]

    def _evidence(self, row, path: Path, qualifies: str, problem) -> tuple[SourceDocument | None, str, str]:
        source_cell, section, evidence = row["source"], row["section"], row["evidence"]
        if qualifies and not (source_cell or section or evidence):
            return None, "", ""  # a qualifier shares the evidence of its statement
        for column, value in (("source", source_cell), ("section", section), ("evidence", evidence)):
            if not value:
                problem(
                    column, f"the {column} is empty; every fact needs its evidence", _EVIDENCE_HINT[column]
                )
        if section and not SECTION.fullmatch(section):
            problem(
                "section",
                f"{section!r} is not a valid section code",
                "use lower-case ASCII letters, digits and '-', e.g. intro or event-9",
            )
        if not source_cell:
            return None, section, evidence
        document = self.sources.open(source_cell, path)
        if document is None:
            problem(
                "source",
                f"the source document {source_cell!r} cannot be read as UTF-8 text (looked for {(path.parent / source_cell)})",
                "write the path of the document relative to the CSV file",
            )
            return None, section, evidence
        if evidence and not document.contains(evidence):
            problem(
                "evidence",
                f"the evidence does not occur in {source_cell} (whitespace ignored): {evidence[:40]!r}{'...' if len(evidence) > 40 else ''}",
                "copy the sentence verbatim from the source document",
            )
        return document, section, evidence


_EVIDENCE_HINT = {
    "source": "write the path of the source document, relative to the CSV file",
    "section": "write the part of the document the sentence is in, e.g. intro or event-9",
    "evidence": "copy the sentence that states the fact, verbatim",
}
