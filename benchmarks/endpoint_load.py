"""`kg serve` against `oxigraph serve-read-only` on the same data in the same run: 16 clients, cheap lookups and
two-hop joins, for a fixed time. Prints requests per second, p50 and p99 latency, failures and the
servers' memory (resident, every process of the server summed). Both servers run at once and are
loaded in alternating turns, so that the rest of a shared machine's load falls on both alike.

    python benchmarks/endpoint_load.py [ROWS] [SECONDS] [CLIENTS]      # defaults: 20000 10 16

With ``KG_SERVE_BEFORE=DIR`` (a source tree holding ``graph/``, e.g. ``git archive COMMIT graph | tar -x
-C DIR``), a third server, ``kg serve`` run from that tree, takes its turns in the same run: a change
measured before and after under the same load.
"""

from __future__ import annotations

import asyncio
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

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
    """``clients`` keep-alive connections, each sending the next query as soon as the last is answered.

    The clients are asyncio tasks on raw sockets in this one process: a client costs far less CPU
    than a server's request, so on a small machine the figures are the servers', not the load
    generator's (16 httpx threads take most of a core by themselves)."""
    return asyncio.run(_load(url, queries, seconds, clients))


async def _load(url: str, queries: list[str], seconds: float, clients: int) -> dict:
    parts = urlsplit(url)
    requests = [
        (
            f"GET {parts.path}?{urlencode({'query': query})} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
            "Accept: application/sparql-results+json\r\n\r\n"
        ).encode()
        for query in queries
    ]
    latencies: list[float] = []
    failures = [0]
    stop_at = time.monotonic() + seconds

    async def client(seed: int) -> None:
        rng = random.Random(seed)
        reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
        try:
            while time.monotonic() < stop_at:
                started = time.perf_counter()
                writer.write(rng.choice(requests))
                try:
                    status, close = await _response(reader)
                except (OSError, asyncio.IncompleteReadError, ValueError):
                    status, close = 0, True
                latencies.append(time.perf_counter() - started)
                failures[0] += status != 200
                if close:
                    writer.close()
                    reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
        finally:
            writer.close()

    await asyncio.gather(*(client(i) for i in range(clients)))
    latencies.sort()
    return {
        "req/s": len(latencies) / seconds,
        "latencies": latencies,
        "failed": failures[0],
        "requests": len(latencies),
    }


async def _response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    """Read one HTTP/1.1 response (Content-Length or chunked): its status, and whether the server closes."""
    head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").lower()
    status = int(head.split(" ", 2)[1])
    headers = dict(line.split(":", 1) for line in head.split("\r\n")[1:] if ":" in line)
    headers = {key.strip(): value.strip() for key, value in headers.items()}
    if headers.get("transfer-encoding") == "chunked":
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    else:
        await reader.readexactly(int(headers.get("content-length", "0")))
    return status, headers.get("connection") == "close"


def main(rows: int = 20_000, seconds: float = 10.0, clients: int = 16, rounds: int = 4) -> None:
    """Serve one generated graph with both servers at once and load them in turns: ``rounds`` rounds
    of ``seconds / rounds`` each, so that what else the machine does weighs on both alike."""
    folder = Path(tempfile.mkdtemp(prefix="kg-load-"))
    try:
        _main(folder, rows, seconds, clients, rounds)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _main(folder: Path, rows: int, seconds: float, clients: int, rounds: int) -> None:
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
    servers = {
        "kg serve": (
            [BIN / "kg", "serve", "--rdf", str(nt), "--port", "7961", "-q"],
            "http://127.0.0.1:7961/sparql",
        ),
        "oxigraph serve-read-only": (
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
    }
    before = os.environ.get("KG_SERVE_BEFORE")
    if before:
        servers["kg serve (before)"] = (
            [BIN / "kg", "serve", "--rdf", str(nt), "--port", "7963", "-q"],
            "http://127.0.0.1:7963/sparql",
        )
    processes = {}
    results: dict[str, dict] = {name: {"latencies": [], "failed": 0, "requests": 0} for name in servers}
    try:
        for name, (command, url) in servers.items():
            env = {**os.environ, "PYTHONPATH": before} if name == "kg serve (before)" else None
            processes[name] = subprocess.Popen(
                command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env
            )
            _wait(url, processes[name])
            load(url, queries, 2, clients)  # warm up
        for _ in range(rounds):
            for name, (_, url) in servers.items():
                round_result = load(url, queries, seconds / rounds, clients)
                for key in ("latencies", "failed", "requests"):
                    results[name][key] += round_result[key]
        for name, process in processes.items():
            results[name]["MiB"] = _tree_rss_mib(process.pid)
    finally:
        for process in processes.values():
            process.terminate()
            process.wait(20)
    print(
        f"{triples} triples, {clients} clients, {seconds:g} s each in {rounds} turns,"
        " cheap lookups and two-hop joins (half each)\n"
    )
    print("| server | req/s | p50 ms | p99 ms | failed | memory MiB |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, r in results.items():
        latencies = sorted(r["latencies"])
        r["req/s"] = r["requests"] / seconds
        p50, p99 = statistics.median(latencies) * 1000, latencies[int(len(latencies) * 0.99)] * 1000
        print(f"| {name} | {r['req/s']:.0f} | {p50:.1f} | {p99:.1f} | {r['failed']} | {r['MiB']:.0f} |")
    print()
    for name in ("kg serve", "kg serve (before)"):
        if name in results:
            ratio = results[name]["req/s"] / results["oxigraph serve-read-only"]["req/s"]
            print(f"{name} / oxigraph: {ratio:.2f} of the requests per second")


if __name__ == "__main__":
    main(
        *(int(sys.argv[1]) if i == 0 else float(a) if i == 1 else int(a) for i, a in enumerate(sys.argv[1:]))
    )
