"""Scans of the signed and stamped paper originals: found in a folder, matched to the documents, named in the package.

A scan belongs to a document when (in this order):

* the mapping file ``扫描件对照.yaml`` in the scans folder says so (``扫描文件: 文书``; the document by its path in
  the output folder, with or without ``.docx``, or by its file name when that is unique);
* its path in the scans folder, without the suffix and a trailing page number (``-1``, ``_2``, ``（3）``), is the
  document's path in the output folder without ``.docx``;
* or its file name (so stripped) is the document's file name, when only one document has that name.

Accepted: PDF, JPEG and TIFF, recognised by their first bytes (a ``.jpg`` that is not a JPEG is refused). In the
package a scan is ``<档号>-扫描NN.<pdf|jpg|tif>`` beside ``<档号>.pdf``, NN counting from 01 in name order.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field

import yaml

from ..fsutil import os_reason
from .errors import ArchiveError

__all__ = ["MAPPING_FILE", "SCAN_NAME", "Scan", "ScanMatch", "match_scans", "scan_format", "scan_kind"]

MAPPING_FILE = "扫描件对照.yaml"
SUFFIXES = {".pdf": "pdf", ".jpg": "jpg", ".jpeg": "jpg", ".tif": "tif", ".tiff": "tif"}
SCAN_NAME = re.compile(r"^(.+)-扫描(\d{2})\.(pdf|jpg|tif)$")  # in the package
FORMATS = {
    "pdf": "PDF（扫描件）",
    "jpg": "JPEG 图像（ISO/IEC 10918-1）",
    "tif": "TIFF 图像（TIFF 6.0）",
}
_PAGE = re.compile(r"(?:[-_ ]\d{1,3}|（\d{1,3}）|\(\d{1,3}\))$")


@dataclass(frozen=True)
class Scan:
    path: str  # on disk
    rel: str  # in the scans folder, "/"-separated
    kind: str  # pdf | jpg | tif


@dataclass
class ScanMatch:
    """Which scans belong to which document (by the document's rel), and the scans that were left out, with why."""

    by_doc: dict[str, list[Scan]] = field(default_factory=dict)
    left_out: list[str] = field(default_factory=list)  # Chinese, one line per scan


def scan_kind(head: bytes) -> str:
    """pdf, jpg or tif from a file's first bytes; "" for anything else."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return "tif"
    return ""


def scan_format(kind: str) -> str:
    return FORMATS[kind]


def _strip(stem: str) -> str:
    return _PAGE.sub("", stem)


def _walk(folder: str) -> list[tuple[str, str]]:
    """(path, rel) of every regular file under `folder`, never through a link."""
    found = []
    for top, dirs, files in os.walk(folder, followlinks=False):
        dirs.sort()
        for name in sorted(files):
            path = os.path.join(top, name)
            if not stat.S_ISREG(os.lstat(path).st_mode):
                continue
            found.append((path, os.path.relpath(path, folder).replace(os.sep, "/")))
    return found


def _mapping(folder: str) -> dict[str, str]:
    path = os.path.join(folder, MAPPING_FILE)
    if not os.path.exists(path):
        return {}
    try:
        with open(path, "rb") as handle:
            data = yaml.safe_load(handle.read().decode("utf-8-sig"))
    except OSError as exc:
        raise ArchiveError(f"无法读取扫描件对照表 {path}（{os_reason(exc)}）。") from None
    except (UnicodeDecodeError, yaml.YAMLError):
        raise ArchiveError(
            f"扫描件对照表 {path} 不是有效的 UTF-8 YAML；每行写“扫描文件名: 文书文件名”，如 "
            "“张三承诺书.jpg: 青石县/白云乡/胜利村党支部/05-候选人竞争承诺书-张三.docx”。"
        ) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ArchiveError(f"扫描件对照表 {path} 应为“扫描文件名: 文书文件名”的对照表。")
    return {str(k): str(v) for k, v in data.items()}


def match_scans(folder: str, documents: list[str]) -> ScanMatch:
    """Match the scans under `folder` to `documents` (their rels in the output folder, "/"-separated)."""
    if not os.path.isdir(folder):
        raise ArchiveError(f"找不到扫描件文件夹 {folder}（--scans 应给出放扫描件的文件夹）。")
    by_rel = {rel[: -len(".docx")] if rel.endswith(".docx") else rel: rel for rel in documents}
    by_name: dict[str, list[str]] = {}
    for stem, rel in by_rel.items():
        by_name.setdefault(stem.rsplit("/", 1)[-1], []).append(rel)
    mapping = _mapping(folder)
    result = ScanMatch()
    for path, rel in _walk(folder):
        if rel == MAPPING_FILE:
            continue
        stem, suffix = os.path.splitext(rel)
        kind = SUFFIXES.get(suffix.lower())
        if kind is None:
            result.left_out.append(f"扫描件 {rel}：不是 PDF、JPEG 或 TIFF 文件，未归档")
            continue
        try:
            with open(path, "rb") as handle:
                actual = scan_kind(handle.read(8))
        except OSError as exc:
            result.left_out.append(f"扫描件 {rel}：无法读取（{os_reason(exc)}），未归档")
            continue
        if actual != kind:
            result.left_out.append(f"扫描件 {rel}：文件内容不是扩展名所说的 {kind.upper()} 格式，未归档")
            continue
        target, why = _target(rel, stem, mapping, by_rel, by_name)
        if target is None:
            result.left_out.append(f"扫描件 {rel}：{why}，未归档")
            continue
        result.by_doc.setdefault(target, []).append(Scan(path, rel, kind))
    return result


def _target(
    rel: str, stem: str, mapping: dict[str, str], by_rel: dict[str, str], by_name: dict[str, list[str]]
) -> tuple[str | None, str]:
    """The document `rel` belongs to, or None and why not."""
    named = mapping.get(rel) or mapping.get(rel.rsplit("/", 1)[-1])
    if named is not None:
        key = named[: -len(".docx")] if named.endswith(".docx") else named
        if key in by_rel:
            return by_rel[key], ""
        candidates = by_name.get(key.rsplit("/", 1)[-1], [])
        if "/" not in key and len(candidates) == 1:
            return candidates[0], ""
        return None, f"对照表 {MAPPING_FILE} 中写的文书“{named}”不在要归档的文书中"
    for key in (stem, _strip(stem)):
        if key in by_rel:
            return by_rel[key], ""
    name = _strip(stem.rsplit("/", 1)[-1])
    candidates = by_name.get(name, [])
    if len(candidates) == 1:
        return candidates[0], ""
    if candidates:
        return None, (
            f"有 {len(candidates)} 份文书都叫“{name}”，无法确定是哪一份；请按输出文件夹的目录放扫描件，"
            f"或在 {MAPPING_FILE} 中写明"
        )
    return None, "没有同名的文书（扫描件应与文书同名，或在对照表中写明）"
