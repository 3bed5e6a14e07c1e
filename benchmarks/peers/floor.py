"""The floor: polars reads the CSV and writes the same N-Triples bytes as ``kg build``, with no checks.

``python floor.py CSV VOCABULARY OUT_DIR``. Nothing is validated or mapped: every cell of the CSV
is read into a polars DataFrame (forcing each column), and the bytes of the N-Triples file that
``kg build`` wrote for the same CSV (``REFERENCE`` beside the CSV: ``graph.nt``) are written to
OUT_DIR. No program that reads this CSV and writes that file can take less; the benchmark
shows every other job against it. Prints the number of lines written.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import polars as pl


def main(csv: str, vocabulary: str, out: str) -> None:
    del vocabulary  # nothing is mapped
    frame = pl.read_csv(csv, infer_schema=False)  # every cell as text, as the CSV holds it
    assert frame.height > 0 and all(frame[c].len() == frame.height for c in frame.columns)
    reference = Path(csv).parent / "graph.nt"
    target = Path(out) / "graph.nt"
    Path(out).mkdir(parents=True, exist_ok=True)
    with open(reference, "rb") as source, open(target, "wb") as sink:
        shutil.copyfileobj(source, sink, 1 << 24)
    with open(target, "rb") as written:
        print(sum(block.count(b"\n") for block in iter(lambda: written.read(1 << 24), b"")))


if __name__ == "__main__":
    main(*sys.argv[1:])
