#!/usr/bin/env python3
"""Deterministic generator of a county tree of election records (OUTDIR/<县>/<乡镇或街道>/<单位>.yaml).

The committed sample tree `samples/county/` is produced by exactly this command (run from the
repository root; tests/test_gen_county.py checks that the committed files match it byte for byte):

    python tools/gen_county.py samples/county --units 24 --townships 3 --seed 2076 --errors 4 --small-rolls 2 \\
        --bodies 4 --gongtui 1

Large trees for the batch benchmark: `python tools/gen_county.py out/bench --units 2000 --roll`.

What it makes
-------------
One 县 with T 乡镇/街道; in each, villages (村) and communities (社区) with invented names, and for
each place some of its elections: 村委会 (village_committee, 2025 law, all voters), 居委会
(residents_committee 2025, household or resident-representative mode), 楼栋长 (building_leader,
one contest per building) and 党支部 (party_branch). Every record is a complete counted election
that `huanjie check` accepts without any finding: the schedule meets the deadlines, candidates have
full 基本情况, every post has more candidates than seats (the Party's 书记 excepted), ballots and
votes add up, turnout and winners pass the thresholds of the profile, a woman is elected where the
law asks for one, proxies stay within the caps and are not held by candidates. About 5 % of the
units (at least one in a tree of 10 or more) need a 另行选举 for one seat, which the record then
holds. `--errors K` gives K units one deliberate rule error each (see ERRORS), named with the
expected finding id in the file's header comment. `--roll` adds the electorate rolls (names by
group, as many as `registered`); `--small-rolls K` adds them to the K smallest Party branches only.

Determinism: everything is drawn from `random.Random` instances seeded from the seed (one for the
plan of the tree, one per place, one per unit, one for the choice of error units), never from the
global generator or the clock, and files are written in a fixed order with "\\n" line ends, so the
same arguments give the same bytes on every run and machine. The units of a tree do not depend on
`--errors` except the units chosen to carry the errors. Memory stays small: each unit is built,
written and dropped before the next.
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import json
import math
import os
import re
import shutil
import sys
from dataclasses import dataclass, field
from random import Random

# --------------------------------------------------------------------------------------------
# Names
# --------------------------------------------------------------------------------------------
# Surnames with rough weights (per ten thousand people), most common first; then rarer ones and
# a few compound surnames.
_SURNAMES = """
王710 李700 张680 刘540 陈460 杨310 黄250 赵230 吴200 周190 徐170 孙150 马140 朱130 胡130 郭120
何120 林110 高110 罗110 郑100 梁100 谢80 宋80 唐80 许70 韩70 邓70 冯70 曹70 彭70 曾60 肖60 田60
董50 潘50 袁50 蔡50 蒋50 余50 于50 杜50 叶50 程50 魏40 苏40 吕40 丁40 任40 卢40 姚40 沈40 钟40
姜40 崔40 谭40 陆30 范30 汪30 廖30 石30 金30 韦30 贾30 夏30 付30 方30 邹30 熊30 白30 孟30 秦30
邱30 侯30 江30 尹30 薛30 闫30 段20 雷20 龙20 黎20 史20 陶20 贺20 毛20 郝20 顾20 龚20 邵20 万20
覃20 武20 钱20 戴20 严20 莫20 孔20 向20 常20 汤20 康10 易10 乔10 赖10 文10 施10 洪10 辛10 柴10
牛10 温10 芦10 葛10 鲍10 冉10 谷10 阮10 游10 岳10 祁10 甘10 符10 滕10 聂10 匡5 晏5 栾5 巫5
佘5 寇5 桂5 练5 揭5 眭5 帅5 欧阳6 上官3 司马2 诸葛2 东方2
"""
SURNAMES: list[str] = []
_SURNAME_CUM: list[float] = []
_total = 0.0
for _item in _SURNAMES.split():
    _name, _weight = re.fullmatch(r"(\D+)(\d+)", _item).groups()
    _total += int(_weight)
    SURNAMES.append(_name)
    _SURNAME_CUM.append(_total)
_SURNAME_TOTAL = _total

# Given-name characters by sex and generation (born before 1978: "old").
GIVEN = {
    ("男", "old"): (
        "建国志德永明文学振玉春长忠海红卫立庆富贵福金茂光新兴正家培世宗守",
        "国华明平军强林生民成才山东伟刚胜义祥荣发清安远良福贵全根友",
    ),
    ("男", "young"): ("浩宇子俊晨鹏博泽家一天思睿嘉志文明佳伟振晓", "轩杰涛宇鹏飞阳航辉磊超凯然博文龙斌浩峰洋"),
    ("女", "old"): ("秀桂玉淑凤翠金春冬美素丽雪月彩爱兰巧小惠红", "英兰珍芳华梅云琴莲芝荣娥花霞凤仙菊香萍娟"),
    ("女", "young"): ("晓雨思佳欣梦诗子婉雅静丽海丹紫心文慧美", "婷雪琳怡萱璐颖倩悦妍洁蕾薇莹燕娜丹玥"),
}
SINGLE = {
    "男": "伟强军勇杰涛斌磊波刚平辉鹏亮超峰俊浩宇明林华建兵龙健飞凯宁东",
    "女": "芳丽娟敏静燕艳玲婷霞红萍琳洁倩颖莉娜雪梅英慧",
}
# Uyghur names written with the middle dot: given name · father's name.
DOT_GIVEN = {
    "男": ("买买提", "艾力", "阿不都", "吐尔逊", "努尔", "热合曼", "艾买提", "亚森"),
    "女": ("阿依古丽", "古丽娜尔", "热依拉", "帕提古丽", "米娜瓦尔", "阿米娜"),
}
DOT_FATHER = ("艾力", "吐尔逊", "买买提", "阿布拉", "卡德尔", "司马义", "依明", "肉孜", "托合提")
DOT_SHARE = 0.003  # share of people with such a name
MINORITIES = (
    ("土家族", 30),
    ("苗族", 25),
    ("回族", 12),
    ("侗族", 10),
    ("瑶族", 8),
    ("壮族", 6),
    ("满族", 4),
    ("蒙古族", 3),
    ("彝族", 2),
    ("白族", 2),
)
MINORITY_SHARE = 0.07  # other minorities, with Han-style names


class NameGen:
    """Invented personal names; a place may favour a few local surnames (宗族村)."""

    def __init__(self, rng: Random, local: tuple[str, ...] = (), local_share: float = 0.0):
        self.rng = rng
        self.local = local
        self.local_share = local_share

    def surname(self) -> str:
        rng = self.rng
        if self.local and rng.random() < self.local_share:
            return self.local[int(rng.random() * len(self.local))]
        return SURNAMES[bisect.bisect_right(_SURNAME_CUM, rng.random() * _SURNAME_TOTAL)]

    def name(self, sex: str, era: str) -> str:
        rng = self.rng
        if rng.random() < DOT_SHARE:
            return f"{rng.choice(DOT_GIVEN[sex])}·{rng.choice(DOT_FATHER)}"
        surname = self.surname()
        if rng.random() < (0.2 if era == "old" else 0.3):
            return surname + SINGLE[sex][int(rng.random() * len(SINGLE[sex]))]
        first, second = GIVEN[(sex, era)]
        a = first[int(rng.random() * len(first))]
        b = second[int(rng.random() * len(second))]
        return surname + a + (b if b != a else second[0])

    def person(self, sex: str | None = None, era: str | None = None) -> tuple[str, str]:
        sex = sex or ("女" if self.rng.random() < 0.5 else "男")
        era = era or ("old" if self.rng.random() < 0.55 else "young")
        return self.name(sex, era), sex


def ethnicity_of(rng: Random, name: str) -> str:
    if "·" in name:
        return "维吾尔族"
    if rng.random() < MINORITY_SHARE:
        return weighted(rng, MINORITIES)
    return "汉族"


def weighted(rng: Random, pairs) -> str:
    total = sum(w for _, w in pairs)
    x = rng.random() * total
    for value, w in pairs:
        x -= w
        if x < 0:
            return value
    return pairs[-1][0]


# --------------------------------------------------------------------------------------------
# Places
# --------------------------------------------------------------------------------------------
TOWNS = (
    "河湾",
    "石桥",
    "柳溪",
    "白沙",
    "清水",
    "龙泉",
    "桃源",
    "青山",
    "梅岭",
    "松林",
    "新塘",
    "双河",
    "马鞍",
    "金竹",
    "高桥",
    "三江",
    "大坪",
    "长乐",
    "永丰",
    "太平",
    "安居",
    "兴隆",
    "黄土",
    "杨林",
    "枫树",
    "荷塘",
    "花桥",
    "石门",
    "白云",
    "凤山",
    "铁炉",
    "茶园",
    "麻塘",
    "柏树",
    "观音",
    "西坝",
    "沙坪",
    "官渡",
    "鹤田",
    "樟木",
    "龙潭",
    "青龙",
    "罗家",
    "牌楼",
    "板桥",
    "竹山",
    "东岳",
    "七里",
    "五里",
    "横山",
)
STREETS = (
    "东城",
    "西城",
    "南城",
    "北城",
    "城关",
    "新华",
    "解放",
    "建设路",
    "人民路",
    "中山",
    "文昌",
    "滨江",
    "河西",
    "凤凰",
    "朝阳",
    "迎宾",
    "府前",
    "桥东",
    "城南",
    "城北",
    "金桥",
    "湖滨",
    "站前",
    "育才",
)
VILLAGE_A = "柳杨桃梅松竹枫桂荷石青白黄红金龙凤鹤马茶沙泉双三五高大小新上下中东西南北"
VILLAGE_B = (
    "林",
    "庄",
    "湾",
    "坪",
    "冲",
    "塘",
    "桥",
    "园",
    "山",
    "岭",
    "溪",
    "坝",
    "口",
    "源",
    "铺",
    "湖",
    "田",
    "垭",
    "岗",
    "坡",
    "寨",
    "河",
    "集",
)
VILLAGE_NAMED = (
    "柳林",
    "石门",
    "青龙",
    "大坪",
    "桃花",
    "新民",
    "红旗",
    "向阳",
    "胜利",
    "光明",
    "永和",
    "双塘",
    "枫树",
    "竹园",
    "长岭",
    "白马",
    "黄泥",
    "杉木",
    "高峰",
    "丰收",
    "团结",
    "和平",
    "民主",
    "先锋",
    "新华",
    "跃进",
    "五星",
    "龙井",
    "金鸡",
    "凤鸣",
    "梨树",
    "茶林",
    "石板",
    "大湾",
    "荷叶",
    "沙田",
    "青山",
    "龙凤",
    "马场",
    "杨柳",
    "松柏",
    "泉水",
    "鹤鸣",
    "新屋",
    "老屋",
    "罗坪",
    "白果",
    "油茶",
)
COMMUNITY_A = "阳晨清锦春金翠东西南新文丽桂光长康安富华兴泰星云景嘉和福乐"
COMMUNITY_B = ("苑", "园", "湾", "城", "里", "庭", "桥", "湖", "岸", "景", "华", "晖", "汇", "府")
COMMUNITY_NAMED = (
    "阳光",
    "晨光",
    "清河",
    "幸福",
    "和谐",
    "锦绣",
    "春晖",
    "金桥",
    "翠苑",
    "东湖",
    "花园",
    "新城",
    "文昌",
    "育才",
    "丽景",
    "桂苑",
    "光华",
    "民主",
    "长青",
    "康乐",
    "友谊",
    "安宁",
    "富民",
    "兴华",
    "建设路",
    "人民路",
    "解放路",
    "滨河",
    "望江",
    "南湖",
    "北苑",
    "西园",
    "东门",
    "南门",
    "城西",
    "城东",
    "书院",
    "学府",
    "电厂",
    "纺织",
    "机械",
    "粮站",
    "车站",
    "商贸",
    "龙泉",
    "玉泉",
)
ESTATES = (
    "幸福家园",
    "锦绣华庭",
    "阳光新城",
    "滨江花园",
    "金桥小区",
    "翠苑小区",
    "文昌小区",
    "育才小区",
    "康乐苑",
    "东湖小区",
    "和谐家园",
    "桂花园",
)

# Chinese numerals for 届次 and 党小组/村民小组 names.
_DIGITS = "零一二三四五六七八九"


def cn_number(n: int) -> str:
    if n < 10:
        return _DIGITS[n]
    if n < 20:
        return "十" + (_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return _DIGITS[n // 10] + "十" + (_DIGITS[n % 10] if n % 10 else "")
    return str(n)


# --------------------------------------------------------------------------------------------
# Plan of the tree
# --------------------------------------------------------------------------------------------
KIND_WORDS = {
    "village_committee": "村委会",
    "residents_committee": "居委会",
    "building_leader": "楼栋长",
    "party_branch": "党支部",
    # The other bodies of the same 换届 (issue 14): each its own record.
    "supervisory_committee": "监委会",
    "group_leader": "小组长",
    "representative": "代表",
}

# `--bodies K` hands out K units of the other bodies in this order, each to a place that has a committee record.
BODY_KINDS = ("supervisory_committee", "representative", "group_leader")


@dataclass
class Place:
    index: int
    name: str  # 柳林村 / 阳光社区
    kind: str  # 村 / 社区
    township: Township


@dataclass
class Township:
    name: str  # 河湾镇 / 东城街道
    kind: str  # 镇 / 乡 / 街道


@dataclass
class UnitPlan:
    index: int
    place: Place
    kind: str
    runoff: bool = False
    error: str | None = None
    roll: bool = False
    gongtui: bool = False  # a Party branch electing by 公推直选

    @property
    def file_name(self) -> str:
        return f"{self.place.name}{KIND_WORDS[self.kind]}.yaml"


def _unique(rng: Random, used: set[str], named: tuple[str, ...], make) -> str:
    """A name not used yet: from the curated list while it lasts, then composed."""
    fresh = [n for n in named if n not in used]
    if fresh and rng.random() < 0.85:
        name = rng.choice(fresh)
    else:
        for _ in range(1000):
            name = make()
            if name not in used:
                break
        else:  # pragma: no cover - the composed space is far larger than any tree
            name = make() + str(len(used))
    used.add(name)
    return name


def plan_tree(seed: str, units: int, townships: int, runoff_share: float = 0.05) -> list[UnitPlan]:
    """The townships, places and units of the tree (with the units that need a 另行选举)."""
    rng = Random(f"{seed}/plan")
    town_names: set[str] = set()
    place_names: set[str] = set()
    plans: list[UnitPlan] = []
    place_count = 0
    for t in range(townships):
        quota = units // townships + (1 if t < units % townships else 0)
        kind = ("镇", "街道", "乡")[t] if t < 3 else weighted(rng, (("镇", 5), ("乡", 2), ("街道", 3)))
        pool = STREETS if kind == "街道" else TOWNS
        base = _unique(rng, town_names, pool, lambda: rng.choice(VILLAGE_A) + rng.choice(VILLAGE_B))
        township = Township(base + kind, kind)
        made = 0
        while made < quota:
            urban = kind == "街道"
            is_village = rng.random() < (0.12 if urban else 0.85)
            if is_village:
                base = _unique(
                    rng,
                    place_names,
                    VILLAGE_NAMED,
                    lambda: (
                        rng.choice(SURNAMES[:40]) + "家" + rng.choice(VILLAGE_B)
                        if rng.random() < 0.25
                        else rng.choice(VILLAGE_A) + rng.choice(VILLAGE_B)
                    ),
                )
                place = Place(place_count, base + "村", "村", township)
                kinds = ["village_committee"] + (["party_branch"] if rng.random() < 0.55 else [])
            else:
                base = _unique(
                    rng, place_names, COMMUNITY_NAMED, lambda: rng.choice(COMMUNITY_A) + rng.choice(COMMUNITY_B)
                )
                place = Place(place_count, base + "社区", "社区", township)
                kinds = ["residents_committee"]
                if rng.random() < 0.45:
                    kinds.append("building_leader")
                if rng.random() < 0.35:
                    kinds.append("party_branch")
            place_count += 1
            for kind_ in kinds:
                if made == quota:
                    break
                plans.append(UnitPlan(len(plans), place, kind_))
                made += 1
    wanted = max(1 if units >= 10 else 0, round(units * runoff_share))
    for i in sorted(rng.sample(range(len(plans)), min(wanted, len(plans)))):
        plans[i].runoff = True
    return plans


# --------------------------------------------------------------------------------------------
# Deliberate errors
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ErrorKind:
    id: str
    severity: str  # 错误 / 警告
    kinds: tuple[str, ...]


# In the order they are handed out: `--errors 4` gives the first four, each to a different unit.
ERRORS = (
    ErrorKind("TURNOUT-MAJORITY", "错误", ("village_committee", "residents_committee", "building_leader")),
    ErrorKind("DEADLINE-VOTER-LIST", "错误", ("village_committee", "residents_committee")),
    ErrorKind("SURPLUS-COUNT", "错误", ("party_branch",)),
    ErrorKind("STATS-REPORTED-MISMATCH", "警告", ("village_committee", "residents_committee")),
    ErrorKind("PROXY-CANDIDATE", "错误", ("village_committee", "residents_committee", "building_leader")),
    ErrorKind("BALLOT-RETURNED", "错误", ("village_committee", "residents_committee", "building_leader")),
    ErrorKind("PROXY-CAP", "错误", ("village_committee", "residents_committee", "building_leader")),
    ErrorKind("BALLOT-MARKS", "错误", ("village_committee", "residents_committee", "party_branch")),
    ErrorKind("COMPOSITION-WOMEN", "警告", ("village_committee", "residents_committee")),
)
ERROR_IDS = tuple(e.id for e in ERRORS)


def assign_errors(plans: list[UnitPlan], seed: str, count: int) -> None:
    """Give `count` units (none with a 另行选举) one deliberate error each, cycling through ERRORS."""
    rng = Random(f"{seed}/errors")
    for n in range(count):
        for step in range(len(ERRORS)):
            kind = ERRORS[(n + step) % len(ERRORS)]
            pool = [p for p in plans if p.error is None and not p.runoff and not p.gongtui and p.kind in kind.kinds]
            if pool:
                rng.choice(pool).error = kind.id
                break
        else:
            raise ValueError(f"单位数不足，无法安排 {count} 个故意出错的单位")


def add_bodies(plans: list[UnitPlan], seed: str, count: int) -> list[UnitPlan]:
    """The plan with `count` units of the other bodies (BODY_KINDS in turn) for places that hold a 村/居委会 record.

    Drawn from a stream of their own and numbered after every planned unit, so the units planned before keep their
    numbers and therefore their bytes; each is listed right after its place's last unit."""
    if count <= 0:
        return plans
    rng = Random(f"{seed}/bodies")
    places = list(
        {p.place.index: p.place for p in plans if p.kind in ("village_committee", "residents_committee")}.values()
    )
    if not places:
        raise ValueError("树中没有村（居）民委员会的记录，无法安排同届其他组织的选举")
    order = rng.sample(range(len(places)), len(places))
    # Place after place, the kinds in turn; a second and third pass gives places their other bodies.
    slots = [
        (order[j], BODY_KINDS[(j + r) % len(BODY_KINDS)]) for r in range(len(BODY_KINDS)) for j in range(len(order))
    ]
    if count > len(slots):
        raise ValueError(f"村（居）民委员会不足，无法安排 {count} 个同届其他组织的选举（最多 {len(slots)} 个）")
    wanted: dict[int, list[str]] = {}
    for i, kind in slots[:count]:
        wanted.setdefault(places[i].index, []).append(kind)
    out: list[UnitPlan] = []
    next_index = len(plans)
    for n, plan in enumerate(plans):
        out.append(plan)
        last_of_place = n + 1 == len(plans) or plans[n + 1].place is not plan.place
        if last_of_place:
            for kind in sorted(wanted.get(plan.place.index, []), key=BODY_KINDS.index):
                out.append(UnitPlan(next_index, plan.place, kind))
                next_index += 1
    return out


def assign_gongtui(plans: list[UnitPlan], seed: str, count: int) -> None:
    """`count` Party branches (none with an error, a 另行选举 or a roll) elect by 公推直选."""
    pool = [p for p in plans if p.kind == "party_branch" and not (p.error or p.runoff or p.roll)]
    if count > len(pool):
        raise ValueError(f"党支部不足，无法安排 {count} 个公推直选的党支部（可用 {len(pool)} 个）")
    for p in Random(f"{seed}/gongtui").sample(pool, count):
        p.gongtui = True


def party_size(seed: str, index: int) -> int:
    """Members of the Party branch of unit `index` (its own stream, so the plan can rank branches by size)."""
    rng = Random(f"{seed}/size/{index}")
    return rng.randint(12, 120) if rng.random() < 0.85 else rng.randint(121, 180)


def assign_small_rolls(plans: list[UnitPlan], seed: str, count: int) -> None:
    """Rolls for the `count` smallest Party branches (then building-leader elections, if there are too few)."""
    branches = sorted(
        (p for p in plans if p.kind == "party_branch"), key=lambda p: (party_size(seed, p.index), p.index)
    )
    buildings = [p for p in plans if p.kind == "building_leader"]
    for p in (branches + buildings)[:count]:
        p.roll = True


# --------------------------------------------------------------------------------------------
# YAML output (the samples' style: block mappings, flow mappings for candidates and votes)
# --------------------------------------------------------------------------------------------
class F(dict):
    """A mapping written in flow style: {a: 1, b: 2}."""


class L(list):
    """A list written in flow style: [a, b]."""


class Names(L):
    """A flow list of personal names (plain scalars by construction): the fast path for rolls."""


class Raw(str):
    """A scalar written as is (a decimal number such as 93.45)."""


WIDTH = 104
_PLAIN = re.compile(r"[^\s\-?:,\[\]{}#&*!|>'\"%@`][^,\[\]{}:#\n]*")
_IMPLICIT = re.compile(r"(?i:true|false|yes|no|on|off|y|n|null|~)|[-+]?[0-9][0-9_.]*([eE][-+]?[0-9]+)?|\.[0-9]+")


def display_width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def scalar(value) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, Raw):
        return str(value)
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if _PLAIN.fullmatch(text) and not text.endswith(" ") and not _IMPLICIT.fullmatch(text):
        return text
    return json.dumps(text, ensure_ascii=False)


def _names_flow(names: list[str], column: int) -> str:
    indent = " " * (column + 1)
    lines, line, used = [], [], column + 1
    for name in names:
        width = 2 * len(name) + 2
        if line and used + width > WIDTH:
            lines.append(", ".join(line))
            line, used = [], column + 1
        line.append(name)
        used += width
    lines.append(", ".join(line))
    return "[" + (",\n" + indent).join(lines) + "]"


def _flow(value, column: int) -> str:
    """A flow mapping or list starting at display `column`, wrapped to WIDTH."""
    if isinstance(value, Names):
        return _names_flow(value, column)
    if isinstance(value, F):
        items = [f"{scalar(k)}: {_flow(v, 0) if isinstance(v, (F, L)) else scalar(v)}" for k, v in value.items()]
        opening, closing = "{", "}"
    elif isinstance(value, L):
        items = [_flow(v, 0) if isinstance(v, (F, L)) else scalar(v) for v in value]
        opening, closing = "[", "]"
    else:
        return scalar(value)
    if not items:
        return opening + closing
    indent = " " * (column + 1)
    lines, line, used = [], opening, column + 1
    for i, item in enumerate(items):
        width = display_width(item) + 2
        if i and used + width > WIDTH:
            lines.append(line + ",")
            line, used = indent + item, column + 1 + width
        else:
            line += (", " if i else "") + item
            used += width
    lines.append(line + closing)
    return "\n".join(lines)


def _block(out: list[str], value, indent: int) -> None:
    pad = " " * indent
    if isinstance(value, dict) and not isinstance(value, F):
        for key, item in value.items():
            head = f"{pad}{scalar(key)}:"
            if isinstance(item, (F, L)) or not isinstance(item, (dict, list)):
                out.append(f"{head} {_flow(item, display_width(head) + 1)}\n")
            else:
                out.append(head + "\n")
                _block(out, item, indent + 2)
    else:
        for item in value:
            if isinstance(item, dict) and not isinstance(item, F):
                sub: list[str] = []
                _block(sub, item, indent + 2)
                first = sub[0]
                sub[0] = f"{pad}- {first[indent + 2 :]}"
                out.extend(sub)
            else:
                out.append(f"{pad}- {_flow(item, indent + 2)}\n")


TOP_GROUP = ("kind", "body", "legal_basis", "profile", "term")


def to_yaml(record: dict, header: list[str]) -> str:
    out = [f"# {line}\n" for line in header]
    for key, value in record.items():
        if key not in TOP_GROUP:
            out.append("\n")
        _block(out, {key: value}, 0)
    return "".join(out)


# --------------------------------------------------------------------------------------------
# Election helpers
# --------------------------------------------------------------------------------------------
@dataclass
class Person:
    name: str
    sex: str


class People:
    """The people of one unit (or one contest): drawn from the roll when there is one, never twice."""

    def __init__(self, rng: Random, names: NameGen, used: set[str], roll: list[Person] | None = None):
        self.rng = rng
        self.names = names
        self.used = used
        self.roll = roll

    def take(self, sex: str | None = None, era: str | None = None) -> Person:
        rng = self.rng
        if self.roll:
            for _ in range(200):
                p = self.roll[int(rng.random() * len(self.roll))]
                if p.name not in self.used and (sex is None or p.sex == sex):
                    self.used.add(p.name)
                    return p
            for wanted in (sex, None):  # small rolls: walk them, of the other sex if need be
                for p in self.roll:
                    if p.name not in self.used and (wanted is None or p.sex == wanted):
                        self.used.add(p.name)
                        return p
            raise RuntimeError("选民名单中没有足够的人")  # pragma: no cover - rolls are much larger
        while True:
            name, sex_ = self.names.person(sex, era)
            if name not in self.used:
                self.used.add(name)
                return Person(name, sex_)

    def relative_of(self, holder: Person) -> Person:
        """Someone of the holder's family name when the roll allows (for proxies)."""
        if not self.roll:
            surname = holder.name[:2] if holder.name[:2] in SURNAMES else holder.name[:1]
            for _ in range(50):
                sex = "女" if self.rng.random() < 0.5 else "男"
                era = "old" if self.rng.random() < 0.5 else "young"
                first, second = GIVEN[(sex, era)]
                name = surname + self.rng.choice(first) + self.rng.choice(second)
                if "·" not in holder.name and name not in self.used:
                    self.used.add(name)
                    return Person(name, sex)
        return self.take()


def make_roll(rng: Random, names: NameGen, size: int, must: list[Person] = (), women: float = 0.5) -> list[Person]:
    """`size` distinct voters (a share `women` of them women), including the people in `must`."""
    seen = {p.name for p in must}
    roll = list(must)
    person = names.person
    while len(roll) < size:
        name, sex = person("女" if rng.random() < women else "男")
        if name not in seen:
            seen.add(name)
            roll.append(Person(name, sex))
    rng.shuffle(roll)
    return roll


def split(rng: Random, total: int, parts: int) -> list[int]:
    """`total` split into `parts` positive sizes of similar magnitude."""
    parts = max(1, min(parts, total))
    weights = [0.7 + rng.random() * 0.6 for _ in range(parts)]
    scale = sum(weights)
    sizes = [max(1, int(total * w / scale)) for w in weights]
    sizes[-1] += total - sum(sizes)
    while sizes[-1] < 1:  # pragma: no cover - guard against rounding on tiny totals
        j = sizes.index(max(sizes))
        sizes[j] -= 1
        sizes[-1] += 1
    return sizes


def roll_groups(rng: Random, roll: list[Person], group_names: list[str]) -> list:
    sizes = split(rng, len(roll), len(group_names))
    out, start = [], 0
    for name, size in zip(group_names, sizes, strict=False):
        out.append({"name": name, "voters": Names(p.name for p in roll[start : start + size])})
        start += size
    return out


def ym(year: int, month: int) -> str:
    return f"{year}-{month:02d}"


def iso(day: dt.date) -> str:
    return day.isoformat()


def half_up_percent(numerator: int, denominator: int, places: int = 2) -> str:
    """numerator / denominator as a percentage rounded half up, e.g. 76.56 (exact integer arithmetic)."""
    scale = 10**places
    q = (2 * numerator * 100 * scale + denominator) // (2 * denominator)
    whole, frac = divmod(q, scale)
    return f"{whole}.{frac:0{places}d}" if places else str(whole)


@dataclass
class Candidate:
    person: Person
    post: str
    winner: bool = False  # elected in the first round
    birth: str = ""
    ethnicity: str = "汉族"
    education: str = "高中"
    politics: str = "群众"
    nominated_by: str = ""
    incumbent: bool = False
    workplace: str | None = None
    nomination_votes: int | None = None

    def as_flow(self) -> F:
        data = F(
            name=self.person.name,
            gender=self.person.sex,
            birth=self.birth,
            ethnicity=self.ethnicity,
            education=self.education,
            politics=self.politics,
            nominated_by=self.nominated_by,
        )
        if self.nomination_votes is not None:
            data["nomination_votes"] = self.nomination_votes
        data["post"] = self.post
        data["incumbent"] = self.incumbent
        if self.workplace:
            data["workplace"] = self.workplace
        return data


EDUCATION_BY_ERA = {
    "old": (("小学", 4), ("初中", 30), ("高中", 30), ("中专", 12), ("大专", 16), ("大学本科", 8)),
    "mid": (("初中", 12), ("高中", 22), ("中专", 12), ("大专", 30), ("大学本科", 22), ("研究生", 2)),
    "young": (("高中", 8), ("中专", 6), ("大专", 36), ("大学本科", 45), ("研究生", 5)),
}


def education(rng: Random, year: int, lift: int = 0) -> str:
    era = "old" if year < 1972 else "mid" if year < 1988 else "young"
    if lift and era != "young" and rng.random() < 0.4:
        era = "mid" if era == "old" else "young"
    return weighted(rng, EDUCATION_BY_ERA[era])


def politics(rng: Random, year: int, party_share: float) -> str:
    x = rng.random()
    if x < party_share:
        return "中共党员" if rng.random() < 0.95 else "中共预备党员"
    if year >= 1992 and rng.random() < 0.35:
        return "共青团员"
    if rng.random() < 0.02:
        return "无党派人士"
    return "群众"


def _free(value: int, low: int, high: int, taken: set[int], downward: bool = False) -> int:
    """The value nearest to `value` in [low, high] that is not taken (preferring one direction)."""
    value = min(high, max(low, value))
    for step in range(high - low + 1):
        for candidate in (value - step, value + step) if downward else (value + step, value - step):
            if low <= candidate <= high and candidate not in taken:
                return candidate
    raise ValueError("no free value")  # pragma: no cover - ranges are sized for the counts


class Votes:
    """Vote counts for one post of one round, built to the rules rather than sampled and rejected.

    First round: each designated winner gets from `need` (more than half of the base) up to the
    valid ballots, everyone else less than `need`; all counts (write-ins included) are distinct,
    so there is never a tie; the post's total stays within valid × seats (or, for the deliberate
    BALLOT-MARKS error, goes above it).
    """

    def __init__(self, rng: Random):
        self.rng = rng

    def first(
        self,
        names: list[str],
        winners: set[str],
        seats: int,
        base: int,
        valid: int,
        write_ins: dict[str, int],
        marks_error: bool = False,
    ) -> dict[str, int]:
        rng = self.rng
        need = base // 2 + 1
        won = [n for n in names if n in winners]
        lost = [n for n in names if n not in winners]
        taken = set(write_ins.values())
        extra = sum(write_ins.values())
        votes: dict[str, int] = {}
        if marks_error:
            for i, name in enumerate(sorted(won, key=lambda _: rng.random())):
                votes[name] = _free(valid - i - rng.randint(0, 1 + valid // 100), need, valid, taken, True)
                taken.add(votes[name])
            for name in lost:
                votes[name] = _free(need - 1 - rng.randint(0, max(1, need // 12)), 0, need - 1, taken, True)
                taken.add(votes[name])
            assert sum(votes.values()) + extra > valid * seats
            return {n: votes[n] for n in names}
        cap = valid * seats - extra
        low_share = max(0.8 if len(names) == seats else 0.55, need / valid + 0.01)
        for name in won:
            share = rng.uniform(low_share, max(low_share, 0.98 if len(names) == seats else 0.9))
            votes[name] = _free(int(valid * share), need, valid, taken)
            taken.add(votes[name])
        if sum(votes.values()) > cap - sum(range(len(lost))):
            # Too many marks for the winners to leave room for the others: just above the line instead.
            taken -= set(votes.values())
            step = max(1, (valid - need) // (2 * len(won)))
            for i, name in enumerate(won):
                votes[name] = _free(need + i * step, need, valid, taken)
                taken.add(votes[name])
        room = max(0, int(cap * rng.uniform(0.86, 0.98)) - sum(votes.values()))
        shares = [rng.uniform(0.15, 1.0) for _ in lost]
        scale = sum(shares) or 1.0
        for name, share in zip(lost, shares, strict=False):
            target = min(need - 1 - int(rng.random() * need * 0.15), int(room * share / scale))
            votes[name] = _free(target, 0, need - 1, taken, True)
            taken.add(votes[name])
        # Hard cap: bring the largest losers down while the post has more marks than allowed.
        while sum(votes.values()) > cap:
            biggest = max(lost, key=votes.get)
            taken.discard(votes[biggest])
            votes[biggest] = _free(votes[biggest] - 1 - (sum(votes.values()) - cap), 0, need - 1, taken, True)
            taken.add(votes[biggest])
        return {n: votes[n] for n in names}

    def runoff(self, names: list[str], winners: set[str], seats: int, floor: int, valid: int) -> dict[str, int]:
        """Most votes win (each winner at least `floor`); the others fewer than every winner; no ties."""
        rng = self.rng
        votes: dict[str, int] = {}
        taken: set[int] = set()
        for name in (n for n in names if n in winners):
            votes[name] = _free(int(valid * rng.uniform(0.52, 0.75)), floor, valid, taken)
            taken.add(votes[name])
        lowest = min(votes.values())
        left = valid * seats - sum(votes.values())
        others = [n for n in names if n not in winners]
        for name in others:
            target = int(min(lowest - 1, left / len(others)) * rng.uniform(0.55, 0.95))
            votes[name] = _free(target, 0, lowest - 1, taken, True)
            taken.add(votes[name])
        assert sum(votes.values()) <= valid * seats
        return {n: votes[n] for n in names}


# --------------------------------------------------------------------------------------------
# Building one unit
# --------------------------------------------------------------------------------------------
ELECTION_YEAR = 2026


@dataclass
class Context:
    """What a unit builder knows about the tree and the unit."""

    county: str
    seed: str
    plan: UnitPlan
    leader: Person
    leader_birth: tuple[int, int]
    local: tuple[str, ...]
    notes: list[str] = field(default_factory=list)  # the 情形 line(s) of the header
    committee_members: list[str] = field(default_factory=list)  # a 监督委员会's: the same place's new committee
    committee_record: str = ""  # that committee's file name
    error_note: str = ""


def place_context(seed: str, place: Place) -> tuple[Person, tuple[int, int], tuple[str, ...]]:
    """The place's leader (党组织书记, usually standing for 主任) and its local surnames."""
    rng = Random(f"{seed}/place/{place.index}")
    local = tuple(rng.sample(SURNAMES[:60], rng.randint(2, 3))) if place.kind == "村" else ()
    names = NameGen(rng, local, 0.6 if local else 0.0)
    year = rng.randint(1966, 1988)
    sex = "女" if rng.random() < (0.18 if place.kind == "村" else 0.55) else "男"
    name, sex = names.person(sex, "old" if year < 1978 else "young")
    return Person(name, sex), (year, rng.randint(1, 12)), local


class Builder:
    """Builds the record of one unit; deterministic for (seed, unit index)."""

    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.plan = ctx.plan
        self.rng = Random(f"{ctx.seed}/unit/{ctx.plan.index}")
        share = 0.55 if ctx.local else 0.0
        self.names = NameGen(self.rng, ctx.local, share)
        self.used: set[str] = {ctx.leader.name}
        self.votes = Votes(self.rng)
        self.place = ctx.plan.place
        self.township = self.place.township
        self.elected: list[str] = []  # who the record elects (a 村/居委会's members, for the 监督委员会's 回避)

    # -- shared pieces -----------------------------------------------------------------------
    @property
    def parents(self) -> L:
        return L([self.ctx.county, self.township.name])

    def dates(self, start: tuple[int, int], end: tuple[int, int]) -> dt.date:
        first = dt.date(ELECTION_YEAR, *start)
        last = dt.date(ELECTION_YEAR, *end)
        day = first + dt.timedelta(days=self.rng.randint(0, (last - first).days))
        if day.weekday() == 6 and self.rng.random() < 0.5:  # many elections are on a Saturday
            day -= dt.timedelta(days=1)
        return day

    def birth(self, low: int, high: int) -> tuple[int, str]:
        year = self.rng.randint(low, high)
        return year, ym(year, self.rng.randint(1, 12))

    def candidate(
        self,
        people: People,
        post: str,
        sex: str,
        years: tuple[int, int],
        party_share: float,
        nominators: tuple,
        lift: int = 0,
    ) -> Candidate:
        rng = self.rng
        year, birth = self.birth(*years)
        person = people.take(sex, "old" if year < 1978 else "young")
        return Candidate(
            person=person,
            post=post,
            birth=birth,
            ethnicity=ethnicity_of(rng, person.name),
            education=education(rng, year, lift),
            politics=politics(rng, year, party_share),
            nominated_by=weighted(rng, nominators),
        )

    def leader_candidate(self, post: str, workplace: str, nominated_by: str) -> Candidate:
        year, month = self.ctx.leader_birth
        return Candidate(
            person=self.ctx.leader,
            post=post,
            birth=ym(year, month),
            ethnicity="汉族",
            education=weighted(
                Random(f"{self.ctx.seed}/leader/{self.place.index}"), (("大专", 5), ("大学本科", 3), ("高中", 2))
            ),
            politics="中共党员",
            nominated_by=nominated_by,
            incumbent=True,
            workplace=workplace,
        )

    def committee(
        self, people: People, name: str, formed_by: str | None, formed_on: dt.date | None, members: int, vice: bool
    ) -> dict:
        data: dict = {"name": name, "chair": people.take().name}
        if vice:
            data["vice_chairs"] = L([people.take().name])
        data["members"] = L(people.take().name for _ in range(members))
        if formed_by:
            data["formed_by"] = formed_by
        if formed_on:
            data["formed_on"] = iso(formed_on)
        return data

    def pick_winners(self, cands: list[Candidate], seats: int, leader_first: bool = False) -> None:
        rng = self.rng
        order = list(cands)
        rng.shuffle(order)
        if leader_first:
            order.sort(key=lambda c: c.person is not self.ctx.leader)
        for c in order[:seats]:
            c.winner = True

    def set_incumbents(self, cands: list[Candidate]) -> None:
        for c in cands:
            if c.person is self.ctx.leader:
                continue
            c.incumbent = self.rng.random() < (0.55 if c.winner else 0.2)

    def proxies(
        self,
        people: People,
        count: int,
        cap: int,
        relation: bool,
        candidate_holder: Person | None = None,
        over_cap: bool = False,
    ) -> list:
        rng = self.rng
        out = []
        for i in range(count):
            holder = candidate_holder if (i == 0 and candidate_holder) else people.take()
            n = cap + 1 if (over_cap and i == 0) else rng.randint(1, cap)
            principals = L(people.relative_of(holder).name for _ in range(n))
            entry = F(holder=holder.name, principals=principals)
            if relation:
                kinds = (("近亲属", 6), ("配偶", 1), ("子女", 1)) if n == 1 else (("近亲属", 6), ("本村村民", 1))
                entry["relation"] = weighted(rng, kinds)
            out.append(entry)
        return out

    def ballots(self, participants: int, registered: int, spare: int) -> tuple[int, int, int]:
        """(issued, returned, invalid) for `participants` voters."""
        rng = self.rng
        issued = min(registered, participants + rng.randint(0, spare))
        invalid = rng.randint(0, max(1, participants // 80))
        return issued, participants, invalid

    def turnout(self, registered: int, low: float, high: float, fraction: tuple[int, int]) -> int:
        """Participants above the legal share of `registered`."""
        num, den = fraction
        need = registered * num // den + 1
        value = int(registered * self.rng.uniform(low, high))
        return min(registered, max(need + self.rng.randint(0, 2), value))

    def header(self, title: str) -> list[str]:
        lines = [f"生成的示例：{title}"]
        lines += [f"情形：{n}" if i == 0 else n for i, n in enumerate(self.ctx.notes)]
        if self.ctx.error_note:
            lines.append(self.ctx.error_note)
        lines.append(f"由 tools/gen_county.py 生成（种子 {self.ctx.seed}）。人名、地名均为虚构。")
        return [part for line in lines for part in wrap_comment(line)]

    def error_line(self, what: str) -> None:
        kind = next(e for e in ERRORS if e.id == self.plan.error)
        self.ctx.error_note = f"本记录故意包含{kind.severity}：{what}（预期检查编号 {kind.id}）"

    # -- the pieces of a counted single-contest committee election (村/居/党) ------------------
    def tally(self, posts, base: int, valid: int, write_ins: dict, marks_error_post: str | None = None) -> dict:
        votes = {}
        for post, seats, cands in posts:
            names = [c.person.name for c in cands]
            winners = {c.person.name for c in cands if c.winner}
            self.elected += [n for n in names if n in winners]
            votes[post] = F(
                self.votes.first(
                    names, winners, seats, base, valid, write_ins.get(post, {}), marks_error=(post == marks_error_post)
                )
            )
        return votes

    def write_in_votes(self, people: People, posts, chance: float) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        if self.rng.random() < chance:
            post = posts[-1][0]
            out[post] = {people.take().name: self.rng.randint(2, 14) for _ in range(self.rng.randint(1, 2))}
            if len(set(out[post].values())) < len(out[post]):
                first = next(iter(out[post]))
                out[post] = {first: out[post][first]}
        return out

    def runoff_round(
        self,
        day: dt.date,
        post: str,
        seats_left: int,
        cands: list[Candidate],
        first_votes: dict[str, int],
        registered: int,
        turnout_fraction: tuple[int, int],
        present_base: bool,
        first_turnout: int,
        excluded: int = 0,
    ) -> tuple[dict, str]:
        """The 另行选举 round for `post`: the unelected with the most votes, one more than the seats."""
        rng = self.rng
        unelected = sorted(
            (n for n in first_votes if not any(c.person.name == n and c.winner for c in cands)),
            key=lambda n: -first_votes[n],
        )
        names = unelected[: seats_left + 1]
        winners = (
            set(rng.sample(names[: seats_left + 1], seats_left)) if rng.random() < 0.3 else set(names[:seats_left])
        )
        expected = registered - excluded
        # Fewer voters stay for a 另行选举, but still enough for it to be valid.
        value = min(first_turnout, self.turnout(expected, 0.82 if present_base else 0.62, 0.95, turnout_fraction))
        rnd: dict = {"type": "runoff", "date": iso(day), "posts": L([post]), "seats": F({post: seats_left})}
        if present_base:
            rnd["present"] = value
            issued, returned, invalid = value, value, rng.randint(0, 1)
            floor = value // 2 + 1
        else:
            rnd["participants"] = value
            issued, returned, invalid = self.ballots(value, registered, 4)
            floor = -(-returned // 3)
        rnd["ballots"] = F(issued=issued, returned=returned, invalid=invalid)
        rnd["votes"] = {post: F(self.votes.runoff(names, winners, seats_left, floor, returned - invalid))}
        self.elected += [n for n in names if n in winners]
        return rnd, "、".join(n for n in names if n in winners)

    # -- kinds ------------------------------------------------------------------------------
    def build(self) -> tuple[dict, list[str]]:
        return getattr(self, self.plan.kind)()

    def village_committee(self) -> tuple[dict, list[str]]:
        rng, plan, place = self.rng, self.plan, self.place
        error = plan.error
        population = rng.randint(900, 5200)
        households = int(population / rng.uniform(2.9, 3.8))
        registered = int(population * rng.uniform(0.70, 0.80))
        groups = max(3, min(16, population // rng.randint(260, 420)))
        day = self.dates((3, 14), (5, 30))
        roll = None
        if plan.roll:
            roll = make_roll(rng, self.names, registered, [self.ctx.leader])
        people = self.people = People(rng, self.names, self.used, roll)
        short = place.name
        layout = weighted(
            rng, (((1, 1, 3), 45), ((1, 0, 2), 12), ((1, 1, 1), 8), ((1, 0, 4), 15), ((1, 1, 5), 12), ((1, 2, 4), 8))
        )
        seats = [(post, n) for post, n in zip(("主任", "副主任", "委员"), layout, strict=False) if n]
        # Committee first (its members may not stand), then candidates.
        formed_on = day - dt.timedelta(days=rng.randint(38, 52))
        committee = self.committee(
            people, f"{short}村民选举委员会", "村民代表会议推选", formed_on, rng.randint(2, 4), rng.random() < 0.6
        )
        nominators = (("村党组织提名", 3), ("选民提名", 4), ("十名以上选民联名", 3), ("自荐", 1))
        posts = []
        runoff_post = None
        if plan.runoff:
            runoff_post = rng.choice([p for p, n in seats if n >= 2] or [seats[0][0]])
        for post, n in seats:
            extra = 1 if rng.random() < 0.75 else 2
            if error == "SURPLUS-COUNT":
                extra = 0
            if post == runoff_post:
                extra = max(extra, 2)
            cands = []
            for i in range(n + extra):
                if post == "主任" and i == 0:
                    cands.append(self.leader_candidate(post, f"{short}党支部书记", "村党组织提名"))
                    continue
                sex = "女" if rng.random() < (0.25 if post == "主任" else 0.4) else "男"
                c = self.candidate(people, post, sex, (1962, 1996), 0.8 if post == "主任" else 0.45, nominators)
                cands.append(c)
            winners = n - 1 if post == runoff_post else n
            self.pick_winners(cands, winners, leader_first=(post == "主任" and rng.random() < 0.85))
            posts.append((post, n, cands))
        self.women_rule(posts, error == "COMPOSITION-WOMEN")
        for _, _, cands in posts:
            self.set_incumbents(cands)
            for c in cands:
                c.nomination_votes = int(registered * (rng.uniform(0.4, 0.75) if c.winner else rng.uniform(0.1, 0.45)))
        # Schedule.
        schedule = self.schedule(day, voter_days=(15, 15) if error == "DEADLINE-VOTER-LIST" else (20, 27))
        # First round.
        if error == "TURNOUT-MAJORITY":
            participants = registered // 2  # exactly half (even) or less than half (odd): not more than half
        else:
            participants = self.turnout(registered, 0.74, 0.96, (1, 2))
        issued, returned, invalid = self.ballots(participants, registered, 6)
        if error == "BALLOT-RETURNED":
            issued = returned - rng.randint(1, 3)
        rnd: dict = {
            "type": "first",
            "date": iso(day),
            "participants": participants,
            "ballots": F(issued=issued, returned=returned, invalid=invalid),
        }
        if rng.random() < 0.5:
            boxes = []
            for b in range(rng.randint(1, 2)):
                box_issued = rng.randint(20, max(21, min(160, issued // 8)))
                box = F(
                    name=f"第{cn_number(b + 1)}流动票箱",
                    issued=box_issued,
                    returned=box_issued - rng.randint(0, 2),
                    tellers=L([people.take().name, people.take().name]),
                )
                boxes.append(box)
            rnd["mobile_boxes"] = boxes
        proxies = self.proxy_plan(people, posts, cap=3, relation=True, chance=0.65, most=5)
        if proxies:
            rnd["proxies"] = proxies
        write_ins = self.write_in_votes(people, posts, 0.35)
        valid = returned - invalid
        rnd["votes"] = self.tally(
            posts, participants, valid, write_ins, marks_error_post=posts[-1][0] if error == "BALLOT-MARKS" else None
        )
        if write_ins:
            rnd["write_ins"] = {post: F(w) for post, w in write_ins.items()}
        rounds = [rnd]
        notes = self.seat_note(posts) + "；" + self.first_note(posts, runoff_post)
        if runoff_post:
            first_votes = dict(rnd["votes"][runoff_post])
            cands = next(c for p, _, c in posts if p == runoff_post)
            later = day + dt.timedelta(days=0 if rng.random() < 0.6 else rng.randint(3, 10))
            runoff, won = self.runoff_round(
                later, runoff_post, 1, cands, first_votes, registered, (1, 2), False, participants
            )
            rounds.append(runoff)
            notes += (
                f"{'当日' if later == day else cn_date(later) + ' '}另行选举，{won}得票不少于已投选票的三分之一而当选"
            )
        schedule["results_published"] = rounds[-1]["date"]
        self.ctx.notes = [notes + "。"]
        record: dict = {
            "kind": "village_committee",
            "legal_basis": 2025,
            "term": f"第{cn_number(rng.randint(11, 13))}届",
        }
        record["unit"] = {
            "name": f"{short}民委员会",
            "short_name": short,
            "parents": self.parents,
            "households": households,
            "population": population,
            "groups": groups,
        }
        record["committee"] = committee
        record["method"] = "all_voters"
        record["schedule"] = schedule
        record["seats"] = [F(post=p, count=n) for p, n, _ in posts]
        women = sum(p.sex == "女" for p in roll) if roll else int(registered * rng.uniform(0.46, 0.51))
        electorate: dict = {"registered": registered, "women": women}
        if roll:
            electorate["groups"] = roll_groups(rng, roll, [f"第{cn_number(i + 1)}村民小组" for i in range(groups)])
        record["electorate"] = electorate
        record["candidates"] = [c.as_flow() for _, _, cands in posts for c in cands]
        record["rounds"] = rounds
        record["documents"] = self.documents(
            short[0] + "选委",
            committee["name"],
            [f"{short}党群服务中心", f"{short}村委会会议室", f"{short}小学操场", f"{short}文化广场"],
            f"{self.township.name}人民政府",
            committee,
            posts,
        )
        self.summary(record, "村", registered, participants, posts, proxies, rnd.get("mobile_boxes"), runoff_post)
        self.finish_error(record, registered, participants, issued, returned, posts, proxies, "人", "选民")
        title = f"{self.ctx.county}{self.township.name}{short}{record['term']}村民委员会换届选举（全体选民直接选举，计票完成）"
        return record, self.header(title)

    def residents_committee(self) -> tuple[dict, list[str]]:
        rng, plan, place = self.rng, self.plan, self.place
        error = plan.error
        households = rng.randint(700, 4200)
        population = int(households * rng.uniform(2.4, 3.1))
        groups = max(4, min(24, households // rng.randint(90, 160)))
        allow_reps = error not in ("PROXY-CANDIDATE", "PROXY-CAP", "TURNOUT-MAJORITY")
        method = "resident_representative" if allow_reps and rng.random() < 0.3 else "household_representative"
        if method == "household_representative":
            registered = int(households * rng.uniform(0.93, 0.99))
            unit_word, noun = "户", "户代表"
        else:
            registered = rng.randint(35, 90)
            unit_word, noun = "名", "居民代表"
        day = self.dates((3, 21), (6, 10))
        roll = make_roll(rng, self.names, registered, [self.ctx.leader]) if plan.roll else None
        people = self.people = People(rng, self.names, self.used, roll)
        short = place.name
        layout = weighted(rng, (((1, 1, 3), 45), ((1, 2, 4), 22), ((1, 1, 5), 15), ((1, 2, 6), 5), ((1, 0, 4), 13)))
        seats = [(post, n) for post, n in zip(("主任", "副主任", "委员"), layout, strict=False) if n]
        formed_on = day - dt.timedelta(days=rng.randint(38, 50))
        committee = self.committee(
            people, f"{short}居民选举委员会", "居民代表会议推选", formed_on, rng.randint(2, 4), rng.random() < 0.4
        )
        nominators = (
            (("社区党组织提名", 4), ("十名以上选民联名", 3), ("户代表联名", 3), ("自荐", 1))
            if method == "household_representative"
            else (("社区党组织提名", 4), ("居民代表联名", 4), ("自荐", 1))
        )
        runoff_post = rng.choice([p for p, n in seats if n >= 2]) if plan.runoff else None
        posts = []
        for post, n in seats:
            extra = 1 if rng.random() < 0.7 else 2
            if post == runoff_post:
                extra = max(extra, 2)
            cands = []
            for i in range(n + extra):
                if post == "主任" and i == 0:
                    cands.append(self.leader_candidate(post, f"{short}党委书记", "社区党组织提名"))
                    continue
                sex = "女" if rng.random() < 0.6 else "男"
                cands.append(
                    self.candidate(people, post, sex, (1968, 2000), 0.6 if post != "委员" else 0.45, nominators, lift=1)
                )
            self.pick_winners(
                cands, n - 1 if post == runoff_post else n, leader_first=(post == "主任" and rng.random() < 0.85)
            )
            posts.append((post, n, cands))
        self.women_rule(posts, error == "COMPOSITION-WOMEN")
        for _, _, cands in posts:
            self.set_incumbents(cands)
        schedule = self.schedule(day, voter_days=(15, 15) if error == "DEADLINE-VOTER-LIST" else (20, 26))
        fraction = (2, 3) if method == "resident_representative" else (1, 2)
        if error == "TURNOUT-MAJORITY":
            participants = registered // 2
        else:
            low = 0.8 if method == "resident_representative" else 0.82
            participants = self.turnout(registered, low, 0.98, fraction)
        if method == "resident_representative":
            issued, returned, invalid = participants, participants, rng.randint(0, 1)
        else:
            issued, returned, invalid = self.ballots(participants, registered, 4)
        if error == "BALLOT-RETURNED":
            issued = returned - rng.randint(1, 3)
        rnd: dict = {
            "type": "first",
            "date": iso(day),
            "participants": participants,
            "ballots": F(issued=issued, returned=returned, invalid=invalid),
        }
        proxies: list = []
        if method == "household_representative":
            if rng.random() < 0.2:
                box_issued = rng.randint(15, max(16, min(90, issued // 10)))
                rnd["mobile_boxes"] = [
                    F(
                        name="流动票箱",
                        issued=box_issued,
                        returned=box_issued - rng.randint(0, 1),
                        tellers=L([people.take().name, people.take().name]),
                    )
                ]
            proxies = self.proxy_plan(people, posts, cap=3, relation=False, chance=0.6, most=4)
            if proxies:
                rnd["proxies"] = proxies
        write_ins = self.write_in_votes(people, posts, 0.15)
        rnd["votes"] = self.tally(
            posts,
            participants,
            returned - invalid,
            write_ins,
            marks_error_post=posts[-1][0] if error == "BALLOT-MARKS" else None,
        )
        if write_ins:
            rnd["write_ins"] = {post: F(w) for post, w in write_ins.items()}
        rounds = [rnd]
        mode = "户代表选举" if method == "household_representative" else "居民代表选举"
        notes = f"{'每户派一名代表投票' if method == 'household_representative' else '由居民代表投票'}，"
        notes += self.seat_note(posts) + "；" + self.first_note(posts, runoff_post)
        if runoff_post:
            first_votes = dict(rnd["votes"][runoff_post])
            cands = next(c for p, _, c in posts if p == runoff_post)
            runoff, won = self.runoff_round(
                day, runoff_post, 1, cands, first_votes, registered, fraction, False, participants
            )
            rounds.append(runoff)
            notes += f"当日另行选举，{won}得票不少于已投选票的三分之一而当选"
        schedule["results_published"] = rounds[-1]["date"]
        self.ctx.notes = [notes + "。"]
        record: dict = {
            "kind": "residents_committee",
            "legal_basis": 2025,
            "term": f"第{cn_number(rng.randint(10, 13))}届",
        }
        record["unit"] = {
            "name": f"{short}居民委员会",
            "short_name": short,
            "parents": self.parents,
            "households": households,
            "population": population,
            "groups": groups,
        }
        record["committee"] = committee
        record["method"] = method
        record["schedule"] = schedule
        record["seats"] = [F(post=p, count=n) for p, n, _ in posts]
        electorate: dict = {"registered": registered}
        if roll:
            label = "居民小组" if method == "household_representative" else "居民代表小组"
            count = groups if method == "household_representative" else max(2, registered // 12)
            electorate["groups"] = roll_groups(rng, roll, [f"第{cn_number(i + 1)}{label}" for i in range(count)])
        record["electorate"] = electorate
        record["candidates"] = [c.as_flow() for _, _, cands in posts for c in cands]
        record["rounds"] = rounds
        issuer = f"{self.township.name}{'办事处' if self.township.kind == '街道' else '人民政府'}"
        record["documents"] = self.documents(
            short[0] + "选委",
            committee["name"],
            [f"{short}党群服务中心", f"{short}居民活动中心", f"{short}议事厅"],
            issuer,
            committee,
            posts,
        )
        self.summary(
            record,
            "居",
            registered,
            participants,
            posts,
            proxies,
            rnd.get("mobile_boxes"),
            runoff_post,
            unit_word=unit_word,
            noun=noun,
        )
        self.finish_error(record, registered, participants, issued, returned, posts, proxies, unit_word, noun)
        title = f"{self.ctx.county}{self.township.name}{short}{record['term']}居民委员会换届选举（{mode}，计票完成）"
        return record, self.header(title)

    def building_leader(self) -> tuple[dict, list[str]]:
        rng, plan, place = self.rng, self.plan, self.place
        error = plan.error
        short = place.name
        buildings = rng.randint(3, 10)
        estate = rng.choice(ESTATES) if rng.random() < 0.3 else ""
        day = self.dates((4, 11), (6, 27))
        committee_people = People(rng, self.names, self.used)
        committee = self.committee(committee_people, f"{short}楼栋长选举工作小组", None, None, 2, False)
        contests = []
        runoff_at = rng.randrange(buildings) if plan.runoff else None
        error_at = rng.randrange(buildings) if error else None
        total = 0
        notes_runoff = ""
        leaders_women = 0
        proxies_any = False
        for b in range(buildings):
            registered = rng.randint(18, 120)
            total += registered
            roll = make_roll(rng, self.names, registered) if plan.roll else None
            people = People(rng, self.names, self.used, roll)
            n_cands = 3 if (b == runoff_at or rng.random() < 0.3) else 2
            cands = []
            for _ in range(n_cands):
                sex = "女" if rng.random() < 0.45 else "男"
                cands.append(
                    self.candidate(
                        people,
                        "楼栋长",
                        sex,
                        (1950, 1988),
                        0.35,
                        (("自荐", 5), ("居委会推荐", 3), ("居民联名推荐", 2), ("业委会推荐", 1)),
                    )
                )
            runoff = b == runoff_at
            self.pick_winners(cands, 0 if runoff else 1)
            self.set_incumbents(cands)
            if error == "TURNOUT-MAJORITY" and b == error_at:
                participants = registered // 2
            else:
                participants = self.turnout(registered, 0.6, 0.95, (1, 2))
            issued = min(registered, participants + rng.randint(0, 2))
            returned = participants - (1 if rng.random() < 0.2 and participants - 1 > registered // 2 else 0)
            invalid = rng.randint(0, max(0, returned // 30))
            if error == "BALLOT-RETURNED" and b == error_at:
                issued, returned = returned - 1, returned
            rnd: dict = {"type": "first", "date": iso(day)}
            rnd["ballots"] = F(issued=issued, returned=returned, invalid=invalid)
            want_proxy = b == error_at and error in ("PROXY-CANDIDATE", "PROXY-CAP")
            if want_proxy or rng.random() < 0.25:
                holder = cands[-1].person if (want_proxy and error == "PROXY-CANDIDATE") else None
                rnd["proxies"] = self.proxies(
                    people,
                    1 if want_proxy else rng.randint(1, 2),
                    1,
                    False,
                    candidate_holder=holder,
                    over_cap=(want_proxy and error == "PROXY-CAP"),
                )
                proxies_any = True
            names = [c.person.name for c in cands]
            winners = {c.person.name for c in cands if c.winner}
            # Participants are the ballots returned (no separate count): the win base is `returned`.
            rnd["votes"] = {"楼栋长": F(self.votes.first(names, winners, 1, returned, returned - invalid, {}))}
            rounds = [rnd]
            if runoff:
                later = day
                r2, won = self.runoff_round(
                    later, "楼栋长", 1, cands, dict(rnd["votes"]["楼栋长"]), registered, (1, 2), False, returned
                )
                del r2["participants"]
                r2["ballots"]["issued"] = min(registered, r2["ballots"]["returned"] + rng.randint(0, 2))
                rounds.append(r2)
                elected = next(c for c in cands if c.person.name == won)
                notes_runoff = (
                    f"{b + 1}号楼三名候选人得票均未超过参加投票户数的一半，当日对得票最多的两人另行选举，{won}当选"
                )
            else:
                elected = next(c for c in cands if c.winner)
            leaders_women += elected.person.sex == "女"
            contest = {
                "name": f"{estate}{b + 1}号楼" if estate else f"{b + 1}号楼",
                "seats": [F(post="楼栋长", count=1)],
            }
            electorate: dict = {"registered": registered}
            if roll:
                electorate["groups"] = [{"name": contest["name"], "voters": Names(p.name for p in roll)}]
            contest["electorate"] = electorate
            contest["candidates"] = [c.as_flow() for c in cands]
            contest["rounds"] = rounds
            contests.append(contest)
        households = total + rng.randint(0, total // 10)
        notes = [
            f"{buildings} 栋楼各选一名楼栋长，每栋楼为一个场次；每户派一名代表投票，按“双过半”确定当选"
            "（参加投票的户数超过本楼户数的一半，当选人得票超过参加投票户数的一半）。"
        ]
        if notes_runoff:
            notes.append(notes_runoff + "。")
        notes.append(
            f"当选楼栋长中女性 {leaders_women} 名{'；有委托投票，每人只接受一户委托' if proxies_any else ''}。"
        )
        self.ctx.notes = notes
        schedule = {
            "election_day": iso(day),
            "initial_candidates_published": iso(day - dt.timedelta(days=rng.randint(8, 12))),
            "candidates_published": iso(day - dt.timedelta(days=rng.randint(3, 6))),
            "results_published": iso(day),
        }
        record: dict = {"kind": "building_leader", "term": f"第{cn_number(rng.randint(2, 4))}届"}
        record["unit"] = {
            "name": f"{short}居民委员会",
            "short_name": short,
            "parents": self.parents,
            "households": households,
        }
        record["committee"] = committee
        record["method"] = "household_representative"
        record["schedule"] = schedule
        record["contests"] = contests
        record["documents"] = {
            "number_prefix": short[0] + "社",
            "signatory": f"{short}居民委员会",
            "place": f"{short}居民活动室",
        }
        if error:
            self.building_error(contests[error_at], error_at)
        title = (
            f"{self.ctx.county}{self.township.name}{short}{record['term']}楼栋长选举（每户派一名代表投票，计票完成）"
        )
        return record, self.header(title)

    def party_branch(self) -> tuple[dict, list[str]]:
        if self.plan.gongtui:
            return self.gongtui_branch()
        rng, plan, place = self.rng, self.plan, self.place
        error = plan.error
        short = place.name
        registered = party_size(self.ctx.seed, plan.index)
        if registered < 30:
            layout = (1, 0, 2)
        elif registered < 90:
            layout = weighted(rng, (((1, 0, 4), 6), ((1, 1, 3), 2), ((1, 0, 2), 2)))
        else:
            layout = weighted(rng, (((1, 0, 4), 4), ((1, 1, 3), 2), ((1, 0, 6), 2), ((1, 1, 5), 1)))
        seats = [(post, n) for post, n in zip(("书记", "副书记", "委员"), layout, strict=False) if n]
        excluded = rng.randint(1, min(3, registered // 15 + 1)) if rng.random() < 0.3 else 0
        day = self.dates((2, 20), (4, 30))
        women = int(registered * rng.uniform(0.22, 0.45))
        roll = None
        if plan.roll:
            roll = make_roll(rng, self.names, registered, [self.ctx.leader], women=women / registered)
        people = People(rng, self.names, self.used, roll)
        committee = self.committee(people, f"中共{short}支部委员会换届选举工作小组", None, None, 2, False)
        runoff_post = "委员" if plan.runoff else None
        posts = []
        for post, n in seats:
            if post in ("书记", "副书记"):
                extra = 0
            else:
                extra = math.ceil(n * 20 / 100) + (1 if rng.random() < 0.25 else 0)
                if error == "SURPLUS-COUNT":
                    extra = 0
                if post == runoff_post:
                    extra = max(extra, 1)
            cands = []
            for _i in range(n + extra):
                if post == "书记":
                    cands.append(self.leader_candidate(post, f"{short}党支部书记", "上级党组织审查同意"))
                    continue
                sex = "女" if rng.random() < 0.38 else "男"
                c = self.candidate(people, post, sex, (1958, 1998), 1.0, (("上级党组织审查同意", 1),), lift=1)
                c.politics = "中共党员"
                cands.append(c)
            self.pick_winners(cands, n - 1 if post == runoff_post else n)
            posts.append((post, n, cands))
        for _, _, cands in posts:
            self.set_incumbents(cands)
        expected = registered - excluded
        present = self.turnout(expected, 0.86, 1.0, (4, 5))
        returned = present
        invalid = rng.randint(0, 1)
        rnd: dict = {
            "type": "first",
            "date": iso(day),
            "present": present,
            "ballots": F(issued=present, returned=returned, invalid=invalid),
        }
        rnd["votes"] = self.tally(
            posts, present, returned - invalid, {}, marks_error_post="委员" if error == "BALLOT-MARKS" else None
        )
        rounds = [rnd]
        notes = f"党员大会选举，{self.seat_note(posts)}"
        committee_cands = next(c for p, _, c in posts if p == "委员")
        surplus = len(committee_cands) - layout[2]
        notes += (
            f"；委员候选人 {len(committee_cands)} 名，差额 {surplus} 名"
            if surplus
            else f"；委员候选人 {len(committee_cands)} 名"
        )
        if layout[1]:
            notes += "，书记、副书记等额选举"
        else:
            notes += "，书记按上级党组织同意的人选等额选举"
        notes += f"。有选举权的正式党员 {registered} 名"
        if excluded:
            notes += f"，其中 {excluded} 名经批准不计入应到会人数"
        notes += f"，实到会 {present} 名，超过应到会人数的五分之四"
        if runoff_post:
            first_votes = dict(rnd["votes"]["委员"])
            runoff, won = self.runoff_round(
                day, "委员", 1, committee_cands, first_votes, registered, (4, 5), True, present, excluded
            )
            rounds.append(runoff)
            notes += f"；一名委员首次投票未过半，当日另行选举，{won}获得实到会党员的过半数选票当选"
        self.ctx.notes = [notes + "。"]
        schedule = {
            "election_day": iso(day),
            "initial_candidates_published": iso(day - dt.timedelta(days=rng.randint(15, 25))),
            "candidates_published": iso(day - dt.timedelta(days=rng.randint(4, 8))),
            "results_published": rounds[-1]["date"],
        }
        record: dict = {"kind": "party_branch", "legal_basis": 2020, "term": f"第{cn_number(rng.randint(3, 9))}届"}
        record["unit"] = {"name": f"中共{short}支部委员会", "short_name": f"{short}党支部", "parents": self.parents}
        record["committee"] = committee
        record["method"] = "party_meeting"
        record["schedule"] = schedule
        record["seats"] = [F(post=p, count=n) for p, n, _ in posts]
        electorate: dict = {"registered": registered}
        if excluded:
            electorate["excluded"] = excluded
            reasons = rng.sample(["外出务工半年以上", "出国半年以上", "年老体弱长期卧床"], min(excluded, 2))
            electorate["excluded_reason"] = (
                "、".join(reasons) + f"，共 {excluded} 名，经上级党组织同意、党员大会通过不计入应到会人数"
            )
        electorate["women"] = sum(p.sex == "女" for p in roll) if roll else women
        if roll:
            count = max(1, min(8, registered // 12))
            electorate["groups"] = roll_groups(rng, roll, [f"第{cn_number(i + 1)}党小组" for i in range(count)])
        record["electorate"] = electorate
        record["candidates"] = [c.as_flow() for _, _, cands in posts for c in cands]
        record["rounds"] = rounds
        places = [f"{short}党群服务中心会议室", f"{short}党员活动室"]
        record["documents"] = {
            "number_prefix": short[0] + "支",
            "signatory": f"中共{short}支部委员会",
            "place": rng.choice(places),
            "discipline_signers": L(c.person.name for _, _, cands in posts for c in cands),
        }
        if error == "SURPLUS-COUNT":
            self.error_line(
                f"委员应选 {layout[2]} 名，委员候选人也只有 {layout[2]} 名，未实行差额选举"
                "（差额应不少于应选人数的 20%）"
            )
        elif error == "BALLOT-MARKS":
            votes = rnd["votes"]["委员"]
            valid = returned - invalid
            self.error_line(
                f"委员职位得票合计 {sum(votes.values())} 票，超过有效票 {valid} 张 × 应选 {layout[2]} 名"
                f" = {valid * layout[2]} 票（每张选票最多选 {layout[2]} 人）"
            )
        title = f"{self.ctx.county}{self.township.name}中共{short}支部委员会{record['term']}换届选举（党员大会选举，计票完成）"
        return record, self.header(title)

    # -- the other bodies of the same 换届 (issue 14) ------------------------------------------
    def body_words(self, village: str, community: str) -> str:
        return village if self.place.kind == "村" else community

    def group_names(self, count: int) -> list[str]:
        word = self.body_words("村民小组", "居民小组")
        return [f"第{cn_number(i + 1)}{word}" for i in range(count)]

    def body_record(self, kind: str, body: str, method: str, day: dt.date, committee: dict) -> dict:
        short = self.place.name
        rng = self.rng
        record: dict = {"kind": kind, "body": body, "term": f"第{cn_number(rng.randint(9, 12))}届"}
        unit_body = self.body_words("村民委员会", "居民委员会")
        name = f"{short}{body}" if kind == "supervisory_committee" else f"{short}{unit_body}"
        record["unit"] = {"name": name, "short_name": short, "parents": self.parents}
        record["committee"] = committee
        record["method"] = method
        record["schedule"] = {"election_day": iso(day), "results_published": iso(day)}
        return record

    def body_documents(self, record: dict) -> None:
        short = self.place.name
        word = self.body_words("村民", "居民")
        record["documents"] = {
            "number_prefix": short[0] + self.body_words("村选", "社选"),
            "signatory": f"{short}{word}选举委员会",
            "place": f"{short}党群服务中心",
        }

    def body_candidates(self, people: People, post: str, seats: int, extra: int, women: int, years, nominators):
        """`seats` + `extra` candidates, the first `seats` elected; at least `women` of the elected are women."""
        cands = []
        for i in range(seats + extra):
            sex = "女" if i < women or self.rng.random() < 0.35 else "男"
            cands.append(self.candidate(people, post, sex, years, 0.4, nominators))
            cands[-1].winner = i < seats
        self.set_incumbents(cands)
        self.rng.shuffle(cands)
        return cands

    def body_round(self, day: dt.date, posts, registered: int, fraction: tuple[int, int]) -> dict:
        """A counted first round: participants above `fraction` of `registered`, returned = participants."""
        participants = self.turnout(registered, 0.72, 0.96, fraction)
        issued = min(registered, participants + self.rng.randint(0, 2))
        invalid = self.rng.randint(0, max(0, participants // 40))
        rnd: dict = {"type": "first", "date": iso(day)}
        rnd["ballots"] = F(issued=issued, returned=participants, invalid=invalid)
        rnd["votes"] = self.tally(posts, participants, participants - invalid, {})
        return rnd

    def supervisory_committee(self) -> tuple[dict, list[str]]:
        rng = self.rng
        short = self.place.name
        body = self.body_words("村务监督委员会", "居务监督委员会")
        method = self.body_words("villager_representative", "resident_representative")
        registered = rng.randint(21, 60)  # the 村（居）民代表 who vote
        day = self.dates((4, 1), (6, 20))
        self.used.update(self.ctx.committee_members)  # 村（居）委会成员 may not serve (组织法第三十二条)
        people = People(rng, self.names, self.used)
        word = self.body_words("村民", "居民")
        committee = self.committee(people, f"{short}{word}选举委员会", None, None, 2, False)
        members = rng.choice((2, 2, 4))
        nominators = ((f"{word}代表联名", 3), (f"{self.body_words('村', '社区')}党组织推荐", 1))
        posts = [
            ("主任", 1, self.body_candidates(people, "主任", 1, 0, 0, (1958, 1985), nominators)),
            ("委员", members, self.body_candidates(people, "委员", members, 1, 1, (1960, 1992), nominators)),
        ]
        record = self.body_record("supervisory_committee", body, method, day, committee)
        record["same_term"] = {
            "committee_record": self.ctx.committee_record,
            "committee_members": Names(self.ctx.committee_members),
        }
        record["seats"] = [F(post=p, count=n) for p, n, _ in posts]
        record["electorate"] = {"registered": registered}
        record["candidates"] = [c.as_flow() for _, _, cands in posts for c in cands]
        rnd = self.body_round(day, posts, registered, (2, 3))
        rnd["tellers"] = L(committee["members"])
        record["rounds"] = [rnd]
        self.body_documents(record)
        self.ctx.notes = [
            f"换届后的{word}代表会议推选{body}主任 1 名、委员 {members} 名（委员差额 1 名）；"
            f"{word}代表 {registered} 名，到会超过三分之二。"
        ]
        title = f"{self.ctx.county}{self.township.name}{short}{record['term']}{body}推选（{word}代表会议，计票完成）"
        return record, self.header(title)

    def group_leader(self) -> tuple[dict, list[str]]:
        rng = self.rng
        short = self.place.name
        body = self.body_words("村民小组长", "居民小组长")
        word = self.body_words("村民", "居民")
        day = self.dates((3, 10), (5, 30))
        people = People(rng, self.names, self.used)
        committee = self.committee(people, f"{short}{word}选举委员会", None, None, 2, False)
        contests = []
        women = 0
        for name in self.group_names(rng.randint(3, 7)):
            registered = rng.randint(40, 220)
            cands = self.body_candidates(people, "组长", 1, rng.randint(0, 1), 0, (1960, 1990), ((f"{word}提名", 1),))
            women += sum(c.winner and c.person.sex == "女" for c in cands)
            rnd = self.body_round(day, [("组长", 1, cands)], registered, (2, 3))
            contest = {"name": name, "seats": [F(post="组长", count=1)], "electorate": {"registered": registered}}
            contest["candidates"] = [c.as_flow() for c in cands]
            contest["rounds"] = [rnd]
            contests.append(contest)
        record = self.body_record("group_leader", body, "all_voters", day, committee)
        record["contests"] = contests
        self.body_documents(record)
        self.ctx.notes = [
            f"{len(contests)} 个{word}小组各开小组会议推选组长，每组为一个场次；本组十八周岁以上{word}三分之二以上到会，"
            f"当选人得票超过到会人数的一半。当选组长中女性 {women} 名。"
        ]
        title = f"{self.ctx.county}{self.township.name}{short}{record['term']}{body}推选（小组会议，计票完成）"
        return record, self.header(title)

    def representative(self) -> tuple[dict, list[str]]:
        rng = self.rng
        short = self.place.name
        body = self.body_words("村民代表", "居民代表")
        word = self.body_words("村民", "居民")
        day = self.dates((2, 20), (4, 10))
        people = People(rng, self.names, self.used)
        committee = self.committee(people, f"{short}{word}选举委员会", None, None, 2, False)
        contests = []
        seats_total = women = 0
        for name in self.group_names(rng.randint(3, 6)):
            registered = rng.randint(40, 200)
            seats = rng.randint(2, 4)
            # At least a third of the 代表 are women (组织法第二十五条): a third of every group's seats, rounded up.
            cands = self.body_candidates(
                people, body, seats, rng.randint(0, 1), -(-seats // 3), (1958, 1995), ((f"{word}提名", 1),)
            )
            seats_total += seats
            women += sum(c.winner and c.person.sex == "女" for c in cands)
            rnd = self.body_round(day, [(body, seats, cands)], registered, (2, 3))
            contest = {"name": name, "seats": [F(post=body, count=seats)], "electorate": {"registered": registered}}
            contest["candidates"] = [c.as_flow() for c in cands]
            contest["rounds"] = [rnd]
            contests.append(contest)
        record = self.body_record("representative", body, "all_voters", day, committee)
        record["contests"] = contests
        self.body_documents(record)
        self.ctx.notes = [
            f"{len(contests)} 个{word}小组各开小组会议按名额推选{body}，共 {seats_total} 名，其中女性 {women} 名"
            "（三分之一以上）；本组十八周岁以上的三分之二以上到会，当选人得票超过到会人数的一半。"
        ]
        title = f"{self.ctx.county}{self.township.name}{short}{record['term']}{body}推选（小组会议，计票完成）"
        return record, self.header(title)

    def gongtui_branch(self) -> tuple[dict, list[str]]:
        """A Party branch electing by 公推直选: 推荐 (党员 and 群众), 请示/批复, 党员大会 electing the 委员, the
        委员会's first plenary electing the 书记 (and a 副书记), the report; by the profile's default rule
        (70 % / 30 %, more than half of the 党员推荐 votes, quota = seats + ⌈20 %⌉)."""
        rng, plan = self.rng, self.plan
        short = self.place.name
        registered = party_size(self.ctx.seed, plan.index)
        seats = 3 if registered < 30 else rng.choice((5, 5, 7))
        vice = seats >= 5 and rng.random() < 0.4
        quota = seats + math.ceil(seats * 20 / 100)
        day = self.dates((3, 10), (5, 20))
        women = int(registered * rng.uniform(0.22, 0.45))
        people = People(rng, self.names, self.used)
        committee = self.committee(people, f"中共{short}支部委员会换届选举工作小组", None, None, 2, False)
        # Everyone recommended above the line stands: the 党员大会's candidates are exactly the 预备人选.
        cands = [self.leader_candidate("委员", f"{short}党支部书记", "公开推荐")]
        for _ in range(quota - 1):
            sex = "女" if rng.random() < 0.38 else "男"
            c = self.candidate(people, "委员", sex, (1958, 1998), 1.0, (("公开推荐", 1),), lift=1)
            c.politics = "中共党员"
            cands.append(c)
        self.pick_winners(cands, seats, leader_first=True)
        self.set_incumbents(cands)
        members_present = self.turnout(registered, 0.82, 0.97, (4, 5))
        masses_present = rng.randint(20, 70)
        half = members_present // 2 + 1
        votes = []
        for c in cands:
            votes.append(
                F(name=c.person.name, members=rng.randint(half, members_present), masses=rng.randint(8, masses_present))
            )
        # One or two more were recommended but had no more than half of the 党员推荐 votes.
        for _ in range(rng.randint(1, 2)):
            votes.append(
                F(name=people.take().name, members=rng.randint(3, half - 1), masses=rng.randint(0, masses_present))
            )
        votes.sort(key=lambda v: -(7 * v["members"] * masses_present + 3 * v["masses"] * members_present))
        recommended = day - dt.timedelta(days=rng.randint(38, 45))
        requested = recommended + dt.timedelta(days=rng.randint(1, 3))
        approved = requested + dt.timedelta(days=rng.randint(3, 6))
        present = self.turnout(registered, 0.86, 1.0, (4, 5))
        invalid = rng.randint(0, 1)
        rnd: dict = {
            "type": "first",
            "date": iso(day),
            "present": present,
            "ballots": F(issued=present, returned=present, invalid=invalid),
        }
        rnd["votes"] = self.tally([("委员", seats, cands)], present, present - invalid, {})
        elected = [c for c in cands if c.winner]
        deputy = next(c for c in elected if c.person is not self.ctx.leader) if vice else None
        plenary_seats = [F(post="书记", count=1)] + ([F(post="副书记", count=1)] if deputy else [])
        plenary_cands = [F(name=self.ctx.leader.name, post="书记")]
        plenary_votes = {"书记": F({self.ctx.leader.name: seats - rng.randint(0, 1)})}
        if deputy:
            plenary_cands.append(F(name=deputy.person.name, post="副书记"))
            plenary_votes["副书记"] = F({deputy.person.name: seats - rng.randint(0, 1)})
        town = self.township.name
        superior = f"中共{town}{'工作委员会' if self.township.kind == '街道' else '委员会'}"
        number = (
            f"{town[:2]}党{'工' if self.township.kind == '街道' else '委'}〔{ELECTION_YEAR}〕{rng.randint(5, 60)}号"
        )
        hall = f"{short}党群服务中心会议室"
        record: dict = {"kind": "party_branch", "legal_basis": 2020, "term": f"第{cn_number(rng.randint(3, 9))}届"}
        record["unit"] = {"name": f"中共{short}支部委员会", "short_name": f"{short}党支部", "parents": self.parents}
        record["committee"] = committee
        record["method"] = "party_meeting"
        record["schedule"] = {
            "election_day": iso(day),
            "initial_candidates_published": iso(day - dt.timedelta(days=rng.randint(15, 25))),
            "candidates_published": iso(day - dt.timedelta(days=rng.randint(4, 8))),
            "results_published": iso(day),
        }
        record["seats"] = [F(post="委员", count=seats)]
        record["electorate"] = {"registered": registered, "women": women}
        record["candidates"] = [c.as_flow() for c in cands]
        record["rounds"] = [rnd]
        who = self.body_words("村民代表、村民小组长", "居民代表、居民小组长和驻区单位代表")
        record["gongtui"] = {
            "recommendation": {
                "date": iso(recommended),
                "place": hall,
                "members": F(expected=registered, present=members_present),
                "masses": F(present=masses_present, who=who),
                "votes": votes,
            },
            "request": {"to": superior, "date": iso(requested)},
            "approval": {"by": superior, "date": iso(approved), "number": number},
            "plenary": {
                "date": iso(day),
                "place": hall,
                "host": self.ctx.leader.name,
                "seats": plenary_seats,
                "candidates": plenary_cands,
                "rounds": [
                    {
                        "type": "first",
                        "date": iso(day),
                        "present": seats,
                        "ballots": F(issued=seats, returned=seats, invalid=0),
                        "votes": plenary_votes,
                    }
                ],
            },
            "report": {"date": iso(day + dt.timedelta(days=rng.randint(1, 3)))},
        }
        record["documents"] = {
            "number_prefix": short[0] + "支",
            "signatory": f"中共{short}支部委员会",
            "place": hall,
            "discipline_signers": L(c.person.name for c in cands),
        }
        posts = "书记、副书记" if deputy else "书记"
        self.ctx.notes = [
            f"以公推直选方式换届：公开推荐大会上党员 {members_present} 名、群众代表 {masses_present} 名推荐，按党员推荐占 70%、"
            f"群众推荐占 30% 计分，{len(votes) - quota} 名被推荐人党员推荐未过半数，{quota} 名列为候选人预备人选，"
            f"经{superior}批复（{number}）；党员大会差额选举委员 {seats} 名（有选举权的正式党员 {registered} 名，"
            f"实到会 {present} 名），新一届支部委员会第一次全体会议等额选举{posts}。"
        ]
        title = f"{self.ctx.county}{town}中共{short}支部委员会{record['term']}换届选举（公推直选，计票完成）"
        return record, self.header(title)

    # -- details shared by 村 and 居 -----------------------------------------------------------
    def schedule(self, day: dt.date, voter_days: tuple[int, int]) -> dict:
        rng = self.rng
        voter = day - dt.timedelta(days=rng.randint(*voter_days))
        committee = min(voter - dt.timedelta(days=rng.randint(3, 8)), day - dt.timedelta(days=30))
        return {
            "election_day": iso(day),
            "committee_published": iso(committee),
            "voter_list_published": iso(voter),
            "initial_candidates_published": iso(day - dt.timedelta(days=rng.randint(12, 17))),
            "candidates_published": iso(day - dt.timedelta(days=rng.randint(5, 9))),
        }

    def women_rule(self, posts, no_woman: bool) -> None:
        """A woman among the winners (or, for the error, none), with a woman always among the candidates."""
        all_cands = [c for _, _, cands in posts for c in cands]
        last_post = posts[-1][2]
        if not any(c.person.sex == "女" for c in all_cands):
            loser = next((c for c in last_post if not c.winner), last_post[-1])
            self.regender(loser, "女")
        if no_woman:
            for c in all_cands:
                if c.winner and c.person.sex == "女":
                    if c.person is self.ctx.leader:
                        c.winner = False
                        other = next(o for o in all_cands if o.post == c.post and o is not c and not o.winner)
                        other.winner = True
                        if other.person.sex == "女":
                            self.regender(other, "男")
                    else:
                        self.regender(c, "男")
            if not any(c.person.sex == "女" for c in all_cands):
                loser = next(c for c in last_post if not c.winner)
                self.regender(loser, "女")
            return
        if any(c.winner and c.person.sex == "女" for c in all_cands):
            return
        # Make one winner of the last post with winners a woman.
        for _, _, cands in reversed(posts):
            winners = [c for c in cands if c.winner and c.person is not self.ctx.leader]
            if winners:
                self.regender(winners[-1], "女")
                return

    def regender(self, c: Candidate, sex: str) -> None:
        """Replace a candidate by someone of the other sex (same post, age and details)."""
        year = int(c.birth[:4])
        c.person = self.people.take(sex, "old" if year < 1978 else "young")
        c.ethnicity = ethnicity_of(self.rng, c.person.name)

    def proxy_plan(self, people: People, posts, cap: int, relation: bool, chance: float, most: int) -> list:
        rng, error = self.rng, self.plan.error
        holder = None
        count = rng.randint(1, most) if rng.random() < chance else 0
        if error == "PROXY-CANDIDATE":
            loser = next(c for _, _, cands in posts for c in cands if not c.winner)
            holder = loser.person
            count = max(1, count)
        if error == "PROXY-CAP":
            count = max(1, count)
        return self.proxies(people, count, cap, relation, candidate_holder=holder, over_cap=(error == "PROXY-CAP"))

    def seat_note(self, posts) -> str:
        parts = []
        singles = [p for p, n, _ in posts if n == 1]
        if len(singles) > 1:
            parts.append("、".join(singles) + "各 1 名")
        elif singles:
            parts.append(f"{singles[0]} 1 名")
        parts += [f"{p} {n} 名" for p, n, _ in posts if n > 1]
        total = sum(len(c) for _, _, c in posts)
        return "选举" + "，".join(parts) + f"，正式候选人 {total} 名"

    def first_note(self, posts, runoff_post: str | None) -> str:
        women = sum(1 for _, _, cands in posts for c in cands if c.winner and c.person.sex == "女")
        if self.plan.error in ("TURNOUT-MAJORITY", "BALLOT-RETURNED"):
            return "计票完成"
        if runoff_post:
            return f"首次投票{runoff_post}缺 1 名（无人得票过半），"
        return f"首次投票全部选出，女性成员 {women} 名" if self.plan.kind != "party_branch" else "首次投票全部选出"

    def documents(self, prefix: str, signatory: str, places: list[str], issuer: str, committee: dict, posts) -> dict:
        rng = self.rng
        signers = [committee["chair"], *committee.get("vice_chairs", []), *committee["members"]]
        signers += [c.person.name for p, _, cands in posts if p in ("主任", "副主任") for c in cands]
        return {
            "number_prefix": prefix,
            "first_number": 1,
            "signatory": signatory,
            "place": rng.choice(places),
            "contact": f"0730-{rng.randint(5500000, 8899999)}",
            "certificate_issuer": issuer,
            "discipline_signers": L(signers),
        }

    def summary(
        self,
        record: dict,
        what: str,
        registered: int,
        participants: int,
        posts,
        proxies,
        boxes,
        runoff_post,
        unit_word: str = "人",
        noun: str = "选民",
    ) -> None:
        rng, error = self.rng, self.plan.error
        if error != "STATS-REPORTED-MISMATCH" and rng.random() > 0.4:
            return
        households = record["unit"]["households"]
        practices = []
        if what == "村":
            practices.append(
                f"召开村民代表会议推选村民选举委员会，逐户核实外出务工人员，依法登记选民 {registered} 人。"
            )
            practices.append("按姓氏笔画顺序张榜公布正式候选人名单，组织候选人与村民见面并作竞职陈述。")
            practices.append(
                "设中心会场"
                + (f"和 {len(boxes)} 个流动票箱" if boxes else "")
                + "，设置秘密写票处和代写处，公开唱票、计票，当场公布选举结果。"
            )
        else:
            practices.append(
                f"召开居民代表会议推选居民选举委员会，按楼栋入户核实，登记{noun} {registered} {unit_word}。"
            )
            practices.append("通过社区公众号、楼栋公告栏和微信群发布选举公告和候选人情况。")
            practices.append("设置秘密写票处，公开唱票、计票，当场公布选举结果并颁发当选证书。")
        if proxies:
            practices.append("对委托投票逐人审核，每名受委托人接受委托不超过三人，候选人不接受委托。")
        if runoff_post:
            practices.append(f"首次投票{runoff_post}缺额一名，当日按得票多少确定候选人另行选举。")
        problems = rng.sample(
            [
                "外出务工人员多，委托投票手续集中在选举前几天办理，审核压力大。"
                if what == "村"
                else "上班族白天不在家，入户核实需要多次上门。",
                "部分选民对另行选举和委托投票的规定了解不够，需要加强政策解释。",
                "年轻人参选积极性不高，候选人年龄结构偏大。",
            ],
            1,
        )
        steps = rng.sample(
            [
                "做好新老班子交接和离任审计结果公开。",
                "建立新一届成员履职承诺公开制度，接受群众监督。",
                "整理选举资料，按要求立卷归档。",
                "组织新当选成员参加业务培训，明确分工。",
            ],
            2,
        )
        summary: dict = {
            "author": record["committee"]["name"],
            "publicity": F(
                banners=rng.randint(4, 30),
                notices=rng.randint(20, 200),
                letters=int(households * rng.uniform(0.6, 1.0)),
                meetings=rng.randint(2, 12),
            ),
            "practices": practices,
            "problems": problems,
            "next_steps": steps,
        }
        elected = [c for _, _, cands in posts for c in cands if c.winner]
        runoff_won = []
        if runoff_post:
            votes = record["rounds"][-1]["votes"][runoff_post]
            best = max(votes, key=votes.get)
            runoff_won = [c for _, _, cands in posts for c in cands if c.person.name == best]
        elected += runoff_won
        if error not in ("TURNOUT-MAJORITY", "BALLOT-RETURNED"):
            turnout = half_up_percent(participants, registered)
            women = sum(c.person.sex == "女" for c in elected)
            reported = F(turnout_percent=Raw(turnout), women_percent=Raw(half_up_percent(women, len(elected))))
            if error == "STATS-REPORTED-MISMATCH":
                actual = participants * 100 / registered
                wrong = int(actual) + rng.randint(5, 12)
                if wrong > 99:
                    wrong = int(actual) - rng.randint(6, 12)
                reported["turnout_percent"] = Raw(str(wrong))
                self.error_line(
                    f"工作总结素材中填报参选率 {wrong}%，而参加投票 {participants} {unit_word}、"
                    f"登记{noun} {registered} {unit_word}，参选率应为 {turnout}%"
                )
            summary["reported"] = reported
        record["summary"] = summary

    def finish_error(
        self,
        record: dict,
        registered: int,
        participants: int,
        issued: int,
        returned: int,
        posts,
        proxies,
        unit_word: str,
        noun: str,
    ) -> None:
        error = self.plan.error
        if error == "TURNOUT-MAJORITY":
            fraction = "恰好半数，不算超过半数" if participants * 2 == registered else "未超过半数"
            self.error_line(
                f"参加投票 {participants} {unit_word}，登记{noun} {registered} {unit_word}，{fraction}，首次选举无效"
            )
        elif error == "DEADLINE-VOTER-LIST":
            s = record["schedule"]
            published, day = (dt.date.fromisoformat(s[k]) for k in ("voter_list_published", "election_day"))
            self.error_line(
                f"选民名单于 {cn_full_date(published)}公布，距选举日 {cn_full_date(day)}仅 15 日，"
                "应在选举日 20 日前公布"
            )
        elif error == "BALLOT-RETURNED":
            self.error_line(f"收回选票 {returned} 张，多于发出选票 {issued} 张")
        elif error == "PROXY-CANDIDATE":
            holder = proxies[0]["holder"]
            post = next(c.post for _, _, cands in posts for c in cands if c.person.name == holder)
            self.error_line(f"{post}候选人 {holder} 接受了委托投票（候选人不得接受委托）")
        elif error == "PROXY-CAP":
            entry = proxies[0]
            self.error_line(
                f"受委托人 {entry['holder']} 接受了 {len(entry['principals'])} 人的委托，超过每人 3 人的上限"
            )
        elif error == "BALLOT-MARKS":
            post, n, _ = posts[-1]
            votes = record["rounds"][0]["votes"][post]
            ballots = record["rounds"][0]["ballots"]
            valid = ballots["returned"] - ballots["invalid"]
            self.error_line(
                f"{post}职位得票合计 {sum(votes.values()) + sum(record['rounds'][0].get('write_ins', {}).get(post, {}).values())} 票，"
                f"超过有效票 {valid} 张 × 应选 {n} 名 = {valid * n} 票"
            )
        elif error == "COMPOSITION-WOMEN":
            self.error_line("当选成员中没有女性（成员中应当有妇女成员）")

    def building_error(self, contest: dict, index: int) -> None:
        error = self.plan.error
        rnd = contest["rounds"][0]
        name = contest["name"]
        if error == "TURNOUT-MAJORITY":
            registered = contest["electorate"]["registered"]
            returned = rnd["ballots"]["returned"]
            fraction = "恰好半数，不算超过半数" if returned * 2 == registered else "未超过半数"
            self.error_line(f"{name}参加投票 {returned} 户，本楼登记 {registered} 户，{fraction}，该楼选举无效")
        elif error == "BALLOT-RETURNED":
            self.error_line(
                f"{name}收回选票 {rnd['ballots']['returned']} 张，多于发出选票 {rnd['ballots']['issued']} 张"
            )
        elif error == "PROXY-CANDIDATE":
            self.error_line(f"{name}楼栋长候选人 {rnd['proxies'][0]['holder']} 接受了委托投票（候选人不得接受委托）")
        elif error == "PROXY-CAP":
            entry = rnd["proxies"][0]
            self.error_line(
                f"{name}受委托人 {entry['holder']} 接受了 {len(entry['principals'])} 户的委托，超过每人 1 户的上限"
            )


def wrap_comment(text: str, width: int = 100) -> list[str]:
    """A header sentence in lines of at most `width` columns, broken only after ，；。、 ."""
    out = []
    while display_width(text) > width:
        cut, used = -1, 0
        for i, ch in enumerate(text):
            used += display_width(ch)
            if used > width:
                break
            if ch in "，；。、":
                cut = i + 1
        if cut <= 0:
            break
        out.append(text[:cut])
        text = text[cut:]
    out.append(text)
    return out


def cn_full_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def cn_date(day: dt.date) -> str:
    return f"{day.month}月{day.day}日"


# --------------------------------------------------------------------------------------------
# The tree
# --------------------------------------------------------------------------------------------
MANIFEST = "单位清单.tsv"


def generate(
    outdir: str,
    units: int = 24,
    seed: str | int = 2026,
    townships: int | None = None,
    roll: bool = False,
    errors: int = 0,
    small_rolls: int = 0,
    county: str = "青石县",
    force: bool = False,
    bodies: int = 0,
    gongtui: int = 0,
) -> list[tuple[str, str, str]]:
    """Write the tree; return (relative path, kind, expected finding id or "") per unit, in order."""
    seed = str(seed)
    if not county or county in (".", "..") or any(sep in county for sep in "/\\"):
        raise ValueError(f"县名“{county}”不能用作目录名")
    if units < 1:
        raise ValueError("单位数至少为 1")
    townships = townships or min(30, max(1, math.ceil(units / 25)))
    if townships > units:
        raise ValueError(f"乡镇（街道）数 {townships} 多于单位数 {units}")
    plans = plan_tree(seed, units, townships)
    if roll:
        for p in plans:
            p.roll = True
    elif small_rolls:
        assign_small_rolls(plans, seed, small_rolls)
    assign_errors(plans, seed, errors)
    assign_gongtui(plans, seed, gongtui)
    plans = add_bodies(plans, seed, bodies)
    root = os.path.join(outdir, county)
    if os.path.isfile(root):
        raise FileExistsError(f"{root} 是一个文件，不能在其中生成记录")
    if os.path.exists(root) and os.listdir(root):
        if not force:
            raise FileExistsError(f"目录 {root} 已存在且不为空；请换一个输出目录，或加 --force 先删除该目录")
        shutil.rmtree(root)
    rows = []
    places: dict[int, tuple] = {}
    for plan in plans:
        place = plan.place
        if place.index not in places:
            places = {place.index: place_context(seed, place)}  # only the current place is needed
        leader, birth, local = places[place.index]
        ctx = Context(county=county, seed=seed, plan=plan, leader=leader, leader_birth=birth, local=local)
        if plan.kind == "supervisory_committee":
            # The same place's committee record comes first in its plan; build it again (deterministic) for its members.
            sibling = next(
                p for p in plans if p.place is place and p.kind in ("village_committee", "residents_committee")
            )
            other = Context(county=county, seed=seed, plan=sibling, leader=leader, leader_birth=birth, local=local)
            elder = Builder(other)
            elder.build()
            ctx.committee_members, ctx.committee_record = list(elder.elected), sibling.file_name
        builder = Builder(ctx)
        record, header = builder.build()
        folder = os.path.join(root, place.township.name)
        os.makedirs(folder, exist_ok=True)
        rel = os.path.join(county, place.township.name, plan.file_name)
        with open(os.path.join(outdir, rel), "w", encoding="utf-8", newline="\n") as fh:
            fh.write(to_yaml(record, header))
        rows.append((rel.replace(os.sep, "/"), plan.kind, plan.error or ""))
    with open(os.path.join(root, MANIFEST), "w", encoding="utf-8", newline="\n") as fh:
        fh.write(
            "# 由 tools/gen_county.py 生成的单位清单：文件、选举类型、是否另行选举、预期检查编号（空白表示应无问题）\n"
        )
        fh.write("文件\t类型\t另行选举\t预期检查编号\n")
        for (rel, kind, error), plan in zip(rows, plans, strict=False):
            fh.write(f"{rel}\t{kind}\t{'是' if plan.runoff else ''}\t{error}\n")
    return rows


# --------------------------------------------------------------------------------------------
# Command line (Chinese help)
# --------------------------------------------------------------------------------------------
class _Formatter(argparse.RawDescriptionHelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        return super().add_usage(usage, actions, groups, prefix="用法：")


_ARGPARSE_MESSAGES = (
    (re.compile(r"the following arguments are required: (.*)"), "缺少参数：{0}"),
    (re.compile(r"argument (\S+): invalid int value: (.*)"), "参数 {0} 的值 {1} 不是整数"),
    (re.compile(r"unrecognized arguments: (.*)"), "无法识别的参数：{0}"),
    (re.compile(r"argument (\S+): expected one argument"), "参数 {0} 需要一个值"),
)


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        for pattern, text in _ARGPARSE_MESSAGES:
            m = pattern.fullmatch(message)
            if m:
                message = text.format(*m.groups())
                break
        self.print_usage(sys.stderr)
        self.exit(2, f"错误：{message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="gen_county.py",
        formatter_class=_Formatter,
        add_help=False,
        description="生成一个县的换届选举记录树（OUTDIR/县/乡镇或街道/单位.yaml），供批量处理和性能测试使用。\n"
        "同一组参数每次生成完全相同的文件；人名、地名均为虚构。",
        epilog="示例：\n"
        "  python tools/gen_county.py samples/county --units 24 --townships 3 --seed 2076 --errors 4 --small-rolls 2"
        " --bodies 4 --gongtui 1\n"
        "  python tools/gen_county.py out/bench --units 2000 --roll",
    )
    parser._positionals.title = "位置参数"
    parser._optionals.title = "选项"
    parser.add_argument("outdir", metavar="OUTDIR", help="输出目录（在其中建立县一级目录）")
    parser.add_argument("-h", "--help", action="help", help="显示本帮助并退出")
    parser.add_argument(
        "--units",
        type=int,
        default=24,
        metavar="N",
        help="村委会、居委会、楼栋长、党支部选举记录的总数（不含 --bodies），默认 24",
    )
    parser.add_argument(
        "--seed", default="2026", metavar="S", help="随机种子，默认 2026；种子相同，生成的文件逐字节相同"
    )
    parser.add_argument(
        "--townships",
        type=int,
        default=None,
        metavar="T",
        help="乡镇（街道）数，默认按单位数确定（每 25 个单位一个，最多 30 个）",
    )
    parser.add_argument("--roll", action="store_true", help="为每个单位附选民名单（按小组列出姓名，人数等于登记人数）")
    parser.add_argument(
        "--small-rolls",
        type=int,
        default=0,
        metavar="K",
        help="不加 --roll 时，只为党员最少的 K 个党支部（不足时补楼栋长选举）附选民名单，默认 0",
    )
    parser.add_argument(
        "--errors",
        type=int,
        default=0,
        metavar="K",
        help="让 K 个单位各带一处故意的规则错误（写在该文件开头的注释中，含预期检查编号），默认 0",
    )
    parser.add_argument(
        "--bodies",
        type=int,
        default=0,
        metavar="K",
        help="另加 K 个同届其他组织的选举（村（居）务监督委员会、村（居）民代表、村（居）民小组长，轮流分给有村（居）委会"
        "记录的村和社区），不计入 --units，默认 0",
    )
    parser.add_argument(
        "--gongtui",
        type=int,
        default=0,
        metavar="K",
        help="让 K 个党支部以公推直选方式换届（公开推荐、请示批复、党员大会选委员、委员会选书记），默认 0",
    )
    parser.add_argument("--county", default="青石县", help="县名，默认 青石县")
    parser.add_argument("--force", action="store_true", help="县一级目录已存在时先将其删除再生成")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        rows = generate(
            args.outdir,
            units=args.units,
            seed=args.seed,
            townships=args.townships,
            roll=args.roll,
            errors=args.errors,
            small_rolls=args.small_rolls,
            county=args.county,
            force=args.force,
            bodies=args.bodies,
            gongtui=args.gongtui,
        )
    except (ValueError, FileExistsError) as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    with_errors = sum(1 for _, _, e in rows if e)
    print(
        f"已生成 {len(rows)} 个单位的记录（其中 {with_errors} 个故意包含错误）：{os.path.join(args.outdir, args.county)}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
