"""The law in force on the election day (BASIS-DATE, BASIS-BEFORE): a named basis off its date, an election
earlier than every shipped rule set; the boundaries are the profiles' `applies_from` / `applies_until`."""

from __future__ import annotations

from helpers import ERROR, WARNING, checked, findings, ids, one, party, village

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


def test_a_party_election_before_the_2020_regulation():
    data = party(schedule={"election_day": "2020-07-12"})
    finding = one(basis_findings(data), "BASIS-BEFORE")
    assert finding.severity is WARNING
    assert finding.message == (
        "选举日2020年7月12日早于本程序所收党支部委员会选举的各版规则（最早的《中国共产党基层组织选举工作条例》（2020）"
        "自2020年7月13日起施行）。当时施行的是《中国共产党基层组织选举工作暂行条例》（1990），本程序未收录其规则；"
        "本次按《中国共产党基层组织选举工作条例》（2020）检查，引用的条文序号和部分要求可能与当时的规定不同，"
        "请对照当时的规定人工核对。"
    )
    assert finding.citation == "《中国共产党基层组织选举工作暂行条例》（1990）"
    assert finding.path == "schedule.election_day"
    assert basis_findings(party(schedule={"election_day": "2020-07-13"})) == []


def test_the_finding_reaches_the_check_result():
    result = checked(village(legal_basis=2018))
    assert "BASIS-DATE" in ids(result.findings)
    assert not result.ok
    assert "BASIS-DATE" not in ids(checked(village()).findings)


def test_no_election_day_no_finding():
    data = village(legal_basis=2018)
    data["schedule"] = {}
    assert basis_findings(data) == []
