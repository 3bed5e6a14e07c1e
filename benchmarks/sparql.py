"""SPARQL side by side: the same five queries on our pyoxigraph store and on rdflib's in-memory engine.

Run as ``python -m benchmarks.sparql CSV VOCABULARY RUNS`` (the benchmark runner does it in a
process of its own); prints one JSON object. The graph is built from the CSV by ``graph.build``;
``KnowledgeGraph.to_store()`` gives the pyoxigraph store, ``to_rdflib()`` the rdflib graph, so both
hold the same triples. Both engines are timed from query text to every result row written as
SPARQL CSV (parsing included, as an endpoint answers a request); rdflib is also timed on a
query parsed beforehand (``prepareQuery``), to show what its evaluation alone costs. The two
engines must give the same answers.
"""

from __future__ import annotations

import csv
import io
import json
import statistics
import sys
import time

import pyoxigraph as ox
from rdflib.plugins.sparql import prepareQuery

import graph

PREFIXES = """PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX kg: <https://example.org/ningbo-kg/vocab#>
PREFIX ent: <https://example.org/ningbo-kg/entity/>
"""


def queries(csv_path: str) -> dict[str, str]:
    """The five queries, aimed at an entity and a fact that exist in this dataset."""
    with open(csv_path, encoding="utf-8", newline="") as stream:
        links = [r for r in csv.DictReader(stream) if r["predicate"] in ("kg:synLink0", "kg:synLink1")]
    subject, predicate, obj = links[0]["subject"], links[0]["predicate"], links[0]["object"]
    start = next(r["subject"] for r in links if r["predicate"] == "kg:synLink0")
    return {
        "label lookup": 'SELECT ?entity WHERE { ?entity rdfs:label "实体7"@zh }',
        "two-hop join": "SELECT ?a ?c WHERE { ?a kg:synLink0 ?b . ?b kg:synLink1 ?c }",
        "GROUP BY count per class": "SELECT ?class (COUNT(?e) AS ?n) WHERE { ?e a ?class } GROUP BY ?class",
        "property path": f"SELECT DISTINCT ?reached WHERE {{ ent:{start} (kg:synLink0|kg:synLink1)+ ?reached }}",
        "provenance lookup": (
            f"SELECT ?quote ?section WHERE {{ ?statement rdf:subject ent:{subject} ; rdf:predicate {predicate} ;"
            f" rdf:object ent:{obj} ; prov:wasDerivedFrom ?evidence . ?evidence kg:quote ?quote ;"
            " <http://purl.org/dc/terms/isPartOf> ?section }"
        ),
    }


def _read_oxigraph(store, text: str) -> bytes:
    """Run the query and write every row as SPARQL CSV, as an endpoint answers (what is timed)."""
    return store.query(PREFIXES + text).serialize(format=ox.QueryResultsFormat.CSV)


def _read_rdflib(rdflib_graph, query) -> bytes:
    return rdflib_graph.query(query).serialize(format="csv")


def _answers(table: bytes) -> list[tuple]:
    """The rows of a CSV result, in order, as text both engines agree on (not timed)."""
    rows = list(csv.reader(io.StringIO(table.decode("utf-8"))))
    return sorted(tuple(row) for row in rows[1:])


def _timed(read) -> tuple[float, list[tuple]]:
    started = time.perf_counter()
    rows = read()
    return time.perf_counter() - started, rows


def main(csv_path: str, vocabulary: str, runs: int) -> dict:
    kg = graph.build([csv_path], vocabulary=vocabulary, shapes=None)
    started = time.perf_counter()
    store = kg.to_store()
    store_seconds = time.perf_counter() - started
    started = time.perf_counter()
    rdflib_graph = kg.to_rdflib()
    rdflib_seconds = time.perf_counter() - started
    results = []
    for name, text in queries(csv_path).items():
        prepared = prepareQuery(PREFIXES + text)
        timings: dict[str, list[float]] = {"pyoxigraph": [], "rdflib": [], "rdflib_prepared": []}
        answers: dict[str, bytes] = {}
        for _ in range(runs):
            for engine, seconds_rows in (
                ("pyoxigraph", _timed(lambda q=text: _read_oxigraph(store, q))),
                ("rdflib", _timed(lambda q=PREFIXES + text: _read_rdflib(rdflib_graph, q))),
                ("rdflib_prepared", _timed(lambda q=prepared: _read_rdflib(rdflib_graph, q))),
            ):
                timings[engine].append(seconds_rows[0])
                answers[engine] = seconds_rows[1]
        found = {engine: _answers(rows) for engine, rows in answers.items()}
        if not found["pyoxigraph"] == found["rdflib"] == found["rdflib_prepared"]:
            raise AssertionError(f"{name}: the two engines disagree")
        results.append(
            {
                "query": name,
                "rows": len(found["pyoxigraph"]),
                "ours_s": statistics.median(timings["pyoxigraph"]),
                "rdflib_s": statistics.median(timings["rdflib"]),
                "rdflib_prepared_s": statistics.median(timings["rdflib_prepared"]),
                "runs": runs,
            }
        )
    return {
        "triples": len(kg),
        "load_store_s": store_seconds,
        "load_rdflib_s": rdflib_seconds,
        "queries": results,
    }


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], sys.argv[2], int(sys.argv[3]))))
