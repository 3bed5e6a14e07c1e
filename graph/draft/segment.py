"""Word segmentation and part-of-speech tags from jieba, loaded once and quietly.

jieba ships its dictionary in its wheel, so segmentation runs offline; the dictionary is the
same on every machine, so the draft is too.
"""

from __future__ import annotations

import logging
from functools import cache

import jieba
import jieba.posseg

jieba.setLogLevel(logging.WARNING)  # jieba prints its loading steps at INFO


@cache
def _tokenizer() -> jieba.posseg.POSTokenizer:
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return jieba.posseg.POSTokenizer(tokenizer)


def words(text: str) -> list[str]:
    """``text`` cut into words.

    >>> words("宁波大学")
    ['宁波大学']
    """
    return [word for word in _tokenizer().tokenizer.cut(text, HMM=True) if word]


def tagged(text: str) -> list[tuple[str, str]]:
    """``text`` cut into ``(word, part-of-speech tag)`` pairs, jieba's ICTCLAS tags (``ns`` place, ``nr`` person ...)."""
    return [(pair.word, pair.flag) for pair in _tokenizer().cut(text, HMM=True)]
