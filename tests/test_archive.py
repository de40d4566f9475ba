"""huanjie archive / verify: PDF/A-2b with real LibreOffice, 档号, DA/T 46 metadata, manifests, refusals, tampering.

Needs LibreOffice, poppler-utils and the CJK fonts (Debian: libreoffice-writer-nogui poppler-utils
fonts-noto-cjk fonts-arphic-ukai fonts-liberation2). A missing program makes these tests FAIL with
the command to install it, never skip.

Kept fast: one small batch (two clean county units and one with a rule error, 56 documents) is
converted once for the module, one soffice call per worker; the other packages have 1–3 documents.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest
from conftest import SAMPLES, run_cli
from helpers import election_of

from pipeline import archive, records
from pipeline.archive import pdf, sm3
from pipeline.archive.contents import to_xml
from pipeline.batch import run_batch
from pipeline.render import render_record

COUNTY = SAMPLES / "county"
CLEAN = ["青石县/白云乡/胜利村党支部.yaml", "青石县/白云乡/长岭村村委会.yaml"]
BROKEN = "青石县/河西街道/大坪村村委会.yaml"  # DEADLINE-VOTER-LIST (deliberate error in the sample)
INSTALL = pdf.INSTALL_HINT


def require_tools() -> None:
    for names in (("soffice", "libreoffice"), ("pdffonts",), ("pdfinfo",)):
        if not any(shutil.which(n) for n in names):
            pytest.fail(f"找不到 {' 或 '.join(names)}，无法测试归档数据包。请安装：{INSTALL}", pytrace=False)


def make_tree(root: Path, units: list[str]) -> Path:
    for rel in units:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(COUNTY / rel, root / rel)
    return root


def rewrite_zip(src: Path, dst: Path, change) -> None:
    """Copy the zip, passing each (name, bytes) through `change` (None drops the entry)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            data = change(info.filename, zin.read(info))
            if data is not None:
                zout.writestr(info, data)


def item_names(names: list[str], suffix: str) -> list[str]:
    return [n for n in names if n.startswith("电子档案/") and n.endswith(suffix)]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A batch of 3 units (one with a rule error) → its package, built once through the CLI."""
    require_tools()
    root = tmp_path_factory.mktemp("archive")
    src = make_tree(root / "records", CLEAN + [BROKEN])
    out = root / "out"
    result = run_batch(str(src), str(out), jobs=1)
    assert result.failed == 1 and result.ok == 2
    package = root / "county.zip"
    start = time.perf_counter()
    run = run_cli("archive", str(out), "-o", str(package), "--jobs", "2")
    seconds = time.perf_counter() - start
    assert run.exit_code == 0, run.output
    with zipfile.ZipFile(package) as z:
        names = z.namelist()
        blobs = {n: z.read(n) for n in names}
        infos = z.infolist()
    extracted = root / "extracted"
    with zipfile.ZipFile(package) as z:
        z.extractall(extracted)
    return {
        "root": root,
        "src": src,
        "out": out,
        "package": package,
        "run": run,
        "names": names,
        "blobs": blobs,
        "infos": infos,
        "extracted": extracted,
        "seconds": seconds,
    }


# --------------------------------------------------------------------------------------------
# The package
# --------------------------------------------------------------------------------------------
def test_tools_are_installed():
    require_tools()
    assert pdf.FONTS_CONF.exists()


def test_package_verifies_clean(built):
    result = archive.verify_package(str(built["package"]))
    assert result.ok, [p.line() for p in result.problems]
    run = run_cli("verify", str(built["package"]))
    assert run.exit_code == 0, run.output
    assert "校验通过" in run.stdout


def test_summary_line_and_timing(built):
    run = built["run"]
    docs = len(item_names(built["names"], ".pdf"))
    assert f"{docs} 件" in run.stdout and "单位 2 个" in run.stdout and "工作总结 2 份" in run.stdout
    assert f"版式检查 {docs} 件，发现 0 个问题；" in run.stdout  # every archived PDF checked, no second conversion
    assert built["seconds"] < 60, built["seconds"]


def test_layout_numbering_and_determinism(built):
    names, blobs = built["names"], built["blobs"]
    for top in archive.TOP_FILES:
        assert top in names, top
    assert names == sorted(names)
    pdfs = item_names(names, ".pdf")
    # 22 + 31 unit documents, the 白云乡 and 青石县 summaries, and 11 voting-day and reporting documents (issue 14.2-3); 长岭村 has a 委托投票证;
    # the Party branch's 26 参会通知 (issue 14 item 5)
    assert len(pdfs) == 68
    numbers = []
    for name in pdfs:
        match = re.fullmatch(r"电子档案/2026/Y/(0001-WS·2026-Y-(\d{4}))/\1\.pdf", name)
        assert match, name
        numbers.append(int(match.group(2)))
        folder = name.rsplit("/", 1)[0]
        assert sorted(n for n in names if n.startswith(folder + "/")) == sorted(
            f"{folder}/{match.group(1)}.{s}" for s in ("pdf", "docx", "xml", "json")
        )
    assert sorted(numbers) == list(range(1, 69))
    # Fixed entry times: the latest document date of the records; all entries alike.
    catalogue = json.loads(blobs["文件目录.json"])["文件"]
    last = max(e["日期"] for e in catalogue)
    stamp = (int(last[:4]), int(last[4:6]), int(last[6:8]), 0, 0, 0)
    assert {info.date_time for info in built["infos"]} == {stamp}
    # The county summary comes first, then 白云乡's, then the units in tree order.
    assert catalogue[0]["题名"].endswith("换届选举工作总结") and catalogue[0]["单位"] == "青石县"
    assert catalogue[1]["单位"] == "青石县/白云乡"
    assert catalogue[2]["单位"] == CLEAN[0] and catalogue[-1]["单位"] == CLEAN[1]
    # The xlsx catalogue is reproducible (fixed times inside).
    with zipfile.ZipFile(io.BytesIO(blobs["文件目录.xlsx"])) as xlsx:
        assert {i.date_time for i in xlsx.infolist()} == {stamp}


def test_catalogue_in_three_formats(built):
    import openpyxl

    blobs = built["blobs"]
    catalogue = json.loads(blobs["文件目录.json"])["文件"]
    assert [e["顺序号"] for e in catalogue] == list(range(1, len(catalogue) + 1))
    xml = ElementTree.fromstring(blobs["文件目录.xml"])
    assert [e.findtext("档号") for e in xml.findall("文件")] == [e["档号"] for e in catalogue]
    sheet = openpyxl.load_workbook(io.BytesIO(blobs["文件目录.xlsx"])).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:9] == ("顺序号", "档号", "文号", "责任者", "题名", "日期", "密级", "页数", "备注")
    assert [r[1] for r in rows[1:]] == [e["档号"] for e in catalogue]
    results = [e for e in catalogue if "选举结果公告" in e["题名"]]
    assert results and all(e["文号"] and re.fullmatch(r"2026\d{4}", e["日期"]) for e in results)
    certificate = next(e for e in catalogue if "当选证书" in e["题名"])
    assert certificate["责任者"] and "（" in certificate["题名"]


def test_metadata_has_the_dat46_elements_and_agrees_with_the_files(built):
    names, blobs, extracted = built["names"], built["blobs"], built["extracted"]
    for name in item_names(names, ".json"):
        meta = json.loads(blobs[name])
        dh = meta["档号"]["档号"]
        folder = name.rsplit("/", 1)[0]
        content = meta["内容描述"]
        for element in ("题名", "责任者", "日期", "文种"):
            assert content[element], (name, element)
        assert re.fullmatch(r"\d{8}", content["日期"])
        files = {row["计算机文件名"]: row for row in meta["电子属性"]}
        assert set(files) == {f"{dh}.pdf", f"{dh}.docx"}
        for file_name, row in files.items():
            data = blobs[f"{folder}/{file_name}"]
            assert row["计算机文件大小"] == len(data)
            assert row["SHA256"] == hashlib.sha256(data).hexdigest()
            assert row["SM3"] == sm3.new(data).hexdigest()
            assert row["格式信息"] and row["文档创建程序"]
        assert files[f"{dh}.pdf"]["格式信息"].startswith("PDF/A-2b")
        assert "LibreOffice" in files[f"{dh}.pdf"]["文档创建程序"]
        info = subprocess.run(
            ["pdfinfo", str(extracted / folder / f"{dh}.pdf")], capture_output=True, text=True, check=True
        ).stdout
        assert re.search(r"^Pages:\s+(\d+)$", info, re.M).group(1) == str(meta["形式特征"]["页数"])
        assert re.search(r"PDF version:\s+1\.6", info)
        # The XML says the same as the JSON.
        xml = ElementTree.fromstring(blobs[f"{folder}/{dh}.xml"])
        assert xml.get("档号") == dh
        assert xml.findtext("内容描述/题名") == content["题名"]
        assert xml.findtext("形式特征/页数") == str(meta["形式特征"]["页数"])


def test_pdfs_claim_pdfa_2b(built):
    for name in item_names(built["names"], ".pdf"):
        assert pdf.pdfa_claim(built["blobs"][name]) == ("2", "B"), name


def test_chinese_text_is_set_in_embedded_cjk_fonts(built):
    for name in item_names(built["names"], ".pdf"):
        out = subprocess.run(
            ["pdffonts", str(built["extracted"] / name)], capture_output=True, text=True, check=True
        ).stdout
        rows = [line.split() for line in out.splitlines()[2:] if line.strip()]
        fonts = [r[0] for r in rows]
        assert any("CJK" in f or "UKai" in f or "Fandol" in f for f in fonts), (name, fonts)
        assert not [f for f in fonts if "DejaVu" in f], (name, fonts)
        for row in rows:
            assert row[-5] == "yes", (name, row)  # emb
    readme = built["blobs"]["说明文件.txt"].decode()
    assert "思源宋体（Noto Serif CJK" in readme and "已嵌入 PDF" in readme and "未嵌入" not in readme
    assert "VKana" not in readme and "pdffonts" not in readme and "SelectPdfVersion" not in readme


def test_records_check_report_and_regeneration_material(built):
    names, blobs = built["names"], built["blobs"]
    for rel in CLEAN:
        assert blobs[f"其他/记录/{rel}"] == (COUNTY / rel).read_bytes()
    assert f"其他/记录/{BROKEN}" not in names
    for name in ("report.json", "批量报告.xlsx", "manifest.json"):
        assert f"其他/批量生成/{name}" in names
    assert "其他/模板/fonts.conf" in names and "其他/模板/选举结果公告.docx" in names
    assert "全宗号: '0001'" in blobs["其他/档号设置.yaml"].decode()
    report = json.loads(blobs["其他/校验报告.json"])
    verdicts = {u["单位"]: u["结论"] for u in report["单位"]}
    assert verdicts[BROKEN] == "拒收" and all(verdicts[rel] == "归档" for rel in CLEAN)


def test_unit_with_rule_errors_is_refused_and_listed(built):
    run, blobs = built["run"], built["blobs"]
    assert BROKEN in run.stderr and "DEADLINE-VOTER-LIST" in run.stderr and "未归档 1 个单位" in run.stderr
    readme = blobs["说明文件.txt"].decode()
    assert f"{BROKEN}：记录有错误（DEADLINE-VOTER-LIST）" in readme
    catalogue = json.loads(blobs["文件目录.json"])["文件"]
    assert not [e for e in catalogue if "大坪村" in e["单位"] or "大坪村" in e["题名"]]
    for phrase in (
        "立档单位：青石县",
        "制作日期",
        "LibreOffice 7",
        "DA/T 22-2015",
        "DA/T 46-2009",
        "GB/T 32905",
        "PDF/A-2b",
        "huanjie ",
    ):
        assert phrase in readme, phrase


def test_manifests_cover_every_file(built):
    names, blobs = built["names"], built["blobs"]
    own = set(archive.MANIFESTS.values()) | set(archive.TAGMANIFESTS.values())
    for algorithm, manifest in archive.MANIFESTS.items():
        listed = dict(reversed(line.split("  ", 1)) for line in blobs[manifest].decode().splitlines())
        assert set(listed) == set(names) - own
        for name, digest in listed.items():
            data = blobs[name]
            assert digest == (hashlib.sha256(data).hexdigest() if algorithm == "sha256" else sm3.new(data).hexdigest())


# --------------------------------------------------------------------------------------------
# Tampering and damage
# --------------------------------------------------------------------------------------------
def test_one_changed_byte_is_found_and_named(built, tmp_path):
    target = item_names(built["names"], ".pdf")[7]
    tampered = tmp_path / "tampered.zip"

    def flip(name, data):
        if name != target:
            return data
        at = len(data) // 2
        return data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1 :]

    rewrite_zip(built["package"], tampered, flip)
    run = run_cli("verify", str(tampered))
    assert run.exit_code == 1, run.output
    assert f"{target}：SHA-256 摘要与 manifest-sha256.txt 不符" in run.stdout
    assert f"{target}：SM3 摘要与 manifest-sm3.txt 不符" in run.stdout
    assert f"{target.rsplit('/', 1)[0]}" in run.stdout
    assert "校验未通过" in run.stderr


def test_metadata_disagreeing_with_the_file_is_found_even_with_fresh_manifests(built, tmp_path):
    """Someone edits 页数 and 计算机文件名 in one item's metadata and recomputes every manifest."""
    meta_name = item_names(built["names"], ".json")[3]
    meta = json.loads(built["blobs"][meta_name])
    dh = meta["档号"]["档号"]
    meta["形式特征"]["页数"] += 1
    meta["电子属性"][1]["计算机文件名"] = "其他文件.docx"
    edited = dict(built["blobs"])
    edited[meta_name] = json.dumps(meta, ensure_ascii=False).encode()
    xml_name = meta_name[:-5] + ".xml"
    edited[xml_name] = to_xml("文件", meta, {"档号": dh})
    own = set(archive.MANIFESTS.values()) | set(archive.TAGMANIFESTS.values())
    for algorithm, manifest in archive.MANIFESTS.items():
        fn = (lambda b: hashlib.sha256(b).hexdigest()) if algorithm == "sha256" else (lambda b: sm3.new(b).hexdigest())
        edited[manifest] = "".join(f"{fn(edited[n])}  {n}\n" for n in sorted(edited) if n not in own).encode()
    for algorithm, tag in archive.TAGMANIFESTS.items():
        fn = (lambda b: hashlib.sha256(b).hexdigest()) if algorithm == "sha256" else (lambda b: sm3.new(b).hexdigest())
        edited[tag] = "".join(f"{fn(edited[m])}  {m}\n" for m in sorted(archive.MANIFESTS.values())).encode()
    forged = tmp_path / "forged.zip"
    rewrite_zip(built["package"], forged, lambda name, data: edited[name])
    result = archive.verify_package(str(forged))
    lines = [p.line() for p in result.problems]
    assert any(line.startswith(meta_name) and f"页数为 {meta['形式特征']['页数']}" in line for line in lines), lines
    assert any(line.startswith(meta_name) and f"没有计算机文件名为 {dh}.docx" in line for line in lines), lines
    assert any(line.startswith("文件目录.json") and dh in line and "页数" in line for line in lines), lines
    assert not any("摘要" in line for line in lines), lines


def test_missing_extra_and_edited_manifest_files_are_found(built, tmp_path):
    victim = item_names(built["names"], ".docx")[0]
    odd = tmp_path / "odd.zip"

    rewrite_zip(built["package"], odd, lambda name, data: None if name == victim else data)
    with zipfile.ZipFile(odd, "a") as z:
        z.writestr("多余文件.txt", "x")
    result = archive.verify_package(str(odd))
    lines = [p.line() for p in result.problems]
    assert any(line.startswith(victim) and "数据包中没有" in line for line in lines), lines
    assert any(line.startswith(victim) and "缺少这个文件" in line for line in lines), lines
    assert any(line.startswith("多余文件.txt") and "没有列入 manifest-sha256.txt" in line for line in lines), lines
    assert any(line.startswith("多余文件.txt") and "不在规定的位置" in line for line in lines), lines
    # An edited manifest is caught by the tag manifests.
    edited = tmp_path / "edited.zip"
    rewrite_zip(
        built["package"],
        edited,
        lambda n, d: d + b"0" * 64 + "  伪造.txt\n".encode() if n == "manifest-sha256.txt" else d,
    )
    lines = [p.line() for p in archive.verify_package(str(edited)).problems]
    assert any(line.startswith("manifest-sha256.txt") and "tagmanifest-sha256.txt" in line for line in lines), lines
    assert any(line.startswith("伪造.txt") for line in lines), lines


def test_unreadable_package_exits_2(tmp_path):
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"PK\x03\x04 not really a zip")
    run = run_cli("verify", str(junk))
    assert run.exit_code == 2 and f"数据包 {junk} 不完整：zip 文件末尾的文件目录缺失" in run.stderr
    run = run_cli("verify", str(tmp_path / "none.zip"))
    assert run.exit_code == 2 and "找不到数据包" in run.stderr


# --------------------------------------------------------------------------------------------
# The command: existing packages, settings, render folders, refusals
# --------------------------------------------------------------------------------------------
def test_existing_package_is_not_overwritten(built):
    before = built["package"].read_bytes()
    run = run_cli("archive", str(built["out"]), "-o", str(built["package"]))
    assert run.exit_code == 2 and "已存在" in run.stderr and "--force" in run.stderr
    assert built["package"].read_bytes() == before


@pytest.mark.parametrize(
    "option,message",
    [
        (["--fonds", "12345"], "全宗号"),
        (["--retention", "D20"], "保管期限"),
        (["--start", "0"], "起始件号"),
        (["--org", "办公室"], "机构代码"),
        (["--year", "26"], "年度"),
    ],
)
def test_bad_settings_exit_2(built, tmp_path, option, message):
    run = run_cli("archive", str(built["out"]), "-o", str(tmp_path / "x.zip"), *option)
    assert run.exit_code == 2 and message in run.stderr, run.output
    assert not (tmp_path / "x.zip").exists()


def test_moved_records_folder_needs_records_option(built, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(built["out"], out)
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    report["source"] = str(tmp_path / "已移走")
    (out / "report.json").write_text(json.dumps(report, ensure_ascii=False), encoding="utf-8")
    run = run_cli("archive", str(out), "-o", str(tmp_path / "x.zip"))
    assert run.exit_code == 2 and "已移走" in run.stderr and "--records" in run.stderr, run.output


def test_render_folder_needs_its_record(tmp_path):
    require_tools()
    folder = tmp_path / "r"
    record, _ = records.load(str(SAMPLES / "residents-yangguang.yaml"))
    render_record(election_of(record.data, record.file), folder, only=["committee"])
    run = run_cli("archive", str(folder), "-o", str(tmp_path / "x.zip"))
    assert run.exit_code == 2 and "--record" in run.stderr


def test_render_folder_with_settings_file_and_force(tmp_path):
    """A render output, numbered from a settings file (Chinese keys) with a 机构 code; rebuilt with --force."""
    require_tools()
    folder = tmp_path / "阳光社区"
    sample = SAMPLES / "residents-yangguang.yaml"
    record, _ = records.load(str(sample))
    render_record(election_of(record.data, record.file), folder, only=["committee", "results"])
    settings = tmp_path / "档号设置.yaml"
    settings.write_text(
        textwrap.dedent("""\
        全宗号: J012
        保管期限: D30
        机构代码: bgs
        起始件号: 5
        立档单位: 东城街道办事处
        各类保管期限: {选举结果公告: Y}
        """),
        encoding="utf-8",
    )
    package = tmp_path / "阳光社区.zip"
    run = run_cli("archive", str(folder), "--record", str(sample), "-o", str(package), "--settings", str(settings))
    assert run.exit_code == 0, run.output
    assert "全宗号" not in run.stderr  # no demo-default warning
    with zipfile.ZipFile(package) as z:
        first = {n: z.read(n) for n in z.namelist()}
    catalogue = json.loads(first["文件目录.json"])
    numbers = sorted(e["档号"] for e in catalogue["文件"])
    assert numbers == ["J012-WS·2026-D30-BGS-0005", "J012-WS·2026-Y-BGS-0005"]
    assert catalogue["立档单位"] == "东城街道办事处"
    assert any(n.startswith("电子档案/2026/D30/J012-WS·2026-D30-BGS-0005/") for n in first)
    assert first[f"其他/记录/{sample.name}"] == sample.read_bytes()
    assert run_cli("verify", str(package)).exit_code == 0
    # Options override the file; --force replaces the package.
    run = run_cli(
        "archive", str(folder), "--record", str(sample), "-o", str(package), "--settings", str(settings), "--force"
    )
    assert run.exit_code == 0, run.output
    with zipfile.ZipFile(package) as z:
        second = {n: z.read(n) for n in z.namelist()}
    assert sorted(first) == sorted(second)
    # Deterministic apart from the PDFs (LibreOffice stamps the conversion time) and what hashes them.
    varying = {n for n in first if n.endswith((".pdf", ".json", ".xml")) and n.startswith("电子档案/")}
    varying |= set(archive.MANIFESTS.values()) | set(archive.TAGMANIFESTS.values())
    for name in sorted(set(first) - varying):
        assert first[name] == second[name], name
    meta_a = json.loads(first[next(n for n in first if n.endswith(".json") and n.startswith("电子档案/"))])
    meta_b = json.loads(second[next(n for n in second if n.endswith(".json") and n.startswith("电子档案/"))])
    for row in meta_a["电子属性"] + meta_b["电子属性"]:
        row.pop("SHA256"), row.pop("SM3")
        if row["计算机文件名"].endswith(".pdf"):
            row.pop("计算机文件大小")  # the compressed ICC profile (with its time) may vary by a byte
    assert meta_a == meta_b


def test_drafts_and_records_with_errors_are_refused(tmp_path):
    require_tools()
    # A clean record whose documents were rendered as drafts.
    sample = SAMPLES / "residents-yangguang.yaml"
    record, _ = records.load(str(sample))
    drafts = tmp_path / "drafts"
    render_record(election_of(record.data, record.file), drafts, only=["committee"], draft=True)
    run = run_cli("archive", str(drafts), "--record", str(sample), "-o", str(tmp_path / "d.zip"))
    assert run.exit_code == 1 and "草稿" in run.stderr and "未生成数据包" in run.stderr, run.output
    assert not (tmp_path / "d.zip").exists()
    # A record with rule errors (its documents rendered with --draft).
    broken = COUNTY / BROKEN
    out = tmp_path / "broken"
    assert run_cli("render", str(broken), "-o", str(out), "--only", "committee", "--draft").exit_code == 1
    run = run_cli("archive", str(out), "--record", str(broken), "-o", str(tmp_path / "b.zip"))
    assert run.exit_code == 1 and "DEADLINE-VOTER-LIST" in run.stderr, run.output


def test_units_changed_after_the_batch_are_refused(built, tmp_path):
    """A document edited after generation, a record edited after generation: both units refused."""
    out = tmp_path / "out"
    shutil.copytree(built["out"], out)
    src = tmp_path / "records"
    shutil.copytree(built["src"], src)
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    first = next(u for u in report["units"] if u["path"] == CLEAN[0])
    with open(out / first["documents"][0]["path"], "ab") as handle:
        handle.write(b"\0")
    second = src / CLEAN[1]
    second.write_text(second.read_text(encoding="utf-8") + "\n# 改动\n", encoding="utf-8")
    package = tmp_path / "p.zip"
    run = run_cli("archive", str(out), "-o", str(package), "--records", str(src))
    assert run.exit_code == 0, run.output
    assert f"{CLEAN[0]}：文书 {first['documents'][0]['path']} 在生成之后被改动" in run.stderr
    assert f"{CLEAN[1]}：记录在生成文书之后已修改" in run.stderr
    with zipfile.ZipFile(package) as z:
        catalogue = json.loads(z.read("文件目录.json"))["文件"]
    assert {e["单位"] for e in catalogue} == {"青石县", "青石县/白云乡"}  # only the level summaries


# --------------------------------------------------------------------------------------------
# Conversion mechanics (a stand-in for soffice: fast, and able to fail and hang on purpose)
# --------------------------------------------------------------------------------------------
FAKE_SOFFICE = """\
#!{python}
import os, sys, time
args = sys.argv[1:]
out = args[args.index("--outdir") + 1]
state = os.path.join(os.path.dirname(os.path.abspath(__file__)), "calls")
with open(state, "a") as handle:
    handle.write(" ".join(os.path.basename(a) for a in args if a.endswith(".docx")) + "\\n")
with open(state + "-pids", "a") as handle:
    handle.write(f"{{os.getpid()}}\\n")
for path in [a for a in args if a.endswith(".docx")]:
    stem = os.path.splitext(os.path.basename(path))[0]
    print(f"convert {{path}} -> {{out}}/{{stem}}.pdf using filter : pdf", flush=True)
    data = open(path, "rb").read()
    if b"HANG" in data:
        time.sleep(60)
    marker = os.path.join(os.path.dirname(state), "failed-once-" + data.decode().strip())
    if b"FAILONCE" in data and not os.path.exists(marker):
        open(marker, "w").close()
        continue
    if b"ALWAYS" in data:
        continue
    with open(os.path.join(out, stem + ".pdf"), "wb") as pdf:
        pdf.write(b"%PDF-1.6\\n" + data + b"\\n%%EOF\\n")
"""


def fake_soffice(tmp_path: Path) -> Path:
    script = tmp_path / "bin" / "soffice"
    script.parent.mkdir()
    script.write_text(FAKE_SOFFICE.format(python=sys.executable))
    script.chmod(0o755)
    return script


def test_batches_retry_once_and_a_hanging_document_is_killed(tmp_path):
    script = fake_soffice(tmp_path)
    contents = ["ok1", "FAILONCE-a", "ok2", "HANG-b", "ok3", "ALWAYS-c"]
    jobs = []
    for i, text in enumerate(contents):
        source = tmp_path / f"doc{i}.docx"
        source.write_text(text)
        jobs.append(pdf.Job(str(source), str(tmp_path / "pdf" / f"doc{i}.pdf")))
    ticks = []
    start = time.perf_counter()
    result = pdf.convert(
        jobs,
        workers=1,
        timeout=1,
        soffice=str(script),
        batch_size=10,
        progress=lambda done, total: ticks.append((done, total)),
    )
    elapsed = time.perf_counter() - start
    assert sorted(result.failed) == [3, 5]
    assert "超过 1 秒" in result.failed[3]
    assert result.converted == [0, 1, 2, 4]
    for i in result.converted:
        assert (tmp_path / "pdf" / f"doc{i}.pdf").read_bytes().startswith(b"%PDF-1.6\n" + contents[i].encode())
    calls = (script.parent / "calls").read_text().splitlines()
    # The whole batch; FAILONCE alone (first missing after the kill); the rest; HANG alone, twice;
    # ALWAYS alone (missing after a normal end).
    assert calls == [
        " ".join(f"{i:06d}.docx" for i in range(6)),
        "000001.docx",
        "000003.docx 000004.docx 000005.docx",
        "000003.docx",
        "000004.docx 000005.docx",
        "000005.docx",
    ]
    assert ticks[-1] == (6, 6)
    assert elapsed < 20


def test_parallel_workers_share_the_batches(tmp_path):
    script = fake_soffice(tmp_path)
    jobs = []
    for i in range(9):
        source = tmp_path / f"d{i}.docx"
        source.write_text(f"ok{i}")
        jobs.append(pdf.Job(str(source), str(tmp_path / "pdf" / f"d{i}.pdf")))
    result = pdf.convert(jobs, workers=3, timeout=30, soffice=str(script))
    assert result.ok and result.converted == list(range(9)) and result.calls == 3
    assert len((script.parent / "calls").read_text().splitlines()) == 3


def test_an_interruption_leaves_no_libreoffice_running(tmp_path):
    script = fake_soffice(tmp_path)
    jobs = []
    for i, text in enumerate(["ok", "HANG"]):
        source = tmp_path / f"d{i}.docx"
        source.write_text(text)
        jobs.append(pdf.Job(str(source), str(tmp_path / "pdf" / f"d{i}.pdf")))

    def interrupt(done, total):
        if done == 2:
            raise KeyboardInterrupt

    start = time.perf_counter()
    with pytest.raises(KeyboardInterrupt):
        pdf.convert(jobs, workers=1, timeout=30, soffice=str(script), progress=interrupt)
    assert time.perf_counter() - start < 10
    for pid in (script.parent / "calls-pids").read_text().split():
        with pytest.raises(ProcessLookupError):
            os.kill(int(pid), 0)


def test_missing_libreoffice_is_reported_with_the_install_command(monkeypatch, built, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    run = run_cli("archive", str(built["out"]), "-o", str(tmp_path / "x.zip"))
    assert run.exit_code == 2 and "找不到 soffice" in run.stderr and "libreoffice-writer-nogui" in run.stderr


def test_settings_and_dang_hao():
    settings = archive.ArchiveSettings.make({"fonds": "z109", "机构代码": "BGS", "年度": 2011}, start=1)
    assert archive.dang_hao(settings, 2011, "Y", 1) == "Z109-WS·2011-Y-BGS-0001"
    plain = archive.ArchiveSettings.make({"全宗号": "J012"})
    assert archive.dang_hao(plain, 2024, "Y", 3) == "J012-WS·2024-Y-0003"
    assert archive.ArchiveSettings.make({"保管期限": "定期10年"}).retention == "D10"
    assert archive.ArchiveSettings.make({"retention_by_kind": {"05": "d30"}}).retention_for("ballot") == "D30"
    assert archive.ArchiveSettings.make().defaulted == ("fonds",)
    with pytest.raises(archive.SettingsError, match="不认识的设置"):
        archive.ArchiveSettings.make({"档案馆": "x"})
    with pytest.raises(archive.SettingsError, match="没有名为"):
        archive.ArchiveSettings.make({"各类保管期限": {"不存在": "Y"}})


def test_one_bad_setting_keeps_its_message():
    with pytest.raises(archive.SettingsError) as caught:
        archive.ArchiveSettings.make({"全宗号": "12345"}, source="设置文件 a.yaml")
    assert str(caught.value) == "设置文件 a.yaml：全宗号“12345”应为 4 位字母或数字，如 J012。"
    assert caught.value.problems == [("fonds", "全宗号“12345”应为 4 位字母或数字，如 J012。")]
    with pytest.raises(archive.SettingsError) as caught:
        archive.ArchiveSettings.make({"档案馆": "x"})
    assert str(caught.value) == (
        "命令行：不认识的设置“档案馆”。可用：全宗号（fonds）、年度（year）、保管期限（retention）、"
        "机构代码（org）、起始件号（start）、立档单位（producer）、各类保管期限（retention_by_kind）、密级（classification）。"
    )


def test_every_bad_setting_is_reported_at_once():
    data = {"全宗号": "12345", "档案馆": "x", "各类保管期限": {"不存在": "Y", "选票": "D20"}}
    with pytest.raises(archive.SettingsError) as caught:
        archive.ArchiveSettings.make(data, source="设置文件 a.yaml", start="0")
    assert [key for key, _ in caught.value.problems] == [
        "档案馆",
        "fonds",
        "start",
        "retention_by_kind",
        "retention_by_kind",
    ]
    lines = str(caught.value).splitlines()
    assert lines[0] == "设置文件 a.yaml：有 5 处设置不对："
    assert lines[1].startswith("  不认识的设置“档案馆”。可用：全宗号（fonds）")
    assert lines[2:4] == ["  全宗号“12345”应为 4 位字母或数字，如 J012。", "  起始件号“0”应为 1 至 9999 的整数。"]
    assert lines[4].startswith("  各类保管期限中：") and "不存在" in lines[4]
    assert lines[5] == "  选票 的保管期限“D20”应为 Y（永久）、D30（定期30年）或 D10（定期10年）。"


def test_two_bad_options_are_both_named_on_the_command_line(built, tmp_path):
    run = run_cli("archive", str(built["out"]), "-o", str(tmp_path / "x.zip"), "--fonds", "12345", "--start", "0")
    assert run.exit_code == 2 and "有 2 处设置不对" in run.stderr, run.output
    assert "全宗号“12345”" in run.stderr and "起始件号“0”" in run.stderr
    assert not (tmp_path / "x.zip").exists()


LEGACY = Path(__file__).parent / "data" / "legacy-0.1.0"


def test_a_package_made_by_0_1_0_still_verifies(tmp_path):
    package = tmp_path / "batch.zip"
    shutil.copyfile(LEGACY / "batch.zip", package)
    result = archive.verify_package(str(package))
    assert result.problems == [] and result.ok
    assert result.items > 0 and result.files > result.items


# --------------------------------------------------------------------------------------------
# Approved exceptions are listed in the 说明文件 and the check report
# --------------------------------------------------------------------------------------------
def test_the_package_lists_every_approved_exception(tmp_path):
    """大坪村's late voter list, approved by the 街道: archived, and the approval is listed in both places."""
    require_tools()
    record = tmp_path / "大坪村村委会.yaml"
    record.write_text(
        (COUNTY / BROKEN).read_text(encoding="utf-8")
        + textwrap.dedent("""\
        exceptions:
          - rule: DEADLINE-VOTER-LIST
            reason: 因春耕农忙，经街道同意推迟公布选民名单
            approved_by: 河西街道办事处
            approved_on: 2026-03-01
            number: 河街〔2026〕5号
        """),
        encoding="utf-8",
    )
    text = (
        "已按特批处理检查 DEADLINE-VOTER-LIST 的 1 项结果：河西街道办事处 2026年3月1日 批准，文号 河街〔2026〕5号；"
        "理由：因春耕农忙，经街道同意推迟公布选民名单。"
    )
    out = tmp_path / "out"
    assert run_cli("render", str(record), "-o", str(out), "--only", "committee").exit_code == 0
    package = tmp_path / "p.zip"
    run = run_cli("archive", str(out), "--record", str(record), "-o", str(package))
    assert run.exit_code == 0, run.output
    with zipfile.ZipFile(package) as z:
        readme = z.read("说明文件.txt").decode()
        report = json.loads(z.read("其他/校验报告.json"))
    assert "八、特批事项\n以下 1 项特批已生效，所涉检查结果按提示处理（明细见 其他/校验报告.json）：\n" in readme
    assert f"：{text}\n" in readme
    (unit,) = report["单位"]
    assert unit["结论"] == "归档"
    assert [(e["字段"], e["内容"]) for e in unit["特批"]] == [("exceptions[0]", text)]
    waived = next(f for f in unit["问题"] if f["id"] == "DEADLINE-VOTER-LIST")
    assert waived["severity"] == "info" and waived["message"].endswith(
        "（已特批：河西街道办事处 2026年3月1日 批准，文号 河街〔2026〕5号）"
    )


def test_a_package_without_exceptions_says_so(built):
    readme = built["blobs"]["说明文件.txt"].decode()
    assert "八、特批事项\n无。" in readme
    report = json.loads(built["blobs"]["其他/校验报告.json"])
    assert all(u["特批"] == [] for u in report["单位"])


def test_every_item_of_every_kind_has_the_dat46_elements_the_readme_claims(built):
    """The README's table (文种, 稿本, 业务行为, 责任者类型) and element list, checked on each 件 of the county batch."""
    from pipeline.archive.contents import action_of, draft_form
    from pipeline.documents import PERSONAL

    kinds = set()
    for name in item_names(built["names"], ".json"):
        meta = json.loads(built["blobs"][name])
        kind = meta["附注"]["文书种类"]
        kinds.add(kind)
        content, form = meta["内容描述"], meta["形式特征"]
        for element in ("题名", "责任者", "日期", "文种", "密级"):
            assert content[element], (name, element)
        assert re.fullmatch(r"\d{8}", content["日期"]), name
        assert form["稿本"] == draft_form(kind) and form["语种"] == "汉语" and form["页数"] >= 1, name
        assert meta["来源"]["立档单位名称"] == "青石县"
        for part in ("档号", "全宗号", "门类代码", "年度", "保管期限", "件号"):
            assert meta["档号"][part], (name, part)
        first = meta["机构人员实体"][0]
        assert first["机构人员名称"] == content["责任者"] and first["职责"] == "责任者"
        assert first["机构人员类型"] == ("个人" if kind in PERSONAL else "单位"), name
        made, archived = meta["业务实体"]
        assert made["业务行为"] == action_of(content["文种"]) and made["行为时间"] == content["日期"], name
        assert archived["业务行为"] == "归档" and made["业务状态"] == archived["业务状态"] == "历史行为"
        for row in meta["电子属性"]:
            for element in ("计算机文件名", "格式信息", "计算机文件大小", "文档创建程序", "用途", "SHA256", "SM3"):
                assert row[element], (name, element)
    assert {"ballot", "candidate_pledge", "committee", "certificate", "summary"} <= kinds, kinds
