"""Property-based round trip: random rows over every datatype, language-tag form, IRI form and
awkward string the CSV admits; every RDF export, read by Oxigraph and by rdflib (JSON-LD by pyld
too), gives back the values the CSV said (or their documented canonical form, docs/csv-format.md),
and the GraphML aliases and labels are the texts of the CSV.

A bounded number of examples runs by default; set ``KG_ROUNDTRIP_EXAMPLES`` (e.g. 2000) for more.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re

import networkx as nx
import pyoxigraph as ox
import pytest
import rdflib

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from pyld import jsonld  # noqa: E402

import graph  # noqa: E402
from graph.export import rdf  # noqa: E402
from graph.export.graphml import write_graphml  # noqa: E402
from graph.ingest.cells import literal_form  # noqa: E402
from tests.conftest import EV, GOOD_ROWS, HEADER, SOURCE_TEXT  # noqa: E402

XSD = "http://www.w3.org/2001/XMLSchema#"
SUBJECT = "https://example.org/ningbo-kg/entity/zone"
EVIDENCE = ("source.txt", "event-5", "宁波高新区在全国178家高新区中排名第10。")
EXAMPLES = int(os.environ.get("KG_ROUNDTRIP_EXAMPLES", "25"))

# Text the CSV admits: no control characters, no U+FFFE/U+FFFF, no surrogates; trimmed at the ends.
TEXT = (
    st.text(
        st.characters(
            blacklist_categories=("Cs",),
            blacklist_characters="".join(
                map(chr, [*range(0, 9), 11, 12, *range(14, 32), 127, 0xFFFE, 0xFFFF])
            ),
        ),
        min_size=1,
        max_size=12,
    )
    .map(str.strip)
    .filter(bool)
)
TEXT = TEXT | st.sampled_from(
    ["a\rb", "x\ny", 'say "hi"', "a|b", "c\\d", "<&>", "]]>", "1e400", "\u2028x\u3000"]
).map(
    str.strip  # the documented trimming
)
TZ = st.sampled_from(["", "Z", "+08:00", "-14:00", "+14:00", "-05:30"])
YEAR = st.sampled_from(["2024", "0001", "1900", "2000", "10000", "-0044"])
TYPED = st.one_of(
    st.tuples(st.integers(-(10**25), 10**25).map(str), st.just("integer")),
    st.tuples(st.integers(-(2**63), 2**63 - 1).map(str), st.just("xsd:long")),
    st.tuples(
        st.decimals(allow_nan=False, allow_infinity=False, places=3).map(str)
        | st.decimals(allow_nan=False, allow_infinity=False, places=9).map(lambda d: f"{d:f}"),
        st.just("decimal"),
    ),
    st.tuples(
        st.floats().map(lambda f: {"inf": "INF", "-inf": "-INF", "nan": "NaN"}.get(repr(f), repr(f)))
        | st.sampled_from(["1e400", "-1e400", "2.3E9", "-0", ".5", "5."]),
        st.just("double"),
    ),
    st.tuples(st.sampled_from(["true", "false", "1", "0"]), st.just("boolean")),
    st.tuples(
        st.builds(
            lambda y, m, d, z: f"{y}-{m:02d}-{d:02d}{z}", YEAR, st.integers(1, 12), st.integers(1, 28), TZ
        ),
        st.just("date"),
    ),
    st.tuples(
        st.builds(
            lambda y, h, s, f, z: f"{y}-02-03T{h:02d}:00:{s:02d}{f}{z}",
            YEAR,
            st.integers(0, 23),
            st.integers(0, 59),
            st.sampled_from(["", ".5", ".123456789", ".000"]),
            TZ,
        ),
        st.just("dateTime"),
    ),
    st.tuples(st.builds(lambda y, z: y + z, YEAR, TZ), st.just("gYear")),
)
LANGUAGE = st.sampled_from(["en", "zh", "zh-Hans", "zh-Hans-CN", "EN-gb", "de-CH-1996", "x-private"])
IRI = st.sampled_from(
    [
        "https://example.org.cn/x",
        "https://example.org//x",
        "https://example.org/ningbo-kg/a?b#c",
        "https://example.org/ningbo-kg/../x",
        "https://schema.org/x.",
        "https://schema.org//y",
        "https://example.org/ningbo-kg/",
        "urn:isbn:0451450523",
        "http://例子.测试/路径",
    ]
)
ROW = st.one_of(
    TYPED.map(lambda t: (t[0], t[1], "")),
    st.tuples(TEXT, st.sampled_from(["", "string"]), st.just("")),
    st.tuples(TEXT, st.just(""), LANGUAGE),
    IRI.map(lambda iri: (f"<{iri}>", "iri", "")),
)


def csv_text(rows: list[tuple[str, str, str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writerow(HEADER.split(","))
    base = [
        ("a", "kg:HighTechZone", "", ""),
        ("rdfs:label", "宁波高新区", "", "zh"),
        ("rdfs:label", "Ningbo High-tech Zone", "", "en"),
    ]
    for predicate, value, datatype, language in base:
        writer.writerow(["", "zone", predicate, value, datatype, language, "", "", *EVIDENCE])
    for value, datatype, language in rows:
        writer.writerow(["", "zone", "skos:altLabel", value, datatype, language, "", "", *EVIDENCE])
    return out.getvalue()


def expected_object(value: str, datatype: str, language: str) -> tuple:
    if datatype == "iri":
        return ("iri", value[1:-1])
    if language:
        return ("lang", value, language.lower())
    if datatype in ("", "string"):
        return ("typed", value, XSD + "string")
    iri = XSD + datatype.removeprefix("xsd:")
    return ("typed", literal_form(value, iri)[0], iri)


def ox_objects(text: bytes, rdf_format: ox.RdfFormat) -> set[tuple]:
    found = set()
    for t in ox.parse(text, format=rdf_format):
        if t.subject.value != SUBJECT or not t.predicate.value.endswith("altLabel"):
            continue
        o = t.object
        if isinstance(o, ox.NamedNode):
            found.add(("iri", o.value))
        elif o.language:
            found.add(("lang", o.value, o.language.lower()))
        else:
            found.add(("typed", o.value, o.datatype.value))
    return found


def rdflib_objects(text: bytes, rdflib_format: str) -> set[tuple]:
    previous, rdflib.NORMALIZE_LITERALS = rdflib.NORMALIZE_LITERALS, False  # read lexical forms as written
    try:
        parsed = rdflib.Graph().parse(data=text.decode(), format=rdflib_format)
    finally:
        rdflib.NORMALIZE_LITERALS = previous
    found = set()
    for o in parsed.objects(rdflib.URIRef(SUBJECT), rdflib.SKOS.altLabel):
        if isinstance(o, rdflib.URIRef):
            found.add(("iri", str(o)))
        elif o.language:
            found.add(("lang", str(o), o.language.lower()))
        else:
            found.add(("typed", str(o), str(o.datatype or XSD + "string")))
    return found


def as_pyld_reads(expected: tuple) -> tuple:
    """What pyld makes of a literal: it rewrites every ``xsd:double``, even one given as a string
    ``@value`` (JSON-LD 1.1 converts native numbers only), as ``%1.15E`` (16 significant digits, and
    ``NAN`` for NaN), so for a double pyld is held to its own form of the value."""
    if expected[0] != "typed" or expected[2] != XSD + "double":
        return expected
    return ("typed", re.sub(r"(\d)0*E\+?(-)?0*(\d)", r"\1E\2\3", f"{float(expected[1]):1.15E}"), expected[2])


def pyld_objects(text: bytes) -> set[tuple]:
    """The objects pyld reads: the document expanded, then turned into RDF (N-Quads) by pyld alone."""
    nquads = jsonld.to_rdf(jsonld.expand(json.loads(text)), {"format": "application/n-quads"})
    return ox_objects(nquads.encode(), ox.RdfFormat.N_QUADS)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(ROW, min_size=1, max_size=8))
def test_every_export_gives_back_the_values_of_the_csv(tmp_path_factory, rows):
    folder = tmp_path_factory.mktemp("roundtrip")
    (folder / "source.txt").write_text(SOURCE_TEXT, encoding="utf-8")
    (folder / "facts.csv").write_text(csv_text(rows), encoding="utf-8")
    kg = graph.build([folder / "facts.csv"], shapes=None)
    expected = {expected_object(*row) for row in rows}
    texts = {
        "nt": (rdf.serialize(kg, ox.RdfFormat.N_TRIPLES), ox.RdfFormat.N_TRIPLES),
        "turtle": (rdf.serialize(kg, ox.RdfFormat.TURTLE), ox.RdfFormat.TURTLE),
        "xml": (rdf.serialize(kg, ox.RdfFormat.RDF_XML), ox.RdfFormat.RDF_XML),
        "json-ld": (json.dumps(rdf.jsonld_document(kg), allow_nan=False).encode(), ox.RdfFormat.JSON_LD),
    }
    for name, (text, rdf_format) in texts.items():
        assert ox_objects(text, rdf_format) == expected, f"{name} read by Oxigraph"
        assert rdflib_objects(text, name) == expected, f"{name} read by rdflib"
    assert pyld_objects(texts["json-ld"][0]) == {as_pyld_reads(o) for o in expected}, "json-ld read by pyld"

    write_graphml(kg, folder / "g.graphml")
    node = nx.read_graphml(folder / "g.graphml").nodes[SUBJECT]
    aliases = {
        value.replace("\\", "\\\\").replace("|", "\\|")
        for value, datatype, language in rows
        if datatype in ("", "string")
    } | {value.replace("\\", "\\\\").replace("|", "\\|") for value, datatype, language in rows if language}
    assert set(node.get("aliases", "").split("|")) - {""} >= set() and all(
        alias in node.get("aliases", "") for alias in aliases
    )


@pytest.mark.parametrize("value", ["0.0000001", "-0.00000010", "0.0000000", "123.4500"])
def test_rdflib_reads_a_decimal_of_graph_ttl_as_written(write_csv, value):
    """rdflib reads Turtle's bare decimal through Python's Decimal: ``0.0000001`` came back ``1E-7``."""
    rows = [*GOOD_ROWS, f",zone,skos:altLabel,{value},decimal,,,,{EV}"]
    kg = graph.build([write_csv(rows)], shapes=None)
    text = rdf.serialize(kg, ox.RdfFormat.TURTLE)
    assert ("typed", value, XSD + "decimal") in rdflib_objects(text, "turtle")
    assert ("typed", value, XSD + "decimal") in ox_objects(text, ox.RdfFormat.TURTLE)
