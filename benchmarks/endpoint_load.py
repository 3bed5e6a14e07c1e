"""`kg serve` against `oxigraph serve-read-only` on the same data in the same run: 16 clients, cheap lookups and
two-hop joins, for a fixed time. Prints requests per second, p50 and p99 latency, failures and the
servers' memory (resident, every process of the server summed).

    python benchmarks/endpoint_load.py [ROWS] [SECONDS] [CLIENTS]      # defaults: 20000 10 16
"""

from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import pyoxigraph as ox

BIN = Path(sys.executable).parent


def _tree_rss_mib(pid: int) -> float:
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                parents[int(entry.name)] = int(fields[1])
                rss[int(entry.name)] = int(fields[21])
            except (OSError, ValueError, IndexError):
                continue
    tree, frontier = {pid}, {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - tree
        tree |= frontier

    return sum(rss.get(p, 0) for p in tree) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _wait(url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server stopped: {process.args}")
        try:
            httpx.get(url, params={"query": "ASK {}"}, timeout=2)
            return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise RuntimeError("the server did not start")


def load(url: str, queries: list[str], seconds: float, clients: int) -> dict:
    latencies: list[float] = []
    failures = [0]
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def client(seed: int) -> None:
        rng = random.Random(seed)
        mine, failed = [], 0
        with httpx.Client(timeout=30) as http:
            while time.monotonic() < stop_at:
                started = time.perf_counter()
                try:
                    ok = (
                        http.get(
                            url,
                            params={"query": rng.choice(queries)},
                            headers={"Accept": "application/sparql-results+json"},
                        ).status_code
                        == 200
                    )
                except httpx.HTTPError:
                    ok = False
                mine.append(time.perf_counter() - started)
                failed += not ok
        with lock:
            latencies.extend(mine)
            failures[0] += failed

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies.sort()
    return {
        "req/s": len(latencies) / seconds,
        "p50 ms": statistics.median(latencies) * 1000,
        "p99 ms": latencies[int(len(latencies) * 0.99)] * 1000,
        "failed": failures[0],
        "requests": len(latencies),
    }


def main(rows: int = 20_000, seconds: float = 10.0, clients: int = 16) -> None:
    folder = Path(tempfile.mkdtemp(prefix="kg-load-"))
    subprocess.run(
        [BIN / "kg", "synth", str(rows), "--out", str(folder / "data")], check=True, capture_output=True
    )
    subprocess.run(
        [
            BIN / "kg",
            "build",
            str(folder / "data" / "triples.csv"),
            "--vocabulary",
            str(folder / "data" / "vocabulary.ttl"),
            "--no-shapes",
            "--format",
            "ntriples",
            "--out",
            str(folder / "out"),
            "-q",
        ],
        check=True,
    )
    nt = folder / "out" / "graph.nt"
    subjects = sorted(
        {
            str(q.subject)
            for q in ox.parse(path=str(nt), format=ox.RdfFormat.N_TRIPLES)
            if "/entity/" in str(q.subject)
        }
    )
    rng = random.Random(7)
    picks = rng.sample(subjects, min(200, len(subjects)))
    queries = [f"SELECT ?p ?o WHERE {{ {s} ?p ?o }} LIMIT 20" for s in picks]
    queries += [f"SELECT ?x ?y WHERE {{ {s} ?p ?x . ?x ?q ?y }} LIMIT 50" for s in picks]
    triples = sum(1 for _ in open(nt, encoding="utf-8"))
    subprocess.run(
        [BIN / "oxigraph", "load", "--location", str(folder / "db"), "--file", str(nt)],
        check=True,
        capture_output=True,
    )
    results = {}
    for name, command, url in (
        (
            "kg serve",
            [BIN / "kg", "serve", "--rdf", str(nt), "--port", "7961", "-q"],
            "http://127.0.0.1:7961/sparql",
        ),
        (
            "oxigraph serve-read-only",
            [
                BIN / "oxigraph",
                "serve-read-only",
                "--location",
                str(folder / "db"),
                "--bind",
                "127.0.0.1:7962",
            ],
            "http://127.0.0.1:7962/query",
        ),
    ):
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            _wait(url, process)
            load(url, queries, 2, clients)  # warm up
            results[name] = load(url, queries, seconds, clients)
            results[name]["MiB"] = _tree_rss_mib(process.pid)
        finally:
            process.terminate()
            process.wait(20)
    print(
        f"{triples} triples, {clients} clients, {seconds:g} s each, cheap lookups and two-hop joins (half each)\n"
    )
    print("| server | req/s | p50 ms | p99 ms | failed | memory MiB |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, r in results.items():
        print(
            f"| {name} | {r['req/s']:.0f} | {r['p50 ms']:.1f} | {r['p99 ms']:.1f} | {r['failed']} | {r['MiB']:.0f} |"
        )
    ratio = results["kg serve"]["req/s"] / results["oxigraph serve-read-only"]["req/s"]
    print(f"\nkg serve / oxigraph: {ratio:.2f} of the requests per second")


if __name__ == "__main__":
    main(
        *(int(sys.argv[1]) if i == 0 else float(a) if i == 1 else int(a) for i, a in enumerate(sys.argv[1:]))
    )
