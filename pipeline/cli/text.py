"""The outcome and the statistics of an election as plain Chinese text, for `huanjie outcome`.

The core computes (`outcome.compute`, `stats.compute_stats`); this module only words the result, so that
neither `outcome` nor `stats` has to know about the other's text (which used to make an import circle).
It does not import click: the commands print what it returns.
"""

from __future__ import annotations

from ..formatting import chinese_date
from ..outcome import ContestOutcome, Outcome, PostResult, RoundResult
from ..stats import UNKNOWN, Stats
from ..words import RERUN_ACTIONS, ROUND_NAMES, STAGE_NAMES

__all__ = ["render_text", "summary_lines"]


def _names(names: list[str]) -> str:
    return "、".join(names)


# ---------------------------------------------------------------------------------------------
# The outcome
# ---------------------------------------------------------------------------------------------
def _round_title(rnd: RoundResult) -> str:
    title = f"第{rnd.index + 1}轮　{ROUND_NAMES[rnd.type]}"
    if rnd.date:
        try:
            title += f"（{chinese_date(rnd.date)}）"
        except (ValueError, TypeError):
            title += f"（{rnd.date}）"
    return title


def _ballot_line(rnd: RoundResult) -> str | None:
    parts = []
    for label, value in (
        ("发出选票", rnd.issued),
        ("收回", rnd.returned),
        ("无效", rnd.invalid),
        ("有效", rnd.valid_ballots),
    ):
        if value is not None:
            parts.append(f"{label} {value} 张")
    return "，".join(parts) + "。" if parts else None


def _post_lines(post: PostResult) -> list[str]:
    lines = [f"    {post.post}（本轮应选 {post.seats} 名）"]
    if post.rule:
        lines.append(f"      当选规则：{post.rule}。")
    width = max((len(n) for n, _ in post.tally), default=2)
    for name, votes in post.tally:
        marks = []
        if name in post.write_ins:
            marks.append("另选他人")
        if name in post.elected:
            marks.append("当选")
        elif name in post.revote_among:
            marks.append("票数相等，须重新投票")
        elif name in post.runoff_candidates:
            marks.append("另行选举候选人")
        mark = f"　{'，'.join(marks)}" if marks else ""
        lines.append(f"      {name}{'　' * (width - len(name))}　{votes:>6} 票{mark}")
    if post.threshold is not None:
        lines.append(f"      当选：{_names(post.elected) if post.elected else '无'}。")
    if post.revote_among:
        lines.append(f"      {_names(post.revote_among)}得票相等，须就 {post.revote_seats} 个名额重新投票。")
    if post.seats_left and post.runoff_tied:
        lines.append(
            f"      尚缺 {post.seats_left} 名，另行选举候选人已确定：{_names(post.runoff_candidates) or '无'}；"
            f"{_names(post.runoff_tied)}得票相等，争余下 {post.runoff_tied_places} 个候选人名额，须先解决。"
        )
    elif post.seats_left:
        lines.append(f"      尚缺 {post.seats_left} 名，另行选举候选人：{_names(post.runoff_candidates) or '无'}。")
    if post.vacant:
        lines.append(f"      仍缺 {post.vacant} 名。")
    return lines


def _contest_lines(contest: ContestOutcome) -> list[str]:
    seats = "、".join(f"{p} {n} 名" for p, n in contest.seats.items())
    stage = STAGE_NAMES.get(contest.stage, "未选举，由组织委派")
    lines = [f"【{contest.name or '选举'}】应选：{seats or '未填写'}；{stage}。"]
    for rnd in contest.rounds:
        lines.append(f"  {_round_title(rnd)}：{'有效' if rnd.valid else '无效或无法判定'}")
        lines.extend(f"    {reason}" for reason in rnd.reasons)
        rerun = contest.reruns.get(rnd.index)
        if rerun is not None:
            again = next(r for r in contest.rounds if r.index == rerun)
            when = f"已于{chinese_date(again.date)}" if again.date else "已"
            lines.append(f"    {when}{RERUN_ACTIONS[rnd.type]}（第{rerun + 1}轮），以重新选举的结果为准。")
        ballots = _ballot_line(rnd)
        if ballots:
            lines.append(f"    选票：{ballots}")
        for post in rnd.posts:
            lines.extend(_post_lines(post))
    elected = [f"{post}：{_names(names)}" for post, names in contest.elected.items() if names]
    if contest.stage == "counted":
        lines.append(f"  当选人员：{'；'.join(elected) if elected else '无'}。")
    appointed = [f"{post}：{_names([n or '（未填姓名）' for n in names])}" for post, names in contest.appointed.items()]
    if appointed:
        lines.append(f"  组织委派（暂代，不计入当选）：{'；'.join(appointed)}。")
    lines.append("  下一步：")
    lines.extend(f"    {step}" for step in contest.next_steps)
    return lines


def render_text(outcome: Outcome, stats: Stats | None = None) -> str:
    """A plain-text Chinese report: per contest, round and post, then the statistics."""
    lines = [f"选举结果（规则配置：{outcome.profile_id}）", ""]
    for contest in outcome.contests:
        lines.extend(_contest_lines(contest))
        lines.append("")
    if stats is not None:
        lines.append("统计")
        lines.extend(f"  {line}" for line in summary_lines(stats))
    return "\n".join(lines).rstrip() + "\n"


# ---------------------------------------------------------------------------------------------
# The statistics
# ---------------------------------------------------------------------------------------------
def _breakdown(stats: Stats, counts: dict[str, int]) -> str:
    parts = [f"{key} {n} 名（{stats.share(n)}）" for key, n in counts.items() if key != UNKNOWN or n]
    return "，".join(parts)


def summary_lines(stats: Stats) -> list[str]:
    """Chinese lines of the statistics, in the order of a work summary's 基本情况."""
    lines = [
        f"场次 {stats.contests} 个，已计票 {stats.contests_counted} 个；登记 {stats.registered} 人（户）。",
        f"参加投票 {stats.participants}，计算基数 {stats.turnout_base}，参选率（到会率）{stats.turnout}。",
        f"应选 {stats.seats} 名，正式候选人 {stats.candidates} 名，当选 {stats.elected} 名，缺额 {stats.vacant} 名"
        + (f"，组织委派暂代 {stats.appointed} 名（{stats.contests_appointed} 个场次）" if stats.appointed else "")
        + "。",
    ]
    if stats.elected:
        lines += [
            f"性别：{_breakdown(stats, stats.sex)}。",
            f"年龄：{_breakdown(stats, stats.age)}。",
            f"文化程度：{_breakdown(stats, stats.education)}。",
            f"中共党员（含预备党员）{stats.party} 名，占 {stats.party_share}；"
            f"连任 {stats.incumbents} 名，占 {stats.incumbent_share}。",
        ]
    if stats.contests_counted:
        lines.append(
            f"一次选举成功 {stats.filled_first_round} 个场次（{stats.first_round_success}）；"
            f"另行选举 {stats.runoffs_held} 轮（涉及 {stats.contests_with_runoff} 个场次）；"
            f"尚有缺额的场次 {stats.contests_with_vacancies} 个。"
        )
    if stats.invalid_rounds:
        lines.append(
            f"投票无效 {stats.invalid_rounds} 轮：已重新选举的场次 {stats.contests_rerun} 个，"
            f"尚未重新选举的场次 {stats.contests_rerun_pending} 个。"
        )
    return lines
