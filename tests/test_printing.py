"""render --pdf, --bundle and the 打印清单: PDFs beside the documents, one bound file per kind, what to print."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
from conftest import SAMPLES, run_cli

from pipeline import unitrecord

SAMPLE = SAMPLES / "building-leaders-chenguang.yaml"
WINNERS = ["王桂芝", "陈国栋", "孙明", "周建平"]  # the plan's order: building by building
INSTALL = "缺少 {}：请运行 make sysdeps（或 bash tools/system-deps.sh）安装 poppler-utils 和 LibreOffice。"


def tool(name: str) -> str:
    found = shutil.which(name)
    assert found, INSTALL.format(name)
    return found


def page_texts(pdf: Path) -> list[str]:
    pages = int(
        re.search(
            r"Pages:\s+(\d+)",
            subprocess.run([tool("pdfinfo"), str(pdf)], capture_output=True, text=True, check=True).stdout,
        ).group(1)
    )  # type: ignore[union-attr]
    return [
        subprocess.run(
            [tool("pdftotext"), "-raw", "-enc", "UTF-8", "-f", str(n), "-l", str(n), str(pdf), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for n in range(1, pages + 1)
    ]


def docx_text(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    return "".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", xml))


def stamp(folder: Path) -> dict:
    return json.loads((folder / unitrecord.STAMP).read_text(encoding="utf-8"))["result"]


@pytest.fixture(scope="module")
def printed(tmp_path_factory) -> Path:
    """The certificates and 当选履职承诺书 of the sample, with --pdf --bundle (one LibreOffice call)."""
    tool("soffice")
    out = tmp_path_factory.mktemp("print") / "out"
    run = run_cli("render", str(SAMPLE), "-o", str(out), "--only", "07,08", "--pdf", "--bundle")
    assert run.exit_code == 0, run.output
    return out


def test_a_pdf_beside_every_document_with_its_pages(printed):
    for name in [f"07-当选证书-{n}" for n in WINNERS] + [f"08-当选履职承诺书-{n}" for n in WINNERS]:
        assert (printed / f"{name}.docx").is_file()
        texts = page_texts(printed / f"{name}.pdf")
        assert len(texts) == 1, name
        assert name.rsplit("-", 1)[1] in texts[0]


def test_bundle_one_person_per_page_in_order(printed):
    for number, kind in (("07", "当选证书"), ("08", "当选履职承诺书")):
        bundle = printed / f"{number}-{kind}-合订.docx"
        text = docx_text(bundle)
        positions = [text.index(f"{name}") for name in WINNERS]
        assert positions == sorted(positions), text
        texts = page_texts(printed / f"{number}-{kind}-合订.pdf")
        assert len(texts) == len(WINNERS)
        for name, page in zip(WINNERS, texts, strict=True):
            assert name in page
            assert not [other for other in WINNERS if other != name and other in page]
    # Every section of the certificates keeps its red border; the pledges' page numbers restart on every page.
    with zipfile.ZipFile(printed / "07-当选证书-合订.docx") as z:
        xml = z.read("word/document.xml").decode("utf-8")
    assert xml.count("<w:sectPr") == len(WINNERS) == xml.count('<w:pgBorders w:offsetFrom="text">')
    with zipfile.ZipFile(printed / "08-当选履职承诺书-合订.docx") as z:
        xml = z.read("word/document.xml").decode("utf-8")
    assert xml.count('<w:pgNumType w:start="1"/>') == len(WINNERS)
    for page in page_texts(printed / "08-当选履职承诺书-合订.pdf"):
        assert "—1—" in page.replace(" ", "")


def test_prints_are_owned_by_huanjie(printed):
    result = stamp(printed)
    prints = {p["name"] for p in result["prints"]}
    assert {"07-当选证书-合订.docx", "07-当选证书-合订.pdf", "08-当选履职承诺书-合订.docx", "打印清单.xlsx"} <= prints
    assert f"07-当选证书-{WINNERS[0]}.pdf" in prints
    assert not [d for d in result["documents"] if not d["name"].endswith(".docx") or "合订" in d["name"]]
    assert unitrecord.foreign(printed, unitrecord.read(printed)) == []


def test_rerender_replaces_huanjie_pdfs_never_a_users(tmp_path):
    tool("soffice")
    out = tmp_path / "out"
    assert run_cli("render", str(SAMPLE), "-o", str(out), "--only", "07", "--pdf").exit_code == 0
    pdf = out / f"07-当选证书-{WINNERS[0]}.pdf"
    before = pdf.stat().st_mtime_ns
    again = run_cli("render", str(SAMPLE), "-o", str(out), "--only", "07", "--pdf")
    assert again.exit_code == 0, again.output
    assert pdf.stat().st_mtime_ns != before
    assert f"已生成 {pdf}" in again.stdout
    # A full render without --pdf removes huanjie's PDFs (they would be stale) but keeps a user's file.
    (out / "我的扫描件.pdf").write_bytes(b"%PDF-1.4 scan")
    assert run_cli("render", str(SAMPLE), "-o", str(out)).exit_code == 0
    assert not pdf.exists()
    assert (out / "我的扫描件.pdf").read_bytes() == b"%PDF-1.4 scan"
    # A same-named PDF huanjie did not write stops the render before anything is written.
    pdf.write_bytes(b"%PDF-1.4 signed")
    listing = sorted((p.name, p.stat().st_mtime_ns) for p in out.iterdir())
    run = run_cli("render", str(SAMPLE), "-o", str(out), "--only", "07", "--pdf")
    assert run.exit_code == 2
    assert run.stderr.strip() == (
        f"错误：{pdf} 已存在，且不是 huanjie 生成的文书（该文件夹的 .huanjie-unit.json 中没有它），未覆盖。"
        "请用 -o 指定另一个文件夹，或先把这个文件移走再生成。"
    )
    assert pdf.read_bytes() == b"%PDF-1.4 signed"
    assert sorted((p.name, p.stat().st_mtime_ns) for p in out.iterdir()) == listing


def test_print_list_numbers(tmp_path):
    text = SAMPLE.read_text(encoding="utf-8").replace(
        "  place: 晨光社区居民活动室\n",
        "  place: 晨光社区居民活动室\n  posting_places: [社区公示栏, 1号楼门厅, 3号楼门厅]\n  ballot_reserve: 5\n",
    )
    record = tmp_path / "chenguang.yaml"
    record.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    run = run_cli("render", str(record), "-o", str(out), "--bundle")
    assert run.exit_code == 0, run.output
    # 41 documents before the sample named its election staff (issue 14 item 6); 21, 24 and 25 since, and 26 参会通知.
    assert (
        run.stdout.splitlines()[-1]
        == "共生成 45 份文书，另有花名册表格 1 个，PDF、合订本和打印清单 4 个文件，跳过 1 种。"
    )
    rows = list(openpyxl.load_workbook(out / "打印清单.xlsx").active.iter_rows(values_only=True))
    assert rows[0] == ("晨光社区居民委员会打印清单", None, None, None, None, None, None)
    assert rows[1] == ("序号", "阶段", "文书", "文件", "份数", "纸张", "说明")
    body = rows[2:]
    assert [r[0] for r in body] == list(range(1, len(body) + 1))
    stages = [r[1] for r in body]
    assert stages == sorted(stages, key=["选举日前", "选举日", "选举后"].index)
    by_file = {r[3]: r for r in body}
    posted = "张贴于：社区公示栏、1号楼门厅、3号楼门厅。"
    assert by_file["01-选举委员会成员公告.docx"][1:] == (
        "选举日前",
        "选举委员会成员公告",
        "01-选举委员会成员公告.docx",
        3,
        "A4",
        posted,
    )
    assert by_file["06-选举结果公告.docx"][4:] == (3, "A4", posted)
    for building, voters in ((1, 48), (2, 36), (3, 60), (4, 42)):
        row = by_file[f"05-选票-{building}号楼-楼栋长.docx"]
        assert row[1:] == (
            "选举日",
            f"选票-{building}号楼-楼栋长",
            f"05-选票-{building}号楼-楼栋长.docx",
            voters + 5,
            "A4",
            f"选民 {voters} 人 + 备用 5 张。",
        )
    certificate = by_file[f"07-当选证书-{WINNERS[0]}.docx"]
    assert certificate[1:] == (
        "选举后",
        f"当选证书-{WINNERS[0]}",
        f"07-当选证书-{WINNERS[0]}.docx",
        1,
        "A4",
        "每人 1 份；也可直接打印合订本 07-当选证书-合订.docx。",
    )
    assert [r[3] for r in body if r[3].startswith("07-")] == [f"07-当选证书-{n}.docx" for n in WINNERS]
    # Without posting places a notice is one copy, and the list says why.
    plain = tmp_path / "plain"
    assert run_cli("render", str(SAMPLE), "-o", str(plain), "--bundle").exit_code == 0
    rows = list(openpyxl.load_workbook(plain / "打印清单.xlsx").active.iter_rows(values_only=True))
    notice = next(r for r in rows if r[3] == "02-选民名单公告.docx")
    assert notice[4:] == (
        1,
        "A4",
        "记录中没有张贴地点（documents.posting_places），按 1 份计；请按实际张贴处数量打印。",
    )
    ballot = next(r for r in rows if r[3] == "05-选票-1号楼-楼栋长.docx")
    assert ballot[4:] == (48, "A4", "选民 48 人 + 备用 0 张（记录未设 documents.ballot_reserve）。")


def test_pdf_without_libreoffice_says_how_to_install(tmp_path, monkeypatch):
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    out = tmp_path / "out"
    run = run_cli("render", str(SAMPLE), "-o", str(out), "--pdf")
    assert run.exit_code == 2
    assert run.stderr.strip() == (
        "错误：生成 PDF（--pdf）需要 LibreOffice，但找不到 soffice 或 libreoffice 程序，未生成任何文书。"
        "请运行 make sysdeps（或 bash tools/system-deps.sh）安装 LibreOffice 和字体后重试，或去掉 --pdf。"
    )
    assert not out.exists()


def test_a_failed_conversion_leaves_the_folder_owned(tmp_path, monkeypatch):
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "soffice").write_text("#!/bin/sh\nexit 1\n", encoding="utf-8")
    (fake / "soffice").chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake}:{__import__('os').environ['PATH']}")
    out = tmp_path / "out"
    run = run_cli("render", str(SAMPLE), "-o", str(out), "--only", "07", "--pdf", "--bundle")
    assert run.exit_code == 2
    first = out / f"07-当选证书-{WINNERS[0]}.docx"
    assert run.stderr.strip() == (
        f"错误：{first} 转换为 PDF 失败：LibreOffice 异常退出（退出码 1）。Word 文书已生成；"
        "请检查 LibreOffice 是否可用（make sysdeps），然后重新运行 huanjie render --pdf。"
    )
    result = stamp(out)
    assert sorted(d["name"] for d in result["documents"]) == sorted(f"07-当选证书-{n}.docx" for n in WINNERS)
    assert [p["name"] for p in result["prints"]] == ["07-当选证书-合订.docx"]
    assert not list(out.glob("*.pdf")) and not list(out.glob(".~huanjie-print-*"))
    # The next render replaces everything huanjie wrote: nothing is taken for a document edited by hand.
    again = run_cli("render", str(SAMPLE), "-o", str(out), "--only", "07", "--bundle")
    assert again.exit_code == 0, again.output
    assert "已保留" not in again.output and not list(out.glob("*（新）*"))
