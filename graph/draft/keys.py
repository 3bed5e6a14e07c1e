"""Proposed entity keys and pinyin: a label becomes an ASCII slug a curator can keep or rename.

pypinyin ships its dictionary, so keys are made offline and are the same on every machine.
"""

from __future__ import annotations

import re

from pypinyin import Style, lazy_pinyin

from graph.draft.segment import words as cut_words

_NOT_KEY = re.compile(r"[^a-z0-9]+")
#: long keys are cut at a word boundary: a key names a node, it does not spell out its label
MAX_KEY_LENGTH = 48


def pinyin_words(text: str) -> list[str]:
    """The pinyin of each Han character of ``text`` (without tones); other runs are kept as they are.

    >>> pinyin_words("宁波大学")
    ['ning', 'bo', 'da', 'xue']
    """
    return [word for word in lazy_pinyin(text, style=Style.NORMAL, errors="default") if word.strip()]


def slug(label: str) -> str:
    """An entity key proposed for ``label``: its pinyin (or its ASCII words), lower-case, hyphenated.

    >>> slug("宁波工程学院")
    'ningbo-gongchengxueyuan'
    >>> slug("“315”科技创新体系建设工程")
    '315-keji-chuangxin-tixi-jianshegongcheng'
    """
    words = _group(label)
    text = _NOT_KEY.sub("-", "-".join(words).lower()).strip("-")
    if len(text) > MAX_KEY_LENGTH:
        text = text[:MAX_KEY_LENGTH].rsplit("-", 1)[0]
    return text or "entity"


def romanise(label: str) -> str:
    """A name in pinyin, written as names are written in English (words capitalised).

    >>> romanise("宁波")
    'Ningbo'
    >>> romanise("镇海")
    'Zhenhai'
    """
    words = _group(label)
    return " ".join(word[:1].upper() + word[1:] for word in words if _NOT_KEY.sub("", word.lower()))


def person_name(label: str) -> str:
    """A Chinese personal name in pinyin, family name first and the given name in one word.

    >>> person_name("黄明欣")
    'Huang Mingxin'
    """
    syllables = pinyin_words(label)
    if len(syllables) < 2:
        return romanise(label)
    family, given = syllables[0], "".join(syllables[1:])
    return f"{family.capitalize()} {given.capitalize()}"


def _group(label: str) -> list[str]:
    """The pinyin of ``label`` word by word (宁波 -> ningbo), as pinyin words are written."""
    grouped: list[str] = []
    for word in cut_words(label):
        parts = [p for p in lazy_pinyin(word, style=Style.NORMAL, errors="default") if p.strip()]
        if parts:
            grouped.append("".join(parts))
    return grouped
