"""A draft of the article: every row's evidence verbatim, keys valid, events complete, known entities by key."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from graph.draft import draft_article
from graph.draft.compare import compare
from graph.draft.writer import write_rows

ARTICLE = Path("data/sources/000_ae5b4b592fd66ac1.txt")
VOCABULARY = Path("data/vocabulary.ttl")
KEY = re.compile(r"#?[A-Za-z0-9._-]+")


@pytest.fixture(scope="module")
def draft():
    return draft_article(ARTICLE, VOCABULARY, out=Path("data/draft.csv"))


def test_every_evidence_is_verbatim_in_the_article(draft):
    text = "".join(ARTICLE.read_text(encoding="utf-8").split())
    cited = [row for row in draft.rows if row.get("evidence")]
    assert cited
    assert all("".join(row["evidence"].split()) in text for row in cited)
    assert all(row["source"] == "sources/000_ae5b4b592fd66ac1.txt" for row in cited)


def test_keys_are_entity_keys_and_sections_are_the_articles(draft):
    assert all(KEY.fullmatch(row["subject"]) for row in draft.rows)
    assert {row["section"] for row in draft.rows if row.get("section")} == {"intro"} | {
        f"event-{n}" for n in range(1, 11)
    }


def test_each_event_has_its_number_title_and_date(draft):
    rows = [row for row in draft.rows if row["subject"] == "event-5"]
    by_predicate = {row["predicate"]: row for row in rows}
    assert by_predicate["kg:eventNumber"]["object"] == "5"
    assert by_predicate["kg:eventDate"]["object"] == "2024-12-23"
    assert by_predicate["kg:eventDate"]["datatype"] == "date"
    assert any(row["predicate"] == "kg:involves" for row in rows)


def test_a_figure_row_has_its_value_unit_and_approximation(draft):
    figures = {(r["object"], r["unit"], r["approx"]) for r in draft.rows if r.get("unit") or r.get("approx")}
    assert ("100000000000", "yuan", "over") in figures
    assert ("39.9", "percent", "up-to") in figures
    assert ("1000", "", "nearly") in figures


def test_every_row_says_how_sure_it_is(draft):
    assert {row.get("confidence") for row in draft.rows if row.get("evidence")} <= {"high", "medium", "low"}


def test_known_entities_are_linked_by_their_key():
    draft = draft_article(ARTICLE, VOCABULARY, [Path("data/triples.csv")], out=Path("data/draft.csv"))
    subjects = {row["subject"] for row in draft.rows}
    assert {"nbu", "ningbo-hitech-zone", "event-5"} <= subjects
    assert any(row["subject"] == "event-5" and row["object"] == "ningbo-hitech-zone" for row in draft.rows)


def test_the_comparison_counts_what_the_curated_file_states(tmp_path, draft):
    path = write_rows(draft.rows, tmp_path / "draft.csv")
    itself = compare(Path("data/triples.csv"), Path("data/triples.csv"))
    assert itself.entities.missed == itself.entities.extra == itself.dropped_rows == 0
    measured = compare(path, Path("data/triples.csv"), ARTICLE.read_text(encoding="utf-8"))
    assert measured.figures.recall >= 0.8
    assert measured.evidence_verbatim == measured.rows
    assert measured.dropped_share <= 1 / 3


def test_another_name_is_written_as_an_alias_from_its_sentence(draft):
    aliases = [row for row in draft.rows if row["predicate"] == "skos:altLabel"]
    assert aliases
    assert all(row["object"] in row["evidence"] and row["lang"] == "zh" for row in aliases)


def test_a_compound_noun_is_proposed_only_when_the_article_repeats_it():
    from graph.draft.entities import find_mentions
    from graph.draft.rows import draft_rows
    from graph.draft.sections import read_article
    from graph.model.vocabulary import load_vocabulary

    # synthetic article, written for this test: 绿色能源 three times, 数字经济 once
    text = "标题\n\n推动绿色能源发展。绿色能源是重点。壮大绿色能源，培育数字经济。\n"
    assert "数字经济" in [m.label for m in find_mentions("培育数字经济。")]  # a compound of one sentence
    labels = {
        row["object"]
        for row in draft_rows(read_article(text), "a.txt", load_vocabulary(VOCABULARY)).rows
        if row["predicate"] == "rdfs:label"
    }
    assert "绿色能源" in labels
    assert "数字经济" not in labels


def test_a_short_name_joins_its_full_name(draft):
    label = {
        r["subject"]: r["object"] for r in draft.rows if r["predicate"] == "rdfs:label" and r["lang"] == "zh"
    }
    short = {
        row["object"]: label[row["subject"]] for row in draft.rows if row["predicate"] == "skos:altLabel"
    }
    assert short["宁波材料所"] == "中国科学院宁波材料所"  # a unit without its parent
    assert short["慈溪"] == "慈溪市"  # a place without its ending
    assert short["江丰电子"] == "宁波江丰电子材料股份有限公司"  # a firm by the first words of its name
    # the short name written before the full one joins it too
    assert short["市天使投资引导基金"] == "宁波市天使投资引导基金"
    assert not {"宁波材料所", "慈溪", "江丰", "江丰电子"} & set(label.values())


def test_the_year_a_laboratory_was_approved():
    from graph.draft.rows import draft_rows
    from graph.draft.sections import read_article
    from graph.model.vocabulary import load_vocabulary

    # synthetic article, written for this test: the second 获批 gives no year
    text = "标题\n\n2023年，杭州大学海洋生物全国重点实验室成功获批。两家单位获批全国重点实验室。\n"
    rows = draft_rows(read_article(text), "a.txt", load_vocabulary(VOCABULARY)).rows
    label = {r["subject"]: r["object"] for r in rows if r["predicate"] == "rdfs:label" and r["lang"] == "zh"}
    approved = [(label[r["subject"]], r["object"]) for r in rows if r["predicate"] == "kg:approvalYear"]
    assert approved == [("海洋生物全国重点实验室", "2023")]
