"""huanjie archive -o FOLDER (the form that goes onto the transfer medium) or -o NAME.zip, and verify of either.

One small render folder (阳光社区: 2 documents) is archived once for the module, as a folder and as a zip.
Needs LibreOffice, poppler-utils and the CJK fonts; a missing program FAILS with the command to install it.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import stat
import zipfile
from pathlib import Path

import pytest
from conftest import SAMPLES, run_cli
from helpers import election_of

from pipeline import archive, records
from pipeline.archive import sm3
from pipeline.archive.pdf import INSTALL_HINT
from pipeline.render import render_record

SAMPLE = SAMPLES / "residents-yangguang.yaml"


def require_tools() -> None:
    for names in (("soffice", "libreoffice"), ("pdffonts",)):
        if not any(shutil.which(n) for n in names):
            pytest.fail(f"找不到 {' 或 '.join(names)}，无法测试归档。请安装：{INSTALL_HINT}", pytrace=False)


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    require_tools()
    root = tmp_path_factory.mktemp("folder")
    out = root / "阳光社区"
    record, _ = records.load(str(SAMPLE))
    render_record(election_of(record.data, record.file), out, only=["committee", "candidate_pledge"])
    keys = root / "keys"
    keys.mkdir()
    run = run_cli("keygen", "-o", str(keys / "青石县.key"), "--signer", "青石县民政局")
    assert run.exit_code == 0, run.output
    folder = root / "阳光社区归档"
    run = run_cli(
        "archive", str(out), "--record", str(SAMPLE), "-o", str(folder), "--fonds", "J012",
        "--sign", str(keys / "青石县.key"),
    )  # fmt: skip
    assert run.exit_code == 0, run.output
    assert "已由“青石县民政局”签名。" in run.stdout
    return {
        "root": root,
        "out": out,
        "folder": folder,
        "run": run,
        "key": keys / "青石县.key",
        "pub": keys / "青石县.key.pub",
    }


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_name_without_zip_makes_a_folder_that_verifies(made):
    folder = made["folder"]
    assert folder.is_dir()
    names = files_of(folder)
    for top in archive.TOP_FILES:
        assert top in names, top
    assert any(n.startswith("电子档案/2026/Y/J012-WS·2026-Y-") and n.endswith(".pdf") for n in names)
    assert [p.name for p in made["root"].iterdir() if p.name.startswith(".~")] == []  # no temp sibling left
    run = run_cli("verify", str(folder))
    assert run.exit_code == 0, run.output
    assert f"校验通过：{folder}，" in run.stdout
    assert "已签名：签名者“青石县民政局”" in run.stdout and "签名本身未核对" in run.stdout


def test_the_zip_and_the_folder_hold_the_same_files(made, tmp_path):
    package = tmp_path / "阳光社区.zip"
    run = run_cli("archive", str(made["out"]), "--record", str(SAMPLE), "-o", str(package), "--fonds", "J012")
    assert run.exit_code == 0, run.output
    with zipfile.ZipFile(package) as z:
        zipped = sorted(z.namelist())
    assert zipped == sorted(set(files_of(made["folder"])) - {"签名.json"})
    run = run_cli("verify", str(package))
    assert run.exit_code == 0
    assert "未签名：数据包没有电子签名，只核对了文件与清单一致；清单被整体改写时无法发现。" in run.stdout
    run = run_cli("verify", str(package), "--key", str(made["pub"]))
    assert run.exit_code == 1
    assert "数据包未签名（没有 签名.json），无法用“青石县民政局”的公钥核对其来源" in run.stdout


def test_a_changed_byte_in_a_folder_package_is_found(made, tmp_path):
    copy = tmp_path / "p"
    shutil.copytree(made["folder"], copy)
    xml = next(p for p in sorted(copy.rglob("*.xml")) if "电子档案" in p.parts)
    xml.write_bytes(xml.read_bytes() + b" ")
    run = run_cli("verify", str(copy))
    assert run.exit_code == 1
    rel = xml.relative_to(copy).as_posix()
    assert f"{rel}：SHA-256 摘要与 manifest-sha256.txt 不符" in run.stdout


def test_an_existing_folder_is_kept_unless_forced_and_never_replaced_when_not_a_package(made, tmp_path):
    out = str(made["out"])
    run = run_cli("archive", out, "--record", str(SAMPLE), "-o", str(made["folder"]))
    assert run.exit_code == 2 and f"数据包 {made['folder']} 已存在，未覆盖。如确需覆盖，请加 --force。" in run.stderr
    mine = tmp_path / "我的文件夹"
    mine.mkdir()
    (mine / "重要.txt").write_text("别删", encoding="utf-8")
    run = run_cli("archive", out, "--record", str(SAMPLE), "-o", str(mine), "--force")
    assert run.exit_code == 2
    assert "不是 huanjie 生成的数据包（没有 manifest-sha256.txt），即使加了 --force 也不覆盖" in run.stderr
    assert (mine / "重要.txt").read_text(encoding="utf-8") == "别删" and len(os.listdir(mine)) == 1
    forced = tmp_path / "forced"
    shutil.copytree(made["folder"], forced)
    (forced / "其他" / "旧文件.txt").write_text("x", encoding="utf-8")
    run = run_cli("archive", out, "--record", str(SAMPLE), "-o", str(forced), "--force")
    assert run.exit_code == 0, run.output
    assert not (forced / "其他" / "旧文件.txt").exists()  # the old package was replaced whole
    assert run_cli("verify", str(forced)).exit_code == 0
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".~")] == []


# --------------------------------------------------------------------------------------------
# Signatures
# --------------------------------------------------------------------------------------------
def test_keygen_writes_a_private_key_only_its_owner_reads_and_never_overwrites(made, tmp_path):
    key, pub = made["key"], made["pub"]
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert "签名者: 青石县民政局" in key.read_text(encoding="utf-8")
    assert "-----BEGIN PUBLIC KEY-----" in pub.read_text(encoding="utf-8")
    before = key.read_bytes()
    run = run_cli("keygen", "-o", str(key), "--signer", "别人")
    assert run.exit_code == 2 and f"{key} 已存在，未覆盖" in run.stderr
    assert key.read_bytes() == before
    again = tmp_path / "k"
    assert run_cli("keygen", "-o", str(again), "--signer", "甲").exit_code == 0
    assert run_cli("keygen", "-o", str(again), "--signer", "乙", "--force").exit_code == 0
    assert "签名者: 乙" in again.read_text(encoding="utf-8")
    run = run_cli("keygen", "-o", str(tmp_path / "k2"), "--signer", "  ")
    assert run.exit_code == 2 and "签名者名称不能为空" in run.stderr


def test_a_signed_package_verifies_with_its_public_key_and_no_key_enters_it(made):
    run = run_cli("verify", str(made["folder"]), "--key", str(made["pub"]))
    assert run.exit_code == 0, run.output
    assert "签名有效：签名者“青石县民政局”（公钥指纹 SHA256:" in run.stdout
    private = made["key"].read_text(encoding="utf-8").split("-----BEGIN PRIVATE KEY-----")[1].split("-----")[0].strip()
    public = made["pub"].read_text(encoding="utf-8").split("-----BEGIN PUBLIC KEY-----")[1].split("-----")[0].strip()
    for name, data in files_of(made["folder"]).items():
        assert private.encode() not in data and public.encode() not in data, name
    statement = json.loads((made["folder"] / "签名.json").read_text(encoding="utf-8"))
    assert statement["签名者"] == "青石县民政局" and statement["算法"] == "Ed25519"
    assert sorted(statement["清单"]) == sorted(
        ["manifest-sha256.txt", "manifest-sm3.txt", "tagmanifest-sha256.txt", "tagmanifest-sm3.txt"]
    )


def rewrite_manifests(folder: Path, rel: str) -> None:
    """Recompute `rel`'s lines in both manifests and both tag manifests, as a careful forger would."""
    data = (folder / rel).read_bytes()
    new = {"sha256": hashlib.sha256(data).hexdigest(), "sm3": sm3.new(data).hexdigest()}
    for algorithm in ("sha256", "sm3"):
        manifest = folder / f"manifest-{algorithm}.txt"
        lines = [
            f"{new[algorithm]}  {rel}" if line.endswith(f"  {rel}") else line
            for line in manifest.read_text(encoding="utf-8").splitlines()
        ]
        manifest.write_text("\n".join(lines) + "\n", encoding="utf-8")
    for algorithm, digest in (
        ("sha256", lambda b: hashlib.sha256(b).hexdigest()),
        ("sm3", lambda b: sm3.new(b).hexdigest()),
    ):
        tag = "".join(
            f"{digest((folder / m).read_bytes())}  {m}\n" for m in ("manifest-sha256.txt", "manifest-sm3.txt")
        )
        (folder / f"tagmanifest-{algorithm}.txt").write_text(tag, encoding="utf-8")


def test_a_changed_file_with_rewritten_manifests_fails_on_the_signature(made, tmp_path):
    forged = tmp_path / "forged"
    shutil.copytree(made["folder"], forged)
    rel = "其他/记录/residents-yangguang.yaml"
    (forged / rel).write_text((forged / rel).read_text(encoding="utf-8").replace("阳光", "月光"), encoding="utf-8")
    rewrite_manifests(forged, rel)
    run = run_cli("verify", str(forged), "--key", str(made["pub"]))
    assert run.exit_code == 1
    assert "manifest-sha256.txt：与 签名.json 中签名时的摘要不符：清单在签名之后被改动过" in run.stdout
    assert "manifest-sm3.txt：与 签名.json 中签名时的摘要不符：清单在签名之后被改动过" in run.stdout
    assert "SHA-256 摘要与" not in run.stdout  # the forger's manifests agree with the files: only the signature tells
    # The forger also rewrites the digests in 签名.json: the signature no longer matches its statement.
    statement = json.loads((forged / "签名.json").read_text(encoding="utf-8"))
    for name in statement["清单"]:
        data = (forged / name).read_bytes()
        statement["清单"][name] = {"SHA-256": hashlib.sha256(data).hexdigest(), "SM3": sm3.new(data).hexdigest()}
    (forged / "签名.json").write_text(json.dumps(statement, ensure_ascii=False), encoding="utf-8")
    run = run_cli("verify", str(forged), "--key", str(made["pub"]))
    assert run.exit_code == 1
    assert run.stdout.splitlines()[0] == "签名.json：签名无效：签名文件或清单在签名之后被改动过（签名与内容对不上）"


def test_a_changed_signature_or_signer_fails(made, tmp_path):
    for change in ("签名", "签名者"):
        copy = tmp_path / change
        shutil.copytree(made["folder"], copy)
        statement = json.loads((copy / "签名.json").read_text(encoding="utf-8"))
        if change == "签名":
            raw = bytearray(__import__("base64").b64decode(statement["签名"]))
            raw[0] ^= 1
            statement["签名"] = __import__("base64").b64encode(bytes(raw)).decode()
        else:
            statement["签名者"] = "冒名单位"
        (copy / "签名.json").write_text(json.dumps(statement, ensure_ascii=False), encoding="utf-8")
        run = run_cli("verify", str(copy), "--key", str(made["pub"]))
        assert run.exit_code == 1, change
        assert "签名.json：签名无效：签名文件或清单在签名之后被改动过（签名与内容对不上）" in run.stdout, change


def test_another_key_or_an_unusable_key_file(made, tmp_path):
    other = tmp_path / "other.key"
    assert run_cli("keygen", "-o", str(other), "--signer", "别的单位").exit_code == 0
    run = run_cli("verify", str(made["folder"]), "--key", str(other) + ".pub")
    assert run.exit_code == 1
    assert "不是给出的公钥" in run.stdout and "签名者“别的单位”" in run.stdout
    cases = [
        (
            ["verify", str(made["folder"]), "--key", str(tmp_path / "none.pub")],
            f"错误：找不到公钥文件 {tmp_path / 'none.pub'}。",
        ),
        (
            ["verify", str(made["folder"]), "--key", str(made["key"])],
            f"错误：{made['key']} 不是公钥（是私钥）；--key 请给出同名的 .pub 公钥文件。",
        ),
        (
            ["verify", str(made["folder"]), "--key", str(SAMPLE)],
            f"错误：{SAMPLE} 不是 huanjie 的密钥文件（没有 PEM 格式的密钥）；请用 huanjie keygen 生成的文件。",
        ),
        (
            [
                "archive",
                str(made["out"]),
                "--record",
                str(SAMPLE),
                "-o",
                str(tmp_path / "p"),
                "--sign",
                str(made["pub"]),
            ],
            f"错误：{made['pub']} 是公钥，不能用来签名；",
        ),
        (
            [
                "archive",
                str(made["out"]),
                "--record",
                str(SAMPLE),
                "-o",
                str(tmp_path / "p"),
                "--sign",
                str(tmp_path / "none.key"),
            ],
            f"错误：找不到私钥文件 {tmp_path / 'none.key'}。",
        ),
    ]
    for args, message in cases:
        run = run_cli(*args)
        assert run.exit_code == 2, args
        assert run.stderr.startswith(message), run.stderr
        assert "Traceback" not in run.output
    assert not (tmp_path / "p").exists()


# --------------------------------------------------------------------------------------------
# PDF document properties, fonts and veraPDF (pikepdf)
# --------------------------------------------------------------------------------------------
def catalogue_of(folder: Path) -> list[dict]:
    return json.loads((folder / "文件目录.json").read_text(encoding="utf-8"))["文件"]


def test_each_pdf_carries_the_catalogue_as_its_document_properties(made):
    import pikepdf

    entries = catalogue_of(made["folder"])
    assert len(entries) == 10  # the 选举委员会成员公告 and one 候选人竞争承诺书 per candidate
    for entry in entries:
        meta = json.loads((made["folder"] / entry["电子档案名称"]).with_suffix(".json").read_text(encoding="utf-8"))
        with pikepdf.open(made["folder"] / entry["电子档案名称"]) as doc:
            info = {k: str(v) for k, v in doc.docinfo.items()}
            xmp = doc.open_metadata()
            assert info["/Title"] == entry["题名"] == xmp["dc:title"]
            assert info["/Author"] == entry["责任者"] == meta["内容描述"]["责任者"] and info["/Author"] != "huanjie"
            assert xmp["dc:creator"] == [entry["责任者"]]
            assert info["/Subject"] == meta["内容描述"]["文种"]
            assert info["/Keywords"] == entry["档号"]
            assert info["/CreationDate"] == f"D:{entry['日期']}000000"
            assert (xmp["pdfaid:part"], xmp["pdfaid:conformance"]) == ("2", "B")
    titles = sorted(e["题名"] for e in entries)
    assert any("阳光社区" in t for t in titles), titles  # the unit-specific 题名, not the kind's generic title


def reseal(folder: Path, rel: str) -> None:
    """Rewrite every digest of `rel` (manifests, its metadata's 电子属性) so that only the PDF checks can tell."""
    data = (folder / rel).read_bytes()
    meta_path = (folder / rel).parent / f"{(folder / rel).parent.name}.json"  # the item's metadata
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    for row in meta["电子属性"]:
        if row["计算机文件名"] == Path(rel).name:
            row.update(
                {
                    "计算机文件大小": len(data),
                    "SHA256": hashlib.sha256(data).hexdigest(),
                    "SM3": sm3.new(data).hexdigest(),
                }
            )
    meta_path.write_text(json.dumps(meta, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    xml = meta_path.with_suffix(".xml")
    from pipeline.archive.contents import to_xml

    xml.write_bytes(to_xml("文件", meta, {"档号": meta["档号"]["档号"]}))
    for changed in (rel, meta_path.relative_to(folder).as_posix(), xml.relative_to(folder).as_posix()):
        rewrite_manifests(folder, changed)


def test_verify_reads_the_properties_and_the_fonts_with_pikepdf(made, tmp_path):
    import pikepdf

    copy = tmp_path / "p"
    shutil.copytree(made["folder"], copy)
    rel = catalogue_of(copy)[0]["电子档案名称"]
    with pikepdf.open(copy / rel, allow_overwriting_input=True) as doc:
        doc.docinfo["/Author"] = "huanjie"
        font = next(iter(doc.pages[0].Resources.Font.values()))
        descriptor = font.DescendantFonts[0].FontDescriptor if "/DescendantFonts" in font else font.FontDescriptor
        for key in ("/FontFile", "/FontFile2", "/FontFile3"):
            if key in descriptor:
                del descriptor[key]
        family = str(font.BaseFont).lstrip("/").split("+")[-1]
        doc.save(copy / rel)
    reseal(copy, rel)
    lines = [p.line() for p in archive.verify_package(str(copy)).problems]
    author = catalogue_of(copy)[0]["责任者"]
    assert f"{rel}：文档属性 Author 为“huanjie”，应为责任者“{author}”" in lines
    assert f"{rel}：有字体未嵌入：{family}（PDF/A 要求嵌入全部字体）" in lines
    # the digests were resealed (only the signature knows): the PDF itself tells
    assert not any("SHA-256 摘要与" in line or "SHA256 与文件不符" in line for line in lines), lines


def test_verapdf_is_run_when_installed_and_its_verdict_reported(made, tmp_path, monkeypatch):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "verapdf"
    log = tmp_path / "args.txt"
    # A stand-in with veraPDF's text output: the first PDF fails, the others pass.
    fake.write_text(
        "#!/bin/sh\n"
        'if [ "$1" = "--version" ]; then echo "veraPDF 1.26.2"; exit 0; fi\n'
        f'echo "$@" > {log}\n'
        'shift 4; first=1; for f in "$@"; do if [ $first = 1 ]; then echo "FAIL $f"; first=0; else echo "PASS $f"; fi; done\n',
        encoding="utf-8",
    )
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    run = run_cli("verify", str(made["folder"]))
    assert run.exit_code == 1
    first = sorted(e["电子档案名称"] for e in catalogue_of(made["folder"]))[0]
    assert f"{first}：veraPDF 检验不符合 PDF/A-2b" in run.stdout
    assert "veraPDF 检验：veraPDF 1.26.2：10 件 PDF 中 9 件符合 PDF/A-2b。" in run.stdout
    assert log.read_text(encoding="utf-8").startswith("--flavour 2b --format text ")
    package = tmp_path / "p"
    run = run_cli("archive", str(made["out"]), "--record", str(SAMPLE), "-o", str(package), "--fonds", "J012")
    assert run.exit_code == 0, run.output
    assert "提示：veraPDF 检验有 1 件 PDF 不符合 PDF/A-2b 或没有结论：01-选举委员会成员公告.docx" in run.stderr
    readme = (package / "说明文件.txt").read_text(encoding="utf-8")
    assert "制作时的 veraPDF 检验结果：veraPDF 1.26.2：10 件 PDF 中 9 件符合 PDF/A-2b。" in readme
    assert "制作时未安装 veraPDF" in (made["folder"] / "说明文件.txt").read_text(encoding="utf-8")
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    run = run_cli("verify", str(made["folder"]))
    assert "未安装 veraPDF：PDF/A 只核对了 PDF/A 标识和字体嵌入，未做完整的符合性检验。" in run.stdout


# --------------------------------------------------------------------------------------------
# DA/T 46 metadata, 稿本, 密级, the XSD
# --------------------------------------------------------------------------------------------
def item_meta(folder: Path) -> list[dict]:
    return [
        json.loads((folder / e["电子档案名称"]).with_suffix(".json").read_text(encoding="utf-8"))
        for e in catalogue_of(folder)
    ]


def test_every_item_has_the_entities_classification_and_the_right_draft_form(made):
    metas = item_meta(made["folder"])
    kinds = {}
    for meta in metas:
        kind = meta["附注"]["文书种类"]
        kinds[kind] = meta
        content = meta["内容描述"]
        assert content["密级"] == "公开"
        agents = meta["机构人员实体"]
        assert agents[0] == {
            "机构人员类型": "个人" if kind == "candidate_pledge" else "单位",
            "机构人员名称": content["责任者"],
            "职责": "责任者",
        }
        made_act, archived = meta["业务实体"]
        assert made_act["行为时间"] == content["日期"] and len(archived["行为时间"]) == 8
        assert archived["业务行为"] == "归档"
    committee, pledge = kinds["committee"], kinds["candidate_pledge"]
    assert committee["形式特征"]["稿本"] == "正本" and committee["业务实体"][0]["业务行为"] == "发布"
    assert pledge["形式特征"]["稿本"] == "待签" and pledge["业务实体"][0]["业务行为"] == "签署"
    assert pledge["业务实体"][0]["行为描述"].endswith("（生成的是待签文本，签名后的纸质件为原件）")
    assert {e["密级"] for e in catalogue_of(made["folder"])} == {"公开"}


def test_ballots_are_blank_forms_and_the_classification_is_a_setting():
    from pipeline.archive.contents import action_of, draft_form

    assert draft_form("ballot") == "空白文书" and draft_form("plenary_ballot") == "空白文书"
    assert draft_form("winner_pledge") == "待签" and draft_form("results") == "正本"
    assert action_of("公告") == "发布" and action_of("选票") == "印制"
    assert archive.ArchiveSettings.make({"密级": "秘密"}).classification == "秘密"
    assert archive.ArchiveSettings.make().classification == "公开"
    with pytest.raises(archive.SettingsError, match="密级“内部”应为 公开、限制、秘密、机密、绝密 之一。"):
        archive.ArchiveSettings.make({"密级": "内部"})


def test_the_xml_we_write_validates_against_the_xsd_in_the_package(made):
    from lxml import etree

    folder = made["folder"]
    schemas = folder / "其他" / "元数据规范"
    item_xsd = etree.XMLSchema(etree.parse(str(schemas / "文件元数据.xsd")))
    catalogue_xsd = etree.XMLSchema(etree.parse(str(schemas / "文件目录.xsd")))
    assert catalogue_xsd.validate(etree.parse(str(folder / "文件目录.xml"))), catalogue_xsd.error_log
    for entry in catalogue_of(folder):
        tree = etree.parse(str((folder / entry["电子档案名称"]).with_suffix(".xml")))
        assert item_xsd.validate(tree), (entry["档号"], item_xsd.error_log)
    assert "DA/T 48-2009" in (schemas / "命名规则.txt").read_text(encoding="utf-8")


def test_the_readme_names_carrier_environment_transfer_fields_and_fonts_in_plain_words(made):
    import datetime as dt

    readme = (made["folder"] / "说明文件.txt").read_text(encoding="utf-8")
    today = dt.date.today()
    assert f"制作日期：{today.year}年{today.month}月{today.day}日\n" in readme  # no zero padding
    for phrase in (
        "九、载体与移交登记（《电子档案移交与接收登记表》的内容）",
        "  移交电子档案数量：10 件（档号 J012-WS·2026-Y-0001 至 J012-WS·2026-Y-0010）",
        "  载体类型、规格：（移交时填写）（如一次写入光盘 DVD-R 4.7 GB，或移动硬盘）",
        "  检验内容：准确性、完整性、可用性、安全性（DA/T 70-2018）",
        "  移交单位：填表人（移交时填写）、审核人（移交时填写）、单位（盖章）（移交时填写）、日期（移交时填写）",
        "十、读取这些电子档案需要的软件和硬件",
        "字体已嵌入文件，不需要另装字体。",
        "十一、关于 DA/T 48-2009 XML 封装",
        "其他/元数据规范/ 中",
        "电子签名：Ed25519（青石县民政局）",
        "签名.json：青石县民政局 对上述四个清单的电子签名（Ed25519）",
        "  思源宋体（Noto Serif CJK，代替宋体和方正小标宋；没有仿宋字体时也代替仿宋）：",
        "其他/元数据规范/：元数据和文件目录的 XML 结构（XSD）及命名规则",
    ):
        assert phrase in readme, phrase
    for jargon in ("SelectPdfVersion", "pdffonts", "VKana", "CJKjp", "Type 1"):
        assert jargon not in readme, jargon
    assert re.search(r"  移交数据量：约 \d+\.\d MB，\d+ 个文件", readme)


# --------------------------------------------------------------------------------------------
# Scans of the signed paper originals
# --------------------------------------------------------------------------------------------
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(200)
TIFF = b"II*\x00" + bytes(200)
SCAN_PDF = b"%PDF-1.4\n% a scanned page\n%%EOF\n"


def test_scans_are_attached_beside_their_pdf_hashed_listed_and_verified(made, tmp_path):
    scans = tmp_path / "扫描件"
    scans.mkdir()
    (scans / "04-候选人竞争承诺书-张伟-1.jpg").write_bytes(JPEG)
    (scans / "04-候选人竞争承诺书-张伟-2.jpg").write_bytes(JPEG + b"2")
    (scans / "01-选举委员会成员公告.pdf").write_bytes(SCAN_PDF)
    (scans / "黄丽签字.tif").write_bytes(TIFF)
    (scans / "扫描件对照.yaml").write_text("黄丽签字.tif: 04-候选人竞争承诺书-黄丽.docx\n", encoding="utf-8")
    (scans / "不是图片.jpg").write_text("hello", encoding="utf-8")
    (scans / "无主.pdf").write_bytes(SCAN_PDF)
    package = tmp_path / "带扫描件"
    run = run_cli(
        "archive",
        str(made["out"]),
        "--record",
        str(SAMPLE),
        "-o",
        str(package),
        "--fonds",
        "J012",
        "--scans",
        str(scans),
    )
    assert run.exit_code == 0, run.output
    assert "附纸质原件扫描件 4 个。" in run.stdout
    assert "提示：扫描件 不是图片.jpg：文件内容不是扩展名所说的 JPG 格式，未归档" in run.stderr
    assert "提示：扫描件 无主.pdf：没有同名的文书（扫描件应与文书同名，或在对照表中写明），未归档" in run.stderr
    notice = catalogue_of(package)[0]  # 01-选举委员会成员公告
    assert notice["扫描件"] == f"{notice['档号']}-扫描01.pdf"
    folder = package / Path(notice["电子档案名称"]).parent
    assert (folder / f"{notice['档号']}-扫描01.pdf").read_bytes() == SCAN_PDF
    with_two = [e for e in catalogue_of(package) if e.get("扫描件", "").count("、") == 1]
    assert len(with_two) == 1
    dh = with_two[0]["档号"]
    assert with_two[0]["扫描件"] == f"{dh}-扫描01.jpg、{dh}-扫描02.jpg"
    item = package / Path(with_two[0]["电子档案名称"]).parent
    assert (item / f"{dh}-扫描01.jpg").read_bytes() == JPEG and (item / f"{dh}-扫描02.jpg").read_bytes() == JPEG + b"2"
    meta = json.loads((item / f"{dh}.json").read_text(encoding="utf-8"))
    rows = {r["计算机文件名"]: r for r in meta["电子属性"]}
    assert rows[f"{dh}-扫描01.jpg"]["用途"] == "纸质原件扫描件"
    assert rows[f"{dh}-扫描01.jpg"]["SHA256"] == hashlib.sha256(JPEG).hexdigest()
    assert rows[f"{dh}-扫描01.jpg"]["格式信息"] == "JPEG 图像（ISO/IEC 10918-1）"
    assert sum(1 for e in catalogue_of(package) if e.get("扫描件", "").endswith(".tif")) == 1
    manifest = (package / "manifest-sm3.txt").read_text(encoding="utf-8")
    assert f"{item.relative_to(package).as_posix()}/{dh}-扫描02.jpg" in manifest
    assert run_cli("verify", str(package)).exit_code == 0
    from lxml import etree

    schemas = package / "其他" / "元数据规范"
    assert etree.XMLSchema(etree.parse(str(schemas / "文件元数据.xsd"))).validate(etree.parse(str(item / f"{dh}.xml")))
    assert etree.XMLSchema(etree.parse(str(schemas / "文件目录.xsd"))).validate(
        etree.parse(str(package / "文件目录.xml"))
    )
    # A scan changed afterwards, and one whose bytes are no JPEG although every digest was resealed.
    (item / f"{dh}-扫描02.jpg").write_bytes(JPEG + b"3")
    run = run_cli("verify", str(package))
    assert run.exit_code == 1 and f"{dh}-扫描02.jpg：SHA-256 摘要与 manifest-sha256.txt 不符" in run.stdout
    rel = (item / f"{dh}-扫描02.jpg").relative_to(package).as_posix()
    (package / rel).write_bytes(SCAN_PDF)
    reseal(package, rel)
    lines = [p.line() for p in archive.verify_package(str(package)).problems]
    assert f"{rel}：扫描件的内容不是 JPG 格式（是 PDF）" in lines
    (package / rel).unlink()
    reseal_listing = [p.line() for p in archive.verify_package(str(package)).problems]
    assert (
        f"{item.relative_to(package).as_posix()}/{dh}.json：电子属性中的计算机文件名 {dh}-扫描02.jpg 在文件夹中没有对应的文件"
        in reseal_listing
    )


def test_an_unknown_scans_folder_or_a_broken_mapping_is_exit_2(made, tmp_path):
    run = run_cli(
        "archive", str(made["out"]), "--record", str(SAMPLE), "-o", str(tmp_path / "p"), "--scans", str(tmp_path / "无")
    )
    assert run.exit_code == 2 and f"错误：找不到扫描件文件夹 {tmp_path / '无'}" in run.stderr
    scans = tmp_path / "s"
    scans.mkdir()
    (scans / "扫描件对照.yaml").write_text("[a, b", encoding="utf-8")
    run = run_cli(
        "archive", str(made["out"]), "--record", str(SAMPLE), "-o", str(tmp_path / "p"), "--scans", str(scans)
    )
    assert run.exit_code == 2 and "不是有效的 UTF-8 YAML" in run.stderr
    assert not (tmp_path / "p").exists()


def test_the_readme_table_of_dat46_elements_per_kind_is_the_programs():
    from conftest import ROOT

    from pipeline.archive.contents import action_of, draft_form
    from pipeline.documents import GENRE, KINDS, PERSONAL

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "| 文书 | 文种 | 稿本 | 业务行为 | 责任者的机构人员类型 |" in readme
    for kind in KINDS:
        genre = GENRE.get(kind.key, "")
        row = f"| {kind.title}（`{kind.key}`） | {genre} | {draft_form(kind.key)} | {action_of(genre)} | {'个人' if kind.key in PERSONAL else '单位'} |"
        assert row in readme, row


def test_a_signed_zip_verifies_and_json_output_names_the_signer(made, tmp_path):
    package = tmp_path / "签名.zip"
    run = run_cli(
        "archive", str(made["out"]), "--record", str(SAMPLE), "-o", str(package), "--sign", str(made["key"])
    )  # fmt: skip
    assert run.exit_code == 0, run.output
    with zipfile.ZipFile(package) as z:
        assert "签名.json" in z.namelist()
    run = run_cli("verify", str(package), "--key", str(made["pub"]), "--format", "json")
    assert run.exit_code == 0, run.output
    got = json.loads(run.stdout)
    assert got["ok"] and got["signed"] and got["signature_checked"] and got["signer"] == "青石县民政局"
    # The signature file swapped into another package signed by the same key: the manifests differ.
    other = tmp_path / "换签名"
    shutil.copytree(made["folder"], other)
    with zipfile.ZipFile(package) as z:
        (other / "签名.json").write_bytes(z.read("签名.json"))
    run = run_cli("verify", str(other), "--key", str(made["pub"]))
    assert (
        run.exit_code == 1
        and "manifest-sha256.txt：与 签名.json 中签名时的摘要不符：清单在签名之后被改动过" in run.stdout
    )
