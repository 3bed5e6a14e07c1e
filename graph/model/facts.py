"""The validated facts: one :class:`Fact` per CSV row, and the :class:`FactSet` of a whole input.

A fact keeps its terms in compact form (an IRI is a ``str``; a literal is its canonical lexical
form, datatype IRI and language) and gives rdflib terms on request; see :mod:`graph.model.terms`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from operator import attrgetter
from pathlib import Path

from rdflib import Literal, URIRef

from graph.errors import Problem
from graph.model.namespaces import EntityNamespace
from graph.model.sources import SourceDocument, SourceLibrary
from graph.model.terms import rdflib_literal
from graph.model.vocabulary import Vocabulary

_new = object.__new__  # Fact.new fills the slots itself
QUALIFIER_MARK = "#"  # a subject cell ``#ID`` makes the row a qualifier of statement ID


class Fact:
    """One validated row: a triple, or a qualifier of another row's statement, with its evidence.

    ``subject``, ``predicate``, ``object``, ``unit`` and ``approximation`` are rdflib terms, made
    when asked for; the builder works on the compact fields (``subject_iri``, ``object_value`` ...).
    A fact is made with :meth:`Fact.new`, every field named.
    """

    __slots__ = (
        "file",
        "row",
        "subject_iri",  # None for a qualifier row
        "predicate_iri",
        "object_value",  # the IRI, or the literal's canonical lexical form
        "object_is_literal",
        "datatype_iri",  # '' for links, plain and language-tagged literals
        "language",
        "statement_id",  # the row's own id, so qualifier rows can refer to it
        "qualifies",  # for a qualifier row: the id of the statement it qualifies
        "unit_iri",
        "approximation_iri",
        "source",
        "section",
        "evidence",
        "statement_key",  # set by the builder: the statement IRI is {base}statement/{statement_key}
        "evidence_node",  # set by the builder: the IRI of the evidence node
    )

    # Made by keyword through a classmethod rather than ``__init__``: calling a class with keywords
    # costs a dict per call (Fact(file=...) took 0.30 s per 200k facts, Fact.new 0.10 s, positional 0.08 s).
    @classmethod
    def new(
        cls,
        *,
        file: str,
        row: int,
        subject_iri: str | None,
        predicate_iri: str,
        object_value: str,
        object_is_literal: bool = False,
        datatype_iri: str = "",
        language: str = "",
        statement_id: str = "",
        qualifies: str = "",
        unit_iri: str | None = None,
        approximation_iri: str | None = None,
        source: SourceDocument | None = None,
        section: str = "",
        evidence: str = "",
    ) -> Fact:
        """A fact of row ``row`` of ``file``; every field is named, none is positional."""
        fact = _new(cls)
        fact.file = file
        fact.row = row
        fact.subject_iri = subject_iri
        fact.predicate_iri = predicate_iri
        fact.object_value = object_value
        fact.object_is_literal = object_is_literal
        fact.datatype_iri = datatype_iri
        fact.language = language
        fact.statement_id = statement_id
        fact.qualifies = qualifies
        fact.unit_iri = unit_iri
        fact.approximation_iri = approximation_iri
        fact.source = source
        fact.section = section
        fact.evidence = evidence
        fact.statement_key = ""
        fact.evidence_node = ""
        return fact

    @property
    def subject(self) -> URIRef | None:
        return None if self.subject_iri is None else URIRef(self.subject_iri)

    @property
    def predicate(self) -> URIRef:
        return URIRef(self.predicate_iri)

    @property
    def object(self) -> URIRef | Literal:
        if self.object_is_literal:
            return rdflib_literal(self.object_value, self.datatype_iri, self.language)
        return URIRef(self.object_value)

    @property
    def unit(self) -> URIRef | None:
        return None if self.unit_iri is None else URIRef(self.unit_iri)

    @property
    def approximation(self) -> URIRef | None:
        return None if self.approximation_iri is None else URIRef(self.approximation_iri)

    def _fields(self) -> tuple:
        return tuple(getattr(self, name) for name in Fact.__slots__[:15])

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Fact) and self._fields() == other._fields()

    __hash__ = None  # type: ignore[assignment]  # mutable, compared by value (as the dataclass it was)

    def __repr__(self) -> str:
        return f"Fact({self.file}:{self.row}: {self.subject_iri or '#' + self.qualifies} {self.predicate_iri} {self.object!r})"


#: The order of a subject's triples: predicate, then links before literals, then value, datatype, language.
FACT_ORDER = attrgetter("predicate_iri", "object_is_literal", "object_value", "datatype_iri", "language")


@dataclass
class FactSet:
    """The facts of one or more CSV files, the problems found, and what they were read with."""

    facts: list[Fact]
    problems: list[Problem]
    vocabulary: Vocabulary
    namespace: EntityNamespace
    sources: SourceLibrary
    inputs: list[Path] = field(default_factory=list)
    #: the statements' facts (no qualifiers) grouped by subject IRI, each group in FACT_ORDER
    by_subject: dict[str, list[Fact]] = field(default_factory=dict, repr=False)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]
