"""The baselines `kg build` is measured against: the same CSV turned into RDF with plain rdflib or plain pyoxigraph.

Two jobs, each written as a user of the library would write it, with no validation at all:

``graph``  the same graph `kg build` writes: each fact, its statement node (rdf:subject,
           rdf:predicate, rdf:object, prov:wasDerivedFrom, kg:unit, kg:approximation and the
           qualifier rows), the evidence, section and document nodes, and the vocabulary.
           The benchmark checks that the triples are the same as ours.
``facts``  only the fact of each row (one triple per row, qualifier rows left out), plus the
           vocabulary: the smaller job of the figures quoted in the issue.

Each ends by writing Turtle and N-Triples. Run as
``python -m benchmarks.baselines {rdflib,pyoxigraph} {graph,facts} CSV VOCABULARY OUT_DIR``.
The peers written as an expert writes them (polars making the N-Triples text, streamed through
pyoxigraph's Turtle writer or bulk-loaded into a store; maplib; morph-kgc) are in
:mod:`benchmarks.peers`.
"""

from __future__ import annotations

import csv
import hashlib
import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pyoxigraph as ox

BASE = "https://example.org/ningbo-kg/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
PROV = "http://www.w3.org/ns/prov#"
DCTERMS = "http://purl.org/dc/terms/"
KG = "https://example.org/ningbo-kg/vocab#"
SHORT_DATATYPES = {
    name: XSD + name
    for name in (
        "string",
        "integer",
        "positiveInteger",
        "nonNegativeInteger",
        "decimal",
        "double",
        "boolean",
        "date",
        "dateTime",
        "gYear",
        "gYearMonth",
        "anyURI",
    )
}
OWN_PREFIXES = {
    "ent": f"{BASE}entity/",
    "stmt": f"{BASE}statement/",
    "ev": f"{BASE}evidence/",
    "src": f"{BASE}source/",
}


class Vocabulary:
    """What the rows need from the vocabulary: prefixes, which properties link, ranges, unit and approx codes."""

    def __init__(self, path: Path):
        text = path.read_text(encoding="utf-8")
        self.prefixes = dict(re.findall(r"@prefix\s+([A-Za-z0-9_-]*):\s*<([^>]*)>", text))
        triples = list(ox.parse(path=path, format=ox.RdfFormat.TURTLE))
        kinds = {f"{OWL}ObjectProperty": "link", f"{OWL}DatatypeProperty": "literal"}
        self.links: set[str] = set()
        self.ranges: dict[str, str] = {}
        notations: dict[str, str] = {}
        members: dict[str, str] = {}
        for t in triples:
            s, p, o = t.subject.value, t.predicate.value, t.object.value
            if p == f"{RDF}type" and kinds.get(o) == "link":
                self.links.add(s)
            elif p == f"{RDF}type" and o in (f"{KG}Unit", f"{KG}Approximation"):
                members[s] = o
            elif p == f"{RDFS}range" and o.startswith(XSD):
                self.ranges[s] = o
            elif p == f"{SKOS}notation":
                notations[s] = o
        self.units = {notations[m]: m for m, c in members.items() if c == f"{KG}Unit" and m in notations}
        self.approximations = {
            notations[m]: m for m, c in members.items() if c == f"{KG}Approximation" and m in notations
        }

    def iri(self, cell: str) -> str:
        if cell.startswith("<"):
            return cell[1:-1]
        if ":" in cell:
            prefix, _, local = cell.partition(":")
            return self.prefixes[prefix] + local
        return f"{BASE}entity/{cell}"


def rows_to_triples(
    csv_path: Path,
    vocabulary: Vocabulary,
    iri: Callable[[str], object],
    literal: Callable[[str, str, str], object],
    job: str,
) -> Iterator[tuple]:
    """The triples of the rows, made with the given term constructors: ``literal(value, datatype, language)``."""
    documents: dict[str, tuple[str, str, str]] = {}  # source cell -> (slug, file name, sha256)
    with open(csv_path, encoding="utf-8-sig", newline="") as stream:
        for row in csv.DictReader(stream):
            predicate_cell, object_cell = row["predicate"], row["object"]
            p = f"{RDF}type" if predicate_cell == "a" else vocabulary.iri(predicate_cell)
            datatype_cell, lang = row["datatype"], row["lang"].lower()
            if p == f"{RDF}type" or datatype_cell == "iri" or (p in vocabulary.links and not datatype_cell):
                o_text, o_datatype, o = vocabulary.iri(object_cell), "", iri(vocabulary.iri(object_cell))
            else:
                datatype = "" if lang else SHORT_DATATYPES.get(datatype_cell) or vocabulary.ranges.get(p, "")
                o_text, o_datatype, o = object_cell, datatype, literal(object_cell, datatype, lang)
            qualifier = row["subject"].startswith("#")
            if job == "facts":
                if not qualifier:
                    yield iri(vocabulary.iri(row["subject"])), iri(p), o
                continue
            evidence = _evidence(row, csv_path, documents, iri, literal) if row["evidence"] else None
            if evidence is not None:
                yield from evidence[1]
            if qualifier:
                statement = iri(f"{BASE}statement/{row['subject'][1:]}")
                yield statement, iri(p), o
                if evidence is not None:
                    yield statement, iri(f"{PROV}wasDerivedFrom"), evidence[0]
                continue
            s_text = vocabulary.iri(row["subject"])
            s = iri(s_text)
            key = row["id"] or _digest("\n".join((s_text, p, o_text, o_datatype, lang)))
            statement = iri(f"{BASE}statement/{key}")
            yield s, iri(p), o
            yield statement, iri(f"{RDF}subject"), s
            yield statement, iri(f"{RDF}predicate"), iri(p)
            yield statement, iri(f"{RDF}object"), o
            yield statement, iri(f"{PROV}wasDerivedFrom"), evidence[0]
            if row["unit"]:
                yield statement, iri(f"{KG}unit"), iri(vocabulary.units[row["unit"]])
            if row["approx"]:
                yield statement, iri(f"{KG}approximation"), iri(vocabulary.approximations[row["approx"]])


def _evidence(row, csv_path: Path, documents: dict, iri, literal) -> tuple[object, list[tuple]]:
    """The evidence node of a row and its triples (the section and document triples come again each time)."""
    source = row["source"]
    if source not in documents:
        path = csv_path.parent / source
        slug = re.sub(r"[^A-Za-z0-9._-]", "-", path.stem)
        documents[source] = (slug, path.name, hashlib.sha256(path.read_bytes()).hexdigest())
    slug, name, sha256 = documents[source]
    section = row["section"]
    key = (slug, section, re.sub(r"\s+", "", row["evidence"]))
    node = iri(f"{BASE}evidence/{_digest(chr(10).join(key))}")
    document = iri(f"{BASE}source/{slug}")
    section_node = iri(f"{BASE}source/{slug}/{section}")
    a = iri(f"{RDF}type")
    return node, [
        (node, a, iri(f"{KG}Evidence")),
        (node, iri(f"{KG}quote"), literal(row["evidence"], "", "")),
        (node, iri(f"{DCTERMS}isPartOf"), section_node),
        (section_node, a, iri(f"{KG}Section")),
        (section_node, iri(f"{DCTERMS}isPartOf"), document),
        (section_node, iri(f"{DCTERMS}identifier"), literal(section, "", "")),
        (document, a, iri(f"{KG}SourceDocument")),
        (document, iri(f"{DCTERMS}identifier"), literal(name, "", "")),
        (document, iri(f"{KG}sha256"), literal(sha256, "", "")),
    ]


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def run_rdflib(job: str, csv_path: Path, vocabulary_path: Path, out: Path) -> int:
    """Rows into an rdflib.Graph (its default memory store), then Turtle and N-Triples."""
    import rdflib

    vocabulary = Vocabulary(vocabulary_path)
    graph = rdflib.Graph()
    graph.parse(vocabulary_path, format="turtle")
    for prefix, namespace in {**OWN_PREFIXES, **vocabulary.prefixes}.items():
        graph.bind(prefix, namespace, override=True)

    def literal(value: str, datatype: str, language: str):
        if language:
            return rdflib.Literal(value, lang=language)
        return rdflib.Literal(value, datatype=rdflib.URIRef(datatype) if datatype else None)

    for triple in rows_to_triples(csv_path, vocabulary, rdflib.URIRef, literal, job):
        graph.add(triple)
    graph.serialize(out / "graph.ttl", format="turtle")
    graph.serialize(out / "graph.nt", format="nt", encoding="utf-8")
    return len(graph)


def run_pyoxigraph(job: str, csv_path: Path, vocabulary_path: Path, out: Path) -> int:
    """Rows into a pyoxigraph.Store (in memory), then Turtle and N-Triples dumped by the store."""
    vocabulary = Vocabulary(vocabulary_path)
    store = ox.Store()
    store.bulk_load(path=vocabulary_path, format=ox.RdfFormat.TURTLE)

    def literal(value: str, datatype: str, language: str):
        if language:
            return ox.Literal(value, language=language)
        return ox.Literal(value, datatype=ox.NamedNode(datatype)) if datatype else ox.Literal(value)

    store.bulk_extend(
        ox.Quad(s, p, o) for s, p, o in rows_to_triples(csv_path, vocabulary, ox.NamedNode, literal, job)
    )
    prefixes = {**OWN_PREFIXES, **vocabulary.prefixes}
    store.dump(out / "graph.ttl", format=ox.RdfFormat.TURTLE, from_graph=ox.DefaultGraph(), prefixes=prefixes)
    store.dump(out / "graph.nt", format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    return len(store)


def main(argv: list[str]) -> None:
    library, job, csv_path, vocabulary_path, out = argv
    out_dir = Path(out)
    out_dir.mkdir(parents=True, exist_ok=True)
    run = {"rdflib": run_rdflib, "pyoxigraph": run_pyoxigraph}[library]
    count = run(job, Path(csv_path), Path(vocabulary_path), out_dir)
    print(count)


if __name__ == "__main__":
    main(sys.argv[1:])
