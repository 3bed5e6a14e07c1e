"""Links read from a verb between two entities of the sentence."""

from __future__ import annotations

from graph.draft.entities import find_mentions
from graph.draft.relations import find_links


def links(sentence):
    return [
        (link.subject.label, link.predicate, link.object.label)
        for link in find_links(sentence, find_mentions(sentence))
    ]


def test_an_agreement_with_the_partner_after_yu():
    # synthetic sentence, written for this test
    assert links("台州市人民政府与温州医科大学签订合作协议。") == [
        ("台州市人民政府", "kg:signedAgreementWith", "温州医科大学")
    ]


def test_an_award_needs_an_award_as_its_object():
    # synthetic: 获 links to a name in quotes that is an award, and to nothing else
    assert links("镇海中学获“金帆奖”。") == [("镇海中学", "kg:wonAward", "金帆奖")]
    assert links("镇海中学获宁波大学支持。") != [("镇海中学", "kg:wonAward", "宁波大学")]


def test_no_link_without_both_ends():
    assert links("入选了名单。") == []  # synthetic


def test_an_entity_inside_a_name_is_not_an_end_of_its_links():
    # synthetic: the award 科创赛金奖 is named inside the project's name, which is what was selected
    found = links("3名宁海中学“青苗”的科创赛金奖项目入选第五届国际青年科学论坛。")
    assert [(subject, predicate) for subject, predicate, _ in found] == [
        ("宁海中学“青苗”的科创赛金奖项目", "kg:selectedInto")
    ]
