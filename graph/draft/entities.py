"""Entities of a sentence: the known ones by label (longest first), new ones by name-ending rules on jieba's words.

Known entities come from curated CSVs (``--known``): every ``rdfs:label`` and ``skos:altLabel`` in
Chinese points to its key, and the longest label wins where labels overlap, so 宁波高新区 is not
read as 宁波. New entities are proposed in a fixed order, the first claim on a span of text wins:
names in quotes or 《》 that end in (or are followed by) 奖, 计划, 工程, 榜单 ...; organisations and
places whose last word ends in 实验室, 研究院, 大学, 公司, 委员会, 局, 中心, 区, 市 ..., their start
found by walking back over jieba's noun words; people, by jieba's person tag next to a title
(教授, 院士 ...) or after 记者 / 通讯员 in a byline; and places by jieba's place tag.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from graph.draft.keys import person_name, romanise
from graph.draft.segment import tagged
from graph.ingest.csv_reader import read_rows

#: name endings of organisations and places, longest first: (ending, class, English word)
ORGANISATION_ENDINGS: tuple[tuple[str, str, str], ...] = (
    ("全国重点实验室", "kg:StateKeyLaboratory", "State Key Laboratory"),
    ("重点实验室", "kg:Laboratory", "Key Laboratory"),
    ("联合实验室", "kg:Laboratory", "Joint Laboratory"),
    ("实验室", "kg:Laboratory", "Laboratory"),
    ("技术创新中心", "kg:InnovationCenter", "Technology Innovation Center"),
    ("创新中心", "kg:InnovationCenter", "Innovation Center"),
    ("中心", "schema:Organization", "Centre"),
    ("研究院", "kg:ResearchInstitute", "Research Institute"),
    ("研究所", "kg:ResearchInstitute", "Research Institute"),
    ("科学院", "schema:ResearchOrganization", "Academy of Sciences"),
    ("大学", "schema:CollegeOrUniversity", "University"),
    ("学院", "schema:CollegeOrUniversity", "College"),
    ("中学", "schema:HighSchool", "High School"),
    ("股份有限公司", "schema:Corporation", "Co., Ltd."),
    ("有限公司", "schema:Corporation", "Co., Ltd."),
    ("公司", "schema:Corporation", "Company"),
    ("集团", "schema:Corporation", "Group"),
    ("委员会", "schema:GovernmentOrganization", "Committee"),
    ("人民政府", "schema:GovernmentOrganization", "People's Government"),
    ("政府", "schema:GovernmentOrganization", "Government"),
    ("管委会", "schema:GovernmentOrganization", "Administrative Committee"),
    ("科技局", "schema:GovernmentOrganization", "Science and Technology Bureau"),
    ("局", "schema:GovernmentOrganization", "Bureau"),
    ("所", "kg:ResearchInstitute", "Institute"),
    ("社", "schema:Organization", "Society"),
    ("部", "schema:GovernmentOrganization", "Ministry"),
    ("论坛", "kg:Forum", "Forum"),
    ("大会", "kg:Meeting", "Conference"),
    ("项目", "kg:Project", "Project"),
    ("计划", "kg:Programme", "Programme"),
    ("总台", "schema:NewsMediaOrganization", "Media Group"),
    ("基金", "kg:Fund", "Fund"),
    ("高新区", "kg:HighTechZone", "High-tech Zone"),
    ("省", "kg:Province", "Province"),
    ("市", "schema:City", "City"),
    ("区", "kg:District", "District"),
    ("县", "kg:District", "County"),
)
#: classes of places: their English name is their pinyin, which is faithful
PLACE_CLASSES = {"kg:Province", "schema:City", "kg:District", "kg:CountyLevelCity", "schema:Place"}
#: words after a quoted name that say what it names: (word, class)
NAME_KEYWORDS: tuple[tuple[str, str], ...] = (
    ("奖", "kg:Award"),
    ("鼎", "kg:Award"),
    ("计划", "kg:Programme"),
    ("工程", "kg:Programme"),
    ("制度", "kg:Programme"),
    ("项目", "kg:Project"),
    ("榜单", "kg:SelectionList"),
    ("名单", "kg:SelectionList"),
    ("案例", "kg:SelectionList"),
    ("方案", "kg:PolicyDocument"),
)
#: titles next to which a person's name stands
PERSON_TITLES = (
    "教授",
    "院士",
    "研究员",
    "博士",
    "工程师",
    "总书记",
    "书记",
    "主任",
    "院长",
    "校长",
    "董事长",
    "专家",
)
BYLINE = re.compile(r"(?:记者|通讯员)\s+([\u4e00-\u9fff]{2,4})(?=\s|$)")
#: jieba's tags of words that can be inside a name (nouns, places, organisations, abbreviations ...)
_NAME_TAGS = {"n", "nz", "ns", "nt", "nr", "nrfg", "nrt", "j", "an", "vn", "l", "b", "s", "eng", "ng", "nw"}
_MAX_NAME = 24
#: words that do not make a name of an ending (全国重点实验室 is a kind, not a laboratory)
_GENERIC = {
    "全国",
    "国家",
    "国家级",
    "重点",
    "省级",
    "市级",
    "我市",
    "全市",
    "本市",
    "全省",
    "各",
    "新型",
    "相关",
}
#: bodies every Chinese text names by the same short word
STANDARD_BODIES = {
    "市委": "schema:GovernmentOrganization",
    "省委": "schema:GovernmentOrganization",
    "国务院": "schema:GovernmentOrganization",
    "党中央": "schema:GovernmentOrganization",
}
#: endings that are a word of one character only when jieba cuts them off (材料/所, 工信/部)
_BARE_ENDINGS = {"所", "社", "部"}
#: parts of a unit's name that stand before its parent's (市科技局, 宁波高新区管委会 ...)
_UNIT_PREFIXES = {"市", "省", "区", "县", "市委", "省委", "中央"}
#: endings of units named with their parent's full name before them (中央广播电视总台, 宁波高新区管委会)
_SUB_UNITS = {"所", "社", "部", "总台", "管委会"}
#: words jieba tags as places that are common nouns
_NOT_PLACES = {"城市", "地区", "市区", "全市", "我市", "本市", "全区", "社区", "全省", "全国", "各地"}


@dataclass
class Entity:
    """An entity of the draft: its key, class, labels, and how sure the draft is about it."""

    key: str
    label: str
    type: str
    english: str
    known: bool = False
    confidence: str = "medium"
    note: str = ""


@dataclass(frozen=True)
class Mention:
    """Where an entity is named: the sentence's index in its section, and the span in the sentence."""

    label: str
    start: int
    end: int
    type: str
    kind: str  # known, organisation, place, tagged-place (by jieba's tag only), person, name, concept


@dataclass
class KnownEntities:
    """The entities of curated CSVs: Chinese label or alias -> key, and each key's class and labels."""

    by_label: dict[str, str] = field(default_factory=dict)
    types: dict[str, str] = field(default_factory=dict)
    labels: dict[str, dict[str, str]] = field(default_factory=dict)

    def entity(self, key: str) -> Entity:
        """The known entity ``key`` as the draft writes it."""
        labels = self.labels.get(key, {})
        return Entity(
            key,
            labels.get("zh", ""),
            self.types.get(key, "schema:Thing"),
            labels.get("en", ""),
            known=True,
            confidence="high",
            note="known entity",
        )


def load_known(paths: Iterable[Path]) -> KnownEntities:
    """Read the entities of curated CSVs; a file with problems is read as far as it can be (the draft only needs labels)."""
    known = KnownEntities()
    for path in paths:
        for row in read_rows(path).rows:
            subject, predicate, value, lang = row["subject"], row["predicate"], row["object"], row["lang"]
            if subject.startswith("#") or not value:
                continue
            if predicate == "a":
                known.types.setdefault(subject, value)
            elif predicate == "rdfs:label" and lang in ("zh", "en"):
                known.labels.setdefault(subject, {}).setdefault(lang, value)
                if lang == "zh":
                    known.by_label.setdefault(value, subject)
            elif predicate == "skos:altLabel" and lang == "zh":
                known.by_label.setdefault(value, subject)
    return known


def find_mentions(sentence: str, known: KnownEntities | None = None) -> list[Mention]:
    """The entities named in ``sentence``, in reading order, no two overlapping.

    >>> [(m.label, m.type) for m in find_mentions("2024年，宁波工程学院与杭州市人民政府签订协议。")]  # synthetic
    [('宁波工程学院', 'schema:CollegeOrUniversity'), ('杭州市人民政府', 'schema:GovernmentOrganization')]
    """
    taken: list[Mention] = []

    def claim(label: str, start: int, type_: str, kind: str) -> None:
        end = start + len(label)
        if len(label) < 2 or any(start < m.end and end > m.start for m in taken):
            return
        taken.append(Mention(label, start, end, type_, kind))

    if known is not None and known.by_label:
        for label, start in _longest_matches(sentence, known.by_label):
            claim(label, start, known.types.get(known.by_label[label], ""), "known")
    for label, start, type_ in _quoted_names(sentence):
        claim(label, start, type_, "name")
    tokens = _tokens(sentence)
    for label, start, type_ in _organisations(tokens):
        claim(label, start, type_, "place" if type_ in PLACE_CLASSES else "organisation")
    for word, _, start in tokens:
        if word in STANDARD_BODIES:
            claim(word, start, STANDARD_BODIES[word], "organisation")
    for label, start in _people(sentence, tokens):
        claim(label, start, "schema:Person", "person")
    for label, start, type_ in _quoted_terms(sentence) + _enumerations(tokens):
        claim(label, start, type_, "concept")
    for word, flag, start in tokens:
        if flag == "ns" and len(word) >= 2 and word not in _NOT_PLACES:
            claim(word, start, "schema:Place", "tagged-place")
        elif flag == "nt" and len(word) >= 3:
            claim(word, start, "schema:Organization", "organisation")
    return sorted(taken, key=lambda m: m.start)


def describe(mention: Mention) -> tuple[str, str, str]:
    """The English label the draft proposes for a new entity, its confidence, and the curator's note.

    >>> describe(Mention("镇海区", 0, 3, "kg:District", "place"))
    ('Zhenhai District', 'medium', 'new place; English label in pinyin')
    """
    if mention.kind == "person":
        return person_name(mention.label), "medium", "new person; English name in pinyin"
    if mention.kind == "concept":
        note = "new concept (a quoted term or an item of a list): keep it if it is a thing; translate the pinyin placeholder"
        return romanise(mention.label), "low", note
    ending = _ending(mention.label)
    if mention.kind in ("place", "tagged-place"):
        if ending and mention.label != ending[0]:
            head = mention.label[: -len(ending[0])]
            return f"{romanise(head)} {ending[2]}", "medium", "new place; English label in pinyin"
        return romanise(mention.label), "medium", "new place; English label in pinyin"
    if ending and mention.label != ending[0]:
        head = mention.label[: -len(ending[0])]
        english = f"{romanise(head)} {ending[2]}"
        if all(flag in ("ns", "nr", "nrfg") for _, flag, _ in _tokens(head)):
            return (
                english,
                "medium",
                "new organisation; English label is the place name in pinyin and the name's ending",
            )
        return english, "low", "new organisation; English label is a pinyin placeholder: translate it"
    return romanise(mention.label), "low", "new entity; English label is a pinyin placeholder: translate it"


def _ending(label: str) -> tuple[str, str, str] | None:
    return next((e for e in ORGANISATION_ENDINGS if label.endswith(e[0])), None)


def _longest_matches(sentence: str, labels: dict[str, str]) -> list[tuple[str, int]]:
    """Every label found in ``sentence``, longest first, none overlapping a longer one."""
    found: list[tuple[str, int]] = []
    spans: list[tuple[int, int]] = []
    for label in sorted(labels, key=lambda text: (-len(text), text)):
        start = sentence.find(label)
        while start >= 0:
            end = start + len(label)
            if all(end <= a or start >= b for a, b in spans):
                found.append((label, start))
                spans.append((start, end))
            start = sentence.find(label, start + 1)
    return found


def _tokens(sentence: str) -> list[tuple[str, str, int]]:
    """jieba's words of ``sentence`` with their tags and start offsets."""
    tokens, offset = [], 0
    for word, flag in tagged(sentence):
        tokens.append((word, flag, offset))
        offset += len(word)
    return tokens


_QUOTED = re.compile(r"“([^”]{1,30})”|《([^》]{1,40})》")


def _quoted_names(sentence: str) -> list[tuple[str, int, str]]:
    """Names in quotes that a keyword makes a name of (“科技新苗”培养计划, 获“科技创新鼎”), and titles in 《》."""
    found = []
    for match in _QUOTED.finditer(sentence):
        if match.group(2):
            inner = match.group(2)
            keyword = next((k for k in NAME_KEYWORDS if inner.endswith(k[0])), None)
            kind = (
                keyword[1] if keyword else "schema:Periodical" if inner.isascii() else "schema:CreativeWork"
            )
            found.append((inner, match.start(2), kind))
            continue
        inner = match.group(1)
        keyword = next((k for k in NAME_KEYWORDS if inner.endswith(k[0])), None)
        if keyword and len(inner) > 2:
            found.append((inner, match.start(1), keyword[1]))
            continue
        after = sentence[match.end() : match.end() + 12]
        tail = re.match(r"[\u4e00-\u9fff]{0,10}?(" + "|".join(k for k, _ in NAME_KEYWORDS) + ")", after)
        if tail:
            type_ = dict(NAME_KEYWORDS)[tail.group(1)]
            found.append((match.group() + tail.group(), match.start(), type_))
        elif sentence[max(0, match.start() - 2) : match.start()].endswith(("获", "获得", "荣获")):
            found.append((inner, match.start(1), "kg:Award"))
    return found


def _organisations(tokens: list[tuple[str, str, int]]) -> list[tuple[str, int, str]]:
    """Names whose last word ends in an organisation or place ending, started by walking back over name words.

    Longer names come first, so that 杭州市人民政府 is claimed before 杭州市.
    """
    found = []
    for index, (word, flag, start) in enumerate(tokens):
        ending = _ending(word)
        if ending is None or flag in ("x", "m", "v", "d", "r") or word in _NOT_PLACES:
            continue
        if ending[0] in _BARE_ENDINGS and word != ending[0]:
            continue  # 全部, 内部: a word that only ends like a name
        if ending[1] in PLACE_CLASSES:
            if flag in ("ns", "nt") and len(word) >= 2:
                found.append((word, start, ending[1]))  # 宁波市, 镇海区: jieba knows the place
            continue
        first = index
        while first > 0:
            previous, previous_flag, _ = tokens[first - 1]
            so_far = "".join(t[0] for t in tokens[first - 1 : index + 1])
            # a unit's name keeps its parent's (中国科学院宁波材料所, 中央广播电视总台)
            parent = ending[0] in _SUB_UNITS
            if previous in _UNIT_PREFIXES:
                first -= 1
                break
            if _is_year(previous) and first < index:
                first -= 1  # 2024日本樱花国际科技交流项目: a year opens the name
                break
            if previous_flag not in _NAME_TAGS or (
                previous_flag == "nt" and not parent and _ending(previous)
            ):
                break
            if len(previous) == 1 and previous_flag not in ("ns", "j"):
                break
            ending_before = _ending(previous)
            if ending_before and ending_before[1] not in PLACE_CLASSES and len(previous) > 2 and not parent:
                break
            if len(so_far) > _MAX_NAME:
                break
            first -= 1
        while first < index and tokens[first][0] in _GENERIC:
            first += 1
        label = "".join(t[0] for t in tokens[first : index + 1])
        head = label[: -len(_ending(label)[0])]
        if (
            not head
            or head in _GENERIC
            or all(t[0] in _GENERIC for t in tokens[first:index])
            and first < index
        ):
            continue  # a bare ending (中心, 全国重点实验室) names nothing
        found.append((label, tokens[first][2], _ending(label)[1]))
    return sorted(found, key=lambda f: (-len(f[0]), f[1]))


def _is_year(word: str) -> bool:
    return len(word) == 4 and word.isdigit() and word[:2] in ("19", "20")


#: jieba's tags of words an item of a list may hold (names, nouns, verbal nouns, adjectives of kind)
_ITEM_TAGS = _NAME_TAGS | {"vn", "t"}
#: tags a list item may hold inside it, not at its ends (科技创新策源地, 成果转化首选地)
_INNER_TAGS = _ITEM_TAGS | {"uv"}
_SEPARATORS = {"、"}
_LAST_SEPARATORS = {"和", "及", "与", "以及"}
_SKIP = {"m", "x", "uj", "q", "ul"}


def _enumerations(tokens: list[tuple[str, str, int]]) -> list[tuple[str, int, str]]:
    """The items of lists written with 、 (财政、国资、金融、民间资本): each a noun phrase, proposed as a concept."""
    found = []
    clause: list[list[tuple[str, str, int]]] = [[]]
    clauses = []
    for token in tokens:
        if token[0] in _SEPARATORS or (token[0] in _LAST_SEPARATORS and len(clause) > 1):
            clause.append([])
        elif token[1] == "x" and token[0] not in "/“”":
            clauses.append(clause)
            clause = [[]]
        else:
            clause[-1].append(token)
    clauses.append(clause)
    for items in clauses:
        if len(items) < 3:
            continue  # two words joined by 、 are too often a phrase; lists of three or more are lists
        for position, item in enumerate(items):
            if position == 0:
                run = _trailing_run(item)
            else:
                while item and (item[0][1] in _SKIP or item[0][0] in "/“”"):
                    item = item[1:]
                run = _leading_run(item)
            if not run or run[0][1] in ("vn", "v", "d") or run[-1][1] in ("vn", "v"):
                continue  # 数字经济发展, 营造全域: an action, not a thing
            label = "".join(t[0] for t in run)
            if 2 <= len(label) <= 12:
                found.append((label, run[0][2], "skos:Concept"))
    return found


def _trailing_run(item: list[tuple[str, str, int]]) -> list[tuple[str, str, int]]:
    first = len(item)
    while first > 0 and item[first - 1][1] in _INNER_TAGS:
        first -= 1
    return _trim(item[first:])


def _leading_run(item: list[tuple[str, str, int]]) -> list[tuple[str, str, int]]:
    last = 0
    while last < len(item) and item[last][1] in _INNER_TAGS:
        last += 1
    return _trim(item[:last])


def _trim(run: list[tuple[str, str, int]]) -> list[tuple[str, str, int]]:
    """A run without the verbs and adjectives at its ends (打造科技创新策源地 -> 科技创新策源地)."""
    while run and run[0][1] in ("v", "a", "uv"):
        run = run[1:]
    while run and run[-1][1] in ("v", "a"):
        run = run[:-1]
    return run


_QUOTED_TERM = re.compile(r"“([^”“]{2,10})”")


def _quoted_terms(sentence: str) -> list[tuple[str, int, str]]:
    """Short terms in quotes (“硬科技”, “国之大者”): proposed as concepts."""
    return [(m.group(1), m.start(1), "skos:Concept") for m in _QUOTED_TERM.finditer(sentence)]


def _people(sentence: str, tokens: list[tuple[str, str, int]]) -> list[tuple[str, int]]:
    """People: a run of person-tagged words followed by a title, or a name after 记者 / 通讯员 in a byline."""
    found = [(m.group(1), m.start(1)) for m in BYLINE.finditer(sentence)]
    index = 0
    while index < len(tokens):
        if tokens[index][1] in ("nr", "nrfg", "nrt"):
            last = index
            while last + 1 < len(tokens) and tokens[last + 1][1] in ("nr", "nrfg", "nrt"):
                last += 1
            label = "".join(t[0] for t in tokens[index : last + 1])
            following = tokens[last + 1][0] if last + 1 < len(tokens) else ""
            preceding = tokens[index - 1][0] if index > 0 else ""
            if (following.startswith(PERSON_TITLES) or preceding.endswith(PERSON_TITLES)) and 2 <= len(
                label
            ) <= 4:
                found.append((label, tokens[index][2]))
            index = last + 1
        else:
            index += 1
    return found
