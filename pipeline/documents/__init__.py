"""The document catalogue: every kind of paperwork, its template, what it is made per and what it needs.

Each `DocumentKind` names its template file in `templates/`, what one document is made for
(`per`), the record fields it needs, and the context builder that turns a checked record and its
outcome into ready values. `VARIABLES` of each kind documents every variable its template may
use (shown by `huanjie templates KIND`), so a district can write its own template.

A builder raises `Waiting(field, reason)` when the record does not have its data yet; the renderer
skips such a document with a line saying which field it waits for.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ..errors import HuanjieError
from . import ballots, before, dayof, deputy, notices, party, personal, reporting, summary
from .common import COMMON_VARIABLES, NOTICE_VARIABLES, Election, Instance, Waiting

__all__ = [
    "DocumentKind",
    "KINDS",
    "Election",
    "Instance",
    "Waiting",
    "UnknownKind",
    "find_kind",
    "TemplateInfo",
    "list_templates",
    "PER_NAMES",
    "GENRE",
    "PERSONAL",
]

PER_NAMES = {
    "election": "每次选举一份",
    "round": "每轮投票一份",
    "post_round": "每个场次、每轮、每个职位一份",
    "candidate": "每名正式候选人一份",
    "winner": "每名当选人一份",
    "person": "每名列出的人员一份（documents.discipline_signers）",
    "records": "每次选举一份，也可汇总多个记录",
}


@dataclass(frozen=True)
class DocumentKind:
    key: str  # used with --only and `huanjie templates KEY`
    number: int  # file-name prefix: 03-正式候选人名单公告.docx
    title: str  # 正式候选人名单公告
    template: str  # file in templates/
    per: str  # a key of PER_NAMES
    needs: str  # Chinese: the record fields it needs
    build: Callable[[Election], list[Instance]]
    variables: dict[str, str] = field(default_factory=dict)
    aliases: tuple[str, ...] = ()
    # The title for some election kinds, when it differs (a Party pledge has no 竞争): {"party_branch": …}.
    titles: dict[str, str] = field(default_factory=dict)
    # A file made beside each document from its context (当选人员花名册.xlsx): (extension, maker). Render writes it
    # like the 打印清单, guarded and listed in the unit record's prints.
    companion: tuple[str, Callable[[dict], bytes]] | None = None

    @property
    def prefix(self) -> str:
        return f"{self.number:02d}-{self.title}"

    def title_for(self, election_kind: str | None) -> str:
        """The title of this kind's documents for a record of `election_kind` (file name, 题名, 合订本)."""
        return self.titles.get(election_kind or "", self.title)

    def prefix_for(self, election_kind: str | None) -> str:
        return f"{self.number:02d}-{self.title_for(election_kind)}"


# 文种 of each kind, as the archive catalogue lists it (DA/T 22-2015).
GENRE = {
    "committee": "公告",
    "voters": "公告",
    "candidates_initial": "公告",
    "candidates_formal": "公告",
    "results": "公告",
    "invalid": "公告",
    "ballot": "选票",
    "certificate": "证书",
    "candidate_pledge": "承诺书",
    "winner_pledge": "承诺书",
    "discipline_pledge": "承诺书",
    "summary": "总结",
    # genres: before
    "procedure": "办法",
    "election_notice": "公告",
    "voter_card": "证件",
    "proxy": "委托书",
    # genres: dayof
    "staff": "公告",
    "tally": "计票单",
    "ballot_count": "报告",
    "agenda": "议程",
    "script": "主持词",
    "meeting_notice": "通知",
    "report_form": "报告",
    "roster": "名册",
    "filing": "备案表",
    # genres: bodies
    # genres: party
    "gongtui_recommend": "公告",
    "gongtui_request": "请示",
    "plenary_ballot": "选票",
    "plenary_results": "公告",
    "gongtui_report": "报告",
    # genres: deputy
    "districts": "公告",
    "supplementary_voters": "公告",
    "registration": "统计表",
}
# Kinds signed by one person, who is their 责任者.
PERSONAL = frozenset({"candidate_pledge", "winner_pledge", "discipline_pledge"})

_NOTICE = COMMON_VARIABLES | NOTICE_VARIABLES
_PERSONAL = COMMON_VARIABLES

KINDS: list[DocumentKind] = [
    DocumentKind(
        "committee",
        1,
        "选举委员会成员公告",
        "选举委员会成员公告.docx",
        "election",
        "committee（主任、副主任、委员）；schedule.committee_published 或 committee.formed_on 作成文日期",
        notices.committee,
        _NOTICE | notices.COMMITTEE_VARIABLES,
        ("选举委员会成员公告", "选委会"),
    ),
    DocumentKind(
        "voters",
        2,
        "选民名单公告",
        "选民名单公告.docx",
        "election",
        "electorate.registered、schedule.election_day；名单取自 electorate.groups",
        notices.voters,
        _NOTICE | notices.VOTERS_VARIABLES,
        ("选民名单公告", "选民名单"),
    ),
    DocumentKind(
        "candidates_initial",
        3,
        "初步候选人名单公告",
        "候选人名单公告.docx",
        "election",
        "candidates；schedule.initial_candidates_published（或有 formal: false 的候选人）",
        notices.candidates_initial,
        _NOTICE | notices.CANDIDATES_VARIABLES,
        ("初步候选人名单公告", "初步候选人"),
    ),
    DocumentKind(
        "candidates_formal",
        3,
        "正式候选人名单公告",
        "候选人名单公告.docx",
        "election",
        "candidates 中的正式候选人（formal 未填或为 true，且未退出）",
        notices.candidates_formal,
        _NOTICE | notices.CANDIDATES_VARIABLES,
        ("正式候选人名单公告", "正式候选人"),
    ),
    DocumentKind(
        "candidate_pledge",
        4,
        "候选人竞争承诺书",
        "候选人竞争承诺书.docx",
        "candidate",
        "正式候选人",
        personal.candidate_pledges,
        _PERSONAL | personal.CANDIDATE_PLEDGE_VARIABLES,
        ("候选人竞争承诺书", "候选人承诺书"),
        # A Party record's pledge is titled 候选人承诺书, file name included (竞争 is not Party language, review
        # 2026-12 §2, 04); archive still knows 0.1.0's 04-候选人竞争承诺书-… (archive.collect._planned_meta).
        titles={"party_branch": "候选人承诺书"},
    ),
    DocumentKind(
        "ballot",
        5,
        "选票",
        "选票.docx",
        "post_round",
        "正式候选人和 seats；另行选举、重新投票的选票取自计票结果",
        ballots.ballots,
        COMMON_VARIABLES
        | {
            "title_lines": NOTICE_VARIABLES["title_lines"],
            "date_text": "选举日期",
            "signatory": "选举委员会名称（选票上盖章处）",
        }
        | ballots.BALLOT_VARIABLES,
        ("选票",),
    ),
    DocumentKind(
        "results",
        6,
        "选举结果公告",
        "选举结果公告.docx",
        "round",
        "rounds（选票数、参加投票人数、各候选人得票 votes）",
        notices.results,
        _NOTICE | notices.RESULTS_VARIABLES,
        ("选举结果公告", "结果公告"),
    ),
    DocumentKind(
        "invalid",
        6,
        "选举无效公告",
        "选举无效公告.docx",
        "round",
        "rounds 中因参加投票人数不足、收回选票多于发出选票等而无效的一轮（选票数、参加投票人数）；"
        "重新选举的一轮（type 与之相同，date）",
        notices.invalid,
        _NOTICE | notices.INVALID_VARIABLES,
        ("选举无效公告", "无效公告"),
    ),
    DocumentKind(
        "certificate",
        7,
        "当选证书",
        "当选证书.docx",
        "winner",
        "计票结果中的当选人；documents.certificate_issuer 为颁证机关",
        personal.certificates,
        COMMON_VARIABLES | personal.CERTIFICATE_VARIABLES,
        ("当选证书",),
    ),
    DocumentKind(
        "winner_pledge",
        8,
        "当选履职承诺书",
        "当选履职承诺书.docx",
        "winner",
        "计票结果中的当选人",
        personal.winner_pledges,
        _PERSONAL | personal.WINNER_PLEDGE_VARIABLES,
        ("当选履职承诺书", "履职承诺书"),
    ),
    DocumentKind(
        "discipline_pledge",
        9,
        "严肃换届纪律承诺书",
        "严肃换届纪律承诺书.docx",
        "person",
        "documents.discipline_signers",
        personal.discipline_pledges,
        _PERSONAL | personal.DISCIPLINE_PLEDGE_VARIABLES,
        ("严肃换届纪律承诺书", "纪律承诺书"),
    ),
    DocumentKind(
        "summary",
        10,
        "换届选举工作总结",
        "换届选举工作总结.docx",
        "records",
        "计票结果（基本情况由程序统计）；summary.practices、problems、next_steps、publicity 为各部分素材",
        summary.summary,
        summary.SUMMARY_VARIABLES,
        ("换届选举工作总结", "工作总结", "总结"),
    ),
    # kinds: before the vote: 选举办法、选举公告、选民证、委托投票证、工作人员名单 (issue 14.1)
    DocumentKind(
        "procedure",
        11,
        "选举办法",
        "选举办法.docx",
        "election",
        "procedure.adopted_by（通过选举办法的会议）、procedure.adopted_on；名额、方式、差额、有效和当选规则取自记录和规则配置",
        before.procedure,
        COMMON_VARIABLES
        | {"title_lines": NOTICE_VARIABLES["title_lines"], "date_text": "通过日期"}
        | before.PROCEDURE_VARIABLES,
        ("选举办法",),
    ),
    DocumentKind(
        "election_notice",
        12,
        "选举公告",
        "选举公告.docx",
        "election",
        "schedule.election_day、polling.time 或 polling.sessions（投票时间或场次）；"
        "polling.stations、polling.mobile_boxes（投票站、流动票箱）；schedule.election_notice_published 作成文日期",
        before.election_notice,
        _NOTICE | before.ELECTION_NOTICE_VARIABLES,
        ("选举公告", "选举日公告"),
    ),
    DocumentKind(
        "voter_card",
        13,
        "选民证",
        "选民证.docx",
        "election",
        "electorate.groups[].voters（选民名单）；documents.voter_card_prefix 为编号代字；每页八张",
        before.voter_cards,
        COMMON_VARIABLES | {"date_text": "选举日期"} | before.VOTER_CARD_VARIABLES,
        ("选民证", "参选证"),
    ),
    DocumentKind(
        "proxy",
        14,
        "委托投票证",
        "委托投票证.docx",
        "election",
        "rounds[].proxies（受委托人 holder、委托人 principals、关系 relation）；每名委托人一页",
        before.proxies,
        COMMON_VARIABLES
        | {"title_lines": NOTICE_VARIABLES["title_lines"], "date_text": "签署日期（留待手写）"}
        | before.PROXY_VARIABLES,
        ("委托投票证", "委托书", "委托票"),
    ),
    # kinds: voting day and reporting upward: 计票单、清点报告、议程、报告单、花名册、备案表 (issue 14.2-3)
    DocumentKind(
        "staff",
        21,
        "选举工作人员名单公告",
        "选举工作人员名单公告.docx",
        "election",
        "rounds[].tellers（监票人）、rounds[].staff（总监票人、计票人、唱票人、代书人）；schedule.staff_published",
        dayof.staff,
        _NOTICE | dayof.STAFF_VARIABLES,
        ("选举工作人员名单公告", "工作人员名单"),
    ),
    DocumentKind(
        "tally",
        22,
        "计票单",
        "计票单.docx",
        "post_round",
        "正式候选人（按选票顺序）和 seats；已计票的一轮填入 votes、write_ins；签名行取自 rounds[].staff、tellers",
        dayof.tally,
        COMMON_VARIABLES
        | {"title_lines": NOTICE_VARIABLES["title_lines"], "date_text": "投票日期"}
        | dayof.TALLY_VARIABLES,
        ("计票单", "唱票记录表"),
    ),
    DocumentKind(
        "ballot_count",
        23,
        "选票清点报告",
        "选票清点报告.docx",
        "round",
        "rounds[].ballots（发出、收回、无效、弃权）和 mobile_boxes",
        dayof.ballot_count,
        COMMON_VARIABLES
        | {"title_lines": NOTICE_VARIABLES["title_lines"], "date_text": "投票日期"}
        | dayof.BALLOT_COUNT_VARIABLES,
        ("选票清点报告", "清点报告"),
    ),
    DocumentKind(
        "agenda",
        24,
        "选举大会议程",
        "选举大会议程.docx",
        "election",
        "rounds[].staff（主持人 chair、start、end、总监票人、计票人、唱票人）和 tellers；每个选举日一份",
        dayof.agenda,
        COMMON_VARIABLES | {"title_lines": NOTICE_VARIABLES["title_lines"]} | dayof.AGENDA_VARIABLES,
        ("选举大会议程", "大会议程", "议程"),
    ),
    DocumentKind(
        "script",
        25,
        "主持词",
        "主持词.docx",
        "election",
        "rounds[].staff（主持人、工作人员）、正式候选人（按选票顺序）、electorate.registered；已投票时填入发出、收回选票和"
        "当选人，否则留“____”当场填写；每个选举日一份",
        dayof.script,
        COMMON_VARIABLES | {"title_lines": NOTICE_VARIABLES["title_lines"]} | dayof.SCRIPT_VARIABLES,
        ("主持词", "大会主持词"),
    ),
    DocumentKind(
        "meeting_notice",
        26,
        "参会通知",
        "参会通知.docx",
        "election",
        "党员大会、户代表会议、村（居）民代表会议等会议选举：schedule.election_day、rounds[].staff.start（开会时间）、"
        "documents.place；schedule.election_notice_published 作成文日期；全体选民直接投票的选举用选举公告（12），不生成",
        dayof.meeting_notice,
        _NOTICE | dayof.MEETING_NOTICE_VARIABLES,
        ("参会通知", "会议通知", "开会通知"),
    ),
    DocumentKind(
        "report_form",
        31,
        "选举结果报告单",
        "选举结果报告单.docx",
        "election",
        "计票结果中的当选人（性别、出生年月、文化程度、政治面貌、incumbent 取自 candidates）；unit.parents 的最后一项为"
        "报送单位；schedule.reported_on",
        reporting.report_form,
        COMMON_VARIABLES
        | {"title_lines": NOTICE_VARIABLES["title_lines"], "date_text": "填报日期（schedule.reported_on）"}
        | reporting.REPORT_VARIABLES,
        ("选举结果报告单", "结果报告单", "报告单"),
    ),
    DocumentKind(
        "roster",
        32,
        "当选人员花名册",
        "当选人员花名册.docx",
        "election",
        "计票结果中的当选人（candidates 中的基本情况）；另生成同名 .xlsx",
        reporting.roster,
        COMMON_VARIABLES
        | {"title_lines": NOTICE_VARIABLES["title_lines"], "date_text": "填报日期（schedule.reported_on）"}
        | reporting.ROSTER_VARIABLES,
        ("当选人员花名册", "花名册"),
        companion=(".xlsx", reporting.roster_xlsx),
    ),
    DocumentKind(
        "filing",
        33,
        "备案表",
        "备案表.docx",
        "election",
        "规则配置的 filing（楼栋长、小组长）；计票结果中的当选人；备案机关为 unit.parents 的最后一项；schedule.reported_on",
        reporting.filing,
        COMMON_VARIABLES
        | {"title_lines": NOTICE_VARIABLES["title_lines"], "date_text": "报送日期（schedule.reported_on）"}
        | reporting.FILING_VARIABLES,
        ("备案表", "选举结果备案表"),
    ),
    # kinds: the other bodies of the 换届: 监督委员会、小组长、代表、楼栋长→小组长 (issue 14.4)
    # kinds: Party 公推直选 (issue 14.5)
    DocumentKind(
        "gongtui_recommend",
        51,
        "公推推荐结果",
        "公推推荐结果.docx",
        "election",
        "gongtui.recommendation（党员推荐、群众推荐的参加人数和每人得票）；规则配置的 recommendation",
        party.recommend,
        _NOTICE | party.RECOMMEND_VARIABLES,
        ("公推推荐结果", "公开推荐结果", "推荐结果"),
    ),
    DocumentKind(
        "gongtui_request",
        52,
        "候选人预备人选请示",
        "候选人预备人选请示.docx",
        "election",
        "gongtui.recommendation；gongtui.request.to（主送的上级党组织），date、number、contact 可选",
        party.request,
        _NOTICE | party.UPWARD_VARIABLES,
        ("候选人预备人选请示", "请示"),
    ),
    DocumentKind(
        "plenary_ballot",
        53,
        "委员会选举选票",
        "选票.docx",
        "post_round",
        "gongtui.plenary（seats、candidates：委员会选举书记、副书记）",
        party.plenary_ballot,
        COMMON_VARIABLES
        | {
            "title_lines": NOTICE_VARIABLES["title_lines"],
            "date_text": "会议日期",
            "signatory": "支部委员会名称（选票上盖章处）",
        }
        | ballots.BALLOT_VARIABLES,
        ("委员会选举选票", "书记选票"),
    ),
    DocumentKind(
        "plenary_results",
        54,
        "委员会选举结果公告",
        "选举结果公告.docx",
        "round",
        "gongtui.plenary.rounds（委员会全体会议的选票数、到会委员数、各候选人得票）",
        party.plenary_results,
        _NOTICE | notices.RESULTS_VARIABLES,
        ("委员会选举结果公告", "书记选举结果"),
    ),
    DocumentKind(
        "gongtui_report",
        55,
        "选举结果报告",
        "选举结果报告.docx",
        "election",
        "党员大会和委员会全体会议的计票结果；gongtui.report.to（不填时为请示的主送机关），date、number 可选",
        party.report,
        _NOTICE | party.REPORT_VARIABLES,
        ("选举结果报告", "结果报告"),
    ),
    # kinds: 人大 选区 work (issue 14.6)
    DocumentKind(
        "districts",
        61,
        "选区划分公告",
        "选区划分公告.docx",
        "election",
        "人大代表选举：contests[].covers（选区范围）、seats、electorate.registered；schedule.districts_published",
        deputy.districts,
        _NOTICE | deputy.DISTRICTS_VARIABLES,
        ("选区划分公告", "选区划分"),
    ),
    DocumentKind(
        "supplementary_voters",
        62,
        "补充选民名单公告",
        "补充选民名单公告.docx",
        "election",
        "人大代表选举：electorate.supplementary（补登、除名的人员，每个选区一份）；schedule.supplementary_published",
        deputy.supplementary,
        _NOTICE | deputy.SUPPLEMENTARY_VARIABLES,
        ("补充选民名单公告", "补充选民名单", "补登除名"),
    ),
    DocumentKind(
        "registration",
        63,
        "选民登记情况表",
        "选民登记情况表.docx",
        "election",
        "人大代表选举：各选区的 electorate.changes（上次登记、新增、除名、停止行使选举权利、外出登记）和 registered",
        deputy.registration,
        _NOTICE | deputy.REGISTRATION_VARIABLES,
        ("选民登记情况表", "选民登记情况"),
    ),
]

# Kinds sharing a number (03, 06) answer to it with the first listed: 06 stays the 选举结果公告.
_BY_NAME: dict[str, DocumentKind] = {}
for _kind in KINDS:
    _titled = [n for t in _kind.titles.values() for n in (t, f"{_kind.number:02d}-{t}")]
    for _name in (_kind.key, _kind.title, _kind.prefix, f"{_kind.number:02d}", *_kind.aliases, *_titled):
        _BY_NAME.setdefault(_name, _kind)


class UnknownKind(HuanjieError, ValueError):
    """A document kind name that is not in the catalogue; the message lists the known ones."""

    def __init__(self, name: str):
        known = "、".join(f"{k.key}（{k.title}）" for k in KINDS)
        super().__init__(f"没有名为“{name}”的文书种类。可选：{known}。")
        self.name = name


def find_kind(name: str) -> DocumentKind:
    """A kind by key (`results`), title (`选举结果公告`), alias or number (`06`)."""
    key = str(name).strip()
    if key in _BY_NAME:
        return _BY_NAME[key]
    if key.isdigit() and len(key) == 1 and f"0{key}" in _BY_NAME:
        return _BY_NAME[f"0{key}"]
    raise UnknownKind(name)


@dataclass(frozen=True)
class TemplateInfo:
    """What `huanjie templates` shows for one document kind."""

    key: str
    title: str
    template: str
    per: str
    needs: str
    variables: list[tuple[str, str]]
    file_name: str

    def lines(self) -> list[str]:
        out = [
            f"{self.key}　{self.title}",
            f"  模板：templates/{self.template}",
            f"  生成：{self.per}；文件名如 {self.file_name}",
            f"  需要：{self.needs}",
            "  变量：",
        ]
        width = max((len(n) for n, _ in self.variables), default=0)
        for name, text in self.variables:
            out.append(f"    {name.ljust(width)}  {text}")
        return out


def _info(kind: DocumentKind) -> TemplateInfo:
    example = {"candidate": "-王建国", "winner": "-王建国", "person": "-王建国", "post_round": "-主任"}.get(
        kind.per, ""
    )
    return TemplateInfo(
        key=kind.key,
        title=kind.title,
        template=kind.template,
        per=PER_NAMES[kind.per],
        needs=kind.needs,
        variables=list(kind.variables.items()),
        file_name=f"{kind.prefix}{example}.docx",
    )


def list_templates(kind: str | None = None) -> list[TemplateInfo]:
    """Every document kind with its template and variables, or only `kind` (UnknownKind if none)."""
    if kind is None:
        return [_info(k) for k in KINDS]
    return [_info(find_kind(kind))]
