"""Turning one CSV cell into an RDF term (rdflib's term API), or saying precisely why it cannot be one."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import pyoxigraph
from rdflib import XSD, Literal, URIRef

from .vocabulary import Vocabulary

ENTITY_KEY = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9_])?")
_PN_LOCAL = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_\-])?|")
_TZ = r"(?:Z|[+-](?:0\d|1[0-4]):[0-5]\d)?"
_YEAR = r"-?(?:[1-9]\d{4,}|\d{4})"

DATATYPE_NAMES = {
    "string": XSD.string,
    "integer": XSD.integer,
    "positiveInteger": XSD.positiveInteger,
    "nonNegativeInteger": XSD.nonNegativeInteger,
    "decimal": XSD.decimal,
    "double": XSD.double,
    "boolean": XSD.boolean,
    "date": XSD.date,
    "dateTime": XSD.dateTime,
    "gYear": XSD.gYear,
    "gYearMonth": XSD.gYearMonth,
    "anyURI": XSD.anyURI,
}
IRI_DATATYPE = "iri"  # the datatype cell that says "the object is an IRI, not a literal"


class TermError(ValueError):
    """A cell that is not a valid term; ``hint`` says how to write it."""

    def __init__(self, message: str, hint: str = ""):
        super().__init__(message)
        self.hint = hint


@dataclass(frozen=True)
class EntityNamespace:
    """Where bare entity keys live: ``key`` -> ``{base}entity/{key}``."""

    base: str

    def entity(self, key: str) -> URIRef:
        return URIRef(f"{self.base}entity/{key}")

    def is_entity(self, iri: str) -> bool:
        return iri.startswith(f"{self.base}entity/")


def parse_resource(cell: str, vocabulary: Vocabulary, namespace: EntityNamespace) -> URIRef:
    """An entity key (``nimte``), a prefixed name (``schema:Place``) or a full IRI (``<https://...>``).

    >>> from graph.vocabulary import load_vocabulary
    >>> parse_resource("nimte", load_vocabulary(), EntityNamespace("https://example.org/kg/"))
    rdflib.term.URIRef('https://example.org/kg/entity/nimte')
    """
    if not cell:
        raise TermError("is empty", "write an entity key, a prefixed name or an <IRI>")
    if cell.startswith("<"):
        if not cell.endswith(">"):
            raise TermError(
                f"{cell!r} opens an IRI with '<' but does not close it with '>'", "write <https://...>"
            )
        return URIRef(check_iri(cell[1:-1]))
    if ":" in cell:
        prefix, _, local = cell.partition(":")
        if prefix not in vocabulary.prefixes:
            known = ", ".join(sorted(vocabulary.prefixes))
            raise TermError(
                f"unknown prefix '{prefix}:' in {cell!r}", f"use one of the declared prefixes ({known})"
            )
        if not _PN_LOCAL.fullmatch(local):
            raise TermError(
                f"{cell!r} is not a valid prefixed name",
                "after the prefix use only ASCII letters, digits, '_', '-' and '.' (not at the end)",
            )
        return URIRef(check_iri(vocabulary.prefixes[prefix] + local))
    if not ENTITY_KEY.fullmatch(cell):
        raise TermError(
            f"{cell!r} is not a valid entity key",
            "use ASCII letters, digits, '-', '_' and '.' (e.g. yongjiang-lab); put names in rdfs:label rows",
        )
    return namespace.entity(cell)


def check_iri(iri: str) -> str:
    """Return ``iri`` when it is an absolute IRI by RFC 3987 (checked by Oxigraph), else raise TermError."""
    try:
        pyoxigraph.NamedNode(iri)
    except ValueError as exc:
        raise TermError(
            f"<{iri}> is not a valid absolute IRI ({exc})", "write a full IRI such as <https://example.org/x>"
        ) from None
    return iri


def resolve_datatype(cell: str, vocabulary: Vocabulary) -> URIRef | None:
    """The datatype IRI named by a datatype cell ('integer', 'xsd:date', '<iri>'), ``None`` for 'iri'."""
    if cell == IRI_DATATYPE:
        return None
    if cell in DATATYPE_NAMES:
        return DATATYPE_NAMES[cell]
    if ":" in cell or cell.startswith("<"):
        if cell.startswith("<"):
            return URIRef(check_iri(cell.strip("<>")))
        prefix, _, local = cell.partition(":")
        if prefix in vocabulary.prefixes:
            return URIRef(vocabulary.prefixes[prefix] + local)
        raise TermError(
            f"unknown prefix '{prefix}:' in datatype {cell!r}",
            "write e.g. xsd:date, or a short name: " + _names(),
        )
    raise TermError(
        f"unknown datatype {cell!r}", "use one of " + _names() + ", or 'iri' for a link to an entity"
    )


def _names() -> str:
    return ", ".join(DATATYPE_NAMES)


def check_language(tag: str) -> str:
    """A well-formed BCP 47 language tag, lower-cased as RDF compares them; else TermError."""
    try:
        pyoxigraph.Literal("x", language=tag)
    except ValueError:
        raise TermError(f"{tag!r} is not a valid BCP 47 language tag", "write e.g. zh, en, zh-Hans") from None
    return tag.lower()


def make_literal(value: str, datatype: URIRef | None, language: str = "") -> Literal:
    """A literal whose lexical form is checked against its datatype.

    >>> make_literal("2024-12-23", XSD.date)
    rdflib.term.Literal('2024-12-23', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#date'))
    """
    if language:
        return Literal(value, lang=language)
    if datatype is None or datatype == XSD.string:
        return Literal(value, datatype=XSD.string) if datatype is not None else Literal(value)
    checker = _CHECKERS.get(datatype)
    if checker is not None:
        checker(value)
        return Literal(value, datatype=datatype)
    literal = Literal(value, datatype=datatype)
    if getattr(literal, "ill_typed", False):
        raise TermError(
            f"{value!r} is not a valid {_short(datatype)}", "write a value in the datatype's lexical form"
        )
    return literal


def _short(datatype: URIRef) -> str:
    return "xsd:" + datatype[len(str(XSD)) :] if datatype.startswith(str(XSD)) else f"<{datatype}>"


def _integer(minimum: int | None, name: str):
    def check(value: str) -> None:
        if not re.fullmatch(r"[+-]?\d+", value):
            raise TermError(
                f"{value!r} is not an {name}",
                "write digits only, without separators or units (8800, not 8,800 or 8800家)",
            )
        if minimum is not None and int(value) < minimum:
            raise TermError(
                f"{value!r} is not a {name} (must be at least {minimum})",
                f"write a whole number of at least {minimum}",
            )

    return check


def _decimal(value: str) -> None:
    if not re.fullmatch(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)", value):
        raise TermError(
            f"{value!r} is not a decimal", "write digits with an optional '.', without '%' or units (8.62)"
        )


def _double(value: str) -> None:
    if not re.fullmatch(r"[+-]?(?:(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|INF)|NaN", value):
        raise TermError(f"{value!r} is not a double", "write a number such as 2.3 or 2.3E9")


def _boolean(value: str) -> None:
    if value not in ("true", "false", "1", "0"):
        raise TermError(f"{value!r} is not a boolean", "write true or false")


def _date_parts(value: str, pattern: str, name: str, example: str) -> re.Match:
    match = re.fullmatch(pattern, value)
    if not match:
        raise TermError(f"{value!r} is not a valid {name}", f"write it as {example}")
    return match


def _date(value: str) -> None:
    match = _date_parts(value, rf"({_YEAR})-(\d\d)-(\d\d){_TZ}", "date", "YYYY-MM-DD, e.g. 2024-12-23")
    _real_date(value, int(match.group(1)), int(match.group(2)), int(match.group(3)), "date")


def _real_date(value: str, year: int, month: int, day: int, name: str) -> None:
    if not 1 <= month <= 12:
        raise TermError(
            f"{value!r} is not a valid {name}: there is no month {month}", "months run from 01 to 12"
        )
    try:
        dt.date(year if 1 <= year <= 9999 else 2000, month, day)
    except ValueError:
        raise TermError(
            f"{value!r} is not a valid {name}: month {month} has no day {day}", "check the day of the month"
        ) from None


def _date_time(value: str) -> None:
    match = _date_parts(
        value,
        rf"({_YEAR})-(\d\d)-(\d\d)T([01]\d|2[0-4]):([0-5]\d):([0-5]\d)(?:\.\d+)?{_TZ}",
        "dateTime",
        "YYYY-MM-DDThh:mm:ss, e.g. 2024-12-23T09:30:00",
    )
    _real_date(value, int(match.group(1)), int(match.group(2)), int(match.group(3)), "dateTime")


def _g_year(value: str) -> None:
    _date_parts(value, rf"{_YEAR}{_TZ}", "gYear", "YYYY, e.g. 2024")


def _g_year_month(value: str) -> None:
    match = _date_parts(value, rf"({_YEAR})-(\d\d){_TZ}", "gYearMonth", "YYYY-MM, e.g. 2024-09")
    if not 1 <= int(match.group(2)) <= 12:
        raise TermError(
            f"{value!r} is not a valid gYearMonth: there is no month {int(match.group(2))}",
            "months run from 01 to 12",
        )


def _any_uri(value: str) -> None:
    check_iri(value)


_CHECKERS = {
    XSD.integer: _integer(None, "integer"),
    XSD.positiveInteger: _integer(1, "positive integer"),
    XSD.nonNegativeInteger: _integer(0, "non-negative integer"),
    XSD.decimal: _decimal,
    XSD.double: _double,
    XSD.boolean: _boolean,
    XSD.date: _date,
    XSD.dateTime: _date_time,
    XSD.gYear: _g_year,
    XSD.gYearMonth: _g_year_month,
    XSD.anyURI: _any_uri,
}
