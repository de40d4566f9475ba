"""Hostile packages: zip bombs, crafted PDFs, repeated entries, names leading outside, truncated zips, a FIFO, and
symlinks or special files in a folder package never make verify hang, blow up or write anything."""

from __future__ import annotations

import json
import os
import shutil
import struct
import subprocess
import sys
import textwrap
import time
import zipfile
import zlib
from pathlib import Path

from conftest import ROOT

from pipeline.archive import pdf, verify

LEGACY = Path(__file__).parent / "data" / "legacy-0.1.0" / "batch.zip"  # a clean package, verified in ~1 s
GiB, MiB = 1 << 30, 1 << 20
MEMORY = 1 * GiB  # the child's address space: today's code needed 3-4 GB for these packages
SECONDS = 20  # today: minutes to hours


def verify_in_child(package: Path, timeout: float = 90) -> tuple[list[str], float]:
    """The problem lines of `verify_package(package)` run under RLIMIT_AS, and how long it took."""
    code = f"""
        import json, resource, time
        resource.setrlimit(resource.RLIMIT_AS, ({MEMORY}, {MEMORY}))
        from pipeline.archive import verify_package
        start = time.monotonic()
        result = verify_package({str(package)!r})
        print(json.dumps({{"lines": [p.line() for p in result.problems], "seconds": time.monotonic() - start}}))
    """
    run = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT, capture_output=True, text=True, timeout=timeout
    )
    assert run.returncode == 0, run.stderr[-3000:]
    got = json.loads(run.stdout.strip().splitlines()[-1])
    return got["lines"], got["seconds"]


def package_size() -> int:
    return LEGACY.stat().st_size


def first_pdf() -> str:
    with zipfile.ZipFile(LEGACY) as zf:
        return next(n for n in zf.namelist() if n.endswith(".pdf"))


def package_with(dst: Path, name: str, chunks, compress: int = zipfile.ZIP_DEFLATED) -> Path:
    """LEGACY with member `name` (replaced or added) written from `chunks`, streamed so nothing big is in memory."""
    with zipfile.ZipFile(LEGACY) as src, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            if info.filename != name:
                out.writestr(info, src.read(info))
        info = zipfile.ZipInfo(name, date_time=(2026, 4, 28, 0, 0, 0))
        info.compress_type = compress
        with out.open(info, "w", force_zip64=True) as handle:
            for chunk in chunks:
                handle.write(chunk)
    return dst


def zeros(total: int, step: int = 16 * MiB):
    block = bytes(step)
    for _ in range(total // step):
        yield block


def ratio_message(package: Path, name: str) -> str:
    with zipfile.ZipFile(package) as zf:
        info = zf.getinfo(name)
    assert info.compress_size < MiB
    return (
        f"{name}：压缩比过高：压缩后 {info.compress_size} 字节，解压后 {info.file_size // MiB} MB，"
        "超过 100:1 的上限，未读取（疑似“zip 炸弹”）"
    )


def test_d6a_a_member_of_zeros_is_refused_by_its_ratio_unread(tmp_path):
    package = package_with(tmp_path / "a.zip", "其他/bomb.bin", zeros(64 * MiB))
    assert package.stat().st_size < package_size() + 1 * MiB
    lines, seconds = verify_in_child(package)
    assert ratio_message(package, "其他/bomb.bin") in lines
    assert "其他/bomb.bin：没有列入 manifest-sha256.txt（来历不明的文件，或清单被改动）" in lines
    assert seconds < SECONDS


def test_d6b_an_item_pdf_of_zeros_is_neither_inflated_nor_written_to_disk(tmp_path):
    name = first_pdf()
    package = package_with(tmp_path / "b.zip", name, [b"%PDF-1.7\n", *zeros(80 * MiB)])
    lines, seconds = verify_in_child(package)
    assert ratio_message(package, name) in lines
    assert seconds < SECONDS


def test_the_pdfinfo_fallback_writes_no_large_pdf_to_tmp(monkeypatch):
    monkeypatch.setattr(pdf, "PDFINFO_LIMIT", 1 * MiB)
    written = []
    monkeypatch.setattr(pdf.tempfile, "NamedTemporaryFile", lambda *a, **k: written.append(a) or 1 / 0)
    assert pdf.pdf_pages(None, b"%PDF-1.7\n" + bytes(pdf.PDFINFO_LIMIT)) is None
    assert written == []


def xmp_bomb(inflated: int) -> bytes:
    """A PDF whose one /Metadata FlateDecode stream inflates to `inflated` zero bytes (a valid zlib stream)."""
    step = 16 * MiB
    block = bytes(step)
    deflate = zlib.compressobj(9)
    first = deflate.compress(block) + deflate.flush(zlib.Z_FULL_FLUSH)
    again = deflate.compress(block) + deflate.flush(zlib.Z_FULL_FLUSH)  # the same bytes for every later block
    last = deflate.flush()
    adler = (inflated % 65521) << 16 | 1  # Adler-32 of `inflated` zero bytes: a = 1, b = n mod 65521
    stream = first + again * (inflated // step - 1) + last[:-4] + struct.pack(">I", adler)
    # A well-formed PDF (catalogue, empty page tree, cross-reference table), so that pikepdf opens it and reaches
    # the catalogue's /Metadata: only the inflating is left to bound.
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R /Metadata 3 0 R >>",
        b"<< /Type /Pages /Kids [] /Count 0 >>",
        b"<< /Type /Metadata /Subtype /XML /Filter /FlateDecode /Length %d >>\nstream\n" % len(stream)
        + stream
        + b"\nendstream",
    ]
    out = b"%PDF-1.7\n"
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    return out + b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)


def test_d6c_an_xmp_zlib_bomb_is_inflated_only_up_to_its_cap(tmp_path):
    name = first_pdf()
    bomb = xmp_bomb(1536 * MiB)
    assert len(bomb) < 2 * MiB
    package = package_with(tmp_path / "c.zip", name, [bomb], compress=zipfile.ZIP_STORED)
    lines, seconds = verify_in_child(package)  # 0.1: 1.5 GiB inflated in one piece (a MemoryError here)
    assert f"{name}：XMP 元数据中没有 PDF/A 标识（pdfaid:part、pdfaid:conformance）" in lines
    assert seconds < SECONDS


def test_d6d_many_unclosed_xmp_tags_take_linear_time(tmp_path):
    name = first_pdf()
    package = package_with(tmp_path / "d.zip", name, [b"%PDF-1.7\n" + b"<x:xmpmeta " * 100_000 + b"\n%%EOF\n"])
    lines, seconds = verify_in_child(package, timeout=60)  # 0.1: quadratic, ~72 s at 40,000
    assert f"{name}：PDF 结构损坏，无法打开（无法读取页数、PDF/A 标识和字体）" in lines
    assert seconds < SECONDS


def test_d6e_many_objects_without_endobj_and_long_digit_runs_take_linear_time(tmp_path):
    name = first_pdf()
    body = b"1 0 obj " * 100_000 + b"7" * 200_000 + b" " + b"endobj"
    package = package_with(tmp_path / "e.zip", name, [b"%PDF-1.7\n" + body + b"\n%%EOF\n"])
    lines, seconds = verify_in_child(package, timeout=60)  # 0.1: quadratic, 11 s at 40,000
    assert f"{name}：PDF 结构损坏，无法打开（无法读取页数、PDF/A 标识和字体）" in lines
    assert seconds < SECONDS


def repeat_central_record(src: Path, dst: Path, name: str, copies: int, renamed: int) -> None:
    """`src` with the central-directory record of `name` repeated `copies` times, and `renamed` more under new names."""
    data = src.read_bytes()
    eocd = data.rindex(b"PK\x05\x06")
    entries, size, offset = struct.unpack("<HII", data[eocd + 10 : eocd + 20])
    directory = data[offset : offset + size]
    encoded = name.encode("utf-8")
    at = 0
    record = b""
    while at < len(directory):
        n, m, k = struct.unpack("<HHH", directory[at + 28 : at + 34])
        if directory[at + 46 : at + 46 + n] == encoded:
            record = directory[at : at + 46 + n + m + k]
        at += 46 + n + m + k
    assert record
    n, m, k = struct.unpack("<HHH", record[28:34])
    others = []
    for i in range(renamed):
        other = f"其他/副本{i:05d}.bin".encode()
        others.append(record[:28] + struct.pack("<H", len(other)) + record[30:46] + other + record[46 + n :])
    extra = record * copies + b"".join(others)
    directory += extra
    total = entries + copies + renamed
    tail = data[eocd : eocd + 8] + struct.pack("<HHII", total, total, len(directory), offset) + data[eocd + 20 :]
    dst.write_bytes(data[:offset] + directory + tail)


def test_d6f_repeated_central_directory_records_are_refused_before_hashing(tmp_path):
    # 16 MiB of zeros stays under the ratio cap, so it is hashed: once, not once per record
    single = package_with(tmp_path / "one.zip", "其他/zeros.bin", zeros(16 * MiB))
    package = tmp_path / "f.zip"
    repeat_central_record(single, package, "其他/zeros.bin", copies=3000, renamed=3000)
    assert package.stat().st_size < package_size() + 1 * MiB
    with zipfile.ZipFile(package) as zf:
        assert len(zf.infolist()) > 6000
    lines, seconds = verify_in_child(package, timeout=120)  # today: 96 GiB inflated and hashed, hours
    assert lines.count("其他/zeros.bin：在数据包中出现了不止一次") == 3000
    assert "其他/副本00000.bin：与 其他/zeros.bin 共用数据包中的同一段数据（数据包被篡改），未读取" in lines
    assert sum("共用数据包中的同一段数据" in line for line in lines) == 3000
    assert seconds < SECONDS


def test_a_fifo_given_as_the_package_is_refused_without_hanging(tmp_path):
    fifo = tmp_path / "P.zip"
    os.mkfifo(fifo)
    start = time.monotonic()
    run = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "verify", str(fifo)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,  # today: hangs in open()
    )
    assert time.monotonic() - start < SECONDS
    assert run.returncode == 2
    assert f"{fifo} 不是普通文件（是命名管道、设备或套接字），也不是文件夹，不是数据包，未读取。" in run.stderr


def test_a_member_over_the_size_cap_is_not_read(tmp_path, monkeypatch):
    monkeypatch.setattr(verify, "MEMBER_LIMIT", 1 * MiB)
    package = package_with(tmp_path / "g.zip", "其他/big.bin", [os.urandom(2 * MiB)])
    lines = [p.line() for p in verify.verify_package(str(package)).problems]
    assert "其他/big.bin：解压后有 2 MB，超过单个文件 1 MB 的上限，未读取（疑似“zip 炸弹”）" in lines


# --------------------------------------------------------------------------------------------
# Hostile names, truncated zips and hostile folder packages (issue 19, item 6)
# --------------------------------------------------------------------------------------------
def test_member_names_leading_outside_the_package_are_named_and_nothing_is_written(tmp_path, monkeypatch):
    package = tmp_path / "names.zip"
    shutil.copyfile(LEGACY, package)
    with zipfile.ZipFile(package, "a") as zf:
        zf.writestr("../逃逸.txt", b"x")
        zf.writestr("/tmp/绝对路径.txt", b"x")
        zf.writestr("其他/../../上两级.txt", b"x")
        zf.writestr("C:/windows.txt", b"x")
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)
    before = sorted(p.name for p in tmp_path.iterdir())
    lines, seconds = verify_in_child(package)
    outside = "解压时会写到数据包文件夹以外的地方（数据包被篡改）"
    assert f"../逃逸.txt：路径不安全：含“..”，{outside}" in lines
    assert f"其他/../../上两级.txt：路径不安全：含“..”，{outside}" in lines
    assert f"/tmp/绝对路径.txt：路径不安全：是绝对路径，{outside}" in lines
    assert f"C:/windows.txt：路径不安全：是绝对路径，{outside}" in lines
    assert sorted(p.name for p in tmp_path.iterdir()) == before and list(work.iterdir()) == []
    assert not Path("/tmp/绝对路径.txt").exists()
    assert seconds < SECONDS


def test_a_truncated_zip_says_it_is_incomplete(tmp_path):
    data = LEGACY.read_bytes()
    for keep in (len(data) // 2, len(data) - 10):
        cut = tmp_path / f"cut{keep}.zip"
        cut.write_bytes(data[:keep])
        run = subprocess.run(
            [sys.executable, "-m", "pipeline.cli", "verify", str(cut)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert run.returncode == 2, run.stderr
        assert f"错误：数据包 {cut} 不完整：zip 文件末尾的文件目录缺失" in run.stderr
        assert "请重新复制完整的数据包后再校验。" in run.stderr and "Traceback" not in run.stderr


def test_a_zip_cut_inside_its_data_names_the_broken_files(tmp_path):
    """The central directory is kept but the data of the last members is gone (cut and the directory re-appended)."""
    data = LEGACY.read_bytes()
    eocd = data.rindex(b"PK\x05\x06")
    size, offset = struct.unpack("<II", data[eocd + 12 : eocd + 20])
    with zipfile.ZipFile(LEGACY) as zf:
        last = max(zf.infolist(), key=lambda i: i.header_offset)
    hole = bytes(offset - last.header_offset)  # the last member's bytes zeroed: its header and data are gone
    broken = tmp_path / "hole.zip"
    broken.write_bytes(data[: last.header_offset] + hole + data[offset:])
    lines, _ = verify_in_child(broken)
    assert any(line.startswith(f"{last.filename}：无法读出（zip 数据损坏") for line in lines), lines


def extracted(tmp_path: Path) -> Path:
    folder = tmp_path / "包"
    with zipfile.ZipFile(LEGACY) as zf:
        zf.extractall(folder)
    return folder


def test_a_folder_package_verifies_like_its_zip(tmp_path):
    folder = extracted(tmp_path)
    lines, seconds = verify_in_child(folder)
    assert lines == [] and seconds < SECONDS


def test_symlinks_in_a_folder_package_are_named_and_never_followed(tmp_path):
    folder = extracted(tmp_path)
    secret = tmp_path / "包外的文件.txt"
    secret.write_text("不应被读取", encoding="utf-8")
    (folder / "其他" / "链接.txt").symlink_to(secret)
    (folder / "其他" / "目录链接").symlink_to("/")
    pdf_path = folder / first_pdf()
    pdf_path.unlink()
    pdf_path.symlink_to(secret)
    lines, seconds = verify_in_child(folder)
    rule = "数据包中不得有符号链接（移交时可能丢失或指向包外的文件）；未跟随、未读取"
    assert f"其他/链接.txt：是符号链接（指向 {secret}），{rule}" in lines
    assert f"其他/目录链接：是符号链接（指向 /），{rule}" in lines
    assert f"{first_pdf()}：是符号链接（指向 {secret}），{rule}" in lines
    assert f"{first_pdf()}：manifest-sha256.txt 中列出了这个文件，但数据包中没有" in lines
    assert not any("etc" in line or "bin/" in line for line in lines)  # / was not walked
    assert seconds < SECONDS


def test_a_fifo_inside_a_folder_package_is_named_without_hanging(tmp_path):
    folder = extracted(tmp_path)
    os.mkfifo(folder / "其他" / "管道")
    lines, seconds = verify_in_child(folder, timeout=60)
    assert "其他/管道：不是普通文件（是命名管道、设备或套接字），数据包中不得有这类文件；未读取" in lines
    assert seconds < SECONDS


def test_a_folder_manifest_listing_absent_files_or_omitting_present_ones(tmp_path):
    folder = extracted(tmp_path)
    gone = next(p for p in sorted(folder.rglob("*.docx")) if p.parts[-5] == "电子档案")
    rel = gone.relative_to(folder).as_posix()
    gone.unlink()
    (folder / "其他" / "多出来的.txt").write_text("?", encoding="utf-8")
    lines, _ = verify_in_child(folder)
    assert f"{rel}：manifest-sha256.txt 中列出了这个文件，但数据包中没有" in lines
    assert f"{rel}：manifest-sm3.txt 中列出了这个文件，但数据包中没有" in lines
    assert "其他/多出来的.txt：没有列入 manifest-sha256.txt（来历不明的文件，或清单被改动）" in lines
    assert "其他/多出来的.txt：没有列入 manifest-sm3.txt（来历不明的文件，或清单被改动）" in lines
    assert f"{rel}：缺少这个文件（每件应有 PDF、原始 .docx、XML 和 JSON 元数据）" in lines


def test_a_huge_sparse_file_in_a_folder_package_is_not_read(tmp_path):
    folder = extracted(tmp_path)
    with open(folder / "其他" / "大文件.bin", "wb") as handle:
        handle.truncate(2 * GiB)  # sparse: takes no disk
    lines, seconds = verify_in_child(folder)
    assert "其他/大文件.bin：有 2048 MB，超过单个文件 1024 MB 的上限，未读取" in lines
    assert seconds < SECONDS
