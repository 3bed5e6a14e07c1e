"""The benchmark: ``python -m benchmarks.run [--json FILE]`` (about 10 minutes on 2 cores; ``--scale 10m``: growth to 10M rows).

Build, side by side, on synthetic CSVs of 10k, 100k and 1M rows (``graph.synthetic``):

- ``kg build``: every validation rule, SHACL (data/shapes.ttl, engine chosen by size), the
  graph with provenance, Turtle and N-Triples (the other exports off);
- pyoxigraph and plain rdflib doing, without any validation, the same job (the same graph,
  provenance included: ``graph`` job) and the smaller job of the bare facts (``facts`` job),
  see :mod:`benchmarks.baselines`;
- the floor (polars reading the CSV and writing the same N-Triples bytes) and morph-kgc (the same
  graph through an RML mapping), each in a virtualenv of its own (:mod:`benchmarks.peers`).

The builds run in rounds, each after a wait for a quiet machine, with the load recorded and the
ratios to ``kg build`` printed per round. Then ``kg push`` to the Oxigraph server and Virtuoso
(:mod:`benchmarks.push`). ``--scale 10m`` runs instead every export at 100k, 1M and 10M rows.

Each run is a fresh process (interpreter start included) timed from start to exit; its peak
RSS comes from ``os.wait4`` (in :mod:`benchmarks.measure`). Medians of the runs; where a job runs fewer times than asked (the
slow rdflib ones), the table says so. The ``graph`` baselines are checked to give the same
triples as ours on the smallest size. Then SPARQL on the built graph, ours (pyoxigraph) against
rdflib, at about 100k and 1M triples (:mod:`benchmarks.sparql`), and ``kg build`` of the
article's data/triples.csv, as a user runs it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

from benchmarks import peers

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
ROWS_PER_TRIPLE = 1 / 5.0  # a synthetic row gives about 5 triples (fact, statement node, evidence)


def plan(sizes: list[int], runs: int, full: bool = False) -> list[tuple[int, str, int]]:
    """(rows, job, runs) for every build measurement, in the order they run.

    What fits in ten minutes here, with the floor, morph-kgc and the push: every job ``runs``
    times, except that morph-kgc runs once from 100k rows on, the rdflib ``graph`` job (~55 s at
    100k rows) runs once at 100k, and at 1M rows the rdflib ``facts`` job (~80 s), pyoxigraph's
    ``graph`` job (~90 s, 2 GB) and the rdflib ``graph`` job (about 10 minutes and 6 GB, projected
    from 100k) run only with ``full``, once each.
    """
    jobs = []
    for rows in sizes:
        big = rows >= 1_000_000
        jobs.append((rows, "ours", runs))
        jobs.append((rows, "floor", runs))
        jobs.append((rows, "morph-kgc", 1 if rows >= 100_000 else runs))
        jobs.append((rows, "pyoxigraph-facts", runs))
        jobs.append((rows, "pyoxigraph-stream", runs))
        if not big or full:  # at 1M rows (about 90 s each, measured before) only with --full
            jobs.append((rows, "pyoxigraph-graph", 1 if big else runs))
            jobs.append((rows, "rdflib-facts", 1 if big else runs))
        if rows <= 10_000:
            jobs.append((rows, "rdflib-graph", runs))
        elif not big or full:
            jobs.append((rows, "rdflib-graph", 1))
    return jobs


def command(job: str, csv: Path, vocabulary: Path, out: Path, log=lambda text: None) -> list[str]:
    if job in peers.PACKAGES:
        return peers.command(job, csv, vocabulary, out, log)
    if job == "ours-all":  # every export, as a user runs kg build
        return [
            *(PYTHON, "-m", "graph", "build", str(csv), "--vocabulary", str(vocabulary), "--out", str(out)),
            "--quiet",
        ]
    if job == "ours":
        return [
            *(PYTHON, "-m", "graph", "build", str(csv), "--vocabulary", str(vocabulary), "--out", str(out)),
            *("--format", "turtle", "--format", "ntriples", "--quiet"),
        ]
    library, kind = job.split("-")
    return [PYTHON, "-m", "benchmarks.baselines", library, kind, str(csv), str(vocabulary), str(out)]


def measure(cmd: list[str]) -> tuple[float, int]:
    """Wall seconds and peak RSS (bytes) of one run of ``cmd``, in a process of its own
    (started by :mod:`benchmarks.measure`, so that its peak is its own: see there)."""
    found = subprocess.run(
        [PYTHON, "-m", "benchmarks.measure", *cmd], cwd=ROOT, capture_output=True, text=True, check=False
    )
    if found.returncode != 0 or not found.stdout.strip():
        raise RuntimeError(f"{' '.join(cmd)} could not be measured:\n{found.stderr[-2000:]}")
    result = json.loads(found.stdout.strip().splitlines()[-1])
    if result["exit"] != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{found.stderr[-2000:]}")
    return result["seconds"], result["peak_rss_bytes"]


def dataset(workdir: Path, rows: int) -> tuple[Path, Path]:
    """The synthetic CSV and vocabulary of ``rows`` rows (made once by ``kg synth``, kept in the work folder)."""
    folder = workdir / f"data-{rows}"
    if not (folder / "triples.csv").exists():
        subprocess.run(
            [PYTHON, "-m", "graph", "synth", str(rows), "--out", str(folder)],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
    return folder / "triples.csv", folder / "vocabulary.ttl"


def same_triples(ours: Path, other: Path) -> bool:
    """Whether two N-Triples files hold the same graph (compared in pyoxigraph stores, which keep
    numbers by value: the pyoxigraph baseline writes 54.40 as 54.4)."""
    import pyoxigraph as ox

    def quads(path: Path) -> set[str]:
        store = ox.Store()
        store.bulk_load(path=path, format=ox.RdfFormat.N_TRIPLES)
        return {str(q) for q in store}

    return quads(ours) == quads(other)


def wait_for_quiet(threshold: float, longest: float, log) -> dict:
    """Wait (at most ``longest`` seconds) until the 1-minute load average is below ``threshold``.

    Returns the load averages when the round starts and how long it waited; the round runs anyway
    after the wait, and the table shows its load, so a busy round can be told apart.
    """
    started = time.monotonic()
    while os.getloadavg()[0] >= threshold and time.monotonic() - started < longest:
        time.sleep(5)
    waited = time.monotonic() - started
    load = os.getloadavg()
    if load[0] >= threshold:
        log(f"  the machine is still busy after {waited:.0f} s (load {load[0]:.1f}); measuring anyway")
    return {"load_average": list(load), "waited_seconds": waited, "quiet": load[0] < threshold}


def run_builds(
    workdir: Path,
    sizes: list[int],
    runs: int,
    log,
    triples: dict[int, int],
    full: bool = False,
    quiet: tuple[float, float] = (1.5, 30.0),
    rounds: list | None = None,
    only: str = "",
) -> list[dict]:
    """Every build measurement of the plan, in rounds: one run of each job at a size, after waiting for a
    quiet machine, with the ratios to ``kg build`` of that round printed; ``triples`` gets how many
    triples kg build wrote per size, ``rounds`` (if given) each round's load and ratios; ``only`` (if
    given) names the jobs to run (kg build always runs)."""
    results = []
    checked: set[str] = set()
    chosen = {"ours", *only.split(",")} if only else None
    planned = [
        (size, job, count) for size, job, count in plan(sizes, runs, full) if chosen is None or job in chosen
    ]
    for rows in sizes:
        csv, vocabulary = dataset(workdir, rows)
        jobs = [(job, count) for size, job, count in planned if size == rows]
        measured: dict[str, tuple[list[float], list[int]]] = {job: ([], []) for job, _ in jobs}
        for attempt in range(max(count for _, count in jobs)):
            machine_state = wait_for_quiet(*quiet, log)
            seconds_of: dict[str, float] = {}
            for job, count in jobs:
                if attempt >= count:
                    continue
                out = workdir / f"out-{rows}-{job}"
                shutil.rmtree(out, ignore_errors=True)
                seconds, rss = measure(command(job, csv, vocabulary, out, log))
                measured[job][0].append(seconds)
                measured[job][1].append(rss)
                seconds_of[job] = seconds
                log(f"  {rows:>9,} rows  {job:<17} {seconds:8.2f} s  {rss / 2**20:8.0f} MiB")
                if job == "ours":
                    with open(out / "graph.nt", "rb") as stream:
                        triples[rows] = sum(
                            chunk.count(b"\n") for chunk in iter(lambda: stream.read(1 << 24), b"")
                        )
                    if not (csv.parent / "graph.nt").exists():  # what the floor writes again
                        shutil.copyfile(out / "graph.nt", csv.parent / "graph.nt")
                same_job = job.endswith(("-graph", "-stream")) or job in peers.SAME_GRAPH
                if same_job and rows == min(sizes) and job not in checked:
                    if not same_triples(workdir / f"out-{rows}-ours" / "graph.nt", out / "graph.nt"):
                        raise AssertionError(f"{job} does not build the same graph as kg build")
                    checked.add(job)
                if job != "ours" or rows != min(sizes):
                    shutil.rmtree(out, ignore_errors=True)
            ours = seconds_of.get("ours")
            ratios = {job: seconds / ours for job, seconds in seconds_of.items() if ours and job != "ours"}
            log(
                f"  round {attempt + 1} at {rows:,} rows (load {machine_state['load_average'][0]:.1f}): "
                + ", ".join(f"{job} {ratio:.2f}x ours" for job, ratio in ratios.items())
            )
            if rounds is not None:
                rounds.append({"rows": rows, "round": attempt + 1, **machine_state, "ratio_to_ours": ratios})
        for job, count in jobs:
            times, peaks = measured[job]
            results.append(
                {
                    "rows": rows,
                    "job": job,
                    "runs": count,
                    "seconds": times,
                    "peak_rss_bytes": peaks,
                    "median_seconds": statistics.median(times),
                    "median_peak_rss_bytes": statistics.median(peaks),
                }
            )
    shutil.rmtree(workdir / f"out-{min(sizes)}-ours", ignore_errors=True)
    return results


def run_sparql(workdir: Path, triples: list[int], runs: int, log) -> list[dict]:
    results = []
    for target in triples:
        csv, vocabulary = dataset(workdir, int(target * ROWS_PER_TRIPLE))
        process = subprocess.run(
            [PYTHON, "-m", "benchmarks.sparql", str(csv), str(vocabulary), str(runs)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        found = json.loads(process.stdout)
        log(f"  SPARQL on {found['triples']:,} triples")
        for query in found["queries"]:
            log(
                f"    {query['query']:<26} ours {query['ours_s'] * 1e3:9.2f} ms   rdflib {query['rdflib_s'] * 1e3:9.2f} ms"
            )
        results.append(found)
    return results


def run_article(runs: int, log) -> dict:
    """``kg build`` of data/triples.csv with every export (into a temporary folder), as a user runs it."""
    times = []
    with tempfile.TemporaryDirectory() as out:
        kg = shutil.which("kg", path=str(Path(PYTHON).parent)) or "kg"
        for _ in range(runs):
            seconds, rss = measure([kg, "build", "--out", out, "--quiet"])
            times.append(seconds)
    log(f"  kg build of data/triples.csv: {statistics.median(times):.2f} s (median of {runs})")
    return {"runs": runs, "seconds": times, "median_seconds": statistics.median(times)}


def machine() -> dict:
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory = next(
        (
            int(line.split()[1]) * 1024
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        ),
        0,
    )
    return {
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "memory_bytes": memory,
        "python": platform.python_version(),
        "load_average_at_start": os.getloadavg(),
        "versions": {name: metadata.version(name) for name in ("rdflib", "pyoxigraph", "pyshacl")},
    }


def table(result: dict) -> str:
    """The results as the README shows them."""
    builds = {(b["rows"], b["job"]): b for b in result["builds"]}
    lines = [
        "| rows | triples written | kg build | the floor | morph-kgc, same graph | pyoxigraph, same graph | pyoxigraph, streaming sorted N-Triples | pyoxigraph, facts only | rdflib, same graph | rdflib, facts only |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for rows in sorted({b["rows"] for b in result["builds"]}):
        ours = builds[(rows, "ours")]
        cells = [f"{rows:,}", f"{result['triples'].get(str(rows), 0):,}", _cell(ours, None)]
        for job in (
            "floor",
            "morph-kgc",
            "pyoxigraph-graph",
            "pyoxigraph-stream",
            "pyoxigraph-facts",
            "rdflib-graph",
            "rdflib-facts",
        ):
            cells.append(_cell(builds.get((rows, job)), ours))
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    lines.append(
        "| triples | query | ours (pyoxigraph) | rdflib | rdflib, query parsed beforehand | speed-up |"
    )
    lines.append("|---:|---|---:|---:|---:|---:|")
    for sparql in result["sparql"]:
        for q in sparql["queries"]:
            lines.append(
                f"| {sparql['triples']:,} | {q['query']} | {_ms(q['ours_s'])} | {_ms(q['rdflib_s'])} | "
                f"{_ms(q['rdflib_prepared_s'])} | {q['rdflib_s'] / q['ours_s']:.0f}x |"
            )
    article = result.get("article")
    if article:
        lines.append("")
        lines.append(f"`kg build` of data/triples.csv (all exports): {article['median_seconds']:.2f} s")
    return "\n".join(lines)


def _cell(build: dict | None, ours: dict | None) -> str:
    if build is None:
        return "not run (see below)"
    text = f"{build['median_seconds']:.1f} s, {build['median_peak_rss_bytes'] / 2**20:,.0f} MiB"
    if build["runs"] < 3:
        text += f" ({build['runs']} run)"
    if ours is not None:
        ratio = build["median_seconds"] / ours["median_seconds"]
        text += f": ours {ratio:.1f}x faster" if ratio >= 1 else f": ours {1 / ratio:.1f}x slower"
    return text


def _ms(seconds: float) -> str:
    return f"{seconds * 1e3:.2f} ms"


def run_push(workdir: Path, rows: int, stores: list[str], log) -> list[dict]:
    """``kg push`` of the graph built from ``rows`` rows (N-Triples, about five triples a row) to the
    Oxigraph server and Virtuoso (:mod:`benchmarks.push`)."""
    from benchmarks import push

    csv, vocabulary = dataset(workdir, rows)
    graph = csv.parent / "graph.nt"
    if not graph.exists():
        out = workdir / f"out-{rows}-push"
        measure(command("ours", csv, vocabulary, out))
        shutil.move(out / "graph.nt", graph)
        shutil.rmtree(out, ignore_errors=True)
    return push.run(graph, stores, 1, log)


SCALE_SIZES = [100_000, 1_000_000, 10_000_000]


def run_scale(workdir: Path, sizes: list[int], log) -> list[dict]:
    """``kg build`` with every export at each size, once: seconds, peak memory, and their growth."""
    results = []
    for rows in sizes:
        csv, vocabulary = dataset(workdir, rows)
        out = workdir / f"out-{rows}-ours-all"
        shutil.rmtree(out, ignore_errors=True)
        seconds, rss = measure(command("ours-all", csv, vocabulary, out))
        shutil.rmtree(out, ignore_errors=True)
        results.append({"rows": rows, "seconds": seconds, "peak_rss_bytes": rss})
        log(f"  {rows:>10,} rows, every export: {seconds:8.1f} s  {rss / 2**20:8.0f} MiB")
    return results


def scale_table(results: list[dict]) -> str:
    """Time and memory of the every-export build by size: per million rows, and growth from the size before
    (memory growth per million rows leaves out what any build needs, the interpreter and libraries)."""
    lines = [
        "| rows | every export | peak memory | time per million rows | time growth | memory growth per million more rows |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    previous = None
    for found in results:
        millions = found["rows"] / 1e6
        growth, memory = "", ""
        if previous is not None:
            growth = f"{found['seconds'] / previous['seconds']:.1f}x for {found['rows'] / previous['rows']:.0f}x the rows"
            more = (found["rows"] - previous["rows"]) / 1e6
            memory = f"{(found['peak_rss_bytes'] - previous['peak_rss_bytes']) / 2**20 / more:,.0f} MiB"
        lines.append(
            f"| {found['rows']:,} | {found['seconds']:.1f} s | {found['peak_rss_bytes'] / 2**20:,.0f} MiB | "
            f"{found['seconds'] / millions:.1f} s | {growth} | {memory} |"
        )
        previous = found
    return "\n".join(lines)


def push_table(pushes: list[dict], triples: int) -> str:
    """Push timings as a table."""
    lines = [
        "| store | case | seconds | peak memory of kg push | triples per second |",
        "|---|---|---:|---:|---:|",
    ]
    for found in pushes:
        lines.append(
            f"| {found['store']} | {found['case']} | {found['seconds']:.1f} s | "
            f"{found['peak_rss_bytes'] / 2**20:,.0f} MiB | {triples / found['seconds']:,.0f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000", help="rows of the synthetic CSVs")
    parser.add_argument("--runs", type=int, default=3, help="runs of each build measurement (median)")
    parser.add_argument("--sparql", default="100000,1000000", help="graph sizes (triples) for SPARQL")
    parser.add_argument("--sparql-runs", type=int, default=5)
    parser.add_argument("--json", type=Path, help="also write the results as JSON to this file")
    parser.add_argument("--workdir", type=Path, default=ROOT / "benchmarks" / "out")
    parser.add_argument(
        "--full",
        action="store_true",
        help="also, at 1M rows, rdflib's jobs and pyoxigraph's same-graph job (about 13 more minutes)",
    )
    parser.add_argument(
        "--quiet-load",
        type=float,
        default=1.5,
        help="wait before each round until the 1-minute load average is below this",
    )
    parser.add_argument("--quiet-wait", type=float, default=30.0, help="but wait at most this many seconds")
    parser.add_argument(
        "--push-rows",
        type=int,
        default=200_000,
        help="rows of the graph kg push sends (about 5 triples a row); 0: no push",
    )
    parser.add_argument("--push-stores", default="oxigraph,virtuoso", help="stores to push to")
    parser.add_argument(
        "--scale",
        choices=["10m"],
        help="instead: kg build with every export at 100k, 1M and 10M rows (time and memory growth)",
    )
    parser.add_argument(
        "--only", default="", help="run only these build jobs (comma-separated, e.g. ours,pyoxigraph-stream)"
    )
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    sparql_sizes = [int(s) for s in args.sparql.split(",") if s]
    args.workdir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()

    def log(text: str) -> None:
        print(f"[{time.perf_counter() - started:6.0f} s] {text}", flush=True)

    result = {"machine": machine(), "builds": [], "sparql": [], "triples": {}, "rounds": []}
    log(f"machine: {result['machine']['cpus']} CPUs, {result['machine']['cpu_model']}")
    if args.scale:
        wait_for_quiet(args.quiet_load, args.quiet_wait, log)
        result["scale"] = run_scale(args.workdir, SCALE_SIZES, log)
        print()
        print(scale_table(result["scale"]))
        if args.json:
            args.json.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
        return
    for rows in sizes:
        dataset(args.workdir, rows)
    log("datasets ready; builds:")
    triples: dict[int, int] = {}
    result["builds"] = run_builds(
        args.workdir,
        sizes,
        args.runs,
        log,
        triples,
        args.full,
        quiet=(args.quiet_load, args.quiet_wait),
        rounds=result["rounds"],
        only=args.only,
    )
    result["triples"] = {str(rows): count for rows, count in triples.items()}
    if args.push_rows:
        log("push:")
        wait_for_quiet(args.quiet_load, args.quiet_wait, log)
        result["push"] = run_push(args.workdir, args.push_rows, args.push_stores.split(","), log)
        with open(dataset(args.workdir, args.push_rows)[0].parent / "graph.nt", "rb") as stream:
            result["push_triples"] = sum(
                chunk.count(b"\n") for chunk in iter(lambda: stream.read(1 << 24), b"")
            )
    log("SPARQL:")
    result["sparql"] = run_sparql(args.workdir, sparql_sizes, args.sparql_runs, log)
    result["article"] = run_article(args.runs, log)
    result["total_seconds"] = time.perf_counter() - started
    print()
    print(table(result))
    if result.get("push"):
        print(f"\nkg push of {result['push_triples']:,} triples:\n")
        print(push_table(result["push"], result["push_triples"]))
    loads = [r["load_average"][0] for r in result["rounds"]]
    if loads:
        print(f"\nLoad average at the rounds' start: {min(loads):.1f} to {max(loads):.1f}.")
    print(f"\n{result['total_seconds']:.0f} s in all.")
    if args.json:
        args.json.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
