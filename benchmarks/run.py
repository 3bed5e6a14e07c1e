"""The benchmark: ``python -m benchmarks.run [--json FILE]`` (under 10 minutes on 2 cores; ``--scale 10m``: growth to 10M rows).

Build, side by side, on synthetic CSVs of 10k, 100k and 1M rows (``graph.synthetic``):

- ``kg build``: every validation rule, SHACL (data/shapes.ttl, engine chosen by size), the
  graph with provenance, Turtle and N-Triples (the other exports off); with ``--every-export``
  also the default ``kg build`` (every export);
- the peers of issue 12, each building the same graph with no validation (checked equal to ours
  on the smallest size): pyoxigraph streaming sorted N-Triples through its Turtle writer and the
  expert pyoxigraph pipeline (polars making the N-Triples text, bulk load, dump), maplib (polars
  and OTTR templates), morph-kgc (an RML mapping over DuckDB-staged terms), each in a virtualenv of its own
  (:mod:`benchmarks.peers`), and pyoxigraph per row and plain rdflib (:mod:`benchmarks.baselines`);
- the floor: polars reading the CSV and writing the same N-Triples bytes, with no mapping.

The builds run in rounds, each after a wait for a quiet machine, with the load recorded and the
ratios to ``kg build`` printed per round. Then ``kg push`` to the Oxigraph server and Virtuoso
(:mod:`benchmarks.push`), SPARQL on the built graph, ours (pyoxigraph) against rdflib, at about
100k and 1M triples (:mod:`benchmarks.sparql`), and ``kg build`` of the article's
data/triples.csv as a user runs it (median of 5). The run ends with the table of issue 12's
targets, each judged from this run's figures (or named as not measured, with the option that
measures it). ``--scale 10m`` runs instead every export at 100k, 1M and 10M rows.

Each run is a fresh process (interpreter start included) timed from start to exit; its peak
RSS comes from ``os.wait4`` (in :mod:`benchmarks.measure`). Medians of the runs; where a job
runs fewer times than asked (the slow ones, and every job at 1M rows), the table says so.
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


#: the build jobs, in the order they run and the tables show them: job -> its label
JOBS = {
    "ours": "kg build",
    "ours-all": "kg build, every export",
    "floor": "the floor",
    "pyoxigraph-stream": "pyoxigraph, streaming sorted N-Triples",
    "pyoxigraph-bulk": "pyoxigraph, expert pipeline (bulk load)",
    "morph-kgc": "morph-kgc, same graph",
    "maplib": "maplib, same graph",
    "pyoxigraph-graph": "pyoxigraph per row, same graph",
    "rdflib-graph": "rdflib, same graph",
    "pyoxigraph-facts": "pyoxigraph, facts only",
    "rdflib-facts": "rdflib, facts only",
}
#: the jobs that build the same graph as kg build without checking it: the peers of target 2
PEERS = ("pyoxigraph-stream", "pyoxigraph-bulk", "morph-kgc", "maplib", "pyoxigraph-graph", "rdflib-graph")


def plan(
    sizes: list[int], runs: int, full: bool = False, every_export: bool = False
) -> list[tuple[int, str, int]]:
    """(rows, job, runs) for every build measurement, in the order they run.

    What fits in ten minutes here, with the push, SPARQL and the article: below 1M rows every job
    runs ``runs`` times, except that from 100k rows morph-kgc and maplib run
    once, and plain rdflib's same-graph job (~55 s at 100k rows) runs at 10k rows only. At 1M rows
    each job runs once, and pyoxigraph per row (~90 s, 2 GB) and rdflib do not run. ``full`` adds
    those (once each: rdflib's same graph takes about 10 minutes and 6 GB at 1M rows) and the
    smaller facts-only jobs; ``every_export`` adds kg build with every export (target 1).
    """
    jobs = []
    for rows in sizes:
        big = rows >= 1_000_000
        each = 1 if big else runs
        slow = 1 if rows >= 100_000 else runs
        jobs.append((rows, "ours", each))
        if every_export:
            jobs.append((rows, "ours-all", slow))
        jobs.append((rows, "floor", each))
        jobs.append((rows, "pyoxigraph-stream", each))
        jobs.append((rows, "pyoxigraph-bulk", each))
        jobs.append((rows, "morph-kgc", slow))
        jobs.append((rows, "maplib", slow))
        if not big or full:
            jobs.append((rows, "pyoxigraph-graph", each))
        if rows <= 10_000:
            jobs.append((rows, "rdflib-graph", runs))
        elif full:
            jobs.append((rows, "rdflib-graph", 1))
        if full:
            jobs.append((rows, "pyoxigraph-facts", each))
            jobs.append((rows, "rdflib-facts", slow))
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
    library, kind = job.split("-")  # pyoxigraph-graph, rdflib-graph, and the facts-only jobs
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
    every_export: bool = False,
) -> list[dict]:
    """Every build measurement of the plan, in rounds: one run of each job at a size, after waiting for a
    quiet machine, with the ratios to ``kg build`` of that round printed; ``triples`` gets how many
    triples kg build wrote per size, ``rounds`` (if given) each round's load and ratios; ``only`` (if
    given) names the jobs to run (kg build always runs)."""
    results = []
    checked: set[str] = set()
    chosen = {"ours", *only.split(",")} if only else None
    planned = [
        (size, job, count)
        for size, job, count in plan(sizes, runs, full, every_export)
        if chosen is None or job in chosen
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
                same_job = job.endswith("-graph") or job in peers.SAME_GRAPH
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
    shown = [job for job in JOBS if job != "ours" and any(job == b["job"] for b in result["builds"])]
    lines = [
        "| rows | triples written | kg build | " + " | ".join(JOBS[job] for job in shown) + " |",
        "|---:|---:|---:|" + "---:|" * len(shown),
    ]
    for rows in sorted({b["rows"] for b in result["builds"]}):
        ours = builds.get((rows, "ours"))
        cells = [f"{rows:,}", f"{result['triples'].get(str(rows), 0):,}", _cell(ours, None)]
        cells += [_cell(builds.get((rows, job)), ours) for job in shown]
        lines.append("| " + " | ".join(cells) + " |")
    if result["sparql"]:
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
        return "not run"
    text = f"{build['median_seconds']:.1f} s, {build['median_peak_rss_bytes'] / 2**20:,.0f} MiB"
    if build["runs"] < 3:
        text += f" ({build['runs']} run{'s' if build['runs'] > 1 else ''})"
    if ours is not None and build["job"] == "ours-all":
        text += f": {build['median_seconds'] / ours['median_seconds']:.2f}x kg build's time"
    elif ours is not None:
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


MILLION = 1_000_000
GB = 10**9


def _against(value: float, limit: float) -> tuple[bool, str]:
    """Whether ``value`` is within ``limit`` (at most), and by how much it is under or over it."""
    if value <= limit:
        return True, f"{(limit - value) / limit:.0%} under"
    return False, f"{(value - limit) / limit:.0%} over"


def _at_million(builds: dict, jobs: tuple[str, ...]) -> int | None:
    """1M if every one of ``jobs`` was measured at 1M rows, else the largest size where they all were."""
    sizes = sorted({rows for rows, _ in builds if all((rows, job) in builds for job in jobs)})
    if MILLION in sizes:
        return MILLION
    return sizes[-1] if sizes else None


def targets(result: dict) -> list[dict]:
    """Issue 12's six targets, each judged from the measurements in ``result`` (as ``main`` builds it).

    Each row: ``target``, ``goal``, ``measured`` (the figures), ``status`` (met, missed, or not
    measured, when the run did not measure it as the target says) and ``margin`` (by how much it is
    met or missed, or which option measures it).
    """
    builds = {(b["rows"], b["job"]): b for b in result.get("builds", [])}
    rows = []

    def add(target: str, goal: str, measured: str, status: str, margin: str) -> None:
        rows.append(
            {"target": target, "goal": goal, "measured": measured, "status": status, "margin": margin}
        )

    def mib(value: float) -> str:
        return f"{value / 2**20:,.0f} MiB"

    goal = "default kg build (every export) at 1M rows within 2x the Turtle + N-Triples build, peak < 1.5 GB"
    size = _at_million(builds, ("ours", "ours-all"))
    if size is None:
        add(
            "1",
            goal,
            "",
            "not measured",
            "not measured in this run: add --every-export (1M rows is in the default --sizes)",
        )
    else:
        every, core = builds[(size, "ours-all")], builds[(size, "ours")]
        ratio = every["median_seconds"] / core["median_seconds"]
        time_ok, time_by = _against(ratio, 2.0)
        memory_ok, memory_by = _against(every["median_peak_rss_bytes"], 1.5 * GB)
        measured = (
            f"{size:,} rows: {every['median_seconds']:.1f} s = {ratio:.2f}x the {core['median_seconds']:.1f} s "
            f"build, {mib(every['median_peak_rss_bytes'])}"
        )
        if size != MILLION:
            add(
                "1",
                goal,
                measured,
                "not measured",
                "not measured at 1M rows in this run: --every-export --sizes 1000000",
            )
        else:
            add(
                "1",
                goal,
                measured,
                "met" if time_ok and memory_ok else "missed",
                f"time {time_by}, memory {memory_by}",
            )

    goal = "Turtle + N-Triples build at 1M rows at least as fast as the fastest peer, peak < 1 GB"
    sizes = sorted({r for r, job in builds if job == "ours" and any((r, peer) in builds for peer in PEERS)})
    if not sizes:
        add("2", goal, "", "not measured", "not measured in this run: the default run measures it")
    else:
        size = MILLION if MILLION in sizes else sizes[-1]
        core = builds[(size, "ours")]
        fastest = min(
            (builds[(size, p)] for p in PEERS if (size, p) in builds), key=lambda b: b["median_seconds"]
        )
        time_ok, time_by = _against(core["median_seconds"], fastest["median_seconds"])
        memory_ok, memory_by = _against(core["median_peak_rss_bytes"], GB)
        measured = (
            f"{size:,} rows: kg build {core['median_seconds']:.1f} s, {mib(core['median_peak_rss_bytes'])}; "
            f"fastest peer {JOBS[fastest['job']]} {fastest['median_seconds']:.1f} s"
        )
        if size != MILLION:
            add("2", goal, measured, "not measured", "not measured at 1M rows in this run: --sizes 1000000")
        else:
            add(
                "2",
                goal,
                measured,
                "met" if time_ok and memory_ok else "missed",
                f"time {time_by}, memory {memory_by}",
            )

    goal = "10M rows built with every export; memory per million rows and time growth from 100k to 10M shown"
    scale = sorted(result.get("scale") or [], key=lambda found: found["rows"])
    if len(scale) < 2:
        add("3", goal, "", "not measured", "not measured in this run: --scale 10m")
    else:
        first, last = scale[0], scale[-1]
        per_million = (last["peak_rss_bytes"] - first["peak_rss_bytes"]) / (
            (last["rows"] - first["rows"]) / MILLION
        )
        measured = (
            f"{last['rows']:,} rows: {last['seconds']:.0f} s, {mib(last['peak_rss_bytes'])}; "
            f"{mib(per_million)} more per million rows; time {last['seconds'] / first['seconds']:.1f}x "
            f"for {last['rows'] / first['rows']:.0f}x the rows"
        )
        if last["rows"] >= 10 * MILLION:
            add("3", goal, measured, "met", "built")
        else:
            add("3", goal, measured, "not measured", "not measured at 10M rows in this run: --scale 10m")

    goal = "kg push of 1M triples to the Oxigraph server < 60 s; push to Virtuoso measured"
    pushes = result.get("push") or []
    oxigraph = [p for p in pushes if p["store"] == "oxigraph" and p["case"] == "into an empty store"]
    virtuoso = [p for p in pushes if p["store"] == "virtuoso"]
    triples = result.get("push_triples", 0)
    if not oxigraph:
        add("4", goal, "", "not measured", "not measured in this run: --push-rows 200000 (about 1M triples)")
    else:
        seconds = oxigraph[0]["seconds"]
        ok, by = _against(seconds, 60.0)
        measured = f"{triples:,} triples: Oxigraph {seconds:.1f} s" + (
            f", Virtuoso {virtuoso[0]['seconds']:.1f} s" if virtuoso else ", Virtuoso not measured"
        )
        if triples < MILLION:
            add("4", goal, measured, "not measured", "fewer than 1M triples: --push-rows 200000")
        else:
            add(
                "4",
                goal,
                measured,
                "met" if ok and virtuoso else "missed",
                by + ("" if virtuoso else "; no Virtuoso push"),
            )

    goal = "the article's kg build, every export, < 1.5 s wall (median of 5)"
    article = result.get("article")
    if not article:
        add("5", goal, "", "not measured", "not measured in this run: the default run measures it")
    else:
        ok, by = _against(article["median_seconds"], 1.5)
        measured = f"median {article['median_seconds']:.2f} s of {article['runs']}"
        if article["runs"] < 5:
            add("5", goal, measured, "not measured", "fewer than 5 runs: --article-runs 5")
        else:
            add("5", goal, measured, "met" if ok else "missed", by)

    goal = "the default benchmark run < 10 minutes"
    total = result.get("total_seconds")
    if total is None:
        add("6", goal, "", "not measured", "not measured in this run")
    else:
        ok, by = _against(total, 600.0)
        measured = f"{total:.0f} s"
        if not result.get("options", {}).get("default_run"):
            add("6", goal, measured, "not measured", "not the default run: python -m benchmarks.run")
        else:
            add("6", goal, measured, "met" if ok else "missed", by)
    return rows


def targets_table(rows: list[dict]) -> str:
    """The targets as a Markdown table."""
    lines = ["| target | goal | measured | result | by how much |", "|---|---|---|---|---|"]
    for row in rows:
        lines.append(
            f"| {row['target']} | {row['goal']} | {row['measured']} | {row['status']} | {row['margin']} |"
        )
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
        help="also run pyoxigraph per row at 1M rows, rdflib's same graph from 100k rows and the facts-only jobs"
        " (at 1M rows about 13 more minutes and 6 GiB)",
    )
    parser.add_argument(
        "--every-export",
        action="store_true",
        help="also kg build with every export at each size (target 1: at 1M rows, about a minute more)",
    )
    parser.add_argument("--article-runs", type=int, default=5, help="runs of the article's build (median)")
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
        "--scale-sizes", default="", help=argparse.SUPPRESS
    )  # other sizes for --scale (a check)
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

    defaults = {"sizes", "runs", "sparql", "sparql_runs", "full", "every_export", "article_runs", "push_rows"}
    defaults |= {"push_stores", "scale", "only"}
    options = {key: str(value) if isinstance(value, Path) else value for key, value in vars(args).items()}
    options["default_run"] = all(getattr(args, key) == parser.get_default(key) for key in defaults)
    result = {
        "machine": machine(),
        "options": options,
        "builds": [],
        "sparql": [],
        "triples": {},
        "rounds": [],
    }
    log(f"machine: {result['machine']['cpus']} CPUs, {result['machine']['cpu_model']}")
    if args.scale:
        wait_for_quiet(args.quiet_load, args.quiet_wait, log)
        scale_sizes = [int(size) for size in args.scale_sizes.split(",") if size] or SCALE_SIZES
        result["scale"] = run_scale(args.workdir, scale_sizes, log)
        result["total_seconds"] = time.perf_counter() - started
        result["targets"] = targets(result)
        print()
        print(scale_table(result["scale"]))
        print()
        print(targets_table(result["targets"]))
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
        every_export=args.every_export,
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
    if args.article_runs:
        result["article"] = run_article(args.article_runs, log)
    result["total_seconds"] = time.perf_counter() - started
    result["targets"] = targets(result)
    print()
    print(table(result))
    if result.get("push"):
        print(f"\nkg push of {result['push_triples']:,} triples:\n")
        print(push_table(result["push"], result["push_triples"]))
    loads = [r["load_average"][0] for r in result["rounds"]]
    if loads:
        print(f"\nLoad average at the rounds' start: {min(loads):.1f} to {max(loads):.1f}.")
    print(f"\n{result['total_seconds']:.0f} s in all.")
    print("\nThe targets of issue 12, from this run:\n")
    print(targets_table(result["targets"]))
    if args.json:
        args.json.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
