"""The other bodies of a 换届 (issue 14 item 4): 监督委员会 回避, 一肩挑, the two-tier count and each body's wording."""

from __future__ import annotations

import shutil

import docx
import yaml
from conftest import SAMPLES, run_cli
from helpers import cand, first_round, one, party, village

from pipeline import check, profile
from pipeline.findings import Severity

SUPERVISORY = SAMPLES / "community-baiyu-supervisory.yaml"
GROUP_LEADERS = SAMPLES / "community-baiyu-group-leaders.yaml"
TWO_TIER = SAMPLES / "building-chenguang-group-leaders.yaml"
FIRST_TIER = SAMPLES / "building-leaders-chenguang.yaml"
CITED = "《中华人民共和国村民委员会组织法》第三十二条"


def sample(path) -> dict:
    return _dates_as_text(yaml.safe_load(path.read_text(encoding="utf-8")))


def _dates_as_text(value):
    """PyYAML reads 2026-04-12 as a date; a record keeps it as text."""
    if isinstance(value, dict):
        return {k: _dates_as_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_dates_as_text(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def text_of(path) -> str:
    document = docx.Document(str(path))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def write(tmp_path, name: str, data: dict):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


# ---------------------------------------------------------------- kinds and profiles


def test_new_kinds_have_profiles_and_starters():
    built = profile.profiles()
    assert built["supervisory_committee-local"].relatives.committee_members.severity == "error"
    assert built["group_leader-local"].turnout.threshold("household_representative").describe() == "不少于三分之二"
    assert built["group_leader-local"].turnout.threshold("leaders_and_representatives").describe() == "超过半数"
    for alias, kind in [
        ("居务监督委员会", "supervisory_committee"),
        ("村民小组长", "group_leader"),
        ("居民代表", "representative"),
    ]:
        run = run_cli("new", alias, "-o", "/dev/null", "--force")
        assert run.exit_code == 0, run.stderr
        assert check.check_data(_dates_as_text(yaml.safe_load(_starter(kind)))).ok


def _starter(kind: str) -> str:
    from pipeline import starter

    return starter.starter_text(kind)


# ---------------------------------------------------------------- 监督委员会: 村（居）民委员会成员及其近亲属回避


def test_supervisory_sample_passes_and_a_committee_member_or_relative_may_not_stand():
    data = sample(SUPERVISORY)
    assert check.check_data(data).findings == []
    data["candidates"][3]["name"] = "刘淑芬"  # a member of the new 居民委员会
    data["rounds"][0]["votes"]["委员"] = {"林秀珍": 31, "徐建华": 27, "刘淑芬": 17}
    data["candidates"][2]["relatives"] = [{"name": "王国强", "relation": "配偶"}]
    result = check.check_data(data, "白玉.yaml")
    member = one(result.findings, "SUPERVISORY-COMMITTEE-MEMBER")
    assert member.severity is Severity.ERROR
    assert member.message == (
        "委员候选人 刘淑芬 是同届居民委员会成员。居民委员会成员及其近亲属不得担任居务监督委员会成员，"
        "请让其退出（标记 withdrawn: true）或另行推选候选人。"
    )
    assert member.path == "candidates[3].name"
    assert member.citation == CITED
    relative = one(result.findings, "SUPERVISORY-RELATIVE")
    assert relative.message == (
        "委员候选人 徐建华 是同届居民委员会成员 王国强 的配偶。居民委员会成员及其近亲属不得担任居务监督委员会成员，"
        "请让其退出（标记 withdrawn: true）或另行推选候选人。"
    )
    assert not result.ok


def test_supervisory_relation_declared_the_other_way_and_without_members():
    data = sample(SUPERVISORY)
    data["body"] = "村务监督委员会"
    data["relatives"] = [{"person": "陈志刚", "name": "黄德明", "relation": "子女"}]
    relative = one(check.check_data(data).findings, "SUPERVISORY-RELATIVE")
    assert relative.message.startswith("主任候选人 黄德明 是同届村民委员会成员 陈志刚 的父母。村民委员会成员及其近亲属")
    del data["same_term"]
    missing = one(check.check_data(data).findings, "SUPERVISORY-MEMBERS-MISSING")
    assert missing.severity is Severity.INFO
    assert missing.message == (
        "没有填写同届村民委员会成员，无法检查村民委员会成员及其近亲属不得担任村务监督委员会成员的规定；"
        "请在 same_term.committee_members 中填写新一届村民委员会全体成员的姓名。"
    )


def test_a_body_that_does_not_fit_the_kind():
    data = sample(GROUP_LEADERS)
    data["body"] = "居务监督委员会"
    finding = one(check.check_data(data).findings, "BODY-KIND")
    assert finding.message == (
        "所选组织“居务监督委员会”与选举类型“村（居）民小组长”不符；此类型的 body 应为村民小组长或居民小组长。"
    )
    assert finding.path == "body"


# ---------------------------------------------------------------- 楼栋长 → 小组长: nobody counted twice


def test_two_tiers_count_each_person_once(tmp_path):
    second = check.check_data(sample(TWO_TIER)).stats
    assert (second.elected, second.repeat_members, second.members) == (2, 2, 0)
    assert second.sex["女"] == 0 and second.party == 0
    for path in (FIRST_TIER, TWO_TIER):
        shutil.copy(path, tmp_path / path.name)
    out = tmp_path / "总结.docx"
    run = run_cli("summary", str(tmp_path), "-o", str(out))
    assert run.exit_code == 0, run.stdout + run.stderr
    text = text_of(out)
    # 4 楼栋长 and 2 小组长 are 6 posts but 4 people: the summary used to say 新当选的6名成员.
    assert "应选6名，正式候选人13名，当选6名。" in text
    assert (
        "新当选的4名成员中（另有2名当选人已在同届第一级选举中当选，不重复计算），女性1名，占25.00%；"
        "中共党员（含预备党员）3名，占75.00%；连任2名，占50.00%"
    ) in text
    assert "新当选的6名成员" not in text


def test_second_tier_documents_name_its_electors_and_groups(tmp_path):
    run = run_cli("render", str(TWO_TIER), "-o", str(tmp_path))
    assert run.exit_code == 0, run.stdout + run.stderr
    results = text_of(tmp_path / "06-选举结果公告.docx")
    assert "晨光社区第三届居民小组长选举" in results
    assert "楼栋长和居民代表总数8人，参加投票的楼栋长和居民代表8人，参选率100.00%，超过半数，选举有效。" in results
    assert "王桂芝当选为组长" in results and "周建平当选为组长" in results
    assert "你当选为晨光社区第一居民小组组长。" in text_of(tmp_path / "07-当选证书-王桂芝.docx")
    assert "楼栋长和居民代表名单公告" in text_of(tmp_path / "02-选民名单公告.docx")
    summary = text_of(tmp_path / "10-换届选举工作总结.docx")
    assert "当选的2人均已在同届第一级选举中当选，已在该级统计，不再重复统计成员结构。" in summary
    assert "表2" not in summary


# ---------------------------------------------------------------- each body's wording


def test_supervisory_documents_name_the_body_and_its_law(tmp_path):
    run = run_cli("render", str(SUPERVISORY), "-o", str(tmp_path))
    assert run.exit_code == 0, run.stdout + run.stderr
    certificate = text_of(tmp_path / "07-当选证书-黄德明.docx")
    assert (
        "在2026年4月12日举行的白玉社区第十二届居务监督委员会选举中，你当选为白玉社区第十二届居务监督委员会主任。"
        in (certificate)
    )
    notice = text_of(tmp_path / "03-正式候选人名单公告.docx")
    assert notice.count("根据《中华人民共和国城市居民委员会组织法》、社区居务监督委员会推选办法和有关规定") == 1
    assert "村民委员会组织法" not in notice
    results = text_of(tmp_path / "06-选举结果公告.docx")
    assert "居民代表总数42人，参加投票的居民代表40人，参选率95.24%，不少于三分之二，选举有效。" in results
    assert "黄德明当选为主任，林秀珍、徐建华当选为委员。" in results
    pledge = text_of(tmp_path / "08-当选履职承诺书-黄德明.docx")
    assert "每年向居民会议或居民代表会议报告履职情况。" in pledge
    summary = text_of(tmp_path / "10-换届选举工作总结.docx")
    assert "选举产生居务监督委员会成员3名，其中主任1名、委员2名。" in summary


def test_representatives_and_group_leaders_read_as_their_bodies(tmp_path):
    run = run_cli("render", str(SAMPLES / "community-baiyu-representatives.yaml"), "-o", str(tmp_path / "r"))
    assert run.exit_code == 0, run.stdout + run.stderr
    assert "你当选为白玉社区第一居民小组居民代表。" in text_of(tmp_path / "r" / "07-当选证书-唐志华.docx")
    assert "唐志华、黄德明、蒋桂英当选为居民代表" in text_of(tmp_path / "r" / "06-选举结果公告.docx")
    run = run_cli("render", str(GROUP_LEADERS), "-o", str(tmp_path / "g"))
    assert run.exit_code == 0, run.stdout + run.stderr
    assert "每年向本居民小组会议报告履职情况。" in text_of(tmp_path / "g" / "08-当选履职承诺书-彭永红.docx")
    results = text_of(tmp_path / "g" / "06-选举结果公告.docx")
    assert "登记户数86户，参加投票的户代表66户，参选率76.74%，不少于三分之二，选举有效。" in results


# ---------------------------------------------------------------- 一肩挑 and 交叉任职 across two records


def _two_committees(tmp_path):
    committee = village(candidates=[cand("刘建华", "主任"), cand("陈志强", "主任")] + village()["candidates"][2:])
    committee["rounds"] = [first_round()]
    branch = party(members=2, candidates=3)
    branch["unit"] = {"name": "中共柳林村支部委员会", "short_name": "柳林村党支部"}
    branch["candidates"] = [
        cand("刘建华", "书记"),
        cand("王秀兰", "委员", "女"),
        cand("段立强", "委员"),
        cand("龙晓燕", "委员", "女"),
    ]
    branch["rounds"] = [
        {
            "type": "first",
            "date": "2026-05-12",
            "present": 40,
            "ballots": {"issued": 40, "returned": 40, "invalid": 0},
            "votes": {"书记": {"刘建华": 38}, "委员": {"王秀兰": 35, "段立强": 30, "龙晓燕": 10}},
        }
    ]
    return write(tmp_path, "柳林村村委会.yaml", committee), write(tmp_path, "柳林村党支部.yaml", branch)


def test_one_shoulder_and_cross_holding_are_reported(tmp_path):
    committee, _ = _two_committees(tmp_path)
    run = run_cli("check", str(tmp_path))
    lines = [line for line in run.stdout.splitlines() if "CROSS-" in line]
    assert lines == [
        f"{committee}:25:9  提示  CROSS-ONE-SHOULDER  “一肩挑”：刘建华 当选中共柳林村支部委员会书记，又当选柳林村民委员会主任"
        "（党组织选举记录 柳林村党支部.yaml）。两委分别统计时此人在两处各计一次，汇总中另列“一肩挑”。（字段 candidates[0].name）",
        f"{committee}:31:9  提示  CROSS-HOLDING  交叉任职：王秀兰 当选中共柳林村支部委员会委员，又当选柳林村民委员会委员"
        "（党组织选举记录 柳林村党支部.yaml）。两委分别统计时此人在两处各计一次，汇总中另列交叉任职。（字段 candidates[2].name）",
    ]
    alone = check.check_files([str(committee)])
    assert [f.id for f in alone[0].findings if f.id.startswith("CROSS-")] == []
    out = tmp_path / "总结.docx"
    run = run_cli("summary", str(tmp_path), "-o", str(out))
    assert run.exit_code == 0, run.stdout + run.stderr
    assert (
        "党组织书记经选举担任村（居）民委员会主任、实行“一肩挑”的单位1个（柳林村刘建华）；"
        "党组织成员与村（居）民委员会成员交叉任职1人（柳林村王秀兰）。"
    ) in text_of(out)
