"""``kg push``: upload the graph to a SPARQL 1.1 Graph Store (Oxigraph server, Fuseki, GraphDB, Virtuoso ...).

The graph travels as N-Triples, never Turtle: every IRI is written out in full, so no store has to
undo the escapes of a prefixed name (Virtuoso 7 keeps the backslash of ``src:a\\/b``). The body is
streamed in batches, so memory stays flat however large the graph.

The first request is a PUT, which replaces the target graph: pushing twice leaves the same
triples, never twice as many, so a failed or repeated push is simply run again. Where a store
needs smaller requests (Virtuoso loads each request in one transaction) the rest follows as POSTs,
which add to the graph. The Oxigraph server is given its bulk path (``no_transaction``).

Afterwards the store is checked by more than a count: a sample of the triples (spread over the
whole graph, and every triple whose IRIs hold characters a store might rewrite) is read back with
one query per batch and compared term by term.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from urllib.parse import quote, urlsplit, urlunsplit

import httpx
import pyoxigraph as ox

from graph.sparql.client import RemoteError, client, count_triples, query_endpoint, send

# Where common stores put their query endpoint, given their Graph Store endpoint (path suffixes).
_QUERY_ENDPOINT_OF = [
    ("/rdf-graphs/service", ""),  # GraphDB: /repositories/REPO/rdf-graphs/service -> /repositories/REPO
    ("/sparql-graph-crud-auth", "/sparql"),  # Virtuoso
    ("/sparql-graph-crud", "/sparql"),  # Virtuoso
    ("/store", "/query"),  # Oxigraph server
    ("/data", "/query"),  # Apache Jena Fuseki: /DATASET/data -> /DATASET/query
]

NTRIPLES = "application/n-triples"
BATCH = 10_000  # triples serialised at a time (the unit of progress)
VIRTUOSO_CHUNK = 100_000  # triples per request to Virtuoso, which parses each request in memory
SAMPLE_SIZE = 200  # triples read back after the upload
_SAMPLE_BATCH = 50  # triples asked for in one query
# IRI characters no store rewrites; an IRI with anything else is always in the read-back sample.
_PLAIN_IRI = re.compile(r"[A-Za-z0-9\-._~:/#?=&%]*")
_NUMERIC = {
    f"http://www.w3.org/2001/XMLSchema#{name}"
    for name in (
        "decimal integer int long short byte nonNegativeInteger positiveInteger negativeInteger "
        "nonPositiveInteger unsignedInt unsignedLong unsignedShort unsignedByte double float"
    ).split()
}

Progress = Callable[[int], None]


@dataclass(frozen=True)
class PushReport:
    """What a push did: where, how many triples were sent, how many the store then held (None if unchecked)."""

    endpoint: str
    graph: str | None
    sent: int
    stored: int | None
    status: int
    seconds: float
    requests: int = 1
    #: How many triples were read back from the store and found as sent.
    sampled: int = 0
    #: Store-side normalisations met in the sample (e.g. a decimal stored as an integer), as text.
    normalised: list[str] = field(default_factory=list)

    @property
    def target(self) -> str:
        return f"<{self.graph}>" if self.graph else "the default graph"


def store_kind(store_url: str) -> str:
    """``oxigraph``, ``virtuoso`` or ``other``, from the path of a Graph Store endpoint.

    >>> store_kind("http://localhost:8890/sparql-graph-crud-auth"), store_kind("http://h:7878/store")
    ('virtuoso', 'oxigraph')
    """
    path = urlsplit(store_url).path.rstrip("/")
    if path.endswith(("/sparql-graph-crud", "/sparql-graph-crud-auth")):
        return "virtuoso"
    if path.endswith("/store"):
        return "oxigraph"
    return "other"


def guess_query_endpoint(store_url: str) -> str | None:
    """The query endpoint that usually goes with a Graph Store endpoint, or None when the URL is not a known kind.

    >>> guess_query_endpoint("http://localhost:7878/store")
    'http://localhost:7878/query'
    >>> guess_query_endpoint("http://localhost:3030/ningbo/data")
    'http://localhost:3030/ningbo/query'
    """
    parts = urlsplit(store_url)
    path = parts.path.rstrip("/")
    for suffix, replacement in _QUERY_ENDPOINT_OF:
        if path.endswith(suffix):
            return urlunsplit(parts._replace(path=path[: -len(suffix)] + replacement, query="", fragment=""))
    return None


def graph_url(store_url: str, graph: str | None, *extra: str) -> str:
    """The Graph Store Protocol URL of ``graph`` (indirect identification), or of the default graph.

    >>> graph_url("http://localhost:7878/store", None)
    'http://localhost:7878/store?default'
    >>> graph_url("http://localhost:7878/store", "https://example.org/g#1")
    'http://localhost:7878/store?graph=https%3A%2F%2Fexample.org%2Fg%231'
    """
    parameters = [f"graph={quote(graph, safe='')}" if graph else "default", *extra]
    return f"{store_url}{'&' if '?' in store_url else '?'}{'&'.join(parameters)}"


def ntriples(triples: list[ox.Triple], progress: Progress | None = None) -> Iterator[bytes]:
    """``triples`` as N-Triples, one batch of bytes at a time; ``progress`` hears how many were handed over."""
    for start in range(0, len(triples), BATCH):
        batch = triples[start : start + BATCH]
        yield ox.serialize(batch, format=ox.RdfFormat.N_TRIPLES)
        if progress:
            progress(len(batch))


def push_triples(
    triples: list[ox.Triple],
    endpoint: str,
    *,
    graph: str | None = None,
    query_endpoint: str | None = None,
    check: bool = True,
    timeout: float = 60.0,
    auth: httpx.Auth | None = None,
    prefixes: dict[str, str] | None = None,
    chunk_size: int | None = None,
    progress: Progress | None = None,
    sample_size: int = SAMPLE_SIZE,
) -> PushReport:
    """Send ``triples`` (as N-Triples) into ``graph`` of the Graph Store at ``endpoint``, then check them there.

    ``chunk_size`` is the number of triples per request (default: all in one streamed request, or
    100,000 for Virtuoso); ``progress`` is called with the number of triples sent since its last call.
    ``prefixes`` is accepted for callers that have them; N-Triples has no use for them.

    Raises :class:`graph.sparql.client.RemoteError` with one line for a refused connection, a time-out,
    an error status (401, 403, 404, 413, 5xx ...), a count that differs from what was sent, or a
    sampled triple the store does not give back as sent.
    """
    del prefixes  # N-Triples writes every IRI in full
    if graph is not None:
        try:
            ox.NamedNode(graph)
        except ValueError:
            raise RemoteError(f"--graph {graph!r} is not an absolute IRI") from None
    if check and query_endpoint is None:
        query_endpoint = guess_query_endpoint(endpoint)
        if query_endpoint is None:
            raise RemoteError(
                f"{endpoint}: cannot tell the query endpoint of this store to check the upload."
                " Fix: give it with --query-endpoint URL, or skip the check with --no-check"
            )
    unique = list(dict.fromkeys(triples))
    kind = store_kind(endpoint)
    if chunk_size is None:
        chunk_size = VIRTUOSO_CHUNK if kind == "virtuoso" else max(1, len(unique))
    bulk = ("no_transaction",) if kind == "oxigraph" else ()
    # A streamed body (chunked transfer encoding) cannot be sent twice, as a Digest challenge needs,
    # and not every server reads one: only the Oxigraph server gets it; others get sized chunks.
    streamed = kind == "oxigraph" and chunk_size >= len(unique) and not isinstance(auth, httpx.DigestAuth)
    headers = {"Content-Type": f"{NTRIPLES}; charset=utf-8" if kind != "oxigraph" else NTRIPLES}
    started = time.monotonic()
    requests, status = 0, 0
    with client(timeout, auth) as http:
        for start in range(0, max(1, len(unique)), chunk_size):
            chunk = unique[start : start + chunk_size]
            body = ntriples(chunk, progress) if streamed else b"".join(ntriples(chunk, progress))
            method = "PUT" if start == 0 else "POST"
            response = send(
                http, method, graph_url(endpoint, graph, *bulk), "upload", content=body, headers=headers
            )
            requests, status = requests + 1, response.status_code
    stored, sampled, normalised = None, 0, []
    if check:
        stored = count_triples(query_endpoint, graph, timeout=timeout, auth=auth)
        if stored != len(unique):
            where = f"<{graph}>" if graph else "the default graph"
            raise RemoteError(
                f"{query_endpoint}: the store holds {stored} triples in {where} after the upload, but {len(unique)} were sent"
                + (
                    "; its default graph may be the union of all graphs: push into a named graph with --graph IRI"
                    if not graph and stored > len(unique)
                    else ""
                )
            )
        sampled, normalised = check_sample(
            unique, query_endpoint, graph, size=sample_size, timeout=timeout, auth=auth
        )
    return PushReport(
        endpoint,
        graph,
        len(unique),
        stored,
        status,
        time.monotonic() - started,
        requests,
        sampled,
        normalised,
    )


def sample(triples: list[ox.Triple], size: int = SAMPLE_SIZE) -> list[ox.Triple]:
    """Triples to read back: every one with an IRI of unusual characters (up to ``size``), then an even spread.

    Triples with blank nodes are left out: a store names its blank nodes as it likes.
    """
    named = [t for t in triples if not any(isinstance(term, ox.BlankNode) for term in t)]
    unusual = [t for t in named if any(not _plain_iri(term) for term in t)][:size]
    room = max(0, size - len(unusual))
    spread = named[:: max(1, len(named) // room)][:room] if room and named else []
    return list(dict.fromkeys(unusual + spread))


def check_sample(
    triples: list[ox.Triple],
    endpoint: str,
    graph: str | None,
    *,
    size: int = SAMPLE_SIZE,
    timeout: float = 60.0,
    auth: httpx.Auth | None = None,
) -> tuple[int, list[str]]:
    """Read a sample of ``triples`` back from the store and compare: (how many matched, normalisations seen).

    IRIs must come back identical; a literal may come back with a numeric datatype changed for an
    equal value (Virtuoso stores ``"1"^^xsd:decimal`` as an integer), which is reported, not refused.
    """
    chosen = sample(triples, size)
    normalised: set[str] = set()
    for start in range(0, len(chosen), _SAMPLE_BATCH):
        batch = chosen[start : start + _SAMPLE_BATCH]
        pairs = " ".join(f"({t.subject} {t.predicate})" for t in batch)
        pattern = f"VALUES (?s ?p) {{ {pairs} }} ?s ?p ?o"
        if graph:
            pattern = f"GRAPH <{graph}> {{ {pattern} }}"
        answer = query_endpoint(
            endpoint, f"SELECT ?s ?p ?o WHERE {{ {pattern} }}", timeout=timeout, auth=auth
        )
        found: dict[tuple[str, str], list] = {}
        for s, p, o in answer.solutions or []:
            found.setdefault((str(s), str(p)), []).append(o)
        for triple in batch:
            objects = found.get((str(triple.subject), str(triple.predicate)), [])
            match = next((o for o in objects if same_term(triple.object, o)), None)
            if match is None:
                raise RemoteError(
                    f"{endpoint}: the store does not give back {triple} as sent"
                    + (f" (it holds {objects[0]})" if objects else " (nothing for its subject and predicate)")
                    + "; it rewrote the triple on the way in, see docs/stores.md for this store's quirks"
                )
            if match != triple.object:
                normalised.add(f"{triple.object.datatype.value} stored as {match.datatype.value}")
    return len(chosen), sorted(normalised)


def same_term(sent: object, stored: object) -> bool:
    """Whether the store kept ``sent``: identical, or a literal of equal numeric value (datatype normalised).

    >>> xsd = "http://www.w3.org/2001/XMLSchema#"
    >>> same_term(ox.Literal("1", datatype=ox.NamedNode(xsd + "decimal")), ox.Literal("1", datatype=ox.NamedNode(xsd + "integer")))
    True
    >>> same_term(ox.NamedNode("urn:a/b"), ox.NamedNode("urn:a/B"))
    False
    """
    if sent == stored:
        return True
    if not (isinstance(sent, ox.Literal) and isinstance(stored, ox.Literal)):
        return False
    if sent.datatype.value in _NUMERIC and stored.datatype.value in _NUMERIC:
        try:
            return Decimal(sent.value) == Decimal(stored.value)
        except InvalidOperation:
            return False
    return False


def _plain_iri(term: object) -> bool:
    return not isinstance(term, ox.NamedNode) or _PLAIN_IRI.fullmatch(term.value) is not None
