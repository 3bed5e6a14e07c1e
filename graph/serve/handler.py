"""What the SPARQL endpoint does with one request once HTTP is dealt with: check it, run it on a store, and
write the answer in the negotiated format.

Everything here runs inside a worker process (see :mod:`graph.serve.workers`), so a request that takes
too long is stopped by ending that process. The order is the point: a request is parsed and
checked (no SERVICE, no LOAD, only graphs the store holds) before the store sees it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from graph.sparql.guard import QuerySyntaxError, Refused, inspect_query, inspect_update, one_line
from graph.sparql.results import GRAPH_FORMATS, NotAcceptable, from_oxigraph, negotiate

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
    format_name, media_type = negotiate(request.accept, form)
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
    result = from_oxigraph(raw, max_rows=max_rows, prefixes=prefixes)
    headers = {"X-SPARQL-MaxRows": str(max_rows)} if result.truncated else {}
    return Reply(
        200, media_type_with_charset(format_name, media_type), result.serialize(format_name), headers
    )


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
        format_name, media_type = negotiate(request.accept, "dataset")
        body = store.dump(format=GRAPH_FORMATS[format_name], prefixes=prefixes or None)
        return Reply(200, media_type_with_charset(format_name, media_type), body)
    format_name, media_type = negotiate(request.accept, "graph")
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
