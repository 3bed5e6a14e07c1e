"""``kg push`` timed against real stores: the Oxigraph server and Virtuoso, on loopback ports.

``python -m benchmarks.push GRAPH.nt [--stores oxigraph,virtuoso] [--runs N]`` prints one JSON object.
Each push is a fresh ``kg push --rdf GRAPH.nt`` process, timed from start to exit (reading the
file, the upload, the count and the sampled read-back), with its peak memory. On the Oxigraph
server the push runs twice: into an empty store, then again over the graph it holds (the
replacement a user makes after a rebuild), into its default graph: the server clears a default
graph at once, but a named graph triple by triple (a million triples took minutes), whoever
asks. Virtuoso gets a named graph (its default graph is the union of all). Each server has its own temporary folder and is
stopped afterwards; the servers are started as the tests start them (tests/support/servers.py).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.support.servers import (
    KG,
    VIRTUOSO,
    VIRTUOSO_PASSWORD,
    VIRTUOSO_USER,
    oxigraph_serve,
    virtuoso_serve,
)

GRAPH_IRI = "https://example.org/ningbo-kg/graph"
ROOT = Path(__file__).resolve().parent.parent


def measured(command: list[str], env: dict) -> tuple[float, int, str]:
    """Wall seconds, peak RSS and stderr of ``command``, run by :mod:`benchmarks.measure`; a failure raises."""
    found = subprocess.run(
        [sys.executable, "-m", "benchmarks.measure", *command],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    result = json.loads(found.stdout.strip().splitlines()[-1]) if found.stdout.strip() else {"exit": -1}
    if result["exit"] != 0:
        raise RuntimeError(f"{' '.join(command)} failed: {found.stderr.strip()[-1000:]}")
    return result["seconds"], result["peak_rss_bytes"], found.stderr


def push(graph: Path, endpoint: str, *extra: str, env: dict | None = None) -> dict:
    """One ``kg push`` of ``graph`` to ``endpoint``: wall seconds, peak RSS and what it reported."""
    command = [KG, "push", "--rdf", str(graph), "--endpoint", endpoint, "--timeout", "600", *extra]
    seconds, rss, stderr = measured(command, env={**os.environ, **(env or {})})
    return {
        "seconds": seconds,
        "peak_rss_bytes": rss,
        "report": stderr.strip().splitlines()[-1] if stderr.strip() else "",
    }


def run(graph: Path, stores: list[str], runs: int, log=lambda text: None) -> list[dict]:
    """Every push measurement: (store, case, seconds ...) rows."""
    results = []
    with tempfile.TemporaryDirectory(prefix="kg-push-bench-") as folder:
        if "oxigraph" in stores:
            for attempt in range(runs):
                with oxigraph_serve(Path(folder) / f"oxigraph-{attempt}") as url:
                    for case in ("into an empty store", "replacing the graph"):
                        found = push(graph, f"{url}/store")
                        results.append({"store": "oxigraph", "case": case, **found})
                        log(
                            f"  push to the Oxigraph server, {case}: {found['seconds']:.1f} s, {found['peak_rss_bytes'] / 2**20:.0f} MiB"
                        )
        if "virtuoso" in stores:
            if VIRTUOSO is None:
                log("  Virtuoso is not installed: its push is not measured")
            else:
                env = {"KG_USER": VIRTUOSO_USER, "KG_PASSWORD": VIRTUOSO_PASSWORD}
                for attempt in range(runs):
                    with virtuoso_serve(Path(folder) / f"virtuoso-{attempt}") as url:
                        found = push(
                            graph,
                            f"{url}/sparql-graph-crud-auth",
                            *("--auth", "digest", "--graph", GRAPH_IRI),
                            env=env,
                        )
                        results.append({"store": "virtuoso", "case": "into an empty store", **found})
                        log(
                            f"  push to Virtuoso: {found['seconds']:.1f} s, {found['peak_rss_bytes'] / 2**20:.0f} MiB"
                        )
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("graph", type=Path, help="an N-Triples file to push")
    parser.add_argument("--stores", default="oxigraph,virtuoso")
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    results = run(
        args.graph,
        args.stores.split(","),
        args.runs,
        log=lambda text: print(text, file=sys.stderr, flush=True),
    )
    print(json.dumps({"pushes": results, "seconds": time.perf_counter() - started}, indent=1))


if __name__ == "__main__":
    main()
