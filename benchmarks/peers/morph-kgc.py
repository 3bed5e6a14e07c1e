"""morph-kgc on the same-graph job: an RML mapping over DuckDB SQL views of the CSV.

``python morph-kgc.py CSV VOCABULARY OUT_DIR``, in a virtualenv holding morph-kgc (and its
pyoxigraph and DuckDB). As an expert writes it for morph-kgc: one SQL query (DuckDB) expands the
cells into the terms of ``kg build``'s graph (prefixed names to IRIs, datatypes from the
vocabulary's ranges, statement and evidence ids as SHA-256 digests), run once and staged in a
Parquet file; then 22 triples maps of plain references (no FnO functions, no joins), each over a
narrow ``SELECT DISTINCT`` of the staged columns it reads, none null (a null cell makes no
triple). What the query needs from the vocabulary (prefixes, object properties, ranges, unit and
approximation codes) and from the source documents (their names and digests) is read here first.
morph-kgc writes N-Triples, one process per core; the vocabulary's own triples are added after.
Validation: none.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path

import duckdb  # morph-kgc's own
import pyoxigraph as ox  # morph-kgc's own (0.3)

BASE = "https://example.org/ningbo-kg/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
PROV = "http://www.w3.org/ns/prov#"
DCTERMS = "http://purl.org/dc/terms/"
KG = "https://example.org/ningbo-kg/vocab#"
SHORT = "string integer positiveInteger nonNegativeInteger decimal double boolean date dateTime gYear gYearMonth anyURI"


def q(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def expand(cell: str, prefixes: dict[str, str]) -> str:
    """SQL: the IRI of a cell (<iri>, prefix:local or a bare entity name)."""
    cases = " ".join(
        f"WHEN starts_with({cell}, {q(p + ':')}) THEN {q(ns)} || substr({cell}, {len(p) + 2})"
        for p, ns in sorted(prefixes.items(), key=lambda item: -len(item[0]))
    )
    return (
        f"(CASE WHEN starts_with({cell}, '<') THEN substr({cell}, 2, length({cell}) - 2) {cases} "
        f"ELSE {q(BASE + 'entity/')} || {cell} END)"
    )


def vocabulary_facts(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    prefixes = dict(re.findall(r"@prefix\s+([A-Za-z0-9_-]*):\s*<([^>]*)>", text))
    links, ranges, notations, members = set(), {}, {}, {}
    for t in ox.parse(str(path), "text/turtle"):
        s, p, o = t.subject.value, t.predicate.value, t.object.value
        if p == RDF + "type" and o == OWL + "ObjectProperty":
            links.add(s)
        elif p == RDF + "type" and o in (KG + "Unit", KG + "Approximation"):
            members[s] = o
        elif p == RDFS + "range" and o.startswith(XSD):
            ranges[s] = o
        elif p == SKOS + "notation":
            notations[s] = o
    units = {notations[m]: m for m, c in members.items() if c == KG + "Unit" and m in notations}
    approx = {notations[m]: m for m, c in members.items() if c == KG + "Approximation" and m in notations}
    return {"prefixes": prefixes, "links": links, "ranges": ranges, "units": units, "approx": approx}


def query(csv: Path, vocab: dict) -> str:
    """The one SQL view every triples map reads: a row's terms, null where the row makes no such triple."""
    sources = [
        r[0]
        for r in duckdb.query(
            f"SELECT DISTINCT source FROM read_csv({q(str(csv))}, all_varchar=true) WHERE source IS NOT NULL"
        ).fetchall()
    ]
    documents = []
    for source in sources:
        path = csv.parent / source
        slug = re.sub(r"[^A-Za-z0-9._-]", "-", path.stem)
        documents.append(
            f"({q(source)}, {q(slug)}, {q(path.name)}, {q(hashlib.sha256(path.read_bytes()).hexdigest())})"
        )
    short = " ".join(f"WHEN {q(n)} THEN {q(XSD + n)}" for n in SHORT.split())
    ranges = " ".join(f"WHEN {q(p)} THEN {q(r)}" for p, r in vocab["ranges"].items()) or "WHEN NULL THEN NULL"
    units = " ".join(f"WHEN {q(c)} THEN {q(i)}" for c, i in vocab["units"].items()) or "WHEN NULL THEN NULL"
    approx = " ".join(f"WHEN {q(c)} THEN {q(i)}" for c, i in vocab["approx"].items()) or "WHEN NULL THEN NULL"
    links = ", ".join(q(link) for link in vocab["links"]) or "''"
    px = vocab["prefixes"]
    return f"""
WITH raw AS (SELECT * FROM read_csv({q(str(csv))}, all_varchar=true, header=true)),
docs(source, slug, name, sha) AS (VALUES {", ".join(documents)}),
a AS (
  SELECT raw.*, docs.slug, docs.name, docs.sha,
    CASE WHEN predicate = 'a' THEN {q(RDF + "type")} ELSE {expand("predicate", px)} END AS p,
    lower(coalesce(lang, '')) AS lg,
    starts_with(subject, '#') AS qualifier,
    {expand("subject", px)} AS s_text
  FROM raw LEFT JOIN docs USING (source)),
b AS (
  SELECT a.*,
    (p = {q(RDF + "type")} OR coalesce(datatype, '') = 'iri' OR (p IN ({links}) AND coalesce(datatype, '') = '')) AS is_iri
  FROM a),
c AS (
  SELECT b.*,
    CASE WHEN is_iri THEN {expand("object", px)} ELSE object END AS o_text,
    CASE WHEN is_iri OR lg <> '' THEN '' ELSE coalesce(CASE datatype {short} END, CASE p {ranges} END, '') END AS dt,
    {q(BASE + "evidence/")} || substr(sha256(slug || chr(10) || section || chr(10) || regexp_replace(evidence, '\\s+', '', 'g')), 1, 16) AS ev,
    {q(BASE + "source/")} || slug AS doc,
    {q(BASE + "source/")} || slug || '/' || section AS sec
  FROM b)
SELECT
  CASE WHEN qualifier THEN {q(BASE + "statement/")} || substr(subject, 2) ELSE s_text END AS subj,
  CASE WHEN NOT qualifier THEN s_text END AS s_iri,
  CASE WHEN NOT qualifier THEN {q(BASE + "statement/")} || coalesce(nullif(id, ''),
    substr(sha256(s_text || chr(10) || p || chr(10) || o_text || chr(10) || dt || chr(10) || lg), 1, 16)) END AS stmt,
  CASE WHEN qualifier THEN {q(BASE + "statement/")} || substr(subject, 2)
       ELSE {q(BASE + "statement/")} || coalesce(nullif(id, ''),
    substr(sha256(s_text || chr(10) || p || chr(10) || o_text || chr(10) || dt || chr(10) || lg), 1, 16)) END AS anystmt,
  p,
  CASE WHEN is_iri THEN o_text END AS o_iri,
  CASE WHEN NOT is_iri AND lg <> '' THEN object END AS o_lang, CASE WHEN lg <> '' THEN lg END AS lang_tag,
  CASE WHEN NOT is_iri AND lg = '' AND dt <> '' THEN object END AS o_typed, nullif(dt, '') AS dt_iri,
  CASE WHEN NOT is_iri AND lg = '' AND dt = '' THEN object END AS o_plain,
  CASE WHEN NOT qualifier THEN CASE unit {units} END END AS unit_iri,
  CASE WHEN NOT qualifier THEN CASE approx {approx} END END AS approx_iri,
  CASE WHEN coalesce(evidence, '') <> '' THEN ev END AS ev, evidence, sec, section, doc, name, sha
FROM c"""


def mapping(terms: Path) -> str:
    """The RML mapping: one triples map per kind of triple, each over a DuckDB query of ``terms``
    (the staged Parquet file) that selects only the columns the map reads, distinct and not null
    (morph-kgc turns every cell of what a query returns into a string in Python, and writes a null
    cell as "None": a narrow, deduplicated view is what keeps it fast)."""
    maps = []

    def add(subject: str, predicate: str, obj: str) -> None:
        needed = list(dict.fromkeys([subject, *re.findall(r'rml:reference "([^"]+)"', predicate + obj)]))
        view = (
            f"SELECT DISTINCT {', '.join(needed)} FROM read_parquet({q(str(terms))}) WHERE "
            + " AND ".join(f"{column} IS NOT NULL" for column in needed)
        )
        maps.append(
            f"<#m{len(maps)}> rml:logicalSource [ rml:query {turtle(view)} ] ;\n"
            f'  rml:subjectMap [ rml:reference "{subject}" ; rml:termType rml:IRI ] ;\n'
            f"  rml:predicateObjectMap [ rml:predicateMap {predicate} ; rml:objectMap {obj} ] ."
        )

    def const(iri: str) -> str:
        return f"[ rml:constant <{iri}> ]"

    iri = '[ rml:reference "{}" ; rml:termType rml:IRI ]'.format
    objects = [
        iri("o_iri"),
        '[ rml:reference "o_lang" ; rml:termType rml:Literal ; rml:languageMap [ rml:reference "lang_tag" ] ]',
        '[ rml:reference "o_typed" ; rml:termType rml:Literal ; rml:datatypeMap [ rml:reference "dt_iri" ] ]',
        '[ rml:reference "o_plain" ; rml:termType rml:Literal ]',
    ]
    plain = '[ rml:reference "{}" ; rml:termType rml:Literal ]'.format
    for obj in objects:
        add("subj", iri("p"), obj)
        add("stmt", const(RDF + "object"), obj)
    add("stmt", const(RDF + "subject"), iri("s_iri"))
    add("stmt", const(RDF + "predicate"), iri("p"))
    add("anystmt", const(PROV + "wasDerivedFrom"), iri("ev"))
    add("stmt", const(KG + "unit"), iri("unit_iri"))
    add("stmt", const(KG + "approximation"), iri("approx_iri"))
    add("ev", const(RDF + "type"), const(KG + "Evidence"))
    add("ev", const(KG + "quote"), plain("evidence"))
    add("ev", const(DCTERMS + "isPartOf"), iri("sec"))
    add("sec", const(RDF + "type"), const(KG + "Section"))
    add("sec", const(DCTERMS + "isPartOf"), iri("doc"))
    add("sec", const(DCTERMS + "identifier"), plain("section"))
    add("doc", const(RDF + "type"), const(KG + "SourceDocument"))
    add("doc", const(DCTERMS + "identifier"), plain("name"))
    add("doc", const(KG + "sha256"), plain("sha"))
    return "@prefix rml: <http://w3id.org/rml/> .\n\n" + "\n\n".join(maps) + "\n"


def turtle(text: str) -> str:
    return '"""' + text.replace("\\", "\\\\").replace('"', '\\"') + '"""'


def main(csv: str, vocabulary: str, out: str) -> None:
    out_dir = Path(out)
    out_dir.mkdir(parents=True, exist_ok=True)
    csv_path = Path(csv).resolve()
    terms = out_dir / "terms.parquet"  # the terms of every row, computed once by DuckDB
    duckdb.execute(
        f"COPY ({query(csv_path, vocabulary_facts(Path(vocabulary)))}) TO {q(str(terms))} (FORMAT parquet)"
    )
    rml = out_dir / "mapping.rml.ttl"
    rml.write_text(mapping(terms), encoding="utf-8")
    target = out_dir / "graph.nt"
    # one process per core (morph-kgc's default is two per core: more memory, no faster here)
    config = (
        f"[CONFIGURATION]\noutput_file: {target}\noutput_format: N-TRIPLES\n"
        f"number_of_processes: {os.cpu_count() or 1}\n\n[DataSource1]\nmappings: {rml}\n"
    )
    (out_dir / "config.ini").write_text(config, encoding="utf-8")
    subprocess.run([sys.executable, "-m", "morph_kgc", str(out_dir / "config.ini")], check=True)
    with open(target, "ab") as stream:  # the vocabulary's own triples
        ox.serialize(ox.parse(vocabulary, "text/turtle"), stream, "application/n-triples")
    with open(target, "rb") as written:
        print(sum(block.count(b"\n") for block in iter(lambda: written.read(1 << 24), b"")))


if __name__ == "__main__":
    main(*sys.argv[1:])
