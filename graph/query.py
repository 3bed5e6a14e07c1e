"""SPARQL over the graph: load it into an Oxigraph store, find a query by text, file or name, and run it.

The vocabulary's prefixes (and ``ent:``, ``stmt:``, ``ev:``, ``src:`` for the graph's own IRIs) are
declared in advance, so a query may use ``kg:hosts`` without a PREFIX line.

>>> store, prefixes = load_store(rdf="exports/graph.nt")
>>> result = run_query(store, "ASK { ?zone kg:rank 10 }", prefixes=prefixes)
>>> result.boolean
True
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .errors import InputError, KnowledgeGraphError
from .knowledge_graph import KnowledgeGraph
from .pipeline import DEFAULT_CSV, build
from .query_guard import QuerySyntaxError, inspect_query, one_line
from .results import QueryResult, from_oxigraph
from .shapes import DEFAULT_SHAPES
from .vocabulary import DEFAULT_BASE, DEFAULT_VOCABULARY, load_vocabulary

#: Where the example queries live; ``kg query NAME`` looks here.
QUERIES_DIR = Path(__file__).resolve().parent.parent / "data" / "queries"

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


def graph_prefixes(prefixes: dict[str, str], base: str = DEFAULT_BASE) -> dict[str, str]:
    """The vocabulary's prefixes plus ``ent:``, ``stmt:``, ``ev:`` and ``src:`` under ``base``."""
    own = {
        "ent": f"{base}entity/",
        "stmt": f"{base}statement/",
        "ev": f"{base}evidence/",
        "src": f"{base}source/",
    }
    return {**own, **dict(sorted(prefixes.items()))}


def load_store(
    csv_paths: Iterable[Path | str] = (),
    rdf: Path | str | None = None,
    *,
    location: Path | str | None = None,
    vocabulary: Path | str = DEFAULT_VOCABULARY,
    shapes: Path | str | None = DEFAULT_SHAPES,
    base: str = DEFAULT_BASE,
) -> tuple[ox.Store, dict[str, str]]:
    """An Oxigraph store holding the graph, and the prefixes to declare for queries over it.

    With ``rdf`` the store is bulk-loaded from that RDF file (N-Triples, N-Quads, Turtle, TriG,
    RDF/XML, JSON-LD, by extension); otherwise the graph is built from ``csv_paths`` (default
    ``data/triples.csv``), which raises :class:`graph.ValidationFailed` on bad input. The store
    is in memory unless ``location`` names a folder for an on-disk store.
    """
    store = ox.Store(str(location)) if location is not None else ox.Store()
    if rdf is not None:
        load_rdf(store, rdf)
        return store, graph_prefixes(load_vocabulary(vocabulary).prefixes, base)
    graph = build(list(csv_paths) or [DEFAULT_CSV], vocabulary=vocabulary, shapes=shapes, base=base)
    fill_store(store, graph)
    return store, graph_prefixes(graph.prefixes, graph.base)


def read_triples(
    csv_paths: Iterable[Path | str] = (),
    rdf: Path | str | None = None,
    *,
    vocabulary: Path | str = DEFAULT_VOCABULARY,
    shapes: Path | str | None = DEFAULT_SHAPES,
    base: str = DEFAULT_BASE,
) -> tuple[list[ox.Triple], dict[str, str]]:
    """The graph's triples exactly as built or written (the default graph of an RDF file), and its prefixes.

    Unlike :func:`load_store` this goes through no store, so literals keep their datatypes as
    written: an Oxigraph store normalises them (``xsd:positiveInteger`` becomes ``xsd:integer``).
    """
    if rdf is not None:
        path = Path(rdf)
        rdf_format = _rdf_format(path)
        try:
            quads = list(ox.parse(path=str(path), format=rdf_format))
        except SyntaxError as exc:
            raise InputError(f"{path}: not valid {rdf_format.name}: {one_line(str(exc))}") from None
        except OSError as exc:
            raise InputError(f"{path}: cannot read the file: {exc.strerror or exc}") from None
        triples = [
            ox.Triple(q.subject, q.predicate, q.object) for q in quads if q.graph_name == ox.DefaultGraph()
        ]
        return triples, graph_prefixes(load_vocabulary(vocabulary).prefixes, base)
    graph = build(list(csv_paths) or [DEFAULT_CSV], vocabulary=vocabulary, shapes=shapes, base=base)
    return graph.to_oxigraph(), graph_prefixes(graph.prefixes, graph.base)


def fill_store(store: ox.Store, graph: KnowledgeGraph) -> None:
    """Add every triple of ``graph`` to the default graph of ``store``."""
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in graph.to_oxigraph())


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
        raise InputError(f"{path}: cannot read the file: it does not exist")
    return rdf_format


def find_query(spec: str, queries_dir: Path | str = QUERIES_DIR) -> NamedQuery:
    """The query ``spec`` means: a path to a file, the name of a file in ``queries_dir`` (``.rq`` optional),
    or else the query text itself.

    A single word that names no file is taken for a mistyped name, and the error lists the names.
    """
    queries_dir = Path(queries_dir)
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
    queries_dir = Path(queries_dir)
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
) -> QueryResult:
    """Run a SELECT, ASK, CONSTRUCT or DESCRIBE query and collect its answer.

    ``target`` is a store (see :func:`load_store`) or a built :class:`KnowledgeGraph`, whose
    prefixes are then declared unless ``prefixes`` is given. ``graph`` makes a named graph the
    default graph. A syntax error raises :class:`QuerySyntaxError` with the parser's message.
    """
    text = query.text if isinstance(query, NamedQuery) else query
    if isinstance(target, KnowledgeGraph):
        if prefixes is None:
            prefixes = graph_prefixes(target.prefixes, target.base)
        store = ox.Store()
        fill_store(store, target)
        target = store
    options = {}
    if graph is not None:
        options["default_graph"] = _named_node(graph)
    try:
        answer = target.query(text, prefixes=prefixes or None, base_iri=base_iri, **options)
        return from_oxigraph(answer, prefixes=prefixes)
    except SyntaxError as exc:
        where = f"{query.path}: " if isinstance(query, NamedQuery) and query.path else ""
        raise QuerySyntaxError(f"{where}{syntax_message(str(exc))}") from None
    except OSError as exc:
        raise KnowledgeGraphError(f"the query failed: {one_line(str(exc))}") from None


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
