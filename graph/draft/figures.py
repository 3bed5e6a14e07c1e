"""Figures and dates in a sentence: the value written out, its unit by the vocabulary's code, and its approximation.

The text says how exact a figure is with a word next to it (超 / 突破 / 多 / 余: over; 近: nearly;
约 / 左右 / 级: about; 可达: up to); that word is kept as the ``approx`` code. Amounts of money are
written out in yuan (千亿元 -> 100000000000), as the vocabulary's ``yuan`` unit expects. A count
(家, 名, 个, 项 ...) has no unit: the property says what is counted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_POWERS = {"十": 10, "百": 100, "千": 1000, "万": 10_000, "亿": 100_000_000}
_HAN_NUMBER = "[零一二两三四五六七八九十百千万亿]+"
#: measure words of counts (no unit) and the units the vocabulary knows, by their code
_COUNTS = "家|名|个|项|所|款|篇|位|人|件|座|批|届"
_UNITS = {
    "%": "percent",
    "％": "percent",
    "‰": "per-mille",
    "GPa": "GPa",
    "元": "yuan",
    "年": "year",
    "周年": "year",
    "载": "year",
}

_FIGURE = re.compile(
    r"(?P<before>超过|超|突破|近|约为|约|可达|达到|达)?"
    rf"(?P<number>\d+(?:\.\d+)?|{_HAN_NUMBER})"
    r"(?P<scale>千亿|百亿|亿|万)?"
    r"(?P<after>余|多)?"
    rf"(?P<unit>%|％|‰|GPa|元|周年|年(?!\d|度|月)|载|{_COUNTS})?"
    r"(?P<tail>左右|以上|级)?"
)
_FRACTION = re.compile(r"(?<![\d/])(\d+)/(\d+)(?![\d/])")
_DATE = re.compile(
    r"(?P<year>(?:19|20)\d\d)年(?:(?P<month>1[0-2]|0?[1-9])月(?:(?P<day>3[01]|[12]\d|0?[1-9])日)?)?"
)
_RANK = re.compile(rf"(?:排名|位列|居|位居|排)?第(?P<number>\d+|{_HAN_NUMBER})(?!届|次|批|个|件|期|名单)")
_CONSECUTIVE = re.compile(rf"连续(?P<number>\d+|{_HAN_NUMBER})年")


@dataclass(frozen=True)
class Figure:
    """One figure of a sentence: ``value`` written out (``'100000000000'``, ``'1/3'``), ``unit`` and ``approx`` codes or ''."""

    value: str
    unit: str
    approx: str
    kind: str  # "amount" (with a unit), "count", "fraction", "rank", "consecutive-years"
    start: int  # where the figure starts in the sentence
    text: str  # the words of the sentence that state it


@dataclass(frozen=True)
class Date:
    """A date at the precision the text gives: ``value`` is ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``."""

    value: str
    datatype: str  # date, gYearMonth or gYear
    start: int
    text: str


def han_number(text: str) -> int | None:
    """The value of a number written in Chinese characters, or ``None``.

    >>> han_number("二十"), han_number("千"), han_number("三百零五"), han_number("十二"), han_number("千亿")
    (20, 1000, 305, 12, 100000000000)
    """
    total, section, current = 0, 0, 0
    for char in text:
        if char in _DIGITS:
            current = _DIGITS[char]
        elif char in "十百千":
            section += (current or 1) * _POWERS[char]
            current = 0
        elif char in "万亿":
            total += ((section + current) or 1) * _POWERS[char]
            section = current = 0
        else:
            return None
    return total + section + current


def _number(text: str) -> Decimal | None:
    if text[0].isdigit():
        return Decimal(text)
    value = han_number(text)
    return None if value is None else Decimal(value)


def _approx(before: str | None, after: str | None, tail: str | None) -> str:
    if before in ("超过", "超", "突破") or after in ("余", "多") or tail == "以上":
        return "over"
    if before == "近":
        return "nearly"
    if before in ("约", "约为") or tail in ("左右", "级"):
        return "about"
    if before == "可达":
        return "up-to"
    return ""


def _written_out(number: Decimal, scale: str | None) -> str:
    factor = {"千亿": 10**11, "百亿": 10**10, "亿": 10**8, "万": 10**4}.get(scale or "", 1)
    value = number * factor
    return format(value.normalize(), "f") if value != value.to_integral() else str(int(value))


def find_figures(sentence: str) -> list[Figure]:
    """Every figure of ``sentence`` with a unit, a measure word, a scale or an approximation; bare numbers are left out.

    >>> [(f.value, f.unit, f.approx, f.kind) for f in find_figures("技术交易额突破千亿元大关")]  # synthetic
    [('100000000000', 'yuan', 'over', 'amount')]
    >>> [(f.value, f.unit, f.approx) for f in find_figures("延伸率可达39.9%，强度约为2.3GPa")]  # synthetic
    [('39.9', 'percent', 'up-to'), ('2.3', 'GPa', 'about')]
    >>> [(f.value, f.approx, f.kind) for f in find_figures("集聚科研人员近千名、论文万余篇、院士8名")]  # synthetic
    [('1000', 'nearly', 'count'), ('10000', 'over', 'count'), ('8', '', 'count')]
    >>> [(f.value, f.kind) for f in find_figures("全市1/3的机构，排名第10，连续3年第一")]  # synthetic
    [('1/3', 'fraction'), ('10', 'rank'), ('3', 'consecutive-years'), ('1', 'rank')]
    """
    found: list[Figure] = []
    taken: list[tuple[int, int]] = []
    dates = [(d.start, d.start + len(d.text)) for d in find_dates(sentence)]

    def free(start: int, end: int) -> bool:
        return all(end <= a or start >= b for a, b in taken + dates)

    for match in _FRACTION.finditer(sentence):
        if int(match.group(2)) > 0 and free(match.start(), match.end()):
            found.append(Figure(match.group(), "", "", "fraction", match.start(), match.group()))
            taken.append(match.span())
    for match in _CONSECUTIVE.finditer(sentence):
        number = _number(match.group("number"))
        if number and free(match.start(), match.end()):
            found.append(Figure(str(int(number)), "", "", "consecutive-years", match.start(), match.group()))
            taken.append(match.span())
    for match in _RANK.finditer(sentence):
        number = _number(match.group("number"))
        if number and free(match.start(), match.end()):
            found.append(Figure(str(int(number)), "", "", "rank", match.start(), match.group()))
            taken.append(match.span())
    for match in _FIGURE.finditer(sentence):
        if not match.group("number") or not free(match.start("number"), match.end()):
            continue
        if sentence[match.start("number") - 1 : match.start("number")] == "第":
            continue  # 第七届: an ordinal, not a count
        number = _number(match.group("number"))
        unit_word = match.group("unit")
        if unit_word == "年" and match.group("number") == "一":
            continue  # 过去的一年: a phrase, not a duration
        if "亿" in match.group("number") + (match.group("scale") or "") and not unit_word:
            unit_word = "元"  # 百亿级 (基金): an amount in 亿 names yuan
        if number is None or not (unit_word or match.group("scale")):
            continue  # a bare number (a name, a code) is not a figure
        unit = _UNITS.get(unit_word or "", "")
        if match.group("scale") and unit_word != "元":
            unit = ""  # 百亿级 without 元: a scale of an amount the sentence names elsewhere
        approx = _approx(match.group("before"), match.group("after"), match.group("tail"))
        kind = "amount" if unit else "count"
        if kind == "count" and not unit_word and not match.group("scale"):
            continue
        if match.group("scale") and not unit_word and unit == "":
            kind = "amount"
        found.append(
            Figure(
                _written_out(number, match.group("scale")), unit, approx, kind, match.start(), match.group()
            )
        )
        taken.append(match.span())
    return sorted(found, key=lambda f: f.start)


def find_dates(sentence: str) -> list[Date]:
    """Every date of ``sentence``, as precise as it is written.

    >>> [(d.value, d.datatype) for d in find_dates("2024年12月23日公布，2024年5月召开，2015年起")]  # synthetic
    [('2024-12-23', 'date'), ('2024-05', 'gYearMonth'), ('2015', 'gYear')]
    """
    found = []
    for match in _DATE.finditer(sentence):
        year, month, day = match.group("year"), match.group("month"), match.group("day")
        if day:
            found.append(
                Date(f"{year}-{int(month):02d}-{int(day):02d}", "date", match.start(), match.group())
            )
        elif month:
            found.append(Date(f"{year}-{int(month):02d}", "gYearMonth", match.start(), match.group()))
        else:
            found.append(Date(year, "gYear", match.start(), match.group()))
    return found
