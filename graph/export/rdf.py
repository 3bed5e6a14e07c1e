"""Standard RDF serialisations: Turtle, N-Triples and JSON-LD streamed from the triple table, RDF/XML
through Oxigraph's serialiser fed with our N-Triples text as it is parsed.

Turtle and N-Triples are written as text straight from the compact triples, byte for byte as
Oxigraph's serialisers write them (the prefix header is Oxigraph's own; the tests compare the
two on tricky terms and on the W3C test graphs), but for the Turtle forms rdflib would read back
as another literal or not at all: a local name ending in ``.`` is written as a full IRI, and an
integer or decimal that is not in the form rdflib keeps is written quoted with its datatype. Oxigraph cannot be given the triples faster: each would first have to
become a Python ``pyoxigraph.Triple``, which costs more than printing it.

Why Turtle is written here rather than by Oxigraph from the N-Triples text: Oxigraph gives the
same bytes (``pyoxigraph.serialize(pyoxigraph.parse(path="graph.nt"), format=TURTLE, ...)``,
streamed file to file), but more slowly. For the 1.0M triples of ``kg synth 200000``, built with
``kg build triples.csv --vocabulary vocabulary.ttl --format ntriples --format turtle``, the
Turtle step took 1.04 s of CPU here against 1.52 s through Oxigraph (median of 3; the whole
build 5.6 s against 6.4 s of CPU, the same peak memory, 258 MB): half as much again on a step
the build at scale must keep as fast as pyoxigraph's own writer.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

import pyoxigraph as ox
from rdflib import RDF, XSD

from graph.model.graph import KnowledgeGraph
from graph.model.namespaces import (
    APPROXIMATION,
    DERIVED_FROM,
    RDF_OBJECT,
    RDF_PREDICATE,
    RDF_SUBJECT,
    UNIT,
    graph_prefixes,
)
from graph.model.ntriples import CHUNK_BLOCKS, NEEDS_ESCAPE, ntriples_bytes, ntriples_chunks, quoted
from graph.model.table import Item
from graph.model.terms import rdflib_literal

_XSD_STRING, _RDF_TYPE = str(XSD.string), str(RDF.type)
_DECIMAL_SYNTAX = re.compile(r"-?(?:0|[1-9][0-9]*)\.[0-9]+").fullmatch


def _bare_decimal(value: str) -> bool:
    """Whether a decimal reads back as written from Turtle's bare syntax: rdflib reads it through
    Python's ``Decimal`` and keeps ``str()`` of that (``0.0000001`` came back as ``1E-7``)."""
    return _DECIMAL_SYNTAX(value) is not None and str(Decimal(value)) == value


# Turtle's own number and boolean syntax, for the lexical forms every reader keeps as written: Oxigraph
# and Jena keep any, rdflib reads a bare integer through int() (``+1`` and ``007`` came back as ``1``
# and ``7``) and a decimal through Decimal. Any other form is written quoted with its datatype.
_INLINE = {
    str(XSD.boolean): re.compile(r"true|false").fullmatch,
    str(XSD.integer): re.compile(r"0|-?[1-9][0-9]*").fullmatch,
    str(XSD.decimal): _bare_decimal,
    str(XSD.double): re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)[eE][+-]?[0-9]+").fullmatch,
}


class TurtleTerms:
    """Turtle forms of terms, abbreviated with prefixes exactly as Oxigraph's Turtle serialiser does."""

    def __init__(self, prefixes: dict[str, str]):
        self.header = _turtle_header(prefixes)
        # Oxigraph tries the prefixes longest namespace first, in the order it prints them
        self.prefixes = re.findall(r"@prefix ([^:\s]*): <([^>]*)> \.\n", self.header)
        self.cache: dict[str, str] = {}

    def iri(self, iri: str) -> str:
        """``prefix:local`` where a prefix fits and the local name can be written, else ``<iri>``."""
        found = self.cache.get(iri)
        if found is None:
            found = self.cache[iri] = self._abbreviate(iri, self.prefixes)
        return found

    def predicate(self, iri: str) -> str:
        return "a" if iri == _RDF_TYPE else self.iri(iri)

    def local_prefix(self, namespace: str) -> str | None:
        """``"name:"`` when every IRI in ``namespace`` whose local name is plain is written ``name:local``."""
        if any(ns.startswith(namespace) and ns != namespace for _, ns in self.prefixes):
            return None
        candidates = [(name, ns) for name, ns in self.prefixes if namespace.startswith(ns)]
        return candidates[0][0] + ":" if candidates and candidates[0][1] == namespace else None

    def abbreviator(self, namespace: str) -> Callable[[str], str]:
        """A fast ``iri`` for the many names in ``namespace``, each seen once: it takes the local name."""
        if any(ns.startswith(namespace) and ns != namespace for _, ns in self.prefixes):
            return lambda local: self._abbreviate(namespace + local, self.prefixes)
        candidates = [(name, ns) for name, ns in self.prefixes if namespace.startswith(ns)]
        if not candidates or candidates[0][1] != namespace:
            return lambda local: self._abbreviate(namespace + local, candidates)
        name, simple = candidates[0][0] + ":", _SIMPLE_LOCAL.fullmatch

        def abbreviate(local: str) -> str:
            if local and simple(local):
                return name + local
            return self._abbreviate(namespace + local, candidates)

        return abbreviate

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


def turtle_chunks(graph: KnowledgeGraph) -> Iterator[str]:
    """The graph as Turtle with the graph's prefixes, in sorted order, in pieces."""
    terms = TurtleTerms(graph_prefixes(graph.prefixes, graph.base))
    table = graph.table
    if not len(table):
        return
    yield terms.header
    subjects, others, extras, prefix = table.subjects, table.others, table.extras, table.statement_prefix
    cache, abbreviate = terms.cache, terms.iri
    needs_escape = NEEDS_ESCAPE.search
    predicates: dict[str, str] = {}
    datatypes: dict[str, tuple] = {}  # datatype -> (test for Turtle's own syntax or None, "^^dt")

    def predicate_of(predicate: str) -> str:
        found = predicates.get(predicate)
        if found is None:
            found = predicates[predicate] = terms.predicate(predicate)
        return found

    def literal(value: str, datatype: str, language: str) -> str:
        text = f'"{value}"' if needs_escape(value) is None else quoted(value)
        if language:
            return f"{text}@{language.lower()}"
        if not datatype or datatype == _XSD_STRING:
            return text
        info = datatypes.get(datatype)
        if info is None:
            inline = _INLINE.get(datatype)
            info = datatypes[datatype] = (inline, "^^" + abbreviate(datatype))
        if info[0] is not None and info[0](value):
            return value
        return text + info[1]

    def block(subject: str, items: list[Item]) -> str:
        parts = [cache.get(subject) or abbreviate(subject)]
        previous = None
        for predicate, is_literal, value, datatype, language in items:
            obj = (
                literal(value, datatype, language) if is_literal else (cache.get(value) or abbreviate(value))
            )
            if predicate == previous:
                parts.append(f" , {obj}")
            else:
                separator = " " if previous is None else " ;\n\t"
                parts.append(f"{separator}{predicates.get(predicate) or predicate_of(predicate)} {obj}")
                previous = predicate
        parts.append(" .\n")
        return "".join(parts)

    def fact_block(subject: str, facts: list) -> str:
        parts = [cache.get(subject) or abbreviate(subject)]
        previous = None
        for f in facts:
            value, predicate = f.object_value, f.predicate_iri
            if f.object_is_literal:
                obj = literal(value, f.datatype_iri, f.language)
            else:
                obj = cache.get(value) or abbreviate(value)
            if predicate == previous:
                parts.append(f" , {obj}")
            else:
                separator = " " if previous is None else " ;\n\t"
                parts.append(f"{separator}{predicates.get(predicate) or predicate_of(predicate)} {obj}")
                previous = predicate
        parts.append(" .\n")
        return "".join(parts)

    statement_subject = terms.abbreviator(prefix)
    # statement keys are entity-key-like ids or hex digests: plain local names, no check needed
    short = terms.local_prefix(prefix)
    o_, p_, s_, d_, a_, u_ = map(
        predicate_of, (RDF_OBJECT, RDF_PREDICATE, RDF_SUBJECT, DERIVED_FROM, APPROXIMATION, UNIT)
    )
    out: list[str] = []
    append = out.append
    for kind, run in table.segments():
        for start in range(0, len(run), CHUNK_BLOCKS):
            if kind == "subjects":
                for subject in run[start : start + CHUNK_BLOCKS]:
                    facts = subjects.get(subject)
                    if facts is None or subject in others:
                        append(block(subject, table.items(subject)))
                    else:
                        append(fact_block(subject, facts))
            elif kind == "statements":
                for f in run[start : start + CHUNK_BLOCKS]:
                    key = f.statement_key
                    if key in extras:
                        append(block(prefix + key, table.statement_node_items(f)))
                        continue
                    v = f.object_value
                    if f.object_is_literal:
                        obj = literal(v, f.datatype_iri, f.language)
                    else:
                        obj = cache.get(v) or abbreviate(v)
                    p, s, e = f.predicate_iri, f.subject_iri, f.evidence_node
                    text = (
                        f"{short + key if short else statement_subject(key)} {o_} {obj} ;\n"
                        f"\t{p_} {cache.get(p) or abbreviate(p)} ;\n"
                        f"\t{s_} {cache.get(s) or abbreviate(s)} ;\n\t{d_} {cache.get(e) or abbreviate(e)}"
                    )
                    if f.approximation_iri is not None:
                        text += (
                            f" ;\n\t{a_} {cache.get(f.approximation_iri) or abbreviate(f.approximation_iri)}"
                        )
                    if f.unit_iri is not None:
                        text += f" ;\n\t{u_} {cache.get(f.unit_iri) or abbreviate(f.unit_iri)}"
                    append(text + " .\n")
            else:
                for subject, items in run[start : start + CHUNK_BLOCKS]:
                    append(block(subject, items))
            yield "".join(out)
            out.clear()


def _turtle_header(prefixes: dict[str, str]) -> str:
    """The ``@prefix`` lines exactly as Oxigraph writes them (it orders them by namespace length)."""
    probe = ox.Triple(
        ox.NamedNode("urn:x-probe:s"), ox.NamedNode("urn:x-probe:p"), ox.NamedNode("urn:x-probe:o")
    )
    text = ox.serialize([probe], format=ox.RdfFormat.TURTLE, prefixes=prefixes).decode()
    return text[: text.rstrip("\n").rfind("\n") + 1]


def escape_local_name(local: str) -> str | None:
    """The local part of a prefixed name as Oxigraph writes it, or None when it cannot be written.

    A local name ending in '.' is valid Turtle only as ``\\.``, which rdflib cannot read: such an
    IRI is written in full.
    """
    if _SIMPLE_LOCAL.fullmatch(local):
        return local
    if local.endswith("."):
        return None
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
        return "".join(ntriples_chunks(graph.table)).encode()
    if rdf_format == ox.RdfFormat.TURTLE:
        return "".join(turtle_chunks(graph)).encode()
    stream = io.BytesIO()
    _serialize_streamed(graph, rdf_format, stream)
    return stream.getvalue()


def _serialize_streamed(graph: KnowledgeGraph, rdf_format: ox.RdfFormat, output) -> None:
    """Oxigraph's serialiser fed from our N-Triples text as Oxigraph parses it, a piece at a time:
    no list of millions of ``pyoxigraph.Triple`` is ever held (the 1M-row graph's took gigabytes)."""
    triples = ox.parse(_TextReader(ntriples_chunks(graph.table)), format=ox.RdfFormat.N_TRIPLES)
    prefixes = graph_prefixes(graph.prefixes, graph.base)
    if rdf_format == ox.RdfFormat.RDF_XML:
        # a raw carriage return reads back as a line feed in XML; only a literal can hold one
        output = _Replacing(output, b"\r", b"&#13;")
    ox.serialize(triples, output, format=rdf_format, prefixes=prefixes)


class _TextReader(io.RawIOBase):
    """A binary file reading text pieces as UTF-8, for Oxigraph's streaming parser."""

    def __init__(self, chunks: Iterator[str]):
        self.chunks = chunks
        self.pending = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while not self.pending:
            chunk = next(self.chunks, None)
            if chunk is None:
                return 0
            self.pending = memoryview(chunk.encode())
        size = min(len(buffer), len(self.pending))
        buffer[:size] = self.pending[:size]
        self.pending = self.pending[size:]
        return size


class _Replacing:
    """A binary output that replaces one byte by a string on the way (a byte is never split across writes)."""

    def __init__(self, output, old: bytes, new: bytes):
        self.output, self.old, self.new = output, old, new

    def write(self, data) -> int:
        self.output.write(bytes(data).replace(self.old, self.new))
        return len(data)

    def flush(self) -> None:
        pass


def write_turtle(graph: KnowledgeGraph, path: Path) -> None:
    _write_chunks(path, turtle_chunks(graph))


def write_ntriples(graph: KnowledgeGraph, path: Path) -> None:
    with open(path, "wb") as stream:
        for piece in ntriples_bytes(graph.table):
            stream.write(piece)


def write_rdfxml(graph: KnowledgeGraph, path: Path) -> None:
    """RDF/XML by Oxigraph's serialiser, streamed (see :func:`_serialize_streamed`)."""
    with open(path, "wb") as stream:
        _serialize_streamed(graph, ox.RdfFormat.RDF_XML, stream)


def write_jsonld(graph: KnowledgeGraph, path: Path) -> None:
    """JSON-LD compacted with a context of the vocabulary's prefixes and the entity base (streamed)."""
    _write_chunks(path, jsonld_chunks(graph))


def jsonld_document(graph: KnowledgeGraph) -> dict:
    """The JSON-LD document :func:`write_jsonld` writes, read back as Python data."""
    return json.loads("".join(jsonld_chunks(graph)))


def jsonld_chunks(graph: KnowledgeGraph) -> Iterator[str]:
    """The JSON-LD text, in pieces: rdflib's compaction (``auto_compact`` with our context), lists
    sorted, printed as ``json.dumps(..., ensure_ascii=False, sort_keys=True, indent=1)`` prints it.

    rdflib's serialiser is the reference, and slow (half a second for the article's 6k triples,
    a minute and a gigabyte for 1M): for a graph like ours (a context of prefixes only, no blank
    nodes, no RDF lists) its rules are few, and the text is printed from the table by the same
    rules, one node at a time, in the order of the sorted document. Anything else goes to rdflib.
    """
    context = {**graph_prefixes(graph.prefixes, graph.base), "@base": graph.base}
    plan = _compact_jsonld(graph, context)
    if plan is None:
        text = graph.to_rdflib().serialize(
            format="json-ld", context=context, auto_compact=True, sort_keys=True, indent=1
        )
        yield json.dumps(_ordered(json.loads(text)), ensure_ascii=False, sort_keys=True, indent=1) + "\n"
        return
    yield from plan.chunks()


class _JsonLdPlan:
    """The nodes of the compacted document, in document order, to print one at a time."""

    def __init__(self, graph: KnowledgeGraph, context: dict[str, str], prefixes: dict[str, str]):
        self.table = graph.table
        self.context = context
        domain = "{}://{}".format(*urlsplit(context["@base"])[:2])
        symbols: dict[str, str] = {}
        objects: dict[str, str] = {}

        def symbol(iri: str) -> str:  # rdflib's Context.to_symbol, where it reads back as the same IRI
            found = symbols.get(iri)
            if found is None:
                ns, name = _split_iri(iri)
                prefix = prefixes.get(ns)
                found = f"{prefix}:{name}" if prefix and _SAFE_SUFFIX.fullmatch(name) else iri
                symbols[iri] = found = _encode(found)
            return found

        def shrink(iri: str) -> str:  # rdflib's Context.shrink_iri, where it reads back as the same IRI
            ns, name = _split_iri(iri)
            prefix = prefixes.get(ns)
            if prefix and _SAFE_SUFFIX.fullmatch(name):
                return f"{prefix}:{name}"
            relative = iri[len(domain) :]
            if iri.startswith(domain + "/") and _SAFE_PATH.fullmatch(relative):
                return relative
            return iri

        def link(iri: str) -> tuple[str]:  # the object {"@id": ...} of a link, as its one member
            found = objects.get(iri)
            if found is None:
                found = objects[iri] = (f'"@id": {_encode(shrink(iri))}',)
            return found

        self.symbol, self.shrink, self.link = symbol, shrink, link

    def node_ids(self) -> tuple[list[str], list]:
        """Each subject's ``@id`` (as JSON text) and what gives its items, in table order."""
        table, shrink = self.table, self.shrink
        ids: list[str] = []
        sources: list = []
        prefix = table.statement_prefix
        short = shrink(prefix + "a")
        short = short[:-1] if short.endswith("a") else None
        simple = _SIMPLE_KEY.fullmatch
        for kind, run in table.segments():
            if kind == "statements":
                for fact in run:
                    key = fact.statement_key
                    ids.append(short + key if short is not None and simple(key) else shrink(prefix + key))
                sources += run
            elif kind == "subjects":
                ids += map(shrink, run)
                sources += run
            else:
                ids += (shrink(subject) for subject, _ in run)
                sources += run
        return list(map(_encode, ids)), sources

    def order(self) -> bool:
        """Sort the nodes as the document lists them (by their JSON text, which starts with the
        ``@id``); False when two subjects shrink alike (rdflib merges them: left to rdflib)."""
        self.ids, self.sources = ids, _ = self.node_ids()
        self.sorted = order = sorted(range(len(ids)), key=ids.__getitem__)
        return all(ids[a] != ids[b] for a, b in zip(order, order[1:], strict=False))

    def chunks(self) -> Iterator[str]:
        """The document's text, a few thousand nodes a piece."""
        ids, sources, order = self.ids, self.sources, self.sorted
        context = json.dumps({"@context": self.context}, ensure_ascii=False, sort_keys=True, indent=1)
        if len(order) == 1:
            head = context[: -len("\n}")] + ","
            yield head + self.node(ids[0], self.items(sources[0]), 0, first=False)[1:] + "\n"
            return
        out = [context[: -len("\n}")] + ',\n "@graph": [']
        separator = "\n  "
        for count, i in enumerate(order, 1):
            out.append(separator + self.node(ids[i], self.items(sources[i]), 2))
            separator = ",\n  "
            if count % CHUNK_BLOCKS == 0:
                yield "".join(out)
                out.clear()
        out.append("\n ]\n}\n")
        yield "".join(out)

    def items(self, source) -> list[Item]:
        if isinstance(source, str):
            return self.table.items(source)
        if isinstance(source, tuple):
            return source[1]
        return self.table.statement_node_items(source)

    def node(self, node_id: str, items: list[Item], level: int, first: bool = True) -> str:
        """One node object printed at ``level`` (its keys one deeper); ``first=False`` leaves out the
        opening brace (the single node of a document shares it with ``@context``)."""
        symbol, link = self.symbol, self.link
        entries: dict[str, list] = {}
        for predicate, is_literal, value, datatype, language in items:
            if predicate == _RDF_TYPE and not is_literal:
                key, entry = '"@type"', symbol(value)
            else:
                key = symbol(predicate)
                if not is_literal:
                    entry = link(value)
                elif datatype == _XSD_STRING:
                    entry = _encode(value)
                elif datatype == _XSD_INTEGER and _native_round_trips(value, datatype):
                    entry = value  # canonical: the JSON number prints as the lexical form
                elif datatype == _XSD_BOOLEAN:  # the Python value rdflib makes of it
                    entry = json.dumps(rdflib_literal(value, datatype, "").toPython(), ensure_ascii=False)
                elif datatype:
                    entry = (f'"@type": {symbol(datatype)}', f'"@value": {_encode(value)}')
                elif language:
                    entry = (f'"@language": {_encode(language)}', f'"@value": {_encode(value)}')
                else:
                    entry = _encode(value)
            found = entries.get(key)
            if found is None:
                entries[key] = [entry]
            else:
                found.append(entry)
        # an entry is JSON text (a string, number or boolean) or an object's "key": value members
        inner = _SEPARATOR[level]
        parts = ["{" if first else "", inner[1:], '"@id": ', node_id]
        one_open, one_separator, one_close = _OPEN[level + 1], _SEPARATOR[level + 1], _CLOSE[level + 1]
        for key in sorted(entries):
            values = entries[key]
            if len(values) == 1:
                value = values[0]
                if value.__class__ is not str:
                    value = one_open + one_separator.join(value) + one_close
                parts.append(f"{inner}{key}: {value}")
            else:
                deeper = _SEPARATOR[level + 1]
                two_open, two_separator, two_close = (
                    _OPEN[level + 2],
                    _SEPARATOR[level + 2],
                    _CLOSE[level + 2],
                )
                texts = sorted(
                    (value, value) if value.__class__ is str else ("{" + ", ".join(value) + "}", value)
                    for value in values
                )
                parts.append(f"{inner}{key}: [{deeper[1:]}")
                parts.append(
                    deeper.join(
                        value if value.__class__ is str else two_open + two_separator.join(value) + two_close
                        for _, value in texts
                    )
                )
                parts.append(_CLOSE[level + 1][:-1] + "]")
        parts.append(_CLOSE[level])
        return "".join(parts)


_encode = json.encoder.encode_basestring  # ensure_ascii=False: what json.dumps prints for a str
# json.dumps(indent=1) at each depth: what opens an object, separates its members, closes it
_SEPARATOR = [",\n" + " " * (level + 1) for level in range(8)]
_OPEN = ["{\n" + " " * (level + 1) for level in range(8)]
_CLOSE = ["\n" + " " * level + "}" for level in range(8)]
_SIMPLE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def _compact_jsonld(graph: KnowledgeGraph, context: dict[str, str]) -> _JsonLdPlan | None:
    """How to print rdflib's ``from_rdf`` with an active context of prefixes, or None where its other
    rules apply (RDF lists, a term that is itself a namespace, two subjects that shrink alike)."""
    prefixes = {
        ns: name for name, ns in context.items() if not name.startswith("@") and ns.endswith(_GEN_DELIMS)
    }
    if not graph.table.by_predicate or _has_special_symbols(graph, prefixes):
        return None  # RDF lists, a term that is itself a namespace, a table not from the builder
    plan = _JsonLdPlan(graph, context, prefixes)
    return plan if plan.order() else None


def _has_special_symbols(graph: KnowledgeGraph, prefixes: dict[str, str]) -> bool:
    """Whether a predicate, class or datatype IRI of the graph (what rdflib compacts by its term rules)
    is itself a namespace of the context, or RDF lists are about (rdf:first, rdf:rest, or rdf:nil as
    an object: an empty RDF list to rdflib)."""
    table = graph.table
    found = set(table.by_predicate) | {p for items in table.extras.values() for p, *_ in items}
    for items in table.others.values():
        for p, is_literal, value, datatype, _ in items:
            found.add(p)
            if is_literal:
                found.add(datatype)
            elif p == _RDF_TYPE or value == _RDF_NIL:
                found.add(value)
    for facts in table.by_predicate.values():
        for f in facts:
            if f.object_is_literal:
                found.add(f.datatype_iri)
            elif f.predicate_iri == _RDF_TYPE or f.object_value == _RDF_NIL:
                found.add(f.object_value)
    return bool(_RDF_FIRST_REST_NIL & found) or any(iri in prefixes for iri in found)


def _split_iri(iri: str) -> tuple[str, str]:
    """rdflib's jsonld ``split_iri``: at the last '#', else the last '/', else the last ':'."""
    for delimiter in "#/:":
        at = iri.rfind(delimiter)
        if at > -1:
            return iri[: at + 1], iri[at + 1 :]
    return iri, ""


def _native_round_trips(value: str, datatype: str) -> bool:
    """Whether a JSON-LD reader takes a native JSON value back as this very literal.

    A reader makes xsd:integer of a JSON number without fraction or exponent below 10^21 and
    xsd:double (in its own canonical form) of any other, and many JSON parsers hold numbers as
    doubles: so doubles and integers beyond 2^53 stay typed ``{"@value": ..., "@type": ...}``
    objects (JSON has no INF or NaN at all).
    """
    if datatype == _XSD_INTEGER:
        return _CANONICAL_INTEGER.fullmatch(value) is not None and abs(int(value)) < 2**53
    return datatype != _XSD_DOUBLE


_XSD_INTEGER = str(XSD.integer)
_XSD_DOUBLE = str(XSD.double)
_XSD_BOOLEAN = str(XSD.boolean)
_CANONICAL_INTEGER = re.compile(r"-?[1-9][0-9]*|0")
# What may follow a prefix or the base's domain so that every JSON-LD reader resolves it to the same
# IRI: no '//' (read as an authority), no '.' or '..' segments (removed on resolution); after a
# prefix no '?' or '#' either.
_SEGMENT = r"(?!\.\.?(?:/|$))[^/?#]"  # a path segment that is not '.' or '..'
_SAFE_SUFFIX = re.compile(rf"(?!/)(?:{_SEGMENT}*)(?:/{_SEGMENT}+)*")
_SAFE_PATH = re.compile(rf"(?:(?:/{_SEGMENT}+)+/?|/)(?:[?#].*)?", re.DOTALL)  # a query or fragment is kept
_GEN_DELIMS = (":", "/", "?", "#", "[", "]", "@")
_NATIVE = {str(XSD.boolean), str(XSD.integer), str(XSD.double), str(XSD.string)}
_RDF_NIL = str(RDF.nil)
_RDF_FIRST_REST_NIL = {str(RDF.first), str(RDF.rest), _RDF_NIL}


def _ordered(value):
    """rdflib emits nodes and values in set order; sort them so the same graph gives the same bytes."""
    if isinstance(value, dict):
        return {key: item if key == "@list" else _ordered(item) for key, item in value.items()}
    if isinstance(value, list):
        items = [_ordered(item) for item in value]
        return sorted(items, key=lambda item: json.dumps(item, ensure_ascii=False, sort_keys=True))
    return value
