"""maplib on the same-graph job: polars computes the terms, maplib's OTTR templates make the triples.

``python maplib_templates.py CSV VOCABULARY OUT_DIR``, in a virtualenv holding maplib (0.20), polars-hash
and pyoxigraph. polars reads the CSV and computes each row's terms with vectorised expressions
(:mod:`polars_terms`: IRIs, statement and evidence ids); maplib instantiates OTTR templates over
those columns: a fact and its statement node (one pair of templates per kind of object, since a
template's parameter has one RDF type: an IRI, a language-tagged string, or a literal of one
datatype, given as the polars type maplib wants for it), the statement's provenance, unit and approximation, and the evidence, section and
document nodes. maplib reads the vocabulary itself and writes Turtle and N-Triples. No
validation. Prints the number of triples.
"""

from __future__ import annotations

import sys
from pathlib import Path

import polars as pl
from maplib import IRI, Model, Parameter, RDFType, Template, Triple, Variable
from polars_terms import DCTERMS, KG, OWN_PREFIXES, PROV, RDF, XSD, Vocabulary, terms

LANG_STRING = f"{RDF}langString"
#: the struct field maplib keeps a language-tagged string's lexical form in (its own solution mappings show it)
LANG_VALUE = f"<{LANG_STRING}>"
#: the datatypes maplib takes only as a polars type of their own (it reads the others from text)
NATIVE = {
    f"{XSD}integer": lambda text: text.cast(pl.Int64),
    f"{XSD}decimal": lambda text: text.cast(pl.Decimal(38, 12)),  # maplib's own decimal precision
    f"{XSD}double": lambda text: text.cast(pl.Float64),
    f"{XSD}boolean": lambda text: text.is_in(["true", "1"]),
    f"{XSD}date": lambda text: text.str.to_date("%Y-%m-%d"),
}


def template(name: str, parameters: dict[str, RDFType], triples: list[tuple]) -> Template:
    """A template ``urn:peer:NAME`` with typed parameters; a triple's terms are IRIs or parameter names."""
    variables = {column: Variable(column) for column in parameters}

    def term(value: str):
        return variables[value] if value in variables else IRI(value)

    return Template(
        IRI(f"urn:peer:{name}"),
        [Parameter(variables[column], rdf_type=kind) for column, kind in parameters.items()],
        [Triple(term(s), term(p), term(o)) for s, p, o in triples],
    )


def map_facts(model: Model, frame: pl.DataFrame) -> None:
    """Each row's fact and (on a fact row) its statement node's subject, predicate and object, by kind of object."""
    kinds = [("iri", pl.col("o_iri").is_not_null(), pl.col("o_iri"), RDFType.IRI)]
    kinds.append(
        (
            "lang",
            pl.col("o_iri").is_null() & (pl.col("lg") != ""),
            pl.struct(pl.col("o_lex").alias(LANG_VALUE), pl.col("lg").alias("l")),
            RDFType.Literal(LANG_STRING),
        )
    )
    literals = frame.filter(pl.col("o_iri").is_null() & (pl.col("lg") == ""))
    for datatype in literals.get_column("dt").unique().sort().to_list():
        kinds.append(
            (
                datatype.rsplit("#", 1)[-1] or "string",
                pl.col("o_iri").is_null() & (pl.col("lg") == "") & (pl.col("dt") == datatype),
                NATIVE.get(datatype, lambda text: text)(pl.col("o_lex")),
                RDFType.Literal(datatype or f"{XSD}string"),
            )
        )
    for name, rows, obj, kind in kinds:
        chosen = frame.filter(rows).select("subj", "s", "stmt", "p", o=obj)
        fact = template(
            f"fact-{name}", {"subj": RDFType.IRI, "p": RDFType.IRI, "o": kind}, [("subj", "p", "o")]
        )
        model.map(fact, chosen.select("subj", "p", "o"))
        statement = template(
            f"statement-{name}",
            {"stmt": RDFType.IRI, "s": RDFType.IRI, "p": RDFType.IRI, "o": kind},
            [("stmt", f"{RDF}subject", "s"), ("stmt", f"{RDF}predicate", "p"), ("stmt", f"{RDF}object", "o")],
        )
        model.map(statement, chosen.filter(pl.col("s").is_not_null()).select("stmt", "s", "p", "o"))


def map_provenance(model: Model, frame: pl.DataFrame) -> None:
    """The statements' evidence, unit and approximation, and the evidence, section and document nodes."""
    iri, text = RDFType.IRI, RDFType.Literal(f"{XSD}string")
    links = [("ev", f"{PROV}wasDerivedFrom"), ("unit", f"{KG}unit"), ("approx", f"{KG}approximation")]
    for column, predicate in links:
        link = template(f"link-{column}", {"stmt": iri, column: iri}, [("stmt", predicate, column)])
        model.map(link, frame.filter(pl.col(column).is_not_null()).select("stmt", column))
    with_evidence = frame.filter(pl.col("ev").is_not_null())
    evidence = template(
        "evidence",
        {"ev": iri, "evidence": text, "sec": iri},
        [
            ("ev", f"{RDF}type", f"{KG}Evidence"),
            ("ev", f"{KG}quote", "evidence"),
            ("ev", f"{DCTERMS}isPartOf", "sec"),
        ],
    )
    model.map(evidence, with_evidence.select("ev", "evidence", "sec").unique(subset="ev"))
    section = template(
        "section",
        {"sec": iri, "section": text, "doc": iri},
        [
            ("sec", f"{RDF}type", f"{KG}Section"),
            ("sec", f"{DCTERMS}isPartOf", "doc"),
            ("sec", f"{DCTERMS}identifier", "section"),
        ],
    )
    model.map(section, with_evidence.select("sec", "section", "doc").unique(subset="sec"))
    document = template(
        "document",
        {"doc": iri, "name": text, "sha": text},
        [
            ("doc", f"{RDF}type", f"{KG}SourceDocument"),
            ("doc", f"{DCTERMS}identifier", "name"),
            ("doc", f"{KG}sha256", "sha"),
        ],
    )
    model.map(document, with_evidence.select("doc", "name", "sha").unique(subset="doc"))


def main(csv: str, vocabulary_path: str, out: str) -> None:
    out_dir = Path(out)
    out_dir.mkdir(parents=True, exist_ok=True)
    vocabulary = Vocabulary(Path(vocabulary_path))
    frame = terms(Path(csv), vocabulary, parts=True)
    model = Model()
    model.read(vocabulary_path, format="turtle")
    map_facts(model, frame)
    map_provenance(model, frame)
    del frame
    model.write(out_dir / "graph.ttl", format="turtle", prefixes={**OWN_PREFIXES, **vocabulary.prefixes})
    model.write(out_dir / "graph.nt", format="ntriples")
    print(model.size())


if __name__ == "__main__":
    main(*sys.argv[1:])
