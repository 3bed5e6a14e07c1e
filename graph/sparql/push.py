"""``kg push``: upload the graph to a SPARQL 1.1 Graph Store (Oxigraph server, Fuseki, GraphDB, Virtuoso ...).

The upload is an HTTP PUT, which replaces the target graph: pushing twice leaves the same
triples, never twice as many, so a failed or repeated push is simply run again. Afterwards a
SPARQL COUNT on the store's query endpoint checks that it holds exactly what was sent.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from urllib.parse import quote, urlsplit, urlunsplit

import httpx
import pyoxigraph as ox

from graph.sparql.client import RemoteError, client, count_triples, send

# Where common stores put their query endpoint, given their Graph Store endpoint (path suffixes).
_QUERY_ENDPOINT_OF = [
    ("/rdf-graphs/service", ""),  # GraphDB: /repositories/REPO/rdf-graphs/service -> /repositories/REPO
    ("/sparql-graph-crud-auth", "/sparql"),  # Virtuoso
    ("/sparql-graph-crud", "/sparql"),  # Virtuoso
    ("/store", "/query"),  # Oxigraph server
    ("/data", "/query"),  # Apache Jena Fuseki: /DATASET/data -> /DATASET/query
]


@dataclass(frozen=True)
class PushReport:
    """What a push did: where, how many triples were sent, how many the store then held (None if unchecked)."""

    endpoint: str
    graph: str | None
    sent: int
    stored: int | None
    status: int
    seconds: float

    @property
    def target(self) -> str:
        return f"<{self.graph}>" if self.graph else "the default graph"


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


def graph_url(store_url: str, graph: str | None) -> str:
    """The Graph Store Protocol URL of ``graph`` (indirect identification), or of the default graph.

    >>> graph_url("http://localhost:7878/store", None)
    'http://localhost:7878/store?default'
    >>> graph_url("http://localhost:7878/store", "https://example.org/g#1")
    'http://localhost:7878/store?graph=https%3A%2F%2Fexample.org%2Fg%231'
    """
    parameter = f"graph={quote(graph, safe='')}" if graph else "default"
    return f"{store_url}{'&' if '?' in store_url else '?'}{parameter}"


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
) -> PushReport:
    """PUT ``triples`` (as Turtle) into ``graph`` of the Graph Store at ``endpoint``, then count them there.

    Raises :class:`graph.sparql.client.RemoteError` with one line for a refused connection, a time-out,
    an error status (401, 403, 404, 413, 5xx ...) or a count that differs from what was sent.
    """
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
    body = ox.serialize(unique, format=ox.RdfFormat.TURTLE, prefixes=prefixes or None)
    started = time.monotonic()
    with client(timeout, auth) as http:
        response = send(
            http,
            "PUT",
            graph_url(endpoint, graph),
            "upload",
            content=body,
            headers={"Content-Type": "text/turtle; charset=utf-8"},
        )
    stored = None
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
    return PushReport(endpoint, graph, len(unique), stored, response.status_code, time.monotonic() - started)


_UPDATE_ENDPOINT_OF = [("/store", "/update"), ("/data", "/update")]  # Oxigraph server, Fuseki


def guess_update_endpoint(store_url: str) -> str | None:
    """The SPARQL Update endpoint that usually goes with a Graph Store endpoint, or None.

    >>> guess_update_endpoint("http://localhost:7878/store")
    'http://localhost:7878/update'
    """
    parts = urlsplit(store_url)
    path = parts.path.rstrip("/")
    for suffix, replacement in _UPDATE_ENDPOINT_OF:
        if path.endswith(suffix):
            return urlunsplit(parts._replace(path=path[: -len(suffix)] + replacement, query="", fragment=""))
    return None


@dataclass(frozen=True)
class PatchReport:
    """What applying a patch did: where, how many triples it deleted and inserted, the status and time."""

    endpoint: str
    deleted: int
    inserted: int
    status: int
    seconds: float


def push_patch(
    update: str,
    endpoint: str,
    *,
    timeout: float = 60.0,
    auth: httpx.Auth | None = None,
) -> PatchReport:
    """POST a SPARQL Update (a patch from ``kg diff --format patch``) to the store's update endpoint.

    Only the triples that changed travel, instead of the whole graph; the store applies the
    DELETE DATA and INSERT DATA of one request together.
    """
    deleted, inserted = _patch_sizes(update)
    started = time.monotonic()
    with client(timeout, auth) as http:
        response = send(
            http,
            "POST",
            endpoint,
            "update",
            content=update.encode("utf-8"),
            headers={"Content-Type": "application/sparql-update; charset=utf-8"},
        )
    return PatchReport(endpoint, deleted, inserted, response.status_code, time.monotonic() - started)


def _patch_sizes(update: str) -> tuple[int, int]:
    """Triples in the DELETE DATA and INSERT DATA blocks of a patch as ``kg diff`` writes it (one per line)."""
    counts = {"DELETE": 0, "INSERT": 0}
    block = None
    for line in update.splitlines():
        if line.startswith(("DELETE DATA", "INSERT DATA")):
            block = line.split()[0]
        elif line.endswith(" .") and block:
            counts[block] += 1
    return counts["DELETE"], counts["INSERT"]
