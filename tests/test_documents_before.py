"""The documents before the vote: 选举办法, 选举公告, 选民证 and 委托投票证, read back from the rendered .docx."""

from __future__ import annotations

import copy

import docx
import pytest
import yaml
from conftest import SAMPLES
from helpers import election_of

from pipeline.documents import Waiting, find_kind
from pipeline.model import voter_name
from pipeline.render import render_record


def sample(name: str) -> dict:
    return yaml.safe_load((SAMPLES / f"{name}.yaml").read_text(encoding="utf-8"))


def paragraphs(path) -> list[str]:
    return [p.text for p in docx.Document(str(path)).paragraphs if p.text]


def rendered(tmp_path, data: dict, kind: str):
    report = render_record(election_of(data), tmp_path, only=[kind])
    assert len(report.written) == 1
    return report.written[0].path


def test_procedure_of_a_village_cites_the_profile_thresholds_and_the_adopting_meeting(tmp_path):
    text = paragraphs(rendered(tmp_path, sample("village-liulin-runoff"), "procedure"))
    assert text[0] == "柳林村第十二届村民委员会换届选举办法"
    assert text[1] == "（2026年3月10日柳林村村民代表会议通过）"
    assert text[4] == (
        "第三条　本届村民委员会应选5名（主任1名、副主任1名、委员3名），由有选举权的选民以无记名投票的方式直接选举产生。"
    )
    assert "第七条　选举采用无记名投票的方式。投票会场设立秘密写票处4个，" in text[8]
    assert text[9].endswith("柳林村村民选举委员会指定宋志明、何兰英为代写人。") or text[9].endswith(
        "柳林村村民选举委员会指定何兰英、宋志明为代写人。"
    )
    assert text[13] == (
        "第十二条　参加投票的选民超过登记选民的半数，选举有效；候选人获得的选票超过参加投票的选民的半数，始得当选"
        "（《中华人民共和国村民委员会组织法》（2025年修正）第十八条）。"
    )
    assert "所得票数不得少于已投选票数的三分之一" in text[14]
    assert text[-1] == "第十五条　本办法经柳林村村民代表会议通过后施行，由柳林村村民选举委员会负责解释。"


def test_procedure_of_a_party_branch_has_its_own_wording_and_a_deputy_election_has_none():
    e = election_of(sample("party-qinghe-branch"))
    articles = find_kind("procedure").build(e)[0].context["articles"]
    assert "第三条　本届支部委员会应选5名（书记1名、委员4名），由党员大会以无记名投票的方式选举产生。" in articles
    assert any("可以委托非候选人按照本人的意志代写" in a for a in articles)
    assert any(
        a.endswith("因故未出席会议的党员不能委托他人代为投票（《中国共产党基层组织选举工作条例》（2020）第二十四条）。")
        for a in articles
    )
    assert any("到会有选举权的党员超过应到会人数的五分之四，方可进行选举" in a for a in articles)
    assert find_kind("procedure").build(election_of(sample("deputy-hewan-district7"))) == []


def test_procedure_waits_for_the_adopting_meeting():
    data = sample("village-liulin-runoff")
    del data["procedure"]
    with pytest.raises(Waiting) as info:
        find_kind("procedure").build(election_of(data))
    assert (info.value.field, info.value.reason) == ("procedure.adopted_by", "记录中没有通过选举办法的会议")


def test_election_notice_lists_time_stations_mobile_boxes_and_what_to_bring(tmp_path):
    text = paragraphs(rendered(tmp_path, sample("village-liulin-runoff"), "election_notice"))
    assert text[0] == "柳林村第十二届村民委员会换届选举公告"
    assert "选举日定于2026年4月18日（星期六），投票时间为8:00至17:00。" in text
    assert "另设投票站2个：" in text
    assert "第一投票站，设在柳林村小学，第一至第五村民小组的选民在本站投票，投票时间为8:00至16:00。" in text
    assert any(t.startswith("设流动票箱1个（一号流动票箱，服务第七、第八村民小组行动不便的选民）") for t in text)
    assert text.index("一、选举日期和投票时间") < text.index("二、投票地点") < text.index("五、选举有效和当选")
    assert any(t.startswith("选民凭选民证领取选票") for t in text)
    assert "办理委托投票的，请委托人于2026年4月15日前到柳林村村民选举委员会填写委托投票证。" in text
    assert text[-3:] == ["特此公告。", "柳林村村民选举委员会", "2026年4月11日"]


def test_election_notice_of_seed_000_votes_in_three_sessions():
    e = election_of(sample("building-leaders-chenguang"))
    sections = find_kind("election_notice").build(e)[0].context["sections"]
    assert sections[0]["lines"] == [
        "投票分3场进行：2026年4月25日（星期六）6:00（第一场）、12:00（第二场）、18:00（第三场）。"
        "请户代表按通知的场次到场投票。"
    ]
    assert sections[3]["lines"][0].startswith("户代表凭参选证、户口簿领取选票")


def test_election_notice_waits_for_a_time_and_a_party_branch_has_none():
    data = sample("residents-yangguang")
    del data["polling"]
    with pytest.raises(Waiting) as info:
        find_kind("election_notice").build(election_of(data))
    assert (info.value.field, info.value.reason) == ("polling.time", "记录中没有投票时间")
    assert find_kind("election_notice").build(election_of(sample("party-qinghe-branch"))) == []


def test_voter_cards_one_per_voter_eight_to_a_page_in_roll_order(tmp_path):
    data = sample("building-leaders-chenguang")
    data["documents"]["voter_card_prefix"] = "晨参证"
    document = docx.Document(str(rendered(tmp_path, data, "voter_card")))
    table = document.tables[0]
    cells = [cell for row in table.rows for cell in row.cells]
    assert len(table.rows) == 18 and len(cells) == 36
    assert all(len(cell.paragraphs) == 3 for cell in cells)  # heading, one broken paragraph, seal
    first = cells[0].paragraphs
    assert first[0].text == "参　选　证"
    assert first[1].text.split("\n") == [
        "编　　号：晨参证0001号",
        "姓　　名：鲁大海",
        "所在小组：2号楼　一单元",
        "选　　举：晨光社区第三届楼栋长选举",
        "选举日期：2026年4月25日",
    ]
    assert first[2].text == "晨光社区楼栋长选举工作小组（盖章）"
    assert "姓　　名：陆桂香" in cells[-1].paragraphs[1].text
    assert "晨参证0036号" in cells[-1].paragraphs[1].text


def test_voter_cards_add_a_spare_card_and_wait_for_a_roll():
    data = sample("building-leaders-chenguang")
    data["contests"][1]["electorate"]["groups"][1]["voters"].pop()
    ctx = find_kind("voter_card").build(election_of(data))[0].context
    assert ctx["count"] == 35 and ctx["rows"][-1]["right"] == {"number": "", "name": "", "group": ""}
    with pytest.raises(Waiting) as info:
        find_kind("voter_card").build(election_of(sample("village-liulin-runoff")))
    assert info.value.field == "electorate.groups[].voters"
    assert info.value.reason == "记录中没有选民名单，无法逐人制作选民证"
    assert find_kind("voter_card").build(election_of(sample("party-qinghe-branch"))) == []


def test_voter_names_are_read_through_one_function():
    assert voter_name("鲁大海") == "鲁大海"
    assert voter_name({"name": "鲁大海", "sex": "男"}) == "鲁大海"


def test_proxy_certificates_one_page_per_principal_with_the_profile_rule(tmp_path):
    path = rendered(tmp_path, sample("residents-yangguang"), "proxy")
    document = docx.Document(str(path))
    text = [p.text for p in document.paragraphs if p.text]
    assert text.count("委托投票证") == 9  # 2 + 3 + 1 + 3 principals
    assert text[1] == (
        "本人江涛因选举期间外出，不能参加2026年3月18日阳光社区第十二届居民委员会换届选举的投票，现书面委托江淑芬代为投票。"
    )
    rule = next(t for t in text if t.startswith("选举期间外出"))
    assert rule == (
        "选举期间外出不能参加投票的户代表，可以书面委托本社区其他选民代为投票，每一户代表接受的委托不得超过三人，"
        "候选人不得接受委托投票，受委托人应当按照委托人的意愿投票，不得再委托他人"
        "（《中华人民共和国城市居民委员会组织法》（2025年修订）第十九条）。"
    )
    assert [c.text for c in document.tables[0].rows[0].cells] == ["委托人", "江涛", "受委托人", "江淑芬"]
    assert [c.text for c in document.tables[8].rows[0].cells] == ["委托人", "蒋大川", "受委托人", "蒋正平"]
    assert "阳光社区居民选举委员会（盖章）" in text


def test_proxy_certificates_follow_the_law_of_each_kind():
    deputy = find_kind("proxy").build(election_of(sample("deputy-hewan-district7")))[0].context
    assert deputy["count"] == 5
    assert deputy["rules"][0].startswith(
        "选举期间外出不能参加投票的选民，经选举委员会同意，可以书面委托其他选民代为投票"
    )
    assert find_kind("proxy").build(election_of(sample("party-qinghe-branch"))) == []
    data = copy.deepcopy(sample("residents-yangguang"))
    data["method"] = "resident_representative"
    assert find_kind("proxy").build(election_of(data)) == []
