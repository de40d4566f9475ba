"""The right words for each election kind (issue 13, review §1 #4, #9, §2 rows 01–07, S3).

Each test builds the context the way render does and then renders the document, asserting the exact Chinese text
on both: a wording fixed in the builder but lost in the template would otherwise pass.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from helpers import building, deputy, election_of, first_round, party, village

from pipeline.documents import find_kind
from pipeline.render import render_record

COMMITTEE = {"name": "青石县河湾镇选举委员会", "chair": "潘志刚", "members": ["田建伟", "姜海燕"]}


def built(data: dict, kind: str) -> list:
    return find_kind(kind).build(election_of(data))


def rendered(data: dict, kind: str, tmp_path: Path) -> dict[str, str]:
    """{file name: body text, one paragraph a line} of the documents of `kind`."""
    render_record(election_of(data), tmp_path, only=kind)
    out = {}
    for path in sorted(tmp_path.glob("*.docx")):
        xml = zipfile.ZipFile(path).read("word/document.xml").decode("utf-8")
        out[path.name] = "\n".join(
            "".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", p))
            for p in re.findall(r"<w:p[ >].*?</w:p>", xml, re.S)
        )
    return out


def deputy_record(**changes) -> dict:
    return deputy(unit={"name": "青石县河湾镇选举委员会", "parents": ["青石县"]}, committee=COMMITTEE, **changes)


def test_a_township_deputy_committee_is_appointed_by_the_county_standing_committee(tmp_path):
    ctx = built(deputy_record(), "committee")[0].context
    assert ctx["intro"] == (
        "根据《中华人民共和国全国人民代表大会和地方各级人民代表大会选举法》（2020年修正）和有关规定，"
        "经青石县人民代表大会常务委员会任命，青石县河湾镇选举委员会由以下3名成员组成（委员按姓氏笔画为序）。现予公告："
    )
    assert ctx["duties"][1] == "青石县河湾镇选举委员会的组成人员被提名为代表候选人的，应当辞去选举委员会的职务。"
    assert not any("不同意见" in d for d in ctx["duties"])
    text = rendered(deputy_record(), "committee", tmp_path)["01-选举委员会成员公告.docx"]
    assert "经青石县人民代表大会常务委员会任命，青石县河湾镇选举委员会由以下3名成员组成（委员按姓氏笔画为序）。" in text
    assert "经推选" not in text and "五日内" not in text


def test_a_party_working_group_notice_has_no_village_objection_clause(tmp_path):
    data = party(committee={"name": "中共清河社区支部委员会换届选举工作小组", "chair": "付建明", "members": ["温秀梅"]})
    ctx = built(data, "committee")[0].context
    assert ctx["intro"] == (
        "根据《中国共产党基层组织选举工作条例》和有关规定，经支部委员会研究并报上级党组织同意，"
        "中共清河社区支部委员会换届选举工作小组由以下2名成员组成。现予公告："
    )
    assert not any("五日内" in d for d in ctx["duties"])
    text = rendered(data, "committee", tmp_path)["01-选举委员会成员公告.docx"]
    assert "五日内" not in text and "（2020）" not in text
    # A committee the villagers chose still invites objections.
    ctx = built(village(committee={"name": "柳林村村民选举委员会", "chair": "杨德明"}), "committee")[0].context
    assert ctx["duties"][-1] == "对以上成员有不同意见的，可以自本公告发布之日起五日内向柳林村民委员会反映。"


def test_a_deputy_voter_list_names_the_peoples_court(tmp_path):
    ctx = built(deputy_record(), "voters")[0].context
    clause = (
        "对公布的名单有不同意见的，可以自名单公布之日起五日内向选举委员会提出申诉，"
        "选举委员会应当自收到申诉之日起三日内作出处理决定。申诉人对处理决定不服的，可以在选举日的五日以前"
        "向人民法院起诉，人民法院应当在选举日以前作出判决，人民法院的判决为最后决定。"
    )
    assert clause in ctx["notes"]
    assert clause in rendered(deputy_record(), "voters", tmp_path)["02-选民名单公告.docx"]
    # A village roll has no court clause (村委会组织法 knows none).
    assert not any("人民法院" in n for n in built(village(), "voters")[0].context["notes"])


def test_building_notices_cite_the_law_by_its_full_title_and_no_internal_note(tmp_path):
    data = building(committee={"name": "晨光社区楼栋长推选工作小组", "chair": "李红梅"})
    law = "《中华人民共和国城市居民委员会组织法》、社区楼栋长（居民小组长）推选办法"
    assert built(data, "committee")[0].context["intro"].startswith(f"根据{law}和有关规定，")
    texts = rendered(data, "committee", tmp_path / "c") | rendered(data, "candidates_formal", tmp_path / "f")
    for name, text in texts.items():
        assert "地方实践" not in text, name
        assert f"根据{law}和有关规定" in text, name


def test_a_party_pledge_speaks_party_language(tmp_path):
    ctx = built(party(), "candidate_pledge")[0].context
    assert ctx["heading"] == "候选人承诺书"
    assert ctx["items"][0] == "一、遵守党章党规、国家法律法规和选举工作各项规定，服从中共清河社区支部委员会的组织安排。"
    assert ctx["closing"] == "以上承诺接受党员和群众监督。如有违反，本人自愿接受党组织按照有关规定作出的处理。"
    text = next(iter(rendered(party(), "candidate_pledge", tmp_path).values()))
    assert "竞争" not in text and "（2020）" not in text
    assert text.startswith("候选人承诺书\n")
    # Other kinds keep the 竞争承诺书.
    assert built(village(), "candidate_pledge")[0].context["heading"] == "候选人竞争承诺书"


def test_certificates_carry_a_number_from_the_records_settings(tmp_path):
    data = village(rounds=[first_round()], documents={"certificate_prefix": "柳选证", "certificate_first_number": 7})
    numbers = [(i.suffix, i.context["number_text"]) for i in built(data, "certificate")]
    assert numbers == [
        ("刘建华", "编号：柳选证〔2026〕7号"),
        ("王秀兰", "编号：柳选证〔2026〕8号"),
        ("孙丽娟", "编号：柳选证〔2026〕9号"),
    ]
    assert rendered(data, "certificate", tmp_path)["07-当选证书-王秀兰.docx"].startswith("编号：柳选证〔2026〕8号\n")
    plain = built(village(rounds=[first_round()]), "certificate")
    assert [i.context["number_text"] for i in plain] == ["编号：第1号", "编号：第2号", "编号：第3号"]


def with_profile(data: dict, **changes):
    """The election of `data` under its profile with `changes` (a province's setting)."""
    import dataclasses

    e = election_of(data)
    e.profile = dataclasses.replace(e.profile, **changes)
    return e


def test_a_province_that_posts_candidates_by_votes_gets_them_by_votes(tmp_path):
    data = village()
    for c, votes in zip(data["candidates"], (50, 80, 30, 90, 60), strict=True):
        c["nomination_votes"] = votes
    e = with_profile(data, list_order="votes")
    ctx = find_kind("candidates_formal").build(e)[0].context
    posts = ctx["contests"][0]["posts"]
    assert [c["name"] for c in posts[0]["candidates"]] == ["陈志强", "刘建华"]
    assert [c["name"] for c in posts[1]["candidates"]] == ["赵国庆", "孙丽娟", "王秀兰"]
    assert ctx["intro"].endswith("现将正式候选人名单及基本情况公告如下（按得票多少为序，得票相等的以姓氏笔画为序）：")
    # The default stays 姓氏笔画.
    default = find_kind("candidates_formal").build(election_of(data))[0].context
    assert [c["name"] for c in default["contests"][0]["posts"][1]["candidates"]] == ["王秀兰", "孙丽娟", "赵国庆"]
    render_record(e, tmp_path, only="candidates_formal")
    text = rendered_files(tmp_path)["03-正式候选人名单公告.docx"]
    assert "（按得票多少为序，得票相等的以姓氏笔画为序）" in text
    assert text.index("赵国庆") < text.index("孙丽娟") < text.index("王秀兰")


def test_the_results_notice_states_the_publicity_period_where_the_profile_says_so(tmp_path):
    from pipeline.profile import Publicity

    data = village(rounds=[first_round()], documents={"contact": "0730-1234567"})
    e = with_profile(data, results_publicity=Publicity(days=7, to="柳林镇人民政府", article="本省选举办法"))
    line = "本公告自发布之日起公示七日。公示期间，对选举结果有异议的，可以向柳林镇人民政府（联系电话：0730-1234567）实名反映。"
    assert find_kind("results").build(e)[0].context["notes"][-1] == line
    render_record(e, tmp_path, only="results")
    assert line in rendered_files(tmp_path)["06-选举结果公告.docx"]
    assert not any("公示" in n for n in built(data, "results")[0].context["notes"])


def rendered_files(folder: Path) -> dict[str, str]:
    out = {}
    for path in sorted(folder.glob("*.docx")):
        xml = zipfile.ZipFile(path).read("word/document.xml").decode("utf-8")
        out[path.name] = "\n".join(
            "".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", p))
            for p in re.findall(r"<w:p[ >].*?</w:p>", xml, re.S)
        )
    return out


def three_districts() -> dict:
    """A township's 人大 record with three 选区 (1, 3 and 2 seats), each voting in its own place."""
    data = deputy_record(documents={"number_prefix": "河选", "place": "河湾镇人民政府礼堂"})
    names = iter(["王志刚", "李春梅", "张德福", "赵永清", "钱学军", "孙桂兰", "周立新", "吴海燕", "郑国强"])
    contests = []
    for name, seats, count, place in (
        ("第五选区", 1, 2, "第五选区五里村村委会"),
        ("第六选区", 3, 4, "第六选区河湾中学"),
        ("第七选区", 2, 3, None),
    ):
        contest = {
            "name": name,
            "seats": [{"post": "代表", "count": seats}],
            "electorate": {"registered": 1000 * seats},
            "candidates": [
                {"name": next(names), "post": "代表", "nominated_by": "选民十人以上联名推荐"} for _ in range(count)
            ],
        }
        if place:
            contest["place"] = place
        contests.append(contest)
    data["contests"] = contests
    return data


def test_several_districts_get_one_voter_list_each_with_its_own_place_and_number(tmp_path):
    notices = built(three_districts(), "voters")
    assert [n.suffix for n in notices] == ["第五选区", "第六选区", "第七选区"]
    assert ["".join(n.context["title_lines"]) for n in notices] == [
        f"青石县人民代表大会代表选举{d}选民名单公告" for d in ("第五选区", "第六选区", "第七选区")
    ]
    assert [n.context["doc_number"] for n in notices] == ["河选〔2026〕2号", "河选〔2026〕3号", "河选〔2026〕4号"]
    assert [n.context["notes"][-1] for n in notices] == [
        "选举日为2026年11月20日，投票地点为第五选区五里村村委会。请选民按时参加投票。",
        "选举日为2026年11月20日，投票地点为第六选区河湾中学。请选民按时参加投票。",
        "选举日为2026年11月20日，投票地点为河湾镇人民政府礼堂。请选民按时参加投票。",
    ]
    texts = rendered(three_districts(), "voters", tmp_path)
    assert set(texts) == {
        "02-选民名单公告-第五选区.docx",
        "02-选民名单公告-第六选区.docx",
        "02-选民名单公告-第七选区.docx",
    }
    assert "投票地点为第六选区河湾中学" in texts["02-选民名单公告-第六选区.docx"]
    assert "第五选区五里村村委会" not in texts["02-选民名单公告-第六选区.docx"]


def test_several_districts_get_one_candidate_list_each_numbered_after_the_voter_lists():
    notices = built(three_districts(), "candidates_formal")
    assert [(n.suffix, n.context["doc_number"]) for n in notices] == [
        ("第五选区", "河选〔2026〕8号"),
        ("第六选区", "河选〔2026〕9号"),
        ("第七选区", "河选〔2026〕10号"),
    ]
    # Each list holds its own 选区 only, under that 选区's name.
    assert [[c["name"] for c in n.context["contests"]] for n in notices] == [["第五选区"], ["第六选区"], ["第七选区"]]
    assert [len(n.context["contests"][0]["posts"][0]["candidates"]) for n in notices] == [2, 4, 3]


def test_county_deputies_results_are_confirmed_and_signed_by_the_county_committee(tmp_path):
    data = deputy_record()
    data["contests"][0]["rounds"] = [
        {
            "type": "first",
            "date": "2026-11-20",
            "participants": 2900,
            "ballots": {"issued": 2900, "returned": 2900, "invalid": 10},
            "votes": {"代表": {"王志刚": 2000, "李春梅": 1800, "张德福": 900}},
        }
    ]
    ctx = built(data, "results")[0].context
    assert ctx["signatory"] == "青石县选举委员会"
    three = three_districts()
    for contest in three["contests"]:
        seats = contest["seats"][0]["count"]
        names = [c["name"] for c in contest["candidates"]]
        contest["rounds"] = [
            {
                "type": "first",
                "participants": 900 * seats,
                "ballots": {"issued": 900 * seats, "returned": 900 * seats},
                "votes": {"代表": {n: 800 * seats - 10 * i for i, n in enumerate(names)}},
            }
        ]
    titles = ["".join(n.context["title_lines"]) for n in built(three, "results")]
    assert titles == [f"青石县人民代表大会代表选举{d}选举结果公告" for d in ("第五选区", "第六选区", "第七选区")]
    assert ctx["intro"] == (
        "青石县人民代表大会代表选举于2026年11月20日进行投票选举。"
        "根据青石县河湾镇选举委员会的计票结果，经青石县选举委员会确认有效，现将选举结果公告如下："
    )
    text = rendered(data, "results", tmp_path)["06-选举结果公告.docx"]
    assert "经青石县选举委员会确认有效，现将选举结果公告如下：" in text
    assert text.rstrip().endswith("青石县选举委员会\n2026年11月20日")


def test_a_party_candidate_list_shows_the_date_of_joining_instead_of_an_all_party_column(tmp_path):
    data = party()
    joined_dates = ("1995-06", "2002-07", "2008-05", "2013-06", "1990-07", "2010-12")
    for c, joined in zip(data["candidates"], joined_dates, strict=True):
        c["politics"], c["joined_party"] = "中共党员", joined
    ctx = built(data, "candidates_formal")[0].context
    assert ctx["politics_header"] == "入党时间"
    assert ctx["contests"][0]["posts"][0]["candidates"][0]["politics"] == "1995年6月"
    text = rendered(data, "candidates_formal", tmp_path)["03-正式候选人名单公告.docx"]
    assert "出生年月\n文化程度\n入党时间\n" in text and "1995年6月" in text
    assert "政治面貌" not in text and "中共党员" not in text
    # Other kinds keep 政治面貌.
    assert built(village(), "candidates_formal")[0].context["politics_header"] == "政治面貌"
