"""The document catalogue and its context builders: ready values, order, numbers, what each waits for."""

from __future__ import annotations

import copy
import re

import pytest
from conftest import SAMPLES
from helpers import checked, election_of

from pipeline import check, records, strokes
from pipeline.documents import KINDS, Election, UnknownKind, Waiting, find_kind, list_templates
from pipeline.documents import summary as summary_doc
from pipeline.documents.common import NotEvaluated, split_title, titled
from pipeline.documents.notices import roll_lines
from pipeline.render import TEMPLATES_DIR, compile_template

SAMPLE_FILES = sorted(SAMPLES.glob("*.yaml"))


def load(name: str) -> dict:
    record, findings = records.load(str(SAMPLES / f"{name}.yaml"))
    assert record is not None, findings
    return record.data


@pytest.fixture(scope="module")
def elections() -> dict[str, Election]:
    return {path.stem: election_of(load(path.stem), file=str(path)) for path in SAMPLE_FILES}


def build(e: Election, kind: str):
    return find_kind(kind).build(e)


def walk(value, path=""):
    """Every variable path of a context, list indices written as []: contests[].posts[].heading."""
    if isinstance(value, dict):
        for key, item in value.items():
            sub = f"{path}.{key}" if path else key
            yield sub
            yield from walk(item, sub)
    elif isinstance(value, (list, tuple)):
        for item in value:
            if isinstance(item, dict):
                yield from walk(item, f"{path}[]")


# --------------------------------------------------------------------------------------------
# The catalogue
# --------------------------------------------------------------------------------------------
def test_an_election_reuses_the_evaluation_of_its_check():
    result = checked(load("village-liulin-runoff"))
    e = Election.from_check(result)
    assert e.profile is result.profile and e.outcome is result.outcome and e.stats is result.stats
    assert [v.name for v in e.views] == [v.name for v in result.views] == ["柳林村"]


def test_check_data_evaluates_data_already_read_as_check_file_does():
    path = SAMPLES / "residents-yangguang.yaml"
    from_file, from_data = check.check_file(str(path)), check.check_data(load("residents-yangguang"), str(path))
    assert from_data.evaluated and from_data.findings == from_file.findings == []
    assert Election.from_check(from_data).outcome == Election.from_check(from_file).outcome


@pytest.mark.parametrize(
    "text",
    ["kind: village_committee\nunit: 柳林村\n", "kind: [\n"],
    ids=["schema-errors", "unreadable"],
)
def test_no_election_from_a_check_without_outcome(text):
    record, findings = records.parse(text, "bad.yaml")
    result = (
        check.check_record(record, findings) if record is not None else check.CheckResult("bad.yaml", None, findings)
    )
    assert not result.evaluated and result.outcome is None
    with pytest.raises(NotEvaluated) as info:
        Election.from_check(result)
    assert str(info.value) == "bad.yaml：记录未通过格式校验，无法计算选举结果，不能生成文书；请先按校验提示改正。"
    assert info.value.code == 2


def test_catalogue_has_every_kind_once_with_its_template():
    keys = [k.key for k in KINDS]
    # The kinds of issue 14 come after these, each area's after its marker (Party 公推直选: 51–55).
    party = ["gongtui_recommend", "gongtui_request", "plenary_ballot", "plenary_results", "gongtui_report"]
    assert [k for k in keys if k in party] == party
    assert [k.number for k in KINDS if k.key in party] == [51, 52, 53, 54, 55]
    assert keys[:12] == [
        "committee",
        "voters",
        "candidates_initial",
        "candidates_formal",
        "candidate_pledge",
        "ballot",
        "results",
        "invalid",
        "certificate",
        "winner_pledge",
        "discipline_pledge",
        "summary",
    ]
    areas = {  # issue 14, each area's kinds after its marker, in its number range
        (11, 19): ["procedure", "election_notice", "voter_card", "proxy"],
        (21, 39): ["staff", "tally", "ballot_count", "agenda", "script", "report_form", "roster", "filing"],
        (61, 69): ["districts", "supplementary_voters", "registration"],
    }
    for (low, high), area in areas.items():
        assert [k for k in keys if k in area] == area
        assert all(low <= k.number <= high for k in KINDS if k.key in area)
    assert len(keys) == len(set(keys))
    for kind in KINDS:
        assert (TEMPLATES_DIR / kind.template).exists(), kind.template
    # Both candidate lists share one template; file prefixes sort in the order of the work.
    assert find_kind("candidates_initial").template == find_kind("candidates_formal").template
    assert find_kind("candidates_formal").prefix == "03-正式候选人名单公告"
    assert find_kind("certificate").prefix == "07-当选证书"


@pytest.mark.parametrize("name", ["results", "选举结果公告", "06", "6", "结果公告"])
def test_find_kind_by_key_title_number_or_alias(name):
    assert find_kind(name).key == "results"


def test_unknown_kind_lists_the_known_ones():
    with pytest.raises(UnknownKind) as info:
        find_kind("选举海报")
    assert "没有名为“选举海报”的文书种类" in str(info.value)
    assert "results（选举结果公告）" in str(info.value)


def test_list_templates_describes_every_kind_and_variable():
    infos = list_templates()
    assert [i.key for i in infos] == [k.key for k in KINDS]
    text = "\n".join(line for info in infos for line in info.lines())
    assert "templates/选票.docx" in text
    assert "doc_number" in text and "阳选委〔2026〕3号" in text
    only = list_templates("当选证书")
    assert len(only) == 1 and only[0].key == "certificate"
    assert only[0].file_name == "07-当选证书-王建国.docx"
    with pytest.raises(UnknownKind):
        list_templates("nothing")


@pytest.mark.parametrize("kind", [k.key for k in KINDS])
def test_every_template_variable_is_documented(kind):
    """`huanjie templates KIND` names every variable the default template uses at its top level."""
    k = find_kind(kind)
    compiled = compile_template(TEMPLATES_DIR / k.template)
    assert compiled.variables, k.template
    undocumented = sorted(v for v in compiled.variables if v not in k.variables)
    assert not undocumented, f"{k.template} uses undocumented variables {undocumented}"


def test_every_context_value_is_documented(elections):
    """Every key a builder hands a template, nested ones included, has a description."""
    for e in elections.values():
        for kind in KINDS:
            try:
                instances = kind.build(e)
            except Waiting:
                continue
            for instance in instances:
                missing = sorted(set(p for p in walk(instance.context) if p not in kind.variables))
                assert not missing, f"{kind.key}: undocumented {missing}"


def test_contexts_hold_only_ready_values(elections):
    """Templates get strings, numbers, booleans and lists of them: nothing to compute."""

    def check(value, where):
        if isinstance(value, dict):
            for k, v in value.items():
                check(v, f"{where}.{k}")
        elif isinstance(value, list):
            for i, v in enumerate(value):
                check(v, f"{where}[{i}]")
        else:
            assert isinstance(value, (str, int, bool)), f"{where} is {type(value).__name__}"

    for e in elections.values():
        for kind in KINDS:
            try:
                instances = kind.build(e)
            except Waiting:
                continue
            for instance in instances:
                check(instance.context, kind.key)


def test_templates_do_no_arithmetic():
    for path in TEMPLATES_DIR.glob("*.docx"):
        compiled = compile_template(path)
        for _info, data in compiled.entries:
            text = re.sub(r"<[^>]+>", "", data.decode("utf-8", "replace"))
            for tag in re.findall(r"\{\{(.*?)\}\}", text):
                assert not re.search(r"[-+*/%]|\|\s*(sum|round|int|float|length)", tag), f"{path.name}: {{{{{tag}}}}}"


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------
def test_split_title_breaks_between_parts_and_keeps_lines_short():
    assert split_title(["阳光社区居民选举委员会", "成员名单公告"]) == ["阳光社区居民选举委员会成员名单公告"]
    assert split_title(["阳光社区第十二届居民委员会换届选举", "正式候选人名单公告"]) == [
        "阳光社区第十二届居民委员会换届选举",
        "正式候选人名单公告",
    ]
    long = split_title(["一二三四五六七八九十" * 5])
    assert all(len(line) <= 20 for line in long) and "".join(long) == "一二三四五六七八九十" * 5


def test_titled_never_doubles_the_word_election():
    assert titled("晨光社区第三届楼栋长选举", "选举结果公告") == ["晨光社区第三届楼栋长选举", "结果公告"]
    assert titled("阳光社区第十二届居民委员会换届选举", "选票") == ["阳光社区第十二届居民委员会换届选举", "选票"]


def test_roll_lines_put_five_names_a_line_and_give_long_names_room():
    names = ["王芳", "李秀英", "张伟", "刘洋", "陈静", "杨磊", "木沙江·海拉特", "赵敏"]
    lines = roll_lines(names)
    assert lines[0].split("\t") == ["王芳", "李秀英", "张伟", "刘洋", "陈静"]
    assert lines[1].split("\t") == ["杨磊", "木沙江·海拉特", "赵敏"]
    assert roll_lines([]) == []


# --------------------------------------------------------------------------------------------
# Each kind on the samples
# --------------------------------------------------------------------------------------------
def test_committee_notice(elections):
    ctx = build(elections["residents-yangguang"], "committee")[0].context
    assert ctx["doc_number"] == "阳选委〔2026〕1号"
    assert ctx["title_lines"] == ["阳光社区居民选举委员会成员名单公告"]
    assert ctx["date_text"] == "2026年2月12日"
    assert ctx["roles"][0] == {"role": "主　任", "names": "邓志华"}
    members = strokes.sort_names(["罗晓梅", "唐建军", "谢玉兰", "彭卫东"])
    assert ctx["roles"][1]["names"] == "　".join(members)  # the order is stated in the intro now
    assert ctx["intro"].endswith("由以下5名成员组成（委员按姓氏笔画为序）。现予公告：")
    assert "2026年2月10日，经居民代表会议推选" in ctx["intro"]
    assert "5名成员" in ctx["intro"]
    assert any("0730-8821006" in d for d in ctx["duties"])
    # 村/居 committees are announced by the outgoing committee of the unit.
    assert ctx["signatory"] == "阳光社区居民委员会"


def test_committee_of_a_working_group_has_group_titles(elections):
    ctx = build(elections["party-qinghe-branch"], "committee")[0].context
    assert [r["role"] for r in ctx["roles"]] == ["组　长", "成　员"]
    assert ctx["doc_number"] == "清支〔2026〕1号"


def test_voter_roll_by_group_in_columns(elections):
    ctx = build(elections["party-qinghe-branch"], "voters")[0].context
    assert ctx["title_lines"][-1] == "党员名单公告"
    assert [g["heading"] for g in ctx["groups"]] == ["第一党小组（16人）", "第二党小组（15人）", "第三党小组（15人）"]
    first = [n for line in ctx["groups"][0]["lines"] for n in line.split("\t")]
    assert first == strokes.sort_names(load("party-qinghe-branch")["electorate"]["groups"][0]["voters"])
    assert all(len(line.split("\t")) <= 5 for g in ctx["groups"] for line in g["lines"])
    assert "46人（其中女性19人）" in ctx["intro"]
    assert any(note.startswith("另有2名党员：出国半年以上") for note in ctx["notes"])
    # The Party roll has no 申诉 clause; a date missing in the record is left to be written by hand.
    assert not any("申诉" in n for n in ctx["notes"])
    assert ctx["date_text"].strip("　") == "年　　月　　日"


def test_voter_notice_without_a_roll_states_the_count(elections):
    ctx = build(elections["residents-yangguang"], "voters")[0].context
    assert ctx["groups"] == []
    assert "共登记户代表1486户" in ctx["intro"]
    assert ctx["doc_number"] == "阳选委〔2026〕2号" and ctx["date_text"] == "2026年2月26日"
    assert any("五日内" in n and "三日内" in n for n in ctx["notes"])


def test_voter_notice_sums_the_contests(elections):
    ctx = build(elections["building-leaders-chenguang"], "voters")[0].context
    assert "共登记户代表186户，其中1号楼48户、2号楼36户、3号楼60户、4号楼42户" in ctx["intro"]


def test_formal_candidates_in_stroke_order_with_the_difference(elections):
    data = load("residents-yangguang")
    ctx = build(elections["residents-yangguang"], "candidates_formal")[0].context
    assert ctx["doc_number"] == "阳选委〔2026〕4号" and ctx["date_text"] == "2026年3月11日"
    posts = ctx["contests"][0]["posts"]
    assert [p["heading"] for p in posts] == [
        "（一）主任（应选1名，正式候选人2名，差额1名）",
        "（二）副主任（应选1名，正式候选人2名，差额1名）",
        "（三）委员（应选3名，正式候选人5名，差额2名）",
    ]
    members = [c["name"] for c in data["candidates"] if c["post"] == "委员"]
    assert [c["name"] for c in posts[2]["candidates"]] == strokes.sort_names(members)
    assert [c["name"] for c in posts[2]["candidates"]] == ["刘芳", "杨桂英", "何军", "陈晓东", "郭磊"]
    wang = posts[0]["candidates"][0]
    assert wang == {
        "name": "王建国",
        "gender": "男",
        "ethnicity": "汉族",
        "birth": "1972年5月",
        "education": "大专",
        "politics": "中共党员",
        "workplace": "阳光社区党委书记",
        "nominated_by": "社区党组织提名",
        "post": "主任",
    }
    assert posts[1]["candidates"][0]["workplace"] == "—"
    assert "本次选举应选5名，正式候选人9名，多于应选名额4名，实行差额选举。" in ctx["notes"]
    assert "以姓氏笔画为序" in ctx["intro"]


def test_party_list_names_equal_and_competitive_posts(elections):
    ctx = build(elections["party-qinghe-branch"], "candidates_formal")[0].context
    assert ctx["title_lines"][-1] == "候选人预备人选名单公告"
    assert ctx["contests"][0]["posts"][0]["difference"] == "等额"
    assert "其中书记实行等额选举" in ctx["notes"][0]


def test_initial_list_waits_for_its_date():
    data = load("residents-yangguang")
    del data["schedule"]["initial_candidates_published"]
    with pytest.raises(Waiting) as info:
        build(election_of(data), "candidates_initial")
    assert info.value.field == "schedule.initial_candidates_published"


def test_ballots_per_contest_round_and_post(elections):
    village = build(elections["village-liulin-runoff"], "ballot")
    assert [b.suffix for b in village] == ["主任", "副主任", "委员", "委员-第2轮另行选举"]
    runoff = village[-1].context
    assert [r["name"] for r in runoff["rows"]] == ["吴海涛", "郑小燕", ""]
    assert runoff["rows"][-1]["number"] == "另选人"
    assert runoff["subtitle"] == "（委员·另行选举）"
    assert runoff["instructions"][0] == "1.本次为委员另行选举，应选1名。"
    members = village[2].context
    assert [r["name"] for r in members["rows"] if r["name"]] == strokes.sort_names(
        ["孙丽娟", "周文斌", "吴海涛", "郑小燕", "马德胜"]
    )
    assert sum(1 for r in members["rows"] if r["number"] == "另选人") == 3
    assert members["seats_text"] == "应选委员3名　候选人5名"
    assert any("多于应选名额3名的，本选票无效" in line for line in members["instructions"])
    building = build(elections["building-leaders-chenguang"], "ballot")
    assert [b.suffix for b in building] == ["1号楼-楼栋长", "2号楼-楼栋长", "3号楼-楼栋长", "4号楼-楼栋长"]


def test_ballot_for_the_runoff_still_to_come():
    """After a first round that leaves a seat open, the 另行选举 ballot is made from the outcome."""
    data = load("village-liulin-runoff")
    data["rounds"] = data["rounds"][:1]
    ballots = build(election_of(data), "ballot")
    assert ballots[-1].suffix == "委员-第2轮另行选举"
    assert [r["name"] for r in ballots[-1].context["rows"] if r["name"]] == ["吴海涛", "郑小燕"]


def test_results_notice_figures_and_winners(elections):
    ctx = build(elections["residents-yangguang"], "results")[0].context
    assert ctx["doc_number"] == "阳选委〔2026〕5号" and ctx["date_text"] == "2026年3月18日"
    contest = ctx["contests"][0]
    assert contest["figures"] == [
        "登记户数1486户，参加投票的户代表1398户，参选率94.08%，超过半数，选举有效。",
        "共发出选票1400张，收回选票1398张，其中有效票1386张、无效票12张。",
    ]
    members = contest["posts"][2]["tally"]
    assert [(t["name"], t["votes"], t["result"]) for t in members] == [
        ("刘芳", "1205", "当选"),
        ("陈晓东", "1010", "当选"),
        ("杨桂英", "876", "当选"),
        ("何军", "512", ""),
        ("郭磊", "330", ""),
    ]
    assert contest["outcome"][0] == (
        "按照得票超过参加投票的户代表1398户的半数（至少700票）始得当选的规定，"
        "王建国当选为主任，张伟当选为副主任，刘芳、杨桂英、陈晓东当选为委员。"
    )
    assert contest["next_steps"] == ["全部名额均已选出。"]


def test_results_with_a_runoff(elections):
    first, runoff = build(elections["village-liulin-runoff"], "results")
    assert first.suffix == "" and runoff.suffix == "第2轮另行选举"
    assert first.context["doc_number"] == "柳选委〔2026〕5号"
    assert runoff.context["doc_number"] == "柳选委〔2026〕6号"
    tally = first.context["contests"][0]["posts"][2]["tally"]
    assert [t["result"] for t in tally] == ["当选", "当选", "另行选举候选人", "另行选举候选人", "", "另选他人"]
    assert (
        "委员尚缺1名，须另行选举，另行选举候选人为吴海涛、郑小燕（按本轮得票多少确定）。"
        in first.context["contests"][0]["outcome"]
    )
    assert first.context["contests"][0]["next_steps"] == []
    assert runoff.context["title_lines"][-1] == "另行选举结果公告"
    assert runoff.context["contests"][0]["outcome"] == [
        "按照得票多且不少于已投选票2116张的三分之一（至少706票）始得当选的规定，吴海涛当选为委员。"
    ]
    assert "委员孙丽娟、吴海涛、周文斌" in runoff.context["notes"][0]


def test_results_wait_for_the_count(elections):
    with pytest.raises(Waiting) as info:
        build(elections["party-qinghe-branch"], "results")
    assert info.value.field == "rounds[].votes"


def test_certificates_per_winner(elections):
    certs = build(elections["village-liulin-runoff"], "certificate")
    assert [c.suffix for c in certs] == ["刘建华", "王秀兰", "孙丽娟", "吴海涛", "周文斌"]
    wu = certs[3].context
    assert wu["office"] == "柳林村第十二届村民委员会委员"
    assert wu["issuer"] == "河湾镇人民政府"
    assert (
        wu["text"] == "在2026年4月18日举行的柳林村第十二届村民委员会换届选举中，你当选为柳林村第十二届村民委员会委员。"
    )
    deputy = build(elections["deputy-hewan-district7"], "certificate")[0].context
    assert deputy["office"] == "青石县第十九届人民代表大会代表"
    assert "由第七选区选民依法选举" in deputy["text"]
    building = build(elections["building-leaders-chenguang"], "certificate")[0].context
    assert building["office"] == "晨光社区1号楼楼栋长"


def test_pledges(elections):
    cands = build(elections["residents-yangguang"], "candidate_pledge")
    assert [c.suffix for c in cands] == strokes.sort_names(
        [c["name"] for c in load("residents-yangguang")["candidates"]]
    )
    wang = next(c.context for c in cands if c.suffix == "王建国")
    assert wang["intro"].startswith(
        "本人王建国，男，汉族，1972年5月出生，中共党员，是阳光社区第十二届居民委员会换届选举主任候选人。"
    )
    assert len(wang["items"]) == 6 and wang["items"][0].startswith("一、")
    winners = build(elections["village-liulin-runoff"], "winner_pledge")
    assert winners[0].context["items"][-1] == "五、每年向村民会议或村民代表会议报告履职情况。"
    signers = build(elections["village-liulin-runoff"], "discipline_pledge")
    listed = load("village-liulin-runoff")["documents"]["discipline_signers"]
    assert [s.suffix for s in signers] == strokes.sort_names(listed)
    with pytest.raises(Waiting) as info:
        build(elections["deputy-hewan-district7"], "discipline_pledge")
    assert info.value.field == "documents.discipline_signers"


# --------------------------------------------------------------------------------------------
# Work summary
# --------------------------------------------------------------------------------------------
def _texts(ctx) -> list[str]:
    return [b.get("text", "") for s in ctx["sections"] for b in s["blocks"]]


def test_summary_of_one_record(elections):
    ctx = build(elections["village-liulin-runoff"], "summary")[0].context
    assert [s["heading"] for s in ctx["sections"]] == ["一、基本情况", "二、主要做法", "三、存在问题", "四、下一步打算"]
    text = "\n".join(_texts(ctx))
    assert "登记选民2360人，参加投票2205人，参选率93.43%" in text
    assert "首次投票选出4名，当日另行选举选出1名" in text
    assert "女性2名，占40.00%" in text and "中共党员（含预备党员）4名，占80.00%" in text
    assert "悬挂横幅12条" in text
    table1 = next(b for b in ctx["sections"][0]["blocks"] if b["kind"] == "table")
    assert table1["rows"] == [["柳林村", "2360", "2205", "93.43%", "5", "9", "5", "1"]]
    table2 = next(b for b in ctx["sections"][0]["blocks"] if b["kind"] == "groups")
    assert table2["groups"][0] == {"name": "性别", "rows": [["男", "3", "60.00%"], ["女", "2", "40.00%"]]}
    # The last paragraph is kept with the signature; nothing else is.
    blocks = [b for s in ctx["sections"] for b in s["blocks"] if b["kind"] == "text"]
    assert [b["keep"] for b in blocks].count(True) == 1 and blocks[-1]["keep"]
    assert ctx["author"] == "柳林村村民选举委员会"


def test_summary_leaves_out_empty_sections_and_renumbers():
    data = load("village-liulin-runoff")
    data["summary"] = {"problems": ["流动人口多。"]}
    ctx = build(election_of(data), "summary")[0].context
    assert [s["heading"] for s in ctx["sections"]] == ["一、基本情况", "二、存在问题"]
    del data["summary"]
    ctx = build(election_of(data), "summary")[0].context
    assert [s["heading"] for s in ctx["sections"]] == ["一、基本情况"]
    assert ctx["sections"][0]["blocks"][-1]["kind"] == "text"


def test_summary_of_many_records(elections):
    chosen = [
        elections[n]
        for n in ("village-liulin-runoff", "residents-yangguang", "building-leaders-chenguang", "party-qinghe-branch")
    ]
    ctx = summary_doc.build(chosen).context
    assert ctx["units"] == "3"  # the Party branch has no count yet and is left out
    assert ctx["title_lines"] == ["青石县村民委员会、居民委员会、楼栋长", "换届选举工作总结"]
    table1 = next(b for b in ctx["sections"][0]["blocks"] if b["kind"] == "table")
    labels = [r[0] for r in table1["rows"]]
    assert labels[:2] == ["柳林村", "阳光社区"] and labels[-1] == "合计"
    assert "晨光社区1号楼" in labels
    total = table1["rows"][-1]
    assert total[1] == str(2360 + 1486 + 48 + 36 + 60 + 42)
    text = "\n".join(_texts(ctx))
    assert "本次共有3个单位进行换届选举" in text
    assert "柳林村：外出务工人员多" in text


def test_summary_waits_for_a_count(elections):
    with pytest.raises(Waiting):
        build(elections["party-qinghe-branch"], "summary")


def test_numbers_follow_first_number():
    data = copy.deepcopy(load("residents-yangguang"))
    data["documents"]["first_number"] = 7
    e = election_of(data)
    assert build(e, "committee")[0].context["doc_number"] == "阳选委〔2026〕7号"
    assert build(e, "results")[0].context["doc_number"] == "阳选委〔2026〕11号"
    del data["documents"]["number_prefix"]
    assert build(election_of(data), "voters")[0].context["doc_number"] == "（第8号）"


def test_initial_list_shows_nomination_votes(elections):
    ctx = build(elections["village-liulin-runoff"], "candidates_initial")[0].context
    liu = ctx["contests"][0]["posts"][0]["candidates"][0]
    assert (liu["name"], liu["nominated_by"]) == ("刘建华", "村党组织提名（1712票）")
    assert ctx["doc_number"] == "柳选委〔2026〕3号"
    formal = build(elections["village-liulin-runoff"], "candidates_formal")[0].context
    assert formal["contests"][0]["posts"][0]["candidates"][0]["nominated_by"] == "村党组织提名"


# --------------------------------------------------------------------------------------------
# Wording per election kind (a 党支部 has no 选民; 楼栋长 and 户代表 elections count households)
# --------------------------------------------------------------------------------------------
def test_wording_follows_the_election_kind(elections):
    party = build(elections["party-qinghe-branch"], "committee")[0].context
    assert any("组织党员选举资格审查、候选人推荐、投票选举等事项" in d for d in party["duties"])
    assert not any("选民" in d for d in party["duties"])
    building = build(elections["building-leaders-chenguang"], "committee")[0].context
    assert any("依法组织户代表登记、候选人提名" in d for d in building["duties"])
    village = build(elections["village-liulin-runoff"], "committee")[0].context
    assert any("依法组织选民登记、候选人提名" in d for d in village["duties"])

    assert (
        build(elections["building-leaders-chenguang"], "voters")[0]
        .context["title_lines"][-1]
        .endswith("户代表名单公告")
    )
    assert build(elections["deputy-hewan-district7"], "voters")[0].context["title_lines"][-1].endswith("选民名单公告")

    # Objections go to the body that runs this election, not to a 选举委员会 it does not have.
    initial = build(elections["building-leaders-chenguang"], "candidates_initial")[0].context
    assert "可以在公告期间向晨光社区楼栋长选举工作小组反映。" in initial["notes"][-1]
    results = build(elections["building-leaders-chenguang"], "results")[0].context
    assert "根据晨光社区楼栋长选举工作小组的计票结果" in results["intro"]

    pledge = build(elections["party-qinghe-branch"], "candidate_pledge")[0].context
    text = "".join(pledge["items"]) + pledge["closing"]
    assert "选民" not in text and "选举委员会" not in text
    assert "不妨碍党员依法自由投票" in text and "接受党员和群众监督" in text
    assert "接受居民和社会监督" in build(elections["residents-yangguang"], "candidate_pledge")[0].context["closing"]
    discipline = build(elections["residents-yangguang"], "discipline_pledge")[0].context
    assert "妨害户代表投票" in "".join(discipline["items"])


# ---------------------------------------------------------------- 海选 (nomination: write_in)


def write_in_buildings() -> dict:
    """Two buildings: 1号楼 votes on its candidates, 2号楼 without nomination (海选) for 2 seats."""
    from helpers import building

    data = building()
    data["contests"].append(
        {
            "name": "2号楼",
            "nomination": "write_in",
            "seats": [{"post": "楼栋长", "count": 2}],
            "electorate": {"registered": 40},
        }
    )
    return data


def test_write_in_ballot_has_blank_rows_only():
    ballots = build(election_of(write_in_buildings()), "ballot")
    assert [b.suffix for b in ballots] == ["1号楼-楼栋长", "2号楼-楼栋长"]
    ctx = ballots[1].context
    assert ctx["rows"] == [{"number": "1", "name": ""}, {"number": "2", "name": ""}]
    assert ctx["seats_text"] == "应选楼栋长2名　不提名候选人"
    assert ctx["name_header"] == "被选人姓名"
    assert ctx["instructions"] == [
        "1.本次选举不提名候选人，由选举人直接填写所选的人（海选），应选楼栋长2名。",
        "2.请在“被选人姓名”栏内写上所选的人的姓名，并在其右侧符号栏内划“○”；不选的，不填写。",
        "3.所填写的人数多于应选名额2名的，本选票无效；等于或少于应选名额的，有效。",
        "4.请用黑色或蓝色钢笔、签字笔填写，字迹要清楚；无法辨认的姓名不计票。",
        "5.选举人不能书写选票的，可以委托他人按照本人意愿代写。",
    ]
    # The contest with candidates keeps its printed names and 另选人 rows.
    assert [r["name"] for r in ballots[0].context["rows"]] == ["王桂芝", "刘永", ""]


def test_write_in_runoff_ballot_prints_the_names_taken_from_the_write_ins():
    data = write_in_buildings()
    data["contests"][1]["rounds"] = [
        {
            "type": "first",
            "participants": 30,
            "ballots": {"issued": 30, "returned": 30},
            "write_ins": {"楼栋长": {"周红": 20, "李明": 15, "赵刚": 10, "孙雪": 5}},
        }
    ]
    ballots = build(election_of(data), "ballot")
    assert [b.suffix for b in ballots] == ["1号楼-楼栋长", "2号楼-楼栋长", "2号楼-楼栋长-第2轮另行选举"]
    assert [r["name"] for r in ballots[1].context["rows"]] == ["", ""]
    runoff = ballots[2].context
    assert [r["name"] for r in runoff["rows"] if r["name"]] == ["李明", "赵刚"]


def test_write_in_ballot_renders(tmp_path):
    from pipeline.render import render_record

    report = render_record(election_of(write_in_buildings()), tmp_path, only="ballot")
    names = sorted(p.name for p in tmp_path.glob("*.docx"))
    assert any("2号楼" in n for n in names), (names, report)


def test_no_runoff_ballot_while_a_tie_for_the_runoff_list_is_unresolved():
    """李强 and 张伟 tie for the second 另行选举 place (1 seat → 2 candidates): no list, so no ballot yet."""
    from helpers import building

    data = building()
    contest = data["contests"][0]
    contest["candidates"] = [{"name": n, "post": "楼栋长"} for n in ("王芳", "李强", "张伟")]
    contest["rounds"] = [
        {
            "type": "first",
            "participants": 40,
            "ballots": {"issued": 40, "returned": 40},
            "votes": {"楼栋长": {"王芳": 18, "李强": 11, "张伟": 11}},
        }
    ]
    ballots = build(election_of(data), "ballot")
    assert [b.suffix for b in ballots] == ["1号楼-楼栋长"]
    contest["rounds"][0]["votes"]["楼栋长"]["张伟"] = 10
    ballots = build(election_of(data), "ballot")
    assert [b.suffix for b in ballots] == ["1号楼-楼栋长", "1号楼-楼栋长-第2轮另行选举"]
    assert [r["name"] for r in ballots[1].context["rows"] if r["name"]] == ["王芳", "李强"]


def test_results_notice_names_a_tie_for_the_runoff_list():
    from helpers import building

    data = building()
    contest = data["contests"][0]
    contest["candidates"] = [{"name": n, "post": "楼栋长"} for n in ("王芳", "李强", "张伟")]
    contest["rounds"] = [
        {
            "type": "first",
            "participants": 40,
            "ballots": {"issued": 40, "returned": 40},
            "votes": {"楼栋长": {"王芳": 18, "李强": 11, "张伟": 11}},
        }
    ]
    ctx = build(election_of(data), "results")[0].context["contests"][0]
    assert (
        "楼栋长尚缺1名，须另行选举；另行选举候选人应为2名，按本轮得票已确定王芳，李强、张伟得票相等，"
        "争余下1个候选人名额，待解决这一票数相等后确定候选人名单。"
    ) in ctx["outcome"]
    assert [t["result"] for t in ctx["posts"][0]["tally"]] == [
        "另行选举候选人",
        "票数相等，待定另行选举候选人",
        "票数相等，待定另行选举候选人",
    ]


# --------------------------------------------------------------------------------------------
# No woman elected: the results notice and the work summaries say what follows
# --------------------------------------------------------------------------------------------
def no_woman(wang: int, profile: str | None = "sichuan") -> Election:
    """柳林村 (helpers.village): 90 vote; 赵国庆 70 and 周文斌 60 are elected 委员 ahead of 王秀兰."""
    from test_rules_composition import men_first

    return election_of(men_first((wang, 50 - wang), profile=profile))


def test_results_notice_names_the_woman_seat_step():
    contest = build(no_woman(45), "results")[0].context["contests"][0]
    assert contest["next_steps"] == [
        "当选的3名成员（刘建华、赵国庆、周文斌）中没有女性，也没有妇女获得过半数选票。"
        "按《四川省村民委员会选举条例》第三十四条，应在委员的应选名额中确定一个名额在女性候选人王秀兰、孙丽娟中另行选举，"
        "其余委员按得票多少的顺序确定，周文斌（60票）不再当选。"
    ]


def test_summary_of_one_record_without_a_woman_elected():
    text = "\n".join(_texts(build(no_woman(45), "summary")[0].context))
    assert (
        "选举产生村民委员会成员3名，其中主任1名、委员2名。当选成员中没有女性，须在委员名额中确定一个名额另行选举妇女成员。"
        in text
    )
    text = "\n".join(_texts(build(no_woman(30, profile=None), "summary")[0].context))
    assert "当选成员中没有女性，须报乡镇（街道）换届选举工作指导机构研究处理（法律未再规定另行选举等办法）。" in text


def test_summary_of_many_counts_the_units_without_a_woman(elections):
    chosen = [no_woman(45), no_woman(46), no_woman(30, profile=None), elections["village-liulin-runoff"]]
    text = "\n".join(_texts(summary_doc.build(chosen).context))
    assert (
        "3个单位当选成员中没有女性，其中1个须在委员名额中确定一个名额另行选举妇女成员，"
        "1个须首先确定获得过半数选票的妇女中得票最多的一人当选委员，"
        "1个须报乡镇（街道）换届选举工作指导机构研究处理（法律未再规定另行选举等办法）。"
    ) in text
    two = "\n".join(_texts(summary_doc.build([no_woman(45), no_woman(44)]).context))
    assert "2个单位当选成员中没有女性，须在委员名额中确定一个名额另行选举妇女成员。" in two
    none = "\n".join(_texts(summary_doc.build([elections["village-liulin-runoff"]]).context))
    assert "没有女性" not in none
