"""Level summaries (issue 17): honest coverage, percentages, figures by kind and post, the level's own input."""

from __future__ import annotations

from pipeline.documents.summary import Digest, area, build_many, left_out_digest
from pipeline.stats import Stats


def _unit(label: str, registered: int = 100, voted: int = 90, elected: int = 3) -> Digest:
    stats = Stats(
        registered=registered,
        turnout_base=registered,
        participants=voted,
        seats=elected,
        candidates=elected + 1,
        elected=elected,
        contests=1,
        contests_counted=1,
        filled_first_round=1,
    )
    return Digest(label, stats, kind="village_committee", contests=[["", registered, voted, registered, 3, 4, 3, 0]])


def _text(ctx: dict) -> str:
    return "\n".join(b.get("text", "") for s in ctx["sections"] for b in s["blocks"])


# --------------------------------------------------------------------------------------------
# Honest coverage (item 4)
# --------------------------------------------------------------------------------------------
def test_a_county_names_every_unit_left_out_with_its_township_and_why():
    township_a = area("甲镇", [_unit("一村"), left_out_digest("二村村委会", "记录未通过校验")])
    # A township whose only unit is left out still counts in the county, by name.
    township_b = area("乙镇", [left_out_digest("三村村委会", "尚无计票结果")])
    township_c = area("丙镇", [_unit("四村"), left_out_digest("五村村委会", "记录未通过校验")])
    assert township_b.units == 0 and not township_b.counted
    ctx = build_many([township_a, township_b, township_c], place="某县").context
    text = _text(ctx)
    assert ctx["intro"].startswith("某县共有5个单位开展换届选举工作")
    assert (
        "本次共有5个单位进行换届选举，其中2个单位的选举情况计入本总结；另有3个单位未计入："
        "甲镇二村村委会、丙镇五村村委会（记录未通过校验）；乙镇三村村委会（尚无计票结果）。"
    ) in text
    # The tables hold the counted areas only.
    table1 = next(b for b in ctx["sections"][0]["blocks"] if b.get("caption", "").startswith("表1"))
    assert [r[0] for r in table1["rows"]] == ["甲镇", "丙镇", "合计"]
    assert ctx["units"] == "2"


def test_nothing_is_said_about_coverage_when_every_unit_is_counted():
    text = _text(build_many([_unit("一村"), _unit("二村")], place="甲镇").context)
    assert "本次共有2个单位进行换届选举，登记" in text and "未计入" not in text
