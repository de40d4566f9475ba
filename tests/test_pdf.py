"""PDF checks: the rendered documents converted by LibreOffice with the fontconfig aliases.

Needs LibreOffice and poppler-utils (Debian: libreoffice-writer-nogui, poppler-utils, fonts-noto-cjk,
fonts-arphic-ukai). Missing tools make these tests FAIL with the command to install them: a
machine that silently skipped them would hide a missing install step.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from conftest import SAMPLES
from helpers import election_of

from pipeline import check, records
from pipeline.documents import Election, find_kind
from pipeline.render import TEMPLATES_DIR, render_record, render_template

INSTALL = (
    "apt-get update && apt-get install -y libreoffice-writer-nogui poppler-utils fonts-noto-cjk "
    "fonts-arphic-ukai fonts-liberation2"
)
FONTS_CONF = TEMPLATES_DIR / "fonts.conf"
PUNCTUATION = "，。、；：！？“”（）《》"


def tool(*names: str) -> str:
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    pytest.fail(f"找不到 {' 或 '.join(names)}，无法检查 PDF。请安装：{INSTALL}", pytrace=False)


def convert(files: list[Path], outdir: Path, profile: Path) -> None:
    """docx → PDF with LibreOffice in one process, its own profile and the font aliases."""
    soffice = tool("soffice", "libreoffice")
    env = dict(os.environ, FONTCONFIG_FILE=str(FONTS_CONF), HOME=str(profile))
    command = [
        soffice,
        "--headless",
        "--norestore",
        "--nologo",
        f"-env:UserInstallation={profile.as_uri()}",
        "--convert-to",
        "pdf",
        "--outdir",
        str(outdir),
        *map(str, files),
    ]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=900)
    missing = [f.name for f in files if not (outdir / (f.stem + ".pdf")).exists()]
    assert not missing, f"LibreOffice did not convert {missing}:\n{result.stdout}\n{result.stderr}"


def pdfinfo(path: Path) -> dict[str, str]:
    out = subprocess.run([tool("pdfinfo"), str(path)], capture_output=True, text=True, check=True).stdout
    return dict(line.split(":", 1) for line in out.splitlines() if ":" in line)


def pages(path: Path) -> int:
    return int(pdfinfo(path)["Pages"].strip())


def pdftext(path: Path) -> str:
    return subprocess.run(
        [tool("pdftotext"), "-raw", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def docx_text(path: Path, tables: bool = True) -> str:
    """The text of the body, one paragraph a line (table cells left out when `tables` is false)."""
    xml = zipfile.ZipFile(path).read("word/document.xml").decode("utf-8")
    if not tables:
        xml = re.sub(r"<w:tbl>.*?</w:tbl>", "", xml, flags=re.S)
    return "\n".join(
        "".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", p))
        for p in re.findall(r"<w:p[ >].*?</w:p>", xml, flags=re.S)
    )


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory) -> dict[str, Path]:
    """Every document of every sample, converted once: {"sample/file": pdf path}."""
    root = tmp_path_factory.mktemp("pdf")
    files = []
    for sample in sorted(SAMPLES.glob("*.yaml")):
        record, _ = records.load(str(sample))
        report = render_record(election_of(record.data, record.file), root / "docx" / sample.stem)
        files.extend(Path(w.path) for w in report.written)
    out = root / "pdf"
    converted = {}
    by_sample: dict[str, list[Path]] = {}
    for f in files:
        by_sample.setdefault(f.parent.name, []).append(f)
    for sample, group in by_sample.items():
        convert(group, out / sample, tmp_path_factory.mktemp(f"lo-profile-{sample}"))
        for f in group:
            converted[f"{sample}/{f.name}"] = out / sample / (f.stem + ".pdf")
    converted["_docx_root"] = root / "docx"
    return converted


def items(pdfs: dict[str, Path]) -> list[tuple[str, Path]]:
    return [(k, v) for k, v in pdfs.items() if not k.startswith("_")]


def test_libreoffice_and_poppler_are_installed():
    tool("soffice", "libreoffice")
    for name in ("pdfinfo", "pdffonts", "pdftotext"):
        tool(name)
    assert FONTS_CONF.exists()


def test_every_page_is_a4(pdfs):
    for name, pdf in items(pdfs):
        info = subprocess.run(
            [tool("pdfinfo"), "-f", "1", "-l", "999", str(pdf)], capture_output=True, text=True, check=True
        ).stdout
        sizes = re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", info)
        assert sizes, name
        landscape = Path(name).name.startswith(("22-", "32-"))  # the 计票单 and the 当选人员花名册
        for w, h in sizes:
            w, h = (h, w) if landscape else (w, h)
            assert abs(float(w) - 595.3) < 1 and abs(float(h) - 841.9) < 1, (name, w, h)


FIXED_ONE_PAGE = re.compile(
    r"/(01-选举委员会成员公告|04-候选人竞争承诺书-.*|05-选票-.*|07-当选证书-.*|08-当选履职承诺书-.*|"
    r"09-严肃换届纪律承诺书-.*)\.docx$"
)


def test_fixed_documents_fit_one_page(pdfs):
    checked = 0
    for name, pdf in items(pdfs):
        if FIXED_ONE_PAGE.search("/" + name):
            assert pages(pdf) == 1, f"{name} has {pages(pdf)} pages"
            checked += 1
    assert checked > 50


def test_notices_have_their_expected_length(pdfs):
    expected = {
        "residents-yangguang/02-选民名单公告.docx": 1,
        "residents-yangguang/03-正式候选人名单公告.docx": 2,
        "residents-yangguang/06-选举结果公告.docx": 2,
        "party-qinghe-branch/02-选民名单公告.docx": 2,
        "village-liulin-runoff/10-换届选举工作总结.docx": 3,
    }
    for name, count in expected.items():
        assert pages(pdfs[name]) == count, name


def test_chinese_text_is_set_in_cjk_fonts_never_dejavu(pdfs):
    for name, pdf in items(pdfs):
        out = subprocess.run([tool("pdffonts"), str(pdf)], capture_output=True, text=True, check=True).stdout
        fonts = [line.split()[0] for line in out.splitlines()[2:] if line.strip()]
        assert fonts, name
        assert not [f for f in fonts if "DejaVu" in f], f"{name}: {fonts}"
        assert any("CJK" in f or "UKai" in f or "Fandol" in f for f in fonts), f"{name}: {fonts}"
        # Every font is embedded.
        for line in out.splitlines()[2:]:
            cols = line.split()
            if len(cols) >= 5:
                assert "yes" in cols[-5:-2], f"{name}: not embedded: {line}"
    title = subprocess.run(
        [tool("pdffonts"), str(pdfs["residents-yangguang/06-选举结果公告.docx"])],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "NotoSerifCJK" in title and "Bold" in title  # 方正小标宋简体 → Noto Serif CJK SC Bold
    heading = subprocess.run(
        [tool("pdffonts"), str(pdfs["village-liulin-runoff/10-换届选举工作总结.docx"])],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "NotoSansCJK" in heading  # 黑体 headings


def test_no_text_and_no_punctuation_is_lost(pdfs):
    root = pdfs["_docx_root"]
    for name, pdf in items(pdfs):
        source = docx_text(root / name)
        printed = pdftext(pdf)
        for mark in PUNCTUATION:
            assert printed.count(mark) == source.count(mark), (
                f"{name}: {mark} {source.count(mark)} → {printed.count(mark)}"
            )
        # a paragraph running onto the next page has the page number "— 1 —" between its lines in the PDF's text
        flat = re.sub(r"—\d+—", "", re.sub(r"\s+", "", printed))
        for para in docx_text(root / name, tables=False).splitlines():
            assert re.sub(r"\s+", "", para) in flat, f"{name}: {para} missing"


def test_punctuation_at_every_line_end_survives(tmp_path):
    """Commas and stops falling at the 28th position of justified lines are kept (LibreOffice 7.4
    dropped them with −0.25 pt character spacing; the templates use −0.3 pt)."""
    instance = find_kind("committee").build(
        Election.from_check(check.check_file(str(SAMPLES / "residents-yangguang.yaml")))
    )[0]
    context = dict(instance.context)
    context["duties"] = [
        "测" * k + "，" + "试" * 6 + "。" + "文" * (k % 7) + "、" + "字" * 9 + "；" + "好" * 5 + "："
        for k in range(20, 62)
    ]
    path = tmp_path / "stress.docx"
    path.write_bytes(render_template(TEMPLATES_DIR / "选举委员会成员公告.docx", context))
    convert([path], tmp_path, tmp_path / "profile")
    printed = pdftext(tmp_path / "stress.pdf")
    for mark in "，。、；：":
        assert printed.count(mark) == docx_text(path).count(mark), mark
    # 28 characters a line; a stop or comma after the 28th may hang in the margin (标点悬挂).
    lines = [line.rstrip("，。、；：") for line in printed.splitlines() if line.startswith("测")]
    assert lines and max(len(line) for line in lines) == 28


def test_closing_never_stands_on_a_page_without_the_notice_text_before_it(pdfs):
    """The last page of a multi-page notice starts with body text before 特此公告 (GB/T 9704 7.3.5.1)."""
    checked = 0
    for name, pdf in items(pdfs):
        if pages(pdf) < 2 or "特此公告" not in pdftext(pdf):
            continue
        last = subprocess.run(
            [tool("pdftotext"), "-raw", "-enc", "UTF-8", "-f", str(pages(pdf)), "-l", str(pages(pdf)), str(pdf), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        lines = [
            line.strip()
            for line in last.splitlines()
            if line.strip() and not re.fullmatch(r"—\s*\d+\s*—", line.strip())
        ]
        if "特此公告。" in lines:
            assert lines.index("特此公告。") > 0, f"{name}: 特此公告 opens its page alone"
            checked += 1
    assert checked >= 1
