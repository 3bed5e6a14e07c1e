"""RDF graphs from any parser as comparable rdflib graphs, and the thinnest way to hand any graph to
the project's writers.

The writers take plain-string terms (:mod:`graph.model.ntriples`) or a triple table (the Turtle
writer, and the N-Triples writer of the build); a built graph has no blank nodes, so for the table
a blank node becomes a skolem IRI, turned back into a blank node when the output is read.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal

import pyoxigraph as ox
import rdflib
from rdflib.compare import isomorphic, to_isomorphic

from graph.model.facts import FACT_ORDER, Fact
from graph.model.graph import KnowledgeGraph
from graph.model.ntriples import Term
from graph.model.table import TripleTable

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
SKOLEM = "https://example.org/.well-known/genid/"  # where the table adapter puts blank nodes
BASE = "https://example.org/ningbo-kg/"
DIRECTIONAL = "urn:x-compare:dirLangString:"  # stands for rdf:dirLangString with its tag, in comparisons only


def ox_term(term) -> Term:
    """A pyoxigraph term as a plain-string term (blank node ``_:id``; literal ``(lexical, datatype, language)``)."""
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        if term.language:
            direction = term.direction
            return (term.value, "", term.language + (f"--{direction}" if direction is not None else ""))
        return (term.value, term.datatype.value, "")
    raise TypeError(f"not a term the writers take: {term!r}")


def plain_triples(triples: Iterable) -> list[tuple[str, str, Term]]:
    """Oxigraph triples (or quads of the default graph) as sorted plain-string triples."""
    found = {(ox_term(t.subject), ox_term(t.predicate), ox_term(t.object)) for t in triples}
    return sorted(found, key=repr)


def skolem(term: Term) -> Term:
    """A blank node as the table adapter's skolem IRI; any other term as it is."""
    return SKOLEM + term[2:] if isinstance(term, str) and term.startswith("_:") else term


def table_graph(
    triples: Iterable[tuple[str, str, Term]], prefixes: dict[str, str], facts: bool
) -> KnowledgeGraph:
    """The triples as a graph for the table writers: as facts (the path of a built graph's own triples)
    or as items (the path of vocabulary, evidence and qualifier triples), blank nodes skolemised."""
    by_subject: dict[str, list] = {}
    for s, p, o in triples:
        o = skolem(o)
        literal = isinstance(o, tuple)
        value, datatype, language = o if literal else (o, "", "")
        by_subject.setdefault(skolem(s), []).append((p, literal, value, datatype, language))
    if facts:
        subjects = {
            s: sorted(
                (
                    Fact.new(
                        file="w3c",
                        row=0,
                        subject_iri=s,
                        predicate_iri=p,
                        object_value=value,
                        object_is_literal=literal,
                        datatype_iri=datatype,
                        language=language,
                    )
                    for p, literal, value, datatype, language in set(items)
                ),
                key=FACT_ORDER,
            )
            for s, items in by_subject.items()
        }
        table = TripleTable(BASE, subjects, {}, [])
    else:
        table = TripleTable(BASE, {}, {s: sorted(set(items)) for s, items in by_subject.items()}, [])
    return KnowledgeGraph(table, prefixes=prefixes, base=BASE)


def ox_triple(triple: tuple[str, str, Term]) -> ox.Triple:
    """A plain-string triple as pyoxigraph terms."""
    s, p, o = triple
    if isinstance(o, tuple):
        value, datatype, language = o
        obj = (
            ox_literal(value, language)
            if language
            else ox.Literal(value, datatype=ox.NamedNode(datatype or XSD_STRING))
        )
    else:
        obj = _ox_node(o)
    return ox.Triple(_ox_node(s), ox.NamedNode(p), obj)


def _ox_node(value: str):
    return ox.BlankNode(value[2:]) if value.startswith("_:") else ox.NamedNode(value)


def table_triples(kg: KnowledgeGraph) -> list[ox.Triple]:
    """The table's triples, in the order the writers write them, as pyoxigraph terms (for its serialiser)."""

    def node(value: str):
        return ox.NamedNode(value)

    triples = []
    for subject, (p, is_literal, value, datatype, language) in kg.table.triples():
        if not is_literal:
            obj = node(value)
        elif language:
            obj = ox_literal(value, language)
        else:
            obj = ox.Literal(value, datatype=ox.NamedNode(datatype or XSD_STRING))
        triples.append(ox.Triple(node(subject), node(p), obj))
    return triples


def ox_literal(value: str, language: str) -> ox.Literal:
    """A language-tagged pyoxigraph literal; ``en--ltr`` gives the tag ``en`` and a base direction."""
    language, _, direction = language.partition("--")
    if direction:
        return ox.Literal(value, language=language, direction=getattr(ox.BaseDirection, direction.upper()))
    return ox.Literal(value, language=language)


def rdflib_graph(triples: Iterable, unskolemise: bool = False) -> rdflib.Graph:
    """Parsed triples (pyoxigraph's or rdflib's) as an rdflib graph to compare: literals as written
    (never normalised), ``xsd:string`` explicit, language tags in lower case, and (``unskolemise``)
    the table adapter's skolem IRIs as blank nodes again."""
    graph = rdflib.Graph()
    previous, rdflib.NORMALIZE_LITERALS = rdflib.NORMALIZE_LITERALS, False
    try:
        for triple in triples:
            terms = (
                (triple.subject, triple.predicate, triple.object)
                if isinstance(triple, ox.Quad | ox.Triple)
                else triple
            )
            graph.add(tuple(_rdflib_term(term, unskolemise) for term in terms))
    finally:
        rdflib.NORMALIZE_LITERALS = previous
    return graph


def _rdflib_term(term, unskolemise: bool):
    if isinstance(term, ox.NamedNode | ox.BlankNode | ox.Literal):
        term = ox_term(term)
        if isinstance(term, tuple):
            value, datatype, language = term
            if (
                "--" in language
            ):  # a base direction, which an rdflib Literal cannot hold: compared as a datatype
                return rdflib.Literal(value, datatype=rdflib.URIRef(DIRECTIONAL + language.lower()))
            if language:
                return rdflib.Literal(value, lang=language.lower())
            return rdflib.Literal(value, datatype=rdflib.URIRef(datatype or XSD_STRING))
        return rdflib.BNode(term[2:]) if term.startswith("_:") else _iri(term, unskolemise)
    if isinstance(term, rdflib.Literal):
        if term.language:
            return rdflib.Literal(str(term), lang=term.language.lower())
        return rdflib.Literal(str(term), datatype=term.datatype or rdflib.URIRef(XSD_STRING))
    if isinstance(term, rdflib.URIRef):
        return _iri(str(term), unskolemise)
    return term


def _iri(value: str, unskolemise: bool):
    if unskolemise and value.startswith(SKOLEM):
        return rdflib.BNode(value[len(SKOLEM) :])
    return rdflib.URIRef(value)


def rdflib_parse(data: bytes, rdflib_format: str) -> list:
    """rdflib's triples of a text, literals as written."""
    previous, rdflib.NORMALIZE_LITERALS = rdflib.NORMALIZE_LITERALS, False
    try:
        return list(rdflib.Graph().parse(data=data, format=rdflib_format))
    finally:
        rdflib.NORMALIZE_LITERALS = previous


def difference(found: rdflib.Graph, expected: rdflib.Graph) -> str:
    """Empty when the graphs are isomorphic, else the triples of each that the other lacks."""
    if isomorphic(found, expected):
        return ""
    a, b = to_isomorphic(found), to_isomorphic(expected)
    extra = sorted(" ".join(term.n3() for term in t) for t in a - b)
    lacking = sorted(" ".join(term.n3() for term in t) for t in b - a)
    return f"{len(found)} triples against {len(expected)}; extra {extra[:5]}; lacking {lacking[:5]}"


def as_our_turtle(oxigraph_text: bytes, prefixes: dict[str, str]) -> bytes:
    """Oxigraph's Turtle with the differences :mod:`graph.export.rdf` documents: a local name ending in
    ``\\.`` (rdflib cannot read it) as the full IRI, and a bare integer or decimal that rdflib would
    read back in another form (``+1``, ``007``, ``.5``, ``0.0000001``) quoted with its datatype."""

    def full_iri(match: re.Match) -> bytes:
        local = re.sub(rb"\\(.)", rb"\1", match.group(2)).decode()
        return f"<{prefixes[match.group(1).decode()]}{local}>".encode()

    def datatype(name: str) -> str:
        iri = XSD + name
        found = [(n, ns) for n, ns in prefixes.items() if iri.startswith(ns)]
        if not found:
            return f"<{iri}>"
        n, ns = max(found, key=lambda item: len(item[1]))
        return f"{n}:{iri[len(ns) :]}"

    def number(match: re.Match) -> bytes:
        value = match.group(1).decode()
        if "." in value:
            kept = str(Decimal(value)) == value and not value.startswith(("+", "."))
            return match.group(0) if kept else f'"{value}"^^{datatype("decimal")}'.encode()
        kept = str(int(value)) == value
        return match.group(0) if kept else f'"{value}"^^{datatype("integer")}'.encode()

    text = _DOT_LOCAL.sub(full_iri, oxigraph_text)
    return _BARE_NUMBER.sub(number, text)


XSD = "http://www.w3.org/2001/XMLSchema#"
_DOT_LOCAL = re.compile(rb"(?<=[\s(])([A-Za-z][A-Za-z0-9_-]*|):((?:[^\s\\<>\"]|\\.)*\\\.)(?=[\s;,])")
# a bare integer or decimal in object position, as Oxigraph writes one: ``<p> 007 ;`` (none of the test
# texts holds a string with such a run inside it)
_BARE_NUMBER = re.compile(rb"(?<= )([+-]?[0-9]*\.?[0-9]+)(?= [;,.]\n| ,)")
