"""Regression tests for the article's data: events, labels, key figures, evidence, and a clean build."""

from __future__ import annotations

import csv
import re
import shutil
from collections import Counter, defaultdict

import pytest
from rdflib import RDF, RDFS, SKOS, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV

import graph
from graph.model.namespaces import KG
from tests.support.article_graph import ARTICLE, ENTITY, ROOT, TRIPLES, article_graph

SOURCE = "sources/000_ae5b4b592fd66ac1.txt"
SECTIONS = {"intro"} | {f"event-{n}" for n in range(1, 11)}
VOCABULARY_NAMESPACES = (
    str(KG),
    "https://schema.org/",
    "http://www.w3.org/",
    "http://purl.org/dc/terms/",
)


def entity(key: str) -> URIRef:
    return URIRef(ENTITY + key)


@pytest.fixture(scope="module")
def kg() -> graph.KnowledgeGraph:
    return article_graph()


@pytest.fixture(scope="module")
def triples(kg):
    return kg.to_rdflib()


@pytest.fixture(scope="module")
def csv_rows() -> list[dict[str, str]]:
    with open(TRIPLES, encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def entities_of(triples) -> set[URIRef]:
    return {s for s in triples.subjects(RDF.type, None) if str(s).startswith(ENTITY)}


def labels(triples, subject, predicate=RDFS.label) -> dict[str, list[str]]:
    found = defaultdict(list)
    for label in triples.objects(subject, predicate):
        found[label.language].append(str(label))
    return found


def statements(triples, subject: URIRef, predicate: URIRef):
    """The statement nodes of ``subject predicate ?``."""
    return [s for s in triples.subjects(RDF.subject, subject) if (s, RDF.predicate, predicate) in triples]


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


# ---------------------------------------------------------------- the build


def test_the_build_is_clean_no_error_no_warning():
    built, problems = graph.check([TRIPLES])
    assert built is not None
    assert [str(p) for p in problems] == []


def test_shapes_catch_mistakes_in_the_data(tmp_path):
    """A copy with typical mistakes fails on exactly those rows: the shapes really guard the data."""
    (tmp_path / "sources").mkdir()
    shutil.copy(ARTICLE, tmp_path / "sources" / ARTICLE.name)
    with open(TRIPLES, encoding="utf-8", newline="") as stream:
        rows = list(csv.reader(stream))
    broken = []
    for row in rows:
        if row[0] == "gxq-rd-2024":
            row[6] = ""  # 8.62 without its unit
        if row[0] == "ceramic-strength":
            row[6] = "percent"  # GPa written as percent
        if row[1] == "event-3" and row[2] == "kg:eventDate":
            row[4] = "string"  # a date that is not a date
        if row[1] == "event-4" and row[2] == "kg:eventNumber":
            continue  # an event without its number
        broken.append(row)
    broken.append(["", "nimte", "kg:academicianCount", "9", "", "", "", "", SOURCE, "event-7", "院士8名"])
    broken.append(["", "miit", "rdfs:label", "工业和信息化部", "", "zh", "", "", SOURCE, "event-5", "工信部"])
    path = tmp_path / "broken.csv"
    with open(path, "w", encoding="utf-8", newline="") as stream:
        csv.writer(stream, lineterminator="\n").writerows(broken)
    built, problems = graph.check([path])
    assert built is None
    messages = "\n".join(str(p) for p in problems)
    assert "statement/gxq-rd-2024" in messages and "needs its unit" in messages
    assert "statement/ceramic-strength" in messages and "does not fit this property" in messages
    assert "event-3> kg:eventDate" in messages
    assert "event-4> kg:eventNumber" in messages
    assert "kg:academicianCount has at most one value" in messages
    assert "one label per language" in messages
    assert all(p.row > 1 for p in problems if p.is_error)


# ---------------------------------------------------------------- the ten events

EVENTS = {
    1: ("我市高规格组建市委人才科技委", "2024-05-23", "date"),
    2: ("宁波及镇海、鄞州、慈溪“夺鼎”", "2024-11-22", "date"),
    3: ("国家级科创平台建设取得历史性突破", "2024", "gYear"),
    4: ("宁波“科技新苗”首次入选国际科技交流项目", "2024", "gYear"),
    5: ("宁波高新区综合排名首次跻身全国前十", "2024-12-23", "date"),
    6: ("部署扩容百亿天使基金，助力“硬科技”崛起", "2024", "gYear"),
    7: ("建所二十载 中国科学院宁波材料所交出高分答卷", "2024", "gYear"),
    8: ("浙江唯一 江丰电子入选“2024新质生产力年度案例”", "2024", "gYear"),
    9: ("甬江实验室参研 我国科学家首次实现陶瓷室温拉伸塑性", "2024", "gYear"),
    10: ("高校名企双向奔赴 互聘“科技副总”“产业教授”", "2024-09", "gYearMonth"),
}


@pytest.mark.parametrize("number", sorted(EVENTS))
def test_each_event_has_number_titles_date_and_participants(triples, number):
    event = entity(f"event-{number}")
    title_zh, date, datatype = EVENTS[number]
    assert (event, RDF.type, KG.Event) in triples
    assert [int(n) for n in triples.objects(event, KG.eventNumber)] == [number]
    titles = labels(triples, event, DCTERMS.title)
    assert titles["zh"] == [title_zh] and len(titles["en"]) == 1 and titles["en"][0].isascii()
    [value] = triples.objects(event, KG.eventDate)
    assert (str(value), value.datatype.split("#")[1]) == (date, datatype)
    assert (event, URIRef("https://schema.org/isPartOf"), entity("top-ten-list")) in triples
    assert len(list(triples.objects(event, KG.involves))) >= 3
    # the heading of the event, as printed in the article, is the evidence of its number
    [number_statement] = statements(triples, event, KG.eventNumber)
    quote = triples.value(triples.value(number_statement, PROV.wasDerivedFrom), KG.quote)
    assert squeeze(str(quote)) == squeeze(f"{number} {title_zh}")


def test_there_are_exactly_ten_events(triples):
    assert len(set(triples.subjects(RDF.type, KG.Event))) == 10


PARTICIPANTS = {
    1: {"talent-st-commission", "municipal-party-committee", "xi-jinping", "commission-first-meeting"},
    2: {"ningbo", "zhenhai", "yinzhou", "cixi", "st-innovation-ding", "zhejiang-st-conference-2024"},
    3: {"nimte", "nbu", "nbut", "ccs", "ningbo-government", "hitech-zone-committee", "skl-marine-materials"},
    4: {"zhenhai-high-school", "seedling-programme", "wlf-7", "zju", "nbu", "nimte"},
    5: {"ningbo-hitech-zone", "miit"},
    6: {"angel-fund", "municipal-party-committee", "ningbo-government"},
    7: {"nimte", "cas", "graphene-innovation-center", "science", "nature", "zheli-results-event"},
    8: {"jiangfeng", "cmg", "npf-cases-2024", "jiangfeng-case"},
    9: {"ustb", "yongjiang-lab", "bjut", "hku", "chen-kexin", "wang-jinshu", "huang-mingxin", "science"},
    10: {"plan-tech-vp", "plan-industry-professor", "talent-st-commission"},
}


@pytest.mark.parametrize("number", sorted(PARTICIPANTS))
def test_events_involve_their_participants(triples, number):
    involved = {str(o)[len(ENTITY) :] for o in triples.objects(entity(f"event-{number}"), KG.involves)}
    assert PARTICIPANTS[number] <= involved


# ---------------------------------------------------------------- labels and names


def test_every_entity_has_exactly_one_zh_and_one_en_label(triples):
    for subject in entities_of(triples):
        found = labels(triples, subject)
        assert sorted(found) == ["en", "zh"], subject
        assert len(found["zh"]) == 1 and len(found["en"]) == 1, subject
        assert re.search(r"[\u4e00-\u9fff]", found["zh"][0]) or found["zh"][0] in {"Science", "Nature"}, (
            subject
        )


def test_no_two_entities_share_a_label(triples):
    for language in ("zh", "en"):
        names = Counter(
            str(o)
            for s in entities_of(triples)
            for o in triples.objects(s, RDFS.label)
            if o.language == language
        )
        assert [name for name, n in names.items() if n > 1] == [], language


def test_every_name_occurs_in_the_article(triples):
    """Chinese names and aliases are the article's own (whitespace ignored), never outside names."""
    article = squeeze(ARTICLE.read_text(encoding="utf-8"))
    for subject in entities_of(triples):
        for predicate in (RDFS.label, SKOS.altLabel):
            for name in triples.objects(subject, predicate):
                if name.language == "zh" and (KG.Event, RDF.type, subject) not in triples:
                    # names completed from the article's elliptical phrases (中央和省委科技委员会 ...)
                    composed = {"市委人才科技委员会第一次会议", "中央科技委员会", "“科技副总”制度"}
                    stripped = str(name).strip("《》")
                    assert squeeze(stripped) in article or str(name) in composed, (subject, str(name))


@pytest.mark.parametrize(
    "key, label_zh, aliases_zh, label_en",
    [
        ("ningbo-hitech-zone", "宁波国家高新区", {"宁波高新区"}, "Ningbo National High-tech Zone"),
        (
            "hitech-zone-committee",
            "宁波高新区管委会",
            set(),
            "Administrative Committee of Ningbo National High-tech Zone",
        ),
        (
            "jiangfeng",
            "宁波江丰电子材料股份有限公司",
            {"江丰电子"},
            "Konfoong Materials International Co., Ltd.",
        ),
        (
            "nimte",
            "中国科学院宁波材料所",
            {"宁波材料所"},
            "Ningbo Institute of Materials Technology and Engineering, Chinese Academy of Sciences",
        ),
        ("talent-st-commission", "市委人才科技委员会", {"市委人才科技委"}, None),
        ("ningbo-government", "宁波市人民政府", {"市政府"}, "Ningbo Municipal People's Government"),
        ("ningbo", "宁波市", {"宁波", "甬"}, "Ningbo"),
        ("angel-fund", "宁波市天使投资引导基金", {"市天使投资引导基金", "百亿天使基金"}, None),
        ("st-innovation-ding", "科技创新鼎", {"浙江省“科技创新鼎”"}, None),
        ("miit", "工信部", set(), "Ministry of Industry and Information Technology"),
        ("ccs", "中国船级社", set(), "China Classification Society"),
        ("cmg", "中央广播电视总台", set(), "China Media Group"),
        ("ustb", "北京科技大学", set(), "University of Science and Technology Beijing"),
        ("bjut", "北京工业大学", set(), "Beijing University of Technology"),
        ("hku", "香港大学", set(), "The University of Hong Kong"),
        ("zju", "浙江大学", set(), "Zhejiang University"),
        ("nbu", "宁波大学", set(), "Ningbo University"),
        ("zhenhai", "镇海区", {"镇海"}, "Zhenhai District"),
        ("yinzhou", "鄞州区", {"鄞州"}, "Yinzhou District"),
        ("cixi", "慈溪市", {"慈溪"}, "Cixi"),
    ],
)
def test_names_and_aliases(triples, key, label_zh, aliases_zh, label_en):
    subject = entity(key)
    found = labels(triples, subject)
    assert found["zh"] == [label_zh]
    if label_en is not None:
        assert found["en"] == [label_en]
    assert aliases_zh <= set(labels(triples, subject, SKOS.altLabel)["zh"])


def test_english_abbreviations(triples):
    expected = {"nimte": "NIMTE", "miit": "MIIT", "ccs": "CCS", "cmg": "CMG", "cas": "CAS", "ustb": "USTB"}
    for key, alias in expected.items():
        assert alias in labels(triples, entity(key), SKOS.altLabel)["en"], key


# ---------------------------------------------------------------- figures


def figure(triples, subject: str, predicate: URIRef, value):
    """(unit notation, approximation notation, quote) of the statement ``subject predicate value``."""
    for statement in statements(triples, entity(subject), predicate):
        obj = triples.value(statement, RDF.object)
        if isinstance(obj, Literal) and str(obj) == str(value):
            unit = triples.value(triples.value(statement, KG.unit), SKOS.notation)
            approximation = triples.value(triples.value(statement, KG.approximation), SKOS.notation)
            quotes = [
                str(triples.value(e, KG.quote)) for e in triples.objects(statement, PROV.wasDerivedFrom)
            ]
            return (
                str(unit) if unit else None,
                str(approximation) if approximation else None,
                quotes,
            )
    raise AssertionError(f"no statement {subject} {predicate} {value}")


@pytest.mark.parametrize(
    "subject, predicate, value, unit, approximation, in_quote",
    [
        ("ningbo-hitech-zone", KG.rdIntensity, "8.62", "percent", None, "8.62%"),
        ("ningbo-hitech-zone", KG.rank, "10", None, None, "排名第10"),
        ("ningbo-hitech-zone", KG.topTalentCount, "300", None, "over", "超300名"),
        ("ningbo-hitech-zone", KG.singleChampionCount, "5", None, None, "单项冠军企业5家"),
        ("ningbo-hitech-zone", KG.littleGiantCount, "25", None, None, "企业25家"),
        ("ningbo-hitech-zone", KG.shareOfCity, "1/3", None, None, "1/3的重点研发机构"),
        ("ningbo-hitech-zone", KG.shareOfCity, "1/9", None, None, "1/9的高新技术企业"),
        ("ceramic-tensile-plasticity", KG.elongation, "39.9", "percent", "up-to", "可达39.9%"),
        ("ceramic-tensile-plasticity", KG.strength, "2.3", "GPa", "about", "约为2.3GPa"),
        ("ningbo", KG.highTechEnterpriseCount, "8800", None, "over", "突破8800家"),
        ("ningbo", KG.technologyTransactionValue, "100000000000", "yuan", "over", "突破千亿元"),
        ("nimte", KG.researcherCount, "1000", None, "nearly", "近千名"),
        ("nimte", KG.academicianCount, "8", None, None, "院士8名"),
        ("nimte", KG.platformCount, "30", None, None, "科研平台30个"),
        ("nimte", KG.paperCount, "10000", None, "over", "万余篇"),
        ("nimte", KG.keyProductCount, "48", None, None, "款关键产品"),
        ("nimte", KG.servedEnterpriseCount, "600", None, "over", "600多家"),
        ("nimte", KG.topShare, "1", "per-mille", None, "前1‰"),
        ("nimte", KG.anniversary, "20", "year", None, "二十周年"),
        ("seedling-programme", KG.supportingInstitutionCount, "10", None, "over", "10余所"),
        ("seedling-programme", KG.participatingSchoolCount, "20", None, "over", "20多所"),
        ("angel-fund", KG.targetSize, "10000000000", "yuan", "about", "百亿级"),
        ("angel-fund-plan", KG.targetCount, "100", None, "about", "约100家"),
        ("angel-fund-plan", KG.timeframeMin, "3", "year", None, "3年至5年"),
        ("angel-fund-plan", KG.timeframeMax, "5", "year", None, "3年至5年"),
        ("tech-vp-scheme", KG.targetCount, "300", None, "about", "300名左右"),
        ("industry-professor-scheme", KG.targetCount, "200", None, "about", "200名左右"),
        ("jiangfeng", KG.marketShareRank, "1", None, None, "全国第一"),
        ("jiangfeng", KG.marketShareRank, "2", None, None, "世界第二"),
        ("npf-cases-2024", KG.caseCount, "10", None, None, "全国10个"),
    ],
)
def test_key_figures_with_unit_approximation_and_evidence(
    triples, subject, predicate, value, unit, approximation, in_quote
):
    found_unit, found_approximation, quotes = figure(triples, subject, predicate, value)
    assert (found_unit, found_approximation) == (unit, approximation)
    assert any(in_quote in squeeze(q) for q in quotes), quotes


def qualifiers(triples, statement_id: str) -> dict[str, str]:
    statement = URIRef(graph.DEFAULT_BASE + "statement/" + statement_id)
    return {
        str(p).rsplit("#", 1)[-1].rsplit("/", 1)[-1]: (
            str(o)[len(ENTITY) :] if str(o).startswith(ENTITY) else str(o)
        )
        for p, o in triples.predicate_objects(statement)
        if p.startswith(str(KG)) or p == DCTERMS.date
    }


def test_high_tech_zone_rank_qualifiers(triples):
    assert qualifiers(triples, "gxq-rank-2024") == {
        "outOf": "178",
        "year": "2024",
        "assessor": "miit",
        "evaluation": "hitech-zone-evaluation-2024",
        "scope": "china",
        "firstTime": "true",
        "date": "2024-12-23",
    }


@pytest.mark.parametrize(
    "statement_id, expected",
    [
        ("ningbo-rank-rd-increase", {"rank": "1", "scope": "zhejiang", "year": "2024"}),
        ("ningbo-rank-hte-growth", {"rank": "1", "scope": "zhejiang", "consecutiveYears": "3"}),
        ("zhenhai-rank-315", {"rank": "1", "scope": "ningbo", "year": "2024"}),
        ("yinzhou-rank-city-index", {"rank": "1", "scope": "ningbo", "consecutiveYears": "5"}),
        ("nimte-patent-rank", {"topN": "10", "consecutiveYears": "10", "scope": "china"}),
        ("tech-vp-target", {"targetYear": "2027", "scope": "ningbo"}),
        ("jiangfeng-share-world", {"scope": "world"}),
        ("sakura-selection", {"firstTime": "true", "representing": "ningbo", "year": "2024"}),
    ],
)
def test_ranking_and_target_qualifiers(triples, statement_id, expected):
    found = qualifiers(triples, statement_id)
    assert {k: found.get(k) for k in expected} == expected


# ---------------------------------------------------------------- evidence and provenance


def test_every_row_has_source_section_and_verbatim_evidence(csv_rows):
    article = squeeze(ARTICLE.read_text(encoding="utf-8"))
    for number, row in enumerate(csv_rows, start=2):
        if row["subject"].startswith("#") and not row["evidence"]:
            continue  # a qualifier shares its statement's evidence
        assert row["source"] == SOURCE, number
        assert row["section"] in SECTIONS, number
        assert squeeze(row["evidence"]) in article, number


def test_every_section_of_the_article_has_facts(csv_rows):
    assert {row["section"] for row in csv_rows if row["section"]} == SECTIONS


def test_every_fact_has_a_quote(kg, triples):
    for statement in set(triples.subjects(RDF.subject, None)):
        quotes = [triples.value(e, KG.quote) for e in triples.objects(statement, PROV.wasDerivedFrom)]
        assert quotes and all(quotes), statement


def test_no_outside_identifiers(triples):
    """Links go to our own entities or to vocabulary terms; no Wikidata or other outside IRIs."""
    allowed = (
        graph.DEFAULT_BASE,
        *VOCABULARY_NAMESPACES,
        "http://www.w3.org/ns/org#",
        "https://creativecommons.org/",
    )
    for s, p, o in triples:
        for term in (s, p, o):
            if isinstance(term, URIRef):
                assert str(term).startswith(allowed), term


def test_csv_is_committed_in_a_stable_layout():
    header = TRIPLES.read_text(encoding="utf-8").splitlines()[0]
    assert header == "id,subject,predicate,object,datatype,lang,unit,approx,source,section,evidence"
    assert (ROOT / "data" / "sources" / "000_ae5b4b592fd66ac1.txt").exists()
