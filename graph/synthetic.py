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
            return SOURCE_NAME, SECTIONS[len(sentences) % len(SECTIONS)], sentence

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
    source.write_text("\n".join(sentences) + "\n", encoding="utf-8")
    vocabulary = out_dir / "vocabulary.ttl"
    vocabulary.write_text(
        resolve(DEFAULT_VOCABULARY).read_text(encoding="utf-8") + _vocabulary_terms(), encoding="utf-8"
    )
    return SyntheticDataset(out_dir / "triples.csv", vocabulary, source, written, entities)


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
