"""Archival submission package (归档数据包): PDF/A-2b, 档号, DA/T 46 metadata, SHA-256 and SM3 manifests.

`build_package(OUT, PACKAGE)` is ``huanjie archive`` (a folder, or a zip when PACKAGE ends in .zip);
`verify_package(PACKAGE, key=...)` is ``huanjie verify``. This package never prints and never exits: progress goes through a callback, problems are
exceptions with Chinese messages (`ArchiveError` and subclasses) or entries of the results.

Rooms: `build` (the story of one run) · `settings` (档号 settings) · `collect` (gathering a batch
or render output, re-checking each record) · `items` (the data of one run) · `contents` (DA/T 46
metadata, catalogue, 说明文件, manifests) · `layout` (package paths, the zip and folder writers) · `verify` ·
`errors` · `pdf` (LibreOffice, poppler, pikepdf) · `sm3` · `sign` (Ed25519 keys and 签名.json) · `scans` (scans
of the signed originals) · `schema` (the XSD in 其他/元数据规范/).

Input
-----
* A batch output (``huanjie batch DIR -o OUT``): ``OUT/report.json`` lists every unit, its status,
  findings and documents (with SHA-256), and the level summaries. The records are read from the
  report's ``source`` folder (or ``records=``), because the package carries them.
* A single render output folder (``huanjie render FILE -o DIR``): its .docx files, with the record
  given as ``record=``.

A unit is refused (listed in the 说明文件, the check report and the result, never archived) when its
record has rule errors or cannot be read, was changed after its documents were made, one of its
documents is missing, was altered after generation (hash) or is a draft (``草稿（未通过校验）`` in a
header), or one of its documents could not be converted to PDF/A. Level summaries of a batch are
archived as items of their level folder.

Package layout (after 《电子档案移交与接收办法》 and DA/T 22-2015)
----------------------------------------------------
::

    说明文件.txt                     producer, dates, programs and versions, fonts used, standards, refusals
    文件目录.xml / .json / .xlsx     one entry per 件: 顺序号, 档号, 文号, 责任者, 题名, 日期, 密级, 页数, 备注 …
    电子档案/<年度>/<保管期限>/<档号>/
        <档号>.pdf                   PDF/A-2b preservation copy (LibreOffice)
        <档号>.docx                  the original Word document
        <档号>.xml / <档号>.json     DA/T 46 metadata of the 件 (same content)
        <档号>-扫描NN.<pdf|jpg|tif>  scans of the signed paper original (archive --scans)
    其他/记录/…                      the input records (paths as under the records folder)
    其他/校验报告.json               every unit: archived or refused, why, its findings
    其他/批量生成/…                  the batch's report.json, 批量报告.xlsx, manifest.json (batch input only)
    其他/模板/…                      the templates and fonts.conf used, so the documents can be regenerated
    其他/档号设置.yaml               the numbering settings used
    其他/元数据规范/…                the XSD of the item metadata and the catalogue, the naming rules
    manifest-sha256.txt, manifest-sm3.txt          "<hex>  <path>" for every file above
    tagmanifest-sha256.txt, tagmanifest-sm3.txt    the same for the two manifests
    签名.json                                      Ed25519 signature over the four manifests (archive --sign)

Determinism: entries are sorted by path and all carry the same time (the latest document date of
the records, 00:00); metadata, catalogues and manifests are written in a fixed order; the .xlsx
files are re-zipped with fixed times. The PDFs are not byte-reproducible: LibreOffice writes the
conversion time into their Info dictionary, XMP and ICC profile, and a random /ID.
"""

from __future__ import annotations

from .build import build_package
from .collect import is_draft as is_draft  # re-exported: the CLI and tests use it
from .errors import ArchiveError, NothingToArchive, PackageExists, PackageUnreadable, SettingsError
from .items import ArchiveEvent, ArchiveResult, Refusal
from .layout import CATALOGUE, MANIFESTS, README_FILE, TAGMANIFESTS
from .layout import TOP_FILES as TOP_FILES  # re-exported: tests use it
from .settings import RETENTION, SETTINGS_HELP, ArchiveSettings, dang_hao, load_settings
from .verify import Problem, VerifyResult, verify_package

__all__ = [
    "ArchiveError",
    "SettingsError",
    "PackageExists",
    "NothingToArchive",
    "PackageUnreadable",
    "ArchiveSettings",
    "load_settings",
    "ArchiveEvent",
    "ArchiveResult",
    "Refusal",
    "build_package",
    "verify_package",
    "VerifyResult",
    "Problem",
    "dang_hao",
    "RETENTION",
    "README_FILE",
    "CATALOGUE",
    "MANIFESTS",
    "TAGMANIFESTS",
    "SETTINGS_HELP",
]
