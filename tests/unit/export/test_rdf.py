"""Our Turtle and N-Triples writers print exactly what Oxigraph's serialisers print, on tricky terms too."""

from __future__ import annotations

import json
import random

import pyoxigraph as ox
import pytest
import rdflib

import graph
from graph.export import rdf
from graph.model.graph import KnowledgeGraph
from graph.model.namespaces import graph_prefixes
from graph.model.table import TripleTable
from tests.conftest import EV, GOOD_ROWS, ROOT
from tests.support.rdf_terms import as_our_turtle


def xsd(name: str) -> str:
    """An XML Schema datatype IRI (rdflib's XSD namespace object upsets pytest's collection)."""
    return "http://www.w3.org/2001/XMLSchema#" + name


BASE = "https://example.org/ningbo-kg/"
PREFIXES = {
    "kg": "https://example.org/ningbo-kg/vocab#",
    "ex": "http://example.com/",
    "exl": "http://example.com/long/",  # longer than ex:, so it wins where both fit
    "same": "http://example.com/long/",  # the same namespace twice
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "xsd": xsd(""),
}
# local names Turtle can write as they are, with escapes, or not at all
LOCALS = [
    "plain", "with.dot", "dot.", ".dot", "-dash", "dash-", "_under", "1digit", "a:b", ":colon", "é", "中文",
    "a~b", "a%20b", "a(b)", "a!b", "a$b", "a&b", "a'b", "a*b", "a+b", "a,b", "a;b", "a=b", "a/b", "a?b",
    "a#b", "a@b", "x·y", "x\u0301", "x\u203fy", "", "~",
]  # fmt: skip
TEXTS = ['say "hi"', "back\\slash", "tab\there", "new\nline", "cr\rlf", "nul\x00", "bell\x07", "esc\x1b",
         "del\x7f", "\ufffe\uffff", "宁波高新区", "", " padded ", "\u2028\u2029", "emoji 🙂"]  # fmt: skip
TYPED = [
    ("42", xsd("integer")), ("-7", xsd("integer")), ("+3", xsd("integer")), ("007", xsd("integer")), ("1.5", xsd("integer")),
    ("8.62", xsd("decimal")), (".5", xsd("decimal")), ("5.", xsd("decimal")), ("-0.0", xsd("decimal")), ("1e3", xsd("decimal")),
    ("2.3E9", xsd("double")), ("1.e5", xsd("double")), (".5e-2", xsd("double")), ("INF", xsd("double")), ("1", xsd("double")),
    ("true", xsd("boolean")), ("false", xsd("boolean")), ("1", xsd("boolean")), ("10", xsd("positiveInteger")),
    ("2024-12-23", xsd("date")), ("2024", xsd("gYear")), ("x", xsd("string")), ("y", "http://example.com/long/type"),
    ("z", "http://other.org/type"),
]  # fmt: skip


def graph_of(items_by_subject: dict[str, list]) -> KnowledgeGraph:
    """A graph straight from table items (any lexical form, not only the canonical ones the builder makes)."""
    others = {s: sorted(set(items)) for s, items in items_by_subject.items()}
    return KnowledgeGraph(prefixes=PREFIXES, base=BASE, table=TripleTable(BASE, {}, others, []))


def oxigraph_text(kg: KnowledgeGraph, rdf_format: ox.RdfFormat) -> bytes:
    """What Oxigraph's serialiser writes for the same triples, in the same order."""
    triples = []
    for subject, (p, is_literal, value, datatype, language) in kg.table.triples():
        if not is_literal:
            obj = ox.NamedNode(value)
        elif language:
            obj = ox.Literal(value, language=language)
        elif datatype:
            obj = ox.Literal(value, datatype=ox.NamedNode(datatype))
        else:
            obj = ox.Literal(value)
        triples.append(ox.Triple(ox.NamedNode(subject), ox.NamedNode(p), obj))
    prefixes = None if rdf_format == ox.RdfFormat.N_TRIPLES else graph_prefixes(kg.prefixes, kg.base)
    text = ox.serialize(triples, format=rdf_format, prefixes=prefixes)
    # the differences graph.export.rdf documents: forms rdflib would read back otherwise
    return text if prefixes is None else as_our_turtle(text, prefixes)


def oxigraph_triple(triple) -> ox.Triple:
    """An rdflib triple as pyoxigraph terms."""
    s, p, o = triple
    if not isinstance(o, rdflib.Literal):
        obj = ox.NamedNode(str(o))
    elif o.language:
        obj = ox.Literal(str(o), language=o.language)
    elif o.datatype is not None:
        obj = ox.Literal(str(o), datatype=ox.NamedNode(str(o.datatype)))
    else:
        obj = ox.Literal(str(o))
    return ox.Triple(ox.NamedNode(str(s)), ox.NamedNode(str(p)), obj)


def tricky_items() -> dict[str, list]:
    items: dict[str, list] = {}
    for n, local in enumerate(LOCALS):
        for namespace in ("http://example.com/", "http://example.com/long/", "http://nowhere.org/"):
            subject = namespace + local if local.strip() else f"{namespace}s{n}"
            row = items.setdefault(subject, [])
            row.append(
                (xsd("") + "anyURI" if n % 2 else "http://example.com/p", False, namespace + local, "", "")
            )
            row.append(
                (
                    "http://www.w3.org/1999/02/22-rdf-syntax-ns#type",
                    False,
                    "http://example.com/long/C",
                    "",
                    "",
                )
            )
    texts = items.setdefault("http://example.com/texts", [])
    for text in TEXTS:
        texts.append(("http://example.com/p", True, text, "", ""))
        texts.append(("http://example.com/q", True, text, "", "zh-Hans"))
        texts.append(("http://example.com/r", True, text, str(xsd("string")), ""))
    typed = items.setdefault("http://example.com/long/typed", [])
    for value, datatype in TYPED:
        typed.append(("http://example.com/v", True, value, str(datatype), ""))
    return items


@pytest.mark.parametrize(
    "rdf_format", [ox.RdfFormat.TURTLE, ox.RdfFormat.N_TRIPLES], ids=["turtle", "ntriples"]
)
def test_tricky_terms_print_as_oxigraph_prints_them(rdf_format):
    kg = graph_of(tricky_items())
    assert rdf.serialize(kg, rdf_format) == oxigraph_text(kg, rdf_format)


@pytest.mark.parametrize(
    "rdf_format", [ox.RdfFormat.TURTLE, ox.RdfFormat.N_TRIPLES], ids=["turtle", "ntriples"]
)
def test_random_terms_print_as_oxigraph_prints_them(rdf_format):
    rng = random.Random(20241223)
    pool = 'ab.-_~:%/#?é中 "\\\n\t\x01\x7f🙂0123456789'
    items: dict[str, list] = {}
    for _ in range(400):
        namespace = rng.choice(["http://example.com/", "http://example.com/long/", "urn:x:"])
        local = "".join(rng.choice(pool[:26]) for _ in range(rng.randrange(0, 6))).replace(" ", "")
        text = "".join(rng.choice(pool) for _ in range(rng.randrange(0, 8)))
        try:
            ox.NamedNode(namespace + local)
        except ValueError:
            continue  # not an IRI
        kind = rng.randrange(3)
        item = (
            (namespace + "p", False, namespace + local, "", "")
            if kind == 0
            else (namespace + "p", True, text, "", rng.choice(["", "en", "zh"]))
            if kind == 1
            else (
                namespace + "p",
                True,
                text,
                rng.choice([str(xsd("integer")), str(xsd("decimal")), str(xsd("double"))]),
                "",
            )
        )
        items.setdefault(namespace + local or namespace + "s", []).append(item)
    kg = graph_of(items)
    assert rdf.serialize(kg, rdf_format) == oxigraph_text(kg, rdf_format)


def test_a_built_graph_prints_as_oxigraph_prints_its_rdflib_triples(write_csv):
    """Statement nodes come from a template; qualifiers, units and evidence of qualifiers from items."""
    rows = [
        *GOOD_ROWS,
        f"r1,zone,kg:rank,10,,,,,{EV}",
        ",#r1,kg:outOf,178,,,,,,,",
        f",#r1,dcterms:date,2024-12-23,,,,,{EV}",
        f"r2,zone,kg:researcherCount,300,,,,over,{EV}",
        f",zone,kg:rdIntensity,8.62,,,percent,,{EV}",
        f',zone,skos:altLabel,"say ""hi""",,en,,,{EV}',
    ]
    kg = graph.build([write_csv(rows)])
    for rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.N_TRIPLES):
        prefixes = None if rdf_format == ox.RdfFormat.N_TRIPLES else graph_prefixes(kg.prefixes, kg.base)
        expected = ox.serialize(map(oxigraph_triple, kg.triples), format=rdf_format, prefixes=prefixes)
        assert rdf.serialize(kg, rdf_format) == expected


def test_the_public_triples_are_sorted_rdflib_terms_and_agree_with_the_store():
    kg = graph.build([ROOT / "data" / "triples.csv"])
    assert all(isinstance(term, rdflib.term.Identifier) for triple in kg.triples for term in triple)

    def key(triple):
        s, p, o = triple
        return (
            str(s),
            str(p),
            isinstance(o, rdflib.Literal),
            str(o),
            str(getattr(o, "datatype", "") or ""),
            getattr(o, "language", "") or "",
        )

    assert kg.triples == sorted(kg.triples, key=key)
    assert len(kg) == len(kg.triples) == len(set(kg.triples))
    expected = ox.Store()  # a store keeps numbers by value, so compare store with store
    expected.extend(ox.Quad(t.subject, t.predicate, t.object) for t in kg.to_oxigraph())
    assert {str(q) for q in kg.to_store()} == {str(q) for q in expected}
    assert len(kg.to_store()) == len(kg)
    assert len(kg.to_rdflib()) == len(kg)


def rdflib_jsonld(kg: KnowledgeGraph) -> dict:
    """The JSON-LD document as rdflib's serialiser makes it (the reference)."""
    import json

    context = {**graph_prefixes(kg.prefixes, kg.base), "@base": kg.base}
    text = kg.to_rdflib().serialize(format="json-ld", context=context, auto_compact=True, indent=1)
    return rdf._ordered(json.loads(text))


@pytest.mark.parametrize("which", ["the article", "odd rows"])
def test_jsonld_is_the_document_rdflib_makes(which, write_csv):
    if which == "the article":
        kg = graph.build([ROOT / "data" / "triples.csv"])
    else:
        rows = [
            *GOOD_ROWS,
            f"r1,zone,kg:rank,10,,,,,{EV}",
            ",#r1,kg:outOf,178,,,,,,,",
            f",zone,skos:altLabel,true,boolean,,,,{EV}",
            f",zone,skos:altLabel,2.5E3,double,,,,{EV}",
            f",zone,skos:altLabel,x,string,,,,{EV}",
            f",zone,skos:altLabel,plain,,,,,{EV}",
            f",zone,skos:altLabel,2024-09,gYearMonth,,,,{EV}",
            f",zone,skos:altLabel,<https://example.org/elsewhere#x>,iri,,,,{EV}",
            f",zone,skos:altLabel,<https://example.org/ningbo-kg/>,iri,,,,{EV}",
            f",zone,skos:altLabel,<http://other.org/a/b/>,iri,,,,{EV}",
            f",zone,a,kg:HighTechZone,,,,,{EV}",
        ]
        kg = graph.build([write_csv(rows)], shapes=None)
    assert rdf._compact_jsonld(kg, {**graph_prefixes(kg.prefixes, kg.base), "@base": kg.base}) is not None
    # rdflib writes a double as a native JSON number, which a reader takes back as another value, and
    # the base itself as "" (another node to a reader that drops the fragment): ours differ there only
    text = json.dumps(rdflib_jsonld(kg), ensure_ascii=False)
    text = text.replace("2500.0", '{"@type": "xsd:double", "@value": "2500.0"}')
    text = text.replace('{"@id": ""}', '{"@id": "/ningbo-kg/"}')
    expected = json.loads(text)
    assert rdf.jsonld_document(kg) == rdf._ordered(expected)


def test_jsonld_of_a_graph_rdflib_compacts_otherwise_comes_from_rdflib():
    items = tricky_items()
    items["http://example.com/list"] = [
        ("http://www.w3.org/1999/02/22-rdf-syntax-ns#first", False, "http://example.com/a", "", "")
    ]
    kg = graph_of(items)
    assert rdf._compact_jsonld(kg, {**graph_prefixes(kg.prefixes, kg.base), "@base": kg.base}) is None
    assert rdf.jsonld_document(kg) == rdflib_jsonld(kg)
