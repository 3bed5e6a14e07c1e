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
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from itertools import filterfalse, islice
from urllib.parse import quote, urlsplit, urlunsplit

import httpx
import pyoxigraph as ox

from graph.errors import KnowledgeGraphError
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
    return _sibling_endpoint(store_url, _QUERY_ENDPOINT_OF)


def graph_url(store_url: str, graph: str | None, *extra: str) -> str:
    """The Graph Store Protocol URL of ``graph`` (indirect identification), or of the default graph.

    >>> graph_url("http://localhost:7878/store", None)
    'http://localhost:7878/store?default'
    >>> graph_url("http://localhost:7878/store", "https://example.org/g#1")
    'http://localhost:7878/store?graph=https%3A%2F%2Fexample.org%2Fg%231'
    """
    parameters = [f"graph={quote(graph, safe='')}" if graph else "default", *extra]
    return f"{store_url}{'&' if '?' in store_url else '?'}{'&'.join(parameters)}"


def ntriples(triples: Iterable[ox.Triple]) -> Iterator[bytes]:
    """``triples`` as N-Triples, ``BATCH`` at a time (Oxigraph's printing, one way to write each triple)."""
    iterator = iter(triples)
    while batch := list(islice(iterator, BATCH)):
        yield ox.serialize(batch, format=ox.RdfFormat.N_TRIPLES)


def push_triples(triples: Iterable[ox.Triple], endpoint: str, **options) -> PushReport:
    """Send pyoxigraph ``triples`` into a Graph Store and check them there: :func:`push_ntriples` of their N-Triples."""
    return push_ntriples(ntriples(triples), endpoint, **options)


def push_ntriples(
    chunks: Iterable[str | bytes],
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
    distinct: bool = False,
) -> PushReport:
    """Send N-Triples ``chunks`` into ``graph`` of the Graph Store at ``endpoint``, then check them there.

    ``chunks`` are pieces of whole lines in canonical N-Triples (one way to write each triple, as
    Oxigraph and :mod:`graph.model.ntriples` print it), so a repeated triple is a repeated line:
    they are read once, as they are sent, and never held together. ``distinct`` says no line
    repeats (skips counting distinct lines). ``chunk_size`` is the number of triples per request
    (default: all in one streamed request, or 100,000 for Virtuoso); ``progress`` is called with
    the number of triples sent since its last call. ``prefixes`` is accepted for callers that have
    them; N-Triples has no use for them.

    The Oxigraph server gets its bulk path: the graph is cleared with DELETE, then the triples
    are streamed in one POST with ``no_transaction`` (a PUT onto a graph that holds triples took
    four times as long). Other stores get a PUT, which replaces the graph, then POSTs.

    Raises :class:`graph.sparql.client.RemoteError` with one line for a refused connection, a time-out,
    an error status (401, 403, 404, 413, 5xx ...), a count that differs from what was sent, or a
    sampled triple the store does not give back as sent; an upload cut short says the store now
    holds part of the graph. Never returns unless every request succeeded.
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
    kind = store_kind(endpoint)
    if chunk_size is None and kind == "virtuoso":
        chunk_size = VIRTUOSO_CHUNK
    tally = Tally(sample_size, distinct)
    lines = tally.lines_of(chunks, progress)
    # A streamed body (chunked transfer encoding) cannot be sent twice, as a Digest challenge needs,
    # and not every server reads one: only the Oxigraph server gets it; others get sized requests.
    streamed = kind == "oxigraph" and chunk_size is None and not isinstance(auth, httpx.DigestAuth)
    headers = {"Content-Type": f"{NTRIPLES}; charset=utf-8" if kind != "oxigraph" else NTRIPLES}
    target = graph_url(endpoint, graph)
    started = time.monotonic()
    requests, status = 0, 0
    with client(timeout, auth) as http:
        if kind == "oxigraph":
            # 404: a named graph that does not exist yet, which is as good as cleared
            send(http, "DELETE", target, "upload", allow=(404,))
            target = graph_url(endpoint, graph, "no_transaction")
        uploads = 0
        try:
            for body in [lines] if streamed else requests_of(lines, chunk_size or VIRTUOSO_CHUNK):
                # PUT replaces the graph; the rest add to it (the Oxigraph server's graph is cleared already)
                method = "PUT" if uploads == 0 and kind != "oxigraph" else "POST"
                response = send(http, method, target, "upload", content=body, headers=headers)
                uploads += 1
                requests, status = requests + 1, response.status_code
        except KnowledgeGraphError as exc:  # the store failed, or the source did (a bad line in an RDF file)
            if kind == "oxigraph" or uploads:
                raise type(exc)(f"{exc}; {_PARTIAL}") from None
            raise
        if uploads == 0 and kind != "oxigraph":  # an empty graph: still replace what the store holds
            response = send(http, "PUT", target, "upload", content=b"", headers=headers)
            requests, status = requests + 1, response.status_code
    sent = tally.distinct
    stored, sampled, normalised = None, 0, []
    if check:
        stored = count_triples(query_endpoint, graph, timeout=timeout, auth=auth)
        if stored != sent:
            where = f"<{graph}>" if graph else "the default graph"
            raise RemoteError(
                f"{query_endpoint}: the store holds {stored} triples in {where} after the upload, but {sent} were sent"
                + (
                    "; its default graph may be the union of all graphs: push into a named graph with --graph IRI"
                    if not graph and stored > sent
                    else ""
                )
            )
        sampled, normalised = check_sample(tally.sample(), query_endpoint, graph, timeout=timeout, auth=auth)
    return PushReport(
        endpoint, graph, sent, stored, status, time.monotonic() - started, requests, sampled, normalised
    )


_PARTIAL = "the upload stopped part way, so the store holds part of the graph: push again"


def requests_of(lines: Iterator[bytes], size: int) -> Iterator[bytes]:
    """The bodies of sized requests: ``lines`` (pieces of whole lines) joined ``size`` triples at a time."""
    pending: list[bytes] = []
    count = 0
    for piece in lines:
        count += piece.count(b"\n")
        pending.append(piece)
        while count >= size:
            text = b"".join(pending)
            cut = _line_end(text, size)
            yield text[:cut]
            rest = text[cut:]
            pending, count = ([rest] if rest else []), count - size
    if pending:
        yield b"".join(pending)


def _line_end(text: bytes, lines: int) -> int:
    """The offset just after the ``lines``-th newline of ``text``."""
    position = 0
    for _ in range(lines):
        position = text.index(b"\n", position) + 1
    return position


class Tally:
    """What the push learns from the lines as they go by: how many, how many distinct, and a sample.

    The sample has two halves, each an even spread over a stream of unknown length (every
    ``step``-th line is kept; when twice the room is kept, every other one is dropped and the step
    doubles): one over the lines whose IRIs or literals hold characters a store might rewrite
    (outside ASCII, escapes, IRI characters beyond the plain ones), one over all lines.
    """

    def __init__(self, size: int = SAMPLE_SIZE, distinct: bool = False):
        self.size = size
        self.count = 0
        self._hashes: set[int] | None = None if distinct else set()
        self._spread: list[bytes] = []
        self._step = 1
        self._unusual: list[bytes] = []
        self._unusual_step = 1
        self._unusual_seen = 0

    @property
    def distinct(self) -> int:
        """How many distinct triples went by."""
        return self.count if self._hashes is None else len(self._hashes)

    def lines_of(self, chunks: Iterable[str | bytes], progress: Progress | None = None) -> Iterator[bytes]:
        """``chunks`` as UTF-8 bytes, each counted and sampled on its way; ``progress`` hears of each."""
        for chunk in chunks:
            data = chunk.encode() if isinstance(chunk, str) else chunk
            if not data:
                continue
            added = self.take(data)
            yield data
            if progress:
                progress(added)

    def take(self, data: bytes) -> int:
        """Count and sample one piece of whole lines; return how many lines it holds."""
        lines = data.split(b"\n")
        if not lines[-1]:
            lines.pop()
        room = max(1, self.size)  # the spread fills what the unusual lines leave of the sample
        self._spread.extend(lines[(-self.count) % self._step :: self._step])
        while len(self._spread) >= 2 * room:
            self._spread, self._step = self._spread[::2], self._step * 2
        self.count += len(lines)
        if self._hashes is not None:
            self._hashes.update(map(hash, lines))
        unusual = list(filterfalse(bytes.isascii, lines))
        if b"\\" in data:
            unusual.extend(line for line in lines if b"\\" in line)
        for found in _UNUSUAL_IRI.finditer(data):
            start = data.rfind(b"\n", 0, found.start()) + 1
            end = data.find(b"\n", found.end())
            unusual.append(data[start : len(data) if end < 0 else end])
        if unusual:
            unusual = list(dict.fromkeys(unusual))
            self._unusual.extend(unusual[(-self._unusual_seen) % self._unusual_step :: self._unusual_step])
            self._unusual_seen += len(unusual)
            while len(self._unusual) >= 2 * max(1, self.size // 2):
                self._unusual, self._unusual_step = self._unusual[::2], self._unusual_step * 2
        return len(lines)

    def sample(self) -> list[ox.Triple]:
        """The triples to read back: an even spread of the unusual ones, then of all; none with a blank node
        (a store names its blank nodes as it likes)."""
        unusual = list(dict.fromkeys(_even(self._unusual, self.size // 2)))
        taken = set(unusual)
        chosen = unusual + _even(
            [line for line in dict.fromkeys(self._spread) if line not in taken], self.size - len(unusual)
        )
        quads = ox.parse(b"\n".join(chosen) + b"\n", format=ox.RdfFormat.N_TRIPLES) if chosen else []
        triples = [quad.triple for quad in quads]
        named = [t for t in triples if not any(isinstance(term, ox.BlankNode) for term in t)]
        return named[: self.size]


def _even(items: list, size: int) -> list:
    """At most ``size`` of ``items``, spread evenly from first to last."""
    if len(items) <= size:
        return list(items)
    return [items[i * len(items) // size] for i in range(size)]


# An IRI with a character beyond the plain ones (possessive: no backtracking); lines outside ASCII
# or with an escape are found without a regular expression, which is slower at that.
_UNUSUAL_IRI = re.compile(rb"""<[A-Za-z0-9\-._~:/#?=&%]*+[^A-Za-z0-9\-._~:/#?=&%>\s"]""")


def sample(triples: list[ox.Triple], size: int = SAMPLE_SIZE) -> list[ox.Triple]:
    """Triples to read back from ``triples`` (as :meth:`Tally.sample` chooses them from a stream).

    >>> t = ox.Triple(ox.NamedNode("urn:x:宁波"), ox.NamedNode("urn:x:p"), ox.Literal("1"))
    >>> sample([t]) == [t]
    True
    """
    tally = Tally(size)
    for block in ntriples(triples):
        tally.take(block)
    return tally.sample()


def check_sample(
    chosen: list[ox.Triple],
    endpoint: str,
    graph: str | None,
    *,
    timeout: float = 60.0,
    auth: httpx.Auth | None = None,
) -> tuple[int, list[str]]:
    """Read ``chosen`` triples back from the store and compare: (how many matched, normalisations seen).

    IRIs must come back identical; a literal may come back with a numeric datatype changed for an
    equal value (Virtuoso stores ``"1"^^xsd:decimal`` as an integer), or in the canonical form of
    its value (Oxigraph stores ``"54.40"^^xsd:decimal`` as ``54.4``), which is reported, not refused.
    """
    normalised: dict[tuple[str, str], str] = {}
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
            match = next((o for o in objects if o == triple.object), None) or next(
                (o for o in objects if same_term(triple.object, o)), None
            )
            if match is None:
                raise RemoteError(
                    f"{endpoint}: the store does not give back {triple} as sent"
                    + (f" (it holds {objects[0]})" if objects else " (nothing for its subject and predicate)")
                    + "; it rewrote the triple on the way in, see docs/stores.md for this store's quirks"
                )
            if match != triple.object:
                sent_type, stored_type = triple.object.datatype.value, match.datatype.value
                normalised.setdefault(
                    (sent_type, stored_type),
                    f"{sent_type} stored as {stored_type}"
                    if sent_type != stored_type
                    else f"{sent_type} in canonical form ({triple.object.value} as {match.value})",
                )
    return len(chosen), sorted(normalised.values())


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


_UPDATE_ENDPOINT_OF = [("/store", "/update"), ("/data", "/update")]  # Oxigraph server, Fuseki


def guess_update_endpoint(store_url: str) -> str | None:
    """The SPARQL Update endpoint that usually goes with a Graph Store endpoint, or None.

    >>> guess_update_endpoint("http://localhost:7878/store")
    'http://localhost:7878/update'
    """
    return _sibling_endpoint(store_url, _UPDATE_ENDPOINT_OF)


def _sibling_endpoint(store_url: str, suffixes: list[tuple[str, str]]) -> str | None:
    """``store_url`` with the first matching path suffix replaced (query and fragment dropped), or None."""
    parts = urlsplit(store_url)
    path = parts.path.rstrip("/")
    for suffix, replacement in suffixes:
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
