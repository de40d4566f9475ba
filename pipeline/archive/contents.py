"""The files of a package: DA/T 46 metadata of each 件, the catalogue (xml/json/xlsx), the check report, 说明文件, manifests."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import re
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.etree import ElementTree

from .. import __version__
from ..batch.tree import common_root
from ..documents import KINDS, PERSONAL, DocumentKind
from ..render import TemplateProblem, template_path
from ..rules import exceptions as approved
from . import pdf, sm3
from .layout import (
    BATCH_DIR,
    CATALOGUE,
    CHECK_REPORT,
    ITEMS_DIR,
    MANIFESTS,
    README_FILE,
    RECORDS_DIR,
    SETTINGS_COPY,
    TAGMANIFESTS,
    TEMPLATES_COPY,
    zip_time,
)
from .scans import scan_format
from .schema import CATALOGUE_COLUMNS, SCHEMA_DIR, schema_files
from .settings import CATEGORY, RETENTION, ArchiveSettings
from .sign import SIGNATURE_FILE, PrivateKey, signature_file

if TYPE_CHECKING:
    from .items import ArchiveResult, Input, Item

__all__ = [
    "STANDARDS",
    "CATALOGUE_COLUMNS",
    "package_files",
    "metadata",
    "to_xml",
]


STANDARDS = [
    "GB/T 9704-2012《党政机关公文格式》（文书版式）",
    "DA/T 22-2015《归档文件整理规则》（以件为单位整理；档号结构 全宗号-门类代码·年度-保管期限-机构（问题）代码-件号；归档文件目录）",
    "DA/T 46-2009《文书类电子文件元数据方案》（每件的元数据，采用其中适用的元素）",
    "GB/T 18894-2016《电子文件归档与电子档案管理规范》（以版式文件 PDF/A 为长期保存格式，同时保留原始格式）",
    "ISO 19005-2:2011（PDF/A-2b）",
    "DA/T 70-2018《文书类电子档案检测一般要求》（真实性、完整性、可用性、安全性检测，可用 huanjie verify 复核）",
    "GB/T 32905-2016《信息安全技术 SM3密码杂凑算法》及 SHA-256（FIPS 180-4）：每个文件的数字摘要",
    "《电子档案移交与接收办法》（2012）：数据包目录结构、说明文件与文件目录",
]

PDF_FORMAT = "PDF/A-2b（ISO 19005-2:2011）"
DOCX_FORMAT = "Office Open XML 文字处理文档（.docx，ISO/IEC 29500）"

CATALOGUE_WIDTHS = [8, 26, 18, 26, 60, 11, 6, 6, 30, 62, 62, 44]

Files = dict[str, bytes | str]  # package path → bytes, or a file on disk


def package_files(
    data: Input,
    items: list[Item],
    settings: ArchiveSettings,
    result: ArchiveResult,
    made_on: dt.date,
    key: PrivateKey | None = None,
) -> Files:
    """Package path → bytes (or a file on disk), manifests included, signed with `key` when given; sets
    `result.files`."""
    producer = _producer(data, settings, items)
    files: Files = {}
    catalogue = []
    for n, item in enumerate(items, 1):
        files |= _item_files(item, settings, producer, result.libreoffice, data.version, made_on)
        catalogue.append(_catalogue_entry(n, item, settings))
    files |= _catalogue_files(catalogue, producer, zip_time([it.doc.date for it in items]))
    files |= _unit_files(data, items)
    files |= data.extra
    files |= _template_files(data.templates_dir)
    files |= schema_files()
    files[SETTINGS_COPY] = settings.to_yaml().encode("utf-8")
    result.files = len(files) + 1 + len(MANIFESTS) + len(TAGMANIFESTS) + (1 if key else 0)
    size = sum(len(v) if isinstance(v, bytes) else os.path.getsize(v) for v in files.values())
    files[README_FILE] = _readme(data, items, settings, result, producer, made_on, key, size, result.files).encode(
        "utf-8"
    )
    manifests = _manifests(files)
    files |= manifests
    if key is not None:
        files[SIGNATURE_FILE] = signature_file(key, manifests, made_on)
    return files


# --------------------------------------------------------------------------------------------
# One 件: its two files and its DA/T 46 metadata
# --------------------------------------------------------------------------------------------
def _item_files(
    item: Item, settings: ArchiveSettings, producer: str, libreoffice: str, version: str, made_on: dt.date
) -> Files:
    pdf_data = Path(item.pdf).read_bytes()
    docx_data = Path(item.doc.path).read_bytes()
    scans = {}
    rows = []
    for n, scan in enumerate(item.scans, 1):
        name = scan_file_name(item, n)
        scans[f"{item.folder}/{name}"] = scan.path
        size, sha, sm = _file_digests(scan.path)
        rows.append(
            {
                "计算机文件名": name,
                "格式信息": scan_format(scan.kind),
                "计算机文件大小": size,
                "文档创建程序": f"扫描设备（扫描件由归档单位提供，原文件 {scan.rel}）",
                "SHA256": sha,
                "SM3": sm,
                "用途": "纸质原件扫描件",
            }
        )
    meta = metadata(
        item, settings, producer, libreoffice, version, _digests(pdf_data), _digests(docx_data), made_on=made_on
    )
    meta["电子属性"] += rows
    return {
        f"{item.folder}/{item.dh}.pdf": item.pdf,
        f"{item.folder}/{item.dh}.docx": item.doc.path,
        f"{item.folder}/{item.dh}.json": _json(meta),
        f"{item.folder}/{item.dh}.xml": to_xml("文件", meta, {"档号": item.dh}),
        **scans,
    }


def scan_file_name(item: Item, n: int) -> str:
    """The package name of the `n`-th scan of `item`: <档号>-扫描01.jpg."""
    return f"{item.dh}-扫描{n:02d}.{item.scans[n - 1].kind}"


def _file_digests(path: str) -> tuple[int, str, str]:
    sha, sm, size = hashlib.sha256(), sm3.new(), 0
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            sha.update(chunk)
            sm.update(chunk)
            size += len(chunk)
    return size, sha.hexdigest(), sm.hexdigest()


def metadata(
    item: Item,
    settings: ArchiveSettings,
    producer: str,
    libreoffice: str,
    version: str,
    pdf_bytes: tuple[int, str, str],
    docx_bytes: tuple[int, str, str],
    made_on: dt.date | None = None,
) -> dict:
    """The DA/T 46 metadata of one 件; `pdf_bytes`/`docx_bytes` are (size, SHA-256, SM3) of its files; `made_on`
    the day it was archived (the 归档 业务行为)."""
    doc = item.doc
    creator = f"huanjie {version}" + (f"（模板 {doc.template}）" if doc.template else "")
    files = [
        {
            "计算机文件名": f"{item.dh}.pdf",
            "格式信息": f"{PDF_FORMAT}，PDF {item.version}",
            "计算机文件大小": pdf_bytes[0],
            "文档创建程序": f"{libreoffice}（PDF/A-2b 导出，源文件由 {creator} 生成）",
            "SHA256": pdf_bytes[1],
            "SM3": pdf_bytes[2],
            "用途": "长期保存版本",
        },
        {
            "计算机文件名": f"{item.dh}.docx",
            "格式信息": DOCX_FORMAT,
            "计算机文件大小": docx_bytes[0],
            "文档创建程序": creator,
            "SHA256": docx_bytes[1],
            "SM3": docx_bytes[2],
            "用途": "原始格式",
        },
    ]
    return {
        "元数据方案": "DA/T 46-2009 文书类电子文件元数据方案（适用元素）",
        "聚合层次": "件",
        "来源": {"立档单位名称": producer},
        "档号": _code_parts(item, settings),
        "内容描述": _content(item) | {"密级": settings.classification},
        "形式特征": {"页数": item.pages, "语种": "汉语", "稿本": draft_form(doc.kind)},
        "电子属性": files,
        "机构人员实体": _agents(item, producer),
        "业务实体": _actions(item, producer, made_on or dt.date.today()),
        "附注": _notes(item),
    }


# 稿本 (DA/T 46) of the kinds that are not a finished 正本 when they are generated: forms printed blank to be filled
# in by hand, and documents that only count once the person has signed them.
BLANK_FORMS = frozenset({"ballot", "plenary_ballot", "tally"})
TO_SIGN = frozenset(PERSONAL | {"proxy"})
# 业务行为 of each 文种 (what the 责任者 did with the document), "形成" for the rest.
ACTIONS = {
    "公告": "发布",
    "选票": "印制",
    "计票单": "印制",
    "承诺书": "签署",
    "证书": "颁发",
    "证件": "颁发",
    "委托书": "出具",
    "报告": "报送",
    "请示": "报送",
    "备案表": "报送",
    "统计表": "报送",
    "花名册": "报送",
    "名册": "报送",
    "办法": "制定",
    "议程": "制定",
    "总结": "报送",
}


def draft_form(kind: str) -> str:
    """The 稿本 of a document kind: 空白文书 (a blank form), 待签 (awaiting the signature) or 正本."""
    if kind in BLANK_FORMS:
        return "空白文书"
    if kind in TO_SIGN:
        return "待签"
    return "正本"


def action_of(genre: str) -> str:
    """The 业务行为 of a document of 文种 `genre`."""
    return ACTIONS.get(genre, "形成")


def _agents(item: Item, producer: str) -> list[dict]:
    """机构人员实体: the 责任者 (a person for a pledge, else a body) and the 立档单位 that archives it."""
    doc = item.doc
    agents = [
        {"机构人员类型": "个人" if doc.kind in PERSONAL else "单位", "机构人员名称": doc.author, "职责": "责任者"}
    ]
    if producer and producer != doc.author:
        agents.append({"机构人员类型": "单位", "机构人员名称": producer, "职责": "立档单位"})
    return agents


def _actions(item: Item, producer: str, made_on: dt.date) -> list[dict]:
    """业务实体: the act that made the document (on its 成文日期) and its archiving (on the day of the package)."""
    doc = item.doc
    verb = action_of(doc.genre)
    form = draft_form(doc.kind)
    made = {
        "业务状态": "历史行为",
        "业务行为": verb,
        "行为时间": doc.date,
        "行为描述": f"{doc.author}{verb}《{doc.title}》"
        + {
            "空白文书": "（生成的是空白文书，填写后的纸质件为原件）",
            "待签": "（生成的是待签文本，签名后的纸质件为原件）",
        }.get(form, ""),
    }
    archived = {
        "业务状态": "历史行为",
        "业务行为": "归档",
        "行为时间": made_on.strftime("%Y%m%d"),
        "行为描述": f"{producer or doc.author}整理归档（huanjie {__version__}）",
    }
    return [made, archived]


def _code_parts(item: Item, settings: ArchiveSettings) -> dict:
    parts = {
        "档号": item.dh,
        "全宗号": settings.fonds,
        "门类代码": CATEGORY,
        "年度": str(item.year),
        "保管期限": item.retention,
    }
    if settings.org:
        parts["机构或问题"] = settings.org
    parts["件号"] = f"{item.number:04d}"
    return parts


def _content(item: Item) -> dict:
    doc = item.doc
    content = {"题名": doc.title}
    if doc.number:
        content["文件编号"] = doc.number
    return content | {"责任者": doc.author, "日期": doc.date, "文种": doc.genre}


def _notes(item: Item) -> dict:
    doc = item.doc
    notes = {
        "单位": doc.unit if doc.record else doc.unit.rstrip("/"),
        "原文件名": doc.rel.rsplit("/", 1)[-1],
        "原路径": doc.rel,
        "文书种类": doc.kind,
    }
    if doc.record:
        notes["选举记录"] = doc.record
    if doc.note:
        notes["说明"] = doc.note
    return notes


def to_xml(root_name: str, data: dict, attrs: dict | None = None) -> bytes:
    """`data` as an XML document: one element per key, a list as repeated elements."""
    root = ElementTree.Element(root_name, attrs or {})

    def fill(parent: ElementTree.Element, key: str, value: Any) -> None:
        if isinstance(value, dict):
            element = ElementTree.SubElement(parent, key)
            for k, v in value.items():
                fill(element, k, v)
        elif isinstance(value, list):
            for v in value:
                fill(parent, key, v)
        else:
            element = ElementTree.SubElement(parent, key)
            element.text = "" if value is None else str(value)

    for key, value in data.items():
        fill(root, key, value)
    ElementTree.indent(root, space="  ")
    return (
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        + ElementTree.tostring(root, encoding="utf-8", xml_declaration=False)
        + b"\n"
    )


def _json(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def _digests(data: bytes) -> tuple[int, str, str]:
    return len(data), hashlib.sha256(data).hexdigest(), sm3.new(data).hexdigest()


# --------------------------------------------------------------------------------------------
# The catalogue: 文件目录.json, .xml and .xlsx
# --------------------------------------------------------------------------------------------
def _catalogue_entry(n: int, item: Item, settings: ArchiveSettings) -> dict:
    doc = item.doc
    return {
        "顺序号": n,
        "档号": item.dh,
        "文号": doc.number,
        "责任者": doc.author,
        "题名": doc.title,
        "日期": doc.date,
        "密级": settings.classification,
        "页数": item.pages,
        "备注": doc.note,
        "电子档案名称": f"{item.folder}/{item.dh}.pdf",
        "原始格式": f"{item.folder}/{item.dh}.docx",
        "单位": doc.unit,
    } | ({"扫描件": "、".join(scan_file_name(item, n) for n in range(1, len(item.scans) + 1))} if item.scans else {})


def _catalogue_files(catalogue: list[dict], producer: str, stamp: tuple) -> Files:
    return {
        f"{CATALOGUE}.json": _json(
            {"题名": f"{producer}换届选举归档文件目录", "立档单位": producer, "件数": len(catalogue), "文件": catalogue}
        ),
        f"{CATALOGUE}.xml": to_xml(CATALOGUE, {"文件": catalogue}, {"立档单位": producer, "件数": str(len(catalogue))}),
        f"{CATALOGUE}.xlsx": _xlsx(catalogue, stamp),
    }


def _xlsx(entries: list[dict], stamp: tuple) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = "归档文件目录"
    sheet.append(CATALOGUE_COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    for entry in entries:
        sheet.append([entry[c] for c in CATALOGUE_COLUMNS])
    for i, width in enumerate(CATALOGUE_WIDTHS, 1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    for row in sheet.iter_rows(min_row=2):
        row[4].alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    fixed = dt.datetime(*stamp)
    book.properties.creator = "huanjie"
    book.properties.created = fixed
    book.properties.modified = fixed
    buffer = io.BytesIO()
    book.save(buffer)
    return _normalise_zip(buffer.getvalue(), stamp)


def _normalise_zip(data: bytes, stamp: tuple) -> bytes:
    """The same zip with every entry at `stamp`, in its order: a reproducible .xlsx."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fresh = zipfile.ZipInfo(info.filename, date_time=stamp)
            fresh.compress_type = zipfile.ZIP_DEFLATED
            fresh.external_attr = 0o644 << 16
            fresh.create_system = 3
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps “modified” with the time of saving
                when = dt.datetime(*stamp).strftime("%Y-%m-%dT%H:%M:%SZ").encode()
                data = re.sub(
                    rb"(<dcterms:modified\b[^>]*>)[^<]*(</dcterms:modified>)", rb"\g<1>" + when + rb"\g<2>", data
                )
            dst.writestr(fresh, data)
    return out.getvalue()


# --------------------------------------------------------------------------------------------
# 其他/: records, check report, templates
# --------------------------------------------------------------------------------------------
def _unit_files(data: Input, items: list[Item]) -> Files:
    """The records of the archived units and 其他/校验报告.json (every unit: archived or refused, why)."""
    files: Files = {}
    archived = {it.doc.unit for it in items}
    units_report = []
    for unit in data.units:
        if unit.record_path and unit.rel in archived:
            files[unit.record_rel] = unit.record_path
        units_report.append(
            {
                "单位": unit.label,
                "记录": unit.record_rel if unit.rel in archived else "",
                "结论": "归档" if unit.rel in archived else "拒收",
                "原因": unit.refusal,
                "环节": unit.stage,
                "件数": sum(1 for it in items if it.doc.unit == unit.rel),
                "问题": [f.to_dict() for f in unit.findings],
                "特批": [
                    {"位置": f.location(), "字段": f.path, "内容": f.message} for f in approved.applied(unit.findings)
                ],
            }
        )
    files[CHECK_REPORT] = _json(
        {
            "程序": f"huanjie {__version__}",
            "说明": "归档前对每个单位的检查：记录校验结果（错误、警告、"
            "提示）、文书是否齐全未改动、是否草稿、能否转换为 PDF/A；“特批”列出记录中经批准而按提示处理的检查。",
            "单位": units_report,
        }
    )
    return files


def _template_files(templates_dir: str | None) -> Files:
    """The templates the documents were made with, and the fonts.conf of the conversion."""
    files: Files = {}
    for kind in KINDS:
        path = _template_used(kind, templates_dir or None)
        if path is not None:
            files[f"{TEMPLATES_COPY}/{kind.template}"] = str(path)
    files[f"{TEMPLATES_COPY}/fonts.conf"] = str(pdf.FONTS_CONF)
    return files


def _template_used(kind: DocumentKind, templates_dir: str | None) -> Path | None:
    """The template of `kind` by render's own rule; the default one when the batch's templates folder is gone.

    None when there is none to copy (a default template removed from this installation).
    """
    try:
        return template_path(kind, templates_dir)
    except TemplateProblem:
        if templates_dir is None:
            return None
    try:
        return template_path(kind, None)
    except TemplateProblem:
        return None


# --------------------------------------------------------------------------------------------
# 说明文件 and the manifests
# --------------------------------------------------------------------------------------------
def _producer(data: Input, settings: ArchiveSettings, items: list[Item]) -> str:
    if settings.producer:
        return settings.producer
    if data.kind == "batch":
        rels = [u.rel for u in data.units if not u.level]
        root = common_root(rels)
        if root:
            return root[0]
        return os.path.basename(os.path.abspath(data.records_root).rstrip(os.sep))
    authors = [it.doc.author for it in items if it.doc.kind not in PERSONAL]
    return authors[0] if authors else ""


def _readme(
    data: Input,
    items: list[Item],
    settings: ArchiveSettings,
    result: ArchiveResult,
    producer: str,
    made_on: dt.date,
    key: PrivateKey | None = None,
    files_size: int = 0,
    files_count: int = 0,
) -> str:
    lines = [
        "归档数据包说明文件",
        "",
        *_readme_basics(items, settings, result, producer, made_on),
        "",
        *_readme_programs(data, result),
        "",
        *_readme_fonts(result),
        "",
        "四、遵循的标准和规定",
        *[f"  {s}" for s in STANDARDS],
        "  说明：PDF/A-2b 文件由 LibreOffice 导出；huanjie verify 核对其中的 PDF/A 标识和字体是否嵌入，"
        "计算机上装有 veraPDF（PDF/A 检验软件）时同时用它做完整检验。"
        + (
            f"制作时的 veraPDF 检验结果：{result.verapdf}。"
            if result.verapdf
            else "制作时未安装 veraPDF，未做这项检验。"
        ),
        "",
        *_readme_layout(data, key),
        "",
        *_readme_again(data),
        "",
        *_readme_refused(data),
        "",
        *_readme_exceptions(data),
        "",
        *_readme_transfer(items, producer, files_size, files_count),
        "",
        *_readme_environment(),
        "",
        *_readme_packaging(),
    ]
    if result.warnings:
        lines += ["", "十二、提示", *[f"  {w}" for w in result.warnings]]
    return "\n".join(lines) + "\n"


def chinese_date(day: dt.date) -> str:
    """2026年12月1日: as the documents write dates, without zero padding."""
    return f"{day.year}年{day.month}月{day.day}日"


def _readme_transfer(items: list[Item], producer: str, size: int, count: int) -> list[str]:
    """The fields of the 《电子档案移交与接收登记表》: what the package knows filled in, the rest left to write."""
    blank = "（移交时填写）"
    first, last = items[0].dh, items[-1].dh
    return [
        "九、载体与移交登记（《电子档案移交与接收登记表》的内容）",
        f"  交接工作名称：{producer}换届选举文书电子档案移交",
        f"  内容描述：{producer}换届选举形成的公告、选票、当选证书、承诺书、工作总结等文书",
        f"  移交电子档案数量：{len(items)} 件（档号 {first} 至 {last}）",
        f"  移交数据量：约 {size / (1 << 20):.1f} MB，{count} 个文件（含本说明文件、清单和签名）",
        f"  载体类型、规格：{blank}（如一次写入光盘 DVD-R 4.7 GB，或移动硬盘）",
        f"  载体起止顺序号、载体编号：{blank}",
        f"  制作单位：{producer}；制作日期见第一部分",
        f"  检验内容：准确性、完整性、可用性、安全性（DA/T 70-2018）；可用 huanjie verify 复核，结论{blank}",
        f"  移交单位：填表人{blank}、审核人{blank}、单位（盖章）{blank}、日期{blank}",
        f"  接收单位：填表人{blank}、审核人{blank}、单位（盖章）{blank}、日期{blank}",
    ]


def _readme_environment() -> list[str]:
    return [
        "十、读取这些电子档案需要的软件和硬件",
        "  硬件：一台普通的个人计算机（Windows、统信 UOS、麒麟或 Linux 均可），能读取所用载体（光驱或 USB 接口），"
        "硬盘剩余空间不少于移交数据量。",
        "  PDF 文件（长期保存版本）：任何 PDF 阅读软件，如 WPS Office、福昕阅读器、Adobe Acrobat Reader、浏览器；"
        "字体已嵌入文件，不需要另装字体。",
        "  Word 文件（原始格式）：WPS Office 或 Microsoft Word 2010 及以后版本；显示效果取决于本机字体，以 PDF 为准。",
        "  元数据和文件目录（.xml、.json、.txt）：任何文本编辑器（如记事本）；文件目录.xlsx 用 WPS 表格或 Excel。",
        "  扫描件（.pdf、.jpg、.tif）：PDF 阅读软件或看图软件。",
        f"  重新校验：huanjie {__version__}（需 Python 3.11 或以后版本），运行 huanjie verify 数据包文件夹。",
    ]


def _readme_packaging() -> list[str]:
    return [
        "十一、关于 DA/T 48-2009 XML 封装",
        "  本数据包没有把文件按 DA/T 48-2009 封装成 XML（把 PDF 的内容用 Base64 编码写进 XML）：封装后每件的大小"
        "增加约三分之一，PDF 必须解码后才能阅读，而《电子档案移交与接收办法》接收的是文件夹形式的电子档案加元数据。",
        "  每件的元数据放在与 PDF 同一文件夹的 <档号>.xml 中，元素名取自 DA/T 46-2009；这些 XML 的结构（XSD）和"
        f"命名规则在 {SCHEMA_DIR}/ 中。文件的真实性由每个文件的 SHA-256 和 SM3 摘要"
        "以及（已签名时）对清单的电子签名保证。",
    ]


def _readme_basics(
    items: list[Item], settings: ArchiveSettings, result: ArchiveResult, producer: str, made_on: dt.date
) -> list[str]:
    years = sorted({it.year for it in items})
    retentions = sorted({it.retention for it in items})
    return [
        "一、基本信息",
        f"立档单位：{producer}",
        f"内容：{producer}换届选举文书（公告、选票、当选证书、承诺书、工作总结等）",
        f"制作日期：{chinese_date(made_on)}",
        f"件数：{len(items)} 件（单位 {result.units} 个"
        + (f"，各级工作总结 {result.summaries} 份" if result.summaries else "")
        + f"）；文件数：{result.files} 个（含本说明文件和清单）",
        f"档号：{items[0].dh} 至 {items[-1].dh}" if len(items) > 1 else f"档号：{items[0].dh}",
        f"全宗号 {settings.fonds}；门类代码 {CATEGORY}（文书）；年度 {'、'.join(map(str, years))}；保管期限 "
        + "、".join(f"{r}（{RETENTION[r]}）" for r in retentions)
        + (f"；机构（问题）代码 {settings.org}" if settings.org else "")
        + f"；起始件号 {settings.start:04d}",
    ]


def _readme_programs(data: Input, result: ArchiveResult) -> list[str]:
    return [
        "二、制作程序",
        f"文书生成：huanjie {data.version}（由选举记录和 Word 模板生成 .docx，GB/T 9704-2012 版式）"
        + (f"；打包：huanjie {__version__}" if data.version != __version__ else ""),
        f"格式转换：办公软件 {result.libreoffice}，把 Word 文档导出为 PDF/A-2b 长期保存格式",
        f"PDF 检查：{pdf.poppler_version()} 和 pikepdf（读取页数、字体、PDF/A 标识，写入题名、责任者等文档属性）",
        f"数字摘要：SHA-256；SM3（{'OpenSSL' if sm3.HASHLIB_HAS_SM3 else '纯 Python 实现'}）"
        + (f"；电子签名：Ed25519（{result.signer}）" if result.signer else "；未签名"),
    ]


def _readme_fonts(result: ArchiveResult) -> list[str]:
    lines = [
        "三、字体",
        "Word 文书中用的是方正小标宋简体、仿宋_GB2312、楷体_GB2312、黑体、宋体和 Times New Roman，",
        "转换为 PDF 时换成了外观相近、可以自由使用的字体（对照表见 其他/模板/fonts.conf）。PDF 中实际使用的字体：",
    ]
    named: dict[str, dict] = {}
    for name, row in result.fonts.items():
        plain = font_name(name)
        entry = named.setdefault(plain, {"documents": 0, "embedded": True})
        entry["documents"] = max(entry["documents"], row["documents"])
        entry["embedded"] = entry["embedded"] and row["embedded"]
    for plain, row in named.items():
        lines.append(f"  {plain}：{row['documents']} 件，{'已嵌入 PDF' if row['embedded'] else '未嵌入 PDF'}")
    return lines


# How a person names the fonts the PDFs use (their PostScript names say "jp", "VKana", "Regular").
_FONT_NAMES = [
    ("NotoSerifCJK", "思源宋体（Noto Serif CJK，代替宋体和方正小标宋；没有仿宋字体时也代替仿宋）"),
    ("NotoSansCJK", "思源黑体（Noto Sans CJK，代替黑体）"),
    ("FandolFang", "Fandol 仿宋（代替仿宋_GB2312）"),
    ("FandolKai", "Fandol 楷体（代替楷体_GB2312）"),
    ("FandolHei", "Fandol 黑体（代替黑体）"),
    ("FandolSong", "Fandol 宋体（代替宋体）"),
    ("UKai", "文鼎 PL 中楷（AR PL UKai，代替楷体_GB2312）"),
    ("LiberationSerif", "Liberation Serif（西文和数字，代替 Times New Roman）"),
    ("LiberationSans", "Liberation Sans（西文和数字，代替 Arial）"),
    ("DejaVu", "DejaVu（西文替代字体：字体替换可能未生效）"),
]


def font_name(postscript: str) -> str:
    """The name a person gives the font of PostScript name `postscript`, with 粗体 for a bold face."""
    squeezed = postscript.replace(" ", "").replace("-", "")
    base = next((plain for key, plain in _FONT_NAMES if key.lower() in squeezed.lower()), postscript)
    return base + ("，粗体" if "bold" in squeezed.lower() and base != postscript else "")


def _readme_layout(data: Input, key: PrivateKey | None = None) -> list[str]:
    lines = [
        "五、目录结构",
        f"  {README_FILE}：本文件",
        f"  {CATALOGUE}.xml、{CATALOGUE}.json、{CATALOGUE}.xlsx：归档文件目录，每件一条（顺序号、档号、文号、责任者、题名、日期、密级、页数、备注）",
        f"  {ITEMS_DIR}/<年度>/<保管期限>/<档号>/：每件一个文件夹：<档号>.pdf（PDF/A-2b 长期保存版本）、<档号>.docx（原始格式）、"
        "<档号>.xml 和 <档号>.json（DA/T 46 元数据，内容相同），有扫描件时还有 <档号>-扫描01.jpg 等（纸质原件的扫描件）",
        f"  {RECORDS_DIR}/：生成这些文书的选举记录（YAML）",
        f"  {CHECK_REPORT}：每个单位的归档检查结论、原因和校验问题",
    ]
    if data.kind == "batch":
        lines.append(f"  {BATCH_DIR}/：批量生成的报告（report.json、批量报告.xlsx）和文件清单（manifest.json）")
    return lines + [
        f"  {TEMPLATES_COPY}/：生成文书所用的模板和字体替换文件",
        f"  {SETTINGS_COPY}：档号设置",
        f"  {SCHEMA_DIR}/：元数据和文件目录的 XML 结构（XSD）及命名规则",
        "  manifest-sha256.txt、manifest-sm3.txt：除清单外每个文件的 SHA-256 和 SM3 摘要（“摘要  路径”，每行一个）",
        "  tagmanifest-sha256.txt、tagmanifest-sm3.txt：两个清单文件的摘要",
        *(
            [
                f"  {SIGNATURE_FILE}：{key.signer} 对上述四个清单的电子签名（Ed25519）；"
                f"签名者的公钥指纹 {key.public().fingerprint}，核对时需要签名者另行提供的公钥文件（.pub）"
            ]
            if key
            else []
        ),
    ]


def _readme_again(data: Input) -> list[str]:
    lines = [
        "六、重新生成与校验",
        "  校验本数据包：huanjie verify 数据包文件夹（或 .zip 文件）（重新计算每个文件的摘要，核对目录结构、PDF/A 标识、"
        "字体和元数据）；已签名时加 --key 签名者的公钥文件，同时核对签名",
    ]
    if data.kind == "batch":
        lines.append(
            f"  重新生成文书：把 {RECORDS_DIR}/ 复制为记录文件夹，运行 huanjie batch 记录文件夹 -o 输出文件夹"
            f"（huanjie {data.version}，同样的模板时文书逐字节相同），再运行 huanjie archive。"
        )
    else:
        lines.append(
            f"  重新生成文书：huanjie render {RECORDS_DIR}/<记录>.yaml -o 输出文件夹（huanjie {data.version}），"
            "再运行 huanjie archive 输出文件夹 --record <记录>.yaml。"
        )
    return lines


def _readme_refused(data: Input) -> list[str]:
    refused = [u for u in data.units if u.refusal]
    if not refused:
        return ["七、未归档的单位", "无。"]
    return [
        "七、未归档的单位",
        f"以下 {len(refused)} 个单位（或工作总结）未归档，原因见 {CHECK_REPORT}：",
        *[f"  {unit.label}：{unit.refusal}" for unit in refused],
    ]


def _readme_exceptions(data: Input) -> list[str]:
    """Every approved exception applied to a unit of the package (its ``EXCEPTION-APPLIED`` findings)."""
    rows = [(unit.label, f) for unit in data.units for f in approved.applied(unit.findings)]
    if not rows:
        return ["八、特批事项", "无。"]
    return [
        "八、特批事项",
        f"以下 {len(rows)} 项特批已生效，所涉检查结果按提示处理（明细见 {CHECK_REPORT}）：",
        *[f"  {label}：{f.message}" for label, f in rows],
    ]


def _manifests(files: Files) -> dict[str, bytes]:
    """manifest-*.txt over every file in `files`, then tagmanifest-*.txt over the two manifests."""
    digests: dict[str, tuple[str, str]] = {}
    for path in sorted(files):
        value = files[path]
        blob = value if isinstance(value, bytes) else Path(value).read_bytes()
        digests[path] = (hashlib.sha256(blob).hexdigest(), sm3.new(blob).hexdigest())
    out: dict[str, bytes] = {}
    for i, name in enumerate(MANIFESTS.values()):
        out[name] = "".join(f"{digests[p][i]}  {p}\n" for p in sorted(digests)).encode("utf-8")
    for algorithm, name in TAGMANIFESTS.items():
        h = (lambda b: hashlib.sha256(b).hexdigest()) if algorithm == "sha256" else (lambda b: sm3.new(b).hexdigest())
        out[name] = "".join(f"{h(out[m])}  {m}\n" for m in sorted(MANIFESTS.values())).encode("utf-8")
    return out
