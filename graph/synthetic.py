"""Deterministic synthetic datasets in our CSV format, for benchmarks and large-graph tests.

Shaped like real data: about 5% type rows, a zh and an en label per entity, typed literals
(integers, decimals, dates, gYears), qualified statements, evidence on every fact, about 30
properties, and links whose targets follow a power law (a few hubs, a long tail).
The same ``rows`` and ``seed`` always give the same bytes.
"""

from __future__ import annotations

import bisect
import csv
import itertools
import random
from dataclasses import dataclass
from pathlib import Path

from graph.defaults import DEFAULT_VOCABULARY, resolve
from graph.ingest.csv_reader import COLUMNS

CLASSES = [f"SynClass{i}" for i in range(8)]
LINK_PROPERTIES = [f"synLink{i}" for i in range(12)]
INTEGER_PROPERTIES = [f"synCount{i}" for i in range(6)]
DECIMAL_PROPERTIES = [f"synShare{i}" for i in range(5)]
DATE_PROPERTIES = [f"synDate{i}" for i in range(4)]
TEXT_PROPERTIES = [f"synNote{i}" for i in range(3)]
SECTIONS = ["intro"] + [f"event-{i}" for i in range(1, 11)]
FACTS_PER_SENTENCE = 8
SOURCE_NAME = "sources/synthetic.txt"
# sentences per source document: a document stays well under the 64 MB a source may have
# (graph.model.sources.MAX_SOURCE_BYTES; 500,000 sentences are about 33 MB), so 10M rows
# (1.25M sentences) cite three documents; up to 4M rows it is the one document it always was
SENTENCES_PER_DOCUMENT = 500_000


@dataclass(frozen=True)
class SyntheticDataset:
    """Where a generated dataset was written."""

    csv: Path
    vocabulary: Path
    source: Path
    rows: int
    entities: int


def generate(out_dir: Path | str, rows: int, seed: int = 42, rows_per_entity: int = 20) -> SyntheticDataset:
    """Write ``triples.csv`` (about ``rows`` data rows), its source document and vocabulary into ``out_dir``.

    ``rows_per_entity`` sets how many entities there are (``rows // rows_per_entity``): the
    default 20 makes the type rows 5% of the rows; a small ratio (at least 4: a type, two
    labels and one more fact) gives many entities from few rows, for large-graph tests.

    >>> import tempfile
    >>> dataset = generate(tempfile.mkdtemp(), 200)
    >>> dataset.rows >= 200
    True
    """
    out_dir = Path(out_dir)
    (out_dir / "sources").mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    if rows_per_entity < 4:
        raise ValueError("rows_per_entity must be at least 4 (a type, two labels and one fact)")
    entities = max(2, rows // rows_per_entity)  # one type row each: 5% of the rows by default
    targets = _power_law(entities)
    sentences: list[str] = []
    written = 0
    with open(out_dir / "triples.csv", "w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(COLUMNS)
        sentence = ""
        counter = itertools.count()
        seen: set[tuple[str, str, str]] = set()  # a repeated fact would be warned about and left out

        def evidence() -> tuple[str, str, str]:
            nonlocal sentence
            index = next(counter)
            if index % FACTS_PER_SENTENCE == 0:
                sentence = f"第{len(sentences)}句：实体{rng.randrange(entities)}与实体{rng.randrange(entities)}的事实记录。"
                sentences.append(sentence)
            return (
                _document_name((len(sentences) - 1) // SENTENCES_PER_DOCUMENT),
                SECTIONS[len(sentences) % len(SECTIONS)],
                sentence,
            )

        def row(
            statement_id: str,
            subject: str,
            predicate: str,
            obj: str,
            datatype: str = "",
            lang: str = "",
            unit: str = "",
            approx: str = "",
        ) -> bool:
            nonlocal written
            if (subject, predicate, obj) in seen:
                return False
            seen.add((subject, predicate, obj))
            writer.writerow(
                [statement_id, subject, predicate, obj, datatype, lang, unit, approx, *evidence()]
            )
            written += 1
            return True

        for entity in range(entities):
            key = f"e{entity}"
            row("", key, "a", f"kg:{CLASSES[entity % len(CLASSES)]}")
            row("", key, "rdfs:label", f"实体{entity}", lang="zh")
            row("", key, "rdfs:label", f"Entity {entity}", lang="en")
        statements = 0
        while written < rows:
            subject = f"e{rng.randrange(entities)}"
            kind = rng.random()
            if kind < 0.55:
                row("", subject, f"kg:{rng.choice(LINK_PROPERTIES)}", f"e{targets(rng.random())}")
            elif kind < 0.70:
                statement_id = f"s{statements}"
                statements += 1
                if not row(
                    statement_id,
                    subject,
                    f"kg:{rng.choice(INTEGER_PROPERTIES)}",
                    str(rng.randrange(1, 100000)),
                    approx=rng.choice(["", "", "over", "about"]),
                ):
                    continue
                writer.writerow(
                    [
                        "",
                        f"#{statement_id}",
                        "kg:synYear",
                        str(rng.randrange(2000, 2030)),
                        "",
                        "",
                        "",
                        "",
                        "",
                        "",
                        "",
                    ]
                )
                written += 1
            elif kind < 0.80:
                row(
                    "",
                    subject,
                    f"kg:{rng.choice(DECIMAL_PROPERTIES)}",
                    f"{rng.randrange(0, 10000) / 100:.2f}",
                    unit="percent",
                )
            elif kind < 0.90:
                row(
                    "",
                    subject,
                    f"kg:{rng.choice(DATE_PROPERTIES)}",
                    f"{rng.randrange(2000, 2030)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}",
                )
            else:
                row(
                    "",
                    subject,
                    f"kg:{rng.choice(TEXT_PROPERTIES)}",
                    f"备注{rng.randrange(1_000_000)}",
                    lang="zh",
                )
    source = out_dir / SOURCE_NAME
    for document, first in enumerate(range(0, max(1, len(sentences)), SENTENCES_PER_DOCUMENT)):
        text = "\n".join(sentences[first : first + SENTENCES_PER_DOCUMENT]) + "\n"
        (out_dir / _document_name(document)).write_text(text, encoding="utf-8")
    vocabulary = out_dir / "vocabulary.ttl"
    vocabulary.write_text(
        resolve(DEFAULT_VOCABULARY).read_text(encoding="utf-8") + _vocabulary_terms(), encoding="utf-8"
    )
    return SyntheticDataset(out_dir / "triples.csv", vocabulary, source, written, entities)


def _document_name(number: int) -> str:
    """The source document of the ``number``-th block of sentences: ``sources/synthetic.txt``,
    then ``sources/synthetic-1.txt``, ...

    >>> _document_name(0), _document_name(2)
    ('sources/synthetic.txt', 'sources/synthetic-2.txt')
    """
    return SOURCE_NAME if number == 0 else SOURCE_NAME.replace(".txt", f"-{number}.txt")


def _power_law(n: int, exponent: float = 1.1):
    """A sampler of 0..n-1 where index k is drawn with weight 1/(k+1)^exponent."""
    cumulative = list(itertools.accumulate(1.0 / (k + 1) ** exponent for k in range(n)))
    total = cumulative[-1]
    return lambda u: min(bisect.bisect_left(cumulative, u * total), n - 1)


def _vocabulary_terms() -> str:
    lines = ["", "# ---------------------------------------------------------------- synthetic terms", ""]
    for name in CLASSES:
        lines.append(
            f'kg:{name} a owl:Class ; rdfs:label "合成类{name[8:]}"@zh , "synthetic class {name[8:]}"@en .'
        )
    typed = [
        (LINK_PROPERTIES, "owl:ObjectProperty", None),
        (INTEGER_PROPERTIES, "owl:DatatypeProperty", "xsd:integer"),
        (DECIMAL_PROPERTIES, "owl:DatatypeProperty", "xsd:decimal"),
        (DATE_PROPERTIES, "owl:DatatypeProperty", "xsd:date"),
        (TEXT_PROPERTIES, "owl:DatatypeProperty", None),
        (["synYear"], "owl:DatatypeProperty", "xsd:gYear"),
    ]
    for names, kind, range_ in typed:
        for name in names:
            range_text = f" ; rdfs:range {range_}" if range_ else ""
            if name in DECIMAL_PROPERTIES:
                range_text += " ; kg:expectedUnit kg:Percent"  # the figure shapes check units against this
            lines.append(
                f'kg:{name} a {kind} ; rdfs:label "合成属性{name}"@zh , "synthetic {name}"@en{range_text} .'
            )
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- a second source, for entity resolution

SECOND_SOURCE_NAME = "sources/synthetic-registry.txt"
SECOND_SOURCE_NOTE = "本文件为合成数据，仅供测试实体对齐，不是真实登记。This document is synthetic test data for entity resolution, not a real registry."
ORGANISATION_CLASSES = (
    "Organization", "Corporation", "CollegeOrUniversity", "HighSchool", "Laboratory", "StateKeyLaboratory",
    "Fund", "HighTechZone", "EducationalOrganization", "NewsMediaOrganization",
)  # fmt: skip
_FULL_WIDTH = {c: chr(ord(c) + 0xFEE0) for c in map(chr, range(0x21, 0x7F))}


@dataclass(frozen=True)
class SecondSource:
    """A synthetic second source: its CSV, its document, and the pairs planted in it (its key, the original key)."""

    csv: Path
    source: Path
    planted: list[tuple[str, str, str]]  # (new key, key in the first CSV, how the name was changed)
    distinct: list[str]  # keys of entities that are in no other source


def generate_second_source(
    out_dir: Path | str, like: Path | str, seed: int = 7, duplicates: int = 15, distinct: int = 15
) -> SecondSource:
    """Write ``registry.csv``: ``duplicates`` organisations of ``like`` under new keys and changed names
    (an alias or abbreviation, a 宁波市 prefix added or dropped, full-width letters, a company suffix,
    an English label in capitals with "The"), and ``distinct`` organisations that are in no other
    source (some named like one of ``like``'s, with another city). Its document says it is synthetic.

    >>> import tempfile
    >>> made = generate_second_source(tempfile.mkdtemp(), "data/triples.csv", duplicates=3, distinct=2)
    >>> len(made.planted), len(made.distinct)
    (3, 2)
    """
    from graph.ingest import load_facts
    from graph.model.namespaces import RDF_TYPE, RDFS_LABEL

    out_dir = Path(out_dir)
    (out_dir / "sources").mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    facts = load_facts([like])
    alias = "http://www.w3.org/2004/02/skos/core#altLabel"
    info: dict[str, dict] = {}
    for fact in facts.facts:
        if fact.subject_iri is None:
            continue
        entry = info.setdefault(fact.subject_iri, {"aliases": []})
        if fact.predicate_iri == RDF_TYPE:
            entry.setdefault("type", fact.object_value)
        elif fact.predicate_iri == RDFS_LABEL:
            entry.setdefault(fact.language, fact.object_value)
        elif fact.predicate_iri == alias and fact.language == "zh":
            entry["aliases"].append(fact.object_value)
    prefix = facts.namespace.prefix
    shorten = facts.vocabulary.shorten
    organisations = sorted(
        iri
        for iri, entry in info.items()
        if iri.startswith(prefix)
        and entry.get("zh")
        and entry.get("en")
        and any(entry.get("type", "").endswith(c) for c in ORGANISATION_CLASSES)
    )
    chosen = rng.sample(organisations, min(duplicates, len(organisations)))
    rows: list[list[str]] = []
    sentences: list[str] = [SECOND_SOURCE_NOTE]
    planted: list[tuple[str, str, str]] = []

    def entity(key: str, type_: str, zh: str, en: str) -> None:
        sentence = f"登记{len(sentences)}：{zh}（{en}）。"
        sentences.append(sentence)
        cell = [SECOND_SOURCE_NAME, "registry", sentence]
        rows.append(["", key, "a", shorten(type_), "", "", "", "", *cell])
        rows.append(["", key, "rdfs:label", zh, "", "zh", "", "", *cell])
        rows.append(["", key, "rdfs:label", en, "", "en", "", "", *cell])

    for n, iri in enumerate(sorted(chosen)):
        entry = info[iri]
        zh, how = _name_variant(entry, rng)
        en = (
            "The " + entry["en"].upper()
            if not entry["en"].lower().startswith("the ")
            else entry["en"].upper()
        )
        key = f"reg-{n + 1:03d}"
        entity(key, entry["type"], zh, en)
        planted.append((key, iri[len(prefix) :], how))
    others = []
    for n in range(distinct):
        key = f"reg-new-{n + 1:03d}"
        near = [
            iri for iri in organisations if info[iri]["zh"].startswith("宁波") and len(info[iri]["zh"]) > 4
        ]
        if n % 2 == 0 and n // 2 < len(near):  # another city's namesake: looks alike, is not the same
            entry = info[near[n // 2]]
            zh = "温州" + entry["zh"].removeprefix("宁波市").removeprefix("宁波")
            en = entry["en"].replace("Ningbo", "Wenzhou")
            entity(key, entry["type"], zh, en if en != entry["en"] else f"Wenzhou {en}")
        else:
            entity(
                key,
                "https://schema.org/Organization",
                f"合成示例机构{n + 1:03d}号",
                f"Synthetic Example Body No. {n + 1}",
            )
        others.append(key)
    path = out_dir / "registry.csv"
    with open(path, "w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerows(rows)
    source = out_dir / SECOND_SOURCE_NAME
    source.write_text("\n".join(sentences) + "\n", encoding="utf-8")
    with open(out_dir / "planted.csv", "w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(["key", "same_as", "variant"])
        writer.writerows(planted)
    return SecondSource(path, source, planted, others)


def _name_variant(entry: dict, rng: random.Random) -> tuple[str, str]:
    """Another way of writing an organisation's Chinese name, and what was done."""
    zh = entry["zh"]
    choices = []
    aliases = [a for a in entry["aliases"] if a != zh and len(a) >= 3]
    if aliases:
        choices.append((aliases[0], "alias"))
    if zh.startswith("宁波市") and len(zh) > 5:
        choices.append((zh.removeprefix("宁波市"), "prefix dropped"))
    elif not zh.startswith(("宁波", "中国", "浙江")) and "Ningbo" in entry["en"]:
        choices.append(("宁波市" + zh, "prefix added"))
    if any(c in _FULL_WIDTH for c in zh):
        choices.append(("".join(_FULL_WIDTH.get(c, c) for c in zh), "full width"))
    if entry.get("type", "").endswith("Corporation") and not zh.endswith("公司"):
        choices.append((zh + "有限公司", "suffix added"))
    if not choices:
        choices.append((f"“{zh}”", "punctuation"))
    return rng.choice(choices)
