"""Pinyin keys and English names."""

from __future__ import annotations

import re

from graph.draft.keys import MAX_KEY_LENGTH, person_name, romanise, slug

KEY = re.compile(r"[A-Za-z0-9._-]+")


def test_keys_are_ascii_entity_keys():
    for label in (
        "宁波大学",
        "“315”科技创新体系建设工程",
        "全社会R&D经费投入占GDP比重",
        "中国—莫桑比克智慧农业“一带一路”联合实验室",
        "？",
    ):
        key = slug(label)
        assert KEY.fullmatch(key), key
        assert len(key) <= MAX_KEY_LENGTH


def test_the_same_label_always_gives_the_same_key():
    assert slug("镇海中学") == slug("镇海中学") == "zhenhai-zhongxue"


def test_latin_words_are_kept():
    assert slug("Nature") == "nature"
    assert "gdp" in slug("全社会R&D经费投入占GDP比重")


def test_people_and_places_in_pinyin():
    assert person_name("王金淑") == "Wang Jinshu"
    assert person_name("习近平") == "Xi Jinping"
    assert romanise("慈溪") == "Cixi"
