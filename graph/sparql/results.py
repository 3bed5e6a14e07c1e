"""Query results: what a SPARQL query answered, as rdflib terms, a DataFrame, a table, or bytes in a standard format.

Serialisation goes through Oxigraph's writers (SPARQL 1.1 Query Results JSON, XML, CSV, TSV for
SELECT and ASK; any RDF format for CONSTRUCT and DESCRIBE), so every output is what other SPARQL
tools read.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import mimeparse
import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

if TYPE_CHECKING:
    import pandas
    from rich.table import Table

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"

#: Formats for SELECT and ASK answers, by the name ``--format`` takes.
RESULT_FORMATS: dict[str, ox.QueryResultsFormat] = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}

#: Formats for CONSTRUCT and DESCRIBE answers (and graph downloads), by the name ``--format`` takes.
GRAPH_FORMATS: dict[str, ox.RdfFormat] = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "rdfxml": ox.RdfFormat.RDF_XML,
    "jsonld": ox.RdfFormat.JSON_LD,
    "n3": ox.RdfFormat.N3,
}

# Content negotiation, least wanted first (mimeparse lets the last of equally good matches win).
_RESULT_MEDIA_TYPES = [
    ("text/tab-separated-values", "tsv"),
    ("text/csv", "csv"),
    ("application/xml", "xml"),
    ("application/sparql-results+xml", "xml"),
    ("application/json", "json"),
    ("application/sparql-results+json", "json"),
]
_GRAPH_MEDIA_TYPES = [
    ("text/n3", "n3"),
    ("application/json", "jsonld"),
    ("application/ld+json", "jsonld"),
    ("application/rdf+xml", "rdfxml"),
    ("application/n-triples", "ntriples"),
    ("text/plain", "ntriples"),
    ("text/turtle", "turtle"),
]
_DATASET_MEDIA_TYPES = [
    ("application/n-quads", "nquads"),
    ("application/trig", "trig"),
]


class NotAcceptable(ValueError):
    """No format the client accepts can carry this answer (HTTP 406)."""


@dataclass
class QueryResult:
    """The answer to one query: solutions (SELECT), a boolean (ASK) or triples (CONSTRUCT, DESCRIBE).

    Terms are kept as Oxigraph terms, so serialising loses nothing; ``rows`` and ``triples_rdflib``
    give them as rdflib terms.

    >>> store = ox.Store()
    >>> store.add(ox.Quad(ox.NamedNode("http://e/a"), ox.NamedNode("http://e/p"), ox.Literal("1")))
    >>> result = from_oxigraph(store.query("SELECT ?s ?o WHERE { ?s ?p ?o }"))
    >>> result.variables, result.rows
    (['s', 'o'], [(rdflib.term.URIRef('http://e/a'), rdflib.term.Literal('1'))])
    """

    variables: list[str] | None = None
    solutions: list[tuple[Any, ...]] | None = None
    boolean: bool | None = None
    triples: list[ox.Triple] | None = None
    truncated: bool = False
    #: Prefixes to use when writing Turtle-like formats and tables.
    prefixes: dict[str, str] = field(default_factory=dict)

    @property
    def form(self) -> str:
        """``'select'``, ``'ask'`` or ``'graph'`` (CONSTRUCT and DESCRIBE)."""
        if self.boolean is not None:
            return "ask"
        return "graph" if self.triples is not None else "select"

    def __len__(self) -> int:
        if self.form == "ask":
            return 1
        return len(self.triples if self.triples is not None else self.solutions or [])

    @property
    def rows(self) -> list[tuple[Node | None, ...]]:
        """SELECT solutions as tuples of rdflib terms in the order of ``variables`` (``None`` when unbound)."""
        return [tuple(to_rdflib(term) for term in solution) for solution in self.solutions or []]

    @property
    def triples_rdflib(self) -> list[tuple[Node, Node, Node]]:
        """CONSTRUCT or DESCRIBE triples as rdflib terms."""
        return [
            (to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)) for t in self.triples or []
        ]

    def to_dataframe(self, native: bool = False) -> pandas.DataFrame:
        """A pandas DataFrame: one column per variable (or subject, predicate, object for triples).

        Cells are rdflib terms; with ``native=True`` literals become Python values and IRIs strings.
        Needs the optional extra: ``pip install 'ningbo-kg[pandas]'``.
        """
        try:
            import pandas
        except ImportError:
            raise ImportError(
                "to_dataframe needs pandas: install it with pip install 'ningbo-kg[pandas]'"
            ) from None
        if self.form == "ask":
            return pandas.DataFrame({"boolean": [self.boolean]})
        if self.form == "graph":
            columns, rows = ["subject", "predicate", "object"], self.triples_rdflib
        else:
            columns, rows = list(self.variables or []), self.rows
        if native:
            rows = [tuple(_native(term) for term in row) for row in rows]
        return pandas.DataFrame(rows, columns=columns)

    def serialize(self, format: str) -> bytes:
        """The answer in a format of ``RESULT_FORMATS`` (SELECT, ASK) or ``GRAPH_FORMATS`` (CONSTRUCT, DESCRIBE)."""
        if self.form == "graph":
            if format not in GRAPH_FORMATS:
                raise ValueError(f"a {self.form} answer is written as one of {', '.join(GRAPH_FORMATS)}")
            rdf_format = GRAPH_FORMATS[format]
            plain = rdf_format in (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS)
            prefixes = None if plain else used_prefixes(self.prefixes, self.triples or [])
            return ox.serialize(self.triples, format=rdf_format, prefixes=prefixes or None)
        if format not in RESULT_FORMATS:
            raise ValueError(f"a {self.form.upper()} answer is written as one of {', '.join(RESULT_FORMATS)}")
        return self._oxigraph_results().serialize(format=RESULT_FORMATS[format])

    def _oxigraph_results(self) -> ox.QuerySolutions | ox.QueryBoolean:
        """Oxigraph results to serialise: its writers take only its own result objects, so go through JSON."""
        if self.form == "ask":
            document: dict[str, Any] = {"head": {}, "boolean": self.boolean}
        else:
            variables = self.variables or []
            bindings = [
                {
                    name: json_term(term)
                    for name, term in zip(variables, solution, strict=True)
                    if term is not None
                }
                for solution in self.solutions or []
            ]
            document = {"head": {"vars": variables}, "results": {"bindings": bindings}}
        return ox.parse_query_results(json.dumps(document), format=ox.QueryResultsFormat.JSON)

    def to_table(self) -> Table:
        """A rich Table for the terminal; IRIs are shortened with ``prefixes``."""
        from rich.table import Table

        table = Table(show_lines=False)
        if self.form == "ask":
            table.add_column("boolean")
            table.add_row("true" if self.boolean else "false")
            return table
        if self.form == "graph":
            columns, rows = ["subject", "predicate", "object"], [tuple(t) for t in self.triples or []]
        else:
            columns, rows = list(self.variables or []), self.solutions or []
        for column in columns:
            table.add_column(column, overflow="fold")
        for row in rows:
            table.add_row(*(display(term, self.prefixes) for term in row))
        return table


def from_oxigraph(
    answer: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples,
    max_rows: int | None = None,
    prefixes: dict[str, str] | None = None,
) -> QueryResult:
    """Collect an Oxigraph answer; with ``max_rows`` keep at most that many rows and mark it ``truncated``."""
    prefixes = dict(prefixes or {})
    if isinstance(answer, ox.QueryBoolean):
        return QueryResult(boolean=bool(answer), prefixes=prefixes)
    items, truncated = [], False
    for item in answer:
        if max_rows is not None and len(items) >= max_rows:
            truncated = True
            break
        items.append(item if isinstance(answer, ox.QueryTriples) else tuple(item))
    if isinstance(answer, ox.QueryTriples):
        return QueryResult(triples=items, truncated=truncated, prefixes=prefixes)
    variables = [variable.value for variable in answer.variables]
    return QueryResult(variables=variables, solutions=items, truncated=truncated, prefixes=prefixes)


def parse_results(data: bytes, media_type: str, prefixes: dict[str, str] | None = None) -> QueryResult:
    """Read an answer received over HTTP: SPARQL results (JSON, XML, TSV) or an RDF graph."""
    essence = media_type.split(";")[0].strip().lower()
    results_format = ox.QueryResultsFormat.from_media_type(essence)
    if essence == "application/json":
        results_format = ox.QueryResultsFormat.JSON
    if results_format == ox.QueryResultsFormat.JSON:
        data = standard_json(data)
    if results_format is not None and results_format != ox.QueryResultsFormat.CSV:
        return from_oxigraph(ox.parse_query_results(data, format=results_format), prefixes=prefixes)
    rdf_format = ox.RdfFormat.from_media_type(essence)
    if rdf_format is None:
        raise ValueError(f"the answer is {media_type or 'of no declared type'}, not SPARQL results nor RDF")
    triples = [ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(data, format=rdf_format)]
    return QueryResult(triples=triples, prefixes=dict(prefixes or {}))


def standard_json(data: bytes) -> bytes:
    """SPARQL JSON results with the dialects of real stores made standard.

    Virtuoso writes ``"type": "typed-literal"`` (from the 2008 draft) and a language tag under
    ``"lang"`` rather than ``"xml:lang"``; Oxigraph's reader accepts neither.

    >>> standard_json(b'{"head": {"vars": ["l"]}, "results": {"bindings": [{"l": {"type": "literal", "lang": "zh", "value": "x"}}]}}')
    b'{"head": {"vars": ["l"]}, "results": {"bindings": [{"l": {"type": "literal", "value": "x", "xml:lang": "zh"}}]}}'
    """
    try:
        document = json.loads(data)
        bindings = document["results"]["bindings"]
    except (ValueError, KeyError, TypeError):
        return data
    changed = False
    for binding in bindings:
        for term in binding.values():
            if not isinstance(term, dict):
                continue
            if term.get("type") == "typed-literal":
                term["type"], changed = "literal", True
            if "lang" in term:
                term["xml:lang"], changed = term.pop("lang"), True
    return json.dumps(document, ensure_ascii=False).encode() if changed else data


def negotiate(accept: str | None, form: str) -> tuple[str, str]:
    """Pick the format for ``form`` (select, ask, graph, dataset) from an Accept header: (format name, media type).

    No Accept header, or ``*/*``, gives JSON results, Turtle for graphs and TriG for datasets.
    Raises :class:`NotAcceptable` when nothing the client accepts fits.

    >>> negotiate("text/csv;q=0.5, application/sparql-results+xml", "select")
    ('xml', 'application/sparql-results+xml')
    >>> negotiate(None, "graph")
    ('turtle', 'text/turtle')
    """
    offers = {"graph": _GRAPH_MEDIA_TYPES, "dataset": _DATASET_MEDIA_TYPES}.get(form, _RESULT_MEDIA_TYPES)
    if not accept or not accept.strip():
        media_type, name = offers[-1]
        return name, media_type
    try:
        best = mimeparse.best_match([media_type for media_type, _ in offers], accept)
    except ValueError:
        best = ""
    if not best:
        wanted = ", ".join(media_type for media_type, _ in reversed(offers))
        raise NotAcceptable(
            f"cannot answer this {form} query in any type the request accepts; ask for one of {wanted}"
        )
    return dict(offers)[best], best


def used_prefixes(prefixes: dict[str, str], triples: list[ox.Triple]) -> dict[str, str]:
    """The prefixes whose namespace starts an IRI of ``triples`` (so a Turtle header lists only those)."""
    iris = {term.value for triple in triples for term in _terms(triple) if isinstance(term, ox.NamedNode)}
    return {prefix: ns for prefix, ns in prefixes.items() if any(iri.startswith(ns) for iri in iris)}


def _terms(triple: ox.Triple) -> list[Any]:
    terms = []
    for term in (triple.subject, triple.predicate, triple.object):
        terms.extend(_terms(term) if isinstance(term, ox.Triple) else [term])
        if isinstance(term, ox.Literal):
            terms.append(term.datatype)
    return terms


def to_rdflib(term: Any) -> Node | tuple | None:
    """An Oxigraph term as an rdflib term (an RDF-star triple term as a tuple of three terms)."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        return Literal(term.value, datatype=None if datatype == XSD_STRING else URIRef(datatype))
    if isinstance(term, ox.Triple):
        return (to_rdflib(term.subject), to_rdflib(term.predicate), to_rdflib(term.object))
    raise TypeError(f"not an RDF term: {term!r}")


def display(term: Any, prefixes: dict[str, str]) -> str:
    """How a term reads in a table: a prefixed name when a prefix covers the IRI, a literal's plain value."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return shorten(term.value, prefixes)
    if isinstance(term, ox.Literal):
        return term.value + (f" @{term.language}" if term.language else "")
    if isinstance(term, ox.Triple):
        return "<< " + " ".join(display(t, prefixes) for t in term) + " >>"
    return str(term)


def shorten(iri: str, prefixes: dict[str, str]) -> str:
    """``prefix:local`` for the longest namespace that covers ``iri`` with a plain local part, else ``<iri>``."""
    best = ""
    for prefix, namespace in prefixes.items():
        local = iri[len(namespace) :]
        if iri.startswith(namespace) and len(namespace) > len(prefixes.get(best, "")) and _plain(local):
            best = prefix
    return f"{best}:{iri[len(prefixes[best]) :]}" if best else f"<{iri}>"


def _plain(local: str) -> bool:
    return all(ch.isalnum() or ch in "-_." for ch in local) and not local.endswith(".")


def _native(term: Node | tuple | None) -> Any:
    """A Python value for a DataFrame cell: literals by their datatype, IRIs and blank nodes as strings."""
    if isinstance(term, Literal):
        return term.toPython()
    if term is None or isinstance(term, tuple):
        return term
    return str(term)


def json_term(term: Any) -> dict[str, Any]:
    """One term in the SPARQL 1.1 Query Results JSON format.

    >>> json_term(ox.Literal("宁波", language="zh"))
    {'type': 'literal', 'value': '宁波', 'xml:lang': 'zh'}
    """
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        value: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            value["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            value["datatype"] = term.datatype.value
        return value
    if isinstance(term, ox.Triple):
        parts = {"subject": term.subject, "predicate": term.predicate, "object": term.object}
        return {"type": "triple", "value": {key: json_term(part) for key, part in parts.items()}}
    raise TypeError(f"not an RDF term: {term!r}")
