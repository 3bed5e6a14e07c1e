"""How long the endpoint's worker processes take: to replace one after a time-out, and per query.

Generates a graph of N triples (default 300 000) in a temporary folder, then prints, each against a
baseline measured in the same run:
  - replacing a worker: fork one that opens the on-disk store read-only (what kg serve does) versus
    one that bulk-loads the graph into memory;
  - answering a small query: through a worker (socket round trip included), and one the server
    answers itself (one triple pattern and a LIMIT), versus in-process.

    python benchmarks/endpoint_workers.py [N]
"""

from __future__ import annotations

import asyncio
import gc
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

from graph.serve.handler import QueryRequest, answer
from graph.serve.workers import WorkerPool

QUERY = "SELECT ?o WHERE { <http://bench/s7> ?p ?o FILTER(isLiteral(?o)) } LIMIT 5"  # goes to a worker
CHEAP = "SELECT ?o WHERE { <http://bench/s7> ?p ?o } LIMIT 5"  # one pattern and a LIMIT: the server answers


def median_seconds(run, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


async def worker_figures(location: str, nquads: Path) -> tuple[float, float, float, float]:
    pool = WorkerPool(location, size=1, timeout=60)
    await pool.start()  # starts the fork server once, as kg serve does at start-up
    try:
        fork_open = median_seconds(lambda: pool._stop(pool._spawn()))

        def spawn_in_memory():
            import multiprocessing

            context = multiprocessing.get_context("forkserver")
            process = context.Process(target=_load_in_memory, args=(str(nquads),))
            process.start()
            process.join(120)

        fork_load = median_seconds(spawn_in_memory, repeat=3)
        medians = []
        for query in (QUERY, CHEAP):
            round_trips = []
            for _ in range(50):
                started = time.perf_counter()
                reply = await pool.submit(QueryRequest(query))
                round_trips.append(time.perf_counter() - started)
                assert reply.status == 200
            medians.append(statistics.median(round_trips))
        return fork_open, fork_load, *medians
    finally:
        await pool.close()


def in_process_query(location: str, nquads: Path) -> float:
    """Build the on-disk store the workers will open, and time the query on it in this process."""
    store = ox.Store(location)
    store.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
    return median_seconds(lambda: answer(store, QueryRequest(QUERY)), repeat=50)


def _load_in_memory(path: str) -> None:
    store = ox.Store()
    store.bulk_load(path=path, format=ox.RdfFormat.N_QUADS)


def main(count: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        nquads = Path(folder) / "graph.nq"
        with nquads.open("w") as out:
            for i in range(count):
                out.write(f'<http://bench/s{i % 5000}> <http://bench/p{i % 17}> "value {i}" .\n')
        location = str(Path(folder) / "store")
        in_process = in_process_query(location, nquads)
        gc.collect()  # the store must be closed before the workers open it
        fork_open, fork_load, round_trip, cheap = asyncio.run(worker_figures(location, nquads))
    print(f"graph: {count} triples")
    print(f"replace a worker, on-disk store opened read-only: {fork_open * 1000:8.1f} ms")
    print(f"replace a worker, graph bulk-loaded into memory:  {fork_load * 1000:8.1f} ms  (baseline)")
    print(f"  ratio: {fork_open / fork_load:.3f}")
    print(f"small query in-process:                           {in_process * 1000:8.2f} ms  (baseline)")
    print(f"small query through a worker:                     {round_trip * 1000:8.2f} ms")
    print(f"  ratio: {round_trip / in_process:.2f}")
    print(f"one-pattern LIMIT query, answered by the server:  {cheap * 1000:8.2f} ms")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 300_000)
