"""The rules of one row: every cell checked, every problem worded with its column and a fix.

Each rule looks at one part of a row (the subject cell; the predicate with the datatype and lang
cells; the object cell; the id; unit and approx; source, section and evidence) and returns its
result with its flaws. A flaw is a problem not yet placed at a file and row, so a rule's result
depends on its cells alone: :mod:`graph.ingest.fast_path` keeps the results that have no flaw and
reuses them for the next row with the same cells. :meth:`RowRules.read` applies every rule to a row.
Facts keep their terms in the compact form of :mod:`graph.ingest.cells`.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import NamedTuple

from graph.errors import Problem
from graph.ingest.cells import (
    ENTITY_KEY,
    IRI_DATATYPE,
    TermError,
    check_language,
    datatype_iri,
    fast_literal_check,
    is_text,
    literal_form,
    resource_iri,
)
from graph.model.facts import QUALIFIER_MARK, Fact
from graph.model.namespaces import RDF_LANG_STRING, RDF_TYPE, XSD_STRING, EntityNamespace
from graph.model.sources import SourceDocument, SourceLibrary
from graph.model.vocabulary import PropertyKind, Vocabulary

SECTION = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?")


class Flaw(NamedTuple):
    """A problem found in some cells, before :meth:`RowRules.read` places it at its file and row."""

    column: str
    message: str
    hint: str = ""


Flaws = tuple[Flaw, ...]  # () when the cells are fine

# how a row's object cell is read: a link to an entity, a class, text (a literal kept as written),
# or a typed literal (checked against its datatype and put in canonical form)
LINK, CLASS, TEXT, TYPED = "link", "class", "text", "typed"


@dataclass(frozen=True, slots=True)
class ObjectRule:
    """How the object cell is read in rows with one predicate, datatype cell and lang cell."""

    kind: str  # LINK, CLASS, TEXT or TYPED
    predicate: str
    datatype: str = ""  # as the fact keeps it: '' for links, language-tagged and plain literals
    language: str = ""
    #: for TYPED, a check that accepts only values kept exactly as written (None: there is none)
    as_written: Callable[[str], object] | None = None


class RowRules:
    """The rules of one row for one vocabulary and entity namespace; every rule returns (result, flaws)."""

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
        self._hints: dict[tuple[str, str], str] = {}
        self._sentences: dict[str, str] = {}  # one string per distinct sentence, however many rows cite it
        self._property_names = sorted(vocabulary.shorten(p) for p in vocabulary.properties)
        self._class_names = sorted(vocabulary.shorten(c) for c in vocabulary.classes)

    def read(
        self, file: str, number: int, cells: Sequence[str], path: Path
    ) -> tuple[Fact | None, list[Problem]]:
        """Check one record (its cells in :data:`~graph.ingest.csv_reader.COLUMNS` order) by every rule;
        return its fact (None when it has errors) and its problems."""
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
            section_cell,
            evidence_cell,
        ) = cells
        (subject, qualifies), flaws = self.subject(subject_cell)
        rule, found = self.object_rule(predicate_cell, datatype_cell, lang_cell)
        flaws += found
        value = None
        if rule is not None:
            value, found = self.object_value(rule, object_cell)
            flaws += found
        qualifier = bool(qualifies)
        flaws += self.statement_id(statement_id, qualifier)
        (unit, approximation), found = self.notations(unit_cell, approx_cell, qualifier)
        flaws += found
        (source, section, evidence), found = self.evidence(
            source_cell, section_cell, evidence_cell, path, qualifier
        )
        flaws += found
        problems = [Problem(file, number, *flaw) for flaw in flaws]
        if problems or rule is None or value is None:
            return None, problems
        fact = Fact.new(
            file=file,
            row=number,
            subject_iri=subject,
            predicate_iri=rule.predicate,
            object_value=value,
            object_is_literal=rule.kind is TEXT or rule.kind is TYPED,
            datatype_iri=rule.datatype,
            language=rule.language,
            statement_id=statement_id,
            qualifies=qualifies,
            unit_iri=unit,
            approximation_iri=approximation,
            source=source,
            section=section,
            evidence=evidence,
        )
        return fact, problems

    def resource(self, cell: str) -> str:
        """The IRI a subject or object cell names (see :func:`~graph.ingest.cells.resource_iri`); raises TermError."""
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

    def subject(self, cell: str) -> tuple[tuple[str | None, str], Flaws]:
        """(subject IRI, '') for an entity; (None, statement id) for a qualifier row, whose subject is ``#ID``."""
        if cell.startswith(QUALIFIER_MARK):
            qualifies = cell[1:]
            if ENTITY_KEY.fullmatch(qualifies):
                return (None, qualifies), ()
            return (None, qualifies), (
                Flaw(
                    "subject",
                    f"{cell!r} does not name a statement id",
                    "write '#' and the id of the row it qualifies, e.g. #gxq-rank",
                ),
            )
        subject, flaws = self._resource("subject", cell)
        return (subject, ""), flaws

    def object_rule(
        self, predicate_cell: str, datatype_cell: str, lang_cell: str
    ) -> tuple[ObjectRule | None, Flaws]:
        """How the object is read with this predicate, datatype and lang (None when it cannot be)."""
        predicate, flaws = self.predicate(predicate_cell)
        if predicate is None:
            return None, flaws
        if predicate == RDF_TYPE:
            return ObjectRule(CLASS, predicate, "", ""), ()
        kind = self.properties.get(predicate, PropertyKind.ANY)
        wants_iri = datatype_cell == IRI_DATATYPE or (
            kind is PropertyKind.OBJECT and not datatype_cell and not lang_cell
        )
        if kind is PropertyKind.OBJECT and not wants_iri:
            return None, (
                Flaw(
                    "datatype" if datatype_cell else "lang",
                    f"{self.vocabulary.shorten(predicate)} links to an entity, so the object cannot be a literal",
                    "leave datatype and lang empty and write an entity key in object",
                ),
            )
        if kind is PropertyKind.DATATYPE and datatype_cell == IRI_DATATYPE:
            return None, (
                Flaw(
                    "datatype",
                    f"{self.vocabulary.shorten(predicate)} takes a literal value, not a link",
                    "remove 'iri' from datatype",
                ),
            )
        if wants_iri:
            rule = ObjectRule(LINK, predicate, "", "")
            return rule, (
                (Flaw("lang", "a link to an entity has no language", "leave lang empty"),)
                if lang_cell
                else ()
            )
        return self._literal_rule(predicate, datatype_cell, lang_cell)

    def predicate(self, cell: str) -> tuple[str | None, Flaws]:
        """The IRI of the property the predicate cell names ('a' is rdf:type)."""
        if cell == "a":
            return RDF_TYPE, ()
        if cell and ":" not in cell and not cell.startswith("<"):
            return None, (
                Flaw(
                    "predicate",
                    f"{cell!r} is not a property name",
                    "write a prefixed name from the vocabulary, e.g. " + ", ".join(self._property_names[:3]),
                ),
            )
        predicate, flaws = self._resource("predicate", cell)
        if predicate is None:
            return None, flaws
        if predicate not in self.properties:
            return None, (
                Flaw(
                    "predicate",
                    f"{cell!r} is not a property of the vocabulary",
                    self._did_you_mean(cell, self._property_names, "property"),
                ),
            )
        return predicate, ()

    def _literal_rule(
        self, predicate: str, datatype_cell: str, lang_cell: str
    ) -> tuple[ObjectRule | None, Flaws]:
        language = ""
        if lang_cell:
            try:
                language = check_language(lang_cell)
            except TermError as exc:
                return None, (Flaw("lang", str(exc), exc.hint),)
        try:
            datatype = (
                datatype_iri(datatype_cell, self.vocabulary) if datatype_cell else self.ranges.get(predicate)
            )
        except TermError as exc:
            return None, (Flaw("datatype", str(exc), exc.hint),)
        if language and datatype not in (None, XSD_STRING, RDF_LANG_STRING):
            if datatype_cell:
                message = f"a literal with a language tag is a string; it cannot also be {datatype_cell}"
                hint = "leave lang empty for a typed value, or datatype empty for text"
            else:
                message = f"{self.vocabulary.shorten(predicate)} takes values of type {self.vocabulary.shorten(datatype)}, which have no language"
                hint = "leave lang empty"
            return None, (Flaw("lang", message, hint),)
        range_ = self.ranges.get(predicate)
        if datatype_cell and range_ is not None and datatype != range_:
            return None, (
                Flaw(
                    "datatype",
                    f"{self.vocabulary.shorten(predicate)} takes {self.vocabulary.shorten(range_)}, not {datatype_cell}",
                    "leave datatype empty to use the property's own type",
                ),
            )
        if datatype == RDF_LANG_STRING and not language:
            return None, (
                Flaw(
                    "lang",
                    f"{self.vocabulary.shorten(predicate) if not datatype_cell else datatype_cell} text needs a language tag",
                    "write the language in the lang column (zh, en)",
                ),
            )
        if is_text(datatype, language):
            # a plain literal and the same text typed xsd:string are one RDF term: keep one form
            return ObjectRule(TEXT, predicate, "", language), ()
        return ObjectRule(TYPED, predicate, datatype, "", fast_literal_check(datatype)), ()

    def object_value(self, rule: ObjectRule, cell: str) -> tuple[str | None, Flaws]:
        """The object as the fact keeps it: an IRI, or a literal's canonical lexical form."""
        if rule.kind is TEXT or rule.kind is TYPED:
            try:
                return literal_form(cell, rule.datatype, rule.language)[0], ()
            except TermError as exc:
                return None, (Flaw("object", str(exc), exc.hint),)
        return self.link(cell) if rule.kind is LINK else self.class_of(cell)

    def link(self, cell: str) -> tuple[str | None, Flaws]:
        """The IRI of the entity an object cell links to (the IRI :meth:`subject` gives the same cell)."""
        return self._resource("object", cell)

    def class_of(self, cell: str) -> tuple[str | None, Flaws]:
        """The IRI of the class an object cell names, when the vocabulary declares it."""
        cls, flaws = self._resource("object", cell)
        if cls is None or cls in self.classes:
            return cls, flaws
        return None, (
            Flaw(
                "object",
                f"{cell!r} is not a class of the vocabulary",
                self._did_you_mean(cell, self._class_names, "class"),
            ),
        )

    def statement_id(self, cell: str, qualifier: bool) -> Flaws:
        """The row's own id, which qualifier rows refer to; a qualifier row has none."""
        if not cell:
            return ()
        if qualifier:
            return (
                Flaw(
                    "id",
                    "a qualifier row cannot have an id of its own",
                    "leave id empty; qualifiers of qualifiers are not supported",
                ),
            )
        if not ENTITY_KEY.fullmatch(cell):
            return (Flaw("id", f"{cell!r} is not a valid id", "use ASCII letters, digits, '-', '_' and '.'"),)
        return ()

    def notations(
        self, unit_cell: str, approx_cell: str, qualifier: bool
    ) -> tuple[tuple[str | None, str | None], Flaws]:
        """The IRIs of the unit and the approximation codes (None where the cell is empty)."""
        unit, flaws = self._notation("unit", unit_cell, self.units, qualifier)
        approximation, found = self._notation("approx", approx_cell, self.approximations, qualifier)
        return (unit, approximation), flaws + found

    def _notation(
        self, column: str, cell: str, codes: dict[str, str], qualifier: bool
    ) -> tuple[str | None, Flaws]:
        if not cell:
            return None, ()
        if qualifier:
            return None, (
                Flaw(
                    column,
                    f"a qualifier row cannot carry its own {column}",
                    "give the figure its own row with an id",
                ),
            )
        if cell not in codes:
            return None, (
                Flaw(
                    column,
                    f"unknown {column} {cell!r}",
                    "use one of " + ", ".join(sorted(codes)) + f", or declare it in {self.vocabulary.path}",
                ),
            )
        return codes[cell], ()

    def evidence(
        self, source_cell: str, section: str, evidence: str, path: Path, qualifier: bool
    ) -> tuple[tuple[SourceDocument | None, str, str], Flaws]:
        """(source document, section, sentence), the sentence found in the document (whitespace ignored).

        The document is looked for beside the CSV file at ``path``; a qualifier row may leave all
        three cells empty, sharing the evidence of its statement."""
        if qualifier and not (source_cell or section or evidence):
            return (None, "", ""), ()
        evidence = self._sentences.setdefault(evidence, evidence)
        flaws: list[Flaw] = []
        if not (source_cell and section and evidence):
            for column, value in (("source", source_cell), ("section", section), ("evidence", evidence)):
                if not value:
                    flaws.append(
                        Flaw(
                            column,
                            f"the {column} is empty; every fact needs its evidence",
                            _EVIDENCE_HINT[column],
                        )
                    )
        if section and not SECTION.fullmatch(section):
            flaws.append(
                Flaw(
                    "section",
                    f"{section!r} is not a valid section code",
                    "use lower-case ASCII letters, digits and '-', e.g. intro or event-9",
                )
            )
        if not source_cell:
            return (None, section, evidence), tuple(flaws)
        document = self.sources.open(source_cell, path)
        if document is None:
            flaws.append(
                Flaw(
                    "source",
                    f"the source document {source_cell!r} {self.sources.reasons.get((source_cell, path), 'cannot be read')} (looked for {(path.parent / source_cell)})",
                    "write the path of a text file in the CSV's folder, relative to the CSV file",
                )
            )
            return (None, section, evidence), tuple(flaws)
        if evidence and not document.contains(evidence):
            flaws.append(
                Flaw(
                    "evidence",
                    f"the evidence does not occur in {source_cell} (whitespace ignored): {evidence[:40]!r}{'...' if len(evidence) > 40 else ''}",
                    "copy the sentence verbatim from the source document",
                )
            )
        return (document, section, evidence), tuple(flaws)

    def _resource(self, column: str, cell: str) -> tuple[str | None, Flaws]:
        try:
            return self.resource(cell), ()
        except TermError as exc:
            return None, (Flaw(column, str(exc), exc.hint),)

    def _did_you_mean(self, cell: str, names: list[str], what: str) -> str:
        """The hint for a name the vocabulary does not declare: the closest declared names, if any."""
        key = (cell, what)
        hint = self._hints.get(key)
        if hint is None:  # once per distinct cell: 25,000 rows with one misspelling ask once
            close = difflib.get_close_matches(cell, names, n=3, cutoff=0.5)
            hint = (
                "did you mean " + " or ".join(close)
                if close
                else f"declare it in {self.vocabulary.path} or use a declared {what}"
            )
            self._hints[key] = hint
        return hint


_EVIDENCE_HINT = {
    "source": "write the path of the source document, relative to the CSV file",
    "section": "write the part of the document the sentence is in, e.g. intro or event-9",
    "evidence": "copy the sentence that states the fact, verbatim",
}


def merge_repeated(problems: list[Problem], column: str = "source") -> list[Problem]:
    """One problem per distinct message in ``column`` (a missing source document names every row that
    cites it), at its first row, with the count of rows it affects; the others are kept as they are."""
    first: dict[tuple[str, str], int] = {}
    counts: dict[tuple[str, str], int] = {}
    kept: list[Problem] = []
    for problem in problems:
        if problem.column != column:
            kept.append(problem)
            continue
        key = (problem.file, problem.message)
        counts[key] = counts.get(key, 0) + 1
        if key not in first:
            first[key] = len(kept)
            kept.append(problem)
    for key, index in first.items():
        if counts[key] > 1:
            problem = kept[index]
            kept[index] = replace(problem, message=f"{problem.message}; {counts[key]} rows cite it")
    return kept
