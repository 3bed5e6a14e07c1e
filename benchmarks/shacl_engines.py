"""The two SHACL engines on one synthetic build: seconds each, and whether they agree.

Usage: python benchmarks/shacl_engines.py [ROWS]   (default 100000; writes benchmarks/out/synth-ROWS)

Makes the dataset with ``kg synth`` (same bytes for the same size), builds it once, then checks
it against data/shapes.ttl with the fast engine and with pyshacl, in that order, in this process.
Both wall-clock and CPU seconds are printed: on a shared machine the CPU time is the steadier one.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from graph import shacl
from graph.defaults import DEFAULT_SHAPES
from graph.ingest import load_facts
from graph.model.build import build_graph
from graph.model.vocabulary import load_vocabulary

ROOT = Path(__file__).resolve().parent.parent


def main(rows: int) -> None:
    folder = ROOT / "benchmarks" / "out" / f"synth-{rows}"
    if not (folder / "triples.csv").is_file():
        kg = Path(sys.executable).parent / "kg"
        subprocess.run([str(kg), "synth", str(rows), "--out", str(folder)], check=True)
    facts = load_facts([folder / "triples.csv"], load_vocabulary(folder / "vocabulary.ttl"))
    graph = build_graph(facts)
    shapes = shacl.load_shapes(DEFAULT_SHAPES)
    print(f"{rows} rows, {len(graph)} triples")
    cpu = {}
    found = {}
    for engine in ("fast", "pyshacl"):
        start, start_cpu = time.perf_counter(), time.process_time()
        found[engine] = shacl.shacl_results(graph, shapes, engine)
        wall = time.perf_counter() - start
        cpu[engine] = time.process_time() - start_cpu
        print(f"{engine:8} {wall:8.2f} s wall {cpu[engine]:8.2f} s CPU  {len(found[engine])} results")
    same = set(found["fast"]) == set(found["pyshacl"])
    print(f"pyshacl / fast (CPU): {cpu['pyshacl'] / cpu['fast']:.0f}x; same results: {same}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
