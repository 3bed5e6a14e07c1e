"""Compact terms and rdflib terms.

While the graph is built a literal is a plain tuple of strings: its canonical lexical form, its
datatype IRI ('' for none) and its language ('' for none); an IRI is a ``str``. rdflib terms are
made only when a caller asks for them.

>>> rdflib_literal("7", "http://www.w3.org/2001/XMLSchema#integer", "")
rdflib.term.Literal('7', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#integer'))
"""

from __future__ import annotations

from rdflib import Literal, URIRef


def rdflib_literal(lexical: str, datatype: str, language: str) -> Literal:
    """The rdflib Literal of a compact literal."""
    if language:
        return Literal(lexical, lang=language)
    if datatype:
        return Literal(lexical, datatype=URIRef(datatype))
    return Literal(lexical)
