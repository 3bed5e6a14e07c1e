"""Headings, paragraphs and sentences: synthetic texts (marked) and the project's article."""

from __future__ import annotations

from pathlib import Path

from graph.draft.sections import read_article, split_sentences

ARTICLE = Path("data/sources/000_ae5b4b592fd66ac1.txt")

# synthetic: written for this test, not taken from any article
SYNTHETIC = """导语一行，没有句号

第一段说了一件事。第二句在这里！

1 第一件大事

正文的一句话很长很长很长很长很长很长很长很长很长很长，被版面在中

间断开了。另一句？

2 第二件大事

他说：“好。走吧。”我们走了。
"""


def test_numbered_headings_open_sections_and_the_rest_is_the_intro():
    article = read_article(SYNTHETIC)
    assert [s.key for s in article.sections] == ["intro", "event-1", "event-2"]
    assert [s.number for s in article.sections] == [None, 1, 2]
    assert article.sections[1].title == "第一件大事"
    assert article.title == "导语一行，没有句号"


def test_a_line_broken_by_the_layout_is_joined_with_the_next():
    section = read_article(SYNTHETIC).sections[1]
    assert section.paragraphs[0].endswith("被版面在中间断开了。另一句？")
    assert section.sentences()[1:] == [
        "正文的一句话很长很长很长很长很长很长很长很长很长很长，被版面在中间断开了。",
        "另一句？",
    ]


def test_quotes_are_kept_whole_and_the_heading_is_a_sentence():
    section = read_article(SYNTHETIC).sections[2]
    assert section.sentences() == ["2 第二件大事", "他说：“好。走吧。”我们走了。"]


def test_sentences_split_on_western_punctuation_and_semicolons():
    assert split_sentences("A first one! Then a second? 第三；第四;") == [
        "A first one!",
        "Then a second?",
        "第三；",
        "第四;",
    ]  # synthetic


def test_the_article_has_its_ten_events_and_every_sentence_is_in_the_text():
    text = ARTICLE.read_text(encoding="utf-8")
    article = read_article(text)
    assert [s.key for s in article.sections] == ["intro"] + [f"event-{n}" for n in range(1, 11)]
    assert article.sections[1].heading == "1 我市高规格组建市委人才科技委"
    flat = "".join(text.split())
    for section in article.sections:
        for sentence in section.sentences():
            assert "".join(sentence.split()) in flat, sentence
    # the sentence the layout broke after 新型举 is one sentence again
    assert any("推进新型举国体制宁波实践" in s for s in article.sections[1].sentences())


def test_inside_a_section_a_short_line_without_punctuation_is_a_broken_one():
    # synthetic: the layout broke 世界一流 after 一; in the intro a short line is a title or a byline
    text = "标题\n\n记者 某某\n\n1 事件\n\n园区锚定世界一\n\n流园区目标。\n"
    article = read_article(text)
    assert article.sections[0].paragraphs == ["标题", "记者 某某"]
    assert article.sections[1].sentences() == ["1 事件", "园区锚定世界一流园区目标。"]
