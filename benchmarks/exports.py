"""Every export at scale: ``python -m benchmarks.exports [--sizes 100000,1000000] [--json FILE]``.

For each size, in one run and alternating: ``kg build`` with Turtle and N-Triples only (the build
of :mod:`benchmarks.run`) and the default ``kg build`` (every export), each a fresh process timed
from start to exit. Memory is the peak of the build's whole process tree (the default build forks
a second writer), summed as PSS from ``/proc`` every 0.1 s, so pages the two processes share count
once; ``peak RSS`` is the largest single process's own high-water mark (``os.wait4``). Then the
article's ``kg build`` (every export, interpreter start included), the median of ``--article-runs``.
The targets: every export within twice the Turtle + N-Triples time, under 1.5 GB; the article
under 1.5 s. ``--per-export`` adds the CPU time of each export, written one after the other in one
process (the collector paused, as ``kg build`` pauses it), and that process's peak memory.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.run import ROOT, command, dataset, machine

PYTHON = sys.executable


def tree_pss(pid: int) -> int:
    """The summed PSS (bytes) of ``pid`` and its descendants; 0 for a process that has gone."""
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        try:
            with open(f"/proc/{current}/smaps_rollup") as stream:
                for line in stream:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1]) * 1024
                        break
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as stream:
                    pending += [int(child) for child in stream.read().split()]
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return total


def measure(cmd: list[str]) -> dict:
    """Wall seconds, the peak summed PSS of the process tree and the peak RSS of one run of ``cmd``."""
    started = time.perf_counter()
    process = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        peak = max(peak, tree_pss(process.pid))
        time.sleep(0.1)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{process.stderr.read().decode()[-2000:]}")
    return {
        "seconds": seconds,
        "cpu_seconds": usage.ru_utime + usage.ru_stime,  # the forked writer's too: it is waited for
        "peak_pss_bytes": peak,
        "peak_rss_bytes": usage.ru_maxrss * 1024,
    }


def run_size(workdir: Path, rows: int, runs: int, log) -> dict:
    """Both builds of one size, alternating, ``runs`` times each; the medians and the ratio."""
    csv, vocabulary = dataset(workdir, rows)
    found: dict[str, list[dict]] = {"core": [], "every": []}
    for _ in range(runs):
        for job in ("core", "every"):
            out = workdir / f"out-{rows}-{job}"
            shutil.rmtree(out, ignore_errors=True)
            cmd = command("ours", csv, vocabulary, out)
            if job == "every":
                cmd = [part for part in cmd if part not in ("--format", "turtle", "ntriples")]
            result = measure(cmd)
            found[job].append(result)
            log(
                f"  {rows:>9,} rows  {job:<5} {result['seconds']:8.2f} s  CPU {result['cpu_seconds']:8.2f} s  "
                f"{result['peak_pss_bytes'] / 1e9:6.2f} GB (process tree)  "
                f"{result['peak_rss_bytes'] / 1e9:6.2f} GB (largest process)"
            )
            shutil.rmtree(out, ignore_errors=True)
    summary = {"rows": rows, "runs": runs, **found}
    for job in ("core", "every"):
        summary[f"{job}_seconds"] = statistics.median(r["seconds"] for r in found[job])
        summary[f"{job}_cpu_seconds"] = statistics.median(r["cpu_seconds"] for r in found[job])
        summary[f"{job}_peak_gb"] = statistics.median(r["peak_pss_bytes"] for r in found[job]) / 1e9
    summary["ratio"] = summary["every_seconds"] / summary["core_seconds"]
    summary["cpu_ratio"] = summary["every_cpu_seconds"] / summary["core_cpu_seconds"]
    return summary


# the per-export driver: build the graph, then write each export in turn, timing its CPU
_PER_EXPORT = """
import gc, json, resource, sys, tempfile, time
from pathlib import Path
from graph.export import EXPORTERS
from graph.pipeline import build
csv, vocabulary = sys.argv[1:3]
clock = time.process_time
started = clock()
graph = build([csv], vocabulary=vocabulary)
gc.disable()
gc.freeze()
found = {"build": clock() - started}
out = Path(tempfile.mkdtemp())
for name, exporter in EXPORTERS.items():
    started = clock()
    exporter.write(graph, out / exporter.file_name)
    found[name] = clock() - started
found["peak_rss_bytes"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps(found))
"""


def per_export(workdir: Path, rows: int, log) -> dict:
    """CPU seconds of building the graph and of each export, one after the other in one process."""
    csv, vocabulary = dataset(workdir, rows)
    done = subprocess.run(
        [PYTHON, "-c", _PER_EXPORT, str(csv), str(vocabulary)], cwd=ROOT, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise RuntimeError(f"the per-export run failed:\n{done.stderr[-2000:]}")
    found = json.loads(done.stdout.strip().splitlines()[-1])
    log(
        f"  {rows:>9,} rows  CPU per export: "
        + ", ".join(f"{name} {seconds:.2f} s" for name, seconds in found.items() if name != "peak_rss_bytes")
        + f"; peak {found['peak_rss_bytes'] / 1e9:.2f} GB"
    )
    return found


def run_article(runs: int, log) -> dict:
    """``kg build`` of data/triples.csv with every export, as a user runs it: the median of ``runs``."""
    times, cpu = [], []
    with tempfile.TemporaryDirectory() as out:
        for _ in range(runs):
            # python -m graph, as the kg script runs it, from this checkout (ROOT is the working folder)
            found = measure([PYTHON, "-m", "graph", "build", "--out", out, "--quiet"])
            times.append(found["seconds"])
            cpu.append(found["cpu_seconds"])
    log(
        f"  the article: {statistics.median(times):.2f} s, CPU {statistics.median(cpu):.2f} s"
        f" (median of {runs}: {', '.join(f'{t:.2f}' for t in times)})"
    )
    return {
        "runs": runs,
        "seconds": times,
        "cpu_seconds": cpu,
        "median_seconds": statistics.median(times),
        "median_cpu_seconds": statistics.median(cpu),
    }


def table(result: dict) -> str:
    """The figures as a Markdown table."""
    lines = [
        "| rows | Turtle + N-Triples: wall, CPU | every export: wall, CPU | ratio, wall (target ≤ 2) | ratio, CPU"
        " | memory, every export (target < 1.5 GB) |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for size in result["sizes"]:
        lines.append(
            f"| {size['rows']:,} | {size['core_seconds']:.1f} s, {size['core_cpu_seconds']:.1f} s"
            f" | {size['every_seconds']:.1f} s, {size['every_cpu_seconds']:.1f} s"
            f" | {size['ratio']:.2f} | {size['cpu_ratio']:.2f} | {size['every_peak_gb']:.2f} GB |"
        )
    article = result.get("article")
    if article is None:
        return "\n".join(lines)
    lines.append("")
    lines.append(
        f"The article, every export: {article['median_seconds']:.2f} s, CPU {article['median_cpu_seconds']:.2f} s"
        f" (median of {article['runs']}; target < 1.5 s)."
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100000,1000000", help="rows of the synthetic CSVs")
    parser.add_argument("--runs", type=int, default=1, help="runs of each build (median)")
    parser.add_argument("--article-runs", type=int, default=5, help="0: skip the article")
    parser.add_argument("--json", type=Path, help="also write the results as JSON to this file")
    parser.add_argument("--per-export", action="store_true", help="also the CPU time of each export")
    parser.add_argument("--workdir", type=Path, default=ROOT / "benchmarks" / "out")
    args = parser.parse_args(argv)
    args.workdir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()

    def log(text: str) -> None:
        print(f"[{time.perf_counter() - started:6.0f} s] {text}", flush=True)

    result: dict = {"machine": machine(), "load_before": os.getloadavg(), "sizes": []}
    log(f"machine: {result['machine']['cpus']} CPUs; load {result['load_before'][0]:.1f}")
    for rows in [int(s) for s in args.sizes.split(",") if s]:
        result["sizes"].append(run_size(args.workdir, rows, args.runs, log))
        if args.per_export:
            result["sizes"][-1]["per_export"] = per_export(args.workdir, rows, log)
    if args.article_runs:
        result["article"] = run_article(args.article_runs, log)
    result["load_after"] = os.getloadavg()
    print()
    print(table(result))
    if args.json:
        args.json.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
