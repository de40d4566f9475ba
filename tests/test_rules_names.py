"""Candidate names with characters missing from the stroke table (NAME-UNKNOWN-CHAR)."""

from __future__ import annotations

import copy

from helpers import ERROR, WARNING, cand, deputy, findings, ids, make, one, profile_with, village

from pipeline.rules import CHECKS, composition, names

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


# ---------------------------------------------------------------- several names in one item (NAME-MULTIPLE)


def test_committee_members_typed_with_chinese_commas_are_one_error():
    data = village()
    data["committee"]["members"] = ["李淑芬，王德明，陈小红，刘卫东"]
    finding = one(findings(data, names.check), "NAME-MULTIPLE")
    assert finding.severity is ERROR
    assert finding.path == "committee.members[0]"
    assert finding.message == (
        "选举委员会委员中的“李淑芬，王德明，陈小红，刘卫东”看起来是多个姓名（用“，”隔开），程序会把它当作一个人。"
        "请拆成单独的几项，每项一个姓名，如 [李淑芬, 王德明, 陈小红, 刘卫东]（半角逗号加空格分隔，或每行一项“- 姓名”）。"
    )


def test_every_separator_is_seen_and_named():
    for text, by in [
        ("周建平、李淑芬", "“、”"),
        ("周建平,李淑芬", "“,”"),
        ("周建平；李淑芬", "“；”"),
        ("周建平;李淑芬", "“;”"),
        ("周建平、李淑芬，王德明", "“、”、“，”"),
    ]:
        data = village(documents={"discipline_signers": ["杨德明", text]})
        finding = one(findings(data, names.check), "NAME-MULTIPLE")
        assert finding.path == "documents.discipline_signers[1]"
        assert finding.message.startswith(
            f"签订严肃换届纪律承诺书人员（discipline_signers）中的“{text}”看起来是多个姓名（用{by}隔开）"
        )


def test_space_separated_names_are_a_warning_but_a_stray_space_is_not():
    data = village(
        electorate={"registered": 3, "groups": [{"name": "第一组", "voters": ["杜英晓 陈华 王小红", "张 志刚"]}]}
    )
    finding = one(findings(data, names.check), "NAME-MULTIPLE")
    assert finding.severity is WARNING
    assert finding.path == "electorate.groups[0].voters[0]"
    assert finding.message == (
        "第一组选民名单中的“杜英晓 陈华 王小红”看起来是多个姓名（用空格隔开），程序会把它当作一个人。"
        "请拆成单独的几项，每项一个姓名，如 [杜英晓, 陈华, 王小红]（半角逗号加空格分隔，或每行一项“- 姓名”）。"
    )


def test_single_names_with_notes_or_latin_letters_are_not_split():
    for name in ("王芳（大）", "John Smith", "阿依古丽·买买提", "张 志刚", "欧阳娜娜"):
        assert names.split_names(name) is None, name
    assert names.split_names("李四，") is None  # a stray comma after one name: still one name
    assert names.split_names("杜英晓 陈华") == (["杜英晓", "陈华"], "空格")


def test_candidates_tellers_and_proxies_are_looked_at():
    data = _village_with(cand("赵四，钱五", "委员"))
    data["rounds"] = [
        {
            "type": "first",
            "tellers": ["韩志远、冯玉珍"],
            "proxies": [{"holder": "宋国富", "principals": ["宋晓东，宋晓雪"]}],
        }
    ]
    found = [f for f in findings(data, names.check) if f.id == "NAME-MULTIPLE"]
    assert [(f.path, f.message.split("中的")[0]) for f in found] == [
        ("candidates[5].name", "候选人名单"),
        ("rounds[0].tellers[0]", "监票人"),
        ("rounds[0].proxies[0].principals[0]", "委托人名单"),
    ]


def test_each_contest_is_named():
    data = deputy()
    second = copy.deepcopy(data["contests"][0])
    second["name"] = "第八选区"
    second["candidates"][0]["name"] = "王一、王二"
    data["contests"].append(second)
    found = [f for f in findings(data, names.check) if f.id == "NAME-MULTIPLE"]
    assert [f.path for f in found] == ["contests[1].candidates[0].name"]
    assert found[0].message.startswith("第八选区：候选人名单中的“王一、王二”看起来是多个姓名")


# ---------------------------------------------------------------- one person, however the spaces fall (composition)


def test_a_candidate_listed_twice_with_a_space_is_a_duplicate():
    data = _village_with(cand("王 秀兰", "委员", "女"))
    finding = one(findings(data, composition.check), "CANDIDATE-DUPLICATE")
    assert finding.path == "candidates[5].name"
    assert finding.message.startswith("委员职位的候选人“王 秀兰”重复列入（candidates 第 3 项和第 6 项）。")


def test_a_candidate_for_two_posts_with_different_widths_is_one_person():
    data = _village_with(cand("刘建华 ", "委员"))
    data["candidates"][5]["name"] = "刘　建华"
    finding = one(findings(data, composition.check), "CANDIDATE-MULTI-POST")
    assert finding.message.startswith("“刘建华”同时列为主任、委员职位的候选人。")


def test_committee_members_and_tellers_who_stand_are_found_through_spaces():
    data = village()
    data["committee"]["members"] = ["韩志远", "赵 国庆"]
    data["rounds"] = [{"type": "first", "tellers": ["刘 建华"]}]
    found = findings(data, composition.check)
    assert one(found, "COMMITTEE-CANDIDATE").message.startswith("选举委员会委员 赵 国庆 被提名为委员候选人")
    assert one(found, "TELLER-CANDIDATE").message.startswith("监票人员 刘 建华 是候选人。")
