"""Figures with their unit and approximation, and dates at their precision."""

from __future__ import annotations

import pytest

from graph.draft.figures import find_dates, find_figures, han_number


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # synthetic sentences, written for this test
        ("产值突破千亿元大关", ("100000000000", "yuan", "over")),
        ("投入约3.5亿元", ("350000000", "yuan", "about")),
        ("基金扩容至百亿级", ("10000000000", "yuan", "about")),
        ("引进企业超200家", ("200", "", "over")),
        ("服务企业600多家", ("600", "", "over")),
        ("发表论文万余篇", ("10000", "", "over")),
        ("集聚人员近千名", ("1000", "", "nearly")),
        ("遴选专家150名左右", ("150", "", "about")),
        ("延伸率可达12.5%", ("12.5", "percent", "up-to")),
        ("强度约为1.8GPa", ("1.8", "GPa", "about")),
        ("进入全球前2‰", ("2", "per-mille", "")),
        ("建所三十周年", ("30", "year", "")),
    ],
)
def test_a_figure_keeps_its_unit_and_approximation(sentence, expected):
    figures = find_figures(sentence)
    assert [(f.value, f.unit, f.approx) for f in figures] == [expected]


def test_ranks_fractions_and_consecutive_years():
    figures = find_figures("集聚全市1/4的平台，在全国120家园区中排名第7，连续4年居全省第一")  # synthetic
    assert [(f.kind, f.value) for f in figures] == [
        ("fraction", "1/4"),
        ("count", "120"),
        ("rank", "7"),
        ("consecutive-years", "4"),
        ("rank", "1"),
    ]


def test_bare_numbers_ordinals_and_dates_are_not_figures():
    # synthetic: a year, an ordinal (第七届) and a code are not counts
    assert find_figures("2024年第七届论坛在315号楼召开") == []


def test_article_sentences():
    assert [
        (f.value, f.unit, f.approx)
        for f in find_figures("高新技术企业突破8800家，数量增幅连续3年保持全省第一；")
    ][:1] == [("8800", "", "over")]
    assert [(f.value, f.approx) for f in find_figures("计划到2027年，全市择优遴选“科技副总”300名左右")] == [
        ("300", "about")
    ]


def test_dates_at_the_precision_given():
    dates = find_dates("2024年12月23日公布；2024年5月召开；2015年起实施")  # synthetic
    assert [(d.value, d.datatype) for d in dates] == [
        ("2024-12-23", "date"),
        ("2024-05", "gYearMonth"),
        ("2015", "gYear"),
    ]


def test_chinese_numerals():
    assert [han_number(t) for t in ("十", "二十", "一百零八", "两千", "三万", "千亿", "百亿")] == [
        10,
        20,
        108,
        2000,
        30000,
        100_000_000_000,
        10_000_000_000,
    ]
    assert han_number("十a") is None
