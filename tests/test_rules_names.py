"""Candidate names with characters missing from the stroke table (NAME-UNKNOWN-CHAR)."""

from __future__ import annotations

from helpers import WARNING, cand, deputy, findings, ids, make, one, profile_with, village

from pipeline.rules import CHECKS, names

CITATION = "GF 3003-1999《姓氏笔画排序规则》"


def _village_with(*extra: dict) -> dict:
    data = village()
    data["candidates"] = data["candidates"] + list(extra)
    return data


def test_unknown_character_gives_a_warning_at_the_name():
    found = findings(_village_with(cand("𠀀某", "委员")), names.check)
    finding = one(found, "NAME-UNKNOWN-CHAR")
    assert finding.severity is WARNING
    assert finding.path == "candidates[5].name"
    assert finding.line is not None
    assert finding.citation == CITATION
    assert finding.message == (
        "姓名“𠀀某”中的“𠀀”不在笔画表中，名单按姓氏笔画排序时该姓名排在同位置已知字之后，请人工核对顺序。"
    )


def test_the_check_runs_with_all_checks():
    assert names.check in CHECKS
    found = findings(_village_with(cand("𠀀某", "委员")))
    assert ids(found) == ["NAME-UNKNOWN-CHAR"]


def test_known_names_give_nothing():
    assert findings(village(), names.check) == []
    assert findings(deputy(), names.check) == []


def test_every_unknown_character_is_named_once():
    found = findings(_village_with(cand("王Anna", "委员", "女")), names.check)
    assert one(found, "NAME-UNKNOWN-CHAR").message == (
        "姓名“王Anna”中的“A”“n”“a”不在笔画表中，名单按姓氏笔画排序时该姓名排在同位置已知字之后，请人工核对顺序。"
    )


def test_notes_in_brackets_and_middle_dots_are_not_reported():
    data = _village_with(cand("王芳（大）", "委员", "女"), cand("买买提·艾力", "委员"), cand("王 芳", "委员", "女"))
    assert findings(data, names.check) == []


def test_the_same_name_for_two_posts_is_reported_once():
    found = findings(_village_with(cand("𠀀某", "主任"), cand("𠀀某", "委员")), names.check)
    assert [f.path for f in found] == ["candidates[5].name"]


def test_contests_have_their_own_paths_and_labels():
    data = deputy()
    second = dict(
        data["contests"][0], name="第八选区", candidates=[cand(n, "代表") for n in ("钱学军", "𠀀某", "周立新")]
    )
    data["contests"] = [data["contests"][0], second]
    finding = one(findings(data, names.check), "NAME-UNKNOWN-CHAR")
    assert finding.path == "contests[1].candidates[1].name"
    assert finding.message.startswith("第八选区：姓名“𠀀某”中的“𠀀”不在笔画表中，")


def test_wording_follows_the_profile_order():
    record = make(_village_with(cand("𠀀某", "委员")))
    fullname = names.check(record, profile_with(record.data, strokes_convention="fullname"))
    assert "名单按姓名笔画排序时该姓名排在同位置已知字之后" in one(fullname, "NAME-UNKNOWN-CHAR").message
    by_votes = names.check(record, profile_with(record.data, list_order="votes"))
    assert one(by_votes, "NAME-UNKNOWN-CHAR").message == (
        "姓名“𠀀某”中的“𠀀”不在笔画表中，得票相等的候选人按姓氏笔画排列时该姓名排在同位置已知字之后，请人工核对顺序。"
    )
