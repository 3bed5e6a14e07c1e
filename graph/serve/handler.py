"""What the SPARQL endpoint does with one request once HTTP is dealt with: check it, run it on a store, and
write the answer in the negotiated format.

Everything here runs inside a worker process (see :mod:`graph.serve.workers`), so a request that takes
too long is stopped by ending that process; only a query whose cost :func:`bounded_patterns` proves
small whatever the data is answered in the server itself. The order is the point: a request is parsed and
checked (no SERVICE, no LOAD, only graphs the store holds) before the store sees it.
"""

from __future__ import annotations

import functools
import itertools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import pyoxigraph as ox

from graph.sparql.guard import QuerySyntaxError, Refused, inspect_query, inspect_update, one_line
from graph.sparql.results import (
    GRAPH_FORMATS,
    RESULT_FORMATS,
    NotAcceptable,
    from_oxigraph,
    json_term,
    negotiate,
)

TEXT = "text/plain; charset=utf-8"


@dataclass(frozen=True)
class QueryRequest:
    """A SPARQL query with the protocol's dataset (``default-graph-uri``, ``named-graph-uri``)."""

    text: str
    accept: str | None = None
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    base_iri: str | None = None


@dataclass(frozen=True)
class UpdateRequest:
    """A SPARQL update with the protocol's ``using-graph-uri`` and ``using-named-graph-uri``."""

    text: str
    using_graphs: tuple[str, ...] = ()
    using_named_graphs: tuple[str, ...] = ()
    base_iri: str | None = None


@dataclass(frozen=True)
class GraphRequest:
    """A Graph Store Protocol GET: the default graph, one named graph, or (``graph`` is ``None``
    and ``default`` false) the whole dataset."""

    graph: str | None = None
    default: bool = True
    accept: str | None = None


@dataclass
class Reply:
    """An HTTP answer: status, media type, body and extra headers."""

    status: int
    media_type: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def text(cls, status: int, message: str) -> Reply:
        return cls(status, TEXT, (message + "\n").encode("utf-8"))


# Clients send the same few Accept headers; matching one costs more than a lookup query.
_negotiate = functools.lru_cache(maxsize=256)(negotiate)


def answer(
    store: ox.Store,
    request: QueryRequest | UpdateRequest | GraphRequest,
    prefixes: dict[str, str] | None = None,
    max_rows: int | None = None,
) -> Reply:
    """Check and run one request against ``store``; every failure is a Reply with a one-line message."""
    try:
        if isinstance(request, QueryRequest):
            return _query(store, request, prefixes, max_rows)
        if isinstance(request, UpdateRequest):
            return _update(store, request, prefixes)
        return _download(store, request, prefixes)
    except NotAcceptable as exc:
        return Reply.text(406, str(exc))
    except (QuerySyntaxError, Refused, ValueError) as exc:
        return Reply.text(400, str(exc))
    except SyntaxError as exc:
        return Reply.text(400, one_line(str(exc)))
    except OSError as exc:
        return Reply.text(500, f"the store failed: {one_line(str(exc))}")


def _query(store: ox.Store, request: QueryRequest, prefixes, max_rows) -> Reply:
    if plainly_local(request.text):
        reply = _query_directly(store, request, prefixes, max_rows)
        if reply is not None:
            return reply
    try:
        operation = inspect_query(request.text)
    except QuerySyntaxError:
        if _is_update(request.text):
            return Reply.text(
                400,
                "this is an update (INSERT, DELETE ...), not a query: updates are refused on a read-only"
                " endpoint; where updates are allowed (--allow-updates), send it as update= or application/sparql-update",
            )
        raise
    form = operation.form if operation.form in ("select", "ask") else "graph"
    format_name, media_type = _negotiate(request.accept, form)
    for iri in (*operation.from_graphs, *operation.from_named_graphs):
        _require_graph(store, iri, "FROM")
    for iri in (*request.default_graphs, *request.named_graphs):
        _require_graph(store, iri, "the protocol's dataset")
    options = {}
    if request.default_graphs or request.named_graphs:
        # The protocol's dataset replaces the query's FROM and FROM NAMED entirely (SPARQL 1.1 Protocol 2.1.4).
        options["default_graph"] = [ox.NamedNode(iri) for iri in request.default_graphs]
        options["named_graphs"] = [ox.NamedNode(iri) for iri in request.named_graphs]
    raw = store.query(request.text, prefixes=prefixes or None, base_iri=request.base_iri, **options)
    return _reply(raw, format_name, media_type, prefixes, max_rows)


# An IRI as SPARQL writes it (the IRIREF production): whatever it holds is not a keyword.
_IRIREF = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')
# Letters that could start SERVICE or FROM (any case), or a codepoint escape that could spell them.
_MAY_REACH_OUT = re.compile(r"service|from|\\u", re.IGNORECASE)


def plainly_local(text: str) -> bool:
    """Whether the query text provably has neither SERVICE nor FROM, so it can go to Oxigraph without
    the full parse of :func:`inspect_query` (which costs ten times what a lookup does).

    The test is on the letters: outside IRIs, neither ``service`` nor ``from`` appears in any case,
    nor a ``\\u`` escape. A SERVICE or FROM keyword cannot hide inside what is taken for an IRI
    (``<`` up to ``>`` with no space, quote, brace or ``<`` between): the keyword is followed by its
    target and then by ``{`` (SERVICE) or by a keyword, ``{`` or the end (FROM), never by ``>``, and a
    target that is an IRI starts with ``<``. Text that mentions the letters for any other reason (a
    variable ``?from``, a name ``prov:wasDerivedFrom``) just takes the full parse.

    >>> plainly_local("SELECT ?o WHERE { <http://e/from/service> ?p ?o }")
    True
    >>> plainly_local("SELECT * { SeRvIcE <http://e/sparql> { ?s ?p ?o } }")
    False
    >>> plainly_local("SELECT * FROM <http://e/g> { ?s ?p ?o }")
    False
    """
    return _MAY_REACH_OUT.search(_IRIREF.sub(" ", text)) is None


def answer_cheap(
    store: ox.Store,
    request: QueryRequest,
    prefixes: dict[str, str] | None,
    max_rows: int | None,
    cardinality: Callable[[tuple[str, str, str]], int] | None = None,
) -> Reply | None:
    """The answer to a query :func:`bounded_patterns` clears, or ``None`` for any other request or any
    failure (which the full path then explains).

    ``cardinality`` counts a pattern's matches up to ``IN_PROCESS_ENTRIES + 1`` (see
    :class:`Cardinalities`); without it only one-pattern queries qualify."""
    patterns = cheap_patterns(request, max_rows)
    if patterns is None:
        return None
    return answer_bounded(store, request, patterns, prefixes, max_rows, cardinality)


def cheap_patterns(request: QueryRequest, max_rows: int | None) -> list[tuple[str, str, str]] | None:
    """The patterns of a query that may be answered in the server itself (from its text alone: no
    dataset in the request, no SERVICE or FROM, a shape :func:`bounded_patterns` clears), or ``None``."""
    if request.default_graphs or request.named_graphs:
        return None
    patterns = _local_patterns(request.text, max_rows)
    return None if patterns is None else list(patterns)


# What a text's shape says (the same for every run of it, whatever the store holds): worked out once
# per distinct text of at most 2 KiB, the few hundred kinds of queries a client sends over and over.
# It is the parse that is remembered, not an answer: each query still runs.
_SHAPES_REMEMBERED = 4096
_SHAPE_TEXT = 2048


@functools.lru_cache(maxsize=_SHAPES_REMEMBERED)
def _remembered_patterns(text: str, max_rows: int | None) -> tuple[tuple[str, str, str], ...] | None:
    if not plainly_local(text):
        return None
    patterns = bounded_patterns(text, max_rows)
    return None if patterns is None else tuple(patterns)


def _local_patterns(text: str, max_rows: int | None) -> tuple[tuple[str, str, str], ...] | None:
    if len(text) > _SHAPE_TEXT:
        return _remembered_patterns.__wrapped__(text, max_rows)
    return _remembered_patterns(text, max_rows)


def answer_bounded(
    store: ox.Store,
    request: QueryRequest,
    patterns: list[tuple[str, str, str]],
    prefixes: dict[str, str] | None,
    max_rows: int | None,
    cardinality: Callable[[tuple[str, str, str]], int] | None,
) -> Reply | None:
    """The answer to a query whose :func:`cheap_patterns` are ``patterns``, once the store's counts
    confirm the bound; ``None`` when they do not (or on any failure), for the worker to answer."""
    if len(patterns) > 1:
        if cardinality is None:
            return None
        for pattern in patterns:
            if any(not term.startswith("?") for term in pattern):
                try:
                    if cardinality(pattern) > IN_PROCESS_ENTRIES:
                        return None
                except ValueError:  # not an IRI Oxigraph takes as it is: the worker decides
                    return None
    try:
        return _query_directly(store, request, prefixes, max_rows)
    except NotAcceptable as exc:
        return Reply.text(406, str(exc))
    except (ValueError, OSError, RuntimeError):
        return None


def _query_directly(store: ox.Store, request: QueryRequest, prefixes, max_rows) -> Reply | None:
    """Run a query that :func:`plainly_local` cleared; ``None`` when Oxigraph cannot parse it, so the
    full path gives the parser's message (and names an update sent as a query)."""
    if request.default_graphs or request.named_graphs:
        return None  # the protocol's dataset: checked on the full path
    try:
        raw = store.query(request.text, prefixes=prefixes or None, base_iri=request.base_iri)
    except SyntaxError:
        return None
    if isinstance(raw, ox.QueryBoolean):
        form = "ask"
    elif isinstance(raw, ox.QuerySolutions):
        form = "select"
    else:
        form = "graph"
    format_name, media_type = _negotiate(request.accept, form)
    text = request.text
    limit = _remembered_limit(text) if len(text) <= _SHAPE_TEXT else final_limit(text)
    return _reply(raw, format_name, media_type, prefixes, max_rows, limit)


def final_limit(text: str) -> int | None:
    """The LIMIT that ends the query text, which bounds its solutions (a sub-query's LIMIT is followed
    by ``}``, so it cannot end the text); ``None`` when the text does not end with one.

    >>> final_limit("SELECT * { ?s ?p ?o } limit 20 ")
    20
    >>> final_limit("SELECT * { { SELECT * { ?s ?p ?o } LIMIT 2 } }") is None
    True
    >>> final_limit("SELECT * { ?s ?p ?o } # LIMIT 2") is None
    True
    """
    bare = _IRIREF.sub(" ", text)
    if "#" in bare:  # a comment could hold the LIMIT: this text takes the counting path
        return None
    found = _FINAL_LIMIT.search(bare)
    return int(found.group(1)) if found else None


_remembered_limit = functools.lru_cache(maxsize=_SHAPES_REMEMBERED)(final_limit)
_FINAL_LIMIT = re.compile(r"\bLIMIT\s+([0-9]{1,9})\s*\Z", re.IGNORECASE)
_VARIABLE = r"\?[A-Za-z_][A-Za-z0-9_]*"
# An absolute IRI with no dot segment (which a base IRI's resolution would rewrite), or a variable.
_TERM = rf"(?:<[A-Za-z][A-Za-z0-9+.-]*:(?![^<>]*/\.\.?(?:[/?#>]))[^<>\"{{}}|^`\\\x00-\x20]*>|{_VARIABLE})"
_PATTERN = rf"({_TERM})\s*({_TERM})\s*({_TERM})"
# One or two triple patterns of IRIs and variables, and a LIMIT: nothing else.
_BOUNDED = re.compile(
    rf"\s*SELECT\s+(?:\*|(?:{_VARIABLE}\s*)+)\s*(?:WHERE\s*)?"
    rf"\{{\s*{_PATTERN}\s*(?:\.\s*{_PATTERN}\s*)?\.?\s*\}}\s*LIMIT\s+([0-9]{{1,9}})\s*",
    re.IGNORECASE,
)
IN_PROCESS_ROWS = 10_000  # the largest LIMIT of a one-pattern query answered in the server itself
IN_PROCESS_LIMIT = 1000  # the largest LIMIT of a two-pattern query answered in the server itself
IN_PROCESS_ENTRIES = 1000  # the most matches a pattern with a constant may have in such a query


def bounded_patterns(text: str, max_rows: int | None) -> list[tuple[str, str, str]] | None:
    """The triple patterns of a query whose cost is bounded whatever the data, or ``None``.

    Such a query is answered in the server process itself, where it cannot be stopped, so the bound
    must hold for any store. Two shapes qualify, each a SELECT of IRIs and variables only (no
    FILTER, OPTIONAL, DISTINCT, ORDER BY, literal, blank node or path) ending with a LIMIT:

    * **One pattern**, its variables distinct, LIMIT within ``max_rows`` and
      :data:`IN_PROCESS_ROWS`. Oxigraph reads it from one
      range of one index (SPO, POS or OSP: whichever terms are constant, they are a prefix of one of
      the three), and since its variables are distinct every entry of the range is a solution: it
      stops after LIMIT entries.
    * **Two patterns that share a variable**, each pattern's variables distinct, LIMIT within
      ``max_rows`` and :data:`IN_PROCESS_LIMIT`, at least one pattern with a constant, and (checked
      by the caller, from the store's index: :class:`Cardinalities`) every pattern with a constant
      matching at most :data:`IN_PROCESS_ENTRIES` triples. Oxigraph joins two patterns that share
      a variable with a nested loop (its planner takes a hash join only for patterns with no
      common variable), starting with the pattern it estimates smaller; a pattern with no
      constant is estimated larger than any with one, so the outer pattern is one with a constant:
      at most :data:`IN_PROCESS_ENTRIES` entries. For each, the inner pattern, with the shared
      variable bound, is again one index range in which every entry is a solution (its other
      variables are distinct and unbound). So the whole query reads at most
      ``IN_PROCESS_ENTRIES`` outer entries, as many range seeks, and LIMIT inner entries:
      about 2,000 index reads, a few milliseconds, whatever the size of the graph.

    Everything else (a pattern with a repeated variable, which filters a range; two patterns with
    no common variable, a cross product; three patterns; a constant with more matches) goes to a
    worker, under the time and memory limits.

    >>> bounded_patterns("SELECT ?p ?o WHERE { <http://e/s> ?p ?o } LIMIT 20", 10_000)
    [('<http://e/s>', '?p', '?o')]
    >>> bounded_patterns("SELECT ?x ?y { <http://e/s> ?p ?x . ?x ?q ?y } LIMIT 50", 10_000)
    [('<http://e/s>', '?p', '?x'), ('?x', '?q', '?y')]
    >>> bounded_patterns("SELECT * { ?s ?p ?s } LIMIT 20", 10_000) is None  # a filtered range
    True
    >>> bounded_patterns("SELECT * { <http://e/s> ?p ?x . ?y ?q ?z } LIMIT 5", 10_000) is None  # a product
    True
    >>> bounded_patterns("SELECT * { ?s ?p ?x . ?x ?q ?y } LIMIT 5", 10_000) is None  # no constant
    True
    >>> bounded_patterns("SELECT ?p ?o WHERE { <http://e/s> ?p ?o }", 10_000) is None
    True
    """
    found = _BOUNDED.fullmatch(text)
    if found is None:
        return None
    groups = found.groups()
    limit = int(groups[6])
    if (max_rows is not None and limit > max_rows) or limit > IN_PROCESS_ROWS:
        return None
    patterns = [tuple(groups[0:3])] + ([tuple(groups[3:6])] if groups[3] is not None else [])
    for pattern in patterns:
        variables = [term for term in pattern if term.startswith("?")]
        if len(set(variables)) != len(variables):
            return None
    if len(patterns) == 2:
        first, second = ({term for term in pattern if term.startswith("?")} for pattern in patterns)
        constants = [term for pattern in patterns for term in pattern if not term.startswith("?")]
        if not first & second or not constants or limit > IN_PROCESS_LIMIT:
            return None
    return patterns


def provably_cheap(text: str, max_rows: int | None) -> bool:
    """Whether the query is one triple pattern that :func:`bounded_patterns` clears: a few index reads
    whatever the data, with no count to take first.

    >>> provably_cheap("SELECT ?p ?o WHERE { <http://e/s> ?p ?o } LIMIT 20", 10_000)
    True
    >>> provably_cheap("SELECT * { ?s ?p ?s } LIMIT 20", 10_000)  # a repeated variable filters a scan
    False
    """
    patterns = bounded_patterns(text, max_rows)
    return patterns is not None and len(patterns) == 1


class Cardinalities:
    """How many triples of the default graph match a pattern, counted once up to ``cap + 1`` and
    remembered: the store is read-only while the server runs (the in-process path exists only then),
    so the figure stays true. It is an index statistic, not an answer: the query itself still runs.

    ``cap`` bounds the cost of a count (``cap + 1`` index entries); at most ``size`` patterns are
    remembered, the least recently used forgotten first."""

    def __init__(self, store: ox.Store, cap: int = IN_PROCESS_ENTRIES, size: int = 65_536) -> None:
        self._store = store
        self._cap = cap
        self._cached = functools.lru_cache(maxsize=size)(self._count)

    def __call__(self, pattern: tuple[str, str, str]) -> int:
        """The number of matches of ``pattern`` (IRIs in ``<>``, variables), or ``cap + 1`` for more."""
        return self._cached(pattern)

    def _count(self, pattern: tuple[str, str, str]) -> int:
        terms = [None if term.startswith("?") else ox.NamedNode(term[1:-1]) for term in pattern]
        matches = self._store.quads_for_pattern(*terms, ox.DefaultGraph())
        return sum(1 for _ in itertools.islice(matches, self._cap + 1))


def _reply(raw, format_name: str, media_type: str, prefixes, max_rows, limit: int | None = None) -> Reply:
    """The answer written in the negotiated format, cut at ``max_rows`` (and a header saying so).

    ``limit`` is the query's own LIMIT when it is known: solutions within ``max_rows`` by then go
    straight to Oxigraph's writer."""
    content_type = media_type_with_charset(format_name, media_type)
    if (
        limit is not None
        and (max_rows is None or limit <= max_rows)
        and isinstance(raw, ox.QuerySolutions)
        and format_name in RESULT_FORMATS
    ):
        body, truncated = raw.serialize(format=RESULT_FORMATS[format_name]), False
    elif format_name == "json" and isinstance(raw, ox.QuerySolutions):
        body, truncated = _solutions_json(raw, max_rows)
    elif format_name == "json" and isinstance(raw, ox.QueryBoolean):
        body, truncated = json.dumps({"head": {}, "boolean": bool(raw)}).encode(), False
    else:
        result = from_oxigraph(raw, max_rows=max_rows, prefixes=prefixes)
        body, truncated = result.serialize(format_name), result.truncated
    headers = {"X-SPARQL-MaxRows": str(max_rows)} if truncated else {}
    return Reply(200, content_type, body, headers)


def _solutions_json(solutions: ox.QuerySolutions, max_rows: int | None) -> tuple[bytes, bool]:
    """SELECT results in the SPARQL 1.1 Query Results JSON format, written straight from the solutions
    (the general path collects them, then goes through Oxigraph's writer: three times the cost)."""
    variables = [variable.value for variable in solutions.variables]
    bindings, truncated = [], False
    for solution in solutions:
        if max_rows is not None and len(bindings) >= max_rows:
            truncated = True
            break
        bindings.append(
            {
                name: json_term(term)
                for name, term in zip(variables, solution, strict=True)
                if term is not None
            }
        )
    document = {"head": {"vars": variables}, "results": {"bindings": bindings}}
    return json.dumps(document, ensure_ascii=False).encode("utf-8"), truncated


def _update(store: ox.Store, request: UpdateRequest, prefixes) -> Reply:
    operation = inspect_update(request.text)
    if request.using_graphs or request.using_named_graphs:
        if operation.from_graphs or operation.from_named_graphs or operation.with_graphs:
            raise Refused(
                "the update has USING, USING NAMED or WITH and the request has using-graph-uri or"
                " using-named-graph-uri: give the dataset one way only (SPARQL 1.1 Protocol 2.2.3)"
            )
        raise Refused(
            "using-graph-uri and using-named-graph-uri are not supported here: write USING and USING NAMED in the update"
        )
    try:
        store.update(request.text, prefixes=prefixes or None, base_iri=request.base_iri)
    except (
        OSError,
        RuntimeError,
    ) as exc:  # e.g. CREATE GRAPH of a graph that exists: the request's fault, not the store's
        return Reply.text(400, f"the update failed: {one_line(str(exc))}")
    return Reply(204, TEXT, b"")


def _download(store: ox.Store, request: GraphRequest, prefixes) -> Reply:
    if request.graph is None and not request.default:
        format_name, media_type = _negotiate(request.accept, "dataset")
        body = store.dump(format=GRAPH_FORMATS[format_name], prefixes=prefixes or None)
        return Reply(200, media_type_with_charset(format_name, media_type), body)
    format_name, media_type = _negotiate(request.accept, "graph")
    if request.graph is None:
        source: ox.NamedNode | ox.DefaultGraph = ox.DefaultGraph()
    else:
        source = ox.NamedNode(request.graph)
        if not store.contains_named_graph(source):
            return Reply.text(404, f"there is no graph <{request.graph}> here")
    rdf_format = GRAPH_FORMATS[format_name]
    plain = rdf_format in (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS)
    body = store.dump(format=rdf_format, from_graph=source, prefixes=None if plain else prefixes or None)
    return Reply(200, media_type_with_charset(format_name, media_type), body)


def _require_graph(store: ox.Store, iri: str, where: str) -> None:
    """Refuse a dataset IRI the store does not hold: the endpoint never fetches a graph from elsewhere."""
    try:
        node = ox.NamedNode(iri)
    except ValueError:
        raise Refused(f"{where} names <{iri}>, which is not an absolute IRI") from None
    if not store.contains_named_graph(node):
        held = sorted(graph.value for graph in store.named_graphs() if isinstance(graph, ox.NamedNode))
        shown = ", ".join(f"<{g}>" for g in held[:5]) + (" ..." if len(held) > 5 else "")
        raise Refused(
            f"{where} names <{iri}>, which this endpoint does not hold; it answers only from its own graphs"
            f" (the default graph{', and ' + shown if held else ''}) and never fetches others"
        )


def media_type_with_charset(format_name: str, media_type: str) -> str:
    """The negotiated media type, with ``charset=utf-8`` for ``text/`` types (whose default would be ASCII)."""
    return f"{media_type}; charset=utf-8" if media_type.startswith("text/") else media_type


def _is_update(text: str) -> bool:
    """Whether ``text`` parses as a SPARQL update (to explain why it is not a query)."""
    try:
        inspect_update(text)
    except (QuerySyntaxError, Refused, ValueError):
        return False
    return True
