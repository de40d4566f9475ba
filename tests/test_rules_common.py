"""Rule checks on the samples and the base records of tests/helpers.py, and the profile keys the checks read."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import (
    ERROR,
    WARNING,
    building,
    deputy,
    evaluated,
    findings,
    first_round,
    make,
    one,
    party,
    residents,
    village,
)

from pipeline import records
from pipeline.profile import select
from pipeline.rules import run_checks

SAMPLES = sorted((Path(__file__).resolve().parent.parent / "samples").glob("*.yaml"))


def all_findings(record: records.Record):
    """Every rule finding of a record under its own profile, with its outcome and statistics."""
    profile = select(record.data)
    return run_checks(record, profile, *evaluated(record, profile))


# ---------------------------------------------------------------- the samples and the base records


@pytest.mark.parametrize("path", SAMPLES, ids=[p.name for p in SAMPLES])
def test_every_sample_is_clean(path):
    record, problems = records.load(str(path))
    assert record is not None and not problems
    found = all_findings(record)
    assert [(f.id, f.message) for f in found if f.severity in (ERROR, WARNING)] == []


def test_there_are_the_samples():
    # the committees, Party and 人大; 人大 选区 work (issue 14.6); the other bodies of a 换届 (issue 14.4); Party 公推直选 (issue 14.5)
    assert [p.name for p in SAMPLES] == [
        "building-chenguang-group-leaders.yaml",
        "building-leaders-chenguang.yaml",
        "community-baiyu-group-leaders.yaml",
        "community-baiyu-representatives.yaml",
        "community-baiyu-supervisory.yaml",
        "deputy-hewan-district7.yaml",
        "deputy-xincheng-districts.yaml",
        "party-donghua-gongtui.yaml",
        "party-qinghe-branch.yaml",
        "residents-yangguang.yaml",
        "village-liulin-runoff.yaml",
        "village-shiqiao-rerun.yaml",
    ]


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
    assert all_findings(record) == []


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


def test_run_checks_takes_outcome_and_stats_and_computes_neither(monkeypatch):
    """The rules get the evaluation from check_record; they never compute the outcome or the statistics again."""
    import inspect

    from pipeline import outcome, stats

    params = inspect.signature(run_checks).parameters
    assert list(params) == ["record", "profile", "outcome", "stats"]
    assert all(p.default is inspect.Parameter.empty for p in params.values())
    record = make(village(rounds=[first_round()]))
    profile = select(record.data)
    result, figures = evaluated(record, profile)

    def refuse(*args, **kwargs):
        raise AssertionError("computed again inside the rules")

    monkeypatch.setattr(outcome, "compute", refuse)
    monkeypatch.setattr(stats, "compute_stats", refuse)
    assert run_checks(record, profile, result, figures) == []
