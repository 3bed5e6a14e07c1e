"""The one N-Triples writer prints what Oxigraph's serialiser prints, and its fast path agrees with its plain one."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

import graph
from graph.model.ntriples import nt_term, ntriples_chunks, ntriples_lines, quoted
from tests.conftest import EV, GOOD_ROWS

XSD = "http://www.w3.org/2001/XMLSchema#"
TEXTS = ['say "hi"', "back\\slash", "tab\there", "new\nline", "cr\rlf", "nul\x00", "bell\x07", "bs\x08",
         "ff\x0c", "esc\x1b", "del\x7f", "\ufffe\uffff", "宁波", "", " padded ", "\u2028\u2029", "emoji 🙂"]  # fmt: skip
LITERALS = [
    *((text, "", "") for text in TEXTS),
    *((text, "", "zh-Hans") for text in TEXTS),
    *((text, XSD + "string", "") for text in TEXTS),
    ("42", XSD + "integer", ""),
    ("007", XSD + "integer", ""),
    ("1.5E3", XSD + "double", ""),
    ("x", "http://example.com/type", ""),
    ("hello", "", "EN-gb"),
]


def oxigraph_term(term):
    if isinstance(term, tuple):
        value, datatype, language = term
        if language:
            return ox.Literal(value, language=language)
        return ox.Literal(value, datatype=ox.NamedNode(datatype)) if datatype else ox.Literal(value)
    if term.startswith("_:"):
        return ox.BlankNode(term[2:])
    return ox.NamedNode(term)


def test_lines_of_tricky_terms_are_what_oxigraph_writes():
    triples = [("http://example.com/s", "http://example.com/p", literal) for literal in LITERALS]
    triples += [
        ("_:b1", "http://example.com/p", "_:b2"),
        ("_:b1", "http://example.com/p", "http://example.com/é?q=1#frag"),
        ("urn:x:s", "urn:x:p", ("v", "", "")),
    ]
    expected = ox.serialize(
        [ox.Triple(*map(oxigraph_term, triple)) for triple in triples], format=ox.RdfFormat.N_TRIPLES
    )
    assert "".join(ntriples_lines(triples)).encode() == expected


@pytest.mark.parametrize("literal", LITERALS, ids=range(len(LITERALS)))
def test_oxigraph_reads_back_the_literal_it_was_given(literal):
    (quad,) = ox.parse(f"<urn:x:s> <urn:x:p> {nt_term(literal)} .\n".encode(), format=ox.RdfFormat.N_TRIPLES)
    assert quad.object == oxigraph_term(literal)


def test_quoting_escapes_only_what_must_be_escaped():
    assert quoted("plain 宁波") == '"plain 宁波"'
    assert quoted('a"b\\c\n\t\x01') == '"a\\"b\\\\c\\n\\t\\u0001"'


def test_the_fast_path_of_a_built_graph_agrees_with_the_plain_lines(write_csv):
    """Facts and statement nodes are printed from their fields, the rest from items: both give the same text."""
    rows = [
        *GOOD_ROWS,
        f"r1,zone,kg:rank,10,,,,,{EV}",
        ",#r1,kg:outOf,178,,,,,,,",
        f"r2,zone,kg:researcherCount,300,,,,over,{EV}",
        f',zone,skos:altLabel,"say ""hi""\ttab",,en,,,{EV}',
        f",zone,kg:rdIntensity,8.62,,,percent,,{EV}",
    ]
    kg = graph.build([write_csv(rows)], shapes=None)
    plain = ntriples_lines(
        (subject, p, (value, datatype, language) if is_literal else value)
        for subject, (p, is_literal, value, datatype, language) in kg.table.triples()
    )
    text = "".join(ntriples_chunks(kg.table))
    assert text == "".join(plain)
    assert text.count("\n") == len(kg)
    assert '"say \\"hi\\"\\ttab"@en' in text
