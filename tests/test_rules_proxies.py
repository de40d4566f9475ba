"""委托投票 checks: the cap per holder, who may hold or give a proxy, and entries that conflict or are off the roll.

Cap per holder (summed over entries), candidates, methods, the Party, relatives (2018), a holder who is also a
principal (O4), a principal entrusted twice, holders off the roll.
"""

from __future__ import annotations

from helpers import ERROR, WARNING, building, findings, first_round, ids, one, party, residents, village

from pipeline.rules import proxies

VILLAGE_LAW = "《中华人民共和国村民委员会组织法》（2025年修正）"


def with_proxies(data: dict, entries: list[dict], **round_changes) -> dict:
    rnd = first_round(proxies=entries, **round_changes)
    target = data["contests"][0] if "contests" in data else data
    target["rounds"] = [rnd]
    return data


def test_three_principals_is_the_cap():
    entries = [{"holder": "宋国富", "principals": ["宋晓东", "宋晓雪", "李翠英"]}]
    assert findings(with_proxies(village(), entries), proxies.check) == []


def test_cap_sums_all_entries_of_a_holder():
    entries = [
        {"holder": "宋国富", "principals": ["宋晓东", "宋晓雪"]},
        {"holder": "刘桂花", "principals": ["刘明"]},
        {"holder": "宋国富", "principals": ["李翠英", "宋大川"]},
    ]
    finding = one(findings(with_proxies(village(), entries), proxies.check), "PROXY-CAP")
    assert finding.severity is ERROR
    assert finding.path == "rounds[0].proxies[0].principals"
    assert finding.citation == VILLAGE_LAW + "第十八条"
    assert finding.message == (
        "受委托人 宋国富 接受了 4 人的委托（宋晓东、宋晓雪、李翠英、宋大川，分列在 2 处），"
        "每人接受委托不得超过 3 人。请核对委托名单，超出部分的委托无效。"
    )


def test_building_leader_local_cap_of_one():
    data = with_proxies(building(), [{"holder": "许文静", "principals": ["鲍建国", "葛秀英"]}])
    finding = one(findings(data, proxies.check), "PROXY-CAP")
    assert finding.path == "contests[0].rounds[0].proxies[0].principals"
    assert "每人接受委托不得超过 1 人" in finding.message


def test_village_2018_has_no_national_cap():
    entries = [{"holder": "宋国富", "principals": ["宋晓东", "宋晓雪", "李翠英", "宋大川"], "relation": "近亲属"}]
    assert findings(with_proxies(village(legal_basis=2018), entries), proxies.check) == []


def test_candidate_may_not_hold_a_proxy_under_the_2025_laws():
    entries = [{"holder": "赵国庆", "principals": ["赵明"]}]
    finding = one(findings(with_proxies(village(), entries), proxies.check), "PROXY-CANDIDATE")
    assert finding.severity is ERROR
    assert finding.path == "rounds[0].proxies[0].holder"
    assert finding.message == (
        "受委托人 赵国庆 是委员职位的候选人，候选人不得接受委托投票。请由委托人另行委托其他选民，或删去这项委托。"
    )


def test_candidate_may_hold_a_proxy_under_the_2018_law():
    entries = [{"holder": "赵国庆", "principals": ["赵明"], "relation": "儿子"}]
    assert findings(with_proxies(village(legal_basis=2018), entries), proxies.check) == []


def test_no_proxies_in_the_resident_representative_mode():
    data = with_proxies(
        residents(method="resident_representative", electorate={"registered": 60}),
        [{"holder": "江淑芬", "principals": ["江涛"]}],
    )
    found = findings(data, proxies.check)
    assert ids(found) == ["PROXY-FORBIDDEN"]
    assert found[0].path == "rounds[0].proxies"
    assert found[0].citation == "《中华人民共和国城市居民委员会组织法》（2025年修订）第十九条"
    assert (
        found[0].message == "登记了委托投票，但采取居民代表选举方式的，不实行委托投票。请删去 proxies，委托票不能计入。"
    )


def test_household_representative_mode_allows_proxies():
    data = with_proxies(residents(), [{"holder": "江淑芬", "principals": ["江涛"]}])
    assert findings(data, proxies.check) == []


def test_no_proxies_at_all_for_the_party():
    data = with_proxies(party(), [{"holder": "温秀梅", "principals": ["夏雪"]}], present=40)
    found = findings(data, proxies.check)
    assert ids(found) == ["PROXY-FORBIDDEN"]
    assert found[0].citation == "《中国共产党基层组织选举工作条例》（2020）第二十四条"
    assert found[0].message == (
        "登记了委托投票，但本类选举不实行委托投票，因故不能参加投票的人不能委托他人代为投票。"
        "请删去 proxies，委托票不能计入。"
    )


def test_2018_relatives_only():
    entries = [
        {"holder": "刘桂花", "principals": ["刘明"], "relation": "近亲属"},
        {"holder": "蔡文华", "principals": ["蔡永红"], "relation": "本村村民"},
        {"holder": "宋国富", "principals": ["宋晓东"], "relation": "配偶"},
        {"holder": "马兰", "principals": ["马德"]},
    ]
    finding = one(findings(with_proxies(village(legal_basis=2018), entries), proxies.check), "PROXY-RELATIVE")
    assert finding.severity is WARNING
    assert finding.path == "rounds[0].proxies[1].relation"
    assert finding.citation == "《中华人民共和国村民委员会组织法》（2018年修正）第十五条"
    assert finding.message.startswith("受委托人 蔡文华 与委托人的关系填写为“本村村民”，不属于近亲属")


def test_2025_allows_other_villagers():
    entries = [{"holder": "蔡文华", "principals": ["蔡永红"], "relation": "本村村民"}]
    assert findings(with_proxies(village(), entries), proxies.check) == []


def test_holder_who_is_also_a_principal():
    entries = [{"holder": "刘桂花", "principals": ["刘明"]}, {"holder": "刘明", "principals": ["刘亮"]}]
    finding = one(findings(with_proxies(village(), entries), proxies.check), "PROXY-HOLDER-PRINCIPAL")
    assert finding.severity is ERROR
    assert finding.path == "rounds[0].proxies[0].principals[0]"
    assert finding.message == (
        "刘明 既是受委托人，又委托 刘桂花 代为投票。受委托人不得再委托他人，"
        "外出委托他人投票的人也不能替别人投票；请核对委托名单。"
    )


def test_principal_entrusted_twice():
    entries = [{"holder": "刘桂花", "principals": ["刘明"]}, {"holder": "宋国富", "principals": ["刘明"]}]
    finding = one(findings(with_proxies(village(), entries), proxies.check), "PROXY-DUPLICATE")
    assert finding.path == "rounds[0].proxies[1].principals[0]"
    assert finding.message.startswith("委托人 刘明 出现了不止一次（又见于 刘桂花 名下）。")


def test_holder_not_on_the_roll():
    data = village(electorate={"registered": 3, "groups": [{"name": "第一组", "voters": ["刘桂花", "刘明", "马兰"]}]})
    data = with_proxies(
        data,
        [{"holder": "刘桂花", "principals": ["刘明"]}, {"holder": "马兰", "principals": ["张无名"]}],
        participants=3,
        ballots={"issued": 3, "returned": 3},
    )
    finding = one(findings(data, proxies.check), "PROXY-NOT-VOTER")
    assert finding.severity is WARNING
    assert finding.path == "rounds[0].proxies[1].principals[0]"
    assert (
        finding.message
        == "委托人 张无名 不在选民名单（electorate.groups）中。委托人和受委托人都应是登记选民；请核对姓名或选民名单。"
    )


# ---------------------------------------------------------------- names compared without spaces, NFKC (issue 11)


def test_a_candidate_holder_is_found_through_a_space():
    entries = [{"holder": "赵 国庆", "principals": ["赵明"]}]
    finding = one(findings(with_proxies(village(), entries), proxies.check), "PROXY-CANDIDATE")
    assert finding.message == (
        "受委托人 赵 国庆 是委员职位的候选人，候选人不得接受委托投票。请由委托人另行委托其他选民，或删去这项委托。"
    )


def test_a_principal_entrusted_twice_is_found_through_spaces_and_width():
    entries = [{"holder": "刘桂花", "principals": ["刘明"]}, {"holder": "宋国富", "principals": ["刘　明"]}]
    finding = one(findings(with_proxies(village(), entries), proxies.check), "PROXY-DUPLICATE")
    assert finding.path == "rounds[0].proxies[1].principals[0]"
    assert finding.message.startswith("委托人 刘　明 出现了不止一次（又见于 刘桂花 名下）。")


def test_a_holder_who_is_a_principal_and_the_cap_see_one_person():
    entries = [
        {"holder": "宋国富", "principals": ["宋晓东", "宋晓雪"]},
        {"holder": "宋 国富", "principals": ["李翠英", "宋大川"]},
        {"holder": "刘桂花", "principals": ["宋国富"]},
    ]
    found = findings(with_proxies(village(), entries), proxies.check)
    assert one(found, "PROXY-CAP").message.startswith(
        "受委托人 宋国富 接受了 4 人的委托（宋晓东、宋晓雪、李翠英、宋大川，分列在 2 处）"
    )
    assert one(found, "PROXY-HOLDER-PRINCIPAL").path == "rounds[0].proxies[2].principals[0]"


def test_the_roll_is_matched_without_spaces():
    data = village(electorate={"registered": 3, "groups": [{"name": "第一组", "voters": ["刘桂花", "刘  明", "马兰"]}]})
    data = with_proxies(
        data, [{"holder": "刘桂花", "principals": ["刘明"]}], participants=3, ballots={"issued": 3, "returned": 3}
    )
    assert "PROXY-NOT-VOTER" not in ids(findings(data, proxies.check))
