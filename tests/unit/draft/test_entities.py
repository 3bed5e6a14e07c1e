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


# Synthetic sentences below, written for these tests (none is a sentence of the project's article).


def labelled(sentence):
    return {m.label: (m.type, m.kind) for m in find_mentions(sentence)}


def test_kinds_a_text_counts_or_ranks_by_their_ending():
    found = labelled("全市共有高新技术企业500家，专利授权量居全省第一。")
    assert found["高新技术企业"] == ("kg:Category", "organisation")  # 共有 (a verb) is not part of it
    assert found["专利授权量"][0] == "kg:Indicator"
    assert labelled("依托高校和科研院所，培养人才。")["高校和科研院所"][0] == "kg:Category"
    # the firms of a place are not a kind of firm, and a place is not part of an indicator
    assert not any(label.endswith("企业") for label in labelled("服务杭州企业300家。"))
    ranked = labelled("西湖区创新型城市建设评价指数全省第一。")
    assert ranked["创新型城市建设评价指数"][0] == "kg:Indicator" and "西湖区" in ranked


def test_a_share_is_read_whole_and_an_evaluation_keeps_its_year():
    assert "全社会R&D经费投入占GDP比重" in labelled("2023年全社会R&D经费投入占GDP比重达3%。")
    assert labelled("2023年国家高新区综合评价结果公布。")["2023年国家高新区综合评价"][0] == "kg:Evaluation"


def test_materials_by_their_ending():
    found = labelled("在铜金属与氧化铝陶瓷之间构建界面。")
    assert found["铜金属"][0] == found["氧化铝陶瓷"][0] == "kg:Material"
    assert "柔性导电材料" in labelled("团队研发出柔性导电材料、大尺寸单晶硅等成果。")
    assert not labelled("从而使陶瓷可以不断地向金属输送能量。")  # a bare ending names nothing


def test_an_organisations_name_with_a_quote_a_dash_and_a_conjunction():
    found = labelled("中国—老挝数字农业“一带一路”联合实验室获批。")
    assert found["中国—老挝数字农业“一带一路”联合实验室"][0] == "kg:Laboratory"
    assert found["中国"] == found["老挝"] == ("schema:Place", "part")
    assert "国家海洋装备安全与可靠性技术创新中心" in labelled("共建国家海洋装备安全与可靠性技术创新中心。")
    assert "市产业投资引导基金" in labelled("将市产业投资引导基金扩容。")  # 将 is not part of the name


def test_a_quoted_name_takes_the_words_around_it_up_to_its_last_keyword():
    found = labelled("2023年，宁海中学“青苗”项目入选名单。")
    assert found["宁海中学“青苗”项目"] == ("kg:Project", "name")  # the verb 入选 ends it
    assert found["宁海中学"] == ("schema:HighSchool", "part")
    awarded = labelled("3名宁海中学“青苗”的科创赛金奖项目入选论坛。")
    assert "宁海中学“青苗”的科创赛金奖项目" in awarded
    assert awarded["科创赛金奖"] == ("kg:Award", "part")
    assert not any("入选" in label for label in labelled("“青苗”首次入选交流项目。"))


def test_a_name_of_a_quote_and_a_keyword_is_also_called_by_its_quote():
    [programme] = find_mentions("学校启动“青苗”培育计划。")
    assert (programme.label, programme.aliases) == ("“青苗”培育计划", ("青苗",))


def test_meetings_held_as_one_numbered_meetings_and_coordinated_bodies():
    [joint] = [m for m in find_mentions("举办“新品”发布会暨院所走进杭州活动，推进合作。") if m.kind == "name"]
    assert (joint.label, joint.type, joint.aliases) == (
        "“新品”发布会暨院所走进杭州活动",
        "kg:Meeting",
        ("“新品”发布会",),
    )
    assert (
        labelled("2023年3月，省委科技委员会召开第二次会议。")["省委科技委员会第二次会议"][0] == "kg:Meeting"
    )
    both = labelled("贯彻中央和省委科技委员会精神。")
    assert {"中央科技委员会", "省委科技委员会"} <= set(both)


def test_awards_won_and_a_leaders_talks():
    found = labelled("某区获得省政府督查激励。")
    assert found["省政府督查激励"][0] == "kg:Award" and found["省政府"][1] == "part"
    talks = labelled("学习习近平总书记关于教育工作的重要论述。")
    assert talks["习近平总书记关于教育工作的重要论述"][0] == "schema:CreativeWork"
    assert talks["习近平"] == ("schema:Person", "part")


def test_lists_of_goals_strategies_and_one_pattern():
    goals = labelled("重点在打造一流研究体系、做强龙头企业优势、营造开放创新的环境三个方面攻坚。")
    assert {label for label, (type_, _) in goals.items() if type_ == "kg:Goal"} == {
        "打造一流研究体系",
        "做强龙头企业优势",
        "营造开放创新的环境",
    }
    places = labelled("着力打造科技创新高地、人才集聚首选地、成果转化新高地。")
    assert "科技创新高地" in places and "打造科技创新高地" not in places  # the verb governs the list
    assert labelled("落实人才强省、数字浙江战略部署。")["数字浙江"][0] == "kg:Strategy"
    assert set(labelled("发展绿色金融、数字金融。")) == {"绿色金融", "数字金融"}  # two items, one head word
    assert set(labelled("坚持全领域、全周期、全过程协同创新，加快推进。")) == {
        "全领域、全周期、全过程协同创新"
    }
    assert set(labelled("构建“股、债、贷”协同联动的金融支持体系。")) == {"“股、债、贷”协同联动的金融支持体系"}


def test_actions_idioms_and_phrases_are_not_concepts():
    assert not labelled("经事件征集、梳理筛选、公开投票后形成。")
    assert set(labelled("实现“零的突破”，贯彻“三位一体”，服务“国之大者”。")) == {"国之大者"}


def test_short_names_of_the_articles_entities():
    from graph.draft.entities import short_names

    text = "杭州光学精密机械研究所（光机所）成立。中国科学院杭州光机所在西湖区。西湖区的研究所。"  # synthetic
    found = [m for sentence in text.split("。") for m in find_mentions(sentence)]
    names = short_names(found, text)
    assert names["光机所"] == "杭州光学精密机械研究所"  # an abbreviation in brackets
    assert names["西湖"] == "西湖区"
