"""The typed rule profiles: every shipped file builds, a broken one reports every problem at once."""

from __future__ import annotations

import copy
import datetime as dt
from fractions import Fraction

import pytest

from pipeline import profile as prof
from pipeline.errors import UNUSABLE, HuanjieError
from pipeline.profile import (
    Citing,
    Deadline,
    InvalidProfile,
    MinElected,
    ObjectionRule,
    Profile,
    ProfileError,
    Threshold,
    WomenRule,
    base_profiles,
    build_profile,
    load_profile,
    profile_data,
    provinces,
    select,
)

VILLAGE = "village_committee-2025"


def village_data() -> dict:
    return copy.deepcopy(base_profiles()[VILLAGE])


@pytest.mark.parametrize("profile_id", sorted(base_profiles()))
def test_every_shipped_profile_builds(profile_id):
    built = build_profile(base_profiles()[profile_id])
    assert isinstance(built, Profile), built
    assert built.id == profile_id
    assert built.province == "default"


@pytest.mark.parametrize(
    ("province", "profile_id"),
    sorted((province, pid) for province, table in provinces().items() for pid in table),
)
def test_every_province_override_builds(province, profile_id):
    assert profile_id in base_profiles()
    built = build_profile(profile_data(profile_id, province), province)
    assert isinstance(built, Profile), built
    assert built.id == profile_id and built.province == province


def test_attributes_say_what_the_yaml_says():
    p = load_profile(village_data())
    assert (p.id, p.kind, p.legal_basis) == (VILLAGE, "village_committee", 2025)
    assert p.law == "《中华人民共和国村民委员会组织法》（2025年修正）"
    assert p.short_law == "村民委员会组织法（2025）"
    assert (p.applies_from, p.applies_until) == (dt.date(2026, 1, 1), None)
    assert (p.size.min, p.size.max, p.size.article, p.size.severity) == (3, 7, "第八条", "error")
    assert p.women_required == WomenRule("第八条", "warning", "委员")
    assert p.committee_withdraws == Citing("第十五条")
    assert p.deadlines.voter_list == Deadline(20, "第十七条")
    assert p.deadlines.initial_candidates is None and p.deadlines.formal_candidates is None
    assert p.objection == ObjectionRule(days=5, decision_days=3, article="第十七条")
    assert (p.surplus.rule, p.surplus.scope, p.surplus.article) == ("more_than_seats", "overall", "第十八条")
    assert p.turnout.measure == "participants" and p.turnout.base == "registered"
    assert p.turnout.threshold() == Threshold(Fraction(1, 2), False)
    assert (p.win.base, p.win.fraction, p.win.inclusive) == ("participants", Fraction(1, 2), False)
    assert p.runoff.floor.threshold == Threshold(Fraction(1, 3), True)
    assert (p.runoff.floor.base, p.runoff.extra_candidates) == ("returned", 1)
    assert (p.proxy.allowed, p.proxy.max_per_holder, p.proxy.candidates_may_hold) == (True, 3, False)
    assert (p.proxy.relatives_only, p.proxy.forbidden_methods) == (False, ())
    assert (p.mobile_box.allowed, p.mobile_box.min_tellers) == (True, 2)
    assert p.tellers is not None and p.tellers.candidates_barred
    assert p.nomination_cap is None
    assert p.min_elected == MinElected(3, "第八条")
    assert p.reconciliation.rule == "returned_le_issued"
    assert (p.list_order, p.strokes_convention) == ("strokes", "surname")


def test_methods_and_ratios_are_typed():
    residents = load_profile(base_profiles()["residents_committee-2025"])
    assert residents.turnout.threshold("resident_representative") == Threshold(Fraction(2, 3), False)
    assert residents.turnout.threshold("all_voters") == Threshold(Fraction(1, 2), False)
    assert residents.threshold("turnout", "resident_representative").describe() == "超过三分之二"
    assert residents.proxy.forbidden_methods == ("resident_representative",)
    deputy = load_profile(base_profiles()["deputy-2020"])
    assert deputy.surplus.ratio == (Fraction(1, 3), Fraction(1))
    assert deputy.runoff.extra_candidates == "ratio"
    assert deputy.size is not None and deputy.size.per == "contest"
    party = load_profile(base_profiles()["party_branch-2020"])
    assert party.surplus.percent == 20 and party.surplus.exempt_posts == ("书记", "副书记")
    assert party.turnout.boundary_disputed and party.turnout.threshold().describe() == "超过五分之四"
    assert party.size is not None and (party.size.severity, party.size.min_registered) == ("warning", 7)


def test_a_province_overrides_key_by_key():
    p = select({"kind": "village_committee", "legal_basis": 2025, "profile": "sichuan"})
    assert p.province == "sichuan"
    assert p.law == "《中华人民共和国村民委员会组织法》（2025年修正）、《四川省村民委员会选举条例》"
    assert p.deadlines.voter_list == Deadline(20, "第十七条")  # from the base
    assert p.deadlines.formal_candidates == Deadline(5, "《四川省村民委员会选举条例》第二十三条")
    assert p.surplus.scope == "per_post" and p.surplus.rule == "more_than_seats"
    assert p.surplus.per_post_extra == {"主任": (1, 1), "副主任": (1, 1), "委员": (1, 3)}
    assert p.turnout.base == "expected" and p.turnout.measure == "participants"
    assert p.cite("第十八条") == "《中华人民共和国村民委员会组织法》（2025年修正）第十八条"


def test_a_broken_profile_gives_every_problem_at_once():
    data = village_data()
    data["quorum"] = 3  # an unknown key
    data["turnout"]["fraction"] = "half"  # not a fraction
    data["win"]["fraction"] = "3/2"  # more than the whole
    data["win"]["inclusive"] = "yes"
    data["runoff"]["floor"]["base"] = "registered"
    data["runoff"]["extra_candidates"] = -1
    data["proxy"]["max_per_holder"] = "three"
    data["surplus"]["ratio"] = ["1/3"]
    del data["law"]
    assert build_profile(data) == [
        ("quorum", "未知的键；此处可用的键：" + "、".join(prof._TOP)),
        ("surplus.ratio", "应为 [下限, 上限] 两个分数，实为“['1/3']”"),
        ("turnout.fraction", '应为分数，如 "1/2"，实为“half”'),
        ("win.fraction", "应大于 0 且不大于 1，实为 3/2"),
        ("win.inclusive", "应为 true 或 false，实为“yes”"),
        ("runoff.floor.base", "应为以下之一：returned、present；实为“registered”"),
        ("runoff.extra_candidates", "应为不小于 0 的整数或 ratio，实为“-1”"),
        ("proxy.max_per_holder", "应为整数或 null，实为“three”"),
        ("law", "缺少此键"),
    ]


def test_nested_unknown_keys_and_wrong_sections():
    data = village_data()
    data["turnout"]["by_method"] = {"everyone": {"fraction": "2/3"}, "all_voters": {"fraction": "0"}}
    data["deadlines"]["voter_list"] = {"days": 20, "article": "第十七条", "weeks": 3}
    data["objection"] = "five days"
    data["mobile_box"]["forbidden_methods"] = ["by_post"]
    assert build_profile(data) == [
        ("deadlines.voter_list.weeks", "未知的键；此处可用的键：days、article"),
        ("objection", "应为键值表或 null，实为“five days”"),
        (
            "turnout.by_method.everyone",
            "未知的键；此处可用的键：all_voters、household_representative、resident_representative、party_meeting、villager_representative、leaders_and_representatives",
        ),
        ("turnout.by_method.all_voters.fraction", "应大于 0 且不大于 1，实为 0"),
        (
            "mobile_box.forbidden_methods",
            "未知的选举方式“by_post”；可用：all_voters、household_representative、resident_representative、party_meeting、villager_representative、leaders_and_representatives",
        ),
    ]


def test_a_broken_profile_raises_one_error_listing_them_all():
    data = village_data()
    data["kind"] = "township"
    data["size"]["max"] = 2
    with pytest.raises(InvalidProfile) as caught:
        load_profile(data)
    error = caught.value
    assert isinstance(error, HuanjieError) and error.code == UNUSABLE
    assert error.problems == [
        (
            "kind",
            "应为以下之一：village_committee、residents_committee、party_branch、deputy、building_leader、supervisory_committee、group_leader、representative；实为“township”",
        ),
        ("size.max", "应不小于 min（3），实为 2"),
    ]
    assert str(error) == (
        "规则配置 village_committee-2025 有误，共 2 处：\n"
        "  kind：应为以下之一：village_committee、residents_committee、party_branch、deputy、building_leader、supervisory_committee、group_leader、representative；"
        "实为“township”\n"
        "  size.max：应不小于 min（3），实为 2"
    )


def test_the_id_must_name_kind_and_basis():
    data = village_data()
    data["id"] = "village_committee-2024"
    assert build_profile(data) == [
        ("id", "应为“village_committee-2025”（kind-legal_basis），实为“village_committee-2024”")
    ]


def test_not_a_mapping():
    assert build_profile(["kind"]) == [("", "应为键值表，实为“['kind']”")]


def test_a_province_file_may_only_name_base_profiles(monkeypatch):
    monkeypatch.setattr(prof, "provinces", lambda: {"somewhere": {"village_committee-2030": {"law": "x"}}})
    with pytest.raises(InvalidProfile) as caught:
        profile_data(VILLAGE, "somewhere")
    assert caught.value.problems == [("village_committee-2030", "没有这个基础规则配置")]


def test_a_province_override_is_checked_like_a_profile(monkeypatch):
    monkeypatch.setattr(prof, "provinces", lambda: {"somewhere": {VILLAGE: {"turnout": {"base": "present"}}}})
    assert build_profile(profile_data(VILLAGE, "somewhere"), "somewhere") == [
        ("turnout.base", "应为以下之一：registered、expected；实为“present”")
    ]


def test_profiles_are_built_once():
    record = {"kind": "deputy", "schedule": {"election_day": "2026-11-30"}}
    assert select(record) is select(dict(record))
    assert select({"kind": "village_committee", "profile": "sichuan"}) is select(
        {"kind": "village_committee", "legal_basis": 2025, "profile": "sichuan"}
    )


def test_profiles_are_immutable():
    p = select({"kind": "deputy"})
    with pytest.raises(AttributeError):
        p.law = "x"  # type: ignore[misc]


def test_default_basis_by_election_day():
    assert select({"kind": "village_committee", "schedule": {"election_day": "2025-06-01"}}).id == (
        "village_committee-2018"
    )
    assert select({"kind": "village_committee", "schedule": {"election_day": "2026-03-18"}}).id == VILLAGE
    assert select({"kind": "village_committee"}).id == VILLAGE  # no date: the newest rules


def test_select_keeps_its_messages():
    with pytest.raises(ProfileError) as caught:
        select({"kind": "deputy", "legal_basis": 2010})
    assert str(caught.value) == "县乡人大代表选举没有 2010 版规则；可用的法律依据版本：2015、2020。"
    assert caught.value.field == "legal_basis"
    with pytest.raises(ProfileError) as caught:
        select({"kind": "deputy", "profile": "hubei"})
    assert str(caught.value) == "没有名为“hubei”的规则配置；可用：default、sichuan。"
    assert caught.value.field == "profile"


def test_the_old_import_path_still_works():
    from pipeline.rules import profile as old

    assert old.select is select and old.Profile is Profile and old.Threshold is Threshold
    assert old.ProfileError is ProfileError and old.base_profiles is base_profiles


# ---------------------------------------------------------------- issue 11 item 7/8: earlier texts, exclusions


def test_preceded_by_and_exclusion_reasons_are_optional_and_typed():
    p = load_profile(village_data())
    assert (p.preceded_by, p.exclusion_reasons) == ("", ())
    deputy = select({"kind": "deputy", "legal_basis": 2015})
    assert deputy.preceded_by == "《中华人民共和国全国人民代表大会和地方各级人民代表大会选举法》（2010年修正）"
    party = select({"kind": "party_branch", "legal_basis": 1990})
    assert party.exclusion_reasons[:2] == ("患病不能表达本人意志", "自费出国半年以上")
    data = village_data()
    data["preceded_by"] = 1987
    data["exclusion_reasons"] = "外出"
    assert build_profile(data) == [
        ("preceded_by", "应为文字，实为“1987”"),
        ("exclusion_reasons", "应为文字的列表，实为“外出”"),
    ]


def test_in_force_and_earliest():
    assert prof.in_force("village_committee", dt.date(2025, 12, 31)).id == "village_committee-2018"
    assert prof.in_force("village_committee", dt.date(2026, 1, 1)).id == VILLAGE
    assert prof.in_force("village_committee", dt.date(1998, 11, 3)) is None
    assert prof.in_force("party_branch", dt.date(2020, 7, 12)).id == "party_branch-1990"
    assert prof.in_force("party_branch", dt.date(1990, 6, 26)) is None
    assert prof.earliest("deputy").id == "deputy-2015"
    assert prof.earliest("party_branch").id == "party_branch-1990"


def test_shipped_periods_of_a_kind_do_not_overlap():
    by_kind: dict[str, list[Profile]] = {}
    for p in prof.profiles().values():
        by_kind.setdefault(p.kind, []).append(p)
    for periods in by_kind.values():
        periods.sort(key=lambda p: p.applies_from)
        for before, after in zip(periods, periods[1:], strict=False):
            assert before.applies_until is not None and before.applies_until < after.applies_from, (before.id, after.id)


def test_women_required_remedy_per_profile_and_province():
    national = load_profile(village_data())
    assert national.women_required == WomenRule("第八条", "warning", "委员")
    sichuan = build_profile(profile_data(VILLAGE, "sichuan"), "sichuan")
    assert isinstance(sichuan, Profile)
    assert sichuan.women_required == WomenRule("《四川省村民委员会选举条例》第三十四条", "reserved_seat", "委员")
    # Written the earlier way, without a remedy: only a warning.
    data = village_data()
    data["women_required"] = {"article": "第八条"}
    assert load_profile(data).women_required == WomenRule("第八条", "warning", "委员")


def test_women_required_remedy_must_be_known():
    data = village_data()
    data["women_required"] = {"article": "第八条", "remedy": "lots", "seat": 1}
    assert build_profile(data) == [
        ("women_required.seat", "未知的键；此处可用的键：article、remedy、post"),
        ("women_required.remedy", "应为以下之一：reserved_seat、runoff_among_women、warning；实为“lots”"),
    ]


def test_relatives_setting_is_optional_and_typed():
    """近亲属回避 per kind and basis: which checks apply, their severity and article; a province overrides."""
    data = village_data()
    del data["relatives"]
    assert load_profile(data).relatives is None
    village = select({"kind": "village_committee", "legal_basis": 2025})
    assert village.relatives == prof.RelativesRule(
        committee=prof.RelativeCheck("error", "第十五条"),
        tellers=prof.RelativeCheck("warning", "省级选举办法"),
        elected=prof.RelativeCheck("warning", "第八条"),
        keep_by_post=False,
    )
    old = select({"kind": "village_committee", "legal_basis": 2018})
    assert old.relatives is not None and (old.relatives.committee, old.relatives.elected) == (None, None)
    deputy = select({"kind": "deputy", "legal_basis": 2020})
    assert deputy.relatives == prof.RelativesRule(tellers=prof.RelativeCheck("error", "第四十三条"))
    assert select({"kind": "party_branch", "legal_basis": 2020}).relatives is None
    sichuan = select({"kind": "residents_committee", "legal_basis": 2025, "profile": "sichuan"})
    assert sichuan.relatives is not None and sichuan.relatives.keep_by_post
    assert sichuan.relatives.tellers == prof.RelativeCheck("error", "《四川省城市居民委员会选举条例》第二十六条")
    data = village_data()
    data["relatives"] = {
        "committee": {"severity": "fatal", "article": 15},
        "elected": [],
        "keep_by_post": "yes",
        "x": 1,
    }
    assert build_profile(data) == [
        ("relatives.x", "未知的键；此处可用的键：committee、tellers、elected、keep_by_post、committee_members"),
        ("relatives.committee.severity", "应为以下之一：error、warning；实为“fatal”"),
        ("relatives.committee.article", "应为文字，实为“15”"),
        ("relatives.elected", "应为键值表或 null，实为“[]”"),
        ("relatives.keep_by_post", "应为 true 或 false，实为“yes”"),
    ]
