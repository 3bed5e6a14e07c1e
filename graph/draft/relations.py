"""Links a sentence states with a verb the vocabulary has a property for (获批, 荣获, 入选, 签订, 共建 ...).

The subject is the entity named last before the verb and the object the first one after it;
in 甲与乙签订 the entity after 与 is the object. A pattern only fires when both ends are entities
of the sentence, so a draft never links a name it did not find.
"""

from __future__ import annotations

from dataclasses import dataclass

from graph.draft.entities import Mention

#: verb -> property, longest verbs first; the object must be of one of the classes when some are given
PATTERNS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("参与共建", "kg:coBuilds", ()),
    ("共建", "kg:coBuilds", ()),
    ("共创", "kg:coBuilds", ()),
    ("联合", "kg:collaborator", ()),
    ("签订", "kg:signedAgreementWith", ()),
    ("签署", "kg:signedAgreementWith", ()),
    ("入选", "kg:selectedInto", ()),
    ("荣获", "kg:wonAward", ("kg:Award",)),
    ("获得", "kg:wonAward", ("kg:Award",)),
    ("获", "kg:wonAward", ("kg:Award",)),
    ("牵头", "kg:participatingOrganisation", ()),
    ("支持", "kg:supports", ()),
    ("研发", "kg:developed", ()),
    ("发布", "schema:organizer", ()),
)


@dataclass(frozen=True)
class Link:
    """A link a sentence states: the subject's and object's mentions and the property (a prefixed name)."""

    subject: Mention
    predicate: str
    object: Mention
    verb: str


def find_links(sentence: str, mentions: list[Mention]) -> list[Link]:
    """The links ``sentence`` states between its ``mentions``.

    >>> from graph.draft.entities import find_mentions
    >>> text = "宁波工程学院与杭州市人民政府签订合作协议。"  # synthetic
    >>> [(l.subject.label, l.predicate, l.object.label) for l in find_links(text, find_mentions(text))]
    [('宁波工程学院', 'kg:signedAgreementWith', '杭州市人民政府')]
    """
    links: list[Link] = []
    used: set[int] = set()
    # an entity inside a longer name (the school of 镇海中学“科技新苗”项目) is not an end of the name's links
    mentions = [m for m in mentions if m.kind != "part"]
    for verb, predicate, classes in PATTERNS:
        start = sentence.find(verb)
        while start >= 0:
            if not any(start <= u < start + len(verb) for u in used):
                link = _link_at(sentence, mentions, start, verb, predicate, classes)
                if link is not None:
                    links.append(link)
                used.update(range(start, start + len(verb)))
            start = sentence.find(verb, start + len(verb))
    return sorted(links, key=lambda link: (link.subject.start, link.object.start, link.predicate))


def _link_at(
    sentence: str, mentions: list[Mention], start: int, verb: str, predicate: str, classes: tuple[str, ...]
) -> Link | None:
    if any(m.start <= start < m.end for m in mentions):
        return None  # the verb is part of a name
    before = [m for m in mentions if m.end <= start]
    after = [m for m in mentions if m.start >= start + len(verb)]
    if not before:
        return None
    subject = before[-1]
    partner = sentence[max(0, subject.start - 3) : subject.start]
    if partner.endswith(("与", "和", "同")) and len(before) > 1:
        # 甲与乙签订: 乙 is the object, 甲 the subject
        obj, subject = subject, before[-2]
    elif after:
        obj = after[0]
        if sentence[start + len(verb) : obj.start].count("，") or obj.start - (start + len(verb)) > 12:
            return None  # the object is too far from the verb to be its object
    else:
        return None
    if classes and obj.type not in classes:
        return None
    if subject.label == obj.label:
        return None
    return Link(subject, predicate, obj, verb)
