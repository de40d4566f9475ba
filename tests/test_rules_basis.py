"""The law in force on the election day (BASIS-DATE, BASIS-BEFORE): a named basis off its date, an election
earlier than every shipped rule set; the boundaries are the profiles' `applies_from` / `applies_until`."""

from __future__ import annotations

from helpers import ERROR, WARNING, checked, deputy, findings, ids, one, party, village

from pipeline.rules import basis


def basis_findings(data: dict) -> list:
    return findings(data, basis.check)


def test_basis_2018_for_an_election_in_2026():
    data = village(legal_basis=2018)
    finding = one(basis_findings(data), "BASIS-DATE")
    assert finding.severity is ERROR
    assert finding.message == (
        "选举日2026年4月18日施行的是《中华人民共和国村民委员会组织法》（2025年修正）（自2026年1月1日起施行），"
        "但记录的法律依据版本 legal_basis 为 2018（《中华人民共和国村民委员会组织法》（2018年修正），"
        "适用于2025年12月31日以前的选举）。请将 legal_basis 改为 2025（或删去，按选举日自动选用），或核对选举日。"
    )
    assert finding.citation == "《中华人民共和国村民委员会组织法》（2025年修正）"
    assert finding.path == "legal_basis"


def test_basis_2025_one_day_before_it_took_effect():
    data = village()
    data["schedule"] = {"election_day": "2025-12-31"}
    finding = one(basis_findings(data), "BASIS-DATE")
    assert finding.message.startswith(
        "选举日2025年12月31日施行的是《中华人民共和国村民委员会组织法》（2018年修正）（适用于2025年12月31日以前的选举），"
        "但记录的法律依据版本 legal_basis 为 2025（《中华人民共和国村民委员会组织法》（2025年修正），自2026年1月1日起施行）。"
    )


def test_each_basis_on_its_own_boundary_day_passes():
    late = village(legal_basis=2018)
    late["schedule"] = {"election_day": "2025-12-31"}
    first = village()
    first["schedule"] = {"election_day": "2026-01-01"}
    assert basis_findings(late) == [] and basis_findings(first) == []


def test_without_a_named_basis_the_day_chooses_and_nothing_is_said():
    data = village()
    del data["legal_basis"]
    data["schedule"] = {"election_day": "2025-06-01"}
    assert basis_findings(data) == []
    assert checked(data).profile.id == "village_committee-2018"


PARTY_1990 = "《中国共产党基层组织选举工作暂行条例》"
PARTY_2020 = "《中国共产党基层组织选举工作条例》（2020）"


def test_a_party_election_before_the_2020_regulation_is_checked_under_the_1990_text():
    data = party(schedule={"election_day": "2020-07-12"})
    finding = one(basis_findings(data), "BASIS-DATE")
    assert finding.severity is ERROR
    assert finding.message == (
        f"选举日2020年7月12日施行的是{PARTY_1990}（适用于2020年7月12日以前的选举），"
        f"但记录的法律依据版本 legal_basis 为 2020（{PARTY_2020}，自2020年7月13日起施行）。"
        "请将 legal_basis 改为 1990（或删去，按选举日自动选用），或核对选举日。"
    )
    assert finding.citation == PARTY_1990
    assert basis_findings(party(legal_basis=1990, schedule={"election_day": "2020-07-12"})) == []
    assert basis_findings(party(schedule={"election_day": "2020-07-13"})) == []


def test_the_1990_text_is_chosen_by_date_and_cites_its_own_articles():
    from pipeline.profile import select

    assert select({"kind": "party_branch", "schedule": {"election_day": "2016-06-01"}}).id == "party_branch-1990"
    assert select({"kind": "party_branch", "schedule": {"election_day": "2020-07-13"}}).id == "party_branch-2020"
    old = select({"kind": "party_branch", "legal_basis": 1990})
    assert old.cite(old.surplus.article) == f"{PARTY_1990}第十二条"
    assert old.cite(old.win.article) == f"{PARTY_1990}第二十二条"
    assert old.cite(old.reconciliation.article) == f"{PARTY_1990}第十九条"
    # Numbers the reference does not give are not guessed: the regulation alone.
    assert old.cite(old.turnout.article) == PARTY_1990
    assert old.cite(old.tellers.article) == PARTY_1990


def _voted(legal_basis: int, ballots: dict) -> dict:
    return party(
        legal_basis=legal_basis,
        schedule={"election_day": "2016-06-01" if legal_basis == 1990 else "2026-05-12"},
        rounds=[
            {
                "type": "first",
                "present": 40,
                "ballots": ballots,
                "votes": {"书记": {"付建明": 38}, "委员": {"温秀梅": 30, "段立强": 29, "龙晓燕": 28, "邱振国": 27}},
            }
        ],
    )


def test_the_1990_text_reconciles_ballots_against_those_issued():
    # 41 ballots returned for 40 present: void under the 2020 条例 (returned ≤ present), valid in 1990 when 41
    # were issued (§19: 收回的选票等于或少于发出的选票，选举有效); 42 returned of 41 issued is void then too.
    ballots = {"issued": 41, "returned": 41, "invalid": 1}
    assert "BALLOT-RETURNED" in ids(checked(_voted(2020, ballots)).findings)
    assert "BALLOT-RETURNED" not in ids(checked(_voted(1990, ballots)).findings)
    void = one(checked(_voted(1990, {"issued": 41, "returned": 42, "invalid": 1})).findings, "BALLOT-RETURNED")
    assert void.citation == f"{PARTY_1990}第十九条"


def test_a_party_election_before_the_1990_text():
    finding = one(basis_findings(party(legal_basis=1990, schedule={"election_day": "1990-06-26"})), "BASIS-BEFORE")
    assert finding.severity is WARNING
    assert finding.message == (
        f"选举日1990年6月26日早于本程序所收党支部委员会选举的各版规则（最早的{PARTY_1990}自1990年6月27日起施行）。"
        f"当时施行的规定本程序未收录；本次按{PARTY_1990}检查，引用的条文序号和部分要求可能与当时的规定不同，"
        "请对照当时的规定人工核对。"
    )
    assert finding.path == "schedule.election_day"


def test_the_finding_reaches_the_check_result():
    result = checked(village(legal_basis=2018))
    assert "BASIS-DATE" in ids(result.findings)
    assert not result.ok
    assert "BASIS-DATE" not in ids(checked(village()).findings)


def test_no_election_day_no_finding():
    data = village(legal_basis=2018)
    data["schedule"] = {}
    assert basis_findings(data) == []


# ---------------------------------------------------------------- the 2015 选举法, with its own article numbers

LAW_2015 = "《中华人民共和国全国人民代表大会和地方各级人民代表大会选举法》（2015年修正）"
LAW_2020 = "《中华人民共和国全国人民代表大会和地方各级人民代表大会选举法》（2020年修正）"


def dated_deputy(day: str, **changes) -> dict:
    data = deputy(**changes)
    data["schedule"] = {"election_day": day}
    return data


def test_the_2015_text_is_chosen_up_to_the_2020_amendment():
    from pipeline.profile import select

    assert select({"kind": "deputy", "schedule": {"election_day": "2016-11-15"}}).id == "deputy-2015"
    assert select({"kind": "deputy", "schedule": {"election_day": "2020-10-17"}}).id == "deputy-2015"
    assert select({"kind": "deputy", "schedule": {"election_day": "2020-10-18"}}).id == "deputy-2020"


def test_a_2016_deputy_election_named_2020():
    finding = one(basis_findings(dated_deputy("2016-11-15")), "BASIS-DATE")
    assert finding.message == (
        f"选举日2016年11月15日施行的是{LAW_2015}（适用于2020年10月17日以前的选举），"
        f"但记录的法律依据版本 legal_basis 为 2020（{LAW_2020}，自2020年10月18日起施行）。"
        "请将 legal_basis 改为 2015（或删去，按选举日自动选用），或核对选举日。"
    )
    assert finding.citation == LAW_2015
    assert basis_findings(dated_deputy("2016-11-15", legal_basis=2015)) == []


def test_a_deputy_election_before_the_2015_text():
    finding = one(basis_findings(dated_deputy("2015-08-28", legal_basis=2015)), "BASIS-BEFORE")
    assert finding.message == (
        f"选举日2015年8月28日早于本程序所收县乡人大代表选举的各版规则（最早的{LAW_2015}自2015年8月29日起施行）。"
        "当时施行的是《中华人民共和国全国人民代表大会和地方各级人民代表大会选举法》（2010年修正），本程序未收录其规则；"
        f"本次按{LAW_2015}检查，引用的条文序号和部分要求可能与当时的规定不同，请对照当时的规定人工核对。"
    )


def test_the_2015_citations_follow_the_2015_text():
    data = dated_deputy("2016-11-15", legal_basis=2015)
    data["contests"][0]["rounds"] = [
        {
            "type": "first",
            "participants": 1500,
            "ballots": {"issued": 1500, "returned": 1500, "invalid": 0},
            "votes": {"代表": {"王志刚": 1400, "李春梅": 1300, "张德福": 100}},
        }
    ]
    result = checked(data)
    turnout = one(result.findings, "TURNOUT-MAJORITY")  # 1500 of 3120 is not more than half
    assert turnout.citation == f"{LAW_2015}第四十四条"
    assert result.profile.cite(result.profile.surplus.article) == f"{LAW_2015}第三十条"
    assert result.profile.cite(result.profile.runoff.article) == f"{LAW_2015}第四十四条"
    # Numbers the reference does not give are not guessed: the law alone.
    assert result.profile.cite(result.profile.proxy.article) == LAW_2015
    assert result.profile.cite(result.profile.deadlines.voter_list.article) == LAW_2015


def test_before_every_rule_set_without_a_known_earlier_text():
    data = village(legal_basis=2018)
    data["schedule"] = {"election_day": "1998-11-03"}
    finding = one(basis_findings(data), "BASIS-BEFORE")
    assert finding.message == (
        "选举日1998年11月3日早于本程序所收村民委员会选举的各版规则（最早的《中华人民共和国村民委员会组织法》（2018年修正）"
        "自1998年11月4日起施行）。当时施行的规定本程序未收录；本次按《中华人民共和国村民委员会组织法》（2018年修正）检查，"
        "引用的条文序号和部分要求可能与当时的规定不同，请对照当时的规定人工核对。"
    )
    assert finding.citation == "《中华人民共和国村民委员会组织法》（2018年修正）"
