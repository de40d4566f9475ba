"""Property test: any schema-valid record gets findings, never an exception, and every finding is usable."""

from __future__ import annotations

import datetime as dt
import re

import yaml
from helpers import evaluated
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from pipeline import records, schema
from pipeline.findings import Severity
from pipeline.rules import run_checks
from pipeline.rules.profile import select

NAMES = ["王一", "李二", "张三", "刘四", "陈五", "杨六", "赵七", "黄八"]
POSTS = ["主任", "委员", "书记", "代表"]
BASES = {
    "village_committee": [2018, 2025],
    "residents_committee": [2018, 2025],
    "party_branch": [2020],
    "deputy": [2020],
    "building_leader": [None],
}
METHODS = ["all_voters", "household_representative", "resident_representative", "party_meeting"]

small = st.integers(min_value=0, max_value=60)
names = st.lists(st.sampled_from(NAMES), max_size=4)
dates = st.dates(min_value=dt.date(2026, 2, 1), max_value=dt.date(2026, 4, 30)).map(str)


def optional(strategy):
    return st.one_of(st.none(), strategy)


def drop_none(data):
    if isinstance(data, dict):
        return {k: drop_none(v) for k, v in data.items() if v is not None}
    if isinstance(data, list):
        return [drop_none(v) for v in data]
    return data


candidate = st.fixed_dictionaries(
    {
        "name": st.sampled_from(NAMES),
        "post": st.sampled_from(POSTS),
        "gender": optional(st.sampled_from(["男", "女"])),
        "formal": optional(st.booleans()),
        "withdrawn": optional(st.booleans()),
        "nominated_by": optional(st.sampled_from(["某党委推荐", "选民联名"])),
    }
)
tally = st.dictionaries(st.sampled_from(POSTS), st.dictionaries(st.sampled_from(NAMES), small, max_size=4), max_size=3)
round_ = st.fixed_dictionaries(
    {
        "type": optional(st.sampled_from(["first", "revote", "runoff"])),
        "date": optional(dates),
        "posts": optional(st.lists(st.sampled_from(POSTS), min_size=1, max_size=2)),
        "seats": optional(st.dictionaries(st.sampled_from(POSTS), st.integers(1, 4), max_size=2)),
        "present": optional(small),
        "participants": optional(small),
        "ballots": optional(
            st.fixed_dictionaries(
                {
                    "issued": optional(small),
                    "returned": optional(small),
                    "invalid": optional(small),
                    "blank": optional(small),
                }
            )
        ),
        "mobile_boxes": optional(
            st.lists(
                st.fixed_dictionaries(
                    {"issued": optional(small), "returned": optional(small), "tellers": optional(names)}
                ),
                max_size=2,
            )
        ),
        "proxies": optional(
            st.lists(
                st.fixed_dictionaries(
                    {
                        "holder": st.sampled_from(NAMES),
                        "principals": names,
                        "relation": optional(st.sampled_from(["近亲属", "朋友"])),
                    }
                ),
                max_size=3,
            )
        ),
        "tellers": optional(names),
        "votes": optional(tally),
        "write_ins": optional(tally),
    }
)


@st.composite
def record_data(draw):
    kind = draw(st.sampled_from(sorted(BASES)))
    data = {
        "kind": kind,
        "legal_basis": draw(st.sampled_from(BASES[kind])),
        "profile": draw(st.sampled_from([None, "default", "sichuan"])),
        "unit": {"name": "测试单位"},
        "method": draw(optional(st.sampled_from(METHODS))),
        "committee": draw(
            optional(
                st.fixed_dictionaries(
                    {
                        "chair": optional(st.sampled_from(NAMES)),
                        "members": optional(names),
                        "formed_on": optional(dates),
                    }
                )
            )
        ),
        "schedule": draw(
            st.fixed_dictionaries(
                {
                    "election_day": optional(dates),
                    "committee_published": optional(dates),
                    "voter_list_published": optional(dates),
                    "initial_candidates_published": optional(dates),
                    "candidates_published": optional(dates),
                    "results_published": optional(dates),
                }
            )
        ),
        "seats": draw(
            optional(
                st.dictionaries(st.sampled_from(POSTS), st.integers(1, 5), min_size=1, max_size=3).map(
                    lambda d: [{"post": p, "count": n} for p, n in d.items()]
                )
            )
        ),
        "electorate": draw(
            optional(
                st.fixed_dictionaries(
                    {
                        "registered": optional(small),
                        "excluded": optional(st.integers(0, 5)),
                        "groups": optional(
                            st.lists(st.fixed_dictionaries({"name": st.just("一组"), "voters": names}), max_size=2)
                        ),
                    }
                )
            )
        ),
        "candidates": draw(optional(st.lists(candidate, max_size=6))),
        "rounds": draw(optional(st.lists(round_, max_size=3))),
    }
    return drop_none(data)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(record_data())
def test_rule_checks_never_raise(data):
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    record, problems = records.parse(text, "t.yaml")
    assert record is not None and not problems
    assume(not any(f.severity is Severity.ERROR for f in schema.validate(record)))
    profile = select(record.data)
    for finding in run_checks(record, profile, *evaluated(record, profile)):
        assert re.fullmatch(r"[A-Z]+(-[A-Z]+)+", finding.id), finding.id
        assert isinstance(finding.severity, Severity)
        assert finding.message.endswith(("。", "）")), finding.message
        assert "None" not in finding.message, finding.message
        assert not re.search(r"\{[\w\[\]'.()]+\}", finding.message), finding.message  # no unfilled placeholder
        assert finding.line is not None
