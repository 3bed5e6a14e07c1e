"""The expert pyoxigraph pipeline: polars makes the N-Triples text, a Store bulk-loads it and dumps the files.

``python pyoxigraph-bulk.py CSV VOCABULARY OUT_DIR``, in a virtualenv holding polars,
polars-hash and pyoxigraph. polars reads the CSV and turns it into the N-Triples lines of
``kg build``'s graph with vectorised expressions (:mod:`polars_terms`); an in-memory
``pyoxigraph.Store`` bulk-loads that text (its fast path, which also drops the duplicates) and
dumps Turtle and N-Triples. No validation. Prints the number of triples.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pyoxigraph as ox
from polars_terms import OWN_PREFIXES, Vocabulary, ntriples, terms, write_lines


def main(csv: str, vocabulary_path: str, out: str) -> None:
    out_dir = Path(out)
    out_dir.mkdir(parents=True, exist_ok=True)
    vocabulary = Vocabulary(Path(vocabulary_path))
    text = io.BytesIO()
    write_lines(ntriples(terms(Path(csv), vocabulary), vocabulary), text)
    store = ox.Store()
    text.seek(0)
    store.bulk_load(text, format=ox.RdfFormat.N_TRIPLES)
    del text
    prefixes = {**OWN_PREFIXES, **vocabulary.prefixes}
    store.dump(
        out_dir / "graph.ttl", format=ox.RdfFormat.TURTLE, from_graph=ox.DefaultGraph(), prefixes=prefixes
    )
    store.dump(out_dir / "graph.nt", format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    print(len(store))


if __name__ == "__main__":
    main(*sys.argv[1:])
