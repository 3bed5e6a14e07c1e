"""An article cut into its title, sections (intro and numbered items), paragraphs and sentences.

A newspaper text often breaks a paragraph in the middle of a word when it is copied from a page
layout; such a line is joined with the next one (the evidence check ignores whitespace, so the
joined sentence is still found verbatim). A numbered heading (``1 我市高规格组建市委人才科技委``)
opens a section; the text before the first heading is the intro.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

#: a numbered item: a number, a space, and a short title with no sentence-final punctuation
_HEADING = re.compile(r"^(\d{1,2})[\s、.．]+(\S.{0,59})$")
_FINAL = "。！？!?…；;"
#: sentence ends: split after these unless inside quotes or brackets
_ENDS = set("。！？!?；;")
_OPEN = {"“": "”", "《": "》", "（": "）", "(": ")", "‘": "’", "「": "」", "【": "】"}
#: a line this long that stops without punctuation was broken by the page layout
_BROKEN_LINE = 30


@dataclass
class Section:
    """One part of the article: ``key`` is ``intro`` or ``event-N``; ``heading`` is the numbered title line."""

    key: str
    number: int | None
    heading: str
    paragraphs: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        """The heading without its number."""
        match = _HEADING.match(self.heading)
        return match.group(2).strip() if match else self.heading

    def sentences(self) -> list[str]:
        """Every sentence of the section, the heading first (a heading is a sentence the evidence may quote)."""
        found = [self.heading] if self.heading else []
        for paragraph in self.paragraphs:
            found += split_sentences(paragraph)
        return found


@dataclass
class Article:
    """The article's title (the first line that is not a sentence), its sections, and its text."""

    title: str
    sections: list[Section]
    text: str


def split_sentences(paragraph: str) -> list[str]:
    """Cut ``paragraph`` after 。！？； (and ! ? ;), keeping quotes and brackets whole; a run of …… ends one too.

    >>> split_sentences("他说：“好。走吧。”我们走了。对吗？")  # synthetic
    ['他说：“好。走吧。”我们走了。', '对吗？']
    >>> split_sentences("技术交易额突破千亿元大关……宁波交出了答卷。")  # synthetic
    ['技术交易额突破千亿元大关……', '宁波交出了答卷。']
    """
    sentences: list[str] = []
    closing: list[str] = []
    start = 0
    i = 0
    while i < len(paragraph):
        char = paragraph[i]
        if char in _OPEN:
            closing.append(_OPEN[char])
        elif closing and char == closing[-1]:
            closing.pop()
        elif not closing and (char in _ENDS or paragraph.startswith("……", i)):
            end = i + 2 if paragraph.startswith("……", i) else i + 1
            while end < len(paragraph) and paragraph[end] in "”’）)":
                end += 1
            sentences.append(paragraph[start:end].strip())
            start = i = end
            continue
        i += 1
    if paragraph[start:].strip():
        sentences.append(paragraph[start:].strip())
    return [s for s in sentences if s]


def read_article(text: str) -> Article:
    """Split ``text`` into the title, the intro and the numbered sections.

    >>> article = read_article("标题一行\\n\\n导语第一句。\\n\\n1 第一件事\\n\\n正文。")  # synthetic
    >>> article.title, [(s.key, s.title, s.paragraphs) for s in article.sections]
    ('标题一行', [('intro', '', ['标题一行', '导语第一句。']), ('event-1', '第一件事', ['正文。'])])
    """
    lines = _paragraphs(text)
    sections = [Section("intro", None, "")]
    title = ""
    for line in lines:
        match = _HEADING.match(line)
        if match and not line.endswith(tuple(_FINAL)):
            number = int(match.group(1))
            sections.append(Section(f"event-{number}", number, line))
            continue
        if not title and len(sections) == 1 and not line.endswith(tuple(_FINAL)):
            title = line
        sections[-1].paragraphs.append(line)
    return Article(title, sections, text)


def _paragraphs(text: str) -> list[str]:
    """The non-empty lines, a line broken by the page layout joined with the line after it.

    A line that stops without punctuation is broken when it is long, or when it stands inside a
    numbered section, where only headings go without it (the intro also holds the title and the
    byline, which are short lines without punctuation).
    """
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    joined: list[str] = []
    in_section = False
    for line in lines:
        previous = joined[-1] if joined else ""
        if (
            previous
            and not previous.endswith(tuple(_FINAL + "”’）)"))
            and not _HEADING.match(line)
            and not _HEADING.match(previous)
            and (len(previous) >= _BROKEN_LINE or in_section)
        ):
            joined[-1] += line
        else:
            joined.append(line)
        in_section = in_section or bool(_HEADING.match(line))
    return joined
