"""The Chinese words of the domain, in one place: election kinds, bodies, electors and methods, round types, stages.

Ground floor: imports nothing of huanjie. Where two documents print a different word for the same thing
(选举 in a ballot title, 首次选举 in a rule message, 投票选举 in a results notice), each use has its own table
here, named for that use, so the wording every document prints today stays exactly as it is.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Final

__all__ = [
    "KIND_NAMES",
    "KIND_ALIASES",
    "KIND_SHORT",
    "KIND_BODY",
    "BODY_NAMES",
    "BODY_ASSEMBLY",
    "BODY_SUPERVISORS",
    "ASSEMBLY",
    "SUPERVISORS",
    "METHOD_NAMES",
    "METHOD_TEXT",
    "METHOD_ALIASES",
    "ELECTOR",
    "ELECTORATE",
    "REPRESENTATIVES",
    "TURNOUT_LABELS",
    "ROUND_NAMES",
    "ROUND_TITLES",
    "ROUND_ACTIONS",
    "LATER_ROUND_ACTIONS",
    "VOID_ROUND",
    "RERUN_ACTIONS",
    "STAGE_NAMES",
    "ORDER_NAMES",
    "FRACTION_NAMES",
    "RATIO_NAMES",
    "fraction_name",
    "body_name",
]

# ---------------------------------------------------------------- election kinds

# The election kinds, in the order they are listed everywhere (`huanjie new`, the starters, the profiles).
KIND_NAMES: Final[dict[str, str]] = {
    "village_committee": "村民委员会",
    "residents_committee": "居民委员会",
    "party_branch": "党支部委员会",
    "deputy": "县乡人大代表",
    "building_leader": "楼栋长/居民小组长",
    # The other bodies of the same 换届 (issue 14 item 4): each its own record, linked by `same_term`.
    "supervisory_committee": "村（居）务监督委员会",
    "group_leader": "村（居）民小组长",
    "representative": "村（居）民代表",
}

# What a secretary may type instead of the identifier (`huanjie new 村委会`).
KIND_ALIASES: Final[dict[str, str]] = {
    "村委会": "village_committee",
    "村民委员会": "village_committee",
    "居委会": "residents_committee",
    "居民委员会": "residents_committee",
    "党支部": "party_branch",
    "党支部委员会": "party_branch",
    "人大代表": "deputy",
    "人大": "deputy",
    "县乡人大代表": "deputy",
    "楼栋长": "building_leader",
    "居民小组长": "building_leader",
    "村务监督委员会": "supervisory_committee",
    "居务监督委员会": "supervisory_committee",
    "监督委员会": "supervisory_committee",
    "村监委": "supervisory_committee",
    "监委会": "supervisory_committee",
    "村民小组长": "group_leader",
    "小组长": "group_leader",
    "村民代表": "representative",
    "居民代表": "representative",
    "代表": "representative",
}

# The short word for a kind, added to a row label of a summary table when one place holds two kinds.
KIND_SHORT: Final[dict[str, str]] = {
    "village_committee": "村委会",
    "residents_committee": "居委会",
    "party_branch": "党支部",
    "deputy": "人大代表",
    "building_leader": "楼栋长",
    "supervisory_committee": "监委会",
    "group_leader": "小组长",
    "representative": "代表",
}

# The body elected, as documents name it (a 楼栋长 election names its posts instead).
KIND_BODY: Final[dict[str, str]] = {
    "village_committee": "村民委员会",
    "residents_committee": "居民委员会",
    "party_branch": "支部委员会",
    "deputy": "人民代表大会",
    "building_leader": "",
    "supervisory_committee": "村务监督委员会",
    "group_leader": "",
    "representative": "",
}

# The bodies a record of the other kinds may name (`body`), the first being the default; a 居 body is the
# community's (居务监督委员会, 居民小组长, 居民代表), the rest the village's.
BODY_NAMES: Final[dict[str, tuple[str, ...]]] = {
    "supervisory_committee": ("村务监督委员会", "居务监督委员会"),
    "group_leader": ("村民小组长", "居民小组长"),
    "representative": ("村民代表", "居民代表"),
}

# Where the elected report back (当选履职承诺书).
ASSEMBLY: Final[dict[str, str]] = {
    "village_committee": "村民会议或村民代表会议",
    "residents_committee": "居民会议",
    "party_branch": "党员大会",
    "deputy": "原选区选民",
    "building_leader": "本楼栋居民",
    "supervisory_committee": "村（居）民会议或村（居）民代表会议",
    "group_leader": "本小组村（居）民",
    "representative": "本小组或所联系的户",
}

# The same two, for a body of the other kinds (`body`): a 居 body reports to the 居民's meetings.
BODY_ASSEMBLY: Final[dict[str, str]] = {
    "村务监督委员会": "村民会议或村民代表会议",
    "居务监督委员会": "居民会议或居民代表会议",
    "村民小组长": "本村民小组会议",
    "居民小组长": "本居民小组会议",
    "村民代表": "本组村民",
    "居民代表": "本组居民",
}
BODY_SUPERVISORS: Final[dict[str, str]] = {
    "村务监督委员会": "村民和社会",
    "居务监督委员会": "居民和社会",
    "村民小组长": "本组村民",
    "居民小组长": "本组居民",
    "村民代表": "本组村民",
    "居民代表": "本组居民",
}

# Whose supervision a candidate accepts (承诺书).
SUPERVISORS: Final[dict[str, str]] = {
    "party_branch": "党员和群众",
    "village_committee": "村民和社会",
    "residents_committee": "居民和社会",
    "building_leader": "居民和社会",
    "deputy": "选民和社会",
    "supervisory_committee": "村（居）民和社会",
    "group_leader": "本组群众",
    "representative": "所联系的群众",
}

# ---------------------------------------------------------------- methods (选举方式) and electors

# The method as a rule message names it: 采取户代表选举方式的，不实行委托投票.
METHOD_NAMES: Final[dict[str, str]] = {
    "all_voters": "全体选民直接选举",
    "household_representative": "户代表选举",
    "resident_representative": "居民代表选举",
    "party_meeting": "党员大会选举",
    "villager_representative": "村民代表会议选举",
    "leaders_and_representatives": "楼栋长和居民代表选举",
}

# The method as the 工作总结 describes it: 本次选举采取每户派代表投票方式.
METHOD_TEXT: Final[dict[str, str]] = {
    "all_voters": "全体选民直接投票",
    "household_representative": "每户派代表投票",
    "resident_representative": "居民代表投票",
    "party_meeting": "党员大会选举",
    "villager_representative": "村民代表投票",
    "leaders_and_representatives": "楼栋长和居民代表投票",
}

# What a secretary may type instead of the method's identifier (`method: 户代表`).
METHOD_ALIASES: Final[dict[str, str]] = {
    "全体选民": "all_voters",
    "全体选民直接选举": "all_voters",
    "全体选民直接投票": "all_voters",
    "选民直接选举": "all_voters",
    "直接选举": "all_voters",
    "户代表": "household_representative",
    "户代表选举": "household_representative",
    "每户派代表": "household_representative",
    "每户派代表选举": "household_representative",
    "每户派代表投票": "household_representative",
    "居民代表": "resident_representative",
    "居民代表选举": "resident_representative",
    "居民代表会议": "resident_representative",
    "居民代表投票": "resident_representative",
    "党员大会": "party_meeting",
    "党员大会选举": "party_meeting",
}

# Documents: (noun for one elector, unit) by method: 登记选民1486人, 登记户代表1398户.
ELECTOR: Final[dict[str, tuple[str, str]]] = {
    "all_voters": ("选民", "人"),
    "household_representative": ("户代表", "户"),
    "resident_representative": ("居民代表", "人"),
    "party_meeting": ("有选举权的党员", "人"),
    "villager_representative": ("村民代表", "人"),
    "leaders_and_representatives": ("楼栋长和居民代表", "人"),
}

# Rule messages: (unit, what `electorate.registered` counts) by method.
ELECTORATE: Final[dict[str, tuple[str, str]]] = {
    "all_voters": ("人", "登记选民"),
    "household_representative": ("户", "登记户代表"),
    "resident_representative": ("名", "居民代表"),
    "party_meeting": ("名", "应到会有选举权的党员"),
    "villager_representative": ("名", "村民代表"),
    "leaders_and_representatives": ("名", "楼栋长和居民代表"),
}

# Who votes when not every voter does (户代表登记, 居民代表名单公告); every other method has 选民.
REPRESENTATIVES: Final[dict[str, str]] = {
    "household_representative": "户代表",
    "resident_representative": "居民代表",
    "villager_representative": "村民代表",
    "leaders_and_representatives": "楼栋长和居民代表",
}

# The turnout figures in words: (measure, base, unit, rate), by method, and "present" for a meeting
# counted by the members present (the Party).
TURNOUT_LABELS: Final[dict[str, tuple[str, str, str, str]]] = {
    "present": ("实到会有选举权的党员", "应到会", "人", "到会率"),
    "household_representative": ("参加投票的户代表", "登记户数", "户", "参选率"),
    "resident_representative": ("参加投票的居民代表", "居民代表总数", "人", "参选率"),
    "all_voters": ("参加投票", "登记选民", "人", "参选率"),
    "villager_representative": ("参加投票的村民代表", "村民代表总数", "人", "参选率"),
    "leaders_and_representatives": ("参加投票的楼栋长和居民代表", "楼栋长和居民代表总数", "人", "参选率"),
}

# ---------------------------------------------------------------- rounds and stages

# A round type in a document's name and titles: 选举结果公告 / 另行选举结果公告, a ballot's 轮次, the tally.
ROUND_NAMES: Final[dict[str, str]] = {"first": "选举", "runoff": "另行选举", "revote": "重新投票"}

# A round type in rule messages: 第 2 轮（另行选举）, 之前没有首次选举的轮次.
ROUND_TITLES: Final[dict[str, str]] = {"first": "首次选举", "revote": "重新投票", "runoff": "另行选举"}

# What was done in a round, in the results notice: 于2026年3月18日进行投票选举.
ROUND_ACTIONS: Final[dict[str, str]] = {"first": "投票选举", "runoff": "另行选举", "revote": "重新投票"}

# A round after the first, in the 工作总结: 当日另行选举选出1名 (a first round again is 重新选举).
LATER_ROUND_ACTIONS: Final[dict[str, str]] = {"runoff": "另行选举", "revote": "重新投票", "first": "重新选举"}

# A round void for low turnout: (what cannot elect, what must be organised again).
VOID_ROUND: Final[dict[str, tuple[str, str]]] = {
    "first": ("本轮", "选举"),
    "runoff": ("本次另行选举", "另行选举"),
    "revote": ("本次重新投票", "投票"),
}

# An invalid round done again (RERUN-HELD, the results notice, the summary): 已于2026年3月25日重新选举.
RERUN_ACTIONS: Final[dict[str, str]] = {"first": "重新选举", "runoff": "重新另行选举", "revote": "再次重新投票"}

# Where a contest stands (the tally's text report).
STAGE_NAMES: Final[dict[str, str]] = {
    "no_candidates": "尚未确定正式候选人",
    "candidates": "已确定候选人，尚未投票",
    "counted": "已计票",
}

# How names are ordered (profile `strokes_convention`).
ORDER_NAMES: Final[dict[str, str]] = {"surname": "姓氏笔画", "fullname": "姓名笔画"}

# ---------------------------------------------------------------- fractions

# A threshold's share: 超过半数, 不少于三分之一.
FRACTION_NAMES: Final[dict[Fraction, str]] = {
    Fraction(1, 2): "半数",
    Fraction(2, 3): "三分之二",
    Fraction(4, 5): "五分之四",
    Fraction(1, 3): "三分之一",
}

# The 差额 ratio of candidates to seats: 多于应选名额的三分之一至一倍.
RATIO_NAMES: Final[dict[Fraction, str]] = {
    Fraction(1, 3): "三分之一",
    Fraction(1, 2): "二分之一",
    Fraction(2, 3): "三分之二",
    Fraction(1): "一倍",
    Fraction(2): "两倍",
}


def fraction_name(value: Fraction, names: dict[Fraction, str] = FRACTION_NAMES) -> str:
    """The Chinese name of a fraction from `names`, else the plain 3/5."""
    return names.get(value, f"{value.numerator}/{value.denominator}")


def body_name(kind: str, body: object = None) -> str:
    """The body a record of the other kinds elects (`body`, else the village's); "" for the other kinds."""
    names = BODY_NAMES.get(kind, ())
    if not names:
        return ""
    return body if isinstance(body, str) and body in names else names[0]
