"""The article's own build: ``python -m benchmarks.article [--runs 5] [--compare DIR] [--layout] [--json FILE]``.

``kg build`` of ``data/triples.csv`` with every export, as a user runs it (``python -m graph build
--out DIR --quiet`` from the checkout, a fresh process each time, interpreter start included),
``--runs`` times: the median wall time and the peak memory (the process's own high-water RSS,
from ``os.wait4``; the article's build runs in one process). The target is under 1.5 s.

``--compare DIR`` also builds with another checkout (its ``.venv/bin/python``, from ``DIR``),
alternating run by run, so both see the same machine; the ratio is printed. ``--layout`` also
compares the explorer page's layout of the article's graph with networkx's Kamada-Kawai layout
(the one it replaced): stress, closest two nodes, overlapping labels, link crossings and time.
The 1-minute load average is recorded before each run: the machine may be shared.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 1.5


def build_once(python: str, checkout: Path, out: Path) -> dict:
    """One ``kg build`` of the article with every export: wall seconds, CPU seconds, peak RSS."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [python, "-m", "graph", "build", "--out", str(out), "--quiet"],
        cwd=checkout,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    error = process.stderr.read().decode()
    process.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"kg build in {checkout} failed:\n{error[-2000:]}")
    return {
        "seconds": seconds,
        "cpu_seconds": usage.ru_utime + usage.ru_stime,
        "peak_rss_bytes": usage.ru_maxrss * 1024,
        "load_before": os.getloadavg()[0],
    }


def summary(runs: list[dict]) -> dict:
    """The medians of some runs, with every run kept."""
    return {
        "runs": runs,
        "median_seconds": statistics.median(r["seconds"] for r in runs),
        "median_cpu_seconds": statistics.median(r["cpu_seconds"] for r in runs),
        "peak_rss_bytes": max(r["peak_rss_bytes"] for r in runs),
        "load": [r["load_before"] for r in runs],
    }


def measure_builds(runs: int, compare: Path | None, log) -> dict:
    """The article's build ``runs`` times (alternating with the ``compare`` checkout's, if given)."""
    checkouts = {"this checkout": (sys.executable, ROOT)}
    if compare is not None:
        checkouts["compared"] = (str(compare / ".venv" / "bin" / "python"), compare)
    found: dict[str, list[dict]] = {name: [] for name in checkouts}
    with tempfile.TemporaryDirectory() as scratch:
        for i in range(runs):
            for name, (python, checkout) in checkouts.items():
                result = build_once(python, checkout, Path(scratch) / f"out-{len(found[name])}-{i}")
                found[name].append(result)
                log(
                    f"  {name}: {result['seconds']:.2f} s wall, {result['cpu_seconds']:.2f} s CPU,"
                    f" {result['peak_rss_bytes'] / 2**20:.0f} MiB (load {result['load_before']:.1f})"
                )
    return {name: summary(results) for name, results in found.items()}


def _label_width(text: str) -> float:
    """About how wide a label is drawn at the page's 14-unit font: wide (CJK) characters 14, others 8."""
    return sum(14 if unicodedata.east_asian_width(c) in "WF" else 8 for c in text)


def layout_quality(network, positions: dict) -> dict:
    """How readable a layout of the entity network is (lower is better but for ``closest``):

    ``stress`` of the largest connected part, normalised (sum over pairs of (scaled distance -
    path length)² / path length², over the sum of 1, at the best scale); ``closest`` the smallest
    distance between two nodes, in drawing units; ``labels`` how many pairs of label boxes (about
    the page's font size, under the node) overlap; ``crossings`` of links with no node in common;
    ``link_spread`` the coefficient of variation of the links' lengths."""
    import networkx as nx
    import numpy as np

    simple = nx.Graph(network.to_undirected(as_view=True))
    nodes = list(simple)
    index = {node: i for i, node in enumerate(nodes)}
    points = np.array([positions[node] for node in nodes], dtype=float)
    largest = sorted(max(nx.connected_components(simple), key=len), key=index.__getitem__)
    hops = dict(nx.all_pairs_shortest_path_length(simple.subgraph(largest)))
    paths = np.array([[hops[a][b] for b in largest] for a in largest], dtype=float)
    inner = points[[index[n] for n in largest]]
    apart = np.sqrt(((inner[:, None] - inner[None]) ** 2).sum(axis=-1))
    upper = np.triu(np.ones_like(paths, dtype=bool), 1)
    weights = paths[upper] ** -2.0
    scale = (weights * paths[upper] * apart[upper]).sum() / (weights * apart[upper] ** 2).sum()
    stress = (weights * (scale * apart[upper] - paths[upper]) ** 2).sum() / upper.sum()
    every = np.sqrt(((points[:, None] - points[None]) ** 2).sum(axis=-1))[np.triu_indices(len(points), 1)]
    boxes = []
    for node in nodes:
        x, y = positions[node]
        attributes = network.nodes[node]
        label = attributes.get("label_zh") or attributes.get("label_en") or attributes.get("key") or str(node)
        half = max(_label_width(label), 20) / 2
        boxes.append((x - half, y - 12, x + half, y + 32))
    box = np.array(boxes)
    wide = np.minimum(box[:, None, 2], box[None, :, 2]) - np.maximum(box[:, None, 0], box[None, :, 0])
    high = np.minimum(box[:, None, 3], box[None, :, 3]) - np.maximum(box[:, None, 1], box[None, :, 1])
    overlapping = ((wide > 0) & (high > 0))[np.triu_indices(len(box), 1)]
    links = [(index[a], index[b]) for a, b in simple.edges() if a != b]
    lengths = np.array([math.dist(points[a], points[b]) for a, b in links])
    return {
        "stress": round(float(stress), 4),
        "closest": round(float(every.min()), 1),
        "labels": int(overlapping.sum()),
        "crossings": _crossings(points, links),
        "link_spread": round(float(lengths.std() / lengths.mean()), 3),
    }


def _crossings(points, links: list[tuple[int, int]]) -> int:
    """How many pairs of links with no end in common cross."""

    def turn(a, b, c) -> float:
        return (c[1] - a[1]) * (b[0] - a[0]) - (b[1] - a[1]) * (c[0] - a[0])

    count = 0
    for i, (a, b) in enumerate(links):
        for c, d in links[i + 1 :]:
            if len({a, b, c, d}) == 4:
                p, q, r, s = points[a], points[b], points[c], points[d]
                count += int(turn(p, q, r) * turn(p, q, s) < 0 and turn(r, s, p) * turn(r, s, q) < 0)
    return count


def compare_layouts(log) -> dict:
    """The page's layout of the article's graph against networkx's Kamada-Kawai layout from the
    seeded spring layout (what the page drew before), each timed in this process."""
    import networkx as nx

    import graph
    from graph.explorer import layout as layout_module
    from graph.explorer.network import importance, network_view
    from graph.explorer.page import LAYOUT_SEED

    network = network_view(graph.build([ROOT / "data" / "triples.csv"]))
    rank = importance(network)
    simple = nx.Graph(network.to_undirected(as_view=True))

    def kamada_kawai() -> dict:
        start = nx.spring_layout(simple, seed=LAYOUT_SEED, method="force")
        scale = layout_module.SPACING * math.sqrt(len(simple))
        found = nx.kamada_kawai_layout(simple, pos=start, scale=scale)
        return {node: (round(float(x), 1), round(float(y), 1)) for node, (x, y) in found.items()}

    found = {}
    for name, run in (
        ("Kamada-Kawai", kamada_kawai),
        ("the page's layout", lambda: layout_module.layout(network, rank, LAYOUT_SEED)),
    ):
        run()  # once first: imports (scipy.optimize for Kamada-Kawai) are not the layout's time
        started = time.perf_counter()
        positions = run()
        seconds = time.perf_counter() - started
        found[name] = {"seconds": round(seconds, 4), **layout_quality(network, positions)}
        log(f"  {name}: {found[name]}")
    return found


def main(argv: list[str] | None = None) -> dict:
    """Run the measurements and print them; return them as a dict."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--runs", type=int, default=5, help="builds of each checkout (the median is reported)"
    )
    parser.add_argument("--compare", type=Path, help="another checkout to build alternately (its .venv)")
    parser.add_argument(
        "--layout", action="store_true", help="also compare the page's layout with Kamada-Kawai"
    )
    parser.add_argument("--json", type=Path, help="also write every measurement here")
    options = parser.parse_args(argv)

    def log(line: str) -> None:
        print(line, flush=True)

    log(f"the article's kg build, every export, {options.runs} runs (load {os.getloadavg()[0]:.1f}):")
    result: dict = {"builds": measure_builds(options.runs, options.compare, log)}
    for name, found in result["builds"].items():
        verdict = "met" if found["median_seconds"] < TARGET_SECONDS else "missed"
        log(
            f"{name}: median {found['median_seconds']:.2f} s wall (target {TARGET_SECONDS} s: {verdict}),"
            f" {found['median_cpu_seconds']:.2f} s CPU, peak {found['peak_rss_bytes'] / 2**20:.0f} MiB,"
            f" load {min(found['load']):.1f} to {max(found['load']):.1f}"
        )
    if options.compare is not None:
        ours, theirs = result["builds"]["this checkout"], result["builds"]["compared"]
        log(f"ratio, compared / this checkout: {theirs['median_seconds'] / ours['median_seconds']:.2f}x wall")
    if options.layout:
        log("the page's layout of the article's graph:")
        result["layout"] = compare_layouts(log)
    if options.json:
        options.json.write_text(json.dumps(result, indent=2) + "\n")
    return result


if __name__ == "__main__":
    main()
