"""人大 选区 work (issue 14 item 6): 选区划分, 选民登记 changes by 选区, 补登/除名, 联名, 预选, confirmed results.

The sample `deputy-xincheng-districts.yaml` reproduces seed 004 篇7 (000人大) on four 选区; each test changes one
thing of it and asserts the exact finding, or renders it and reads the documents back.
"""

from __future__ import annotations

import copy

import docx
import pytest
import yaml
from conftest import SAMPLES
from helpers import ERROR, election_of, findings, ids, one

from pipeline.documents import find_kind
from pipeline.documents.plan import plan
from pipeline.render import render_record

SAMPLE = SAMPLES / "deputy-xincheng-districts.yaml"
LAW = "《中华人民共和国全国人民代表大会和地方各级人民代表大会选举法》（2020年修正）"


@pytest.fixture(scope="module")
def base() -> dict:
    return yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))


@pytest.fixture()
def data(base) -> dict:
    return copy.deepcopy(base)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory, base):
    out = tmp_path_factory.mktemp("xincheng")
    only = ["districts", "supplementary_voters", "registration", "candidates_initial", "candidates_formal"]
    render_record(election_of(copy.deepcopy(base)), out, only=[*only, "results", "certificate"])
    return out


def text_of(path) -> tuple[list[str], list[list[str]]]:
    """The non-empty paragraphs and the table rows (cell texts) of a rendered document."""
    document = docx.Document(str(path))
    paragraphs = [p.text for p in document.paragraphs if p.text.strip()]
    rows = [[cell.text for cell in row.cells] for table in document.tables for row in table.rows]
    return paragraphs, rows


def district(data: dict, name: str) -> dict:
    return next(c for c in data["contests"] if c["name"] == name)


# ---------------------------------------------------------------- the sample


def test_the_sample_passes_and_plans_every_district_document(base):
    assert findings(copy.deepcopy(base)) == []
    documents = plan(election_of(copy.deepcopy(base)))
    names = [p.file_name for p in documents if p.kind.number >= 61]
    assert names == [
        "61-选区划分公告.docx",
        "62-补充选民名单公告-第一选区.docx",
        "62-补充选民名单公告-第三选区.docx",
        "63-选民登记情况表.docx",
    ]
    meta = {p.file_name: p.meta for p in documents}
    districts = meta["61-选区划分公告.docx"]
    assert (districts.title, districts.author, districts.date, districts.number, districts.genre) == (
        "青山区第十八届人民代表大会代表选举选区划分公告",
        "青山区选举委员会",
        "20210512",
        "青选〔2021〕3号",
        "公告",
    )
    # The township's own series goes on after the existing notices (4 选区 × committee … results, two rounds).
    assert meta["62-补充选民名单公告-第一选区.docx"].number == "新选〔2021〕23号"
    assert meta["62-补充选民名单公告-第三选区.docx"].number == "新选〔2021〕24号"
    assert meta["63-选民登记情况表.docx"].genre == "统计表"
    assert find_kind("选区划分").number == 61 and find_kind("补登除名").key == "supplementary_voters"


def test_the_kinds_are_not_made_for_a_village():
    village = yaml.safe_load((SAMPLES / "village-liulin-runoff.yaml").read_text(encoding="utf-8"))
    keys = {p.kind.key for p in plan(election_of(village))}
    assert not keys & {"districts", "supplementary_voters", "registration"}


def test_a_record_without_covers_waits_for_them(data):
    for contest in data["contests"]:
        del contest["covers"]
        contest["electorate"].pop("supplementary", None)
    skipped = {s.kind.key: (s.field, s.reason) for s in plan(election_of(data)).skipped}
    assert skipped["districts"] == ("contests[].covers", "记录中还没有各选区包括的范围")
    assert skipped["supplementary_voters"] == (
        "electorate.supplementary",
        "记录中还没有选民名单公布后补登、除名的选民",
    )


# ---------------------------------------------------------------- 61 选区划分公告


def test_districts_notice_lists_every_district_with_its_places_seats_and_voters(rendered):
    paragraphs, rows = text_of(rendered / "61-选区划分公告.docx")
    assert paragraphs[:3] == ["青山区第十八届人民代表大会代表选举", "选区划分公告", "青选〔2021〕3号"]
    assert paragraphs[3] == (
        f"根据{LAW}和有关规定，经青山区选举委员会决定，青山区第十八届人民代表大会代表选举在新城街道共划分四个选区，"
        "应选代表6名（每一选区选一名至三名代表）。现将各选区的范围、应选代表名额和选民人数公告如下："
    )
    assert rows == [
        ["选区", "选区范围", "应选代表名额", "选民数"],
        ["第一选区", "新城社区、东风社区", "2", "3912"],
        ["第二选区", "青山区第二中学、新城街道办事处、区税务局新城分局", "1", "1180"],
        ["第三选区", "红旗村、白杨村、柳河村", "2", "4260"],
        ["第四选区", "新城工业园区企业", "1", "1346"],
        ["合计", "", "6", "10698"],
    ]
    assert "以上4个选区共有登记选民10698人。各选区的选民名单另行公布。" in paragraphs
    assert paragraphs[-2:] == ["青山区选举委员会", "2021年5月12日"]


# ---------------------------------------------------------------- 选民登记 changes


def test_registration_table_by_district_adds_up(rendered):
    paragraphs, rows = text_of(rendered / "63-选民登记情况表.docx")
    assert rows == [
        ["选区", "上次登记", "新增", "除名", "被羁押停权", "外出异地登记", "本次登记"],
        ["第一选区", "3870", "96", "47", "2", "5", "3912"],
        ["第二选区", "1152", "42", "14", "0", "0", "1180"],
        ["第三选区", "4301", "61", "73", "1", "28", "4260"],
        ["第四选区", "1260", "104", "18", "0", "0", "1346"],
        ["合计", "10583", "303", "152", "3", "33", "10698"],
    ]
    assert (
        "第一选区：新满十八周岁61人，迁入35人，迁出28人，死亡19人，停止行使选举权利2人，外出人员在现居住地登记5人。"
        in paragraphs
    )
    assert "第四选区：新满十八周岁9人，迁入70人，外来流动人口登记25人，迁出18人。" in paragraphs


def test_changes_that_do_not_add_up_are_an_error(data):
    district(data, "第三选区")["electorate"]["changes"]["deceased"] = 30
    found = one(findings(data), "REGISTRATION-CHANGES")
    assert found.severity is ERROR
    assert found.message == (
        "第三选区：选民登记变动与登记人数对不上：上次登记4301人＋新满十八周岁48人＋恢复政治权利1人＋迁入12人"
        "－迁出40人－死亡30人－停止行使选举权利1人－外出人员在现居住地登记28人＝4263人，而登记人数"
        "（electorate.registered）为4260人，相差3人。请核对 electorate.changes 各项人数或登记人数。"
    )
    assert found.path == "contests[2].electorate.changes"
    assert found.citation == f"{LAW}第二十七条"


def test_changes_without_the_previous_figure_are_not_summed(data):
    del district(data, "第三选区")["electorate"]["changes"]["previous"]
    district(data, "第三选区")["electorate"]["changes"]["deceased"] = 30
    assert "REGISTRATION-CHANGES" not in ids(findings(data))


def test_the_2015_law_has_the_rule_and_cites_the_law_alone():
    text = (
        SAMPLE.read_text(encoding="utf-8").replace("2021-", "2019-").replace("legal_basis: 2020", "legal_basis: 2015")
    )
    data = yaml.safe_load(text)
    district(data, "第一选区")["electorate"]["changes"]["moved_in"] = 36
    found = one(findings(data), "REGISTRATION-CHANGES")
    assert found.citation == "《中华人民共和国全国人民代表大会和地方各级人民代表大会选举法》（2015年修正）"
    assert found.message.endswith(
        "＝3913人，而登记人数（electorate.registered）为3912人，相差1人。请核对 electorate.changes 各项人数或登记人数。"
    )


# ---------------------------------------------------------------- 62 补充选民名单公告


def test_supplementary_notice_lists_additions_and_removals_in_stroke_order(rendered):
    paragraphs, rows = text_of(rendered / "62-补充选民名单公告-第一选区.docx")
    assert paragraphs[:4] == [
        "青山区第十八届人民代表大会代表选举",
        "第一选区补充选民名单公告",
        "新选〔2021〕23号",
        "青山区第十八届人民代表大会代表选举第一选区选民名单于2021年6月5日公布后，经青山区新城街道选举工作小组审核，"
        "对漏登、新迁入的选民予以补登，对迁出、死亡和依法停止行使选举权利的人员予以除名。现将补充名单公告如下"
        "（以姓氏笔画为序）：",
    ]
    assert "一、补登选民（2人）" in paragraphs and "二、从选民名单中除名（1人）" in paragraphs
    # 冯 (5 strokes) before 蔡 (14).
    assert rows == [["姓名", "原因"], ["冯晓燕", "漏登"], ["蔡文斌", "迁入"], ["姓名", "原因"], ["郑国富", "死亡"]]
    assert "补登、除名后，第一选区登记选民3912人。" in paragraphs
    assert "选举日为2021年6月28日，补登的选民凭选民证参加投票。" in paragraphs
    assert paragraphs[-2:] == ["青山区新城街道选举工作小组", "2021年6月15日"]


def test_a_supplementary_list_published_on_election_day_is_an_error(data):
    data["schedule"]["supplementary_published"] = "2021-06-28"
    found = one(findings(data), "SUPPLEMENTARY-DATE")
    assert found.message == (
        "补充选民名单公布日（schedule.supplementary_published）为2021-06-28，不在选举日（2021-06-28）之前；"
        "补登、除名应在投票前公布，选民才能参加投票。请改正日期。"
    )
    data["schedule"]["supplementary_published"] = "2021-06-01"
    assert one(findings(data), "SUPPLEMENTARY-DATE").message == (
        "补充选民名单公布日（schedule.supplementary_published）为2021-06-01，早于选民名单公布日（2021-06-05）；"
        "补充名单是对已公布名单的补登和除名。请改正日期。"
    )


# ---------------------------------------------------------------- the 代表候选人 stage


def test_fewer_than_ten_cosigners_is_an_error(data):
    district(data, "第一选区")["candidates"][2]["cosigners"] = 8
    found = one(findings(data), "NOMINATION-COSIGNERS")
    assert found.message == (
        "第一选区：代表候选人马春生由选民联名推荐，联名推荐人数为8人，少于法定的10人，推荐无效。"
        "请核对推荐书上的签名人数（candidates[].cosigners），或删除该候选人。"
    )
    assert found.path == "contests[0].candidates[2].cosigners"
    assert found.citation == f"{LAW}第三十条"


def test_initial_list_shows_the_cosigners(rendered):
    _, rows = text_of(rendered / "03-初步候选人名单公告-第二选区.docx")
    assert [r[0] for r in rows[1:]] == ["许文静", "陈立军", "林小平", "黄志明"]
    assert rows[4][-1] == "选民十人以上联名推荐（12人联名）"


def test_formal_list_after_a_preselection_is_ordered_by_its_votes(rendered):
    paragraphs, rows = text_of(rendered / "03-正式候选人名单公告-第二选区.docx")
    assert [r[0] for r in rows[1:]] == ["许文静", "陈立军"]
    assert next(p for p in paragraphs if p.startswith("根据")) == (
        f"根据{LAW}和有关规定，经选民小组讨论、协商和预选，青山区第十八届人民代表大会代表选举正式代表候选人已经确定。"
        "现将正式代表候选人名单及基本情况公告如下（按预选得票多少为序，得票相等的以姓氏笔画为序）："
    )
    assert (
        "本选区初步代表候选人4名，经选民小组反复讨论、协商，未能形成较为一致的意见，于2021年6月16日进行预选"
        "（参加预选96人），按得票多少确定正式代表候选人。预选得票：许文静71票、陈立军64票、黄志明40票、林小平25票。"
        in paragraphs
    )
    # A 选区 without a 预选 keeps the 姓氏笔画 order and the usual wording.
    paragraphs, _ = text_of(rendered / "03-正式候选人名单公告-第一选区.docx")
    assert "经审查、酝酿和协商" in next(p for p in paragraphs if p.startswith("根据"))
    assert "预选" not in "".join(paragraphs)


def test_a_formal_candidate_behind_a_dropped_one_in_the_preselection_is_an_error(data):
    district(data, "第二选区")["preselection"]["votes"]["黄志明"] = 66
    found = one(findings(data), "PRESELECTION-ORDER")
    assert found.message == (
        "第二选区：正式代表候选人陈立军预选得64票，少于未列为正式代表候选人的黄志明（66票）。经过预选的，应按预选得票"
        "多少确定正式代表候选人；请核对预选得票或 candidates[].formal。"
    )
    assert found.citation == f"{LAW}第三十二条"


def test_a_preselection_vote_for_someone_not_nominated_is_an_error(data):
    district(data, "第二选区")["preselection"]["votes"]["周海"] = 3
    found = one(findings(data), "PRESELECTION-ORDER")
    assert found.message == (
        "第二选区：预选得票中的“周海”不在本选区的代表候选人（candidates）中。请把他列入初步代表候选人，或改正姓名。"
    )


def test_a_preselection_after_the_formal_list_is_an_error(data):
    district(data, "第二选区")["preselection"]["date"] = "2021-06-21"
    found = one(findings(data), "PRESELECTION-DATE")
    assert found.message == (
        "第二选区：预选日期（preselection.date）为2021-06-21，晚于正式代表候选人名单公布日（2021-06-20）；"
        "正式名单应按预选结果确定后公布。请核对日期。"
    )


def test_the_15_and_7_day_rules_hold_for_the_district_lists(data):
    data["schedule"]["initial_candidates_published"] = "2021-06-14"
    data["schedule"]["candidates_published"] = "2021-06-22"
    found = findings(data)
    initial, formal = one(found, "DEADLINE-INITIAL-CANDIDATES"), one(found, "DEADLINE-FORMAL-CANDIDATES")
    assert initial.citation == formal.citation == f"{LAW}第三十二条"
    assert initial.message == (
        "初步候选人名单于 2021年6月14日 公布，距选举日 2021年6月28日 仅 14 日，应在选举日 15 日前公布（最迟 2021年6月13日）。"
        "请核对公布日期；如确实公布晚了，选举日应推迟到 2021年6月29日 或以后。"
    )
    assert formal.message == (
        "正式候选人名单于 2021年6月22日 公布，距选举日 2021年6月28日 仅 6 日，应在选举日 7 日前公布（最迟 2021年6月21日）。"
        "请核对公布日期；如确实公布晚了，选举日应推迟到 2021年6月29日 或以后。"
    )
    assert ids(found) == ["DEADLINE-INITIAL-CANDIDATES", "DEADLINE-FORMAL-CANDIDATES"]


# ---------------------------------------------------------------- results confirmed by the county 选举委员会


def test_results_are_confirmed_and_certificates_issued_by_the_district_committee(rendered):
    paragraphs, rows = text_of(rendered / "06-选举结果公告-第三选区-第2轮另行选举.docx")
    assert paragraphs[3].endswith(
        "根据青山区新城街道选举工作小组的计票结果，经青山区选举委员会确认有效，现将选举结果公告如下："
    )
    assert paragraphs[-2] == "青山区选举委员会"
    assert rows[1:] == [["代表（应选1名）", "赵秀英", "2044", "当选"], ["代表（应选1名）", "石永福", "1580", ""]]
    paragraphs, _ = text_of(rendered / "07-当选证书-许文静.docx")
    assert (
        "在2021年6月28日举行的青山区第十八届人民代表大会代表选举中，你由第二选区选民依法选举，当选为青山区第十八届"
        "人民代表大会代表，经青山区选举委员会确认当选有效。" in paragraphs
    )
    assert paragraphs[-2:] == ["青山区选举委员会", "2021年7月2日"]
