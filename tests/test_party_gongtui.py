"""Party 公推直选 (issue 14 item 5, seed 002): the 推荐 stage, the 请示/批复, the 委员会's own round, the 报告.

The sample `party-donghua-gongtui.yaml` is the base: 8 people recommended by 88 党员 and 60 群众代表, weights 7/10
and 3/10, more than half of the 党员推荐 votes required, 6 预备人选 for 5 委员; the 党员大会 elects 5 委员, who then
elect the 书记. Each test changes one thing and checks exact figures, messages and the documents' text.
"""

from __future__ import annotations

import subprocess
from fractions import Fraction
from pathlib import Path

import docx
import pytest
import yaml
from conftest import SAMPLES, run_cli
from docx.oxml.ns import qn
from helpers import ERROR, WARNING, checked, election_of, findings, ids, one, profile_with

from pipeline import gongtui
from pipeline import outcome as tally
from pipeline.documents.plan import plan

SAMPLE = SAMPLES / "party-donghua-gongtui.yaml"
PARTY_KINDS = ["gongtui_recommend", "gongtui_request", "plenary_ballot", "plenary_results", "gongtui_report"]


def base() -> dict:
    return yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))


def paragraphs(path: Path) -> list[str]:
    body = docx.Document(str(path)).element.body
    return ["".join(t.text or "" for t in p.iter(qn("w:t"))) for p in body.iter(qn("w:p"))]


def rows(path: Path) -> list[list[str]]:
    out = []
    for table in docx.Document(str(path)).tables:
        for row in table.rows:
            out.append([cell.text for cell in row.cells])
    return out


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("gongtui") / "out"
    run = run_cli("render", str(SAMPLE), "-o", str(out), "--only", "51", "--only", "52", "--only", "53")
    assert run.exit_code == 0, run.stdout + run.stderr
    run = run_cli("render", str(SAMPLE), "-o", str(out), "--only", "54", "--only", "55", "--only", "candidates_formal")
    assert run.exit_code == 0, run.stdout + run.stderr
    return out


# ---------------------------------------------------------------- the 推荐 stage


def test_weights_thresholds_and_quota_give_the_exact_preliminary_list():
    rec = checked(base()).outcome.recommendation
    assert rec is not None
    assert (rec.post, rec.seats, rec.quota, rec.members_present, rec.masses_present) == ("委员", 5, 6, 88, 60)
    by_name = {p.name: p for p in rec.people}
    # 7/10 × 80/88 + 3/10 × 52/60 = 493/550, exactly.
    assert by_name["付建明"].score == Fraction(493, 550)
    assert by_name["付建明"].members_share == Fraction(80, 88)
    assert by_name["石永刚"].score == Fraction(461, 880)
    assert [(p.name, p.rank, p.qualified) for p in rec.people] == [
        ("付建明", 1, True),
        ("温秀梅", 2, True),
        ("龙晓燕", 3, True),  # 66 and 48 beat 段立强's 70 and 41: 0.765 > 0.7618…
        ("段立强", 4, True),
        ("邱振国", 5, True),
        ("黎春燕", 6, True),
        ("石永刚", 7, False),
        ("白桂兰", 0, False),
    ]
    assert by_name["石永刚"].reason == "综合得分排第7名，在6名预备人选名额之外"
    # 40 of 88 is not more than half: she is not ranked at all, whatever her 群众推荐 (50 of 60).
    assert by_name["白桂兰"].reason == "党员推荐得票40票，未超过参加党员推荐的88人的半数（至少须45票）"
    assert by_name["白桂兰"].score is None
    # The 预备人选 in 姓氏笔画 order.
    assert rec.qualified == ["龙晓燕", "付建明", "邱振国", "段立强", "温秀梅", "黎春燕"]
    assert rec.rule == (
        "党员推荐占70%、群众推荐占30%；党员推荐得票须超过参加党员推荐人数的半数；"
        "按综合得分从高到低确定候选人预备人选，人数多于应选人数20%以上"
    )


def test_the_weights_and_minimums_are_profile_data():
    data = base()
    profile = profile_with(
        data,
        recommendation={
            "members_weight": "1/2",
            "masses_weight": "1/2",
            "members_min": None,
            "masses_min": {"fraction": "2/3", "inclusive": True},
            "surplus_percent": 20,
            "article": "某县公推直选办法第八条",
        },
    )
    rec = gongtui.recommendation(data, profile)
    assert rec is not None
    by_name = {p.name: p for p in rec.people}
    # No 党员 minimum: 白桂兰 counts, 1/2 × 40/88 + 1/2 × 50/60 = 85/132. At least 2/3 of 60 = 40 群众推荐票 needed.
    assert by_name["白桂兰"].score == Fraction(85, 132)
    assert by_name["石永刚"].reason == "群众推荐得票30票，未达到参加群众推荐的60人的三分之二（至少须40票）"
    assert by_name["邱振国"].reason == "群众推荐得票39票，未达到参加群众推荐的60人的三分之二（至少须40票）"
    assert rec.qualified == ["龙晓燕", "付建明", "白桂兰", "段立强", "温秀梅", "黎春燕"]
    assert rec.rule.startswith("党员推荐占50%、群众推荐占50%；群众推荐得票须达到参加群众推荐人数的三分之二；")


def test_profile_weights_must_add_up_to_one():
    from pipeline.profile import InvalidProfile

    with pytest.raises(InvalidProfile) as info:
        profile_with(
            base(),
            recommendation={"members_weight": "7/10", "masses_weight": "2/5", "members_min": None, "masses_min": None},
        )
    assert "党员推荐与群众推荐的权重之和应为 1，实为 7/10 + 2/5 = 11/10" in str(info.value)


def test_a_candidate_outside_the_preliminary_list_is_an_error_with_the_exact_score():
    data = base()
    data["candidates"][5] = {**data["candidates"][5], "name": "石永刚"}
    data["rounds"][0]["votes"]["委员"]["石永刚"] = data["rounds"][0]["votes"]["委员"].pop("黎春燕")
    found = one(findings(data), "GONGTUI-NOT-QUALIFIED")
    assert found.severity is ERROR
    assert found.path == "candidates[5].name"
    assert found.message == (
        "委员候选人石永刚不是公开推荐产生的候选人预备人选：综合得分 7/10 × 47/88 + 3/10 × 30/60 = 461/880（52.39%），"
        "综合得分排第7名，在6名预备人选名额之外。按党员推荐占70%、群众推荐占30%；党员推荐得票须超过参加党员推荐人数的半数；"
        "按综合得分从高到低确定候选人预备人选，人数多于应选人数20%以上，预备人选为龙晓燕、付建明、邱振国、段立强、温秀梅、黎春燕。"
        "公推直选的候选人应从预备人选中经上级党组织审查同意后确定；请核对 candidates 或 gongtui.recommendation.votes。"
    )
    assert found.citation == "公推直选实施办法（地方实践）"


def test_a_tie_across_the_last_place_is_left_undecided():
    data = base()
    votes = data["gongtui"]["recommendation"]["votes"]
    votes[6] = {"name": "石永刚", "members": 50, "masses": 45}  # the same as 黎春燕, 6th
    result = checked(data)
    rec = result.outcome.recommendation
    assert rec.tied == ["石永刚", "黎春燕"]
    assert rec.qualified == ["龙晓燕", "付建明", "邱振国", "段立强", "温秀梅"]
    assert [p.rank for p in rec.people if p.name in rec.tied] == [6, 6]
    found = one(result.findings, "GONGTUI-TIE")
    assert found.severity is WARNING
    assert found.message.startswith("公开推荐中石永刚、黎春燕综合得分相同，同在第6名预备人选的位置上")
    # 黎春燕 stands, but is no longer a 预备人选 the rule decided.
    assert "GONGTUI-NOT-QUALIFIED" in ids(result.findings)


def test_more_votes_than_recommenders_is_an_error():
    data = base()
    data["gongtui"]["recommendation"]["votes"][0]["masses"] = 61
    found = one(findings(data), "GONGTUI-VOTES")
    assert found.path == "gongtui.recommendation.votes[0].masses"
    assert found.message == (
        "付建明的群众推荐票61票，多于参加群众推荐的60人，不可能如此。"
        "请核对 gongtui.recommendation.votes 中的票数和参加推荐的人数。"
    )


# ---------------------------------------------------------------- 请示 and 批复


def test_the_approval_is_needed_before_the_list_is_published():
    data = base()
    del data["gongtui"]["approval"]
    found = one(findings(data), "GONGTUI-APPROVAL")
    assert found.severity is WARNING
    assert found.citation == "《中国共产党基层组织选举工作条例》第十四条"
    data = base()
    data["gongtui"]["approval"]["date"] = "2026-10-30"
    found = one(findings(data), "GONGTUI-APPROVAL")
    assert found.severity is ERROR
    assert found.message.startswith("上级党组织的批复日期 2026-10-30 晚于候选人名单公布日期 2026-10-29。")


def test_the_approval_appears_in_the_candidate_list_and_the_report(rendered):
    text = "\n".join(paragraphs(rendered / "03-正式候选人名单公告.docx"))
    assert (
        "根据《中国共产党基层组织选举工作条例》和有关规定，经中共灯湖街道工作委员会批复同意（灯湖党工〔2026〕31号），"
        "中共东华社区支部委员会换届选举候选人预备人选已经确定。"
    ) in text
    report = "\n".join(paragraphs(rendered / "55-选举结果报告.docx"))
    assert "经中共灯湖街道工作委员会批复同意（灯湖党工〔2026〕31号）" in report
    # Before the 批复 arrives the list says what it always said.
    data = base()
    del data["gongtui"]["approval"]
    e = election_of(data)
    formal = next(p for p in plan(e, "candidates_formal"))
    assert "经上级党组织审查同意，" in formal.instance.context["intro"]


def test_the_request_is_an_official_document_with_addressee_attachment_and_note(rendered):
    lines = [p for p in paragraphs(rendered / "52-候选人预备人选请示.docx") if p]
    assert lines[:4] == [
        "关于中共东华社区支部委员会换届选举",
        "候选人预备人选的请示",
        "东支〔2026〕12号",
        "中共灯湖街道工作委员会：",
    ]
    text = "\n".join(lines)
    assert (
        "参加党员推荐的党员88名（应参加96名），参加群众推荐的居民代表、居民小组长和驻区单位代表60名，共推荐8人。"
        in text
    )
    assert "石永刚综合得分排第7名，在6名预备人选名额之外；白桂兰党员推荐得票40票" in text
    assert "拟设委员5名，候选人预备人选6名，差额1名，差额比例为20%。" in text
    assert lines.index("妥否，请批示。") < lines.index("附件：中共东华社区支部委员会委员候选人预备人选名单")
    assert lines.index("（联系人：付建明，电话 028-80000000）") < lines.index("附件")
    table = rows(rendered / "52-候选人预备人选请示.docx")
    assert table[0] == ["姓名", "性别", "民族", "出生年月", "文化程度", "入党时间", "工作单位及职务", "综合得分"]
    assert [r[0] for r in table[1:]] == ["龙晓燕", "付建明", "邱振国", "段立强", "温秀梅", "黎春燕"]
    assert table[2] == ["付建明", "男", "汉族", "1971年4月", "大学本科", "1995年6月", "东华社区党支部书记", "89.64"]
    # The 附件 starts a page of its own.
    head = next(p for p in docx.Document(str(rendered / "52-候选人预备人选请示.docx")).paragraphs if p.text == "附件")
    assert head.paragraph_format.page_break_before is True


def test_the_recommendation_result_lists_every_person_with_both_votes(rendered):
    table = rows(rendered / "51-公推推荐结果.docx")
    assert table[0] == ["名次", "姓名", "党员推荐票", "得票率", "群众推荐票", "得票率", "综合得分", "预备人选"]
    assert table[1] == ["1", "付建明", "80", "90.91%", "52", "86.67%", "89.64", "列入"]
    assert table[7] == ["7", "石永刚", "47", "53.41%", "30", "50.00%", "52.39", "未列入"]
    assert table[8] == ["—", "白桂兰", "40", "45.45%", "50", "83.33%", "—", "未列入"]
    text = "\n".join(paragraphs(rendered / "51-公推推荐结果.docx"))
    assert (
        "龙晓燕、付建明、邱振国、段立强、温秀梅、黎春燕等6名同志（按姓氏笔画为序）列为新一届支部委员会委员候选人预备人选"
        in text
    )
    assert "报中共灯湖街道工作委员会审查" in text


# ---------------------------------------------------------------- the 委员会 elects 书记 and 副书记


def two_step() -> dict:
    data = base()
    data["gongtui"]["plenary"]["seats"] = [{"post": "书记", "count": 1}, {"post": "副书记", "count": 1}]
    data["gongtui"]["plenary"]["candidates"] = [
        {"name": "付建明", "post": "书记"},
        {"name": "温秀梅", "post": "副书记"},
    ]
    data["gongtui"]["plenary"]["rounds"][0]["votes"] = {"书记": {"付建明": 5}, "副书记": {"温秀梅": 3}}
    return data


def test_the_committee_round_has_the_new_members_as_voters():
    result = checked(two_step())
    plenary = result.outcome.plenary
    assert plenary is not None and plenary.name == "支部委员会第一次全体会议"
    assert plenary.elected == {"书记": ["付建明"], "副书记": ["温秀梅"]}
    first = plenary.rounds[0]
    # 5 members elected by the 党员大会 are the electorate: more than 4/5 present, more than half of 5 to win.
    assert (first.turnout_value, first.turnout_base, first.valid) == (5, 5, True)
    assert [p.threshold for p in first.posts] == [3, 3]
    # The 党员大会's own contest is untouched: 5 委员.
    assert result.outcome.contests[0].elected == {"委员": ["付建明", "温秀梅", "龙晓燕", "段立强", "邱振国"]}
    assert not [f for f in result.findings if f.severity is ERROR]


def test_half_of_the_committee_is_not_enough():
    data = two_step()
    data["gongtui"]["plenary"]["rounds"][0]["votes"]["副书记"] = {"温秀梅": 2}
    plenary = checked(data).outcome.plenary
    assert plenary.elected["副书记"] == []
    assert plenary.vacant == {"书记": 0, "副书记": 1}


def test_committee_candidates_and_voters_must_be_the_new_members():
    data = two_step()
    data["gongtui"]["plenary"]["candidates"][1]["name"] = "黎春燕"  # stood, not elected
    data["gongtui"]["plenary"]["rounds"][0]["votes"]["副书记"] = {"黎春燕": 4}
    data["gongtui"]["plenary"]["rounds"][0]["present"] = 6
    found = findings(data)
    assert one(found, "PLENARY-CANDIDATE").message == (
        "支部委员会选举副书记的候选人黎春燕不是党员大会选出的委员（付建明、温秀梅、龙晓燕、段立强、邱振国）。"
        "书记、副书记只能从新当选的委员中选举；请核对 gongtui.plenary.candidates。"
    )
    assert one(found, "PLENARY-PRESENT").path == "gongtui.plenary.rounds[0].present"


def test_too_few_members_present_voids_the_committee_round():
    data = two_step()
    data["gongtui"]["plenary"]["rounds"][0].update(present=4, ballots={"issued": 4, "returned": 4, "invalid": 0})
    found = one(findings(data), "PLENARY-INVALID")
    assert found.message.startswith("支部委员会全体会议第1轮选举无效：")
    assert "五分之四" in found.message


def test_the_committee_ballot_and_result_are_documents_of_their_own(rendered):
    ballot = [p for p in paragraphs(rendered / "53-委员会选举选票-书记.docx") if p]
    assert ballot[0] == "中共东华社区支部委员会第一次全体会议选票"
    assert "付建明" in ballot and "应选书记1名　候选人1名" in ballot
    result = [p for p in paragraphs(rendered / "54-委员会选举结果公告.docx") if p]
    assert result[:2] == ["中共东华社区支部委员会选举书记结果公告", "东支〔2026〕13号"]
    text = "\n".join(result)
    assert "由党员大会选出的5名委员选举书记" in text
    assert "应到会委员5人，实到会委员5人，到会率100.00%，超过五分之四，选举有效。" in text
    assert "按照得票超过实到会委员5人的半数（至少3票）始得当选的规定，付建明当选为书记。" in text


def test_the_report_gives_both_rounds_and_the_new_committee(rendered):
    lines = [p for p in paragraphs(rendered / "55-选举结果报告.docx") if p]
    assert lines[:4] == [
        "关于中共东华社区支部委员会",
        "换届选举结果的报告",
        "东支〔2026〕14号",
        "中共灯湖街道工作委员会：",
    ]
    text = "\n".join(lines)
    assert (
        "本支部有选举权的正式党员96名，实到会90名；发出选票90张，收回90张，其中有效票89张、无效票1张，选举有效。"
        in text
    )
    assert (
        "付建明、温秀梅、龙晓燕、段立强、邱振国当选为委员（按得票多少为序：付建明86票、温秀梅84票、龙晓燕80票、段立强75票、邱振国62票）"
        in text
    )
    assert "书记等额选举，付建明得5票，当选为书记。" in text
    assert "以上选举结果，请予审批。" in text
    table = rows(rendered / "55-选举结果报告.docx")
    assert [(r[0], r[-1]) for r in table[1:]] == [
        ("付建明", "书记"),
        ("龙晓燕", "委员"),
        ("邱振国", "委员"),
        ("段立强", "委员"),
        ("温秀梅", "委员"),
    ]


def test_the_secretary_and_deputy_get_a_certificate_for_the_post_the_committee_elected(tmp_path):
    # Issue 14 item 1: besides the 委员 certificate of the 党员大会, one for the post the plenary elected.
    documents = [p for p in plan(election_of(two_step()), "certificate")]
    names = [p.file_name for p in documents]
    assert names[-2:] == ["07-当选证书-付建明-书记.docx", "07-当选证书-温秀梅-副书记.docx"]
    assert len(names) == 7 and "07-当选证书-付建明.docx" in names
    secretary = documents[-2].instance.context
    assert secretary["text"] == (
        "在2026年11月5日召开的中共东华社区支部委员会第一次全体会议上，你当选为中共东华社区支部委员会书记。"
    )
    assert (secretary["office"], secretary["issuer"]) == ("中共东华社区支部委员会书记", "中共东华社区支部委员会")
    # Numbered after the five 委员 certificates, in the order they are made.
    assert [p.instance.context["number_text"] for p in documents[-2:]] == ["编号：第6号", "编号：第7号"]
    assert documents[-1].meta.title == "中共东华社区支部委员会副书记当选证书（温秀梅）"
    # A vice-secretary not elected (half of the committee is not enough) gets none.
    data = two_step()
    data["gongtui"]["plenary"]["rounds"][0]["votes"]["副书记"] = {"温秀梅": 2}
    names = [p.file_name for p in plan(election_of(data), "certificate")]
    assert names[-1] == "07-当选证书-付建明-书记.docx" and len(names) == 6
    # The rendered certificate says it.
    run = run_cli("render", str(SAMPLE), "-o", str(tmp_path), "--only", "07")
    assert run.exit_code == 0, run.stdout + run.stderr
    text = "\n".join(paragraphs(tmp_path / "07-当选证书-付建明-书记.docx"))
    assert "你当选为中共东华社区支部委员会书记。" in text


# ---------------------------------------------------------------- the catalogue


def test_party_kinds_have_their_numbers_genres_and_apply_only_to_gongtui_records():
    documents = plan(election_of(base()))
    party = {p.kind.key: p for p in documents if p.kind.key in PARTY_KINDS}
    assert sorted(party) == sorted(PARTY_KINDS)
    assert [party[k].file_name for k in PARTY_KINDS] == [
        "51-公推推荐结果.docx",
        "52-候选人预备人选请示.docx",
        "53-委员会选举选票-书记.docx",
        "54-委员会选举结果公告.docx",
        "55-选举结果报告.docx",
    ]
    assert party["gongtui_request"].meta.title == "关于中共东华社区支部委员会换届选举候选人预备人选的请示"
    assert (party["gongtui_request"].meta.genre, party["gongtui_request"].meta.date) == ("请示", "20261022")
    assert (party["gongtui_report"].meta.genre, party["gongtui_report"].meta.number) == ("报告", "东支〔2026〕14号")
    # A Party branch record without 公推直选 and a village record have none of them, and wait for nothing.
    for path in (SAMPLES / "party-qinghe-branch.yaml", SAMPLES / "village-liulin-runoff.yaml"):
        other = plan(election_of(yaml.safe_load(path.read_text(encoding="utf-8"))))
        assert not [p for p in other if p.kind.key in PARTY_KINDS]
        assert not [s for s in other.skipped if s.kind.key in PARTY_KINDS]


def test_documents_wait_for_what_is_missing():
    data = base()
    del data["gongtui"]["request"]
    del data["gongtui"]["plenary"]["rounds"]
    skipped = {s.kind.key: (s.field, s.reason) for s in plan(election_of(data)).skipped}
    assert skipped["gongtui_request"] == ("gongtui.request.to", "记录中还没有请示的主送机关（上级党组织）")
    assert skipped["plenary_results"] == ("gongtui.plenary.rounds[].votes", "委员会选举书记、副书记尚无计票结果")
    assert skipped["gongtui_report"] == ("gongtui.plenary.rounds[].votes", "支部委员会尚未选出书记、副书记")


def test_outcome_json_carries_the_recommendation_as_exact_fractions():
    outcome = checked(base()).outcome
    data = tally.outcome_to_dict(outcome)
    first = data["recommendation"]["people"][0]
    assert (first["name"], first["score"], first["members_share"]) == ("付建明", "493/550", "10/11")
    assert data["plenary"]["elected"] == {"书记": ["付建明"]}
    plain = tally.outcome_to_dict(checked(yaml.safe_load((SAMPLES / "party-qinghe-branch.yaml").read_text())).outcome)
    assert "recommendation" not in plain and "plenary" not in plain


def test_the_request_pdf_puts_the_attachment_on_its_own_page(tmp_path):
    out = tmp_path / "out"
    run = run_cli("render", str(SAMPLE), "-o", str(out), "--only", "52", "--pdf", "--check-layout")
    assert run.exit_code == 0, run.stdout + run.stderr
    assert "版式检查：检查了 1 份文书，发现 0 个问题。" in run.stdout
    pdf = out / "52-候选人预备人选请示.pdf"
    pages = int(
        next(
            line.split()[-1]
            for line in subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout.splitlines()
            if line.startswith("Pages:")
        )
    )
    last = subprocess.run(
        ["pdftotext", "-f", str(pages), "-l", str(pages), "-layout", str(pdf), "-"], capture_output=True, text=True
    ).stdout
    assert last.lstrip().startswith("附件")
    assert "委员候选人预备人选名单" in last and "龙晓燕" in last
    before = subprocess.run(
        ["pdftotext", "-f", "1", "-l", str(pages - 1), str(pdf), "-"], capture_output=True, text=True
    ).stdout
    assert "妥否，请批示。" in before and "龙晓燕　" not in before
