"""An invalid vote followed by a re-election (issue 11 item 1, part A).

A round void by its figures (turnout not reached, more ballots returned than issued) stays in the record; a later
valid round of its type re-runs it. Then the void round's error becomes the 提示 RERUN-HELD and the unit renders;
outcome, notice, certificates, statistics and summaries follow the valid round. Without a valid re-election the
error stays as before.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

import docx
import yaml
from helpers import ERROR, INFO, building, checked, election_of, first_round, one, village

from pipeline.batch import SUMMARY_FILE, run_batch
from pipeline.documents import find_kind
from pipeline.documents import summary as summary_doc

VILLAGE_CITE = "《中华人民共和国村民委员会组织法》（2025年修正）第十八条"
REASON = "首次投票参加投票人数未过半数"

LOW = first_round(
    participants=40,
    ballots={"issued": 40, "returned": 40, "invalid": 0},
    votes={"主任": {"刘建华": 30, "陈志强": 10}, "委员": {"王秀兰": 30, "孙丽娟": 25, "赵国庆": 10}},
)
OVER = first_round(ballots={"issued": 80, "returned": 82, "invalid": 0}, participants=82)
AGAIN = first_round(
    date="2026-04-25",
    reason=REASON,
    votes={"主任": {"陈志强": 60, "刘建华": 18}, "委员": {"王秀兰": 70, "赵国庆": 50, "孙丽娟": 30}},
)
LOW_AGAIN = first_round(
    date="2026-04-25",
    participants=45,
    ballots={"issued": 45, "returned": 45, "invalid": 0},
    votes={"主任": {"陈志强": 40, "刘建华": 5}, "委员": {"王秀兰": 40, "赵国庆": 30, "孙丽娟": 10}},
)

TURNOUT_NOTE = (
    "第 1 轮（首次选举）参加投票 40 人，未超过登记选民 100 人的半数（至少需 51 人），选举无效，"
    f"已于2026年4月25日重新选举（第2轮，原因：{REASON}），选举结果以重新选举为准。"
)
TURNOUT_ERROR = (
    "第 1 轮（首次选举）参加投票 40 人，未超过登记选民 100 人的半数（至少需 51 人），选举无效。"
    "本轮不能产生当选人，应重新组织选举；请先核对人数是否录错。"
)


def record(*rounds: dict) -> dict:
    return village(electorate={"registered": 100}, rounds=list(rounds))


def ids_of(result) -> list[str]:
    return [f.id for f in result.findings]


# ---------------------------------------------------------------- the rules


def test_turnout_failure_then_valid_re_election_passes_with_a_note():
    result = checked(record(LOW, AGAIN))
    assert result.ok, [(f.id, f.message) for f in result.findings]
    note = one(result.findings, "RERUN-HELD")
    assert note.severity is INFO
    assert note.path == "rounds[0].participants"
    assert note.citation == VILLAGE_CITE
    assert note.message == TURNOUT_NOTE
    assert "TURNOUT-MAJORITY" not in ids_of(result)
    contest = result.outcome.contests[0]
    assert contest.elected == {"主任": ["陈志强"], "委员": ["王秀兰", "赵国庆"]}
    assert contest.reruns == {0: 1}
    assert contest.next_steps == ["全部名额均已选出。"]


def test_re_election_without_date_or_reason_still_counts():
    again = first_round(votes=AGAIN["votes"])
    del again["date"]
    result = checked(record(LOW, again))
    assert result.ok
    assert one(result.findings, "RERUN-HELD").message == (
        "第 1 轮（首次选举）参加投票 40 人，未超过登记选民 100 人的半数（至少需 51 人），选举无效，"
        "已重新选举（第2轮），选举结果以重新选举为准。"
    )


def test_more_returned_than_issued_then_re_election():
    result = checked(record(OVER, AGAIN))
    assert result.ok, [(f.id, f.message) for f in result.findings]
    note = one(result.findings, "RERUN-HELD")
    assert note.severity is INFO
    assert note.path == "rounds[0].ballots.returned"
    assert note.message == (
        "第 1 轮（首次选举）收回选票 82 张，多于发出选票数 80 张，本次选举无效，"
        f"已于2026年4月25日重新选举（第2轮，原因：{REASON}），选举结果以重新选举为准。"
    )
    assert "BALLOT-RETURNED" not in ids_of(result)
    assert result.outcome.contests[0].elected == {"主任": ["陈志强"], "委员": ["王秀兰", "赵国庆"]}


def test_a_re_election_that_is_itself_invalid_keeps_both_errors():
    result = checked(record(LOW, LOW_AGAIN))
    assert not result.ok
    errors = [f for f in result.findings if f.id == "TURNOUT-MAJORITY"]
    assert [f.severity for f in errors] == [ERROR, ERROR]
    assert errors[0].message == TURNOUT_ERROR
    assert errors[1].message == (
        "第 2 轮（首次选举）参加投票 45 人，未超过登记选民 100 人的半数（至少需 51 人），选举无效。"
        "本轮不能产生当选人，应重新组织选举；请先核对人数是否录错。"
    )
    assert "RERUN-HELD" not in ids_of(result)
    assert result.outcome.contests[0].elected == {"主任": [], "委员": []}
    assert result.outcome.contests[0].reruns == {}


def test_without_re_election_the_error_stays_as_today():
    result = checked(record(LOW))
    assert not result.ok
    assert (
        one(result.findings, "TURNOUT-MAJORITY").message
        == "参加投票 40 人，" + TURNOUT_ERROR.split("参加投票 40 人，")[1]
    )
    assert "RERUN-HELD" not in ids_of(result)
    over = checked(record(OVER))
    assert one(over.findings, "BALLOT-RETURNED").message == (
        "收回选票 82 张，多于发出选票数 80 张；收回（所投）的选票多于发出选票数的，本次选举无效，"
        "应重新投票。请先核对数字是否录错。"
    )


def test_a_runoff_after_the_re_election_is_not_a_re_election():
    """Only a round of the void round's type repeats it: a 另行选举 alone does not."""
    runoff = {"type": "runoff", "date": "2026-04-25", "posts": ["委员"], "seats": {"委员": 1}}
    runoff |= {"participants": 80, "ballots": {"issued": 80, "returned": 80, "invalid": 0}}
    runoff |= {"votes": {"委员": {"孙丽娟": 50, "赵国庆": 30}}}
    result = checked(record(LOW, runoff))
    assert "TURNOUT-MAJORITY" in ids_of(result)
    assert "RERUN-HELD" not in ids_of(result)


# ---------------------------------------------------------------- documents


def test_results_notice_follows_the_re_election_only():
    (second,) = find_kind("results").build(election_of(record(LOW, AGAIN)))
    assert second.suffix == "第2轮选举"
    assert second.context["intro"].startswith("柳林村村民委员会换届选举于2026年4月25日进行重新选举。")
    assert second.context["contests"][0]["outcome"] == [
        "按照得票超过参加投票的选民80人的半数（至少41票）始得当选的规定，陈志强当选为主任，王秀兰、赵国庆当选为委员。"
    ]
    assert find_kind("06") is find_kind("results")


INVALID_FIGURES = [
    "登记选民100人，参加投票40人，参选率40.00%。",
    "共发出选票40张，收回选票40张，其中有效票40张、无效票0张。",
]


def test_invalid_notice_says_what_failed_by_how_much_under_which_article_and_when_again():
    (notice,) = find_kind("invalid").build(election_of(record(LOW, AGAIN)))
    ctx = notice.context
    assert notice.suffix == ""
    assert ctx["title_lines"] == ["柳林村村民委员会换届选举无效公告"]
    assert ctx["doc_number"] == "（第5号）"
    assert ctx["intro"] == (
        "柳林村村民委员会换届选举于2026年4月18日进行投票选举。经柳林村村民选举委员会清点核对，"
        "现将本轮投票情况公告如下："
    )
    (contest,) = ctx["contests"]
    assert contest["figures"] == INVALID_FIGURES
    assert contest["failures"] == [
        "参加投票40人，未超过登记选民100人的半数（至少需51人），相差11人。",
        f"依照{VILLAGE_CITE}的规定，本轮选举无效，不能产生当选人。",
    ]
    assert contest["next_steps"] == ["经柳林村村民选举委员会决定，定于2026年4月25日重新选举，届时请准时参加投票。"]
    assert ctx["date_text"] == "2026年4月18日"


def test_invalid_notice_before_the_re_election_is_recorded():
    (notice,) = find_kind("invalid").build(election_of(record(LOW)))
    assert notice.context["contests"][0]["next_steps"] == ["重新选举的时间和地点，由柳林村村民选举委员会另行公告。"]
    assert find_kind("results").build(election_of(record(LOW))) == []


def test_invalid_notice_of_too_many_ballots_counts_the_excess():
    (notice,) = find_kind("invalid").build(election_of(record(OVER, AGAIN)))
    assert notice.context["contests"][0]["failures"] == [
        "收回选票82张，多于发出选票80张，多出2张。",
        "依照省级选举办法的规定，本轮选举无效，不能产生当选人。",
    ]


def test_no_invalid_notice_for_a_valid_election_or_a_round_that_only_lacks_figures():
    assert find_kind("invalid").build(election_of(record(first_round()))) == []
    lacking = first_round()
    del lacking["ballots"]
    assert find_kind("invalid").build(election_of(record(lacking))) == []


def _two_buildings(first: dict, second: dict) -> dict:
    data = building()
    other = copy.deepcopy(data["contests"][0]) | {"name": "2号楼"}
    data["contests"].append(other)
    data["contests"][0]["rounds"] = [first]
    data["contests"][1]["rounds"] = [second]
    return data


def test_one_building_void_the_other_valid_keeps_one_results_notice_with_the_reasons():
    low = {
        "type": "first",
        "date": "2026-04-25",
        "participants": 20,
        "ballots": {"issued": 20, "returned": 20, "invalid": 0},
        "votes": {"楼栋长": {"王桂芝": 12, "刘永": 8}},
    }
    good = low | {
        "participants": 40,
        "ballots": {"issued": 40, "returned": 40, "invalid": 0},
        "votes": {"楼栋长": {"王桂芝": 30, "刘永": 10}},
    }
    election = election_of(_two_buildings(low, good))
    assert find_kind("invalid").build(election) == []
    (notice,) = find_kind("results").build(election)
    void = notice.context["contests"][0]
    assert void["figures"][-2:] == [
        "参加投票的户代表20户，未超过登记户数48户的半数（至少需25户），相差5户。",
        "依照“双过半”的规定，1号楼本轮选举无效，不能产生当选人。",
    ], void["figures"]


def test_invalid_notice_renders_and_reads_as_posted(tmp_path):
    from pipeline.render import render_record

    render_record(election_of(record(LOW, AGAIN)), str(tmp_path))
    names = sorted(p.name for p in tmp_path.glob("06-*.docx"))
    assert names == ["06-选举无效公告.docx", "06-选举结果公告-第2轮选举.docx"]
    document = docx.Document(str(tmp_path / "06-选举无效公告.docx"))
    text = [p.text.strip() for p in document.paragraphs if p.text.strip()]
    assert text[:2] == ["柳林村村民委员会换届选举无效公告", "（第5号）"]
    assert text[3:7] == INVALID_FIGURES + [
        "参加投票40人，未超过登记选民100人的半数（至少需51人），相差11人。",
        f"依照{VILLAGE_CITE}的规定，本轮选举无效，不能产生当选人。",
    ]
    assert text[-4:] == [
        "经柳林村村民选举委员会决定，定于2026年4月25日重新选举，届时请准时参加投票。",
        "特此公告。",
        "柳林村村民选举委员会",
        "2026年4月18日",
    ]


def test_certificates_follow_the_re_election():
    instances = find_kind("certificate").build(election_of(record(LOW, AGAIN)))
    text = repr([i.context for i in instances])
    assert "陈志强" in text and "赵国庆" in text
    assert "刘建华" not in text and "孙丽娟" not in text


# ---------------------------------------------------------------- statistics and summaries


def test_statistics_count_the_void_round_and_the_re_election():
    stats = checked(record(LOW, AGAIN)).stats
    assert (stats.invalid_rounds, stats.contests_rerun, stats.contests_rerun_pending) == (1, 1, 0)
    assert (stats.elected, stats.participants, stats.turnout_base) == (3, 80, 100)
    assert stats.filled_first_round == 0
    pending = checked(record(LOW)).stats
    assert (pending.invalid_rounds, pending.contests_rerun, pending.contests_rerun_pending) == (1, 0, 1)
    assert pending.elected == 0
    clean = checked(record(first_round())).stats
    assert (clean.invalid_rounds, clean.contests_rerun, clean.contests_rerun_pending) == (0, 0, 0)


def summary_texts(instance) -> list[str]:
    return [b["text"] for s in instance.context["sections"] for b in s["blocks"] if b["kind"] == "text"]


def test_summary_of_one_record_says_why_and_when():
    texts = summary_texts(summary_doc.build([election_of(record(LOW, AGAIN))]))
    assert any(
        "首次投票因参加投票40人未超过登记选民100人的半数（至少需51人）无效，2026年4月25日重新选举选出3名。" in t
        for t in texts
    ), texts
    over = summary_texts(summary_doc.build([election_of(record(OVER, AGAIN))]))
    assert any("首次投票因收回选票82张多于发出选票80张无效，2026年4月25日重新选举选出3名。" in t for t in over), over


def test_summary_of_many_records_counts_re_elections():
    digests = [
        summary_doc.digest(election_of(record(LOW, AGAIN))),
        summary_doc.digest(election_of(record(first_round()))),
    ]
    texts = summary_texts(summary_doc.build_many(digests, place="河湾镇"))
    assert any("；1个场次投票无效，已重新选举（详见表2）。" in t for t in texts), texts
    assert not any("尚未重新选举" in t for t in texts)


def test_readme_example_is_a_valid_re_election():
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    block = re.search(r"\*\*选举无效后重新选举.*?```yaml\n(.*?)```", readme, re.S)
    assert block is not None
    rounds = yaml.safe_load(block.group(1))["rounds"]
    result = checked(village(electorate={"registered": 100}, rounds=rounds))
    assert result.ok
    assert one(result.findings, "RERUN-HELD").message == (
        "第 1 轮（首次选举）参加投票 40 人，未超过登记选民 100 人的半数（至少需 51 人），选举无效，"
        f"已于2026年4月25日重新选举（第2轮，原因：{REASON}），选举结果以重新选举为准。"
    )


def test_a_batch_renders_the_re_elected_unit_and_counts_it(tmp_path):
    tree = tmp_path / "tree" / "青石县" / "河湾镇"
    tree.mkdir(parents=True)
    (tree / "柳林村.yaml").write_text(yaml.safe_dump(record(LOW, AGAIN), allow_unicode=True), encoding="utf-8")
    other = village(electorate={"registered": 100}, rounds=[first_round()])
    other["unit"] = {"name": "杨庄村民委员会", "short_name": "杨庄村"}
    other["committee"]["name"] = "杨庄村村民选举委员会"
    (tree / "杨庄村.yaml").write_text(yaml.safe_dump(other, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "out"
    result = run_batch(str(tmp_path / "tree"), str(out), jobs=1)
    assert result.failed == 0
    folder = out / "青石县" / "河湾镇" / "柳林村"
    assert list(folder.glob("*.docx"))
    summary = next(out.rglob(SUMMARY_FILE))
    text = "\n".join(p.text for p in docx.Document(str(summary)).paragraphs)
    assert "1个场次投票无效，已重新选举" in text


def test_outcome_text_says_the_void_round_was_re_run():
    from pipeline.cli.text import render_text

    result = checked(record(LOW, AGAIN))
    lines = render_text(result.outcome, result.stats).splitlines()
    assert "    已于2026年4月25日重新选举（第2轮），以重新选举的结果为准。" in lines
    assert "  投票无效 1 轮：已重新选举的场次 1 个，尚未重新选举的场次 0 个。" in lines
