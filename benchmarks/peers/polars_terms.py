"""The rows of the CSV as the terms of ``kg build``'s graph, computed by polars (shared by the peers).

Imported by the peer scripts beside it (``pyoxigraph-stream.py``, ``pyoxigraph-bulk.py``,
``maplib.py``), which run in virtualenvs of their own holding polars, polars-hash (SHA-256 as a
polars expression) and pyoxigraph. Everything is a polars expression over whole columns; Python
runs once per vocabulary term or source document, never once per row. The mapping is that of
``benchmarks/baselines.py`` (the rules a user of the CSV format would write): prefixed names to
IRIs, datatypes from the vocabulary's ranges, statement ids as SHA-256 digests of their triple,
evidence ids as digests of the quote with its whitespace removed. Validation: none.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import polars as pl
import polars_hash  # noqa: F401  (gives polars expressions .chash.sha2_256)
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
SHORT = "string integer positiveInteger nonNegativeInteger decimal double boolean date dateTime gYear gYearMonth anyURI"
OWN_PREFIXES = {
    "ent": f"{BASE}entity/",
    "stmt": f"{BASE}statement/",
    "ev": f"{BASE}evidence/",
    "src": f"{BASE}source/",
}


class Vocabulary:
    """What the rows need from the vocabulary: prefixes, object properties, ranges, unit and approx codes."""

    def __init__(self, path: Path):
        text = path.read_text(encoding="utf-8")
        self.prefixes = dict(re.findall(r"@prefix\s+([A-Za-z0-9_-]*):\s*<([^>]*)>", text))
        self.triples = list(ox.parse(path=path, format=ox.RdfFormat.TURTLE))
        self.links: list[str] = []
        self.ranges: dict[str, str] = {}
        notations: dict[str, str] = {}
        members: dict[str, str] = {}
        for t in self.triples:
            s, p, o = t.subject.value, t.predicate.value, t.object.value
            if p == f"{RDF}type" and o == f"{OWL}ObjectProperty":
                self.links.append(s)
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

    def ntriples(self) -> list[str]:
        """The vocabulary's own triples as N-Triples lines (without their line ends)."""
        return [f"{t} ." for t in self.triples]


def expand(column: str, vocabulary: Vocabulary) -> pl.Expr:
    """The IRI of each cell of ``column``: ``<iri>``, ``prefix:local`` or a bare entity name."""
    cell = pl.col(column)
    parts = cell.str.splitn(":", 2)
    namespace = parts.struct.field("field_0").replace_strict(vocabulary.prefixes, default=None)
    return (
        pl.when(cell.str.starts_with("<"))
        .then(cell.str.slice(1, cell.str.len_chars() - 2))
        .when(cell.str.contains(":", literal=True))
        .then(namespace + parts.struct.field("field_1"))
        .otherwise(pl.lit(f"{BASE}entity/") + cell)
    )


def digest(*parts: pl.Expr) -> pl.Expr:
    """The first 16 hex digits of the SHA-256 of the parts joined by newlines (as ``kg build`` names nodes)."""
    return pl.concat_str(*parts, separator="\n").chash.sha2_256().str.slice(0, 16)


def literal_text(column: str) -> pl.Expr:
    """A cell as the quoted lexical form of an N-Triples literal."""
    escaped = (
        pl.col(column)
        .str.replace_all("\\", "\\\\", literal=True)
        .str.replace_all('"', '\\"', literal=True)
        .str.replace_all("\n", "\\n", literal=True)
        .str.replace_all("\r", "\\r", literal=True)
        .str.replace_all("\t", "\\t", literal=True)
    )
    return pl.lit('"') + escaped + pl.lit('"')


def documents(csv: Path, sources: list[str]) -> pl.DataFrame:
    """One row per source document: its slug, file name and SHA-256 (a few files, read once each)."""
    rows = []
    for source in sources:
        path = csv.parent / source
        slug = re.sub(r"[^A-Za-z0-9._-]", "-", path.stem)
        rows.append((source, slug, path.name, hashlib.sha256(path.read_bytes()).hexdigest()))
    schema = {"source": pl.String, "slug": pl.String, "name": pl.String, "sha": pl.String}
    return pl.DataFrame(rows, schema=schema, orient="row")


def terms(csv: Path, vocabulary: Vocabulary, parts: bool = False) -> pl.DataFrame:
    """One row per CSV row: the IRIs and N-Triples terms of its triples (null where the row makes none).

    Columns: ``subj`` (the fact's subject, or the statement a qualifier row qualifies), ``s`` (the
    fact's subject, null on a qualifier row), ``stmt`` (its statement node), ``p``, ``o`` (the
    object as an N-Triples term), ``ev`` (the evidence node), ``sec``, ``doc``, ``section``,
    ``evidence``, ``name``, ``sha``, ``unit``, ``approx`` (IRIs, null when the row has none); with
    ``parts``, also the object's parts: ``o_iri`` (null for a literal), ``o_lex``, ``lg``, ``dt``.
    """
    frame = pl.read_csv(csv, infer_schema=False).with_columns(pl.all().fill_null(""))
    sources = frame.get_column("source").unique().to_list()
    docs = documents(csv, [source for source in sources if source])
    short = {name: XSD + name for name in SHORT.split()}
    object_parts = [
        pl.when(pl.col("is_iri")).then(pl.col("o_text")).alias("o_iri"),
        pl.col("object").alias("o_lex"),
        "lg",
        "dt",
    ]
    frame = (
        frame.lazy()
        .join(docs.lazy(), on="source", how="left")
        .with_columns(
            p=pl.when(pl.col("predicate") == "a")
            .then(pl.lit(f"{RDF}type"))
            .otherwise(expand("predicate", vocabulary)),
            lg=pl.col("lang").str.to_lowercase(),
            qualifier=pl.col("subject").str.starts_with("#"),
            s_text=expand("subject", vocabulary),
        )
        .with_columns(
            is_iri=(pl.col("p") == f"{RDF}type")
            | (pl.col("datatype") == "iri")
            | (pl.col("p").is_in(vocabulary.links) & (pl.col("datatype") == "")),
        )
        .with_columns(
            o_text=pl.when(pl.col("is_iri")).then(expand("object", vocabulary)).otherwise(pl.col("object")),
            dt=pl.when(pl.col("is_iri") | (pl.col("lg") != ""))
            .then(pl.lit(""))
            .otherwise(
                pl.coalesce(
                    pl.col("datatype").replace_strict(short, default=None),
                    pl.col("p").replace_strict(vocabulary.ranges, default=None),
                    pl.lit(""),
                )
            ),
        )
        .with_columns(
            o=pl.when(pl.col("is_iri"))
            .then(pl.lit("<") + pl.col("o_text") + pl.lit(">"))
            .when(pl.col("lg") != "")
            .then(literal_text("object") + pl.lit("@") + pl.col("lg"))
            .when(pl.col("dt") != "")
            .then(literal_text("object") + pl.lit("^^<") + pl.col("dt") + pl.lit(">"))
            .otherwise(literal_text("object")),
            key=pl.when(pl.col("id") != "")
            .then(pl.col("id"))
            .otherwise(digest(pl.col("s_text"), pl.col("p"), pl.col("o_text"), pl.col("dt"), pl.col("lg"))),
            ev=pl.when(pl.col("evidence") != "").then(
                pl.lit(f"{BASE}evidence/")
                + digest(pl.col("slug"), pl.col("section"), pl.col("evidence").str.replace_all(r"\s+", ""))
            ),
            doc=pl.lit(f"{BASE}source/") + pl.col("slug"),
        )
        .select(
            *(object_parts if parts else []),
            subj=pl.when(pl.col("qualifier"))
            .then(pl.lit(f"{BASE}statement/") + pl.col("subject").str.slice(1))
            .otherwise(pl.col("s_text")),
            s=pl.when(~pl.col("qualifier")).then(pl.col("s_text")),
            stmt=pl.when(pl.col("qualifier"))
            .then(pl.lit(f"{BASE}statement/") + pl.col("subject").str.slice(1))
            .otherwise(pl.lit(f"{BASE}statement/") + pl.col("key")),
            p="p",
            o="o",
            ev="ev",
            sec=pl.col("doc") + pl.lit("/") + pl.col("section"),
            doc="doc",
            section="section",
            evidence="evidence",
            name="name",
            sha="sha",
            unit=pl.when(~pl.col("qualifier") & (pl.col("unit") != "")).then(
                pl.col("unit").replace_strict(vocabulary.units, default=None)
            ),
            approx=pl.when(~pl.col("qualifier") & (pl.col("approx") != "")).then(
                pl.col("approx").replace_strict(vocabulary.approximations, default=None)
            ),
        )
    )
    return frame.collect()


def ntriples(frame: pl.DataFrame, vocabulary: Vocabulary) -> pl.Series:
    """Every triple of the graph as an N-Triples line without its line end (duplicates included: a
    store or ``unique`` drops them)."""

    def iri(column: str) -> pl.Expr:
        return pl.lit("<") + pl.col(column) + pl.lit(">")

    def line(subject: pl.Expr, predicate: pl.Expr, obj: pl.Expr, *needed: str) -> pl.LazyFrame:
        lines = frame.lazy()
        for column in needed:
            lines = lines.filter(pl.col(column).is_not_null())
        return lines.select(
            line=pl.concat_str(subject, pl.lit(" "), predicate, pl.lit(" "), obj, pl.lit(" ."))
        )

    def const(text: str) -> pl.Expr:
        return pl.lit(f"<{text}>")

    evidence = frame.lazy().filter(pl.col("ev").is_not_null()).unique(subset=["ev"])
    sections = frame.lazy().filter(pl.col("ev").is_not_null()).unique(subset=["sec"])
    docs = frame.lazy().filter(pl.col("ev").is_not_null()).unique(subset=["doc"])

    def node(lines: pl.LazyFrame, subject: str, predicate: str, obj: pl.Expr) -> pl.LazyFrame:
        return lines.select(
            line=pl.concat_str(iri(subject), pl.lit(" "), const(predicate), pl.lit(" "), obj, pl.lit(" ."))
        )

    parts = [
        line(iri("subj"), iri("p"), pl.col("o")),
        line(iri("stmt"), const(f"{RDF}subject"), iri("s"), "s"),
        line(iri("stmt"), const(f"{RDF}predicate"), iri("p"), "s"),
        line(iri("stmt"), const(f"{RDF}object"), pl.col("o"), "s"),
        line(iri("stmt"), const(f"{PROV}wasDerivedFrom"), iri("ev"), "ev"),
        line(iri("stmt"), const(f"{KG}unit"), iri("unit"), "unit"),
        line(iri("stmt"), const(f"{KG}approximation"), iri("approx"), "approx"),
        node(evidence, "ev", f"{RDF}type", const(f"{KG}Evidence")),
        node(evidence, "ev", f"{KG}quote", literal_text("evidence")),
        node(evidence, "ev", f"{DCTERMS}isPartOf", iri("sec")),
        node(sections, "sec", f"{RDF}type", const(f"{KG}Section")),
        node(sections, "sec", f"{DCTERMS}isPartOf", iri("doc")),
        node(sections, "sec", f"{DCTERMS}identifier", literal_text("section")),
        node(docs, "doc", f"{RDF}type", const(f"{KG}SourceDocument")),
        node(docs, "doc", f"{DCTERMS}identifier", literal_text("name")),
        node(docs, "doc", f"{KG}sha256", literal_text("sha")),
        pl.LazyFrame({"line": vocabulary.ntriples()}, schema={"line": pl.String}),
    ]
    return pl.concat(parts).collect().get_column("line")


def write_lines(lines: pl.Series, target) -> None:
    """Write the lines, each ended by a newline, as they are (no quoting: polars' CSV writer, in Rust)."""
    lines.to_frame().write_csv(target, include_header=False, quote_style="never")
