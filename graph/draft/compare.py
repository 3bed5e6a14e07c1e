"""A draft measured against a curated CSV of the same article: entities, figures and links found, missed and extra.

Keys differ between a draft and a curated file, so things are matched by what they say:
entities by Chinese label (a curated entity is found when a drafted entity carries its label or
one of its Chinese aliases), figures by value, unit and approximation, and links by the Chinese
labels of both ends and the property. A drafted row "a curator would drop" is one about an
entity the curated file does not have, or a figure or link it does not state.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from graph.ingest.csv_reader import Row, read_rows

#: values that are dates or numbering, not figures
_NOT_FIGURES = {
    "kg:year",
    "kg:startYear",
    "kg:approvalYear",
    "kg:targetYear",
    "kg:eventNumber",
    "kg:eventDate",
    "dcterms:date",
    "dcterms:issued",
}
_NUMBER = re.compile(r"^\d+(?:\.\d+)?(?:/\d+)?$")
_NOT_LINKS = {"a", "rdfs:label", "skos:altLabel", "dcterms:title"}


@dataclass
class Tally:
    """Found, missed and extra items of one kind, with recall and precision."""

    found: int = 0
    missed: int = 0
    extra: int = 0
    missed_items: list[str] = field(default_factory=list)
    extra_items: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        """Found over curated (found + missed)."""
        return self.found / (self.found + self.missed) if self.found + self.missed else 1.0

    @property
    def precision(self) -> float:
        """Found over drafted (found + extra)."""
        return self.found / (self.found + self.extra) if self.found + self.extra else 1.0


@dataclass
class Comparison:
    """How a draft compares with a curated CSV."""

    entities: Tally
    figures: Tally
    links: Tally
    rows: int
    dropped_rows: int
    evidence_verbatim: int

    @property
    def dropped_share(self) -> float:
        """The share of drafted rows a curator would drop."""
        return self.dropped_rows / self.rows if self.rows else 0.0

    def lines(self) -> list[str]:
        """The comparison as the lines ``kg draft --compare`` prints."""
        out = []
        for name, tally in (("entities", self.entities), ("figures", self.figures), ("links", self.links)):
            out.append(
                f"{name}: {tally.found} found, {tally.missed} missed, {tally.extra} extra"
                f" (recall {tally.recall:.0%}, precision {tally.precision:.0%})"
            )
        out.append(
            f"rows: {self.rows} drafted, {self.dropped_rows} a curator would drop ({self.dropped_share:.0%}),"
            f" {self.evidence_verbatim} with evidence verbatim in the article"
        )
        return out


@dataclass
class _Graph:
    rows: list[Row]
    labels: dict[str, set[str]]  # key -> Chinese label and aliases
    label: dict[str, str]  # key -> Chinese label


def _read(path: Path) -> _Graph:
    rows = [row for row in read_rows(path).rows if not row["subject"].startswith("#")]
    typed = {row["subject"] for row in rows if row["predicate"] == "a"}
    labels: dict[str, set[str]] = {key: set() for key in typed}
    label: dict[str, str] = {}
    for row in rows:
        if row["subject"] in typed and row["lang"] == "zh":
            if row["predicate"] == "rdfs:label":
                labels[row["subject"]].add(row["object"])
                label.setdefault(row["subject"], row["object"])
            elif row["predicate"] == "skos:altLabel":
                labels[row["subject"]].add(row["object"])
    return _Graph(rows, labels, label)


def _figures(graph: _Graph) -> list[tuple[tuple[str, str, str], Row]]:
    return [
        ((row["object"], row["unit"], row["approx"]), row)
        for row in graph.rows
        if _NUMBER.match(row["object"]) and row["predicate"] not in _NOT_FIGURES and not row["lang"]
    ]


def _links(graph: _Graph) -> list[tuple[tuple[str, str, str], Row]]:
    return [
        ((graph.label.get(row["subject"], row["subject"]), row["predicate"], graph.label[row["object"]]), row)
        for row in graph.rows
        if row["predicate"] not in _NOT_LINKS and row["object"] in graph.label
    ]


def compare(draft: Path | str, curated: Path | str, article_text: str | None = None) -> Comparison:
    """Compare the draft CSV ``draft`` with the curated CSV ``curated`` of the same article."""
    drafted, reference = _read(Path(draft)), _read(Path(curated))
    curated_names = {name: key for key, names in reference.labels.items() for name in names}
    drafted_names = {name for names in drafted.labels.values() for name in names}

    entities = Tally()
    for key, names in sorted(reference.labels.items()):
        if names & drafted_names:
            entities.found += 1
        else:
            entities.missed += 1
            entities.missed_items.append(reference.label.get(key, key))
    extra_entities = {key for key, names in drafted.labels.items() if not names & set(curated_names)}
    entities.extra = len(extra_entities)
    entities.extra_items = sorted(drafted.label.get(key, key) for key in extra_entities)

    dropped: set[int] = {row.number for row in drafted.rows if row["subject"] in extra_entities}
    figures = _match(_figures(reference), _figures(drafted), dropped)
    links = _match(_links(reference), _links(drafted), dropped)
    text = re.sub(r"\s+", "", article_text) if article_text is not None else None
    verbatim = sum(1 for row in drafted.rows if text is None or re.sub(r"\s+", "", row["evidence"]) in text)
    return Comparison(entities, figures, links, len(drafted.rows), len(dropped), verbatim)


def _match(curated: list, drafted: list, dropped: set[int]) -> Tally:
    """Multiset matching: each curated item is found at most once."""
    wanted = Counter(item for item, _ in curated)
    tally = Tally()
    for item, row in drafted:
        if wanted[item] > 0:
            wanted[item] -= 1
            tally.found += 1
        else:
            tally.extra += 1
            tally.extra_items.append(" ".join(item))
            dropped.add(row.number)
    tally.missed = sum(wanted.values())
    tally.missed_items = sorted(" ".join(item) for item in wanted.elements())
    return tally
