"""The queries `kg serve` answers in its own process (bounded ones) against the same queries through a
worker: identical answers, and every query whose cost is not bounded still goes to a worker, under
the time limit."""

from __future__ import annotations

import asyncio
import concurrent.futures

import pyoxigraph as ox
import pytest

from graph.serve.handler import (
    IN_PROCESS_ENTRIES,
    IN_PROCESS_ROWS,
    Cardinalities,
    QueryRequest,
    bounded_patterns,
)
from graph.serve.workers import WorkerPool

E = "http://e.org/"
HUB = f"<{E}hub>"  # more out-edges, all to literals, than a pattern may match in the server


def _run(coroutine):
    """``asyncio.run`` in a thread of its own: the browser tests' session-wide Playwright keeps an
    event loop running in the main thread while the rest of the suite runs."""
    with concurrent.futures.ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, coroutine).result()


def _store(path) -> str:
    """A store of 40 entities each linked to 3 others and with 2 literals, and a hub with many literals."""
    quads = []
    for i in range(40):
        subject = ox.NamedNode(f"{E}n{i}")
        for j in (1, 2, 3):
            quads.append(ox.Quad(subject, ox.NamedNode(f"{E}link"), ox.NamedNode(f"{E}n{(i * 7 + j) % 40}")))
        quads.append(ox.Quad(subject, ox.NamedNode(f"{E}name"), ox.Literal(f"node {i}", language="en")))
        quads.append(
            ox.Quad(
                subject,
                ox.NamedNode(f"{E}size"),
                ox.Literal(str(i), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
            )
        )
    hub = ox.NamedNode(f"{E}hub")
    quads += [ox.Quad(hub, ox.NamedNode(f"{E}v"), ox.Literal(str(k))) for k in range(200_000)]
    quads.append(ox.Quad(hub, ox.NamedNode(f"{E}link"), ox.NamedNode(f"{E}n1")))
    location = str(path / "store")
    store = ox.Store(location)
    store.bulk_extend(quads)
    store.flush()
    del store
    return location


@pytest.fixture(scope="module")
def store_path(tmp_path_factory):
    return _store(tmp_path_factory.mktemp("in-process"))


async def _answers(store_path, requests, in_process: bool, timeout: float = 20):
    pool = WorkerPool(store_path, size=1, timeout=timeout, max_rows=10_000, in_process=in_process)
    await pool.start()
    try:
        return [await pool.submit(request) for request in requests], pool.answered_in_process
    finally:
        await pool.close()


BOUNDED = [
    f"SELECT ?p ?o WHERE {{ <{E}n3> ?p ?o }} LIMIT 20",
    f"SELECT ?x ?y WHERE {{ <{E}n3> ?p ?x . ?x ?q ?y }} LIMIT 50",
    f"SELECT * {{ <{E}n5> <{E}link> ?x . ?x <{E}name> ?name }} LIMIT 3",
    f"SELECT ?s WHERE {{ ?s <{E}link> ?x . ?x <{E}link> <{E}n9> }} LIMIT 10",
    f"SELECT ?x ?y WHERE {{ {HUB} <{E}link> ?x . ?x ?q ?y }} LIMIT 50",  # the hub, by its one link
]


@pytest.mark.parametrize(
    "accept",
    [
        None,
        "application/sparql-results+json",
        "application/sparql-results+xml",
        "text/csv",
        "text/tab-separated-values",
    ],
)
def test_bounded_queries_answered_in_the_server_are_byte_identical_to_a_workers(store_path, accept):
    requests = [QueryRequest(text, accept, base_iri="http://127.0.0.1/sparql") for text in BOUNDED]
    here, answered_here = _run(_answers(store_path, requests, in_process=True))
    there, answered_there = _run(_answers(store_path, requests, in_process=False))
    assert answered_here == len(BOUNDED) and answered_there == 0
    for text, mine, workers in zip(BOUNDED, here, there, strict=True):
        assert mine.status == workers.status == 200, (text, mine.body)
        assert (mine.media_type, mine.body) == (workers.media_type, workers.body), text
    assert len(here[1].body) > len(here[0].body) > 100  # both have rows, the join more


SHAPED_LIKE_THEM = [
    # the hub has more matches than the server may read: the count says so
    f"SELECT ?x ?y WHERE {{ {HUB} ?p ?x . ?x ?q ?y }} LIMIT 50",
    # no constant: either pattern is a whole scan
    "SELECT ?x ?y WHERE { ?s ?p ?x . ?x ?q ?y } LIMIT 50",
    # a repeated variable filters the inner range: each entry is not a solution
    f"SELECT ?x WHERE {{ {HUB} ?p ?x . ?x ?q ?x }} LIMIT 5",
    # no common variable: a cross product
    f"SELECT * WHERE {{ {HUB} ?p ?x . ?y ?q ?z }} LIMIT 5",
]


@pytest.mark.parametrize("text", SHAPED_LIKE_THEM)
def test_an_expensive_query_shaped_like_the_bounded_ones_goes_to_a_worker_and_times_out(store_path, text):
    replies, answered_here = _run(_answers(store_path, [QueryRequest(text)], in_process=True, timeout=0.05))
    assert answered_here == 0
    assert replies[0].status == 503 and b"time limit" in replies[0].body


def test_the_count_stops_past_the_cap_and_reads_the_default_graph_only(tmp_path):
    store = ox.Store()
    hub = ox.NamedNode(f"{E}hub")
    store.extend(ox.Quad(hub, ox.NamedNode(f"{E}v"), ox.Literal(str(k))) for k in range(30))
    store.extend(
        ox.Quad(hub, ox.NamedNode(f"{E}v"), ox.Literal(f"g{k}"), ox.NamedNode(f"{E}g")) for k in range(30)
    )
    assert Cardinalities(store, cap=10)((HUB, "?p", "?o")) == 11
    assert Cardinalities(store, cap=100)((HUB, "?p", "?o")) == 30
    assert Cardinalities(store, cap=100)((HUB, f"<{E}v>", "?o")) == 30
    assert Cardinalities(store, cap=100)(("?s", f"<{E}none>", "?o")) == 0


@pytest.mark.parametrize(
    "text",
    [
        f"SELECT ?x ?y {{ <{E}a/../hub> ?p ?x . ?x ?q ?y }} LIMIT 5",  # a dot segment: resolution rewrites it
        "SELECT ?x ?y { <relative> ?p ?x . ?x ?q ?y } LIMIT 5",
        f"SELECT ?x ?y {{ <{E}s> ?p ?x . ?x ?q ?y }} LIMIT {IN_PROCESS_ENTRIES + 1}",
        f"SELECT ?p ?o {{ <{E}s> ?p ?o }} LIMIT {IN_PROCESS_ROWS + 1}",  # even when --max-rows is off
        f"SELECT ?x ?y {{ <{E}s> ?p ?x . ?x ?q ?y . ?y ?r ?z }} LIMIT 5",
        f"SELECT DISTINCT ?x {{ <{E}s> ?p ?x . ?x ?q ?y }} LIMIT 5",
        f"SELECT ?x ?y {{ <{E}s> ?p ?x . ?x ?q ?y FILTER(?y > 1) }} LIMIT 5",
    ],
)
def test_shapes_the_bound_does_not_cover_are_not_cleared(text):
    assert bounded_patterns(text, None) is None


def test_every_pattern_with_a_constant_is_counted(store_path):
    """Whichever pattern Oxigraph starts with, its matches are bounded: here the second pattern is the
    hub's (too many), so the query goes to a worker even though the first is small."""
    text = f"SELECT * {{ <{E}n1> ?p ?x . {HUB} ?x ?y }} LIMIT 5"
    assert bounded_patterns(text, 10_000) is not None
    _, answered_here = _run(_answers(store_path, [QueryRequest(text)], in_process=True))
    assert answered_here == 0
