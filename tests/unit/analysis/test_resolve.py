"""kg resolve's matching: normalised names, pinyin, containment, abbreviations; planted duplicates found."""

from __future__ import annotations

import pytest

import graph
from graph.analysis.resolve import Entity, compare, find_candidates, normalise, split_name
from graph.synthetic import SECOND_SOURCE_NOTE, generate_second_source
from tests.support.article_graph import TRIPLES, article_graph


def entity(key, *names, type_="schema:Organization"):
    return Entity("e/" + key, key, names, names[0], type_, "", "")


@pytest.mark.parametrize(
    ("x", "y", "reason"),
    [
        ("宁波市天使投资引导基金", "天使投资引导基金", "same name after normalising"),
        ("ＡＢＣ科技有限公司", "ABC科技", "same name after normalising"),
        ("The Ningbo University", "ningbo university", "same name after normalising"),
        ("宁波材料所", "中国科学院宁波材料技术与工程研究所", "abbreviation"),
        ("甬江实验室", "宁波甬江实验室", "same name after normalising"),
    ],
)
def test_names_that_match(x, y, reason):
    found = compare(entity("a", x), entity("b", y))
    assert reason in found.reasons and found.score >= 0.5


@pytest.mark.parametrize(
    ("x", "y"),
    [
        ("宁波大学", "浙江大学"),  # another place
        ("宁波天使投资引导基金", "温州天使投资引导基金"),
        ("宁波料材所", "宁波材料所"),  # the same characters, not in order
        ("Ningbo University", "Ningbo University of Technology"),  # English counts only when equal
    ],
)
def test_names_that_do_not(x, y):
    assert compare(entity("a", x), entity("b", y)).score < 0.5


def test_pinyin_of_other_characters():
    pytest.importorskip("pypinyin")
    found = compare(entity("a", "宁波江峰研究院"), entity("b", "宁波江丰研究院"))
    assert "same pinyin" in found.reasons


def test_another_class_halves_the_score():
    same = compare(entity("a", "甬江实验室"), entity("b", "甬江实验室"))
    other = compare(entity("a", "甬江实验室"), entity("b", "甬江实验室", type_="kg:Event"))
    assert (same.score, other.score) == (1.0, 0.5)
    assert any("different classes" in r for r in other.reasons)


def test_normalise_strips_width_case_punctuation_and_affixes():
    assert normalise("宁波市“江丰电子”股份有限公司") == "江丰电子"
    assert split_name("中科院宁波材料所")[0] == frozenset({"中科院", "宁波"})


def test_the_article_names_no_entity_twice():
    assert find_candidates(article_graph()) == []


def test_planted_duplicates_of_a_synthetic_second_source_are_found(tmp_path):
    made = generate_second_source(tmp_path, TRIPLES, seed=3, duplicates=10, distinct=10)
    assert SECOND_SOURCE_NOTE.splitlines()[0] in made.source.read_text(encoding="utf-8")
    built = graph.build([TRIPLES, made.csv], shapes=None)
    found = find_candidates(built)
    proposed = {frozenset((c.a.key, c.b.key)) for c in found}
    planted = {frozenset((new, old)) for new, old, _ in made.planted}
    assert planted <= proposed  # recall 1 on this seed
    assert len(proposed & planted) / len(proposed) >= 0.8
    # each candidate carries the evidence of both sides
    for c in found:
        assert c.a.sentence and c.b.sentence and c.a.row and c.b.row
