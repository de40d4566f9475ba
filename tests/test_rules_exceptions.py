"""Approved exceptions (`exceptions:` → `pipeline.rules.exceptions`): waived findings, bad approvals, the catalogue."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest
import yaml
from helpers import ERROR, INFO, WARNING, checked, election_of, first_round, make, one, village

from pipeline import check, records, schema
from pipeline.documents.plan import plan
from pipeline.findings import Finding
from pipeline.render import render_record
from pipeline.rules import exceptions

LATE = {"election_day": "2026-04-18", "voter_list_published": "2026-04-01", "candidates_published": "2026-04-10"}
APPROVAL = {
    "rule": "DEADLINE-VOTER-LIST",
    "reason": "因暴雨冲毁道路，选民名单推迟公布",
    "approved_by": "鹤田镇人民政府",
    "approved_on": "2026-03-20",
    "number": "鹤府〔2026〕12号",
}
PHRASE = "鹤田镇人民政府 2026年3月20日 批准，文号 鹤府〔2026〕12号"
APPLIED = f"已按特批处理检查 DEADLINE-VOTER-LIST 的 1 项结果：{PHRASE}；理由：因暴雨冲毁道路，选民名单推迟公布。"

# The rules an approval can turn into 提示: publication deadlines and two practice-based warnings. Changing this
# set is a legal decision, so it is written out here.
WAIVABLE = {
    "DEADLINE-VOTER-LIST",
    "DEADLINE-INITIAL-CANDIDATES",
    "DEADLINE-FORMAL-CANDIDATES",
    "DEADLINE-OBJECTION",
    "NOMINATION-CAP",
    "BALLOT-MOBILE-FORBIDDEN",
}


def approval(**changes) -> dict:
    return {**APPROVAL, **changes}


def late(*approvals: dict) -> dict:
    data = village(schedule=LATE)
    if approvals:
        data["exceptions"] = list(approvals)
    return data


# ---------------------------------------------------------------- an approval that applies


def test_without_an_approval_the_late_voter_list_is_an_error():
    result = checked(late())
    assert one(result.findings, "DEADLINE-VOTER-LIST").severity is ERROR
    assert not result.ok


def test_an_approved_late_voter_list_is_kept_as_a_note_citing_the_approval():
    plain = one(checked(late()).findings, "DEADLINE-VOTER-LIST")
    result = checked(late(approval()))
    waived = one(result.findings, "DEADLINE-VOTER-LIST")
    assert waived.severity is INFO
    assert waived.message == f"{plain.message}（已特批：{PHRASE}）"
    assert (waived.path, waived.line, waived.citation) == (plain.path, plain.line, plain.citation)
    note = one(result.findings, "EXCEPTION-APPLIED")
    assert note.severity is INFO and note.message == APPLIED
    assert note.path == "exceptions[0]" and note.line is not None
    assert result.ok


def test_an_approved_unit_is_rendered(tmp_path):
    election = election_of(late(approval()))
    report = render_record(election, tmp_path / "out")
    assert [w.kind for w in report.written] == [p.kind.key for p in plan(election)]
    assert report.written and all(os.path.exists(w.path) for w in report.written)


def test_a_record_without_exceptions_is_unchanged():
    plain = checked(late())
    assert not [f for f in plain.findings if f.id.startswith("EXCEPTION-")]


def test_a_field_narrows_the_approval():
    result = checked(late(approval(field="schedule.voter_list_published")))
    assert one(result.findings, "DEADLINE-VOTER-LIST").severity is INFO
    assert one(result.findings, "EXCEPTION-APPLIED").message == APPLIED


def test_a_field_covers_what_lies_below_it():
    result = checked(late(approval(field="schedule")))
    assert one(result.findings, "DEADLINE-VOTER-LIST").severity is INFO


def test_a_field_is_not_a_prefix_of_a_name():
    result = checked(late(approval(field="sched")))
    assert one(result.findings, "DEADLINE-VOTER-LIST").severity is ERROR
    unused = one(result.findings, "EXCEPTION-UNUSED")
    assert unused.severity is WARNING
    assert unused.message == (
        f"特批（{PHRASE}）针对检查 DEADLINE-VOTER-LIST（字段 sched），但本记录没有这项检查结果；"
        "请核对编号和字段，或删去这条特批。"
    )
    assert not result.ok


def test_two_approvals_of_one_finding_both_apply_and_the_first_is_cited():
    second = approval(approved_by="青石县民政局", approved_on="2026-03-22", number="青民〔2026〕3号")
    result = checked(late(approval(), second))
    assert one(result.findings, "DEADLINE-VOTER-LIST").message.endswith(f"（已特批：{PHRASE}）")
    notes = [f.message for f in result.findings if f.id == "EXCEPTION-APPLIED"]
    assert notes == [
        APPLIED,
        "已按特批处理检查 DEADLINE-VOTER-LIST 的 1 项结果：青石县民政局 2026年3月22日 批准，文号 青民〔2026〕3号；"
        "理由：因暴雨冲毁道路，选民名单推迟公布。",
    ]


# ---------------------------------------------------------------- approvals that are themselves findings


def test_an_unknown_rule_id_is_an_error():
    result = checked(late(approval(rule="DEADLINE-VOTERS")))
    found = one(result.findings, "EXCEPTION-UNKNOWN-RULE")
    assert found.severity is ERROR
    assert found.message == "特批的检查编号 DEADLINE-VOTERS 不存在，请按 README“检查编号一览”核对编号。"
    assert found.path == "exceptions[0].rule"
    assert one(result.findings, "DEADLINE-VOTER-LIST").severity is ERROR


def test_a_rule_that_cannot_be_waived_is_an_error_and_its_finding_stays():
    data = village(rounds=[first_round(ballots={"issued": 80, "returned": 81, "invalid": 2})])
    data["exceptions"] = [approval(rule="BALLOT-RETURNED")]
    result = checked(data)
    assert one(result.findings, "BALLOT-RETURNED").severity is ERROR
    found = one(result.findings, "EXCEPTION-NOT-WAIVABLE")
    assert found.severity is ERROR
    assert found.message == (
        "检查 BALLOT-RETURNED（收回选票多于发出选票（或参加投票人数、实到会人数），选举无效）不能特批："
        "这是法定要求或数字本身的矛盾，只能改正记录或依法重新组织选举；请删去这条特批。"
    )
    assert found.path == "exceptions[0].rule"
    assert not [f for f in result.findings if f.id == "EXCEPTION-APPLIED"]


def test_an_approval_that_matches_nothing_is_a_warning():
    result = checked(village(exceptions=[approval()]))
    found = one(result.findings, "EXCEPTION-UNUSED")
    assert found.severity is WARNING
    assert found.message == (
        f"特批（{PHRASE}）针对检查 DEADLINE-VOTER-LIST，但本记录没有这项检查结果；请核对编号和字段，或删去这条特批。"
    )
    assert result.ok  # a leftover approval does not block the unit


def test_every_approval_is_answered_in_its_order():
    result = checked(late(approval(rule="X-Y"), approval(), approval(rule="TURNOUT-MAJORITY")))
    tail = [f.id for f in result.findings if f.path.startswith("exceptions")]
    assert tail == ["EXCEPTION-UNKNOWN-RULE", "EXCEPTION-APPLIED", "EXCEPTION-NOT-WAIVABLE"]


# ---------------------------------------------------------------- the record field


def test_an_approval_needs_its_number_and_date():
    data = late({k: v for k, v in APPROVAL.items() if k != "number"})
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    record, _ = records.parse(text, "t.yaml")
    assert record is not None
    problems = schema.validate(record)
    assert [(f.id, f.path) for f in problems] == [("SCHEMA-REQUIRED", "exceptions[0]")]
    assert "文号" in problems[0].message


def test_an_unknown_key_in_an_approval_is_reported():
    text = yaml.safe_dump(late(approval(approver="x")), allow_unicode=True, sort_keys=False)
    record, _ = records.parse(text, "t.yaml")
    assert record is not None
    result = check.check_record(record)
    assert [f.id for f in result.findings] == ["SCHEMA-UNKNOWN-FIELD"]
    assert result.findings[0].path == "exceptions[0].approver"


# ---------------------------------------------------------------- the pure function and the catalogue


def _finding(rule: str, path: str = "a.b", severity=ERROR) -> Finding:
    return Finding(rule, severity, "原文。", "t.yaml", 3, 5, path)


def test_apply_is_a_pure_function_of_findings_approvals_and_catalogue():
    rules = {"R-ONE": exceptions.Rule("R-ONE", "一。", waivable=True), "R-TWO": exceptions.Rule("R-TWO", "二。")}
    given = [_finding("R-ONE"), _finding("R-TWO")]
    approvals = [
        exceptions.Approval("R-ONE", "理由", "某镇人民政府", "2026-01-05", "某府〔2026〕1号", index=0, file="t.yaml")
    ]
    before = list(given)
    out = exceptions.apply(given, approvals, rules)
    assert given == before
    assert out[0] == dataclasses.replace(
        given[0], severity=INFO, message="原文。（已特批：某镇人民政府 2026年1月5日 批准，文号 某府〔2026〕1号）"
    )
    assert out[1] is given[1]
    assert [f.id for f in out[2:]] == ["EXCEPTION-APPLIED"]
    assert exceptions.applied(out) == out[2:]
    assert exceptions.apply(given, approvals, rules) == out


def test_a_warning_can_be_waived_too():
    rules = {"R-ONE": exceptions.Rule("R-ONE", "一。", waivable=True)}
    out = exceptions.apply(
        [_finding("R-ONE", severity=WARNING)], [exceptions.Approval("R-ONE", "理", "甲", "2026-01-05", "乙")], rules
    )
    assert out[0].severity is INFO


def test_the_waivable_rules_are_the_conservative_few():
    catalogue = exceptions.catalogue()
    assert {rule.id for rule in catalogue.values() if rule.waivable} == WAIVABLE


@pytest.mark.parametrize(
    "rule",
    ["TURNOUT-MAJORITY", "BALLOT-RETURNED", "BALLOT-VOTES", "SURPLUS-COUNT", "COMPOSITION-WOMEN", "SCHEMA-REQUIRED"],
)
def test_thresholds_arithmetic_and_form_cannot_be_waived(rule):
    assert exceptions.catalogue()[rule].waivable is False


def test_the_approval_ids_are_in_the_catalogue():
    catalogue = exceptions.catalogue()
    for rule in ("EXCEPTION-APPLIED", "EXCEPTION-UNKNOWN-RULE", "EXCEPTION-NOT-WAIVABLE", "EXCEPTION-UNUSED"):
        assert not catalogue[rule].waivable


def test_the_record_is_read_with_positions():
    record = make(late(approval(field="schedule")))
    (read,) = exceptions.read(record)
    assert (read.rule, read.field, read.index, read.file) == ("DEADLINE-VOTER-LIST", "schedule", 0, "t.yaml")
    assert read.line is not None and read.column is not None


def test_the_readme_example_is_a_valid_approval():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    block = next(b for b in readme.split("```yaml\n")[1:] if b.startswith("exceptions:"))
    example = yaml.safe_load(block.split("```")[0])["exceptions"]
    example[0]["approved_on"] = str(example[0]["approved_on"])
    result = checked(late(*example))
    assert one(result.findings, "DEADLINE-VOTER-LIST").severity is INFO
    assert one(result.findings, "EXCEPTION-APPLIED").message == APPLIED
