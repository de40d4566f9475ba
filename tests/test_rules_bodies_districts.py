"""Issue 14 item 4: women among the 村民代表 (组织法第二十五条) and the 人大 seats per 选区 (选举法第二十五条)."""

from __future__ import annotations

import copy

import yaml
from conftest import SAMPLES
from helpers import ERROR, INFO, findings, ids, one

REPRESENTATIVES = yaml.safe_load((SAMPLES / "community-baiyu-representatives.yaml").read_text(encoding="utf-8"))
DISTRICTS = yaml.safe_load((SAMPLES / "deputy-xincheng-districts.yaml").read_text(encoding="utf-8"))


def villagers(women_elected: bool = True) -> dict:
    data = copy.deepcopy(REPRESENTATIVES)
    data["body"] = "村民代表"
    data["unit"]["name"] = "白玉村村民委员会"
    for contest in data["contests"]:
        for c in contest["candidates"]:
            c["post"] = "村民代表"
        contest["seats"][0]["post"] = "村民代表"
        for rnd in contest["rounds"]:
            rnd["votes"] = {"村民代表": rnd["votes"]["居民代表"]}
    if not women_elected:
        for contest in data["contests"]:
            for c in contest["candidates"]:
                c["gender"] = "男"
        data["contests"][0]["candidates"][1]["gender"] = "女"  # 蒋桂英, elected: 1 of 7
    return data


def test_a_third_of_the_village_representatives_are_women_or_it_is_an_error():
    assert "REPRESENTATIVE-WOMEN" not in ids(findings(villagers()))
    found = one(findings(villagers(women_elected=False)), "REPRESENTATIVE-WOMEN")
    assert found.severity is ERROR
    assert found.message == (
        "当选村民代表7名，其中女性1名，不足三分之一（至少应有3名）。妇女村民代表应当占村民代表会议组成人员的三分之一以上；"
        "请在推选中补足女性村民代表，或核对候选人的性别（candidates[].gender）。"
    )
    assert found.citation.endswith("第二十五条")
    assert found.path == "contests"


def test_the_women_rule_waits_for_every_group_and_spares_residents_representatives():
    data = villagers(women_elected=False)
    del data["contests"][2]["rounds"]  # one group not counted yet
    assert "REPRESENTATIVE-WOMEN" not in ids(findings(data))
    data = villagers(women_elected=False)
    data["contests"][0]["candidates"][0].pop("gender")  # 唐志华, elected, sex unknown
    assert "REPRESENTATIVE-WOMEN" not in ids(findings(data))
    residents = villagers(women_elected=False)
    residents["body"] = "居民代表"  # the 居委会法 sets no share
    assert "REPRESENTATIVE-WOMEN" not in ids(findings(residents))


def test_a_district_elects_one_to_three_deputies():
    assert not {"DISTRICT-SEATS", "DISTRICT-BALANCE"} & set(ids(findings(DISTRICTS)))
    data = copy.deepcopy(DISTRICTS)
    data["contests"][0]["seats"][0]["count"] = 4
    found = one(findings(data), "DISTRICT-SEATS")
    name = data["contests"][0]["name"]
    assert found.severity is ERROR
    assert found.message == (
        f"{name}：应选代表4名；选区的大小按每一选区选1名至3名代表划分。请重新划分选区，或核对 seats 的名额。"
    )
    assert found.path == "contests[0].seats"
    assert found.citation.endswith("第二十五条")


def test_seats_far_from_the_average_voters_per_deputy_are_a_hint():
    data = copy.deepcopy(DISTRICTS)
    views = data["contests"]
    voters = sum(v["electorate"]["registered"] for v in views)
    seats = sum(s["count"] for v in views for s in v["seats"])
    # The last 选区 gets twice the voters: its voters per deputy move far above the average.
    views[-1]["electorate"]["registered"] *= 3
    if "changes" in views[-1]["electorate"]:
        del views[-1]["electorate"]["changes"]
    found = [f for f in findings(data) if f.id == "DISTRICT-BALANCE"]
    assert found and all(f.severity is INFO for f in found)
    last = [f for f in found if f.path == f"contests[{len(views) - 1}].electorate.registered"]
    assert len(last) == 1
    registered = views[-1]["electorate"]["registered"]
    count = sum(s["count"] for s in views[-1]["seats"])
    total = voters + registered * 2 // 3
    assert last[0].message.startswith(
        f"{views[-1]['name']}每名代表对应登记选民{registered // count}人，本记录各选区平均{total // seats}人，相差约"
    )
    assert "记录中只有登记选民数，程序按选民数比较，请按人口数核对选区划分和名额分配。" in last[0].message
