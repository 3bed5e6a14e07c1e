"""How `kg draft` does on the project's article: the draft (no --known) against data/triples.csv, and its time.

Prints the entities, figures and links found, missed and extra, the share of drafted rows a
curator would drop, whether every evidence is verbatim, and the seconds the draft took (jieba's
dictionary loading included, as a user pays it; the CPU seconds too, which other processes on a
shared machine do not inflate), with --details the items missed and extra.

    .venv/bin/python benchmarks/draft.py [--details]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graph.draft import write_draft  # noqa: E402
from graph.draft.compare import compare  # noqa: E402

ARTICLE = ROOT / "data/sources/000_ae5b4b592fd66ac1.txt"
CURATED = ROOT / "data/triples.csv"
VOCABULARY = ROOT / "data/vocabulary.ttl"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--details", action="store_true", help="also list the items missed and extra")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="draft-bench-") as folder:
        out = Path(folder) / "draft.csv"
        started, cpu_started = time.perf_counter(), time.process_time()
        result = write_draft(ARTICLE, out, VOCABULARY)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        comparison = compare(out, CURATED, ARTICLE.read_text(encoding="utf-8"))
    print(f"article: {ARTICLE.relative_to(ROOT)}; curated: {CURATED.relative_to(ROOT)}; no --known")
    for line in comparison.lines():
        print(line)
    print(
        f"time: {seconds:.2f} s ({cpu:.2f} s of CPU) for {len(result.draft.rows)} rows"
        " (segmentation dictionary loading included)"
    )
    if args.details:
        for name, tally in (
            ("entities", comparison.entities),
            ("figures", comparison.figures),
            ("links", comparison.links),
        ):
            print(f"\n{name} missed: {', '.join(tally.missed_items)}")
            print(f"{name} extra: {', '.join(tally.extra_items)}")


if __name__ == "__main__":
    main()
