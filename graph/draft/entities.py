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
from dataclasses import dataclass, field, replace
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
#: name endings of kinds of things (categories, indicators, evaluations), which a text counts or ranks
KIND_ENDINGS: tuple[tuple[str, str, str], ...] = (
    ("企业", "kg:Category", "Enterprises"),
    ("机构", "kg:Category", "Institutions"),
    ("院所", "kg:Category", "Institutes"),
    ("平台", "kg:Category", "Platforms"),
    ("高中", "kg:Category", "High Schools"),
    ("指数", "kg:Indicator", "Index"),
    ("比重", "kg:Indicator", "Share"),
    ("占比", "kg:Indicator", "Share"),
    ("数量", "kg:Indicator", "Number"),
    ("总量", "kg:Indicator", "Total"),
    ("授权量", "kg:Indicator", "Grants"),
    ("评价", "kg:Evaluation", "Evaluation"),
    ("考核", "kg:Evaluation", "Assessment"),
    ("评选", "kg:Evaluation", "Selection"),
)
#: name endings of materials and products
MATERIAL_ENDINGS: tuple[tuple[str, str, str], ...] = (
    ("材料", "kg:Material", "Material"),
    ("陶瓷", "kg:Material", "Ceramic"),
    ("金属", "kg:Material", "Metal"),
    ("合金", "kg:Material", "Alloy"),
    ("靶材", "kg:Material", "Target"),
    ("金刚石", "kg:Material", "Diamond"),
)
_KIND_CLASSES = {e[1] for e in KIND_ENDINGS}
_MATERIAL_CLASSES = {e[1] for e in MATERIAL_ENDINGS}
#: every ending, longest first (an ending of one table never ends one of another)
_ALL_ENDINGS = tuple(sorted(ORGANISATION_ENDINGS + KIND_ENDINGS + MATERIAL_ENDINGS, key=lambda e: -len(e[0])))
#: classes whose names a year or an ordinal opens (2024日本樱花国际科技交流项目, 第七届世界顶尖科学家论坛)
_DATED_CLASSES = {"kg:Evaluation", "kg:Project", "kg:Programme", "kg:Forum", "kg:Meeting", "kg:SelectionList"}
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
    ("考核", "kg:Evaluation"),
    ("评价", "kg:Evaluation"),
    ("发布会", "kg:Meeting"),
    ("大会", "kg:Meeting"),
    ("会议", "kg:Meeting"),
    ("论坛", "kg:Forum"),
    ("策略", "kg:Method"),
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
    kind: str  # known, organisation, place, tagged-place (by jieba's tag only), person, name, concept, part
    #: other names the text gives it (the quoted core of “科技新苗”培养计划, the first name of A暨B)
    aliases: tuple[str, ...] = ()
    #: the full name of what a short name names (江丰电子 -> 宁波江丰电子材料股份有限公司), see short_names
    full: str = ""


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
    """The entities named in ``sentence``, in reading order; only parts of a name overlap it.

    A part (kind ``part``) is an entity named inside a longer name: the school of
    镇海中学“科技新苗”项目, the award of ……的青少年科创赛金奖项目.

    >>> [(m.label, m.type) for m in find_mentions("2024年，宁波工程学院与杭州市人民政府签订协议。")]  # synthetic
    [('宁波工程学院', 'schema:CollegeOrUniversity'), ('杭州市人民政府', 'schema:GovernmentOrganization')]
    """
    taken: list[Mention] = []
    parts: list[Mention] = []

    def claim(
        label: str, start: int, type_: str, kind: str, aliases: tuple[str, ...] = (), end: int | None = None
    ) -> bool:
        end = start + len(label) if end is None else end
        if len(label) < 2 or any(start < m.end and end > m.start for m in taken):
            return False
        taken.append(Mention(label, start, end, type_, kind, tuple(a for a in aliases if a != label)))
        return True

    if known is not None and known.by_label:
        for label, start in _longest_matches(sentence, known.by_label):
            claim(label, start, known.types.get(known.by_label[label], ""), "known")
    tokens = _tokens(sentence)
    for label, start, end, type_, aliases in _joint_names(sentence):
        if claim(label, start, type_, "name", aliases, end):
            parts += _parts_inside(tokens, start, end)
    for name in _quoted_names(sentence, tokens):
        if claim(name.label, name.start, name.type, "name", name.aliases, name.end):
            parts += name.parts
    for label, start, end, type_ in _awards_won(sentence):
        if claim(label, start, type_, "name", end=end):
            parts += _parts_inside(tokens, start, end)
    for match in _TALKS.finditer(sentence):
        # the leader is the person jieba tags just before the title
        person = next((t for t in tokens if t[2] + len(t[0]) == match.start(1)), None)
        if person is not None and person[1] in ("nr", "nrfg", "nrt"):
            start = person[2]
            if claim(sentence[start : match.end()], start, "schema:CreativeWork", "name"):
                parts.append(Mention(person[0], start, match.start(1), "schema:Person", "part"))
    for label, start, type_ in _organisations(tokens):
        claim(label, start, type_, "place" if type_ in PLACE_CLASSES else "organisation")
    for word, _, start in tokens:
        if word in STANDARD_BODIES:
            claim(word, start, STANDARD_BODIES[word], "organisation")
    for label, start in _people(sentence, tokens):
        claim(label, start, "schema:Person", "person")
    for label, start, type_ in _enumerations(tokens) + _quoted_terms(sentence, tokens):
        claim(label, start, type_, "concept")
    for label, start in _compounds(tokens):
        claim(label, start, "skos:Concept", "compound")
    for word, flag, start in tokens:
        if flag == "ns" and len(word) >= 2 and word not in _NOT_PLACES:
            claim(word, start, "schema:Place", "tagged-place")
        elif flag == "nt" and len(word) >= 3:
            claim(word, start, "schema:Organization", "organisation")
    parts += _implied_names(sentence, taken)
    for mention in taken:
        if mention.kind == "organisation" and "—" in mention.label:  # 中国—莫桑比克……: the countries joined
            parts += [
                Mention(word, start, start + len(word), "schema:Place", "part")
                for word, flag, start in tokens
                if flag == "ns" and mention.start <= start and start + len(word) <= mention.end
            ]
    labels = {m.label for m in taken}
    found = taken + [m for m in parts if m.label not in labels and not labels.add(m.label)]
    return sorted(found, key=lambda m: (m.start, -m.end))


#: place endings a place's short name leaves out (慈溪 for 慈溪市)
_PLACE_SUFFIXES = ("市", "区", "县", "省")
_BRACKETED = re.compile(r"（([\u4e00-\u9fffA-Za-z0-9]{2,10})）")


def short_names(mentions: list[Mention], text: str) -> dict[str, str]:
    """The short names the article gives the entities of ``mentions``: short name -> full name.

    A place without its ending (慈溪 for 慈溪市); a unit without its parent's name before it
    (宁波材料所 for 中国科学院宁波材料所, 市天使投资引导基金 for 宁波市天使投资引导基金); a
    name without 国家 (宁波高新区 for 宁波国家高新区); an abbreviation in brackets after the name
    (……研究所（材料所）); and a firm by the first words of its name after the place
    (江丰电子 for 宁波江丰电子材料股份有限公司), when the article writes them on their own.

    >>> full = [Mention("杭州海康电子股份有限公司", 0, 12, "schema:Corporation", "organisation")]
    >>> short_names(full, "杭州海康电子股份有限公司成立。海康电子入选名单。")  # synthetic
    {'海康电子': '杭州海康电子股份有限公司'}
    """
    labels = {m.label: m for m in mentions if m.kind in ("organisation", "place", "name")}
    found: dict[str, str] = {}
    for label, mention in labels.items():
        if mention.type in PLACE_CLASSES and label.endswith(_PLACE_SUFFIXES) and len(label) >= 3:
            found.setdefault(label[:-1], label)
        if "国家" in label and label.replace("国家", "", 1) in text:
            found.setdefault(label.replace("国家", "", 1), label)
        for other in labels:
            if len(other) >= 4 and other != label and label.endswith(other) and _ending_of(other):
                found.setdefault(other, label)
        for match in _BRACKETED.finditer(text):
            if text[: match.start()].endswith(label):
                found.setdefault(match.group(1), label)
        found.update({short: label for short in _firm_short_names(mention, text) if short not in found})
    return {
        short: full
        for short, full in found.items()
        if short != full and (short not in labels or _group(labels[short].type) == _group(labels[full].type))
    }


def with_full_names(
    sentence: str, mentions: list[Mention], short: dict[str, str], full: dict[str, Mention]
) -> list[Mention]:
    """``mentions`` with the full name of each short name (``full``: full name -> its mention).

    A word that starts a short name is read as it (江丰 -> 江丰电子), and a short name no rule
    found in the sentence is found by its text (慈溪, which jieba tags as a person's name).
    """
    found = []
    for mention in mentions:
        if mention.label in short:
            mention = replace(mention, full=short[mention.label])
        elif mention.kind in ("tagged-place", "concept", "compound"):
            longer = next(
                (s for s in short if s.startswith(mention.label) and sentence.startswith(s, mention.start)),
                None,
            )
            if longer and not any(
                m.start < mention.start + len(longer) and m.end > mention.end for m in mentions
            ):
                mention = replace(mention, label=longer, end=mention.start + len(longer), full=short[longer])
        found.append(mention)
    for name in sorted(short, key=lambda text: (-len(text), text)):
        if short[name] not in full:
            continue
        at = sentence.find(name)
        while at >= 0:
            end = at + len(name)
            if not any(at < m.end and end > m.start for m in found):
                target = full[short[name]]
                found.append(Mention(name, at, end, target.type, target.kind, full=target.label))
            at = sentence.find(name, end)
    return sorted(found, key=lambda m: (m.start, -m.end))


def _firm_short_names(mention: Mention, text: str) -> list[str]:
    """江丰电子 for 宁波江丰电子材料股份有限公司: the first words of a firm's name after its place, on their own."""
    ending = _ending_of(mention.label)
    if mention.type != "schema:Corporation" or ending is None or len(mention.label) < 8:
        return []
    word, flag, _ = _tokens(mention.label)[0]
    place = word if flag == "ns" else ""  # the first word: jieba tags some firms' names as places too
    core = mention.label[len(place) : -len(ending[0])]
    if not place or len(core) < 4:
        return []
    for size in range(len(core), 3, -1):
        short = core[:size]
        rest = mention.label[len(place) + size :]
        at = text.find(short)
        while at >= 0:
            if not text.startswith(rest, at + size) and not text[:at].endswith(place):
                return [short]
            at = text.find(short, at + 1)
    return []


def describe(mention: Mention) -> tuple[str, str, str]:
    """The English label the draft proposes for a new entity, its confidence, and the curator's note.

    >>> describe(Mention("镇海区", 0, 3, "kg:District", "place"))
    ('Zhenhai District', 'medium', 'new place; English label in pinyin')
    """
    if mention.kind == "person" or mention.type == "schema:Person":
        return person_name(mention.label), "medium", "new person; English name in pinyin"
    if mention.kind in ("concept", "compound"):
        note = "new concept (a quoted term or an item of a list): keep it if it is a thing; translate the pinyin placeholder"
        return romanise(mention.label), "low", note
    ending = _ending(mention.label)
    if mention.kind in ("place", "tagged-place") or mention.type in PLACE_CLASSES:
        if ending and mention.label != ending[0]:
            head = mention.label[: -len(ending[0])]
            return f"{romanise(head)} {ending[2]}", "medium", "new place; English label in pinyin"
        return romanise(mention.label), "medium", "new place; English label in pinyin"
    if ending and mention.label != ending[0]:
        head = mention.label[: -len(ending[0])]
        english = f"{romanise(head)} {ending[2]}"
        what = "new name" if mention.kind == "name" else _WHAT[_group(mention.type)]
        if all(flag in ("ns", "nr", "nrfg") for _, flag, _ in _tokens(head)):
            return (
                english,
                "medium",
                f"{what}; English label is the place name in pinyin and the name's ending",
            )
        return english, "low", f"{what}; English label is a pinyin placeholder: translate it"
    return romanise(mention.label), "low", "new entity; English label is a pinyin placeholder: translate it"


#: what the note calls a new entity of each group of endings
_WHAT = {
    "organisation": "new organisation",
    "kind": "new kind (category, indicator or evaluation)",
    "material": "new material",
}


def _ending(label: str) -> tuple[str, str, str] | None:
    return next((e for e in _ALL_ENDINGS if label.endswith(e[0])), None)


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


Token = tuple[str, str, int]

#: tags of words that say nothing of a name: function words, numbers, punctuation
_STOP_TAGS = {"p", "c", "uj", "ul", "uz", "ug", "u", "r", "m", "q", "f", "x", "d", "ad", "t", "y", "e", "o"}
#: single characters jieba glues to a name's first word (将市天使投资引导基金: 将 is "to")
_FUNCTION_CHARS = set("将把被在对由向从给为以与和及地")
#: words that open a name and end the walk back over it (国家石墨烯制造业创新中心, 全社会R&D经费投入占GDP比重)
_OPENERS = {"国家", "全"}
#: words before a name that only place it (全国科研机构): dropped from kinds' names
_PLACING = {"全国", "全市", "我市", "本市", "全省", "各", "相关", "全区"}
_ORDINAL = re.compile(r"第[一二三四五六七八九十百\d]+[届次期批]")


def _is_han(word: str) -> bool:
    return bool(word) and all("\u4e00" <= char <= "\u9fff" for char in word)


def _token_ending(tokens: list[Token], index: int) -> tuple[tuple[str, str, str], int] | None:
    """The ending a name has at ``tokens[index]`` and the index of the token it starts in.

    An ending can span words jieba cuts apart (联合/实验室, 技术创新/中心); the longest wins.
    """
    best: tuple[tuple[str, str, str], int] | None = None
    text = ""
    for first in range(index, max(-1, index - 3), -1):
        text = tokens[first][0] + text
        match = next((e for e in _ALL_ENDINGS if e[0] == text), None)
        if match and (best is None or len(match[0]) > len(best[0][0])):
            best = (match, first)
    if best is None:
        match = next((e for e in _ALL_ENDINGS if tokens[index][0].endswith(e[0])), None)
        if match:
            best = (match, index)
    return best


def _group(type_: str) -> str:
    if type_ in _KIND_CLASSES:
        return "kind"
    if type_ in _MATERIAL_CLASSES:
        return "material"
    return "organisation"


def _walk_back(tokens: list[Token], first: int, ending: tuple[str, str, str]) -> int:
    """The index of the first word of the name whose ending starts at ``tokens[first]``."""
    ending_first = first
    type_ = ending[1]
    group = _group(type_)
    parent = ending[0] in _SUB_UNITS  # a unit's name keeps its parent's (中国科学院宁波材料所)
    while first > 0:
        word, flag, _ = tokens[first - 1]
        before = tokens[first - 2] if first >= 2 else None
        after = tokens[first]
        so_far = sum(len(t[0]) for t in tokens[first - 1 : ending_first + 1])
        if so_far > _MAX_NAME:
            break
        if word in _OPENERS:
            first -= 1
            if word == "国家" and before is not None and before[1] == "ns" and group == "organisation":
                first -= 1  # 宁波国家高新区: the place the state's body is in
            break
        if group == "organisation" and word in _UNIT_PREFIXES:
            first -= 1  # 市科技局, 宁波高新区管委会: a unit's name keeps its parent's
            break
        if word == "”":  # a quoted part inside a name (中国—莫桑比克智慧农业“一带一路”联合实验室)
            opening = next((i for i in range(first - 2, -1, -1) if tokens[i][0] == "“"), None)
            if opening is None or first - 1 - opening > 8:
                break
            first = opening
            continue
        if word == "—" and before and before[1] == "ns" and after[1] == "ns":
            first -= 1  # 中国—莫桑比克: two countries joined
            continue
        if (
            word in ("与", "和")
            and group != "material"
            and before
            and before[1] in ("n", "an", "vn")
            and not _ending_of(before[0])
        ):
            first -= 1  # 安全与可靠性技术创新中心, 高校和科研院所: nouns joined inside a name
            continue
        if word == "占" and type_ == "kg:Indicator":
            first -= 1  # A占B比重: a share is written with 占
            continue
        if flag == "v" and len(word) == 2:
            inside = (
                before is not None
                and (group != "organisation" or before[1] == "vn")  # 投资引导基金
                and before[1] in ("n", "vn", "nz", "eng")
                and after[1] in _NAME_TAGS | {"v"}
                and (first == ending_first or after[0] == "占")  # 认证机构, 投入占: just before the ending
            )
            opens = group == "material" and (before is None or before[1] == "x") and after[1] in _NAME_TAGS
            if inside:
                first -= 1  # 科技创新体系, 检测认证机构: a verb between nouns is part of a name
                continue
            if opens:
                first -= 1  # 仿生蒙皮材料: a material's name can open with a verb
            break
        if flag == "a" and len(word) == 1:
            if before is None or before[1] not in _NAME_TAGS:
                first -= 1  # 大尺寸单晶金刚石, 高能级: a one-character adjective opens a name
            break
        if flag == "x" and word == "&" and before and before[1] == "eng":
            first -= 1  # R&D
            continue
        if flag == "x" and _is_han(word) and len(word) == 1:
            first -= 1  # a character jieba does not know (石墨烯 cut as 石墨/烯)
            continue
        if flag not in _NAME_TAGS:
            break
        if len(word) == 1 and (
            flag not in ("ns", "j", "n", "eng") or (before is not None and before[1] in ("m", "q"))
        ):
            break  # 2名镇海中学: a measure word is not a name's start
        ending_before = _ending_of(word)
        if group != "organisation":
            if flag in ("ns", "nt") and word not in _NOT_PLACES:
                break  # 鄞州区创新型城市建设评价指数: the place is not part of the indicator
            if (
                ending_before
                and ending_before[1] not in _KIND_CLASSES | PLACE_CLASSES
                and type_ != "kg:Evaluation"
            ):
                break
        else:
            if flag == "nt" and not parent and ending_before:
                break
            if ending_before and ending_before[1] not in PLACE_CLASSES and len(word) > 2 and not parent:
                break
        first -= 1
    return first


def _ending_of(word: str) -> tuple[str, str, str] | None:
    return next((e for e in _ALL_ENDINGS if word.endswith(e[0])), None)


def _organisations(tokens: list[Token]) -> list[tuple[str, int, str]]:
    """Names whose last words end in a name ending, started by walking back over name words.

    Organisations and places (实验室, 大学, 委员会, 市 ...), kinds a text counts or ranks (企业, 机构,
    指数, 比重, 评价 ...) and materials (材料, 陶瓷, 金刚石 ...). Longer names come first, so that
    杭州市人民政府 is claimed before 杭州市.
    """
    found = []
    for index, (word, flag, start) in enumerate(tokens):
        at = _token_ending(tokens, index)
        if at is None or flag in ("x", "m", "d", "r") or word in _NOT_PLACES:
            continue
        ending, first = at
        if flag == "v" and first == index:
            continue
        if ending[0] in _BARE_ENDINGS and len(word) == 2:
            continue  # 全部, 内部: a word that only ends like a name
        if ending[1] in PLACE_CLASSES:
            if flag in ("ns", "nt") and len(word) >= 2:
                found.append((word, start, ending[1]))  # 宁波市, 镇海区: jieba knows the place
            continue
        group = _group(ending[1])
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        if (
            group != "organisation"
            and ending[1] not in ("kg:Indicator", "kg:Evaluation")
            and following
            and following[1] in ("n", "nz")
        ):
            continue  # 平台体系, 材料全国重点实验室: the kind qualifies the noun after it
        first = _walk_back(tokens, first, ending)
        if ending[1] in _DATED_CLASSES and first > 0:
            previous = tokens[first - 1][0]
            if _ORDINAL.fullmatch(previous):
                first -= 1  # 第七届世界顶尖科学家论坛
            elif previous == "年" and first > 1 and _is_year(tokens[first - 2][0]):
                first -= 2  # 2024年国家高新区综合评价
            elif _is_year(previous):
                first -= 1  # 2024日本樱花国际科技交流项目
        if group == "kind":
            while first < index and tokens[first][1] in ("v", "vn") and tokens[first + 1][1] != "v":
                first += 1  # 培育国家级……企业: the verb is the sentence's, unless one follows (检测认证机构)
            while first < index and tokens[first][0] in _PLACING | _GENERIC - {"国家"} - {"重点"}:
                first += 1
        else:
            while first < index and tokens[first][0] in _GENERIC - {"国家"}:
                first += 1
            while (
                group == "organisation"
                and first < index - 1
                and tokens[first][1] in ("v", "vn")
                and tokens[first + 1][1] != "v"
            ):
                first += 1  # 建设海上风电项目: the verb is the sentence's
        label = "".join(t[0] for t in tokens[first : index + 1])
        offset = tokens[first][2]
        if len(tokens[first][0]) == 2 and label[0] in _FUNCTION_CHARS and tokens[first][1] != "ns":
            label, offset = label[1:], offset + 1  # 将市……基金: jieba glued 将 to 市
            if label[0] in _FUNCTION_CHARS:
                continue  # 地向金属: a name does not start with two function words
        head = label[: -len(ending[0])]
        head_words = [t[0] for t in tokens[first:index] if t[0] not in "“”"]
        if not head or head in _GENERIC or (head_words and all(w in _GENERIC for w in head_words)):
            continue  # a bare ending (中心, 全国重点实验室) names nothing
        if group == "kind" and tokens[first:index] and all(t[1] in ("ns", "nt") for t in tokens[first:index]):
            continue  # 宁波企业: the firms of a place are not a kind of firm
        if group != "organisation" and len(label) > 16:
            continue
        found.append((label, offset, ending[1]))
    return sorted(found, key=lambda f: (-len(f[0]), f[1]))


def _is_year(word: str) -> bool:
    return len(word) == 4 and word.isdigit() and word[:2] in ("19", "20")


# ---------------------------------------------------------------------- names in quotes


@dataclass
class _Name:
    label: str
    start: int
    end: int
    type: str
    aliases: tuple[str, ...] = ()
    parts: list[Mention] = field(default_factory=list)


_QUOTED = re.compile(r"“([^”“]{1,60})”|《([^》]{1,40})》")
_KEYWORD_TYPES = dict(NAME_KEYWORDS)
_KEYWORDS = tuple(sorted(_KEYWORD_TYPES, key=len, reverse=True))
#: how long the words after a quote that name what it is may be (“科技新苗”培养计划)
_MAX_TAIL = 16
#: how long the words before a quote that belong to its name may be (镇海中学“科技新苗”项目)
_MAX_PREFIX = 8


def _quoted_names(sentence: str, tokens: list[Token]) -> list[_Name]:
    """Names in quotes that a keyword makes a name of (“科技新苗”培养计划, 获“科技创新鼎”), and titles in 《》.

    The words after the quote up to the last keyword belong to the name, and so do the words
    before it that name a place, an organisation or the state (镇海中学“科技新苗”项目,
    国家“一带一路”联合实验室建设名单). A name made of a quote and a keyword is also called by
    its quote (“科技新苗”培养计划 is 科技新苗).
    """
    found: list[_Name] = []
    starts = {t[2]: i for i, t in enumerate(tokens)}
    for match in _QUOTED.finditer(sentence):
        if match.group(2):
            inner = match.group(2)
            keyword = next((k for k in _KEYWORDS if inner.endswith(k)), None)
            kind = (
                _KEYWORD_TYPES[keyword]
                if keyword
                else "schema:Periodical"
                if inner.isascii()
                else "schema:CreativeWork"
            )
            found.append(_Name(inner, match.start(2), match.end(2), kind))
            continue
        inner = match.group(1)
        keyword = next((k for k in _KEYWORDS if inner.endswith(k)), None)
        if keyword and len(inner) > 2 and "、" not in inner:
            found.append(_Name(inner, match.start(1), match.end(1), _KEYWORD_TYPES[keyword]))
            continue
        tail = _tail(tokens, starts.get(match.end()))
        if not tail:
            if sentence[max(0, match.start() - 2) : match.start()].endswith(("获", "获得", "荣获")):
                found.append(_Name(inner, match.start(1), match.end(1), "kg:Award"))
            continue
        ends = tail  # (end offset, keyword) of each keyword the words after the quote end with
        end, keyword = ends[-1]
        prefix_start = _prefix(tokens, starts.get(match.start()))
        start = prefix_start if prefix_start is not None else match.start()
        label = sentence[start:end]
        aliases = (inner,) if prefix_start is None and not inner.isdigit() and len(inner) >= 2 else ()
        name = _Name(label, start, end, _KEYWORD_TYPES[keyword], aliases)
        for inner_end, inner_keyword in ends[:-1]:
            words = sentence[match.end() : inner_end]
            part_start = match.end() + words.rfind("的") + 1 if "的" in words else start
            part = sentence[part_start:inner_end]
            if len(part) >= 3:
                name.parts.append(Mention(part, part_start, inner_end, _KEYWORD_TYPES[inner_keyword], "part"))
        if prefix_start is not None:
            name.parts += _parts_inside(tokens, prefix_start, match.start())
        found.append(name)
    return found


def _tail(tokens: list[Token], index: int | None) -> list[tuple[int, str]]:
    """The keywords the words from ``tokens[index]`` end with: (end offset, keyword), in order."""
    if index is None:
        return []
    ends: list[tuple[int, str]] = []
    text = ""
    for position in range(index, len(tokens)):
        word, flag, start = tokens[position]
        following = tokens[position + 1] if position + 1 < len(tokens) else ("", "x", 0)
        if len(text) + len(word) > _MAX_TAIL:
            break
        if word == "的" and following[1] in _NAME_TAGS and text == "":
            pass  # “新苗”的青少年科创赛金奖项目
        elif flag == "v" and len(word) == 2 and following[1] in _NAME_TAGS and not ends:
            pass  # “一带一路”联合实验室, 科技创新体系: a verb before a noun, until the name is complete
        elif flag not in _NAME_TAGS:
            break
        text += word
        keyword = next((k for k in _KEYWORDS if text.endswith(k)), None)
        if keyword:
            ends.append((start + len(word), keyword))
    return ends


def _prefix(tokens: list[Token], index: int | None) -> int | None:
    """The start of the words before a quote that name a place, an organisation or the state, if any."""
    if index is None:
        return None
    first, length = index, 0
    best = None
    while first > 0:
        word, flag, start = tokens[first - 1]
        if flag not in ("n", "ns", "nt", "j", "nz") or len(word) < 2:
            break
        if length + len(word) > _MAX_PREFIX:
            return None  # the name before the quote is longer: it is not part of the quoted name
        length += len(word)
        first -= 1
        words = "".join(t[0] for t in tokens[first:index])
        ending = _ending_of(words)
        if word in _OPENERS or (
            ending and ending[1] not in _KIND_CLASSES | _MATERIAL_CLASSES and len(words) > len(ending[0])
        ):
            best = start
        if all(t[1] == "ns" for t in tokens[first:index]):
            best = start
    return best


#: classes of names that end like an organisation's but name no body
_NOT_BODIES = {"kg:Meeting", "kg:Forum", "kg:Project", "kg:Programme", "kg:Fund"}


def _parts_inside(tokens: list[Token], start: int, end: int) -> list[Mention]:
    """Organisations and places named inside the span ``start``-``end`` of a longer name."""
    inside = [t for t in tokens if t[2] >= start and t[2] + len(t[0]) <= end]
    parts = []
    for label, offset, type_ in _organisations(inside):
        if (
            "“" not in label
            and "”" not in label
            and _group(type_) == "organisation"
            and type_ not in _NOT_BODIES
        ):
            kind = "part"
            parts.append(Mention(label, offset, offset + len(label), type_, kind))
    for word, _, offset in inside:
        if word in STANDARD_BODIES:
            parts.append(Mention(word, offset, offset + len(word), STANDARD_BODIES[word], "part"))
    return parts


#: names of meetings, their last word
_MEETING_ENDINGS = "大会|会议|活动|论坛|发布会|仪式|典礼|峰会|博览会"
#: verbs before a meeting's name that say it is held
_HOLDING = re.compile(r"^(?:举办|召开|举行|出席|参加|开展)")
_JOINT = re.compile(r"([^，。；：！？、]{2,40}?)暨([^，。；：！？、]{2,30}?(?:" + _MEETING_ENDINGS + "))")


def _joint_names(sentence: str) -> list[tuple[str, int, int, str, tuple[str, ...]]]:
    """Meetings held as one (A暨B): one name, also called by A when A names a meeting itself.

    >>> [n[0] for n in _joint_names("举办“新品”发布会暨院所走进宁波活动，推进合作。")]  # synthetic
    ['“新品”发布会暨院所走进宁波活动']
    """
    found = []
    for match in _JOINT.finditer(sentence):
        start = match.start(1)
        holding = _HOLDING.match(match.group(1))
        if holding:
            start += holding.end()
        first = sentence[start : match.end(1)]
        aliases = (first,) if re.search(f"(?:{_MEETING_ENDINGS})$", first) else ()
        found.append((sentence[start : match.end()], start, match.end(), "kg:Meeting", aliases))
    return found


_WON = re.compile(r"(?:荣获|获得|获)([^，。；：、“”《》]{2,12}?(?:奖|激励|称号|荣誉))(?=[，。；、]|$)")


def _awards_won(sentence: str) -> list[tuple[str, int, int, str]]:
    """What a sentence says was won (获得省政府督查激励): a name ending in 奖, 激励, 称号 or 荣誉."""
    return [(m.group(1), m.start(1), m.end(1), "kg:Award") for m in _WON.finditer(sentence)]


_MEETING_NUMBER = re.compile(r"^(?:召开|举行)(第[一二三四五六七八九十\d]+次(?:全体)?会议)")


def _implied_names(sentence: str, taken: list[Mention]) -> list[Mention]:
    """Names a sentence gives without writing them out whole.

    A body's numbered meeting (市委人才科技委员会召开第一次会议 -> 市委人才科技委员会第一次会议) and
    each body of 中央和省委科技委员会 (中央科技委员会, 省委科技委员会).
    """
    found = []
    for mention in taken:
        if mention.kind not in ("organisation", "known"):
            continue
        meeting = _MEETING_NUMBER.match(sentence[mention.end :])
        if meeting:
            start = mention.end + meeting.start(1)
            label = mention.label + meeting.group(1)
            found.append(Mention(label, start, mention.end + meeting.end(1), "kg:Meeting", "part"))
        unit = next(
            (u for u in sorted(_UNIT_PREFIXES, key=len, reverse=True) if mention.label.startswith(u)), None
        )
        if unit is None:
            continue
        joined = re.search(
            r"(" + "|".join(sorted(_UNIT_PREFIXES, key=len, reverse=True)) + r")[和及、]$",
            sentence[: mention.start],
        )
        if joined and len(mention.label) > len(unit) + 2:
            label = joined.group(1) + mention.label[len(unit) :]
            found.append(Mention(label, joined.start(1), joined.end(1), mention.type, "part"))
    return found


# ---------------------------------------------------------------------- lists

_SEPARATORS = {"、"}
_LAST_SEPARATORS = {"和", "及", "以及"}
#: nouns after a list that say what its items are (科技强国、创新浙江战略)
_LIST_HEADS = {
    "战略": "kg:Strategy",
    "战略部署": "kg:Strategy",
    "理念": "skos:Concept",
    "方针": "skos:Concept",
}
#: tags a list's first item does not reach back over
_ITEM_STOP = _STOP_TAGS - {"q", "x"}
_MAX_ITEM = 12
_MAX_LIST = 30


def _enumerations(tokens: list[Token]) -> list[tuple[str, int, str]]:
    """The items of lists written with 、 (财政、国资、金融、民间资本), each proposed as a concept.

    A list has three items or more, or two that end with the same word (耐心资本、长期资本) or
    that 等 or a head noun (战略) follows. Items that are actions (征集, 投票) are left out. Items
    that start with a verb keep it when every item does (打造……、做强……、营造……: goals). A list
    of short items that shares its last item's words (全领域、全链条、全社会系统创新) is one term.
    """
    found = []
    for clause in _clauses(tokens):
        separators = [i for i, t in enumerate(clause) if t[0] in _SEPARATORS]
        if not separators:
            continue
        last = separators[-1]
        joined = next(
            (
                i
                for i in range(last + 1, len(clause))
                if clause[i][0] in _LAST_SEPARATORS and clause[i][1] == "c"
            ),
            None,
        )
        if joined is not None:
            separators.append(joined)
        items = [clause[a + 1 : b] for a, b in zip(separators, separators[1:], strict=False)]
        rest = clause[separators[-1] + 1 :]
        end = 0
        head_type = "skos:Concept"
        listed = False
        while end < len(rest):
            word, flag, _ = rest[end]
            if word in _LIST_HEADS:
                head_type, listed = _LIST_HEADS[word], True
                break
            if word == "等" or flag in ("m", "f") or (word == "“" and end > 0):
                listed = listed or word == "等"
                break
            end += 1
        items.append(rest[:end])
        if any(not item for item in items):
            continue
        longest = max(sum(len(t[0]) for t in item) for item in items)
        middle = ["".join(t[0] for t in item) for item in items[:-1]]
        # 全领域、全链条、全要素、全社会系统创新; 股、债、贷、保、担: short items of one pattern
        merged = bool(middle) and all(len(m) <= 3 for m in middle) and sum(len(t[0]) for t in items[-1]) > 3
        limit = 3 if merged else longest + 1
        first: list[Token] = []
        position = separators[0] - 1
        while position >= 0 and sum(len(t[0]) for t in first) + len(clause[position][0]) <= limit:
            word, flag, _ = clause[position]
            if flag in _ITEM_STOP or (flag == "x" and word != "“"):
                break
            first.insert(0, clause[position])
            position -= 1
        if not first:
            continue
        verbs = all(item[0][1] in ("v", "vn") for item in items)
        if not verbs:
            while first and first[0][1] in ("v", "vn", "d", "ad"):
                first = first[1:]
        if not first:
            continue
        if merged:  # the first item too is short, and the short items follow one pattern
            middle.insert(0, "".join(t[0] for t in first).lstrip("“"))
            merged = len(middle) >= 2 and (
                len({m[:1] for m in middle}) == 1 or all(len(m) == 1 for m in middle)
            )
        items.insert(0, first)
        if len(items) == 2 and not listed and items[0][-1][0] != items[1][-1][0]:
            continue  # two words joined by 、 are too often a phrase
        if merged:
            label = "".join(t[0] for t in clause[clause.index(first[0]) : clause.index(items[-1][-1]) + 1])
            if len(label) <= _MAX_LIST and label.count("“") == label.count("”"):
                found.append((label, first[0][2], head_type))
            continue
        for item in items:
            while item and item[0][0] in "/“”":
                item = item[1:]
            while item and item[-1][0] in "“”":
                item = item[:-1]
            label = "".join(t[0] for t in item)
            if not item or not 2 <= len(label) <= _MAX_ITEM:
                continue
            if (
                item[0][1] in ("ad", "p", "c")
                or (item[0][1] == "d" and item[-1][1] != "n")
                or (item[-1][1] in ("v", "vn") and len(item[-1][0]) > 1 and len(item) > 1)
                or (item[-1][1] == "v" and len(item) < 3)
                or (any(t[1] in ("ns", "nr", "nrt", "nt") for t in item) and head_type == "skos:Concept")
            ):
                continue  # 公开投票, 事件征集, 慈溪获: an action or a place, not a thing
            if label in _GENERIC:
                continue
            type_ = "kg:Goal" if verbs and head_type == "skos:Concept" else head_type
            found.append((label, item[0][2], type_))
    return found


def _clauses(tokens: list[Token]) -> list[list[Token]]:
    """``tokens`` cut at punctuation other than 、 and quotes."""
    clauses: list[list[Token]] = [[]]
    for token in tokens:
        if token[1] == "x" and token[0] not in "、“”/&" and not _is_han(token[0]):
            clauses.append([])
        else:
            clauses[-1].append(token)
    return [c for c in clauses if c]


_QUOTED_TERM = re.compile(r"“([^”“、]{2,20})”")


def _quoted_terms(sentence: str, tokens: list[Token]) -> list[tuple[str, int, str]]:
    """Terms in quotes (“硬科技”, “国之大者”), proposed as concepts; a quoted verb (“传递”) is not one."""
    verbs = {word for word, flag, _ in tokens if flag in ("v", "vd")}
    idioms = {word for word, flag, _ in tokens if flag in ("i", "l")}
    return [
        (m.group(1), m.start(1), "skos:Concept")
        for m in _QUOTED_TERM.finditer(sentence)
        # a quoted verb (“传递”), idiom (“三位一体”) or phrase with 的 (“零的突破”) is no thing
        if m.group(1) not in verbs and m.group(1) not in idioms and "的" not in m.group(1)
    ]


#: a leader's talks or instructions on a subject (习近平总书记关于……的重要论述)
_TALKS = re.compile(r"(总书记|主席|总理|同志)关于[^，。；、“”]{2,30}?的?重要(?:论述|讲话|指示|批示)")
#: tags of the words of a compound noun
_COMPOUND_TAGS = {"n", "nz"}


def _compounds(tokens: list[Token]) -> list[tuple[str, int]]:
    """Compound nouns of two or three words (新质/生产力), proposed as concepts when the article repeats them.

    The draft keeps one only when the article names it three times or more (rows.py): a term
    the text keeps coming back to, not a phrase of one sentence.
    """
    found = []
    for index in range(len(tokens) - 1):
        for size in (3, 2):
            run = tokens[index : index + size]
            if len(run) < size or any(t[1] not in _COMPOUND_TAGS or len(t[0]) < 2 for t in run):
                continue
            label = "".join(t[0] for t in run)
            before = tokens[index - 1][1] if index else "x"
            after = tokens[index + size][1] if index + size < len(tokens) else "x"
            if before in _COMPOUND_TAGS or after in _COMPOUND_TAGS or _ending_of(label) or len(label) > 8:
                continue  # part of a longer noun phrase, or a name another rule reads
            if not any(t[0] in _GENERIC for t in run):
                found.append((label, run[0][2]))
            break
    return found


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
