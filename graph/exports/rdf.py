"""Standard RDF serialisations: Turtle and N-Triples streamed from the triple table, RDF/XML through
Oxigraph's serialiser, JSON-LD through rdflib.

Turtle and N-Triples are written as text straight from the compact triples, byte for byte as
Oxigraph's serialisers write them (the prefix header is Oxigraph's own; the tests compare the
two on tricky terms). Oxigraph cannot be given the triples faster: each would first have to
become a Python ``pyoxigraph.Triple``, which costs more than printing it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDF, XSD

from ..knowledge_graph import KnowledgeGraph
from ..triple_table import (
    APPROXIMATION,
    DERIVED_FROM,
    RDF_OBJECT,
    RDF_PREDICATE,
    RDF_SUBJECT,
    UNIT,
    Item,
)

OXIGRAPH_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "rdfxml": ox.RdfFormat.RDF_XML,
}

_XSD_STRING, _RDF_TYPE = str(XSD.string), str(RDF.type)
_INLINE = {  # Turtle's own number and boolean syntax, when the lexical form fits it
    str(XSD.boolean): re.compile(r"true|false"),
    str(XSD.integer): re.compile(r"[+-]?[0-9]+"),
    str(XSD.decimal): re.compile(r"[+-]?[0-9]*\.[0-9]+"),
    str(XSD.double): re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)[eE][+-]?[0-9]+"),
}
_NEEDS_ESCAPE = re.compile('[\x00-\x1f"\\\\\x7f\ufffe\uffff]')
_ESCAPES = {c: f"\\u{c:04X}" for c in [*range(0x20), 0x7F, 0xFFFE, 0xFFFF]} | {
    0x08: "\\b",
    0x09: "\\t",
    0x0A: "\\n",
    0x0C: "\\f",
    0x0D: "\\r",
    0x22: '\\"',
    0x5C: "\\\\",
}
_CHUNK_BLOCKS = 2048


def quoted(value: str) -> str:
    """A string literal's quoted form, escaped as Oxigraph escapes it.

    >>> print(quoted('say "hi"\\n'))
    "say \\"hi\\"\\n"
    """
    if _NEEDS_ESCAPE.search(value) is None:
        return f'"{value}"'
    return '"' + value.translate(_ESCAPES) + '"'


def nt_literal(value: str, datatype: str, language: str) -> str:
    """A literal in N-Triples syntax."""
    if language:
        return f"{quoted(value)}@{language.lower()}"
    if datatype and datatype != _XSD_STRING:
        return f"{quoted(value)}^^<{datatype}>"
    return quoted(value)


def ntriples_chunks(graph: KnowledgeGraph) -> Iterator[str]:
    """The graph as N-Triples, in sorted order, in pieces of a few thousand subjects."""
    predicates: dict[str, str] = {}
    out: list[str] = []
    blocks = 0
    o_, p_, s_, d_, a_, u_ = (
        f"<{p}>" for p in (RDF_OBJECT, RDF_PREDICATE, RDF_SUBJECT, DERIVED_FROM, APPROXIMATION, UNIT)
    )
    for subject, items, fact in graph.table.blocks():
        s = f"<{subject}>"
        if items is None:  # a statement node without qualifiers
            obj = (
                nt_literal(fact.object_value, fact.datatype_iri, fact.language)
                if fact.object_is_literal
                else f"<{fact.object_value}>"
            )
            text = (
                f"{s} {o_} {obj} .\n{s} {p_} <{fact.predicate_iri}> .\n"
                f"{s} {s_} <{fact.subject_iri}> .\n{s} {d_} <{fact.evidence_node}> .\n"
            )
            if fact.approximation_iri is not None:
                text += f"{s} {a_} <{fact.approximation_iri}> .\n"
            if fact.unit_iri is not None:
                text += f"{s} {u_} <{fact.unit_iri}> .\n"
            out.append(text)
        else:
            for predicate, is_literal, value, datatype, language in items:
                p = predicates.get(predicate)
                if p is None:
                    p = predicates[predicate] = f"<{predicate}>"
                obj = nt_literal(value, datatype, language) if is_literal else f"<{value}>"
                out.append(f"{s} {p} {obj} .\n")
        blocks += 1
        if blocks == _CHUNK_BLOCKS:
            yield "".join(out)
            out.clear()
            blocks = 0
    if out:
        yield "".join(out)


class TurtleTerms:
    """Turtle forms of terms, abbreviated with prefixes exactly as Oxigraph's Turtle serialiser does."""

    def __init__(self, prefixes: dict[str, str]):
        self.header = _turtle_header(prefixes)
        # Oxigraph tries the prefixes longest namespace first, in the order it prints them
        self.prefixes = re.findall(r"@prefix ([^:\s]*): <([^>]*)> \.\n", self.header)
        self._iris: dict[str, str] = {}

    def iri(self, iri: str) -> str:
        """``prefix:local`` where a prefix fits and the local name can be written, else ``<iri>``."""
        found = self._iris.get(iri)
        if found is None:
            found = self._iris[iri] = self._abbreviate(iri, self.prefixes)
        return found

    def predicate(self, iri: str) -> str:
        return "a" if iri == _RDF_TYPE else self.iri(iri)

    def abbreviator(self, namespace: str) -> Callable[[str], str]:
        """A fast ``iri`` for the many IRIs, each seen once, that start with ``namespace``."""
        if any(ns.startswith(namespace) and ns != namespace for _, ns in self.prefixes):
            return lambda iri: self._abbreviate(iri, self.prefixes)
        candidates = [(name, ns) for name, ns in self.prefixes if namespace.startswith(ns)]
        return lambda iri: self._abbreviate(iri, candidates)

    @staticmethod
    def _abbreviate(iri: str, prefixes: list[tuple[str, str]]) -> str:
        for name, namespace in prefixes:
            if iri.startswith(namespace):
                local = iri[len(namespace) :]
                if not local:
                    return f"{name}:"
                escaped = escape_local_name(local)
                if escaped is not None:
                    return f"{name}:{escaped}"
        return f"<{iri}>"

    def literal(self, value: str, datatype: str, language: str) -> str:
        if language:
            return f"{quoted(value)}@{language.lower()}"
        if not datatype or datatype == _XSD_STRING:
            return quoted(value)
        inline = _INLINE.get(datatype)
        if inline is not None and inline.fullmatch(value):
            return value
        return f"{quoted(value)}^^{self.iri(datatype)}"


def turtle_chunks(graph: KnowledgeGraph) -> Iterator[str]:
    """The graph as Turtle with the graph's prefixes, in sorted order, in pieces."""
    terms = TurtleTerms(_prefixes(graph))
    table = graph.table
    iri, predicate_of, literal = terms.iri, terms.predicate, terms.literal
    statement_subject = terms.abbreviator(table.statement_prefix)
    evidence_node = terms.abbreviator(f"{graph.base}evidence/")
    o_, p_, s_, d_, a_, u_ = map(
        predicate_of, (RDF_OBJECT, RDF_PREDICATE, RDF_SUBJECT, DERIVED_FROM, APPROXIMATION, UNIT)
    )
    out: list[str] = [terms.header] if len(table) else []
    blocks = 0
    for subject, items, fact in table.blocks():
        if items is None:  # a statement node without qualifiers
            obj = (
                literal(fact.object_value, fact.datatype_iri, fact.language)
                if fact.object_is_literal
                else iri(fact.object_value)
            )
            text = (
                f"{statement_subject(subject)} {o_} {obj} ;\n\t{p_} {iri(fact.predicate_iri)} ;\n"
                f"\t{s_} {iri(fact.subject_iri)} ;\n\t{d_} {evidence_node(fact.evidence_node)}"
            )
            if fact.approximation_iri is not None:
                text += f" ;\n\t{a_} {iri(fact.approximation_iri)}"
            if fact.unit_iri is not None:
                text += f" ;\n\t{u_} {iri(fact.unit_iri)}"
            out.append(text + " .\n")
        elif items:
            out.append(_turtle_block(iri(subject), items, predicate_of, iri, literal))
        blocks += 1
        if blocks == _CHUNK_BLOCKS:
            yield "".join(out)
            out.clear()
            blocks = 0
    if out:
        yield "".join(out)


def _turtle_block(subject: str, items: list[Item], predicate_of, iri, literal) -> str:
    parts = [subject]
    previous = None
    for predicate, is_literal, value, datatype, language in items:
        obj = literal(value, datatype, language) if is_literal else iri(value)
        if predicate == previous:
            parts.append(f" , {obj}")
        else:
            separator = " " if previous is None else " ;\n\t"
            parts.append(f"{separator}{predicate_of(predicate)} {obj}")
            previous = predicate
    parts.append(" .\n")
    return "".join(parts)


def _turtle_header(prefixes: dict[str, str]) -> str:
    """The ``@prefix`` lines exactly as Oxigraph writes them (it orders them by namespace length)."""
    probe = ox.Triple(
        ox.NamedNode("urn:x-probe:s"), ox.NamedNode("urn:x-probe:p"), ox.NamedNode("urn:x-probe:o")
    )
    text = ox.serialize([probe], format=ox.RdfFormat.TURTLE, prefixes=prefixes).decode()
    return text[: text.rstrip("\n").rfind("\n") + 1]


def escape_local_name(local: str) -> str | None:
    """The local part of a prefixed name as Oxigraph writes it, or None when it cannot be written."""
    if _SIMPLE_LOCAL.fullmatch(local):
        return local
    out = []
    last = len(local) - 1
    for index, char in enumerate(local):
        if index == 0:
            plain = _pn_chars_u(char) or char == ":" or "0" <= char <= "9"
        else:
            plain = _pn_chars(char) or char == ":" or (char == "." and index < last)
        if plain:
            out.append(char)
        elif char in _LOCAL_ESCAPABLE:
            out.append("\\" + char)
        else:
            return None
    return "".join(out)


_SIMPLE_LOCAL = re.compile(r"[A-Za-z0-9_:](?:[A-Za-z0-9_:.-]*[A-Za-z0-9_:-])?")
_LOCAL_ESCAPABLE = frozenset("_~.-!$&'()*+,;=/?#@%")
_PN_CHARS_BASE = (
    ("A", "Z"),
    ("a", "z"),
    ("\u00c0", "\u00d6"),
    ("\u00d8", "\u00f6"),
    ("\u00f8", "\u02ff"),
    ("\u0370", "\u037d"),
    ("\u037f", "\u1fff"),
    ("\u200c", "\u200d"),
    ("\u2070", "\u218f"),
    ("\u2c00", "\u2fef"),
    ("\u3001", "\ud7ff"),
    ("\uf900", "\ufdcf"),
    ("\ufdf0", "\ufffd"),
    ("\U00010000", "\U000effff"),
)


def _pn_chars_u(char: str) -> bool:
    return char == "_" or any(low <= char <= high for low, high in _PN_CHARS_BASE)


def _pn_chars(char: str) -> bool:
    return (
        _pn_chars_u(char)
        or char == "-"
        or "0" <= char <= "9"
        or char == "\u00b7"
        or "\u0300" <= char <= "\u036f"
        or "\u203f" <= char <= "\u2040"
    )


def _write_chunks(path: Path, chunks: Iterator[str]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as stream:
        for chunk in chunks:
            stream.write(chunk)


def serialize(graph: KnowledgeGraph, rdf_format: ox.RdfFormat) -> bytes:
    """The graph in ``rdf_format``; triples come in the graph's sorted order, so output is deterministic."""
    if rdf_format == ox.RdfFormat.N_TRIPLES:
        return "".join(ntriples_chunks(graph)).encode()
    if rdf_format == ox.RdfFormat.TURTLE:
        return "".join(turtle_chunks(graph)).encode()
    return ox.serialize(graph.oxigraph_triples, format=rdf_format, prefixes=_prefixes(graph))


def write_turtle(graph: KnowledgeGraph, path: Path) -> None:
    _write_chunks(path, turtle_chunks(graph))


def write_ntriples(graph: KnowledgeGraph, path: Path) -> None:
    _write_chunks(path, ntriples_chunks(graph))


def write_rdfxml(graph: KnowledgeGraph, path: Path) -> None:
    path.write_bytes(serialize(graph, ox.RdfFormat.RDF_XML))


def write_jsonld(graph: KnowledgeGraph, path: Path) -> None:
    """JSON-LD compacted with a context of the vocabulary's prefixes and the entity base."""
    context = {**_prefixes(graph), "@base": graph.base}
    text = graph.to_rdflib().serialize(
        format="json-ld", context=context, auto_compact=True, sort_keys=True, indent=1
    )
    document = _ordered(json.loads(text))
    path.write_text(
        json.dumps(document, ensure_ascii=False, sort_keys=True, indent=1) + "\n", encoding="utf-8"
    )


def _ordered(value):
    """rdflib emits nodes and values in set order; sort them so the same graph gives the same bytes."""
    if isinstance(value, dict):
        return {key: item if key == "@list" else _ordered(item) for key, item in value.items()}
    if isinstance(value, list):
        items = [_ordered(item) for item in value]
        return sorted(items, key=lambda item: json.dumps(item, ensure_ascii=False, sort_keys=True))
    return value


def _prefixes(graph: KnowledgeGraph) -> dict[str, str]:
    base = graph.base
    own = {
        "ent": f"{base}entity/",
        "stmt": f"{base}statement/",
        "ev": f"{base}evidence/",
        "src": f"{base}source/",
    }
    return {**own, **dict(sorted(graph.prefixes.items()))}
