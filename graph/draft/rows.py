"""The rows of a draft: the article, each section's event, the entities, figures and links, each with its sentence.

Every row quotes the sentence it was read from, so a curator checks it against the text and
keeps, corrects or deletes it. The ``confidence`` column says how the row was found (``high``:
a known entity or a figure's words; ``medium``: a name-ending or pattern rule; ``low``: a guess,
such as a figure's property or an English label in pinyin) and ``note`` says what to check.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import RDFS, URIRef

from graph.draft.entities import (
    Entity,
    KnownEntities,
    Mention,
    describe,
    find_mentions,
    short_names,
    with_full_names,
)
from graph.draft.figures import Figure, find_dates, find_figures
from graph.draft.keys import romanise, slug
from graph.draft.relations import find_links
from graph.draft.sections import Article, Section
from graph.model.namespaces import KG
from graph.model.vocabulary import Vocabulary

#: properties for figures a sentence gives without saying what they measure (chosen by the vocabulary's labels)
_VALUE_PREDICATES = {"rank": "kg:rank", "consecutive-years": "kg:consecutiveYears"}
#: how close (in characters) the words before a figure must be to count for the choice of its property
_CONTEXT = 14
#: how often an article names a compound noun for the draft to propose it as a concept
_REPEATED = 3
#: classes of what is approved (获批): laboratories and platforms, as kg:approvalYear's definition says
_APPROVED = {"kg:StateKeyLaboratory", "kg:Laboratory", "kg:InnovationCenter", "kg:HighTechZone"}
#: the name of the list an article of numbered items presents (2024年宁波科技创新十件大事, ...年度榜单)
_LIST_NAME = re.compile(r"(?:19|20)\d\d年?[^，。、；“”\s]{2,24}?(?:[十百]?[件项大]事|榜单|名单)")


@dataclass
class FigureProperty:
    """A property of the vocabulary a figure can be written with: its name, Chinese label and unit code."""

    name: str
    label: str
    unit: str  # '' for counts and fractions
    kind: str  # amount, count or fraction


@dataclass
class Draft:
    """A drafted CSV: its rows, and what the drafter found (entities, figures, links) and left out."""

    rows: list[dict[str, str]] = field(default_factory=list)
    entities: dict[str, Entity] = field(default_factory=dict)
    figures: int = 0
    links: int = 0
    unplaced_figures: int = 0


def figure_properties(vocabulary: Vocabulary) -> list[FigureProperty]:
    """The vocabulary's figure properties: decimals with an expected unit, integer counts, and fractions."""
    units = {iri: code for code, iri in vocabulary.units.items()}
    found = []
    for prop in sorted(vocabulary.properties):
        ranges = {str(r) for r in vocabulary.graph.objects(prop, RDFS.range)}
        unit = next((units.get(u) for u in vocabulary.graph.objects(prop, KG.expectedUnit)), None)
        name = vocabulary.shorten(str(prop))
        label = vocabulary.labels(prop).get("zh", "")
        if unit:
            found.append(FigureProperty(name, label, unit, "amount"))
        elif str(_XSD_INTEGER) in ranges:
            found.append(FigureProperty(name, label, "", "count"))
        elif any(r.endswith("#rational") for r in ranges):
            found.append(FigureProperty(name, label, "", "fraction"))
    return found


_XSD_INTEGER = URIRef("http://www.w3.org/2001/XMLSchema#integer")


def draft_rows(
    article: Article,
    source: str,
    vocabulary: Vocabulary,
    known: KnownEntities | None = None,
) -> Draft:
    """Draft the rows of ``article``; ``source`` is the article's path as the CSV names it."""
    builder = _Builder(article, source, vocabulary, known or KnownEntities())
    return builder.run()


class _Builder:
    def __init__(self, article: Article, source: str, vocabulary: Vocabulary, known: KnownEntities):
        self.article = article
        self.source = source
        self.vocabulary = vocabulary
        self.known = known
        self.properties = figure_properties(vocabulary)
        self.draft = Draft()
        self.keys_by_label: dict[str, str] = {}
        self.used_keys: set[str] = set(known.types) | set(known.labels)
        self.seen: set[tuple[str, str, str, str]] = set()
        self.figure_slots: set[tuple[str, str]] = set()
        self.ids: set[str] = set()
        # every sentence's mentions, read once before the rows, so that a short name written
        # before its full name (市天使投资引导基金 ... 宁波市天使投资引导基金) still joins it
        self.mentions: dict[str, list[Mention]] = {
            sentence: find_mentions(sentence, known)
            for section in article.sections
            for sentence in section.sentences()
        }
        every = [m for found in self.mentions.values() for m in found]
        self.full_names = {m.label: m for m in every if not m.full}
        self.short = short_names(every, article.text)

    # ------------------------------------------------------------------ rows
    def row(self, section: Section, evidence: str, confidence: str, note: str = "", **cells: str) -> None:
        fact = (cells.get("subject", ""), cells["predicate"], cells["object"], cells.get("lang", ""))
        if fact in self.seen and not cells.get("id"):
            return
        self.seen.add(fact)
        self.draft.rows.append(
            {
                **cells,
                "source": self.source,
                "section": section.key,
                "evidence": evidence,
                "confidence": confidence,
                "note": note,
            }
        )

    def qualifier(self, statement: str, predicate: str, value: str) -> None:
        self.draft.rows.append({"subject": f"#{statement}", "predicate": predicate, "object": value})

    def new_key(self, label: str, wanted: str | None = None) -> str:
        base = wanted or slug(label)
        key, number = base, 2
        while key in self.used_keys:
            key, number = f"{base}-{number}", number + 1
        self.used_keys.add(key)
        return key

    # ------------------------------------------------------------------ the article
    def run(self) -> Draft:
        article_key = self.new_key("article", "article")
        intro = self.article.sections[0]
        title = self.article.title or (intro.sentences() or [""])[0]
        if title:
            self.entity_rows(
                intro,
                title,
                Entity(article_key, title, "schema:NewsArticle", romanise(title), confidence="low"),
                "the article; English label is a pinyin placeholder: translate it",
            )
        list_key = self.list_rows(intro, article_key if title else "")
        for section in self.article.sections:
            self.section_rows(section, list_key or (article_key if title else ""))
        return self.draft

    def list_rows(self, intro: Section, article_key: str) -> str:
        """The list the numbered items belong to, when the intro names it (2024年宁波科技创新十件大事)."""
        for sentence in intro.sentences():
            match = _LIST_NAME.search(sentence)
            if match:
                label = match.group()
                if label in self.known.by_label:
                    key = self.known.by_label[label]
                    self.entity_for(intro, sentence, Mention(label, match.start(), match.end(), "", "known"))
                    return key
                key = self.new_key(label)
                self.keys_by_label[label] = key
                english = romanise(label)
                note = "the list the numbered sections belong to; English label is a pinyin placeholder: translate it"
                self.entity_rows(
                    intro, sentence, Entity(key, label, "kg:SelectionList", english, confidence="low"), note
                )
                if article_key:
                    self.row(
                        intro,
                        sentence,
                        "medium",
                        "",
                        subject=key,
                        predicate="schema:isPartOf",
                        object=article_key,
                    )
                return key
        return ""

    def section_rows(self, section: Section, article_key: str) -> None:
        sentences = section.sentences()
        event_key = ""
        if section.number is not None:
            event_key = self.event_rows(section, article_key)
        involved: list[str] = []  # participants: concepts are not
        first_sentence: dict[str, str] = {}  # where each participant is first named in the section
        # the entities named so far in the section, for figures with none before them
        subjects: list[str] = []
        for sentence in sentences:
            mentions = [
                m
                for m in with_full_names(sentence, self.mentions[sentence], self.short, self.full_names)
                # a word jieba only tags as a place (大关, 扎根) is kept when the article names it again
                # or it is a short name, a compound noun when the article keeps coming back to it
                if (m.kind != "tagged-place" or m.full or self.article.text.count(m.label) > 1)
                and (m.kind != "compound" or self.article.text.count(m.label) >= _REPEATED)
            ]
            keys = [self.entity_for(section, sentence, m) for m in mentions]
            mentions = [m for m, k in zip(mentions, keys, strict=True) if k]
            keys = [k for k in keys if k]
            for mention, key in zip(mentions, keys, strict=True):
                if key not in involved and mention.kind != "concept":
                    involved.append(key)
                    first_sentence[key] = sentence
            if sentence != section.heading:  # a heading restates a figure its section gives with its sentence
                self.figure_rows(
                    section, sentence, mentions, keys, subjects[:1] or [event_key or article_key]
                )
            for link in find_links(sentence, mentions):
                subject = keys[mentions.index(link.subject)]
                obj = keys[mentions.index(link.object)]
                self.draft.links += 1
                self.row(
                    section,
                    sentence,
                    "medium",
                    f"link read from the verb {link.verb}",
                    subject=subject,
                    predicate=link.predicate,
                    object=obj,
                )
            self.approval_rows(section, sentence, mentions, keys)
            subjects += [k for k in keys if k not in subjects]
        if event_key:
            for key in involved:
                if key != event_key:
                    sentence = first_sentence[key]
                    self.row(
                        section,
                        sentence,
                        "low",
                        "named in the event's section: keep the event's participants only",
                        subject=event_key,
                        predicate="kg:involves",
                        object=key,
                    )

    def approval_rows(
        self, section: Section, sentence: str, mentions: list[Mention], keys: list[str]
    ) -> None:
        """获批: the year each laboratory or platform named before the verb, in its clause, was approved.

        The year is the last one the sentence gives before the verb (2024年，……实验室成功获批).
        """
        at = sentence.find("获批")
        years = [d for d in find_dates(sentence) if d.start < at and d.datatype == "gYear"]
        if at < 0 or not years:
            return
        clause = max(sentence.rfind(mark, 0, at) for mark in "，。；：") + 1
        for mention, key in zip(mentions, keys, strict=True):
            if clause <= mention.start and mention.end <= at and mention.type in _APPROVED:
                self.row(
                    section,
                    sentence,
                    "medium",
                    "approval year: the year the sentence gives before 获批",
                    subject=key,
                    predicate="kg:approvalYear",
                    object=years[-1].value,
                )

    def event_rows(self, section: Section, article_key: str) -> str:
        known = self.known.by_label.get(section.title)
        key = known if known and known not in self.draft.entities else self.new_key(section.key, section.key)
        heading = section.heading
        dates = [d for s in section.sentences() for d in find_dates(s)]
        english = romanise(section.title)
        note = "English title is a pinyin placeholder: translate it"
        typed = "kg:Event" if dates and article_key else "schema:Event"
        self.entity_rows(section, heading, Entity(key, section.title, typed, english, confidence="low"), note)
        for lang, text, confidence in (("zh", section.title, "high"), ("en", english, "low")):
            self.row(
                section,
                heading,
                confidence,
                "" if lang == "zh" else note,
                subject=key,
                predicate="dcterms:title",
                object=text,
                lang=lang,
            )
        self.row(
            section, heading, "high", "", subject=key, predicate="kg:eventNumber", object=str(section.number)
        )
        if dates:
            date = dates[0]
            evidence = next(s for s in section.sentences() if date.text in s)
            self.row(
                section,
                evidence,
                "medium",
                "the first date of the section",
                subject=key,
                predicate="kg:eventDate",
                object=date.value,
                datatype=date.datatype,
            )
        if article_key:
            self.row(
                section, heading, "medium", "", subject=key, predicate="schema:isPartOf", object=article_key
            )
        return key

    # ------------------------------------------------------------------ entities
    def entity_for(self, section: Section, sentence: str, mention: Mention) -> str:
        if mention.kind == "known":
            key = self.known.by_label[mention.label]
            if key not in self.draft.entities:
                if self.known.types.get(key) == "kg:Event":
                    return ""  # another article's event: its number, date and list are not this article's
                entity = self.known.entity(key)
                self.entity_rows(section, sentence, entity, entity.note)
            return key
        if mention.full and mention.full in self.full_names:
            key = self.entity_for(section, sentence, self.full_names[mention.full])
            if self.keys_by_label.setdefault(mention.label, key) == key:
                self.row(
                    section,
                    sentence,
                    "medium",
                    f"a short name of {mention.full}",
                    subject=key,
                    predicate="skos:altLabel",
                    object=mention.label,
                    lang="zh",
                )
            return key
        key = self.keys_by_label.get(mention.label)
        if key is None:
            english, confidence, note = describe(mention)
            key = self.new_key(mention.label)
            self.keys_by_label[mention.label] = key
            entity = Entity(key, mention.label, mention.type, english, confidence=confidence, note=note)
            self.entity_rows(section, sentence, entity, note)
        for alias in mention.aliases:
            if self.keys_by_label.setdefault(alias, key) == key:
                self.row(
                    section,
                    sentence,
                    "medium",
                    "another name the text gives it",
                    subject=key,
                    predicate="skos:altLabel",
                    object=alias,
                    lang="zh",
                )
        return key

    def entity_rows(self, section: Section, sentence: str, entity: Entity, note: str) -> None:
        self.draft.entities[entity.key] = entity
        sure = "high" if entity.known else "medium"
        if entity.type:
            self.row(section, sentence, sure, note, subject=entity.key, predicate="a", object=entity.type)
        if entity.label:
            self.row(
                section,
                sentence,
                sure,
                "",
                subject=entity.key,
                predicate="rdfs:label",
                object=entity.label,
                lang="zh",
            )
        if entity.english:
            self.row(
                section,
                sentence,
                "high" if entity.known else entity.confidence,
                "" if entity.known else note,
                subject=entity.key,
                predicate="rdfs:label",
                object=entity.english,
                lang="en",
            )

    # ------------------------------------------------------------------ figures
    def figure_rows(
        self, section: Section, sentence: str, mentions: list[Mention], keys: list[str], earlier: list[str]
    ) -> None:
        figures = find_figures(sentence)
        consecutive = next((f for f in figures if f.kind == "consecutive-years"), None)
        rank = next((f for f in figures if f.kind == "rank"), None)
        # 在全国178家高新区中排名第10: the count before a rank, after 在, is what the rank is out of
        out_of = next(
            (
                f
                for f in figures
                if rank is not None
                and f.kind == "count"
                and f.start < rank.start
                and "在" in sentence[max(0, f.start - 6) : f.start]
            ),
            None,
        )
        for figure in figures:
            if figure.kind == "consecutive-years" and rank is not None:
                continue  # written as a qualifier of the rank
            if figure is out_of:
                continue
            before = [k for m, k in zip(mentions, keys, strict=True) if m.end <= figure.start]
            subject = before[-1] if before else (earlier[-1] if earlier and earlier[-1] else "")
            if not subject:
                self.draft.unplaced_figures += 1
                continue
            predicate, guessed = self.figure_predicate(figure, sentence, subject)
            if not predicate:
                self.draft.unplaced_figures += 1
                continue
            if (subject, predicate, figure.value, "") in self.seen:
                continue  # the same figure said again (a summary repeats the body)
            if figure.kind != "fraction":  # a subject has many shares, but one value of each other figure
                self.figure_slots.add((subject, predicate))
            statement = self.new_id(f"{subject}-{figure.kind}")
            self.draft.figures += 1
            note = f"figure '{figure.text}'"
            if guessed:
                note += f"; property chosen by its label ({guessed}): check it and the subject"
            self.row(
                section,
                sentence,
                "low" if guessed else "medium",
                note,
                id=statement,
                subject=subject,
                predicate=predicate,
                object=figure.value,
                datatype="owl:rational" if figure.kind == "fraction" else "",
                unit=figure.unit,
                approx=figure.approx,
            )
            if figure.kind == "rank" and consecutive is not None:
                self.qualifier(statement, "kg:consecutiveYears", consecutive.value)
            if figure.kind == "rank" and out_of is not None:
                self.qualifier(statement, "kg:outOf", out_of.value)

    def new_id(self, base: str) -> str:
        key, number = base, 2
        while key in self.ids:
            key, number = f"{base}-{number}", number + 1
        self.ids.add(key)
        return key

    def figure_predicate(self, figure: Figure, sentence: str, subject: str) -> tuple[str, str]:
        """The property for ``figure``: by kind for ranks, else the free figure property whose label fits the words before it."""
        if figure.kind in _VALUE_PREDICATES:
            return _VALUE_PREDICATES[figure.kind], ""
        context = sentence[max(0, figure.start - _CONTEXT) : figure.start + len(figure.text) + 4]
        candidates = [
            p
            for p in self.properties
            if p.kind == figure.kind and p.unit == figure.unit and (subject, p.name) not in self.figure_slots
        ]
        if not candidates:
            return "", ""
        best = max(
            candidates,
            key=lambda p: (sum(char in context for char in set(p.label)), -self.properties.index(p)),
        )
        return best.name, best.label


def relative_source(article: Path, out: Path) -> str:
    """The article's path as the draft's ``source`` column writes it: relative to the draft's folder, with ``/``."""
    return Path(os.path.relpath(article.resolve(), out.resolve().parent)).as_posix()
