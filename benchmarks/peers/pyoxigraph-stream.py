"""pyoxigraph streaming sorted N-Triples, as an expert writes it: polars makes the lines, Oxigraph the Turtle.

``python pyoxigraph-stream.py CSV VOCABULARY OUT_DIR``, in a virtualenv holding polars,
polars-hash and pyoxigraph. polars reads the CSV and turns it into the N-Triples lines of
``kg build``'s graph with vectorised expressions (:mod:`polars_terms`), drops duplicates and
sorts them (in parallel, in Rust), and writes them as graph.nt; pyoxigraph then parses that file
and streams its triples through its Turtle serialiser into graph.ttl (sorted input keeps a
subject's triples together, so the Turtle groups them). No store, no validation. Prints the
number of triples.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pyoxigraph as ox
from polars_terms import OWN_PREFIXES, Vocabulary, ntriples, terms, write_lines


def main(csv: str, vocabulary_path: str, out: str) -> None:
    out_dir = Path(out)
    out_dir.mkdir(parents=True, exist_ok=True)
    vocabulary = Vocabulary(Path(vocabulary_path))
    lines = ntriples(terms(Path(csv), vocabulary), vocabulary).unique().sort()
    write_lines(lines, out_dir / "graph.nt")
    count = len(lines)
    del lines
    triples = ox.parse(path=out_dir / "graph.nt", format=ox.RdfFormat.N_TRIPLES)
    prefixes = {**OWN_PREFIXES, **vocabulary.prefixes}
    ox.serialize(triples, out_dir / "graph.ttl", format=ox.RdfFormat.TURTLE, prefixes=prefixes)
    print(count)


if __name__ == "__main__":
    main(*sys.argv[1:])
