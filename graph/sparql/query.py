"""SPARQL over the graph: load it into an Oxigraph store, find a query by text, file or name, and run it.

The vocabulary's prefixes (and ``ent:``, ``stmt:``, ``ev:``, ``src:`` for the graph's own IRIs) are
declared in advance, so a query may use ``kg:hosts`` without a PREFIX line.

>>> store = ox.Store()
>>> load_rdf(store, "exports/graph.nt")
>>> result = run_query(store, "ASK { ?zone kg:rank 10 }", prefixes={"kg": "https://example.org/ningbo-kg/vocab#"})
>>> result.boolean
True
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

import pyoxigraph as ox

from graph.defaults import QUERIES_DIR, resolve
from graph.errors import InputError, KnowledgeGraphError
from graph.model.graph import KnowledgeGraph
from graph.model.namespaces import graph_prefixes
from graph.sparql.guard import QuerySyntaxError, Refused, inspect_query, one_line
from graph.sparql.results import QueryResult, from_oxigraph

#: RDF files ``--rdf`` reads, by extension.
RDF_EXTENSIONS = {
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".ttl": ox.RdfFormat.TURTLE,
    ".trig": ox.RdfFormat.TRIG,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
    ".xml": ox.RdfFormat.RDF_XML,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".n3": ox.RdfFormat.N3,
}


@dataclass(frozen=True)
class NamedQuery:
    """A query with where it came from: ``name`` is the file's stem, or ``None`` for text given directly."""

    text: str
    name: str | None = None
    path: Path | None = None

    @property
    def title(self) -> str:
        """The leading ``#`` comment lines (the question the query answers), joined on one line."""
        lines = []
        for line in self.text.splitlines():
            stripped = line.strip()
            if not stripped.startswith("#"):
                break
            lines.append(stripped.lstrip("#").strip())
        return " ".join(line for line in lines if line)


def rdf_triples(path: Path | str) -> list[ox.Triple]:
    """The triples of the default graph of an RDF file, exactly as written (no store normalises them)."""
    path = Path(path)
    rdf_format = _rdf_format(path)
    try:
        quads = list(ox.parse(path=str(path), format=rdf_format))
    except SyntaxError as exc:
        raise InputError(f"{path}: not valid {rdf_format.name}: {one_line(str(exc))}") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read the file: {exc.strerror or exc}") from None
    return [ox.Triple(q.subject, q.predicate, q.object) for q in quads if q.graph_name == ox.DefaultGraph()]


def rdf_ntriples(path: Path | str, batch: int = 10_000) -> Iterator[bytes]:
    """The default graph of an RDF file as N-Triples, ``batch`` triples at a time, read as it goes.

    The file is parsed by Oxigraph and printed again, so the lines are its canonical N-Triples
    (one way to write each triple) whatever the file's format. A file that cannot be used (no
    such file, an unknown extension, XML entities) is refused here, before anything is read; a
    syntax error found on the way is an :class:`InputError` naming the line.
    """
    path = Path(path)
    return _ntriples_of(path, _rdf_format(path), batch)


def _ntriples_of(path: Path, rdf_format: ox.RdfFormat, batch: int) -> Iterator[bytes]:
    default = ox.DefaultGraph()
    try:
        quads = ox.parse(path=str(path), format=rdf_format)
        if not rdf_format.supports_datasets:  # every quad is in the default graph: no Python loop
            while text := ox.serialize(islice(quads, batch), format=ox.RdfFormat.N_TRIPLES):
                yield text
            return
        while block := list(islice(quads, batch)):
            triples = [q.triple for q in block if q.graph_name == default]
            if triples:
                yield ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    except SyntaxError as exc:
        raise InputError(f"{path}: not valid {rdf_format.name}: {one_line(str(exc))}") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read the file: {exc.strerror or exc}") from None


def load_rdf(store: ox.Store, path: Path | str) -> None:
    """Bulk-load an RDF file into ``store``; a bad file is an :class:`InputError` naming line and column."""
    path = Path(path)
    rdf_format = _rdf_format(path)
    try:
        store.bulk_load(path=str(path), format=rdf_format)
    except SyntaxError as exc:
        raise InputError(f"{path}: not valid {rdf_format.name}: {one_line(str(exc))}") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read the file: {exc}") from None


def _rdf_format(path: Path) -> ox.RdfFormat:
    rdf_format = RDF_EXTENSIONS.get(path.suffix.lower())
    if rdf_format is None:
        known = " ".join(sorted(RDF_EXTENSIONS))
        raise InputError(
            f"{path}: cannot tell the RDF format from the extension. Fix: name the file with one of {known}"
        )
    if not path.is_file():
        raise InputError(f"{path}: cannot read the file: it does not exist or is not a regular file")
    if rdf_format == ox.RdfFormat.RDF_XML:
        _refuse_entities(path)
    return rdf_format


def _refuse_entities(path: Path) -> None:
    """Refuse an XML file that declares entities: nested ones expand exponentially ("billion laughs"),
    and external ones read other files. RDF/XML never needs them."""
    chunk_size, overlap = 1 << 20, len(b"<!ENTITY")
    tail = b""
    try:
        with open(path, "rb") as stream:
            while chunk := stream.read(chunk_size):
                if b"<!ENTITY" in tail + chunk:
                    raise InputError(
                        f"{path}: the XML declares entities (<!ENTITY), which are refused: they can expand"
                        " without bound or read other files. Fix: write the file without a DOCTYPE"
                    )
                tail = chunk[-overlap:]
    except OSError as exc:
        raise InputError(f"{path}: cannot read the file: {exc.strerror or exc}") from None


def find_query(spec: str, queries_dir: Path | str = QUERIES_DIR) -> NamedQuery:
    """The query ``spec`` means: a path to a file, the name of a file in ``queries_dir`` (``.rq`` optional),
    or else the query text itself.

    A single word that names no file is taken for a mistyped name, and the error lists the names.

    >>> find_query("01-ding-winners").path.name
    '01-ding-winners.rq'
    >>> find_query("ASK { ?s ?p ?o }")
    NamedQuery(text='ASK { ?s ?p ?o }', name=None, path=None)
    >>> find_query("01-ding-winnners")
    Traceback (most recent call last):
    ...
    graph.errors.InputError: 01-ding-winnners: no such query file, and no query of that name in .../queries/ (there are: 01-ding-winners, ...
    """
    queries_dir = resolve(queries_dir)
    candidates = [Path(spec)] if _could_be_path(spec) else []
    if _could_be_name(spec):
        candidates += [queries_dir / spec, queries_dir / f"{spec}.rq"]
    for candidate in candidates:
        if candidate.is_file():
            return NamedQuery(_read(candidate), name=candidate.stem, path=candidate)
    if _could_be_name(spec) or (spec.endswith(".rq") and "\n" not in spec):
        names = ", ".join(q.name for q in example_queries(queries_dir)) or "none"
        raise InputError(
            f"{spec}: no such query file, and no query of that name in {queries_dir}/ (there are: {names})."
            " Fix: give a query text, a .rq file, or one of those names"
        )
    return NamedQuery(spec)


def example_queries(queries_dir: Path | str = QUERIES_DIR) -> list[NamedQuery]:
    """Every ``.rq`` file in ``queries_dir``, sorted by name."""
    queries_dir = resolve(queries_dir)
    if not queries_dir.is_dir():
        return []
    return [NamedQuery(_read(path), name=path.stem, path=path) for path in sorted(queries_dir.glob("*.rq"))]


def run_query(
    target: ox.Store | KnowledgeGraph,
    query: str | NamedQuery,
    *,
    prefixes: dict[str, str] | None = None,
    graph: str | None = None,
    base_iri: str | None = None,
    service_timeout: float | None = None,
) -> QueryResult:
    """Run a SELECT, ASK, CONSTRUCT or DESCRIBE query and collect its answer.

    ``target`` is a store (see :func:`graph.pipeline.load_store`) or a built :class:`KnowledgeGraph`, whose
    prefixes are then declared unless ``prefixes`` is given. ``graph`` makes a named graph the
    default graph. A syntax error raises :class:`QuerySyntaxError` with the parser's message.
    A query using SERVICE is refused (:class:`~graph.sparql.guard.Refused`) unless
    ``service_timeout`` is given: it then runs, and is abandoned after that many seconds.
    """
    text = query.text if isinstance(query, NamedQuery) else query
    if service_timeout is None:
        _refuse_service(text)
    if isinstance(target, KnowledgeGraph):
        if prefixes is None:
            prefixes = graph_prefixes(target.prefixes, target.base)
        target = target.to_store()
    options = {}
    if graph is not None:
        options["default_graph"] = _named_node(graph)
    try:
        if service_timeout is not None:
            return _with_deadline(
                lambda: from_oxigraph(
                    target.query(text, prefixes=prefixes or None, base_iri=base_iri, **options),
                    prefixes=prefixes,
                ),
                service_timeout,
            )
        answer = target.query(text, prefixes=prefixes or None, base_iri=base_iri, **options)
        return from_oxigraph(answer, prefixes=prefixes)
    except SyntaxError as exc:
        where = f"{query.path}: " if isinstance(query, NamedQuery) and query.path else ""
        raise QuerySyntaxError(f"{where}{syntax_message(str(exc))}") from None
    except OSError as exc:
        raise KnowledgeGraphError(f"the query failed: {one_line(str(exc))}") from None


def _refuse_service(text: str) -> None:
    """Refuse SERVICE wherever it is in the query; syntax errors are left to Oxigraph, which words them."""
    try:
        inspect_query(text)
    except QuerySyntaxError:
        pass
    except Refused as exc:
        raise Refused(
            f"{str(exc).split(' is refused')[0]} is refused: a local query never calls another service."
            " Fix: give --allow-service to let it (it then stops after --timeout seconds)"
        ) from None


def _with_deadline(run, seconds: float):
    """``run()``, abandoned after ``seconds``: a remote service that never answers must not hang the command."""
    outcome: dict = {}

    def target() -> None:
        try:
            outcome["value"] = run()
        except BaseException as exc:  # handed to the caller's thread, without the frames of this one
            outcome["error"] = exc.with_traceback(None)

    worker = threading.Thread(target=target, daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        raise KnowledgeGraphError(f"the query did not finish within {seconds:g} s (a SERVICE did not answer)")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def syntax_message(message: str) -> str:
    """Oxigraph's ``error at 2:9: expected ...`` as ``syntax error at line 2, column 9: expected ...``, on one line."""
    found = re.match(r"error at (\d+):(\d+): (.*)", message, re.DOTALL)
    if found is None:
        return f"syntax error: {one_line(message)}"
    line, column, rest = found.groups()
    return f"syntax error at line {line}, column {column}: {one_line(rest)}"


def declare_prefixes(text: str, prefixes: dict[str, str]) -> str:
    """``text`` with PREFIX lines in front for each of ``prefixes`` that it does not declare itself.

    Used for endpoints that do not know our prefixes. If the text cannot be parsed here, every
    prefix is declared: SPARQL lets a query's own declaration override an earlier one.

    >>> declare_prefixes("PREFIX kg: <urn:x#> ASK {}", {"kg": "urn:kg#", "ent": "urn:e/"})
    'PREFIX ent: <urn:e/>\\nPREFIX kg: <urn:x#> ASK {}'
    """
    try:
        declared = set(inspect_query(text).prefixes)
    except KnowledgeGraphError:
        declared = set()
    lines = [f"PREFIX {prefix}: <{iri}>" for prefix, iri in prefixes.items() if prefix not in declared]
    return "\n".join([*lines, text])


def _named_node(iri: str) -> ox.NamedNode:
    try:
        return ox.NamedNode(iri)
    except ValueError as exc:
        raise InputError(f"{iri!r} is not a valid IRI: {exc}") from None


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"{path}: the query file is not UTF-8 text") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read the file: {exc.strerror}") from None


def _could_be_name(spec: str) -> bool:
    """A single word of file-name characters (``q01``, ``hosts.rq``)."""
    return bool(spec) and all(ch.isalnum() or ch in "-_." for ch in spec)


def _could_be_path(spec: str) -> bool:
    return bool(spec) and "\n" not in spec and len(spec) < 4096 and "{" not in spec
