"""Recall and precision of ``kg resolve`` on duplicates planted in synthetic second sources.

For each seed, ``generate_second_source`` writes a registry that names some of the article's
organisations under new keys and changed names (the planted pairs) and some organisations that
are in no other source, a few of them namesakes from another city. The article and the registry
are built together, and every pair ``find_candidates`` proposes at the threshold is checked
against the planted pairs.

    .venv/bin/python benchmarks/resolve_quality.py [--seeds 5] [--duplicates 15] [--threshold 0.5]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import graph  # noqa: E402
from graph.analysis.resolve import find_candidates  # noqa: E402
from graph.synthetic import generate_second_source  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--duplicates", type=int, default=15)
    parser.add_argument("--threshold", type=float, default=0.5)
    args = parser.parse_args()
    article = ROOT / "data" / "triples.csv"
    totals = {"planted": 0, "found": 0, "proposed": 0, "right": 0}
    print(
        f"{'seed':>4} {'planted':>7} {'proposed':>8} {'right':>5} {'recall':>7} {'precision':>9} {'seconds':>7}"
    )
    for seed in range(1, args.seeds + 1):
        with tempfile.TemporaryDirectory(prefix="kg-resolve-") as folder:
            made = generate_second_source(folder, article, seed, args.duplicates, args.duplicates)
            started = time.perf_counter()
            built = graph.build([article, made.csv], shapes=None)
            candidates = find_candidates(built, threshold=args.threshold)
            seconds = time.perf_counter() - started
        planted = {frozenset((new, old)) for new, old, _ in made.planted}
        proposed = {frozenset((c.a.key, c.b.key)) for c in candidates}
        right = planted & proposed
        recall = len(right) / len(planted) if planted else 1.0
        precision = len(right) / len(proposed) if proposed else 1.0
        print(
            f"{seed:>4} {len(planted):>7} {len(proposed):>8} {len(right):>5} {recall:>7.3f} {precision:>9.3f} {seconds:>7.2f}"
        )
        for pair in sorted(map(sorted, planted - proposed)):
            print(f"       missed: {' = '.join(pair)}")
        for pair in sorted(map(sorted, proposed - planted)):
            print(f"       wrong:  {' = '.join(pair)}")
        totals["planted"] += len(planted)
        totals["proposed"] += len(proposed)
        totals["right"] += len(right)
    recall = totals["right"] / totals["planted"] if totals["planted"] else 1.0
    precision = totals["right"] / totals["proposed"] if totals["proposed"] else 1.0
    print(
        f"all  recall {recall:.3f} ({totals['right']}/{totals['planted']})  precision {precision:.3f} ({totals['right']}/{totals['proposed']})"
    )


if __name__ == "__main__":
    main()
