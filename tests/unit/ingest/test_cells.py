"""Compact literals are exactly rdflib's terms: the canonical lexical form computed without rdflib is rdflib's."""

from __future__ import annotations

import itertools
import random

import pytest
from rdflib import Literal, URIRef

from graph.ingest import cells as terms
from graph.ingest.cells import (
    TermError,
    datatype_iri,
    fast_literal_check,
    is_text,
    literal_form,
    resource_iri,
)
from graph.model.terms import rdflib_literal


def xsd(name: str) -> str:
    """An XML Schema datatype IRI (rdflib's XSD namespace object upsets pytest's collection)."""
    return "http://www.w3.org/2001/XMLSchema#" + name


CHECKED = ["integer", "positiveInteger", "nonNegativeInteger", "decimal", "double", "boolean", "date",
           "dateTime", "gYear", "gYearMonth", "anyURI", "string"]  # fmt: skip


def candidates(rng: random.Random) -> list[str]:
    """Values in and around every lexical space the checks know, canonical or not."""
    digits = ["0", "00", "7", "007", "10", "-0", "+5", "-12", "123456789012345678901234567890", "٣"]
    decimals = ["1.5", "1.50", ".5", "5.", "-0.0", "+1.50", "0.0000001", "-00.10", "12", "1e3"]
    doubles = ["1.0", "2.3E9", "1e3", "INF", "-INF", "NaN", ".5e-2", "1.e5", "7"]
    dates = ["2024-12-23", "0001-01-01", "0000-01-01", "2024-02-29", "2023-02-29", "2024-12-23Z",
             "2024-12-23+08:00", "-2024-01-01", "12345-01-01", "2024-1-01"]  # fmt: skip
    date_times = ["2024-12-23T09:30:00", "2024-12-23T24:00:00", "2024-12-23T09:30:00.5",
                  "2024-12-23T09:30:00Z", "2024-12-23T09:30:00+08:00", "0000-01-01T00:00:00"]  # fmt: skip
    years = ["2024", "02024", "0000", "-0044", "2024Z", "2024-09", "2024-13", "0001-01"]
    others = ["true", "false", "1", "0", "yes", "http://example.org/x", "not an iri", "", "abc"]
    randoms = [
        "".join(rng.choice("0123456789.-+eE:TZ") for _ in range(rng.randrange(1, 12))) for _ in range(300)
    ]
    return digits + decimals + doubles + dates + date_times + years + others + randoms


def rdflibs_form(value: str, datatype: str) -> str:
    """The reference: our check of the value, then rdflib's own literal (what the builder made before),
    except where rdflib's form is another value: dates and dateTimes are kept as written (rdflib
    drops the time zone and cuts fractions of a second), and the special doubles take XSD's names."""
    checker = terms._CHECKERS.get(datatype)
    if checker is not None:
        checker(value)
    if datatype in (str(xsd("date")), str(xsd("dateTime"))):
        return value
    literal = Literal(value, datatype=URIRef(datatype))
    if checker is None and datatype != str(xsd("string")) and getattr(literal, "ill_typed", False):
        raise TermError("ill-typed")
    return {"inf": "INF", "-inf": "-INF", "nan": "NaN"}.get(str(literal), str(literal))


@pytest.mark.parametrize("name", CHECKED)
def test_canonical_forms_are_rdflibs(name):
    datatype = str(xsd(name))
    for value in candidates(random.Random(7)):
        try:
            expected = rdflibs_form(value, datatype)
        except TermError:
            with pytest.raises(TermError):
                literal_form(value, datatype)
            continue
        lexical, found_datatype, language = literal_form(value, datatype)
        # xsd:string is kept as a plain literal: the same RDF term, one form
        assert (lexical, found_datatype, language) == (expected, "" if name == "string" else datatype, "")
        if lexical != "NaN" and name != "string":
            assert rdflib_literal(lexical, found_datatype, language) == Literal(
                value, datatype=URIRef(datatype)
            )


@pytest.mark.parametrize("name", ["integer", "positiveInteger", "nonNegativeInteger", "decimal", "boolean",
                                  "date", "dateTime", "gYear", "gYearMonth"])  # fmt: skip
def test_fast_accepted_values_are_valid_and_canonical(name):
    datatype = str(xsd(name))
    accept = fast_literal_check(datatype)
    values = candidates(random.Random(11)) + ["".join(p) for p in itertools.product("0129-T:", repeat=4)]
    accepted = [v for v in values if accept(v)]
    assert accepted
    for value in accepted:
        assert literal_form(value, datatype) == (value, datatype, "")


@pytest.mark.parametrize(("datatype", "language"), [(None, ""), ("", ""), (xsd("string"), ""), ("", "zh")])
def test_text_is_kept_as_written(datatype, language):
    assert is_text(datatype, language)
    for value in candidates(random.Random(13)):
        assert literal_form(value, datatype, language) == (value, "", language)


def test_typed_literals_are_not_text():
    assert not is_text(xsd("integer"), "") and not is_text(xsd("langString"), "")


def test_cells_name_resources_and_datatypes():
    from graph.defaults import DEFAULT_VOCABULARY
    from graph.model.namespaces import EntityNamespace
    from graph.model.vocabulary import load_vocabulary

    vocabulary, namespace = load_vocabulary(DEFAULT_VOCABULARY), EntityNamespace("https://example.org/kg/")
    assert resource_iri("nimte", vocabulary, namespace) == "https://example.org/kg/entity/nimte"
    assert resource_iri("<https://example.org/x>", vocabulary, namespace) == "https://example.org/x"
    assert resource_iri("xsd:date", vocabulary, namespace) == xsd("date")
    with pytest.raises(TermError, match="unknown prefix"):
        resource_iri("nope:x", vocabulary, namespace)
    assert datatype_iri("date", vocabulary) == datatype_iri("xsd:date", vocabulary) == xsd("date")
    assert datatype_iri("iri", vocabulary) is None
    with pytest.raises(TermError, match="unknown datatype"):
        datatype_iri("dat", vocabulary)
    assert rdflib_literal(*literal_form("2024-12-23", datatype_iri("date", vocabulary))) == Literal(
        "2024-12-23", datatype=URIRef(xsd("date"))
    )


def test_language_and_plain_literals_are_kept_as_written():
    assert literal_form(" x ", None) == (" x ", "", "")
    assert literal_form("x", str(xsd("string"))) == ("x", "", "")  # the same RDF term as a plain literal
    assert literal_form("宁波", None, "zh") == ("宁波", "", "zh")
    assert rdflib_literal("宁波", "", "zh") == Literal("宁波", lang="zh")
    assert rdflib_literal("x", "", "") == Literal("x") != Literal("x", datatype=xsd("string"))


def test_unknown_datatypes_are_checked_by_rdflib():
    assert literal_form("00ff", str(xsd("hexBinary")))[0] == "00ff"
    with pytest.raises(TermError, match="not a valid xsd:hexBinary"):
        literal_form("xyz", str(xsd("hexBinary")))
