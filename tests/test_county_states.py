"""A county as elections really go: a re-election, no woman elected, an appointed building leader and a 海选.

Issue 11's "done when": such a tree batches with every unit rendered, and every one of them is in the summary.
"""

from __future__ import annotations

import copy
from pathlib import Path

import docx
import yaml
from helpers import building, first_round, village

from pipeline.batch import SUMMARY_FILE, read_report, run_batch

LOW = first_round(
    participants=40,
    ballots={"issued": 40, "returned": 40, "invalid": 0},
    votes={"主任": {"刘建华": 30, "陈志强": 10}, "委员": {"王秀兰": 30, "孙丽娟": 25, "赵国庆": 10}},
)
AGAIN = first_round(
    date="2026-04-25",
    reason="首次投票参加投票人数未过半数",
    votes={"主任": {"陈志强": 60, "刘建华": 18}, "委员": {"王秀兰": 70, "赵国庆": 50, "孙丽娟": 30}},
)


def _rerun() -> dict:
    data = village(electorate={"registered": 100}, rounds=[LOW, AGAIN])
    data["unit"] = {"name": "重选村民委员会", "short_name": "重选村"}
    return data


def _no_woman() -> dict:
    data = village(rounds=[first_round()])
    data["unit"] = {"name": "无女村民委员会", "short_name": "无女村"}
    for candidate in data["candidates"]:
        candidate["gender"] = "男"
    return data


def _appointed() -> dict:
    data = building()
    data["unit"] = {"name": "委派社区居民委员会", "short_name": "委派社区"}
    data["contests"][0]["rounds"] = [
        {
            "type": "first",
            "date": "2026-04-25",
            "participants": 40,
            "ballots": {"issued": 40, "returned": 40, "invalid": 0},
            "votes": {"楼栋长": {"王桂芝": 30, "刘永": 10}},
        }
    ]
    data["contests"].append(
        {
            "name": "2号楼",
            "seats": [{"post": "楼栋长", "count": 1}],
            "electorate": {"registered": 36},
            "appointment": {
                "name": "鲍建国",
                "appointed_by": "鹤田镇党委",
                "reason": "无人报名参选",
                "date": "2026-04-25",
                "post": "楼栋长",
            },
        }
    )
    return data


def _write_ins() -> dict:
    data = copy.deepcopy(building())
    data["unit"] = {"name": "海选社区居民委员会", "short_name": "海选社区"}
    data["contests"] = [
        {
            "name": "第三居民小组",
            "nomination": "write_in",
            "seats": [{"post": "小组长", "count": 1}],
            "electorate": {"registered": 86},
            "rounds": [
                {
                    "type": "first",
                    "date": "2026-04-25",
                    "participants": 71,
                    "ballots": {"issued": 71, "returned": 71},
                    "write_ins": {"小组长": {"周红": 52, "李明": 15}},
                }
            ],
        }
    ]
    return data


UNITS = {"重选村": _rerun, "无女村": _no_woman, "委派社区": _appointed, "海选社区": _write_ins}


def _text(path: Path) -> str:
    document = docx.Document(str(path))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_every_unit_is_rendered_and_in_the_summary(tmp_path):
    town = tmp_path / "src" / "青石县" / "鹤田镇"
    town.mkdir(parents=True)
    for name, make in UNITS.items():
        (town / f"{name}.yaml").write_text(yaml.safe_dump(make(), allow_unicode=True, sort_keys=False), "utf-8")
    result = run_batch(str(tmp_path / "src"), str(tmp_path / "out"), jobs=1)
    assert (result.total, result.ok, result.failed) == (4, 4, 0), [u.error or u.findings for u in result.failures]
    report = read_report(tmp_path / "out")
    for unit in report.units:
        names = {Path(d.path).name for d in unit.documents}
        assert any(n.startswith("06-选举结果公告") for n in names), unit.rel
        assert any(n.startswith("10-换届选举工作总结") for n in names), unit.rel
    ids = {unit.rel.rsplit("/", 1)[-1]: {f.id for f in unit.findings} for unit in report.units}
    assert "RERUN-HELD" in ids["重选村.yaml"] and "TURNOUT-MAJORITY" not in ids["重选村.yaml"]
    rerun = next(u for u in report.units if u.rel.endswith("重选村.yaml"))
    void = [Path(d.path).name for d in rerun.documents if Path(d.path).name.startswith("06-选举无效公告")]
    assert void == ["06-选举无效公告.docx"]
    assert "重新选举" in _text(tmp_path / "out" / rerun.folder / void[0])
    assert "COMPOSITION-WOMEN" in ids["无女村.yaml"]
    certificates = {
        Path(d.path).name for unit in report.units if unit.rel.endswith("委派社区.yaml") for d in unit.documents
    }
    assert not any("鲍建国" in name for name in certificates)  # an appointee is not elected
    township = _text(tmp_path / "out" / "青石县" / "鹤田镇" / SUMMARY_FILE)
    assert "4个" in township, township
    assert "重新选举" in township and "没有女性" in township and "组织委派" in township
    counted = [s for s in report.summaries if s.path == f"青石县/鹤田镇/{SUMMARY_FILE}"]
    assert [s.units for s in counted] == [4]
