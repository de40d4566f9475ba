"""参会通知 (26, issue 14 item 5): the notice calling the meeting that votes, for elections held by a meeting."""

from __future__ import annotations

import yaml
from conftest import SAMPLES
from helpers import election_of

from pipeline.documents import find_kind
from pipeline.documents.plan import plan


def sample(name: str) -> dict:
    return yaml.safe_load((SAMPLES / name).read_text(encoding="utf-8"))


def notice(data: dict):
    (planned,) = [p for p in plan(election_of(data), "meeting_notice")]
    return planned


def test_the_household_meeting_is_called_with_time_place_people_agenda_and_what_to_bring():
    planned = notice(sample("residents-yangguang.yaml"))
    ctx = planned.instance.context
    assert planned.file_name == "26-参会通知.docx"
    assert ctx["title_lines"] == ["阳光社区居民委员会", "关于召开户代表会议的通知"]
    assert ctx["addressee"] == "各位户代表："
    assert [s["heading"] for s in ctx["sections"]] == [
        "一、会议时间",
        "二、会议地点",
        "三、参会人员",
        "四、会议议程",
        "五、有关要求",
    ]
    lines = [line for s in ctx["sections"] for line in s["lines"]]
    assert lines[0] == "2026年3月18日08:30。"
    assert lines[1] == "阳光社区党群服务中心。"
    assert lines[2] == "本次选举的户代表（共1486名）。"
    assert "无记名投票选举主任1名、副主任1名、委员3名" in lines[3]
    assert lines[4] == "请携带参选证，提前十分钟到场签到。"
    assert ctx["signatory"] == "阳光社区居民选举委员会"
    assert (planned.meta.genre, planned.meta.title) == ("通知", "阳光社区居民委员会关于召开户代表会议的通知")


def test_the_party_meeting_notice_says_members_may_not_vote_by_proxy():
    ctx = notice(sample("party-donghua-gongtui.yaml")).instance.context
    assert ctx["title_lines"][-1] == "关于召开党员大会的通知"
    assert ctx["addressee"] == "各位党员："
    lines = [line for s in ctx["sections"] for line in s["lines"]]
    assert "本支部有选举权的正式党员（共96名）。" in lines
    assert lines[-1] == "因故不能参加的，请会前向中共东华社区支部委员会请假；因故未出席会议的党员不能委托他人代为投票。"
    # No staff start time in this record: the time is left to a later notice.
    assert lines[0] == "2026年11月5日（具体时间另行通知）。"


def test_a_direct_vote_of_all_voters_gets_the_election_notice_instead():
    documents = plan(election_of(sample("village-liulin-runoff.yaml")))
    assert not [p for p in documents if p.kind.key == "meeting_notice"]
    assert not [s for s in documents.skipped if s.kind.key == "meeting_notice"]
    assert find_kind("26").key == "meeting_notice" and find_kind("参会通知").number == 26
