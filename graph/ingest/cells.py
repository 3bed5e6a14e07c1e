"""Turning one CSV cell into an RDF term, or saying precisely why it cannot be one.

Terms are kept in a compact form while the graph is built, because rdflib terms are slow to
make and to hash: an IRI is a plain ``str``; a literal is its canonical lexical form plus its
datatype IRI ('' for none) and language ('' for none). The canonical form is exactly the one
rdflib gives (``str(Literal(value, datatype=...))``), so converting back gives equal rdflib terms.
"""

from __future__ import annotations

import calendar
import functools
import re

import pyoxigraph
from rdflib import XSD, Literal, URIRef

from graph.model.namespaces import XSD_NS, XSD_STRING, EntityNamespace
from graph.model.vocabulary import Vocabulary

ENTITY_KEY = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9_])?")
_PN_LOCAL = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_\-])?|")
_TZ = r"(?:Z|[+-](?:(?:0\d|1[0-3]):[0-5]\d|14:00))?"  # XSD: offsets run from -14:00 to +14:00
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
    """A cell that is not a valid term; ``hint`` says how to write it.

    Internal to reading: the row rules turn it into a :class:`~graph.errors.Problem` at the cell's
    file, row and column, so it never reaches a user.
    """

    def __init__(self, message: str, hint: str = ""):
        super().__init__(message)
        self.hint = hint


LiteralForm = tuple[str, str, str]  # (canonical lexical form, datatype IRI or '', language or '')


def resource_iri(cell: str, vocabulary: Vocabulary, namespace: EntityNamespace) -> str:
    """The IRI of an entity key (``nimte``), a prefixed name (``schema:Place``) or a full IRI (``<https://...>``).

    >>> from graph.model.vocabulary import load_vocabulary
    >>> resource_iri("nimte", load_vocabulary("data/vocabulary.ttl"), EntityNamespace("https://example.org/kg/"))
    'https://example.org/kg/entity/nimte'
    """
    if not cell:
        raise TermError("is empty", "write an entity key, a prefixed name or an <IRI>")
    if cell.startswith("<"):
        if not cell.endswith(">"):
            raise TermError(
                f"{cell!r} opens an IRI with '<' but does not close it with '>'", "write <https://...>"
            )
        iri = check_iri(cell[1:-1])
        if iri == namespace.prefix:
            raise TermError(
                f"{cell!r} is the namespace of the entities, not an entity (it would have an empty key)",
                "write an entity key, or the IRI of one entity",
            )
        return iri
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
        return check_iri(vocabulary.prefixes[prefix] + local)
    if not ENTITY_KEY.fullmatch(cell):
        raise TermError(
            f"{cell!r} is not a valid entity key",
            "use ASCII letters, digits, '-', '_' and '.' (e.g. yongjiang-lab); put names in rdfs:label rows",
        )
    return namespace.prefix + cell


def check_iri(iri: str) -> str:
    """Return ``iri`` when it is an absolute IRI by RFC 3987 (checked by Oxigraph), else raise TermError."""
    try:
        pyoxigraph.NamedNode(iri)
    except ValueError as exc:
        raise TermError(
            f"<{iri}> is not a valid absolute IRI ({exc})", "write a full IRI such as <https://example.org/x>"
        ) from None
    return iri


def datatype_iri(cell: str, vocabulary: Vocabulary) -> str | None:
    """The datatype IRI named by a datatype cell ('integer', 'xsd:date', '<iri>'), ``None`` for 'iri'."""
    if cell == IRI_DATATYPE:
        return None
    if cell in DATATYPE_NAMES:
        return str(DATATYPE_NAMES[cell])
    if ":" in cell or cell.startswith("<"):
        if cell.startswith("<"):
            return check_iri(cell.strip("<>"))
        prefix, _, local = cell.partition(":")
        if prefix in vocabulary.prefixes:
            return vocabulary.prefixes[prefix] + local
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


def literal_form(value: str, datatype: str | None, language: str = "") -> LiteralForm:
    """Check ``value`` against its datatype ('' or None for none) and return it as (lexical form, datatype, language).

    The lexical form is the one rdflib would give the literal, so ``rdflib_literal`` of the result
    equals ``rdflib.Literal(value, datatype=datatype)``; it is computed without rdflib where the
    value is already in that form, which is almost always.

    >>> literal_form("007", str(XSD.integer))
    ('7', 'http://www.w3.org/2001/XMLSchema#integer', '')
    """
    if is_text(datatype, language):
        return value, "", language  # xsd:string and a plain literal are one term (RDF 1.1)
    checker = _CHECKERS.get(datatype)
    if checker is not None:
        checker(value)
        if datatype == _XSD_DOUBLE:
            return _double_lexical(value), datatype, ""
        unchanged = _UNCHANGED.get(datatype)
        if unchanged is None or not unchanged.fullmatch(value):
            value = _rdflib_lexical(value, datatype)[0]
        return value, datatype, ""
    lexical, ill_typed = _rdflib_lexical(value, datatype)
    if ill_typed:
        raise TermError(
            f"{value!r} is not a valid {_short(datatype)}", "write a value in the datatype's lexical form"
        )
    return lexical, datatype, ""


def is_text(datatype: str | None, language: str) -> bool:
    """Whether a literal is text (a language, no datatype or xsd:string): any value, kept as written."""
    return bool(language) or not datatype or datatype == XSD_STRING


@functools.lru_cache(maxsize=1 << 16)
def _rdflib_lexical(value: str, datatype: str) -> tuple[str, bool]:
    """rdflib's own canonical form of a literal, and whether rdflib finds it ill-typed (the slow, exact path)."""
    literal = Literal(value, datatype=URIRef(datatype))
    return str(literal), bool(getattr(literal, "ill_typed", False))


_XSD_DOUBLE = str(XSD.double)


def _double_lexical(value: str) -> str:
    """The canonical form of a valid xsd:double: Python's shortest repr of the nearest double
    (``2.3E9`` -> ``2300000000.0``), and ``INF``, ``-INF``, ``NaN`` (XSD's names) for the special
    values, including a finite form too large for a double (``1e400`` -> ``INF``)."""
    number = float(value.replace("INF", "inf"))
    if number != number:
        return "NaN"
    if number in (float("inf"), float("-inf")):
        return "INF" if number > 0 else "-INF"
    return repr(number)


def _short(datatype: str) -> str:
    return "xsd:" + datatype[len(XSD_NS) :] if datatype.startswith(XSD_NS) else f"<{datatype}>"


_INTEGER = re.compile(r"[+-]?\d+")
_DECIMAL = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_DOUBLE = re.compile(r"[+-]?(?:(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|INF)|NaN")
_DATE = re.compile(rf"({_YEAR})-(\d\d)-(\d\d){_TZ}")
_DATE_TIME = re.compile(
    rf"({_YEAR})-(\d\d)-(\d\d)T(?:(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d+)?|24:00:00(?:\.0+)?){_TZ}"
)
_G_YEAR = re.compile(rf"{_YEAR}{_TZ}")
_G_YEAR_MONTH = re.compile(rf"({_YEAR})-(\d\d){_TZ}")


def _integer(minimum: int | None, name: str, maximum: int | None = None):
    def check(value: str) -> None:
        if not _INTEGER.fullmatch(value):
            raise TermError(
                f"{value!r} is not an {name}",
                "write digits only, without separators or units (8800, not 8,800 or 8800家)",
            )
        if minimum is not None and int(value) < minimum:
            raise TermError(
                f"{value!r} is not a {name} (must be at least {minimum})",
                f"write a whole number of at least {minimum}",
            )
        if maximum is not None and int(value) > maximum:
            raise TermError(
                f"{value!r} is not a {name} (must be at most {maximum})",
                f"write a whole number of at most {maximum}, or use xsd:integer",
            )

    return check


def _decimal(value: str) -> None:
    if not _DECIMAL.fullmatch(value):
        raise TermError(
            f"{value!r} is not a decimal", "write digits with an optional '.', without '%' or units (8.62)"
        )


def _double(value: str) -> None:
    if not _DOUBLE.fullmatch(value):
        raise TermError(f"{value!r} is not a double", "write a number such as 2.3 or 2.3E9")


def _boolean(value: str) -> None:
    if value not in ("true", "false", "1", "0"):
        raise TermError(f"{value!r} is not a boolean", "write true or false")


def _date_parts(value: str, pattern: re.Pattern, name: str, example: str) -> re.Match:
    match = pattern.fullmatch(value)
    if not match:
        raise TermError(f"{value!r} is not a valid {name}", f"write it as {example}")
    return match


def _date(value: str) -> None:
    match = _date_parts(value, _DATE, "date", "YYYY-MM-DD, e.g. 2024-12-23")
    _real_date(value, int(match.group(1)), int(match.group(2)), int(match.group(3)), "date")


def _real_date(value: str, year: int, month: int, day: int, name: str) -> None:
    if not 1 <= month <= 12:
        raise TermError(
            f"{value!r} is not a valid {name}: there is no month {month}", "months run from 01 to 12"
        )
    # calendar.isleap holds for every year (XSD counts year 0 as a leap year, 1 BCE), not only 1..9999
    days = 29 if month == 2 and calendar.isleap(year) else _DAYS_IN_MONTH[month]
    if not 1 <= day <= days:
        raise TermError(
            f"{value!r} is not a valid {name}: month {month} has no day {day}", "check the day of the month"
        )


_DAYS_IN_MONTH = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _date_time(value: str) -> None:
    match = _date_parts(
        value,
        _DATE_TIME,
        "dateTime",
        "YYYY-MM-DDThh:mm:ss, e.g. 2024-12-23T09:30:00",
    )
    _real_date(value, int(match.group(1)), int(match.group(2)), int(match.group(3)), "dateTime")


def _g_year(value: str) -> None:
    _date_parts(value, _G_YEAR, "gYear", "YYYY, e.g. 2024")


def _g_year_month(value: str) -> None:
    match = _date_parts(value, _G_YEAR_MONTH, "gYearMonth", "YYYY-MM, e.g. 2024-09")
    if not 1 <= int(match.group(2)) <= 12:
        raise TermError(
            f"{value!r} is not a valid gYearMonth: there is no month {int(match.group(2))}",
            "months run from 01 to 12",
        )


def _any_uri(value: str) -> None:
    check_iri(value)


_CHECKERS = {
    str(XSD.integer): _integer(None, "integer"),
    str(XSD.positiveInteger): _integer(1, "positive integer"),
    str(XSD.nonNegativeInteger): _integer(0, "non-negative integer"),
    str(XSD.decimal): _decimal,
    str(XSD.double): _double,
    str(XSD.boolean): _boolean,
    str(XSD.date): _date,
    str(XSD.dateTime): _date_time,
    str(XSD.gYear): _g_year,
    str(XSD.gYearMonth): _g_year_month,
    str(XSD.anyURI): _any_uri,
}
# The bounded integer types: a value out of range is refused, never written (readers would reject it).
for _name, (_low, _high) in {
    "long": (-(2**63), 2**63 - 1),
    "int": (-(2**31), 2**31 - 1),
    "short": (-(2**15), 2**15 - 1),
    "byte": (-128, 127),
    "unsignedLong": (0, 2**64 - 1),
    "unsignedInt": (0, 2**32 - 1),
    "unsignedShort": (0, 2**16 - 1),
    "unsignedByte": (0, 255),
    "negativeInteger": (None, -1),
    "nonPositiveInteger": (None, 0),
}.items():
    _CHECKERS[XSD_NS + _name] = _integer(_low, "xsd:" + _name, _high)

# Values (already checked) that rdflib keeps exactly as written; any other form takes rdflib's slow path.
_CANONICAL_INTEGER = re.compile(r"-?[1-9][0-9]*|0")
_UNCHANGED = {
    str(XSD.integer): _CANONICAL_INTEGER,
    str(XSD.positiveInteger): _CANONICAL_INTEGER,
    str(XSD.nonNegativeInteger): _CANONICAL_INTEGER,
    str(XSD.decimal): re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?"),
    str(XSD.boolean): re.compile(r"true|false"),
    # dates and dateTimes are kept as written: rdflib's form drops the time zone and cuts fractions of a second
    str(XSD.date): re.compile(r".*", re.DOTALL),
    str(XSD.dateTime): re.compile(r".*", re.DOTALL),
    str(XSD.gYear): re.compile(r".*", re.DOTALL),  # rdflib has no Python value for these: never rewritten
    str(XSD.gYearMonth): re.compile(r".*", re.DOTALL),
}

# Values that are valid *and* already canonical, recognised by one match. A value that does not
# match may still be valid: literal_form decides.
_DAY = r"(?:0[1-9]|1[0-9]|2[0-8])"  # days every month has
_MONTH = r"(?:0[1-9]|1[0-2])"
_FAST_ACCEPT = {
    str(XSD.integer): _CANONICAL_INTEGER,
    str(XSD.positiveInteger): re.compile(r"[1-9][0-9]*"),
    str(XSD.nonNegativeInteger): re.compile(r"[1-9][0-9]*|0"),
    str(XSD.decimal): _UNCHANGED[str(XSD.decimal)],
    str(XSD.boolean): _UNCHANGED[str(XSD.boolean)],
    str(XSD.date): re.compile(rf"[0-9]{{4}}-{_MONTH}-{_DAY}"),
    str(XSD.dateTime): re.compile(rf"[0-9]{{4}}-{_MONTH}-{_DAY}T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]"),
    str(XSD.gYear): re.compile(r"[0-9]{4}"),
    str(XSD.gYearMonth): re.compile(rf"[0-9]{{4}}-{_MONTH}"),
}


def fast_literal_check(datatype: str | None):
    """A ``fullmatch`` that accepts only values of ``datatype`` that are valid and canonical
    (``literal_form`` would return them unchanged), or None when there is none for the datatype."""
    pattern = _FAST_ACCEPT.get(datatype) if datatype else None
    return None if pattern is None else pattern.fullmatch
