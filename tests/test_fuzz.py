"""Fuzz (issue 12 item 2): hostile records and text through check, render and a 3-unit batch, never a traceback.

Generated records are a small good record with one value (or one key) replaced: text full of control and format
characters, lone surrogates, noncharacters and bidi controls, very long strings, huge or odd numbers, nested
lists. Whatever comes in, check, render and batch end with exit code 0, 1 or 2 and print only visible text, and
batch always writes report.json, 批量报告.xlsx and manifest.json, with the two good units rendered.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import openpyxl
from conftest import run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline import check, records
from pipeline.batch import MANIFEST, REPORT_JSON, REPORT_XLSX
from pipeline.findings import format_human
from pipeline.safetext import visible_data

BASE = {
    "kind": "residents_committee",
    "legal_basis": 2025,
    "unit": {"name": "阳光社区居民委员会", "short_name": "阳光社区"},
    "committee": {"chair": "许文静", "members": ["鲍建国", "葛秀英"]},
    "method": "household_representative",
    "schedule": {"election_day": "2026-03-18", "voter_list_published": "2026-02-26"},
    "seats": [{"post": "主任", "count": 1}, {"post": "委员", "count": 4}],
    "electorate": {"registered": 1486},
    "candidates": [
        {"name": name, "post": post, "gender": gender}
        for name, post, gender in [
            ("王建国", "主任", "男"),
            ("林美华", "主任", "女"),
            ("刘芳", "委员", "女"),
            ("陈晓东", "委员", "男"),
            ("杨桂英", "委员", "女"),
            ("何军", "委员", "男"),
            ("郭磊", "委员", "男"),
        ]
    ],
    "documents": {"place": "社区活动中心", "signatory": "阳光社区居民选举委员会"},
}
# The two good units of the batch: a record with one document (the committee notice), cheap to render.
GOOD = {key: BASE[key] for key in ("kind", "legal_basis", "unit", "committee")}
# Where a generated value goes (a path into BASE; a missing last key is added).
PLACES = [
    ("kind",),
    ("unit", "name"),
    ("unit", "short_name"),
    ("committee", "chair"),
    ("committee", "members", 1),
    ("seats", 0, "post"),
    ("seats", 0, "count"),
    ("candidates", 0, "name"),
    ("candidates", 1, "post"),
    ("candidates", 1, "workplace"),
    ("documents", "place"),
    ("documents", "signatory"),
    ("electorate", "registered"),
    ("candidates", 3, "gender"),
    ("schedule", "election_day"),
    ("summary", "practices"),
    ("term",),
]

# Control (Cc), format (Cf), surrogate (Cs), line and paragraph separators, private use, and ordinary letters.
hostile_char = st.one_of(
    st.characters(categories=["Cc", "Cf", "Cs", "Zl", "Zp", "Co", "Zs"]),
    st.sampled_from(["\ufffe", "\uffff", "\U0010ffff", "\u202e", "\u2066", "\u200d", "\x1b", "\x00", "\x9b"]),
    st.sampled_from("王建国阳光社区委员主任李张"),
)
hostile_text = st.one_of(
    st.text(hostile_char, min_size=1, max_size=12),
    st.builds(lambda s, n: s * n, st.text(hostile_char, min_size=1, max_size=3), st.integers(100, 3000)),
)
odd_number = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30),
    st.sampled_from([10**400, -1, 0, 2**63]),
    st.floats(allow_nan=True, allow_infinity=True),
)
plain_text = st.text(st.sampled_from("王建国阳光社区委员主任李张\u200d\t\n 😀\ue000"), min_size=1, max_size=6)
value = st.one_of(
    hostile_text,
    hostile_text,
    plain_text,
    odd_number,
    st.lists(hostile_text, max_size=3),
    st.dictionaries(hostile_text, hostile_text, max_size=2),
    st.none(),
    st.booleans(),
)


def as_yaml(data) -> str:
    """The record as YAML text: JSON (a YAML subset) with every non-ASCII character escaped, lone surrogates too."""
    return json.dumps(data, ensure_ascii=True, default=str) + "\n"


def mutate(path: tuple, new, as_key: bool) -> dict:
    data = json.loads(json.dumps(BASE))
    node = data
    for part in path[:-1]:
        node = node.setdefault(part, {}) if isinstance(part, str) else node[part]
    last = path[-1]
    if as_key and isinstance(node, dict) and isinstance(new, str):
        node[new] = node.pop(last, "值")
    else:
        node[last] = new
    return data


records_strategy = st.builds(mutate, st.sampled_from(PLACES), value, st.booleans()).map(as_yaml)


def assert_clean(run) -> None:
    assert run.exit_code in (0, 1, 2), run.output
    assert "Traceback" not in run.output
    for raw in ("\x1b", "\x00", "\x9b", "\u202e", "\u2028"):
        assert raw not in run.output
    run.output.encode("utf-8")  # no lone surrogate reached the terminal


FUZZ = settings(max_examples=150, deadline=None, database=None, suppress_health_check=list(HealthCheck))


@FUZZ
@given(records_strategy)
def test_check_of_any_hostile_record_gives_findings_never_a_traceback(text):
    record, found = records.parse(text, "t.yaml")
    result = check.check_record(record, found) if record is not None else None
    for finding in result.findings if result is not None else found:
        format_human(finding).encode("utf-8")
        json.dumps(visible_data(finding.to_dict()), ensure_ascii=False).encode("utf-8")
    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "t.yaml").write_text(text, encoding="utf-8")
        assert_clean(run_cli("check", str(Path(folder, "t.yaml"))))


@settings(FUZZ, max_examples=25)
@given(records_strategy, st.sampled_from([1, 1, 2]))
def test_render_and_a_three_unit_batch_of_any_hostile_record_never_break(text, jobs):
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        town = root / "tree" / "县" / "镇"
        town.mkdir(parents=True)
        good = as_yaml(GOOD)
        (town / "一村.yaml").write_text(good, encoding="utf-8")
        (town / "二村.yaml").write_text(text, encoding="utf-8")
        (town / "三村.yaml").write_text(good, encoding="utf-8")
        assert_clean(run_cli("render", str(town / "二村.yaml"), "-o", str(root / "render")))
        out = root / "out"
        run = run_cli("batch", str(root / "tree"), "-o", str(out), "-j", str(jobs))
        assert_clean(run)
        assert run.exit_code in (0, 1)
        report = json.loads((out / REPORT_JSON).read_text(encoding="utf-8"))
        statuses = {unit["path"]: unit["status"] for unit in report["units"]}
        assert statuses["县/镇/一村.yaml"] == statuses["县/镇/三村.yaml"] == "ok"
        assert set(statuses) == {"县/镇/一村.yaml", "县/镇/二村.yaml", "县/镇/三村.yaml"}
        manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
        assert {REPORT_JSON, REPORT_XLSX} <= set(manifest["files"])
        openpyxl.load_workbook(out / REPORT_XLSX, read_only=True).close()
        for name in os.listdir(out / "县" / "镇"):
            assert name.isprintable(), name
        shutil.rmtree(root)
