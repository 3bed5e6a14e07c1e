"""Re-extract the W3C RDF syntax tests these conformance tests use, from a clone of w3c/rdf-tests.

    python tests/conformance/rdf_syntax/w3c/extract.py PATH_TO_RDF_TESTS_CLONE

The clone may be bare; files are read with ``git show HEAD:...``. Taken: the evaluation tests of
N-Triples and Turtle, RDF 1.1 and 1.2 (Turtle eval, N-Triples positive syntax, whose file is its
own expected graph, and N-Triples canonicalisation), each named in its manifest's ``mf:entries``.
A test whose expected graph holds a triple term is left out (the project's writers take no triple
terms) and listed with the reason in ``tests.json``. Only the files of the tests taken are copied,
with the suite's licence; the tests read ``tests.json`` and never the network.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox

HERE = Path(__file__).parent
SUITE = "https://w3c.github.io/rdf-tests/"  # the suite's assumed base: a test's file is read at SUITE + path
MANIFESTS = [
    "rdf/rdf11/rdf-n-triples/manifest.ttl",
    "rdf/rdf11/rdf-turtle/manifest.ttl",
    "rdf/rdf12/rdf-n-triples/c14n/manifest.ttl",
    "rdf/rdf12/rdf-n-triples/syntax/manifest.ttl",
    "rdf/rdf12/rdf-turtle/eval/manifest.ttl",
]
LICENCES = ["LICENSE.md", "rdf/rdf11/rdf-turtle/LICENSE"]
TYPES = {"TestTurtleEval", "TestNTriplesPositiveSyntax", "TestNTriplesPositiveC14N"}
ENTRIES = """
PREFIX mf: <http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
SELECT ?test ?type ?action ?result WHERE {
  ?manifest mf:entries/rdf:rest*/rdf:first ?test .
  ?test a ?type ; mf:action ?action .
  OPTIONAL { ?test mf:result ?result }
}
"""


def show(clone: Path, path: str) -> bytes:
    return subprocess.run(
        ["git", "-C", str(clone), "show", f"HEAD:{path}"], capture_output=True, check=True, timeout=60
    ).stdout


def has_triple_term(data: bytes, base: str, rdf_format: ox.RdfFormat) -> bool:
    return any(
        isinstance(term, ox.Triple) for t in ox.parse(data, format=rdf_format, base_iri=base) for term in t
    )


def main(clone: Path) -> None:
    commit = subprocess.run(
        ["git", "-C", str(clone), "rev-parse", "HEAD"], capture_output=True, text=True, check=True
    ).stdout.strip()
    tests, left_out, files = [], [], {}
    for manifest in MANIFESTS:
        store = ox.Store()
        store.load(show(clone, manifest), format=ox.RdfFormat.TURTLE, base_iri=SUITE + manifest)
        for row in store.query(ENTRIES):
            kind = row["type"].value.rsplit("#", 1)[1]
            if kind not in TYPES:
                continue
            action = row["action"].value.removeprefix(SUITE)
            result = row["result"].value.removeprefix(SUITE) if row["result"] else None
            expected = result or action  # a positive N-Triples syntax test: the file is its own graph
            test = {
                "id": row["test"].value.removeprefix(SUITE + "rdf/"),
                "type": kind,
                "action": action.removeprefix("rdf/"),
                "result": expected.removeprefix("rdf/"),
                "base": SUITE + action,
            }
            data = show(clone, expected)
            if has_triple_term(data, SUITE + expected, ox.RdfFormat.N_TRIPLES):
                left_out.append({**test, "reason": "the expected graph holds a triple term"})
                continue
            tests.append(test)
            for path in {action, expected}:
                files[path] = show(clone, path)
    for path, data in files.items():
        target = HERE / path.removeprefix("rdf/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    for path in LICENCES:
        target = HERE / path.removeprefix("rdf/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(show(clone, path))
    index = {
        "source": "https://github.com/w3c/rdf-tests",
        "commit": commit,
        "tests": sorted(tests, key=lambda t: t["id"]),
        "left_out": sorted(left_out, key=lambda t: t["id"]),
    }
    lines = [f'{{"source": {json.dumps(index["source"])}, "commit": "{commit}",']
    for key in ("tests", "left_out"):
        entries = [json.dumps(entry, ensure_ascii=False) for entry in index[key]]
        lines.append(f' "{key}": [\n  ' + ",\n  ".join(entries) + "\n ]" + ("," if key == "tests" else "}"))
    (HERE / "tests.json").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(tests)} tests, {len(files)} files; {len(left_out)} left out", file=sys.stderr)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: extract.py PATH_TO_RDF_TESTS_CLONE")
    main(Path(sys.argv[1]))
