"""From CSV rows to validated facts: every cell checked, every cross-row rule applied, every problem kept."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import RDF, RDFS, XSD, Literal, URIRef

from .errors import Problem, Severity
from .rows import read_rows
from .sources import SourceDocument, SourceLibrary
from .terms import (
    ENTITY_KEY,
    EntityNamespace,
    TermError,
    check_language,
    make_literal,
    parse_resource,
    resolve_datatype,
)
from .vocabulary import DEFAULT_BASE, PropertyKind, Vocabulary, load_vocabulary

SECTION = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?")
QUALIFIER_MARK = "#"


@dataclass(slots=True)
class Fact:
    """One validated row: a triple, or a qualifier of another row's statement, with its evidence."""

    file: str
    row: int
    subject: URIRef | None  # None for a qualifier row
    predicate: URIRef
    object: URIRef | Literal
    statement_id: str = ""  # the row's own id, so qualifier rows can refer to it
    qualifies: str = ""  # for a qualifier row: the id of the statement it qualifies
    unit: URIRef | None = None
    approximation: URIRef | None = None
    source: SourceDocument | None = None
    section: str = ""
    evidence: str = ""

    @property
    def is_qualifier(self) -> bool:
        return bool(self.qualifies)


@dataclass
class FactSet:
    """The facts of one or more CSV files, the problems found, and what they were read with."""

    facts: list[Fact]
    problems: list[Problem]
    vocabulary: Vocabulary
    namespace: EntityNamespace
    sources: SourceLibrary
    inputs: list[Path] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]


def load_facts(
    paths: Iterable[Path | str],
    vocabulary: Vocabulary | None = None,
    base: str = DEFAULT_BASE,
) -> FactSet:
    """Read and validate CSV files; never raises for bad content: problems are in the result."""
    vocabulary = vocabulary or load_vocabulary()
    reader = _RowReader(vocabulary, EntityNamespace(base))
    inputs = [Path(p) for p in paths]
    facts: list[Fact] = []
    problems: list[Problem] = []
    for path in inputs:
        csv_file = read_rows(path)
        problems.extend(csv_file.problems)
        for row in csv_file.rows:
            fact, row_problems = reader.read(row, path)
            problems.extend(row_problems)
            if fact is not None:
                facts.append(fact)
    facts = _cross_row_checks(facts, problems, reader.namespace)
    return FactSet(facts, problems, vocabulary, reader.namespace, reader.sources, inputs)


class _RowReader:
    """Checks one row at a time; caches what repeats (entities, predicates, sources)."""

    def __init__(self, vocabulary: Vocabulary, namespace: EntityNamespace):
        self.vocabulary = vocabulary
        self.namespace = namespace
        self.sources = SourceLibrary()
        self._resources: dict[str, URIRef | TermError] = {}
        self._property_names = sorted(vocabulary.shorten(p) for p in vocabulary.properties)
        self._class_names = sorted(vocabulary.shorten(c) for c in vocabulary.classes)

    def resource(self, cell: str) -> URIRef:
        cached = self._resources.get(cell)
        if cached is None:
            try:
                cached = parse_resource(cell, self.vocabulary, self.namespace)
            except TermError as exc:
                cached = exc
            self._resources[cell] = cached
        if isinstance(cached, TermError):
            raise cached
        return cached

    def read(self, row, path: Path) -> tuple[Fact | None, list[Problem]]:
        problems: list[Problem] = []

        def problem(column: str, message: str, hint: str = "") -> None:
            problems.append(Problem(row.file, row.number, column, message, hint))

        subject_cell, qualifies = row["subject"], ""
        subject: URIRef | None = None
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

        unit = self._notation(row, "unit", self.vocabulary.units, qualifies, problem)
        approximation = self._notation(row, "approx", self.vocabulary.approximations, qualifies, problem)
        source, section, evidence = self._evidence(row, path, qualifies, problem)

        if problems or predicate is None or obj is None:
            return None, problems
        return (
            Fact(
                file=row.file,
                row=row.number,
                subject=subject,
                predicate=predicate,
                object=obj,
                statement_id=statement_id,
                qualifies=qualifies,
                unit=unit,
                approximation=approximation,
                source=source,
                section=section,
                evidence=evidence,
            ),
            problems,
        )

    def _predicate(self, cell: str, problem) -> URIRef | None:
        if cell == "a":
            return RDF.type
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
        if predicate not in self.vocabulary.properties:
            close = difflib.get_close_matches(cell, self._property_names, n=3, cutoff=0.5)
            hint = (
                ("did you mean " + " or ".join(close))
                if close
                else f"declare it in {self.vocabulary.path} or use a declared property"
            )
            problem("predicate", f"{cell!r} is not a property of the vocabulary", hint)
            return None
        return predicate

    def _object(self, row, predicate: URIRef, problem) -> URIRef | Literal | None:
        cell, datatype_cell, lang_cell = row["object"], row["datatype"], row["lang"]
        kind = self.vocabulary.properties.get(predicate, PropertyKind.ANY)
        if predicate == RDF.type:
            return self._class(cell, problem)
        wants_iri = datatype_cell == "iri" or (
            kind is PropertyKind.OBJECT and not datatype_cell and not lang_cell
        )
        if kind is PropertyKind.OBJECT and not wants_iri:
            problem(
                "datatype" if datatype_cell else "lang",
                f"{self.vocabulary.shorten(predicate)} links to an entity, so the object cannot be a literal",
                "leave datatype and lang empty and write an entity key in object",
            )
            return None
        if kind is PropertyKind.DATATYPE and datatype_cell == "iri":
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
                return self.resource(cell)
            except TermError as exc:
                problem("object", str(exc), exc.hint)
                return None
        return self._literal(cell, datatype_cell, lang_cell, predicate, problem)

    def _class(self, cell: str, problem) -> URIRef | None:
        try:
            cls = self.resource(cell)
        except TermError as exc:
            problem("object", str(exc), exc.hint)
            return None
        if cls not in self.vocabulary.classes:
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
        self, cell: str, datatype_cell: str, lang_cell: str, predicate: URIRef, problem
    ) -> Literal | None:
        language = ""
        if lang_cell:
            try:
                language = check_language(lang_cell)
            except TermError as exc:
                problem("lang", str(exc), exc.hint)
                return None
        try:
            datatype = (
                resolve_datatype(datatype_cell, self.vocabulary)
                if datatype_cell
                else self.vocabulary.ranges.get(predicate)
            )
        except TermError as exc:
            problem("datatype", str(exc), exc.hint)
            return None
        if language and datatype not in (None, XSD.string, RDF.langString):
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
        range_ = self.vocabulary.ranges.get(predicate)
        if datatype_cell and range_ is not None and datatype != range_:
            problem(
                "datatype",
                f"{self.vocabulary.shorten(predicate)} takes {self.vocabulary.shorten(range_)}, not {datatype_cell}",
                "leave datatype empty to use the property's own type",
            )
            return None
        try:
            return make_literal(cell, datatype, language)
        except TermError as exc:
            problem("object", str(exc), exc.hint)
            return None

    def _notation(self, row, column: str, codes: dict[str, URIRef], qualifies: str, problem) -> URIRef | None:
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


def _cross_row_checks(facts: list[Fact], problems: list[Problem], namespace: EntityNamespace) -> list[Fact]:
    """Statement ids, qualifier references, duplicates, and entities without a type or label."""
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
    kept: list[Fact] = []
    seen: dict[tuple, Fact] = {}
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
            continue
        key = (fact.qualifies or fact.subject, fact.predicate, fact.object)
        first = seen.setdefault(key, fact)
        if first is not fact:
            problems.append(
                Problem(
                    fact.file,
                    fact.row,
                    "object",
                    f"duplicate fact: row {first.row} of {first.file} already states it",
                    "delete one of the two rows",
                    Severity.WARNING,
                )
            )
            continue
        kept.append(fact)
    _check_entities(kept, problems, namespace)
    return kept


def _check_entities(facts: list[Fact], problems: list[Problem], namespace: EntityNamespace) -> None:
    typed: set[URIRef] = set()
    labelled: set[URIRef] = set()
    first_mention: dict[URIRef, tuple[Fact, str]] = {}
    for fact in facts:
        if fact.subject is not None:
            if fact.predicate == RDF.type:
                typed.add(fact.subject)
            elif fact.predicate == RDFS.label:
                labelled.add(fact.subject)
            if namespace.is_entity(fact.subject):
                first_mention.setdefault(fact.subject, (fact, "subject"))
        if isinstance(fact.object, URIRef) and namespace.is_entity(fact.object):
            first_mention.setdefault(fact.object, (fact, "object"))
    for entity, (fact, column) in first_mention.items():
        key = entity[len(namespace.entity("")) :]
        missing = [what for what, found in (("type", typed), ("label", labelled)) if entity not in found]
        if missing:
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
