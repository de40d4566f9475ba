"""Helpers shared by the tests: records from dicts or YAML text, rule findings, small clean base records.

`election_of` goes the one way the program goes (`check.check_record` → `Election.from_check`), so a test never
builds documents from an election the checks have not seen.

`make(data)` builds a Record from a dict or a YAML string through `records.parse`, so findings
carry real lines and paths; the schema must pass (rule checks only run on schema-valid records).
Base records (`village`, `residents`, `deputy`, `party`, `building`) are small and clean: each
test changes one thing and asserts the exact finding.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import yaml

from pipeline import check, records, schema
from pipeline import outcome as tally
from pipeline import stats as statistics
from pipeline.documents import Election
from pipeline.findings import Finding, Severity
from pipeline.profile import Profile, load_profile, profile_data, select
from pipeline.rules import run_checks

ERROR, WARNING, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO


def make(data: dict | str, file: str = "t.yaml") -> records.Record:
    """A schema-valid Record from a dict or YAML text."""
    text = data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    record, findings = records.parse(text, file)
    assert record is not None and not findings, findings
    problems = [f for f in schema.validate(record) if f.severity is Severity.ERROR]
    assert not problems, [f.message for f in problems]
    return record


def checked(data: dict | str, file: str = "t.yaml") -> check.CheckResult:
    """The check result of a schema-valid record (rule errors allowed: documents may be drafts)."""
    result = check.check_record(make(data, file))
    assert result.outcome is not None, [f.message for f in result.findings]
    return result


def election_of(data: dict | str, file: str = "t.yaml") -> Election:
    """The evaluated election of a schema-valid record, as render and batch get it."""
    return Election.from_check(checked(data, file))


# ---------------------------------------------------------------- rule findings


def evaluated(record: records.Record, profile: Profile) -> tuple[tally.Outcome, statistics.Stats]:
    """The outcome and statistics of a record under a profile, computed as `check.check_record` computes them."""
    outcome = tally.compute(record.data, profile)
    return outcome, statistics.compute_stats(record.data, outcome, places=statistics.record_places(record.data))


def findings(data: dict | str, check: Callable | None = None, profile: Profile | None = None) -> list[Finding]:
    """Findings of one check module's `check` (or of all checks) on a record."""
    record = make(data)
    profile = profile or select(record.data)
    if check is None:
        outcome, figures = evaluated(record, profile)
        return run_checks(record, profile, outcome, figures)
    return check(record, profile)


def with_ids(found: list[Finding], *ids: str) -> list[Finding]:
    return [f for f in found if f.id in ids]


def one(found: list[Finding], rule_id: str) -> Finding:
    """The single finding with this id (fails listing all findings otherwise)."""
    matches = with_ids(found, rule_id)
    assert len(matches) == 1, [(f.id, f.message) for f in found]
    return matches[0]


def ids(found: list[Finding]) -> list[str]:
    return [f.id for f in found]


def profile_with(record_data: dict, **overrides: Any) -> Profile:
    """The record's profile with some top-level keys replaced (for rules no shipped profile combines)."""
    base = select(record_data)
    return load_profile({**profile_data(base.id, base.province), **overrides}, base.province)


def cand(name: str, post: str, gender: str = "男", **more: Any) -> dict:
    return {"name": name, "post": post, "gender": gender, **more}


def village(**changes: Any) -> dict:
    """A clean 村委会 2025 record before the vote: 主任 1 (2 candidates), 委员 2 (3 candidates)."""
    data = {
        "kind": "village_committee",
        "legal_basis": 2025,
        "unit": {"name": "柳林村民委员会", "short_name": "柳林村"},
        "committee": {"name": "柳林村村民选举委员会", "chair": "杨德明", "members": ["韩志远", "冯玉珍"]},
        "method": "all_voters",
        "schedule": {
            "election_day": "2026-04-18",
            "voter_list_published": "2026-03-27",
            "candidates_published": "2026-04-10",
        },
        "seats": [{"post": "主任", "count": 1}, {"post": "委员", "count": 2}],
        "electorate": {"registered": 100},
        "candidates": [
            cand("刘建华", "主任"),
            cand("陈志强", "主任"),
            cand("王秀兰", "委员", "女"),
            cand("赵国庆", "委员"),
            cand("孙丽娟", "委员", "女"),
        ],
    }
    data.update(copy.deepcopy(changes))
    return data


def first_round(**changes: Any) -> dict:
    """A clean first round for `village()`: 80 of 100 vote; 刘建华, 王秀兰 and 孙丽娟 elected."""
    rnd = {
        "type": "first",
        "date": "2026-04-18",
        "participants": 80,
        "ballots": {"issued": 80, "returned": 80, "invalid": 2},
        "votes": {"主任": {"刘建华": 60, "陈志强": 18}, "委员": {"王秀兰": 70, "孙丽娟": 50, "赵国庆": 30}},
    }
    rnd.update(copy.deepcopy(changes))
    return rnd


def residents(**changes: Any) -> dict:
    """A clean 居委会 2025 record (户代表选举): 主任 1, 委员 4."""
    data = {
        "kind": "residents_committee",
        "legal_basis": 2025,
        "unit": {"name": "阳光社区居民委员会"},
        "method": "household_representative",
        "schedule": {"election_day": "2026-03-18", "voter_list_published": "2026-02-26"},
        "seats": [{"post": "主任", "count": 1}, {"post": "委员", "count": 4}],
        "electorate": {"registered": 1486},
        "candidates": [
            cand("王建国", "主任"),
            cand("林美华", "主任", "女"),
            cand("刘芳", "委员", "女"),
            cand("陈晓东", "委员"),
            cand("杨桂英", "委员", "女"),
            cand("何军", "委员"),
            cand("郭磊", "委员"),
        ],
    }
    data.update(copy.deepcopy(changes))
    return data


def deputy(seats: int = 2, candidates: int = 3, **changes: Any) -> dict:
    """A clean 人大代表 record with one 选区 (contests form)."""
    names = ["王志刚", "李春梅", "张德福", "赵永清", "钱学军", "孙桂兰", "周立新", "吴海燕"][:candidates]
    data = {
        "kind": "deputy",
        "legal_basis": 2020,
        "unit": {"name": "青石县河湾镇选举委员会"},
        "method": "all_voters",
        "schedule": {
            "election_day": "2026-11-20",
            "voter_list_published": "2026-10-30",
            "initial_candidates_published": "2026-11-03",
            "candidates_published": "2026-11-12",
        },
        "contests": [
            {
                "name": "第七选区",
                "seats": [{"post": "代表", "count": seats}],
                "electorate": {"registered": 3120},
                "candidates": [cand(n, "代表", nominated_by="选民十人以上联名推荐") for n in names],
            }
        ],
    }
    data.update(copy.deepcopy(changes))
    return data


def party(members: int = 4, candidates: int = 5, **changes: Any) -> dict:
    """A clean 党支部 record before the vote: 书记 1 (等额), 委员 `members` (with `candidates`)."""
    names = ["温秀梅", "段立强", "龙晓燕", "邱振国", "黎春燕", "钱卫国", "汤美玲", "尹志华", "易建平"][:candidates]
    data = {
        "kind": "party_branch",
        "legal_basis": 2020,
        "unit": {"name": "中共清河社区支部委员会"},
        "method": "party_meeting",
        "schedule": {"election_day": "2026-05-12"},
        "seats": [{"post": "书记", "count": 1}, {"post": "委员", "count": members}],
        "electorate": {"registered": 46, "excluded": 2},
        "candidates": [cand("付建明", "书记")] + [cand(n, "委员") for n in names],
    }
    data.update(copy.deepcopy(changes))
    return data


def building(**changes: Any) -> dict:
    """A clean 楼栋长 record: one building, one seat, two candidates."""
    data = {
        "kind": "building_leader",
        "unit": {"name": "晨光社区居民委员会"},
        "method": "household_representative",
        "schedule": {"election_day": "2026-04-25", "candidates_published": "2026-04-20"},
        "contests": [
            {
                "name": "1号楼",
                "seats": [{"post": "楼栋长", "count": 1}],
                "electorate": {"registered": 48},
                "candidates": [cand("王桂芝", "楼栋长", "女"), cand("刘永", "楼栋长")],
            }
        ],
    }
    data.update(copy.deepcopy(changes))
    return data
