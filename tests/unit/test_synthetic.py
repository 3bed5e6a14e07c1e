"""The synthetic generator: deterministic, valid, and shaped as documented."""

from __future__ import annotations

import csv
from collections import Counter

import graph
from graph.synthetic import generate


def test_same_seed_same_bytes_and_valid(tmp_path):
    first = generate(tmp_path / "a", 3000, seed=7)
    second = generate(tmp_path / "b", 3000, seed=7)
    assert first.csv.read_bytes() == second.csv.read_bytes()
    built, problems = graph.check([first.csv], vocabulary=first.vocabulary)
    assert built is not None and problems == [], problems[:3]


def test_shape_of_the_data(tmp_path):
    dataset = generate(tmp_path, 20000, seed=1)
    with open(dataset.csv, encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    predicates = Counter(row["predicate"] for row in rows)
    assert 0.04 <= predicates["a"] / len(rows) <= 0.06  # about 5% type rows
    assert len({p for p in predicates if p.startswith("kg:syn")}) >= 28  # about 30 properties
    assert any(row["subject"].startswith("#") for row in rows)  # qualified statements
    assert all(row["evidence"] for row in rows if not row["subject"].startswith("#"))
    in_degree = Counter(row["object"] for row in rows if row["predicate"].startswith("kg:synLink"))
    top = in_degree.most_common(1)[0][1]
    median = sorted(in_degree.values())[len(in_degree) // 2]
    assert top > 20 * median  # a power law: hubs far above the typical node


def test_rows_per_entity_sets_how_many_entities(tmp_path):
    dataset = generate(tmp_path, 2000, seed=3, rows_per_entity=5)
    assert dataset.entities == 400
    with open(dataset.csv, encoding="utf-8") as stream:
        types = sum(row["predicate"] == "a" for row in csv.DictReader(stream))
    assert types == 400
    # the rows are valid (the SHACL shapes of the article's data are not the generator's concern)
    built, problems = graph.check([dataset.csv], vocabulary=dataset.vocabulary, shapes=None)
    assert built is not None and problems == [], problems[:3]
    assert len(graph.to_networkx(built)) == 400


def test_a_large_dataset_cites_several_documents_each_within_the_source_limit(tmp_path, monkeypatch):
    # 10M rows made one 67 MB document, over the 64 MB a source may have: every statement was
    # refused. The generator now starts a new document every SENTENCES_PER_DOCUMENT sentences;
    # made small here so that 3,000 rows need several.
    from graph import synthetic
    from graph.model.sources import MAX_SOURCE_BYTES

    monkeypatch.setattr(synthetic, "SENTENCES_PER_DOCUMENT", 100)
    dataset = generate(tmp_path, 3000, seed=7)
    documents = sorted((tmp_path / "sources").glob("synthetic*.txt"))
    assert [d.name for d in documents][:2] == ["synthetic-1.txt", "synthetic-2.txt"]
    assert (tmp_path / "sources" / "synthetic.txt") in documents and len(documents) >= 4
    with open(dataset.csv, encoding="utf-8") as stream:
        cited = {row["source"] for row in csv.DictReader(stream) if row["source"]}
    assert cited == {f"sources/{d.name}" for d in documents}
    built, problems = graph.check([dataset.csv], vocabulary=dataset.vocabulary)
    assert built is not None and problems == [], problems[:3]
    assert synthetic.SENTENCES_PER_DOCUMENT * 70 < MAX_SOURCE_BYTES  # ~66 bytes a sentence here


def test_a_million_rows_still_cite_one_document():
    from graph import synthetic

    sentences = 1_000_000 // synthetic.FACTS_PER_SENTENCE + 1
    assert sentences < synthetic.SENTENCES_PER_DOCUMENT  # the benchmark's datasets keep their bytes
