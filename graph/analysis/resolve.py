"""Entities that are probably the same: candidates for a merge, scored, with the evidence of each side.

Names are compared after normalising (full-width to half-width, case, punctuation and spaces,
the usual Chinese organisation prefixes and suffixes such as 宁波市 or 有限公司, English articles),
by pinyin (:mod:`pypinyin`), by containment, and as abbreviations (宁波材料所 of
中国科学院宁波材料技术与工程研究所: the short name's characters in order in the long one). Two
entities of different classes score half. Pairs already decided in ``same-as.csv`` are never
proposed again: the decisions are data, applied by the build (see :mod:`graph.model.same_as`).
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path

from graph.explorer.network import network_view
from graph.model.graph import KnowledgeGraph
from graph.model.namespaces import RDFS_LABEL
from graph.model.same_as import read_decisions

#: stripped from the front of a Chinese name, longest first, repeatedly; each stands for a place or a parent
PREFIXES = {
    "中国科学院": "中科院", "中科院": "中科院", "浙江省": "浙江", "浙江": "浙江", "省": "浙江",
    "宁波市": "宁波", "宁波": "宁波", "市": "宁波", "中国": "中国",
    # other cities: a name that starts with one is never the same as one that starts with another
    **{f"{city}{end}": city for city in (
        "杭州", "温州", "绍兴", "嘉兴", "湖州", "金华", "台州", "舟山", "丽水", "衢州", "上海", "北京",
        "天津", "重庆", "南京", "苏州", "深圳", "广州", "合肥", "武汉", "成都", "西安",
    ) for end in ("市", "")},
}  # fmt: skip
#: stripped from the end of a Chinese name, longest first, once
SUFFIXES = ("股份有限公司", "有限责任公司", "有限公司", "集团公司", "集团", "公司")
_PREFIX_ORDER = sorted(PREFIXES, key=len, reverse=True)
_PARENTS = {"中科院", "中国"}  # prefixes that name a parent body, not a place
#: places named in English labels, as the Chinese prefixes name them
ENGLISH_PLACES = {
    "ningbo": "宁波", "zhejiang": "浙江", "wenzhou": "温州", "hangzhou": "杭州", "shaoxing": "绍兴",
    "jiaxing": "嘉兴", "huzhou": "湖州", "jinhua": "金华", "taizhou": "台州", "zhoushan": "舟山", "lishui": "丽水",
    "quzhou": "衢州", "shanghai": "上海", "beijing": "北京", "tianjin": "天津", "chongqing": "重庆",
    "nanjing": "南京", "suzhou": "苏州", "shenzhen": "深圳", "guangzhou": "广州", "hefei": "合肥",
    "wuhan": "武汉", "chengdu": "成都", "xian": "西安",
}  # fmt: skip
ARTICLES = re.compile(r"\b(the|a|an)\b")
THRESHOLD = 0.5
SCORES = {
    "same name": 1.0,
    "same name after normalising": 0.9,
    "same pinyin": 0.8,
    "one name contains the other": 0.6,
    "abbreviation": 0.6,
}


@dataclass(frozen=True)
class Entity:
    """An entity as resolution sees it: its names, class, and where it is first stated."""

    iri: str
    key: str
    names: tuple[str, ...]  # zh and en labels, then aliases
    label: str
    type: str
    row: str  # "file:row" of its first label
    sentence: str  # the evidence of that row


@dataclass(frozen=True)
class Candidate:
    """Two entities that are probably the same, the score (0 to 1) and why."""

    a: Entity
    b: Entity
    score: float
    reasons: tuple[str, ...] = field(default_factory=tuple)


def split_name(name: str) -> tuple[frozenset[str], str]:
    """A name as the places or parents its prefixes name, and the rest (its core), normalised.

    >>> places, core = split_name("中国科学院宁波材料技术与工程研究所")
    >>> sorted(places), core
    (['中科院', '宁波'], '材料技术与工程研究所')
    >>> split_name("The Ningbo  University"), split_name("ＡＢＣ有限公司")
    ((frozenset(), 'ningbouniversity'), (frozenset(), 'abc'))
    """
    text = unicodedata.normalize("NFKC", name).casefold()
    text = ARTICLES.sub(" ", text)
    text = "".join(c for c in text if unicodedata.category(c)[0] not in "PSZC")
    places = set()
    changed = True
    while changed:
        changed = False
        for prefix in _PREFIX_ORDER:
            if text.startswith(prefix) and len(text) > len(prefix) + 1:
                text, changed = text[len(prefix) :], True
                places.add(PREFIXES[prefix])
                break
    for suffix in SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix) + 1:
            text = text[: -len(suffix)]
            break
    return frozenset(places), text


def normalise(name: str) -> str:
    """A name without width, case, punctuation, articles, and the usual prefixes and suffixes.

    >>> normalise("宁波市 天使投资（引导）基金"), normalise("The Ningbo  University")
    ('天使投资引导基金', 'ningbouniversity')
    """
    return split_name(name)[1]


def _is_chinese(text: str) -> bool:
    return any("\u4e00" <= c <= "\u9fff" for c in text)


def pinyin(text: str) -> str | None:
    """The toneless pinyin of a Chinese name, or None when pypinyin is not installed or the name has no Han.

    >>> pinyin("宁波") in (None, "ningbo")
    True
    """
    if not _is_chinese(text):
        return None
    try:
        from pypinyin import lazy_pinyin
    except ImportError:  # a dependency of the package; without it, names are compared without pinyin
        return None
    return "".join(lazy_pinyin(text))


def is_abbreviation(short: str, long: str) -> bool:
    """``short`` (3 or more characters, Chinese) is ``long`` with characters left out, in order.

    >>> is_abbreviation("宁波材料所", "中国科学院宁波材料技术与工程研究所"), is_abbreviation("材料宁波", "宁波材料所")
    (True, False)
    """
    if len(short) < 3 or len(short) >= len(long) or not _is_chinese(short):
        return False
    rest = iter(long)
    return all(c in rest for c in short)


def compare(a: Entity, b: Entity) -> Candidate:
    """Score one pair of entities (0 when nothing suggests they are the same).

    Prefixes must agree: 宁波材料所 and 中国科学院宁波材料技术与工程研究所 may be one institute
    (宁波 is in both), 宁波大学 and 浙江大学 are two universities.
    """
    pa, pb = places(a), places(b)
    if pa and pb and pa.isdisjoint(pb):
        return Candidate(a, b, 0.0, ("different places",))
    reasons = set()
    for x in a.names:
        for y in b.names:
            if x.casefold() == y.casefold():
                reasons.add("same name")
                continue
            (px, cx), (py, cy) = split_name(x), split_name(y)
            if len(cx) < 2 or len(cy) < 2 or not (px <= py or py <= px):
                continue
            if cx == cy:
                reasons.add("same name after normalising")
                continue
            if not (_is_chinese(cx) and _is_chinese(cy)):
                continue  # English names count only when equal
            sx, sy = pinyin(cx), pinyin(cy)
            if sx and sx == sy:
                reasons.add("same pinyin")
            short, long = sorted((cx, cy), key=len)
            if len(short) >= 3 and short in long and len(short) / len(long) >= 0.5:
                reasons.add("one name contains the other")
            elif short[0] == long[0] and is_abbreviation(short, long):
                reasons.add("abbreviation")
    if not reasons:
        return Candidate(a, b, 0.0)
    score = max(SCORES[r] for r in reasons)
    if a.type and b.type and a.type != b.type:
        score /= 2
        reasons.add(f"different classes ({a.type}, {b.type})")
    elif a.type and a.type == b.type:
        score = min(1.0, score + 0.05)
    return Candidate(a, b, round(score, 3), tuple(sorted(reasons)))


def places(entity: Entity) -> frozenset[str]:
    """The places an entity's names start with (zh) or mention (en): 宁波 for 宁波大学 and Ningbo University.

    >>> places(Entity("i", "k", ("宁波大学", "Ningbo University"), "", "", "", ""))
    frozenset({'宁波'})
    """
    found: set[str] = set()
    for name in entity.names:
        found |= split_name(name)[0] - _PARENTS
        found.update(ENGLISH_PLACES[w] for w in re.findall(r"[a-z]+", name.casefold()) if w in ENGLISH_PLACES)
    return frozenset(found)


def entities_of(graph: KnowledgeGraph) -> list[Entity]:
    """Every entity of the graph with its names, class and first label's row and sentence."""
    first: dict[str, tuple[str, str]] = {}
    for fact in graph.facts.facts if graph.facts else ():
        if fact.predicate_iri == RDFS_LABEL and fact.subject_iri not in first:
            first[fact.subject_iri] = (f"{fact.file}:{fact.row}", fact.evidence)
    found = []
    for node, a in network_view(graph).nodes(data=True):
        names = [a["label_zh"], a["label_en"], *a["aliases"].split("|")]
        row, sentence = first.get(node, ("", ""))
        label = a["label_zh"] or a["label_en"] or a["key"]
        found.append(Entity(node, a["key"], tuple(n for n in names if n), label, a["type"], row, sentence))
    return found


def _block_keys(entity: Entity) -> set[str]:
    """Keys two entities must share to be compared: bigrams of their normalised names, and pinyin."""
    keys = set()
    for name in entity.names:
        text = normalise(name)
        keys.update(text[i : i + 2] for i in range(len(text) - 1))
        sound = pinyin(text)
        if sound:
            keys.add("py:" + sound)
    return keys


def find_candidates(
    graph: KnowledgeGraph, decisions: Path | str | None = None, threshold: float = THRESHOLD
) -> list[Candidate]:
    """Pairs of entities that are probably the same, best first; pairs decided in ``decisions``
    (a same-as.csv) are left out.

    >>> import graph
    >>> [c.score for c in find_candidates(graph.build(["data/triples.csv"]))] == []
    True
    """
    decided = {frozenset((d.key, d.same_as)) for d in read_decisions(decisions)} if decisions else set()
    entities = entities_of(graph)
    blocks: dict[str, list[int]] = defaultdict(list)
    for i, entity in enumerate(entities):
        for key in _block_keys(entity):
            blocks[key].append(i)
    pairs = set()
    for members in blocks.values():
        if len(members) <= 200:  # a bigram in hundreds of names ("研究") tells nothing
            pairs.update(combinations(members, 2))
    found = []
    for i, j in sorted(pairs):
        a, b = entities[i], entities[j]
        if frozenset((a.key, b.key)) in decided:
            continue
        candidate = compare(a, b)
        if candidate.score >= threshold:
            found.append(candidate)
    found.sort(key=lambda c: (-c.score, c.a.key, c.b.key))
    return found
