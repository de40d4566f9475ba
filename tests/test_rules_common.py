"""Helpers for the rule-check tests (imported by the other tests/test_rules_*.py), and the sample tests.

`make(data)` builds a Record from a dict or a YAML string through `records.parse`, so findings
carry real lines and paths; the schema must pass (rule checks only run on schema-valid records).
Base records (`village`, `residents`, `deputy`, `party`, `building`) are small and clean: each
test changes one thing and asserts the exact finding.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from pipeline import records, schema
from pipeline.findings import Finding, Severity
from pipeline.profile import Profile, load_profile, profile_data, select
from pipeline.rules import run_checks

SAMPLES = sorted((Path(__file__).resolve().parent.parent / "samples").glob("*.yaml"))
ERROR, WARNING, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO


# ---------------------------------------------------------------- building records


def make(data: dict | str, file: str = "t.yaml") -> records.Record:
    """A schema-valid Record from a dict or YAML text."""
    text = data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    record, findings = records.parse(text, file)
    assert record is not None and not findings, findings
    problems = [f for f in schema.validate(record) if f.severity is Severity.ERROR]
    assert not problems, [f.message for f in problems]
    return record


def findings(data: dict | str, check: Callable | None = None, profile: Profile | None = None) -> list[Finding]:
    """Findings of one check module's `check` (or of all checks) on a record."""
    record = make(data)
    profile = profile or select(record.data)
    if check is None:
        return run_checks(record, profile)
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


# ---------------------------------------------------------------- the samples and the base records


@pytest.mark.parametrize("path", SAMPLES, ids=[p.name for p in SAMPLES])
def test_every_sample_is_clean(path):
    record, problems = records.load(str(path))
    assert record is not None and not problems
    found = run_checks(record, select(record.data))
    assert [(f.id, f.message) for f in found if f.severity in (ERROR, WARNING)] == []


def test_there_are_five_samples():
    assert len(SAMPLES) == 5


@pytest.mark.parametrize("build", [village, residents, deputy, party, building])
def test_base_records_are_clean(build):
    assert findings(build()) == []


def test_village_with_its_first_round_is_clean():
    assert findings(village(rounds=[first_round()])) == []


def test_findings_carry_file_line_and_path():
    found = findings(village(schedule={"election_day": "2026-04-18", "voter_list_published": "2026-03-30"}))
    finding = one(found, "DEADLINE-VOTER-LIST")
    assert finding.file == "t.yaml"
    assert finding.path == "schedule.voter_list_published"
    assert finding.line is not None and finding.column is not None
    assert finding.citation == "《中华人民共和国村民委员会组织法》（2025年修正）第十七条"


def test_make_accepts_yaml_text():
    record = make("kind: building_leader\nunit: {name: 晨光社区}\n")
    assert run_checks(record, select(record.data)) == []


def test_every_profile_has_every_key_the_checks_read():
    from pipeline.profile import base_profiles

    keys = {
        "law",
        "size",
        "women_required",
        "committee_withdraws",
        "deadlines",
        "objection",
        "surplus",
        "turnout",
        "win",
        "runoff",
        "proxy",
        "mobile_box",
        "tellers",
        "nomination_cap",
        "min_elected",
        "reconciliation",
    }
    for profile_id, data in base_profiles().items():
        assert keys <= set(data), (profile_id, keys - set(data))
