"""The county tree generator (tools/gen_county.py) and the committed sample tree samples/county/.

* same seed → the same bytes, another seed → other files;
* every unit of a generated tree without deliberate errors passes `check_file` with no finding at all;
* with `--errors K`, exactly K units have findings, each exactly the one id its header comment names;
* samples/county/ is what the documented command produces, and its error units show their findings;
* a `--units 300 --roll` tree is generated quickly, with rolls as long as `registered`.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shlex
import sys
from collections import Counter
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, SAMPLES

from pipeline.check import check_file
from pipeline.findings import Severity

# The documented command that produced samples/county/ (also at the top of tools/gen_county.py).
SAMPLE_COMMAND = (
    "python tools/gen_county.py samples/county --units 24 --townships 3 --seed 2076 --errors 4 --small-rolls 2"
    " --bodies 4 --gongtui 1"
)
COUNTY_SAMPLE = SAMPLES / "county"
EXPECTED = re.compile(r"本记录故意包含(?:错误|警告)：.*?（预期检查编号 ([A-Z][A-Z0-9-]+)）")
PROBLEMS = (Severity.ERROR, Severity.WARNING)


def _load_tool():
    spec = importlib.util.spec_from_file_location("gen_county", ROOT / "tools" / "gen_county.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the file runs
    spec.loader.exec_module(module)
    return module


gen = _load_tool()


def tree_files(root: Path) -> dict[str, bytes]:
    """Relative path → bytes of every file below `root`."""
    return {
        str(p.relative_to(root)).replace(os.sep, "/"): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def records_below(root: Path) -> list[Path]:
    return sorted(root.rglob("*.yaml"))


def expected_id(path: Path) -> str | None:
    """The finding id a unit's header comment says it carries, or None for a clean unit."""
    head = "".join(line[2:] for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("# "))
    found = EXPECTED.findall(head)
    assert len(found) <= 1, path
    return found[0] if found else None


def assert_units_as_announced(root: Path) -> Counter:
    """Clean units: no finding at all. Error units: exactly one finding, the announced id (error or warning).

    Returns the announced ids."""
    announced: Counter = Counter()
    for path in records_below(root):
        text = path.read_text(encoding="utf-8")
        assert text.startswith("# "), f"{path} has no header comment"
        result = check_file(str(path))
        ids = [f.id for f in result.findings]
        want = expected_id(path)
        if want is None:
            assert result.findings == [], f"{path}: {[(f.id, f.message) for f in result.findings]}"
            assert result.ok
        else:
            announced[want] += 1
            assert ids == [want], f"{path}: expected {want}, got {[(f.id, f.message) for f in result.findings]}"
            assert result.findings[0].severity in PROBLEMS
            assert result.ok == (result.findings[0].severity is Severity.WARNING)
    return announced


def run_tool(*args: str) -> int:
    return gen.main([str(a) for a in args])


# ------------------------------------------------------------------------------ determinism


def test_same_seed_same_bytes_other_seed_other_files(tmp_path):
    args = ["--units", "30", "--townships", "3", "--errors", "3", "--small-rolls", "2"]
    assert run_tool(tmp_path / "a", "--seed", "7", *args) == 0
    assert run_tool(tmp_path / "b", "--seed", "7", *args) == 0
    assert run_tool(tmp_path / "c", "--seed", "8", *args) == 0
    first, again, other = (tree_files(tmp_path / d) for d in "abc")
    assert len([p for p in first if p.endswith(".yaml")]) == 30
    assert first == again
    assert first != other


def test_errors_do_not_change_the_other_units(tmp_path):
    gen.generate(str(tmp_path / "clean"), units=30, seed=11)
    rows = gen.generate(str(tmp_path / "errors"), units=30, seed=11, errors=4)
    clean, with_errors = tree_files(tmp_path / "clean"), tree_files(tmp_path / "errors")
    erroneous = {rel for rel, _, error in rows if error}
    assert len(erroneous) == 4
    for rel, data in clean.items():
        if rel.endswith(".yaml"):
            assert (data == with_errors[rel]) == (rel not in erroneous), rel


# ------------------------------------------------------------------------------ generated trees pass the checks


def test_clean_tree_passes_check(tmp_path):
    rows = gen.generate(str(tmp_path), units=60, seed=5, small_rolls=4)
    assert len(rows) == 60
    kinds = Counter(kind for _, kind, _ in rows)
    assert set(kinds) == {"village_committee", "residents_committee", "building_leader", "party_branch"}
    assert assert_units_as_announced(tmp_path) == Counter()
    runoffs = [p for p in records_below(tmp_path) if "type: runoff" in p.read_text(encoding="utf-8")]
    assert 1 <= len(runoffs) <= 6  # about 5 % of the units need a 另行选举


def test_error_units_fail_with_their_named_finding(tmp_path):
    count = len(gen.ERRORS)
    rows = gen.generate(str(tmp_path), units=50, seed=3, errors=count)
    announced = assert_units_as_announced(tmp_path)
    assert sum(announced.values()) == count
    assert set(announced) == set(gen.ERROR_IDS)  # every kind of deliberate error once
    assert {error for _, _, error in rows if error} == set(gen.ERROR_IDS)
    for rel, _, error in rows:
        assert expected_id(tmp_path / rel) == (error or None)


def test_manifest_lists_every_unit(tmp_path):
    rows = gen.generate(str(tmp_path), units=12, seed=1, errors=2)
    lines = (tmp_path / "青石县" / gen.MANIFEST).read_text(encoding="utf-8").splitlines()
    assert lines[1].split("\t") == ["文件", "类型", "另行选举", "预期检查编号"]
    assert [line.split("\t")[0] for line in lines[2:]] == [rel for rel, _, _ in rows]
    assert [line.split("\t")[3] for line in lines[2:]] == [error for _, _, error in rows]


# ------------------------------------------------------------------------------ the committed sample tree


def test_sample_command_is_documented_in_the_tool():
    assert SAMPLE_COMMAND.replace(" --bodies", " \\\n        --bodies") in gen.__doc__


def test_committed_county_sample_matches_the_generator(tmp_path):
    argv = shlex.split(SAMPLE_COMMAND)
    assert argv[:3] == ["python", "tools/gen_county.py", "samples/county"]
    assert run_tool(tmp_path, *argv[3:]) == 0
    generated, committed = tree_files(tmp_path), tree_files(COUNTY_SAMPLE)
    assert sorted(generated) == sorted(committed)
    for rel in generated:
        assert generated[rel] == committed[rel], f"{rel} differs from `{SAMPLE_COMMAND}`"


def test_committed_county_sample_shape():
    files = records_below(COUNTY_SAMPLE)
    assert len(files) >= 20
    assert {p.relative_to(COUNTY_SAMPLE).parts[0] for p in files} == {"青石县"}
    townships = {p.relative_to(COUNTY_SAMPLE).parts[1] for p in files}
    assert len(townships) == 3
    assert any(t.endswith("街道") for t in townships) and any(t.endswith(("镇", "乡")) for t in townships)
    data = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in files]
    kinds = Counter(d["kind"] for d in data)
    assert set(kinds) == {"village_committee", "residents_committee", "building_leader", "party_branch"} | set(
        gen.BODY_KINDS
    )
    assert len(files) == 24 + 4 and sum(kinds[k] for k in gen.BODY_KINDS) == 4
    assert len([d for d in data if "gongtui" in d]) == 1
    assert sum(p.stat().st_size for p in COUNTY_SAMPLE.rglob("*") if p.is_file()) < 1_000_000
    rolls = [p for p in files if "voters:" in p.read_text(encoding="utf-8")]
    assert 1 <= len(rolls) <= 2


def test_committed_county_sample_findings_are_those_announced():
    announced = assert_units_as_announced(COUNTY_SAMPLE)
    assert 3 <= sum(announced.values()) <= 4
    assert all(n == 1 for n in announced.values())  # each a different kind of error


# ------------------------------------------------------------------------------ the other bodies and 公推直选


def test_bodies_and_gongtui_are_added_without_changing_the_other_units(tmp_path):
    rows = gen.generate(str(tmp_path / "plain"), units=40, seed=9, errors=3)
    more = gen.generate(str(tmp_path / "more"), units=40, seed=9, errors=3, bodies=9, gongtui=2)
    plain, with_bodies = tree_files(tmp_path / "plain"), tree_files(tmp_path / "more")
    assert len(more) == 49
    kinds = Counter(kind for _, kind, _ in more)
    assert [kinds[k] for k in gen.BODY_KINDS] == [3, 3, 3]
    # Every planned unit keeps its bytes but the two branches that now elect by 公推直选.
    changed = {rel for rel in plain if rel.endswith(".yaml") and plain[rel] != with_bodies[rel]}
    gongtui = {rel for rel, kind, _ in more if kind == "party_branch" and b"\ngongtui:\n" in with_bodies[rel]}
    assert changed == gongtui and len(gongtui) == 2
    # A body is listed right after the units of its place, in the order of BODY_KINDS.
    order = [rel for rel, _, _ in more]
    assert [rel for rel in order if rel in {r for r, _, _ in rows}] == [rel for rel, _, _ in rows]
    for rel, kind, _ in more:
        if kind in gen.BODY_KINDS:
            place = rel.rsplit("/", 1)[1].removesuffix(f"{gen.KIND_WORDS[kind]}.yaml")
            before = order[order.index(rel) - 1].rsplit("/", 1)[1]
            assert before.startswith(place), (rel, before)
    # All of them pass the check without any finding (the deliberate errors aside).
    announced = assert_units_as_announced(tmp_path / "more")
    assert sum(announced.values()) == 3
    assert gen.generate(str(tmp_path / "again"), units=40, seed=9, errors=3, bodies=9, gongtui=2) == more
    assert tree_files(tmp_path / "again") == with_bodies


def test_a_supervisory_committee_names_the_committee_elected_in_its_place(tmp_path):
    gen.generate(str(tmp_path), units=30, seed=4, bodies=3)
    (path,) = [p for p in records_below(tmp_path) if p.name.endswith("监委会.yaml")]
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    sibling = path.with_name(data["same_term"]["committee_record"])
    result = check_file(str(sibling))
    members = [n for names in result.outcome.contests[0].elected.values() for n in names]
    assert sorted(data["same_term"]["committee_members"]) == sorted(members)
    assert not {c["name"] for c in data["candidates"]} & set(members)
    assert data["body"] == ("村务监督委员会" if path.name.endswith("村监委会.yaml") else "居务监督委员会")


def test_a_gongtui_branch_stands_exactly_the_preliminary_list(tmp_path):
    gen.generate(str(tmp_path), units=30, seed=4, gongtui=1)
    (path,) = [p for p in records_below(tmp_path) if "\ngongtui:\n" in p.read_text(encoding="utf-8")]
    result = check_file(str(path))
    assert result.findings == []
    rec = result.outcome.recommendation
    assert sorted(rec.qualified) == sorted(c["name"] for c in result.record.data["candidates"])
    assert len(rec.qualified) == rec.quota and len(rec.people) > rec.quota
    plenary = result.outcome.plenary
    assert plenary is not None and plenary.elected["书记"] == [result.record.data["candidates"][0]["name"]]
    assert "公推直选" in path.read_text(encoding="utf-8").splitlines()[0]


def test_too_many_bodies_or_gongtui_branches_are_refused(tmp_path, capsys):
    assert run_tool(tmp_path / "a", "--units", "3", "--bodies", "40") == 2
    assert "无法安排 40 个同届其他组织的选举" in capsys.readouterr().err
    assert run_tool(tmp_path / "b", "--units", "3", "--gongtui", "5") == 2
    assert "无法安排 5 个公推直选的党支部" in capsys.readouterr().err


# ------------------------------------------------------------------------------ large trees with rolls


def test_roll_tree_is_quick_and_consistent(tmp_path):
    """`--units 300 --roll`: generated in a second or two (not timed here); rolls as long as `registered`."""
    rows = gen.generate(str(tmp_path), units=300, seed=42, roll=True)
    assert len(rows) == 300
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    for rel, _, _ in rows:
        data = yaml.load((tmp_path / rel).read_text(encoding="utf-8"), Loader=loader)
        for contest in data.get("contests") or [data]:
            voters = [v for g in contest["electorate"]["groups"] for v in g["voters"]]
            assert len(voters) == contest["electorate"]["registered"], rel
            assert len(set(voters)) == len(voters), rel
            roll = set(voters)
            assert {c["name"] for c in contest["candidates"]} <= roll, rel
            for rnd in contest["rounds"]:
                for proxy in rnd.get("proxies", []):
                    assert {proxy["holder"], *proxy["principals"]} <= roll, rel
    # The real checker on one small and one large unit of every kind.
    by_kind: dict[str, list[Path]] = {}
    for rel, kind, _ in rows:
        by_kind.setdefault(kind, []).append(tmp_path / rel)
    for paths in by_kind.values():
        paths.sort(key=lambda p: p.stat().st_size)
        for path in (paths[0], paths[-1]):
            assert check_file(str(path)).findings == [], path


# ------------------------------------------------------------------------------ command line


def test_help_is_chinese(capsys):
    with pytest.raises(SystemExit) as exit_info:
        run_tool("--help")
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("用法：")
    assert "选项" in out and "--roll" in out and "--errors" in out and "显示本帮助并退出" in out


def test_refuses_to_overwrite_without_force(tmp_path, capsys):
    assert run_tool(tmp_path, "--units", "3") == 0
    assert run_tool(tmp_path, "--units", "3") == 2
    assert "--force" in capsys.readouterr().err
    assert run_tool(tmp_path, "--units", "4", "--force") == 0
    assert len(records_below(tmp_path)) == 4


def test_usage_errors_are_chinese(capsys):
    with pytest.raises(SystemExit) as exit_info:
        run_tool("out", "--units", "many")
    assert exit_info.value.code == 2
    assert "错误：参数 --units 的值 'many' 不是整数" in capsys.readouterr().err
