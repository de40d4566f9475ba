"""A careless user: wrong paths, files where folders belong, broken inputs. Every answer is Chinese,
names the place, says how to fix it, and exits 0 / 1 / 2; nothing of the user's is overwritten."""

from __future__ import annotations

import errno
import os
import shutil

from click.testing import CliRunner
from conftest import SAMPLES

from pipeline.cli import main
from pipeline.fsutil import os_reason

GOOD = SAMPLES / "residents-yangguang.yaml"


def _stderr_line(run) -> str:
    return run.stderr.strip().splitlines()[-1]


# --- fsutil ----------------------------------------------------------------------------------


def test_os_reason_never_shows_english_system_text():
    exc = OSError(errno.ECONNRESET, "Connection reset by peer")
    assert os_reason(exc) == "系统错误 ECONNRESET"
    assert os_reason(OSError("something")) == "系统错误"
    assert os_reason(OSError(errno.EBUSY, "Device or resource busy")) == "文件正被其他程序占用"


# --- new -------------------------------------------------------------------------------------


def test_new_under_a_file_says_the_path_has_a_file(cli, tmp_path):
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    target = str(tmp_path / "afile" / "x.yaml")
    run = cli("new", "村委会", "-o", target)
    assert run.exit_code == 2
    assert _stderr_line(run) == f"错误：无法写入 {target}（路径中有一段是文件而不是文件夹）。"


def test_new_into_a_folder_asks_for_a_file_name(cli, tmp_path):
    run = cli("new", "村委会", "-o", str(tmp_path))
    assert run.exit_code == 2
    assert _stderr_line(run) == (
        f"错误：{tmp_path} 是文件夹；请在 -o 后写要生成的记录文件名，如 {os.path.join(str(tmp_path), '柳林村.yaml')}。"
    )
    assert os.listdir(tmp_path) == []


def test_new_with_empty_output_is_a_usage_error(cli):
    run = cli("new", "村委会", "-o", "")
    assert run.exit_code == 2
    assert _stderr_line(run) == "错误：-o 后面应写要生成的记录文件名，如 -o 柳林村.yaml。"


# --- names -----------------------------------------------------------------------------------


def test_names_on_a_folder(cli, tmp_path):
    run = cli("names", str(tmp_path))
    assert run.exit_code == 2
    assert _stderr_line(run) == f"错误：{tmp_path} 是文件夹；请给出每行一个姓名的文本文件。"


def test_names_with_empty_input():
    result = CliRunner().invoke(main, ["names"], input="\n  \r\n", prog_name="huanjie")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.strip() == "错误：标准输入中没有姓名；请每行写一个姓名。"


def test_names_with_empty_file(cli, tmp_path):
    empty = tmp_path / "名单.txt"
    empty.write_bytes(b"\xef\xbb\xbf")
    run = cli("names", str(empty))
    assert run.exit_code == 1
    assert _stderr_line(run) == f"错误：文件 {empty} 中没有姓名；请每行写一个姓名。"


# --- render / templates ----------------------------------------------------------------------


def test_render_templates_option_pointing_at_a_file(cli, tmp_path):
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    run = cli("render", str(GOOD), "-o", str(tmp_path / "out"), "--templates", str(tmp_path / "afile"))
    assert run.exit_code == 2
    assert _stderr_line(run) == (
        f"错误：模板文件夹 {tmp_path / 'afile'} 是一个文件，不是文件夹；--templates 应指定存放模板（.docx）的文件夹。"
    )


def test_render_broken_local_template_names_it_and_writes_nothing(cli, tmp_path):
    templates = tmp_path / "模板"
    templates.mkdir()
    (templates / "选票.docx").write_text("这不是 Word 文档", encoding="utf-8")  # a later kind than 01–04
    out = tmp_path / "out"
    run = cli("render", str(GOOD), "-o", str(out), "--templates", str(templates))
    assert run.exit_code == 2
    broken = os.path.realpath(templates / "选票.docx")
    assert _stderr_line(run) == (
        f"错误：模板“{broken}”不是有效的 Word 文档（.docx）。请用 Word 或 WPS 打开后另存为"
        "“Word 文档（*.docx）”，或把它移出模板文件夹以使用默认模板。"
    )
    assert not out.exists() or os.listdir(out) == []


def test_render_output_under_a_file(cli, tmp_path):
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    run = cli("render", str(GOOD), "-o", str(tmp_path / "afile" / "out"), "--only", "06")
    assert run.exit_code == 2
    assert _stderr_line(run) == f"错误：无法写入 {tmp_path / 'afile'}（路径中有一段是文件而不是文件夹）。"


# --- batch -----------------------------------------------------------------------------------


def test_batch_refuses_a_foreign_non_empty_output_folder(cli, tmp_path):
    src = tmp_path / "记录" / "东城街道"
    src.mkdir(parents=True)
    shutil.copy(GOOD, src / "阳光社区.yaml")
    out = tmp_path / "我的文件"
    (out / "东城街道" / "阳光社区").mkdir(parents=True)
    mine = out / "东城街道" / "阳光社区" / "我的笔记.docx"
    mine.write_text("重要", encoding="utf-8")
    run = cli("batch", str(tmp_path / "记录"), "-o", str(out), "-j", "1")
    assert run.exit_code == 2
    assert _stderr_line(run) == (
        f"错误：输出文件夹 {out} 中已有其他文件，但它不是 huanjie batch 的输出文件夹；"
        "批量生成会更新和删除输出文件夹中的文书，为免误删这些文件，未开始生成。"
        "请用 -o 指定一个新的或空的文件夹。"
    )
    assert mine.read_text(encoding="utf-8") == "重要"
    assert sorted(p.name for p in (out / "东城街道" / "阳光社区").iterdir()) == ["我的笔记.docx"]
    # An empty folder, and an earlier batch output, are fine.
    empty = tmp_path / "空"
    empty.mkdir()
    assert cli("batch", str(tmp_path / "记录"), "-o", str(empty), "-j", "1").exit_code == 0
    assert cli("batch", str(tmp_path / "记录"), "-o", str(empty), "-j", "1").exit_code == 0


# --- summary ---------------------------------------------------------------------------------


def test_summary_does_not_overwrite_a_users_file(cli, tmp_path):
    src = tmp_path / "记录"
    src.mkdir()
    shutil.copy(GOOD, src / "阳光社区.yaml")
    target = tmp_path / "报告.docx"
    target.write_bytes(b"my own report")
    run = cli("summary", str(src), "-o", str(target))
    assert run.exit_code == 2
    assert _stderr_line(run) == (
        f"错误：文件 {target} 已存在，且不是 huanjie 生成的工作总结（或生成后被修改过），未覆盖。请换一个文件名；如确需覆盖，请加 --force。"
    )
    assert target.read_bytes() == b"my own report"
    assert cli("summary", str(src), "-o", str(target), "--force").exit_code == 0
    # A summary huanjie wrote itself is updated without --force.
    assert cli("summary", str(src), "-o", str(target)).exit_code == 0


def test_summary_output_under_a_file(cli, tmp_path):
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    run = cli("summary", str(SAMPLES), "-o", str(tmp_path / "afile" / "s.docx"))
    assert run.exit_code == 2
    assert _stderr_line(run) == f"错误：无法写入 {tmp_path / 'afile'}（路径中有一段是文件而不是文件夹）。"


# --- archive / verify ------------------------------------------------------------------------


def test_verify_a_text_file(cli, tmp_path):
    fake = tmp_path / "数据包.zip"
    fake.write_text("not a zip", encoding="utf-8")
    run = cli("verify", str(fake))
    assert run.exit_code == 2
    assert _stderr_line(run) == (
        f"错误：无法读取数据包 {fake}：不是有效的 zip 文件（文件内容不是 zip 格式，可能已损坏或误选了其他文件）。"
    )


def test_archive_source_is_a_file(cli, tmp_path):
    run = cli("archive", str(GOOD), "-o", str(tmp_path / "a.zip"))
    assert run.exit_code == 2
    assert (
        _stderr_line(run) == f"错误：{GOOD} 是文件，不是文件夹；请给出 huanjie batch 或 huanjie render 的输出文件夹。"
    )


def test_archive_output_under_a_file(cli, tmp_path):
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    run = cli("archive", str(tmp_path), "-o", str(tmp_path / "afile" / "a.zip"))
    assert run.exit_code == 2
    assert _stderr_line(run) == (
        f"错误：无法写入数据包 {tmp_path / 'afile' / 'a.zip'}：路径中的 {tmp_path / 'afile'} 是文件，不是文件夹。"
    )


def test_archive_settings_not_utf8(cli, tmp_path):
    settings = tmp_path / "档号.yaml"
    settings.write_bytes("全宗号: J012\n".encode("gbk"))
    run = cli("archive", str(tmp_path), "-o", str(tmp_path / "a.zip"), "--settings", str(settings))
    assert run.exit_code == 2
    assert _stderr_line(run) == (
        f"错误：设置文件 {settings} 不是 UTF-8 编码；请用记事本或 WPS 打开，“另存为”时编码选择 UTF-8。"
    )


def test_archive_settings_bad_yaml(cli, tmp_path):
    settings = tmp_path / "档号.yaml"
    settings.write_text("fonds: [J012\n", encoding="utf-8")
    run = cli("archive", str(tmp_path), "-o", str(tmp_path / "a.zip"), "--settings", str(settings))
    assert run.exit_code == 2
    assert _stderr_line(run) == (
        f"错误：设置文件 {settings} 不是有效的 YAML：第 2 行第 1 列附近有格式错误"
        "（如缩进不齐、冒号后缺空格、引号或括号没有闭合），请改正后重试"
        "（可用的设置见 huanjie archive --help）。"
    )
