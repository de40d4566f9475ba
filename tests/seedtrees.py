"""Trees of records whose totals are a seed's own figures (issue 17 "Done when"), written by tests.

`village()` writes one clean, counted 村委会 record (check passes without a finding of severity error) with the
members given; `xiumei()` the 22 villages of seed 004 篇5 (修梅镇: 登记 12670, 参加 9700, 66 members).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩邓冯曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任卢姚沈钟姜崔谭陆范汪廖石金韦贾夏付方邹熊白孟秦邱侯江尹薛闫段雷龙黎史陶贺毛郝顾龚邵万覃武钱戴严莫孔向常汤康易乔赖文施洪辛柴牛温芦葛鲍"
GIVEN = "建国志强海涛丽华秀英桂兰明辉晓东春梅玉珍文军红霞德胜永刚淑芬国平"


@dataclass
class Member:
    post: str
    gender: str
    party: bool
    incumbent: bool
    birth: str
    education: str


def _name(n: int) -> str:
    return SURNAMES[n % len(SURNAMES)] + GIVEN[(n * 2) % len(GIVEN)] + GIVEN[(n * 2 + 1) % len(GIVEN)] * (n % 2)


def village(
    path: Path,
    name: str,
    parents: list[str],
    registered: int,
    voted: int,
    members: list[Member],
    day: dt.date,
    serial: int,
    fail: bool = False,
    residents: bool = False,
    population: int | None = None,
    groups: int | None = None,
) -> None:
    """One 村委会 record: each member beats one other candidate of the same post.

    `fail`: nobody reaches half of the votes cast in the first round, nor the third needed in the 另行选举 the same
    day: every seat stays vacant (seed 004 篇4's 牧兴庄村 and 侯岔村)."""
    seats: dict[str, int] = {}
    for m in members:
        seats[m.post] = seats.get(m.post, 0) + 1
    lines = []
    votes: dict[str, dict[str, int]] = {}
    n = serial * 10
    for i, m in enumerate(members):
        winner = _name(n + i * 2)
        loser = _name(n + i * 2 + 1)
        for who, won, person in ((winner, True, m), (loser, False, None)):
            gender = m.gender if won else ("男" if m.gender == "女" else "女")
            politics = "中共党员" if (person.party if person else False) else "群众"
            incumbent = "true" if (person.incumbent if person else False) else "false"
            birth = m.birth if won else "1985-06"
            education = m.education if won else "高中"
            lines.append(
                f"  - {{name: {who}, gender: {gender}, birth: {birth}, ethnicity: 汉族, education: {education}, "
                f"politics: {politics}, nominated_by: 选民提名, post: {m.post}, incumbent: {incumbent}}}"
            )
            if fail:
                votes.setdefault(m.post, {})[who] = voted // 5 if won else voted // 6
            else:
                votes.setdefault(m.post, {})[who] = voted - 5 - i if won else 3 + i
    d = day.isoformat

    def before(days: int) -> str:
        return (day - dt.timedelta(days=days)).isoformat()

    vote_lines = "\n".join(
        f"      {post}: {{{', '.join(f'{k}: {v}' for k, v in got.items())}}}" for post, got in votes.items()
    )
    runoff = ""
    if fail:
        posts = ", ".join(seats)
        seat_map = ", ".join(f"{p}: {c}" for p, c in seats.items())
        low = "\n".join(
            f"      {post}: {{{', '.join(f'{k}: {voted // 7}' for k in got)}}}" for post, got in votes.items()
        )
        runoff = f"""  - type: runoff
    date: {day.isoformat()}
    posts: [{posts}]
    seats: {{{seat_map}}}
    participants: {voted}
    ballots: {{issued: {voted}, returned: {voted}, invalid: 0}}
    votes:
{low}
"""
    kind, body, electors, method = (
        ("residents_committee", "居民委员会", "居民", "resident_representative")
        if residents
        else ("village_committee", "民委员会", "村民", "all_voters")
    )
    population_line = f"  population: {population}\n" if population else ""
    population_line += f"  groups: {groups}\n" if groups is not None else ""
    text = f"""kind: {kind}
legal_basis: 2025
term: 第七届
unit:
  name: {name}{body}
  short_name: {name}
  parents: [{", ".join(parents)}]
{population_line}committee:
  name: {name}{electors}选举委员会
  chair: 甲{_name(n + 90)}
  members: [乙{_name(n + 91)}, 丙{_name(n + 92)}]
  formed_by: {electors}代表会议推选
  formed_on: {before(43)}
method: {method}
schedule:
  election_day: {d()}
  committee_published: {before(30)}
  voter_list_published: {before(24)}
  initial_candidates_published: {before(13)}
  candidates_published: {before(8)}
  results_published: {d()}
seats:
{chr(10).join(f"  - {{post: {p}, count: {c}}}" for p, c in seats.items())}
electorate:
  registered: {registered}
candidates:
{chr(10).join(lines)}
rounds:
  - type: first
    date: {d()}
    participants: {voted}
    ballots: {{issued: {voted}, returned: {voted}, invalid: 0}}
    votes:
{vote_lines}
{runoff}documents:
  signatory: {name}{electors}选举委员会
"""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def xiumei(root: Path) -> Path:
    """修梅镇 (seed 004 篇5): 22 villages, 登记 12670, 参加 9700; 66 members: 男44 女22, 党员57, 50岁以下55,
    高中以上41, 连任50 (新当选16). Returns the township folder."""
    town = root / "某县" / "修梅镇"
    registered = [576] * 20 + [575, 575]  # 12670
    voted = [441] * 20 + [430, 450]  # 9700
    assert sum(registered) == 12670 and sum(voted) == 9700
    k = 0
    for v in range(22):
        members = []
        for post, gender in (("主任", "男"), ("委员", "男"), ("委员", "女")):
            members.append(
                Member(
                    post=post,
                    gender=gender,
                    party=k >= 9,  # 57 of 66
                    incumbent=k >= 16,  # 50 of 66
                    birth="1980-03" if k >= 11 else "1970-03",  # 55 under 50 on 2026-05-18
                    education="高中" if k < 41 else "初中",  # 41 with 高中 or more
                )
            )
            k += 1
        name = f"修梅{'一二三四五六七八九十'[v % 10]}{'甲乙丙'[v // 10]}村"
        village(
            town / f"{name}村委会.yaml",
            name,
            ["某县", "修梅镇"],
            registered[v],
            voted[v],
            members,
            dt.date(2026, 5, 18),
            v,
        )
    return town


WUQI_TOWNS = [
    "吴起镇",
    "周湾镇",
    "长官庙镇",
    "长城镇",
    "铁边城镇",
    "白豹镇",
    "吴仓堡镇",
    "庙沟镇",
    "五谷城镇",
    "洛源街道",
]


def wuqi(root: Path) -> Path:
    """吴起县 (seed 004 篇4): 9 乡镇 and 1 街道, 164 villages; 登记 80150, 参加 77790; 牧兴庄村 (周湾镇) and 侯岔村
    (吴起镇) elect nobody after a first round and an 另行选举; 162 主任 and 324 委员 elected: 女 82, 党员 231 (98 主任),
    主任连任 62; ages 40岁以下 114, 40至55岁 318, 55岁以上 54; 大专 6, 高中以下 480. Returns the county folder."""
    county = root / "吴起县"
    registered = [489] * 118 + [488] * 46
    voted = [475] * 54 + [474] * 110
    assert sum(registered) == 80150 and sum(voted) == 77790
    failing = {0: "侯岔村", 17: "牧兴庄村"}  # the first village of 吴起镇, the first of 周湾镇
    heads = women = members_party = k = 0
    head_party = head_incumbent = 0
    ages = [("1990-01", 114), ("1975-01", 318), ("1960-01", 54)]  # 36, 51, 66 on 2026-03-18
    schooling = [("大专", 6), ("初中", 480)]
    person = 0

    def take(pool: list[tuple[str, int]]) -> str:
        for i, (value, left) in enumerate(pool):
            if left:
                pool[i] = (value, left - 1)
                return value
        raise AssertionError("pool exhausted")

    age_pool, school_pool = list(ages), list(schooling)
    for v in range(164):
        town = WUQI_TOWNS[min(v // 17, 9)]
        name = failing.get(v) or f"{town[:2]}{v + 1}村"
        fail = v in failing
        members = []
        for post in ("主任", "委员", "委员"):
            if fail:
                members.append(Member(post, "男", False, False, "1975-01", "初中"))
                continue
            gender = "女" if post == "委员" and women < 82 and members[-1].post == "委员" else "男"
            women += gender == "女"
            if post == "主任":
                party, incumbent = head_party < 98, head_incumbent < 62
                head_party += party
                head_incumbent += incumbent
            else:
                party, incumbent = members_party < 133, False
                members_party += party
            members.append(Member(post, gender, party, incumbent, take(age_pool), take(school_pool)))
            person += 1
        village(
            county / town / f"{name}村委会.yaml",
            name,
            ["吴起县", town],
            registered[v],
            voted[v],
            members,
            dt.date(2026, 3, 18),
            v,
            fail=fail,
            population=729 if v < 56 else 728,  # 119448: 80150 registered are 67.1% of it
        )
        k += 1
        heads += 1
    assert (person, women, head_party + members_party, head_incumbent) == (486, 82, 231, 62)
    return county


def seed_001(root: Path) -> Path:
    """Seed 001 (a 街道办事处, 9 居委会 elected by 居民代表): 67 new members, 大专以上 22, 35岁以下 35 (52%), all in one
    round. The seed leaves the previous term blank; the fixture's level file gives 70 members, 平均年龄 48.0."""
    street = root / "某街道"
    sizes = [7] * 7 + [9] * 2
    assert sum(sizes) == 67
    k = 0
    for u, size in enumerate(sizes):
        posts = ["主任", "副主任"] + ["委员"] * (size - 2) if size == 7 else ["主任", "副主任", "副主任"] + ["委员"] * 6
        members = []
        for i, post in enumerate(posts):
            members.append(
                Member(
                    post=post,
                    gender="女" if i == len(posts) - 1 else "男",
                    party=i < 3,
                    incumbent=i == 0,
                    birth="1992-01" if k < 35 else "1975-01",
                    education="大专" if k % 3 == 0 and k < 66 else "高中",
                )
            )
            k += 1
        name = f"{'东南西北中前后左右'[u]}苑社区"
        village(
            street / f"{name}居委会.yaml",
            name,
            ["某区", "某街道"],
            60,
            57,
            members,
            dt.date(2026, 3, 18),
            200 + u,
            residents=True,
        )
    return street


def seed_003(root: Path, facts: bool = True) -> Path:
    """Seed 003 (玉堂镇): 1 居委会 and 4 村委会, 25 members (主任 5, 委员 20): 女 8, 党员 18 (72.0%), 继任 13 (52.00%).

    The seed's 场镇社区x个，农村社区xx个，共有村(居)民小组xxx个，总人口xxxxx人 are blanks: with `facts` each unit gives
    `unit.groups` 6 + u and `unit.population` 1500 + 100 u (40 小组, 8500 人; the four villages 7000 人 for 登记率)."""
    town = root / "玉堂镇"
    k = 0
    for u, name in enumerate(["白玉社区", "龙凤村", "凤鸣村", "中兴村", "新建村"]):
        members = []
        for i, post in enumerate(["主任", "委员", "委员", "委员", "委员"]):
            members.append(
                Member(
                    post=post,
                    gender="女" if i == 4 or (i == 3 and u < 3) else "男",
                    party=k < 18,
                    incumbent=k < 13,
                    birth=("1995-06", "1985-06", "1975-06", "1965-06")[k % 4],
                    education=("大专", "高中", "初中")[k % 3],
                )
            )
            k += 1
        kind_word = "居委会" if name.endswith("社区") else "村委会"
        village(
            town / f"{name}{kind_word}.yaml",
            name,
            ["都江堰市", "玉堂镇"],
            900 + u * 100,
            800 + u * 90,
            members,
            dt.date(2026, 3, 28),
            300 + u,
            residents=name.endswith("社区"),
            population=1500 + 100 * u if facts else None,
            groups=6 + u if facts else None,
        )
    return town
