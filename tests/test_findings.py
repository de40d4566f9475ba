"""The Finding type: the dict form written into report.json reads back to the same finding."""

from __future__ import annotations

from pipeline.findings import Finding, Severity, format_human


def test_round_trip_through_dict():
    original = Finding(
        id="TURNOUT-MAJORITY",
        severity=Severity.ERROR,
        message="参加投票 640 户，未超过登记户代表 1486 户的半数。",
        file="青石县/柳林村.yaml",
        line=41,
        column=7,
        path="rounds[0].ballots.returned",
        citation="《城市居民委员会组织法》（2025）第十九条",
        unreadable=False,
    )
    data = original.to_dict()
    assert data["severity"] == "error" and data["severity_label"] == "错误"
    back = Finding.from_dict(data)
    assert back == original
    assert format_human(back) == format_human(original)


def test_missing_optional_keys():
    back = Finding.from_dict({"id": "X", "severity": "warning", "message": "m", "line": None})
    assert back == Finding(id="X", severity=Severity.WARNING, message="m")
    assert back.location() == "-"
