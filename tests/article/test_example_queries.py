"""Each example query in data/queries/ gives exactly the answer the article gives, and ``kg query`` runs it."""

from __future__ import annotations

import json
import re

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from graph.cli import cli
from graph.sparql.guard import inspect_query
from tests.support.article_graph import QUERIES, ROOT, run_query

NAMES = sorted(p.stem for p in QUERIES.glob("*.rq"))
PREFIX = re.compile(r"^PREFIX\s+([A-Za-z][\w-]*):\s*<[^>]+>", re.MULTILINE)
USED_PREFIX = re.compile(r"(?<![\w<\"'#/])([A-Za-z][\w-]*):[A-Za-z_]")


def rows(name: str, *columns: str) -> list[tuple]:
    return [tuple(solution[c] for c in columns) for solution in run_query(name)]


@pytest.mark.parametrize("name", NAMES)
def test_query_opens_with_its_question_in_chinese_and_english_and_declares_its_prefixes(name):
    text = (QUERIES / f"{name}.rq").read_text(encoding="utf-8")
    comments = [line for line in text.splitlines() if line.startswith("#")]
    assert text.startswith("#")
    assert re.search(r"[\u4e00-\u9fff]", comments[0]), "first line asks the question in Chinese"
    assert re.search(r"[A-Za-z]{3,} [A-Za-z]{3,}", comments[1]), "second line asks it in English"
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    body = re.sub(r'"[^"\n]*"', '""', body)  # prefixed-looking text inside string literals is not a name
    declared = set(PREFIX.findall(body))
    used = set(USED_PREFIX.findall(PREFIX.sub("", body))) - {"http", "https"}
    assert used <= declared, f"undeclared prefixes {used - declared}"


def test_there_are_at_least_fifteen_queries():
    assert len(NAMES) >= 15


@pytest.mark.parametrize("name", NAMES)
def test_kg_query_answers_it_from_the_exported_graph(name, monkeypatch):
    """``kg query FILE --rdf exports/graph.nt``, run in-process: SPARQL JSON, or Turtle for a graph answer,
    with as many rows as the query gives on the graph built from the CSV."""
    monkeypatch.chdir(ROOT)  # as a user runs it, in the checkout
    path = QUERIES / f"{name}.rq"
    form = inspect_query(path.read_text(encoding="utf-8")).form
    fmt = "turtle" if form in ("construct", "describe") else "json"
    result = CliRunner().invoke(cli, ["query", str(path), "--rdf", "exports/graph.nt", "--format", fmt, "-q"])
    assert result.exit_code == 0, result.output
    if fmt == "turtle":
        list(ox.parse(result.stdout.encode(), format=ox.RdfFormat.TURTLE))
        return
    document = json.loads(result.stdout)
    assert "boolean" in document or document["head"]["vars"]
    if form == "select":
        assert len(document["results"]["bindings"]) == len(run_query(name))


def test_kg_query_lists_every_example_query(monkeypatch):
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(cli, ["query", "--list"])
    assert result.exit_code == 0, result.output
    listed = {line.split()[0] for line in result.stdout.splitlines() if line.strip()}
    assert set(NAMES) <= listed


def test_01_ding_winners():
    assert rows("01-ding-winners", "name_zh", "name_en", "announced") == [
        ("慈溪市", "Cixi", "2024-11-22"),
        ("宁波市", "Ningbo", "2024-11-22"),
        ("鄞州区", "Yinzhou District", "2024-11-22"),
        ("镇海区", "Zhenhai District", "2024-11-22"),
    ]
    assert {r["meeting_zh"] for r in run_query("01-ding-winners")} == {
        "加快建设创新浙江因地制宜发展新质生产力动员部署暨全省科学技术奖励大会"
    }


def test_02_state_key_laboratories_and_their_hosts():
    assert rows("02-state-key-laboratories", "laboratory_zh", "host_zh", "host_en") == [
        ("农产品质量安全全国重点实验室", "宁波大学", "Ningbo University"),
        (
            "海洋关键材料全国重点实验室",
            "中国科学院宁波材料所",
            "Ningbo Institute of Materials Technology and Engineering, Chinese Academy of Sciences",
        ),
    ]


def test_03_ceramic_measurements():
    assert rows("03-ceramic-measurements", "property_zh", "value", "unit", "approximation", "journal") == [
        ("强度", "2.3", "GPa", "about", "Science"),
        ("拉伸延伸率", "39.9", "percent", "up-to", "Science"),
    ]


def test_04_ceramic_team():
    assert rows("04-ceramic-team", "role", "person_zh", "title_zh", "organisation_zh") == [
        ("team leader", "陈克新", "研究员", "北京科技大学"),
        ("team leader", "陈克新", "研究员", "甬江实验室"),
        ("collaborator", "黄明欣", "教授", "香港大学"),
        ("collaborator", "王金淑", "教授", "北京工业大学"),
    ]


def test_05_organisations_in_several_events():
    found = {
        r["organisation"]: (int(r["events"]), sorted(int(n) for n in r["event_numbers"].split()))
        for r in run_query("05-organisations-in-several-events")
    }
    assert found == {
        "nimte": (3, [3, 4, 7]),
        "nbu": (2, [3, 4]),
        "ningbo-government": (2, [3, 6]),
        "municipal-party-committee": (2, [1, 6]),
        "talent-st-commission": (2, [1, 10]),
        "skl-marine-materials": (2, [3, 7]),
    }


FIGURES = {
    # (section, subject, property, value, unit, approximation, qualifier, of)
    ("intro", "宁波市", "number of high-tech enterprises", "8800", None, "over", "false", None),
    ("intro", "宁波市", "technology transaction value", "100000000000", "yuan", "over", "false", None),
    ("intro", "宁波市", "number of state key laboratories approved", "2", None, None, "false", None),
    ("intro", "宁波市", "rank", "1", None, None, "true", "高新技术企业数量"),
    ("intro", "宁波市", "consecutive years", "3", None, None, "true", "高新技术企业数量"),
    ("event-2", "宁波市", "rank", "1", None, None, "true", "全社会R&D经费投入占GDP比重"),
    ("event-2", "宁波市", "rank", "1", None, None, "true", "科技进步创新指数"),
    ("event-2", "宁波市", "rank", "1", None, None, "true", "高新技术企业数量"),
    ("event-2", "宁波市", "consecutive years", "3", None, None, "true", "高新技术企业数量"),
    ("event-2", "镇海区", "rank", "1", None, None, "true", "全社会R&D经费投入占GDP比重"),
    ("event-2", "镇海区", "rank", "1", None, None, "true", "“315”科技创新体系建设工程年度考核"),
    ("event-2", "鄞州区", "rank", "1", None, None, "true", "创新型城市建设评价指数"),
    ("event-2", "鄞州区", "consecutive years", "5", None, None, "true", "创新型城市建设评价指数"),
    ("event-4", "“科技新苗”培养计划", "number of supporting institutions", "10", None, "over", "false", None),
    ("event-4", "“科技新苗”培养计划", "number of participating schools", "20", None, "over", "false", None),
    ("event-4", "镇海中学“新苗”的青少年科创赛金奖项目", "number of students", "2", None, None, "false", None),
    ("event-5", "宁波国家高新区", "rank", "10", None, None, "false", None),
    ("event-5", "宁波国家高新区", "out of", "178", None, None, "true", None),
    ("event-5", "宁波国家高新区", "share of the city's total", "1/3", None, None, "false", None),
    ("event-5", "宁波国家高新区", "share of the city's total", "2/3", None, None, "false", None),
    ("event-5", "宁波国家高新区", "share of the city's total", "1/2", None, None, "false", None),
    ("event-5", "宁波国家高新区", "share of the city's total", "1/9", None, None, "false", None),
    ("event-5", "宁波国家高新区", "number of single-champion enterprises", "5", None, None, "false", None),
    ("event-5", "宁波国家高新区", "number of 'little giant' enterprises", "25", None, None, "false", None),
    ("event-5", "宁波国家高新区", "number of top talents", "300", None, "over", "false", None),
    ("event-5", "宁波国家高新区", "R&D intensity", "8.62", "percent", None, "false", None),
    ("event-6", "宁波市天使投资引导基金", "target size", "10000000000", "yuan", "about", "false", None),
    ("event-6", "部署扩容百亿天使基金", "timeframe from", "3", "year", None, "false", None),
    ("event-6", "部署扩容百亿天使基金", "timeframe to", "5", "year", None, "false", None),
    ("event-6", "部署扩容百亿天使基金", "target count", "100", None, "about", "false", None),
    ("event-7", "中国科学院宁波材料所", "anniversary", "20", "year", None, "false", None),
    ("event-7", "中国科学院宁波材料所", "number of research platforms", "30", None, None, "false", None),
    ("event-7", "中国科学院宁波材料所", "number of researchers", "1000", None, "nearly", "false", None),
    ("event-7", "中国科学院宁波材料所", "number of academicians", "8", None, None, "false", None),
    ("event-7", "中国科学院宁波材料所", "number of papers", "10000", None, "over", "false", None),
    ("event-7", "中国科学院宁波材料所", "top share", "1", "per-mille", None, "false", None),
    ("event-7", "中国科学院宁波材料所", "number of key products", "48", None, None, "false", None),
    ("event-7", "中国科学院宁波材料所", "top N", "10", None, None, "true", "专利授权量"),
    ("event-7", "中国科学院宁波材料所", "consecutive years", "10", None, None, "true", "专利授权量"),
    ("event-7", "中国科学院宁波材料所", "number of enterprises served", "600", None, "over", "false", None),
    ("event-7", "中国科学院宁波材料所", "number of patent licences", "100", None, None, "false", None),
    ("event-8", "2024新质生产力年度案例", "number of cases", "10", None, None, "false", None),
    ("event-8", "宁波江丰电子材料股份有限公司", "years in field", "20", "year", None, "false", None),
    ("event-8", "宁波江丰电子材料股份有限公司", "market share rank", "1", None, None, "false", None),
    ("event-8", "宁波江丰电子材料股份有限公司", "market share rank", "2", None, None, "false", None),
    ("event-9", "陶瓷室温拉伸塑性", "tensile elongation", "39.9", "percent", "up-to", "false", None),
    ("event-9", "陶瓷室温拉伸塑性", "strength", "2.3", "GPa", "about", "false", None),
    ("event-10", "“科技副总”制度", "target count", "300", None, "about", "false", None),
    ("event-10", "“产业教授”制度", "target count", "200", None, "about", "false", None),
}


def test_06_every_figure_by_section_with_unit_and_approximation():
    found = rows(
        "06-figures-by-event",
        "section",
        "subject_zh",
        "property_en",
        "value",
        "unit",
        "approximation",
        "qualifier",
        "of_zh",
    )
    assert len(found) == len(set(found)), "each figure is listed once per section"
    assert set(found) == FIGURES


def test_07_sentence_of_a_fact():
    assert rows("07-sentence-of-a-fact", "quote", "section", "document") == [
        ("陶瓷拉伸延伸率可达39.9%", "event-9", "000_ae5b4b592fd66ac1.txt")
    ]


def test_08_high_tech_zone_ranking_with_its_qualifiers():
    [answer] = run_query("08-high-tech-zone-ranking")
    assert answer == {
        "rank": "10",
        "out_of": "178",
        "year": "2024",
        "assessor_zh": "工信部",
        "assessor_en": "Ministry of Industry and Information Technology",
        "evaluation_zh": "2024年国家高新区综合评价",
        "published": "2024-12-23",
        "scope_zh": "中国",
        "first_time": "true",
        "quote": "宁波高新区在全国178家高新区中排名第10，首次跻身全国前十。",
    }


def test_09_events_in_date_order():
    assert rows("09-events-in-date-order", "number", "date", "precision") == [
        ("3", "2024", "gYear"),
        ("4", "2024", "gYear"),
        ("6", "2024", "gYear"),
        ("7", "2024", "gYear"),
        ("8", "2024", "gYear"),
        ("9", "2024", "gYear"),
        ("1", "2024-05-23", "date"),
        ("10", "2024-09", "gYearMonth"),
        ("2", "2024-11-22", "date"),
        ("5", "2024-12-23", "date"),
    ]


def test_10_rankings():
    found = rows(
        "10-rankings",
        "subject_zh",
        "on_zh",
        "rank",
        "top_n",
        "scope_zh",
        "year",
        "consecutive_years",
        "by_increase",
    )
    assert sorted(found, key=str) == sorted(
        [
            ("中国科学院宁波材料所", "专利授权量", None, "10", "中国", None, "10", "false"),
            ("宁波国家高新区", "2024年国家高新区综合评价", "10", None, "中国", "2024", None, "false"),
            ("宁波市", "全社会R&D经费投入占GDP比重", "1", None, "浙江省", "2024", None, "true"),
            ("宁波市", "科技进步创新指数", "1", None, "浙江省", "2024", None, "true"),
            ("宁波市", "高新技术企业数量", "1", None, "浙江省", None, "3", "true"),
            ("宁波江丰电子材料股份有限公司", "市场份额排名", "1", None, "中国", None, None, "false"),
            ("宁波江丰电子材料股份有限公司", "市场份额排名", "2", None, "世界", None, None, "false"),
            ("鄞州区", "创新型城市建设评价指数", "1", None, "宁波市", None, "5", "false"),
            ("镇海区", "“315”科技创新体系建设工程年度考核", "1", None, "宁波市", "2024", None, "false"),
            ("镇海区", "全社会R&D经费投入占GDP比重", "1", None, "宁波市", "2024", None, "false"),
        ],
        key=str,
    )


def test_11_targets():
    assert rows(
        "11-targets",
        "subject_zh",
        "value",
        "unit",
        "approximation",
        "target_year",
        "within_from",
        "within_to",
        "category_zh",
    ) == [
        ("“产业教授”制度", "200", None, "about", "2027", None, None, None),
        ("“科技副总”制度", "300", None, "about", "2027", None, None, None),
        ("宁波市天使投资引导基金", "10000000000", "yuan", "about", None, "3", "5", None),
        ("部署扩容百亿天使基金", "100", None, "about", None, "3", "5", "种子直投初创企业"),
    ]


def test_12_find_by_name():
    assert rows("12-find-by-name", "name", "entity") == [
        ("CCS", "ccs"),
        ("nimte", "nimte"),
        ("宁波材料所", "nimte"),
        ("工信部", "miit"),
        ("江丰电子", "jiangfeng"),
    ]


def test_13_seedling_programme():
    [answer] = run_query("13-seedling-programme")
    supporters = set(answer.pop("supporters").split("、"))
    assert supporters == {"浙江大学", "宁波大学", "中国科学院宁波材料所"}
    assert answer == {
        "start_year": "2015",
        "launched_by_zh": "宁波市",
        "supporting_institutions": "10",
        "institutions_approx": "over",
        "schools": "20",
        "schools_approx": "over",
    }


def test_14_jiangfeng_case():
    [answer] = run_query("14-jiangfeng-case")
    assert answer == {
        "company_zh": "宁波江丰电子材料股份有限公司",
        "case_zh": "溅射靶材：二十年坚守，让半导体核心材料‘溅射’出中国制造的‘光芒’",
        "list_zh": "2024新质生产力年度案例",
        "organizer_en": "China Media Group",
        "cases": "10",
        "only_one_from_zh": "浙江省",
        "rank_in_china": "1",
        "rank_in_world": "2",
    }


def test_15_agreements_with_ccs():
    assert rows("15-agreements-with-ccs", "party_zh", "aim_zh") == [
        ("宁波高新区管委会", "国家水上载运装备安全与可靠性技术创新中心"),
        ("宁波市人民政府", "国家水上载运装备安全与可靠性技术创新中心"),
    ]


def test_16_policy_documents():
    assert rows(
        "16-policy-documents",
        "document_zh",
        "issued",
        "scheme_zh",
        "instrument_of_zh",
        "target",
        "target_year",
    ) == [
        (
            "宁波市深化“产业教授”工作实施方案",
            "2024-09",
            "“产业教授”制度",
            "市委人才科技委员会",
            "200",
            "2027",
        ),
        (
            "宁波市深化“科技副总”工作实施方案",
            "2024-09",
            "“科技副总”制度",
            "市委人才科技委员会",
            "300",
            "2027",
        ),
    ]


def test_17_commission_first_meeting():
    assert rows("17-commission-first-meeting", "date", "called_for", "object_zh") == [
        ("2024-05-23", "carry out the spirit of", "中央科技委员会"),
        ("2024-05-23", "carry out the spirit of", "省委科技委员会"),
        ("2024-05-23", "goal", "全域高水平创新型城市"),
        ("2024-05-23", "study", "习近平总书记关于科技创新和人才工作重要论述"),
        ("2024-05-23", "uphold", "全领域、全链条、全要素、全社会系统创新"),
    ]


def test_18_zone_shares_of_city():
    assert sorted(rows("18-zone-shares-of-city", "share", "category_zh")) == [
        ("1/2", "公共技术服务平台"),
        ("1/3", "重点研发机构"),
        ("1/9", "高新技术企业"),
        ("2/3", "检测认证机构"),
    ]


def test_19_angel_fund():
    assert rows("19-angel-fund", "aspect", "value_zh") == [
        ("capital source", "国资"),
        ("capital source", "民间资本"),
        ("capital source", "财政"),
        ("capital source", "金融"),
        ("decided by", "宁波市人民政府"),
        ("decided by", "市委"),
        ("investment mode", "天使基金"),
        ("investment mode", "拨投结合"),
        ("investment mode", "种子直投"),
        ("target size", "10000000000 yuan (about)"),
        ("within", "3-5 years"),
    ]


def test_20_who_takes_part_in_event_3():
    assert {r["participant_zh"] for r in run_query("20-who-takes-part-in-event")} == {
        "宁波市",
        "中国科学院宁波材料所",
        "宁波大学",
        "海洋关键材料全国重点实验室",
        "农产品质量安全全国重点实验室",
        "宁波工程学院",
        "中国—莫桑比克智慧农业“一带一路”联合实验室",
        "国家“一带一路”联合实验室建设名单",
        "宁波市人民政府",
        "宁波高新区管委会",
        "中国船级社",
        "国家水上载运装备安全与可靠性技术创新中心",
    }


def test_every_query_has_its_own_answer_test():
    tested = {name[len("test_") :][:2] for name in globals() if re.match(r"test_\d\d_", name)}
    assert {name[:2] for name in NAMES} <= tested
