"""documents.plan: the documents of one election, their file names (with duplicates) and catalogue data."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml
from conftest import SAMPLES
from helpers import election_of

from pipeline.documents import GENRE, KINDS, PERSONAL, UnknownKind, find_kind
from pipeline.documents.plan import Meta, date8, file_name, plan, unique_name


def sample(name: str) -> dict:
    return yaml.safe_load((SAMPLES / f"{name}.yaml").read_text(encoding="utf-8"))


def test_file_names_are_sortable_safe_and_made_unique():
    kind = find_kind("certificate")
    assert file_name(kind, "王建国") == "07-当选证书-王建国.docx"
    assert file_name(kind, 'a/b:c*?"<>|') == "07-当选证书-a_b_c_.docx"
    assert file_name(find_kind("committee")) == "01-选举委员会成员公告.docx"
    assert len(file_name(kind, "长" * 400)) == 150 + len(".docx")
    used: set[str] = set()
    names = [unique_name("05-选票-主任.docx", used) for _ in range(3)]
    assert names == ["05-选票-主任.docx", "05-选票-主任-2.docx", "05-选票-主任-3.docx"]
    assert used == set(names)


def test_two_candidates_with_the_same_name_get_two_files():
    data = sample("village-liulin-runoff")
    twin = dict(next(c for c in data["candidates"] if c["name"] == "马德胜"))
    twin["birth"] = "1980-01"
    data["candidates"].append(twin)
    documents = plan(election_of(data))
    pledges = [p.file_name for p in documents if p.kind.key == "candidate_pledge" and "马德胜" in p.file_name]
    # The builder tells them apart by post; the plan adds -2 to the name that is still taken.
    assert pledges == ["04-候选人竞争承诺书-马德胜-委员.docx", "04-候选人竞争承诺书-马德胜-委员-2.docx"]
    names = [p.file_name for p in documents]
    assert len(names) == len(set(names))


def test_meta_of_one_document_of_each_kind():
    documents = plan(election_of(sample("village-liulin-runoff")))
    # The sample lists no roll of names, so its 选民证 wait for one.
    assert [(s.kind.key, s.field) for s in documents.skipped] == [
        ("voter_card", "electorate.groups[].voters"),
        ("staff", "rounds[].tellers、rounds[].staff"),
        ("agenda", "rounds[].tellers、rounds[].staff"),
        ("script", "rounds[].tellers、rounds[].staff"),
    ]
    first = {}
    for planned in documents:
        first.setdefault(planned.kind.key, planned)
    # No void vote in this sample; the 人大 选区 kinds (issue 14.6) and the Party 公推直选 kinds (51–55) do not apply
    # to a village (tests/test_deputy_districts.py, tests/test_party_gongtui.py).
    party = {"gongtui_recommend", "gongtui_request", "plenary_ballot", "plenary_results", "gongtui_report"}
    assert (
        set(first)
        == {k.key for k in KINDS}
        - {"invalid", "voter_card", "staff", "agenda", "script", "districts", "supplementary_voters", "registration"}
        - {"filing"}  # the village profile names no 备案表 (tests/test_documents_agenda.py)
        - {"meeting_notice"}  # all voters vote: the 选举公告 calls them (tests/test_documents_meeting_notice.py)
        - party
    )
    meta = {key: p.meta for key, p in first.items()}
    assert meta["committee"] == Meta(
        "柳林村村民选举委员会成员名单公告", "柳林村民委员会", "20260306", "柳选委〔2026〕1号", "公告", ""
    )
    assert meta["voters"].number == "柳选委〔2026〕2号" and meta["voters"].date == "20260327"
    assert meta["candidates_initial"].title == "柳林村第十二届村民委员会换届选举初步候选人名单公告"
    assert meta["candidates_formal"].number == "柳选委〔2026〕4号"
    assert meta["candidate_pledge"] == Meta(
        "柳林村第十二届村民委员会换届选举候选人竞争承诺书（马德胜）",
        "马德胜",
        "20260418",
        "",
        "承诺书",
        "成文日期留待手写，目录日期取选举日期",
    )
    assert meta["ballot"] == Meta(
        "柳林村第十二届村民委员会换届选举选票（主任）", "柳林村村民选举委员会", "20260418", "", "选票", ""
    )
    assert meta["results"].number == "柳选委〔2026〕5号" and meta["results"].genre == "公告"
    assert meta["certificate"] == Meta(
        "柳林村第十二届村民委员会主任当选证书（刘建华）", "河湾镇人民政府", "20260418", "", "证书", ""
    )
    assert meta["winner_pledge"].author == "刘建华" and meta["winner_pledge"].genre == "承诺书"
    assert meta["discipline_pledge"].author == "王秀兰"
    assert meta["summary"] == Meta(
        "柳林村第十二届村民委员会换届选举工作总结", "柳林村村民选举委员会", "20260418", "", "总结", ""
    )
    assert meta["procedure"] == Meta(
        "柳林村第十二届村民委员会换届选举办法", "柳林村村民选举委员会", "20260310", "", "办法", ""
    )
    assert meta["election_notice"] == Meta(
        "柳林村第十二届村民委员会换届选举公告", "柳林村村民选举委员会", "20260411", "", "公告", ""
    )
    for key, m in meta.items():
        assert m.genre == GENRE[key]
        assert (m.author == first[key].instance.context.get("name")) == (key in PERSONAL)
        assert Meta.from_dict(m.to_dict()) == m


def test_meta_of_the_invalid_notice_takes_the_void_round_s_number_and_date():
    documents = plan(election_of(sample("village-shiqiao-rerun")))
    (void,) = [p for p in documents if p.kind.key == "invalid"]
    assert void.file_name == "06-选举无效公告.docx"
    assert void.meta == Meta(
        "石桥村第十二届村民委员会换届选举无效公告", "石桥村村民选举委员会", "20260418", "石选委〔2026〕5号", "公告", ""
    )
    (results,) = [p for p in documents if p.kind.key == "results"]
    assert results.file_name == "06-选举结果公告-第2轮选举.docx" and results.meta.number == "石选委〔2026〕6号"


def test_skipped_kinds_are_part_of_the_plan_and_only_chooses_kinds():
    election = election_of(sample("party-qinghe-branch"))
    documents = plan(election)
    assert [s.kind.key for s in documents.skipped] == [
        "results", "certificate", "winner_pledge", "summary", "staff", "ballot_count", "agenda", "script",
        "report_form",
        "roster",
    ]  # fmt: skip
    assert documents.skipped[0].field == "rounds[].votes"
    assert not {p.kind.key for p in documents} & {s.kind.key for s in documents.skipped}
    chosen = plan(election, only=["02", "选举委员会成员公告", "committee"])
    assert [p.kind.key for p in chosen] == ["voters", "committee"] and chosen.skipped == []
    assert [s.kind.key for s in plan(election, only="results").skipped] == ["results"]
    with pytest.raises(UnknownKind):
        plan(election, only=["海报"])


def test_date8():
    assert date8("2026年3月8日") == "20260308" and date8(" 2026-3-8 ") == "20260308"
    assert date8(dt.date(2026, 3, 8)) == "20260308" and date8(None) == "" and date8("三月") == ""
    assert Meta.from_dict(None) == Meta() and Meta.from_dict({"title": "x", "other": 1}).title == "x"
