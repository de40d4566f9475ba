"""The `huanjie` command: help and messages in Chinese, exit codes, output formats, `new`."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest
from conftest import BAD, HUMAN_LINE, KINDS, ROOT, SAMPLES, finding_lines

from pipeline import __version__, starter

CJK = re.compile("[\u4e00-\u9fff]")
ENGLISH_CLICK = [
    "Usage:",
    "Options:",
    "Commands:",
    "Show this message",
    "Show the version",
    "[required]",
    "default:",
    "Error:",
    "Try '",
    "Missing",
    "No such",
    "Invalid value",
]
GOOD = str(SAMPLES / "village-liulin-runoff.yaml")


# --- help and version ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "args, expected",
    [
        (
            ["--help"],
            [
                "用法： huanjie [选项] 命令 [参数]...",
                "huanjie：换届选举文书流水线。",
                "选项:",
                "命令:",
                "check    检查选举记录：格式、取值和法定规则。",
                "new      生成一份带中文说明的记录样板，可直接通过 check。",
                "outcome  计算选举结果",
                "names    按姓氏笔画排列姓名",
                "render 生成文书",
                "templates 列出每种文书的模板文件",
                "-V, --version  显示版本号并退出。",
                "-h, --help     显示本帮助并退出。",
            ],
        ),
        (
            ["check", "--help"],
            [
                "用法： huanjie check [选项] 文件或文件夹...",
                "检查选举记录：格式、取值和法定规则。",
                "退出码：0 没有错误；1 记录中有错误；2 命令用法不对或文件无法读取。",
                "输出格式：human 便于阅读，json 供程序处理。",
                "[默认：human]",
                "有警告也视为不通过（退出码 1）。",
            ],
        ),
        (
            ["new", "--help"],
            [
                "用法： huanjie new [选项] 类型",
                "生成一份带中文说明的记录样板，可直接通过 check。",
                "要生成的记录文件，如 阳光社区.yaml。",
                "[必填]",
                "文件已存在时覆盖它。",
            ],
        ),
        (["new", "-h"], ["用法： huanjie new [选项] 类型"]),
    ],
)
def test_help_is_chinese(cli, args, expected):
    run = cli(*args)
    assert run.exit_code == 0
    squeezed = re.sub(" +", " ", run.stdout)  # column widths change as commands are added
    for text in expected:
        assert re.sub(" +", " ", text) in squeezed
    for english in ENGLISH_CLICK:
        assert english not in run.output
    assert len(CJK.findall(run.stdout)) > 20


@pytest.mark.parametrize("flag", ["--version", "-V"])
def test_version(cli, flag):
    run = cli(flag)
    assert run.exit_code == 0
    assert run.stdout == f"huanjie {__version__}\n"
    assert re.fullmatch(r"\d+\.\d+\.\d+", __version__)


@pytest.mark.parametrize(
    "args, message",
    [
        (["check"], "错误：缺少参数 '文件或文件夹...'。"),
        (["outcome"], "错误：缺少参数 '文件'。"),
        (["new", "deputy"], "错误：缺少选项 '-o' / '--output'"),
        (["check", "--format", "xml", GOOD], "错误：'--format' 的值无效：'xml' 不是 'human', 'json'。"),
        (["bogus"], "错误：没有命令 'bogus'。"),
        (["check", "--nope", GOOD], "错误：没有选项 '--nope'。"),
        (["check", "--forma", "json", GOOD], "是否想用 '--format'？"),
        (["new", "-o"], "错误：选项 '-o' 需要一个值。"),
    ],
)
def test_usage_errors_are_chinese_and_exit_2(cli, args, message):
    run = cli(*args)
    assert run.exit_code == 2
    assert message in run.stderr
    for english in ENGLISH_CLICK:
        assert english not in run.output


# --- check ---------------------------------------------------------------------------------


def test_check_clean_file(cli):
    run = cli("check", GOOD)
    assert run.exit_code == 0
    assert run.stdout == "共检查 1 个文件，1 个通过；错误 0 个，警告 0 个。\n"
    assert run.stderr == ""


def test_two_bad_files_in_one_run_are_both_reported(cli):
    first, second = str(BAD / "negative-count.yaml"), str(BAD / "unknown-field.yaml")
    run = cli("check", first, GOOD, second)
    assert run.exit_code == 1
    assert finding_lines(run.stdout) == [
        f"{first}:7:10  错误  SCHEMA-RANGE  其中女性不能为负数，实际为 -12。（字段 electorate.women）",
        f"{second}:11:5  错误  SCHEMA-UNKNOWN-FIELD  未知字段“gendre”。是否应为“gender”？（字段 candidates[1].gendre）",
    ]
    assert run.stderr == "共检查 3 个文件，1 个通过；错误 2 个，警告 0 个。\n"


def test_all_findings_of_a_file_are_reported(cli, write):
    path = write(
        "three.yaml",
        "kind: deputy\nunit: {name: 某选区}\nterm: ''\nmethod: secret\n"
        "candidates:\n  - {name: 张三, post: 代表, birth: 1972-5}\n",
    )
    run = cli("check", path)
    assert run.exit_code == 1
    lines = finding_lines(run.stdout)
    assert [HUMAN_LINE.match(line)["id"] for line in lines] == ["SCHEMA-EMPTY", "SCHEMA-ENUM", "SCHEMA-FORMAT"]
    assert [(int(HUMAN_LINE.match(line)["line"]), int(HUMAN_LINE.match(line)["column"])) for line in lines] == [
        (3, 7),
        (4, 9),
        (6, 33),
    ]
    assert lines[2].endswith("（字段 candidates[0].birth）")


def test_unreadable_input_wins_exit_code_2(cli, tmp_path):
    missing = str(tmp_path / "没有这个文件.yaml")
    run = cli("check", str(BAD / "negative-count.yaml"), missing)
    assert run.exit_code == 2
    assert f"{missing}  错误  FILE-NOT-FOUND  找不到该文件，请检查路径和文件名。" in finding_lines(run.stdout)
    assert len(finding_lines(run.stdout)) == 2


def test_folder_without_records(cli, tmp_path):
    run = cli("check", str(tmp_path))
    assert run.exit_code == 2
    assert finding_lines(run.stdout) == [
        f"{tmp_path}  错误  FILE-IS-DIRECTORY  这是一个文件夹，其中没有 .yaml 记录文件；请指定记录文件，或含记录文件的文件夹。"
    ]


def test_folder_is_expanded_to_its_yaml_files_in_order(cli, tmp_path):
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "b.yml").write_text("kind: deputy\nunit: {name: 乙}\n", encoding="utf-8")
    (tmp_path / "a.yaml").write_text("kind: deputy\nunit: {name: 甲}\n", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("不是记录", encoding="utf-8")
    run = cli("check", "--format", "json", str(tmp_path))
    assert run.exit_code == 0
    assert [entry["file"] for entry in json.loads(run.stdout)] == [str(tmp_path / "a.yaml"), str(sub / "b.yml")]


def test_json_output(cli):
    bad = str(BAD / "birth-no-padding.yaml")
    gbk = str(BAD / "gbk.yaml")
    run = cli("check", "--format", "json", GOOD, bad, gbk)
    assert run.exit_code == 2
    data = json.loads(run.stdout)
    assert [(entry["file"], entry["ok"]) for entry in data] == [(GOOD, True), (bad, False), (gbk, False)]
    assert data[0]["findings"] == []
    [finding] = data[1]["findings"]
    assert {key: finding[key] for key in ("id", "severity", "message", "line", "column", "path", "file")} == {
        "id": "SCHEMA-FORMAT",
        "severity": "error",
        "message": "出生年月应写作 1972-05（年-月，半角数字，月份补足两位）；实际为文字“1972-5”。",
        "line": 8,
        "column": 12,
        "path": "candidates[0].birth",
        "file": bad,
    }
    [finding] = data[2]["findings"]
    assert (finding["id"], finding["line"], finding["column"], finding["path"]) == ("FILE-ENCODING", 1, 7, "")
    assert "看起来是 GBK" in finding["message"]
    assert run.stderr == ""


def test_json_output_keeps_chinese_readable(cli):
    run = cli("check", "--format", "json", str(BAD / "negative-count.yaml"))
    assert "其中女性不能为负数" in run.stdout  # not \\u escapes
    assert run.exit_code == 1


RERUN_NOTE = [
    f"{SAMPLES / 'village-shiqiao-rerun.yaml'}:60:19  提示  RERUN-HELD  第 1 轮（首次选举）参加投票 568 人，未超过登记选民 1210 人的半数"
    "（至少需 606 人），选举无效，已于2026年4月25日重新选举（第2轮，原因：首次投票参加投票的选民未过半数），"
    "选举结果以重新选举为准。（字段 rounds[0].participants）",
    "    依据：《中华人民共和国村民委员会组织法》（2025年修正）第十八条",
]


def test_real_console_script_runs():
    """Outside click's test runner too: the installed entry point, real stdout and exit code."""
    command = [
        sys.executable,
        "-m",
        "pipeline.cli",
        "check",
        *map(str, sorted(SAMPLES.glob("*.yaml"))),
        str(BAD / "duplicate-key.yaml"),
    ]
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    done = subprocess.run(command, capture_output=True, text=True, encoding="utf-8", cwd=ROOT, env=env, timeout=60)
    assert done.returncode == 1
    assert "Traceback" not in done.stdout + done.stderr
    assert finding_lines(done.stdout) == RERUN_NOTE + [
        f"{BAD / 'duplicate-key.yaml'}:6:1  错误  YAML-DUPLICATE-KEY  "
        "字段“term”重复出现（第一次在第 3 行）。同一层中每个字段只能写一次，请合并或删除一处。（字段 term）"
    ]
    samples = len(list(SAMPLES.glob("*.yaml")))  # every sample passes; the bad file does not
    assert done.stderr.strip() == f"共检查 {samples + 1} 个文件，{samples} 个通过；错误 1 个，警告 0 个。"


# --- new -----------------------------------------------------------------------------------


def test_new_writes_the_starter(cli, tmp_path):
    target = tmp_path / "阳光社区.yaml"
    run = cli("new", "居委会", "-o", str(target))
    assert run.exit_code == 0
    assert run.stdout == (f"已生成 {target}（居民委员会记录样板）。修改后运行：huanjie check {target}\n")
    assert target.read_text(encoding="utf-8") == starter.starter_text("residents_committee")


def test_new_creates_missing_folders(cli, tmp_path):
    target = tmp_path / "二〇二六" / "换届" / "x.yaml"
    assert cli("new", "deputy", "-o", str(target)).exit_code == 0
    assert target.is_file()


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_new_file_gets_ordinary_permissions(cli, tmp_path):
    target = tmp_path / "x.yaml"
    old = os.umask(0o022)
    try:
        assert cli("new", "deputy", "-o", str(target)).exit_code == 0
    finally:
        os.umask(old)
    assert target.stat().st_mode & 0o777 == 0o644  # not mkstemp's 0600


def test_new_refuses_to_overwrite(cli, tmp_path):
    target = tmp_path / "mine.yaml"
    target.write_text("# 我自己的记录\n", encoding="utf-8")
    run = cli("new", "deputy", "-o", str(target))
    assert run.exit_code == 2
    assert run.stderr == f"错误：文件 {target} 已存在，未覆盖。如确需覆盖，请加 --force。\n"
    assert target.read_text(encoding="utf-8") == "# 我自己的记录\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.yaml"]  # no temporary file left


def test_new_force_overwrites(cli, tmp_path):
    target = tmp_path / "mine.yaml"
    target.write_text("# 我自己的记录\n", encoding="utf-8")
    run = cli("new", "deputy", "-o", str(target), "--force")
    assert run.exit_code == 0
    assert target.read_text(encoding="utf-8") == starter.starter_text("deputy")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.yaml"]


def test_new_into_a_folder_path_fails_cleanly(cli, tmp_path):
    run = cli("new", "deputy", "-o", str(tmp_path), "--force")
    assert run.exit_code == 2
    # Not "无法写入 …": say it is a folder and what to write instead (tests/test_cli_robustness.py).
    assert run.stderr.startswith(f"错误：{tmp_path} 是文件夹；请在 -o 后写要生成的记录文件名")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("kind", ["village", "乡政府", ""])
def test_new_unknown_kind(cli, tmp_path, kind):
    target = tmp_path / "x.yaml"
    run = cli("new", kind, "-o", str(target))
    assert run.exit_code == 2
    assert (
        f"错误：未知的选举类型“{kind}”。可选：village_committee（村民委员会）、residents_committee（居民委员会）、"
        "party_branch（党支部委员会）、deputy（县乡人大代表）、building_leader（楼栋长/居民小组长）。"
    ) in run.stderr
    assert "用法： huanjie new [选项] 类型" in run.stderr
    assert not target.exists()


def test_kinds_listed_in_help_are_the_known_kinds(cli):
    help_text = cli("new", "--help").stdout.replace("\n", "").replace(" ", "")
    for kind in KINDS:
        assert kind in help_text
    assert list(starter.KINDS) == KINDS
