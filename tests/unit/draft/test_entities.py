"""Known entities by label, new organisations, places, people and names by rule."""

from __future__ import annotations

from pathlib import Path

from graph.draft.entities import KnownEntities, describe, find_mentions, load_known


def mentions(sentence, known=None):
    return [(m.label, m.type, m.kind) for m in find_mentions(sentence, known)]


def test_known_labels_longest_first():
    known = KnownEntities(
        by_label={"宁波": "ningbo", "宁波高新区": "hitech-zone"}, types={"ningbo": "schema:City"}
    )
    found = mentions("宁波高新区位于宁波。", known)  # synthetic
    assert found[0] == ("宁波高新区", "", "known")
    assert ("宁波", "schema:City", "known") in found


def test_known_entities_are_read_from_a_curated_csv():
    known = load_known([Path("data/triples.csv")])
    assert known.by_label["宁波大学"] == "nbu"
    assert known.types["nbu"] == "schema:CollegeOrUniversity"
    assert known.labels["nbu"]["en"] == "Ningbo University"


def test_organisations_by_their_ending():
    # synthetic sentence, written for this test
    found = mentions("温州医科大学与台州市人民政府共建海洋生物全国重点实验室。")
    labels = {label: type_ for label, type_, _ in found}
    assert labels["台州市人民政府"] == "schema:GovernmentOrganization"
    assert labels["海洋生物全国重点实验室"] == "kg:StateKeyLaboratory"
    assert any(label.endswith("大学") for label in labels)


def test_a_bare_ending_is_not_a_name():
    # synthetic: 全国重点实验室 names a kind of laboratory, not one
    assert all(label != "全国重点实验室" for label, _, _ in mentions("两家单位获批全国重点实验室。"))


def test_people_next_to_a_title_and_in_a_byline():
    assert ("黄明欣", "schema:Person", "person") in mentions("香港大学黄明欣教授等组成的研究团队完成。")
    assert [m[0] for m in mentions("记者 成良田 通讯员 宣科") if m[2] == "person"] == ["成良田", "宣科"]


def test_names_in_quotes_with_a_keyword():
    # synthetic sentence, written for this test
    found = mentions("学校启动“青苗”培育计划，获“金帆奖”。")
    assert ("“青苗”培育计划", "kg:Programme", "name") in found
    assert ("金帆奖", "kg:Award", "name") in found


def test_english_labels_say_how_faithful_they_are():
    place = find_mentions("镇海区")[0]  # synthetic
    assert describe(place)[:2] == ("Zhenhai District", "medium")
    university = find_mentions("宁波大学发布成果")[0]  # synthetic
    assert describe(university)[0] == "Ningbo University"


def test_a_person_after_a_title_and_a_standard_body():
    found = mentions("甬江实验室研究员陈克新团队完成。")
    assert ("陈克新", "schema:Person", "person") in found
    assert ("市委", "schema:GovernmentOrganization", "organisation") in mentions(
        "市委、市政府作出部署。"
    )  # synthetic


def test_items_of_a_list_are_proposed_as_concepts():
    # synthetic sentence, written for this test
    labels = [m[0] for m in mentions("资金来自财政、国资、金融、民间资本。") if m[2] == "concept"]
    assert {"财政", "金融", "民间资本"} <= set(labels)
    assert "资金" not in labels  # the words before the list are not an item
