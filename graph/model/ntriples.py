"""The one N-Triples writer: the graph's bridge to Oxigraph (store, RDF/XML, SHACL-SPARQL) and the
``graph.nt`` export.

N-Triples is written as text straight from the compact triples, byte for byte as Oxigraph's
serialiser writes it (the tests compare the two on tricky terms). Oxigraph cannot be given the
triples faster: each would first have to become a Python ``pyoxigraph.Triple``, which costs more
than printing it (1.4 s for 503k triples here, against several seconds to make the terms).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from graph.model.namespaces import (
    APPROXIMATION,
    DERIVED_FROM,
    RDF_OBJECT,
    RDF_PREDICATE,
    RDF_SUBJECT,
    UNIT,
    XSD_STRING,
)
from graph.model.table import Item, TripleTable

NEEDS_ESCAPE = re.compile('[\x00-\x1f"\\\\\x7f\ufffe\uffff]')
ESCAPES = {c: f"\\u{c:04X}" for c in [*range(0x20), 0x7F, 0xFFFE, 0xFFFF]} | {
    0x08: "\\b",
    0x09: "\\t",
    0x0A: "\\n",
    0x0C: "\\f",
    0x0D: "\\r",
    0x22: '\\"',
    0x5C: "\\\\",
}
CHUNK_BLOCKS = 2048  # subjects per chunk: pieces of a few hundred kilobytes

#: a term as plain strings: an IRI, a blank node ``_:id``, or a literal (lexical form, datatype, language)
Term = str | tuple[str, str, str]


def quoted(value: str) -> str:
    """A string literal's quoted form, escaped as Oxigraph escapes it.

    >>> print(quoted('say "hi"\\n'))
    "say \\"hi\\"\\n"
    """
    if NEEDS_ESCAPE.search(value) is None:
        return f'"{value}"'
    return '"' + value.translate(ESCAPES) + '"'


def nt_literal(value: str, datatype: str, language: str) -> str:
    """A literal in N-Triples syntax."""
    if language:
        return f"{quoted(value)}@{language.lower()}"
    if datatype and datatype != XSD_STRING:
        return f"{quoted(value)}^^<{datatype}>"
    return quoted(value)


def nt_term(term: Term) -> str:
    """A term in N-Triples syntax.

    >>> nt_term("urn:x:a"), nt_term("_:b1"), nt_term(("7", "http://www.w3.org/2001/XMLSchema#integer", ""))
    ('<urn:x:a>', '_:b1', '"7"^^<http://www.w3.org/2001/XMLSchema#integer>')
    """
    if isinstance(term, tuple):
        return nt_literal(*term)
    return term if term.startswith("_:") else f"<{term}>"


def ntriples_lines(triples: Iterable[tuple[str, str, Term]]) -> Iterator[str]:
    """N-Triples lines of any ``(subject, predicate, object)`` triples of plain-string terms.

    >>> "".join(ntriples_lines([("urn:x:s", "urn:x:p", ("hi", "", "EN"))]))
    '<urn:x:s> <urn:x:p> "hi"@en .\\n'
    """
    for subject, predicate, obj in triples:
        yield f"{nt_term(subject)} <{predicate}> {nt_term(obj)} .\n"


def ntriples_chunks(table: TripleTable) -> Iterator[str]:
    """The table's triples as N-Triples, in sorted order, in pieces of a few thousand subjects."""
    join = "".join
    for texts in _texts(table):
        yield join(texts)


def ntriples_bytes(table: TripleTable) -> Iterator[bytes]:
    """The pieces of :func:`ntriples_chunks` in UTF-8, for a file.

    Each line is encoded on its own: one non-ASCII character in a piece would otherwise make the
    whole joined piece a wide string, costlier to join and to encode (at 200k rows, 1.0M triples
    of which a few carry Chinese labels: 0.31 s joining then encoding, 0.24 s encoding first).
    """
    join, encode = b"".join, str.encode
    for texts in _texts(table):
        yield join(map(encode, texts))


def _texts(table: TripleTable) -> Iterator[list[str]]:
    """The N-Triples text of a few thousand subjects at a time, as a list of strings that the caller
    must have used before it asks for the next (the list is reused)."""
    subjects, others, extras = table.subjects, table.others, table.extras
    needs_escape = NEEDS_ESCAPE.search
    o_, p_, s_, d_, a_, u_ = (
        f"<{p}>" for p in (RDF_OBJECT, RDF_PREDICATE, RDF_SUBJECT, DERIVED_FROM, APPROXIMATION, UNIT)
    )
    prefix = table.statement_prefix

    def items_text(s: str, items: list[Item]) -> str:
        return "".join(
            f"{s}<{p}> {nt_literal(v, dt, lang) if is_literal else f'<{v}>'} .\n"
            for p, is_literal, v, dt, lang in items
        )

    out: list[str] = []
    append = out.append
    for kind, run in table.segments():
        for start in range(0, len(run), CHUNK_BLOCKS):
            if kind == "subjects":
                for subject in run[start : start + CHUNK_BLOCKS]:
                    s = f"<{subject}> "
                    facts = subjects.get(subject)
                    if facts is None or subject in others:
                        append(items_text(s, table.items(subject)))
                        continue
                    for f in facts:
                        v = f.object_value
                        if not f.object_is_literal:
                            append(f"{s}<{f.predicate_iri}> <{v}> .\n")
                            continue
                        q = f'"{v}"' if needs_escape(v) is None else quoted(v)
                        if f.language:
                            append(f"{s}<{f.predicate_iri}> {q}@{f.language} .\n")
                        elif f.datatype_iri and f.datatype_iri != XSD_STRING:
                            append(f"{s}<{f.predicate_iri}> {q}^^<{f.datatype_iri}> .\n")
                        else:
                            append(f"{s}<{f.predicate_iri}> {q} .\n")
            elif kind == "statements":
                for f in run[start : start + CHUNK_BLOCKS]:
                    key = f.statement_key
                    s = f"<{prefix}{key}> "
                    if key in extras:
                        append(items_text(s, table.statement_node_items(f)))
                        continue
                    v = f.object_value
                    if not f.object_is_literal:
                        obj = f"<{v}>"
                    else:
                        q = f'"{v}"' if needs_escape(v) is None else quoted(v)
                        if f.language:
                            obj = f"{q}@{f.language}"
                        elif f.datatype_iri and f.datatype_iri != XSD_STRING:
                            obj = f"{q}^^<{f.datatype_iri}>"
                        else:
                            obj = q
                    text = (
                        f"{s}{o_} {obj} .\n{s}{p_} <{f.predicate_iri}> .\n"
                        f"{s}{s_} <{f.subject_iri}> .\n{s}{d_} <{f.evidence_node}> .\n"
                    )
                    if f.approximation_iri is not None:
                        text += f"{s}{a_} <{f.approximation_iri}> .\n"
                    if f.unit_iri is not None:
                        text += f"{s}{u_} <{f.unit_iri}> .\n"
                    append(text)
            else:
                for subject, items in run[start : start + CHUNK_BLOCKS]:
                    append(items_text(f"<{subject}> ", items))
            yield out
            out.clear()
