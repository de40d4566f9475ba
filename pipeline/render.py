"""Rendering documents from docxtpl templates: compiled once per process, strict, escaped, atomic.

How a template is used
----------------------
A template is a .docx with docxtpl tags (``{{ name }}``, ``{%p for … %}``, ``{%tr for … %}``). On
first use in a process it is compiled: every templated part (the body, headers, footers,
footnotes) is read from the zip, cleaned by docxtpl's own ``patch_xml`` (which joins tags Word split
across runs and turns ``{%p``/``{%tr``/``{%tc``/``{%r`` into plain Jinja at the right XML level)
and compiled into a Jinja template; the other zip members are kept as bytes. Rendering a document
then only runs the compiled Jinja templates and writes a new zip: no python-docx parse, no
re-patching, no recompiling. This is what docxtpl's ``DocxTemplate.render`` does on every call
(load the package, serialise the body, patch it, build an Environment, compile, render, re-parse,
replace the body); here the per-template half is done once and cached, keyed by the template's
path, size and modification time, so an edited template is picked up.

Rules every render follows
--------------------------
* ``autoescape=True``: a value such as ``张三 & 李四 <x>`` is written as text, never as XML.
* Strict variables: a variable the context lacks raises `TemplateProblem` naming the template and
  the variable (``contests[0].posts[1].seats``), never an empty field. Variables a template uses at
  its top level are checked against the context before rendering, including those in branches
  that are not taken.
* The rendered XML is parsed before it is written, so a template that produces broken XML fails
  loudly instead of giving Word a corrupt file.
* Files are written with `fsutil.write_atomic` (a reader never sees half a file) and are named so
  that they sort and explain themselves: ``03-正式候选人名单公告.docx``, ``07-当选证书-王建国.docx``.
* A user's file is never overwritten: `render_record` replaces only documents its folder's unit record
  lists, unchanged. A recorded document edited by hand is kept and the new version is written beside it
  (``NAME（新）.docx``, `unitrecord.place`); a same-named file huanjie did not write refuses the render
  (`ForeignFile`) before anything is written.
* ``draft=True`` puts “草稿（未通过校验）” in the header of every page (every section, first, odd
  and even pages), whether or not the template has headers of its own.

The core never prints and never exits: problems are exceptions with Chinese messages
(`RenderError` and its subclasses), skipped documents are listed in the `RenderReport`.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import jinja2
from docxtpl import DocxTemplate
from jinja2 import meta
from jinja2.exceptions import TemplateSyntaxError, UndefinedError
from lxml import etree

from . import docxzip, tablefit, unitrecord
from .documents import DocumentKind, Election, Waiting, find_kind
from .documents import plan as planning
from .documents import summary as summary_doc
from .documents.plan import Meta, Planned, file_name
from .errors import DATA, HuanjieError
from .findings import Finding
from .fsutil import write_atomic
from .paths import TEMPLATES_DIR

__all__ = [
    "RenderError",
    "TemplateProblem",
    "DataMissing",
    "ForeignFile",
    "RenderReport",
    "WrittenFile",
    "SkippedDocument",
    "render_record",
    "render_summary",
    "render_template",
    "compile_template",
    "list_templates",
    "TEMPLATES_DIR",
    "DRAFT_MARK",
    "file_name",
]

DRAFT_MARK = "草稿（未通过校验）"

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
HEADER_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/header"
HEADER_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"
XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
TITLED = 64  # titled core.xml entries kept per template (`CompiledTemplate.titled`)

_TEMPLATED_PART = re.compile(r"^word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml$")
_TAG = re.compile(r"\{\{|\{%|\{#")
_VMERGE_ORDER = re.compile(r"(<w:vAlign [^>]*/>)(<w:vMerge [^>]*/>)")


# --------------------------------------------------------------------------------------------
# Errors and report
# --------------------------------------------------------------------------------------------
class RenderError(HuanjieError):
    """A problem the user must fix; str() is a Chinese sentence."""


class TemplateProblem(RenderError):
    """A template that cannot be used: missing, not a .docx, bad syntax, unknown variable."""

    def __init__(self, message: str, template: str = "", variable: str = ""):
        super().__init__(message)
        self.template = template
        self.variable = variable


class DataMissing(RenderError):
    """A document asked for explicitly (`only`) whose data is not in the record yet."""

    code = DATA

    def __init__(self, kind: DocumentKind, field: str, reason: str):
        super().__init__(f"无法生成{kind.title}：{reason}（需要记录中的 {field}）。")
        self.kind = kind.key
        self.field = field
        self.reason = reason


class ForeignFile(RenderError):
    """A file huanjie did not write has the name of a document to be written: nothing is overwritten."""

    def __init__(self, path: str):
        super().__init__(
            f"{path} 已存在，且不是 huanjie 生成的文书（该文件夹的 {unitrecord.STAMP} 中没有它），未覆盖。"
            "请用 -o 指定另一个文件夹，或先把这个文件移走再生成。"
        )
        self.path = path


@dataclass(frozen=True)
class WrittenFile:
    """One file written: its kind, display title, path, catalogue data, SHA-256 and size in bytes."""

    kind: str
    title: str
    path: str
    meta: Meta = field(default_factory=Meta)
    sha256: str = ""
    size: int = 0

    def entry(self) -> unitrecord.DocumentEntry:
        """The file as the unit record lists it (by its name in the folder)."""
        return unitrecord.DocumentEntry(
            os.path.basename(self.path), self.kind, self.title, self.sha256, self.size, self.meta
        )


@dataclass(frozen=True)
class SkippedDocument:
    kind: str
    title: str
    field: str
    reason: str

    @property
    def line(self) -> str:
        return f"跳过 {self.title}：{self.reason}（等待 {self.field}）。"


@dataclass
class RenderReport:
    """What a render wrote and what it skipped; `record` is the unit record it wrote (None: not asked to)."""

    written: list[WrittenFile] = field(default_factory=list)
    skipped: list[SkippedDocument] = field(default_factory=list)
    record: unitrecord.UnitRecord | None = None
    kept: list[unitrecord.KeptEntry] = field(default_factory=list)  # edited by hand: kept, new version beside
    folder: str = ""
    prints: list[WrittenFile] = field(default_factory=list)  # PDFs, bundles, 打印清单 (render --pdf/--bundle)

    def lines(self) -> list[str]:
        """Chinese lines: one per file written, one per document edited by hand and kept, one per document skipped."""
        kept = [kept_line(k, self.folder) for k in self.kept]
        written = [f"已生成 {w.path}" for w in [*self.written, *self.prints]]
        return written + kept + [s.line for s in self.skipped]

    def beside_words(self) -> str:
        """，另有花名册表格 1 个，PDF、合订本和打印清单 4 个文件: the files beside the documents, each counted (the
        words `huanjie render` and the web page's 文书 page both say)."""
        tables = [w for w in self.prints if w.title.endswith("（表格）")]  # the companions (当选人员花名册.xlsx)
        others = len(self.prints) - len(tables)
        parts = ([f"花名册表格 {len(tables)} 个"] if tables else []) + (
            [f"PDF、合订本和打印清单 {others} 个"] if others else []
        )
        return f"，另有{'，'.join(parts)}文件" if parts else ""


class PrintStep(Protocol):
    """Files made from the rendered documents (`printing.PrintStep`): named before, written after the documents."""

    def names(self, planned: list[Planned]) -> list[str]: ...

    def write(self, planned: list[Planned], report: RenderReport, names: dict[str, str]) -> None:
        """Write the files, appending each to `report.prints` as soon as it is in place."""


def kept_line(kept: unitrecord.KeptEntry, folder: str = "") -> str:
    """The Chinese line saying that a document edited by hand was kept and where the new version went."""
    where = (lambda name: os.path.join(folder, name)) if folder else (lambda name: name)
    return f"已保留 {where(kept.name)}：它在生成后被手工修改过，未覆盖；新版本写入 {where(kept.new)}。"


# --------------------------------------------------------------------------------------------
# Context: dictionaries whose missing keys are reported with their full path
# --------------------------------------------------------------------------------------------
class _Node:
    """A context mapping seen by Jinja: attribute and item access by key, and its path for errors.

    Keys never collide with methods (a key named ``items`` is the value, not dict.items).
    """

    __slots__ = ("_data", "_path")

    def __init__(self, data: dict, path: str):
        object.__setattr__(self, "_data", data)
        object.__setattr__(self, "_path", path)

    def __getattr__(self, name: str) -> Any:
        try:
            return self._data[name]
        except KeyError:
            raise AttributeError(name) from None

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __contains__(self, key: str) -> bool:
        return key in self._data

    def __iter__(self):
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __bool__(self) -> bool:
        return bool(self._data)

    def __repr__(self) -> str:
        return f"<{self._path}>"


class _List(list):
    __slots__ = ("_path",)
    _path: str


def _wrap(value: Any, path: str) -> Any:
    if isinstance(value, dict):
        return _Node({k: _wrap(v, f"{path}.{k}" if path else str(k)) for k, v in value.items()}, path)
    if isinstance(value, (list, tuple)):
        out = _List(_wrap(v, f"{path}[{i}]") for i, v in enumerate(value))
        out._path = path
        return out
    return value


class _MissingVariable(UndefinedError):
    def __init__(self, variable: str):
        super().__init__(variable)
        self.variable = variable


class _Strict(jinja2.StrictUndefined):
    """StrictUndefined that knows the full path of what is missing."""

    def _fail_with_undefined_error(self, *args: Any, **kwargs: Any):
        owner = self._undefined_obj
        name = self._undefined_name
        if owner is jinja2.utils.missing:
            variable = str(name)
        else:
            base = getattr(owner, "_path", None)
            if base is None:
                base = type(owner).__name__
            variable = f"{base}[{name}]" if isinstance(name, int) else f"{base}.{name}"
        raise _MissingVariable(variable)

    __iter__ = __str__ = __len__ = _fail_with_undefined_error  # type: ignore[assignment]
    __eq__ = __ne__ = __bool__ = __hash__ = __contains__ = _fail_with_undefined_error  # type: ignore[assignment]


def _environment() -> jinja2.Environment:
    return jinja2.Environment(autoescape=True, undefined=_Strict)


_ENV = _environment()
_DOCXTPL = DocxTemplate.__new__(DocxTemplate)  # only its stateless XML helpers are used


# --------------------------------------------------------------------------------------------
# Compiling templates (once per process)
# --------------------------------------------------------------------------------------------
@dataclass
class _Part:
    template: jinja2.Template
    fix_tables: bool


@dataclass
class CompiledTemplate:
    path: str
    name: str
    entries: list[tuple[zipfile.ZipInfo, bytes]]
    parts: dict[str, _Part]
    variables: frozenset[str]
    # Each entry deflated once, reused for every document that leaves it unchanged.
    members: dict[str, docxzip.Member] = field(default_factory=dict)
    # docProps/core.xml with a document title set (`_set_title`), made and deflated once per title; at most
    # TITLED entries (a title names its unit, so a worker rendering a province would otherwise keep ~1.6 kB per
    # document for the whole run: the Dask workers' growth of issue 18).
    titled: dict[str, tuple[bytes, docxzip.Member]] = field(default_factory=dict)

    def render_parts(self, context: dict) -> dict[str, str]:
        wrapped = {k: _wrap(v, k) for k, v in context.items()}
        missing = sorted(self.variables - set(context))
        if missing:
            raise _undefined(self.name, missing[0])
        out = {}
        for part_name, part in self.parts.items():
            try:
                xml = part.template.render(wrapped)
            except _MissingVariable as exc:
                raise _undefined(self.name, exc.variable) from None
            except UndefinedError as exc:  # pragma: no cover - _Strict raises _MissingVariable
                raise _undefined(self.name, str(exc)) from None
            except jinja2.TemplateError as exc:
                raise TemplateProblem(f"模板“{self.name}”无法生成文书：{exc}", self.name) from None
            out[part_name] = _finish(xml, part, self.name)
        return out


def _undefined(template: str, variable: str) -> TemplateProblem:
    return TemplateProblem(
        f"模板“{template}”使用了变量“{variable}”，但文书数据中没有这个变量。"
        "请对照 huanjie templates 列出的变量名修改模板。",
        template,
        variable,
    )


def _finish(xml: str, part: _Part, name: str) -> str:
    xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", xml)
    xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
    if any(ch in xml for ch in "\n\t\a\f"):
        xml = _DOCXTPL.resolve_listing(xml)
    if "<w:vMerge" in xml:
        # docxtpl's {% vm %} puts vMerge last in tcPr; the schema wants it before vAlign.
        xml = _VMERGE_ORDER.sub(r"\2\1", xml)
    try:
        if part.fix_tables:
            tree = _DOCXTPL.fix_tables(xml)
        else:
            tree = etree.fromstring(xml.encode("utf-8"))
        xml = _fit_tables(tree, xml, changed=part.fix_tables)
    except etree.XMLSyntaxError as exc:
        raise TemplateProblem(
            f"模板“{name}”生成的文书结构无效（{exc}）。请检查模板中的标签是否成对、"
            "{%p %}、{%tr %} 是否各自单独占一段或一行。",
            name,
        ) from None
    return xml


def _fit_tables(tree: Any, xml: str, changed: bool) -> str:
    """The part after `tablefit` fitted its tables to the values written (`xml` when nothing changed)."""
    if tablefit.fit_tree(tree) or changed:
        return etree.tostring(tree, encoding="unicode")
    return xml


_CACHE: dict[tuple[str, int, int], CompiledTemplate] = {}
_LOCK = threading.Lock()


def compile_template(path: str | os.PathLike) -> CompiledTemplate:
    """The compiled template at `path`, from the per-process cache when the file is unchanged."""
    path = os.path.realpath(path)
    name = os.path.basename(path)
    try:
        stat = os.stat(path)
    except FileNotFoundError:
        raise TemplateProblem(f"找不到模板文件 {path}。", name) from None
    key = (path, stat.st_mtime_ns, stat.st_size)
    with _LOCK:
        found = _CACHE.get(key)
    if found is not None:
        return found
    compiled = _compile(path, name)
    with _LOCK:
        for old in [k for k in _CACHE if k[0] == path]:
            del _CACHE[old]
        _CACHE[key] = compiled
    return compiled


# The parts templates share (styles, fonts, theme, numbering: 79 distinct among the 562 parts of the 30 templates,
# 1 MB of 25 MB), deflated once per process whichever template has them; same bytes as deflating each.
_MEMBERS: dict[tuple[str, tuple, bytes], docxzip.Member] = {}


def _member(info: zipfile.ZipInfo, data: bytes) -> docxzip.Member:
    key = (info.filename, tuple(info.date_time), data)
    with _LOCK:
        found = _MEMBERS.get(key)
    if found is None:
        found = docxzip.Member.of(info.filename, data, info.date_time)
        with _LOCK:
            if len(_MEMBERS) > 4096:  # a folder of many customised templates: start again rather than grow
                _MEMBERS.clear()
            _MEMBERS[key] = found
    return found


def _compile(path: str, name: str) -> CompiledTemplate:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        where = name if os.path.dirname(path) == os.path.realpath(TEMPLATES_DIR) else path
        raise TemplateProblem(
            f"模板“{where}”不是有效的 Word 文档（.docx）。请用 Word 或 WPS 打开后另存为"
            "“Word 文档（*.docx）”，或把它移出模板文件夹以使用默认模板。",
            name,
        ) from None
    entries = []
    parts: dict[str, _Part] = {}
    variables: set[str] = set()
    with archive:
        for info in archive.infolist():
            data = archive.read(info.filename)
            entries.append((info, data))
            if not _TEMPLATED_PART.match(info.filename) or not _TAG.search(data.decode("utf-8", "replace")):
                continue
            try:
                root = etree.fromstring(data)
            except etree.XMLSyntaxError:
                raise TemplateProblem(f"模板“{name}”中的 {info.filename} 不是有效的 XML。", name) from None
            xml = _DOCXTPL.patch_xml(etree.tostring(root, encoding="unicode"))
            xml = re.sub(r"<w:p([ >])", r"\n<w:p\1", xml)
            try:
                ast = _ENV.parse(xml)
                template = _ENV.from_string(ast)
            except TemplateSyntaxError as exc:
                line = xml.splitlines()[exc.lineno - 1] if exc.lineno and exc.lineno <= len(xml.splitlines()) else ""
                text = re.sub(r"<[^>]+>", "", line)[:60]
                raise TemplateProblem(
                    f"模板“{name}”的标签写法有误：{exc.message}（附近文字：{text}）。", name
                ) from None
            variables |= meta.find_undeclared_variables(ast)
            fix = bool(re.search(r"\{%\s*(colspan|hm)\b", xml)) or "{%tc" in data.decode("utf-8", "replace")
            parts[info.filename] = _Part(template, fix)
    if "word/document.xml" not in {i.filename for i, _ in entries}:
        raise TemplateProblem(f"模板“{name}”不是有效的 Word 文档（缺少 word/document.xml）。", name)
    members = {info.filename: _member(info, data) for info, data in entries if info.filename not in parts}
    return CompiledTemplate(
        path=path, name=name, entries=entries, parts=parts, variables=frozenset(variables), members=members
    )


# --------------------------------------------------------------------------------------------
# Draft mark
# --------------------------------------------------------------------------------------------
def _mark_paragraph() -> str:
    return (
        f'<w:p xmlns:w="{W_NS}"><w:pPr><w:jc w:val="center"/><w:spacing w:line="240" w:lineRule="auto"/>'
        '<w:ind w:firstLine="0" w:firstLineChars="0"/></w:pPr>'
        '<w:r><w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="黑体" w:eastAsia="黑体" w:hint="eastAsia"/>'
        '<w:b/><w:color w:val="C00000"/><w:sz w:val="32"/></w:rPr>'
        f"<w:t>{DRAFT_MARK}</w:t></w:r></w:p>"
    )


def _draft_header() -> bytes:
    return (XML_DECL + f'<w:hdr xmlns:w="{W_NS}" xmlns:r="{R_NS}">{_mark_paragraph()}</w:hdr>').encode("utf-8")


def _add_draft(files: dict[str, bytes], order: list[str]) -> None:
    """Put the draft mark in every header of every section; add a header where there is none."""
    rels_name = "word/_rels/document.xml.rels"
    rels = etree.fromstring(files[rels_name])
    targets = {
        rel.get("Id"): "word/" + rel.get("Target").lstrip("/").removeprefix("word/")
        for rel in rels
        if rel.get("Type") == HEADER_REL
    }
    doc = etree.fromstring(files["word/document.xml"])
    w = f"{{{W_NS}}}"
    marked: set[str] = set()
    new_id = None
    for sect in doc.iter(f"{w}sectPr"):
        present = {
            ref.get(f"{w}type", "default"): ref.get(f"{{{R_NS}}}id") for ref in sect.findall(f"{w}headerReference")
        }
        for kind in ("default", "first", "even"):
            if kind in present:
                part = targets.get(present[kind])
                if part and part in files and part not in marked:
                    header = etree.fromstring(files[part])
                    header.insert(0, etree.fromstring(_mark_paragraph()))
                    files[part] = (XML_DECL + etree.tostring(header, encoding="unicode")).encode("utf-8")
                    marked.add(part)
                continue
            if new_id is None:
                used = {rel.get("Id") for rel in rels}
                n = 1
                while f"rIdDraft{n}" in used:
                    n += 1
                new_id = f"rIdDraft{n}"
                rel = etree.SubElement(rels, f"{{{PKG_REL_NS}}}Relationship")
                rel.set("Id", new_id)
                rel.set("Type", HEADER_REL)
                rel.set("Target", "header-draft.xml")
                files["word/header-draft.xml"] = _draft_header()
                order.append("word/header-draft.xml")
                types = etree.fromstring(files["[Content_Types].xml"])
                override = etree.SubElement(types, f"{{{CT_NS}}}Override")
                override.set("PartName", "/word/header-draft.xml")
                override.set("ContentType", HEADER_CT)
                files["[Content_Types].xml"] = (XML_DECL + etree.tostring(types, encoding="unicode")).encode("utf-8")
            ref = etree.Element(f"{w}headerReference")
            ref.set(f"{w}type", kind)
            ref.set(f"{{{R_NS}}}id", new_id)
            sect.insert(0, ref)
    files[rels_name] = (XML_DECL + etree.tostring(rels, encoding="unicode")).encode("utf-8")
    files["word/document.xml"] = (XML_DECL + etree.tostring(doc, encoding="unicode")).encode("utf-8")


def _set_title(files: dict[str, bytes], title: str) -> None:
    name = "docProps/core.xml"
    if name not in files or not title:
        return
    core = etree.fromstring(files[name])
    element = core.find("{http://purl.org/dc/elements/1.1/}title")
    if element is None:
        element = etree.SubElement(core, "{http://purl.org/dc/elements/1.1/}title")
    element.text = title
    files[name] = (XML_DECL + etree.tostring(core, encoding="unicode")).encode("utf-8")


# --------------------------------------------------------------------------------------------
# Rendering one document
# --------------------------------------------------------------------------------------------
def render_template(
    template: str | os.PathLike | CompiledTemplate, context: dict, draft: bool = False, title: str = ""
) -> bytes:
    """The bytes of the .docx rendered from `template` with `context`."""
    compiled = template if isinstance(template, CompiledTemplate) else compile_template(template)
    rendered = compiled.render_parts(context)
    files: dict[str, bytes] = {}
    order: list[str] = []
    infos: dict[str, zipfile.ZipInfo] = {}
    originals: dict[str, bytes] = {}
    for info, data in compiled.entries:
        order.append(info.filename)
        infos[info.filename] = info
        originals[info.filename] = data
        if info.filename in rendered:
            files[info.filename] = (XML_DECL + rendered[info.filename]).encode("utf-8")
        else:
            files[info.filename] = data
    if draft:
        _add_draft(files, order)
    ready: dict[str, docxzip.Member] = {}
    core = "docProps/core.xml"
    if title and core in files and files[core] is originals.get(core):  # the template's own core.xml: cacheable
        made = compiled.titled.get(title)
        if made is None:
            if len(compiled.titled) >= TITLED:
                compiled.titled.clear()  # bounded: titles repeat within a unit's documents, rarely across units
            _set_title(files, title)
            date_time = infos[core].date_time
            made = compiled.titled[title] = (files[core], docxzip.Member.of(core, files[core], date_time))
        files[core], ready[core] = made
    else:
        _set_title(files, title)
    members = []
    for name in order:
        if name in ready:
            members.append(ready[name])  # the titled core.xml, made once per title
        elif name in compiled.members and files[name] is originals[name]:
            members.append(compiled.members[name])  # unchanged: deflated once at compile time
        else:
            original = infos.get(name)  # None for a part the draft mark added
            date_time = original.date_time if original else (2026, 1, 1, 0, 0, 0)
            members.append(docxzip.Member.of(name, files[name], date_time))
    return docxzip.build(members)


# --------------------------------------------------------------------------------------------
# Rendering a record
# --------------------------------------------------------------------------------------------
def template_path(kind: DocumentKind, templates_dir: str | os.PathLike | None) -> Path:
    if templates_dir is not None:
        folder = Path(templates_dir)
        if folder.exists() and not folder.is_dir():
            raise TemplateProblem(
                f"模板文件夹 {folder} 是一个文件，不是文件夹；--templates 应指定存放模板（.docx）的文件夹。"
            )
        if not folder.is_dir():
            raise TemplateProblem(f"模板文件夹 {folder} 不存在。")
        own = folder / kind.template
        if own.exists():
            return own
    path = TEMPLATES_DIR / kind.template
    if not path.exists():
        raise TemplateProblem(f"找不到{kind.title}的模板 {path}。", kind.template)
    return path


def _require_election(value: Any) -> Election:
    if not isinstance(value, Election):
        raise TypeError(
            f"render_record takes a documents.Election (from check.check_record), not {type(value).__name__}: "
            "documents are only built from a checked record"
        )
    return value


def _write(path: Path, data: bytes, fresh: bool = False) -> tuple[str, int]:
    """Write one file, its (sha256, size). `fresh`: into a private folder made for this render (batch's temp folder,
    swapped into place whole once flushed): written directly, without a temp file, rename and fsync of its own."""
    if fresh:
        with open(path, "wb") as handle:
            handle.write(data)
    else:
        write_atomic(str(path), data, overwrite=True)
    return hashlib.sha256(data).hexdigest(), len(data)


def _unit_record(
    outdir: Path,
    report: RenderReport,
    findings: list[Finding],
    draft: bool,
    rel: str,
    earlier: unitrecord.UnitRecord | None,
) -> unitrecord.UnitRecord:
    """The folder's unit record after this render: what it wrote, plus (for --only, `earlier`) what an earlier one wrote.

    A document kept because it was edited by hand is the user's now: it leaves the documents and is listed in `kept`.
    """
    from . import __version__

    documents = [w.entry() for w in report.written]
    skipped = [unitrecord.SkippedEntry(s.kind, s.title, s.field, s.reason) for s in report.skipped]
    kept = list(report.kept)
    if earlier is not None:
        names = {d.name for d in documents} | {k.name for k in kept}
        kinds = {d.kind for d in documents}
        before = [d for d in earlier.documents if d.name not in names and (outdir / d.name).is_file()]
        documents = sorted(before + documents, key=lambda d: d.name)
        skipped = [s for s in earlier.skipped if s.kind not in kinds] + skipped
        kept += [k for k in earlier.kept if k.name not in names and (outdir / k.name).is_file()]
    prints = [w.entry() for w in report.prints]
    if earlier is not None:
        printed = {p.name for p in prints}
        prints += [p for p in earlier.prints if p.name not in printed and unitrecord.matches(outdir / p.name, p)]
    status = "draft" if draft or (earlier is not None and earlier.status == "draft") else "ok"
    return unitrecord.UnitRecord(
        status=status,
        version=__version__,
        rel=rel,
        findings=list(findings),
        documents=documents,
        skipped=skipped,
        kept=kept,
        prints=sorted(prints, key=lambda p: p.name),
    )


def render_record(
    election: Election,
    outdir: str | os.PathLike,
    only: Iterable[str] | str | None = None,
    templates_dir: str | os.PathLike | None = None,
    draft: bool = False,
    findings: Iterable[Finding] = (),
    record_unit: bool = True,
    printing: PrintStep | None = None,
    companions: bool | None = None,
    fresh: bool = False,
) -> RenderReport:
    """Render every document of one checked election (or only the kinds named) into `outdir`.

    `election` is a `documents.Election` made from a check (`Election.from_check`); anything else raises
    TypeError. Exactly the documents of `documents.plan.plan(election, only)` are written. Documents whose
    data is not in the record yet are skipped and listed in the report; when `only` names such a
    document, `DataMissing` is raised instead. `only` takes keys (`results`), titles (`选举结果公告`)
    or numbers (`06`); an unknown name raises `documents.UnknownKind`. `templates_dir` holds a
    district's own templates (same file names as in templates/); kinds it lacks use the defaults.
    `draft` marks every page 草稿（未通过校验）. Unless `record_unit` is false, the folder's unit record
    (`unitrecord`, with `findings`, the check's findings) is written last, as batch writes it, and the folder's
    files are guarded: only documents the unit record lists (unchanged) are replaced; one edited by hand is kept
    and the new version written beside it (`RenderReport.kept`); a same-named file huanjie did not write raises
    `ForeignFile` before anything is written. (Batch renders into a fresh folder with `record_unit` false and
    places the files itself.) `printing` (`printing.PrintStep`) names its files before and writes them after the
    documents (PDFs, bundles, 打印清单); they are guarded like documents and listed as the unit record's `prints`.
    A full render removes the print files of an earlier one it did not write again (they no longer match).
    `fresh` (batch, with `record_unit` false): `outdir` is a new private folder the caller flushes to disk and puts
    in place whole, so each file is written directly (no temp file, rename and fsync per file).
    """
    election = _require_election(election)
    plan = planning.plan(election, only)
    outdir = Path(outdir)
    report = RenderReport(skipped=[SkippedDocument(s.kind.key, s.kind.title, s.field, s.reason) for s in plan.skipped])
    report.folder = str(outdir)
    # Every template is read before the first document is written: a broken template must not
    # leave the folder with only some of the documents updated.
    kinds = planning.kinds(only)
    compiled = {kind.key: compile_template(template_path(kind, templates_dir)) for kind in kinds}
    missing = plan.skipped[0] if only is not None and plan.skipped else None
    # a document asked for explicitly lacks its data: the ones before it are written, as it is reached
    todo = [p for p in plan if missing is None or kinds.index(p.kind) <= kinds.index(missing.kind)]
    earlier = unitrecord.read(outdir) if record_unit else None
    extra = printing.names(todo) if printing is not None else []
    # Files made beside a document (当选人员花名册.xlsx) only where a unit record owns them: render's own, or batch's,
    # which asks for them (`companions=True`) and lists them in the stamp it writes (`report.prints`).
    beside_wanted = record_unit if companions is None else companions
    made = [(p, companion_name(p)) for p in todo if p.kind.companion is not None] if beside_wanted else []
    extra += [name for _, name in made]
    names = {name: name for name in [p.file_name for p in todo] + extra}
    if record_unit:
        placement = unitrecord.place(outdir, [p.file_name for p in todo] + extra, earlier)
        if placement.blocked:
            raise ForeignFile(str(outdir / placement.blocked[0]))
        names, report.kept = placement.names, placement.kept
    if fresh:
        os.makedirs(outdir, exist_ok=True)
    for planned in todo:
        report.written.append(
            _render_planned(planned, compiled[planned.kind.key], outdir, draft, names[planned.file_name], fresh)
        )
    beside: list[WrittenFile] = []  # listed after the print step, which converts only documents and bundles
    for planned, name in made:
        assert planned.kind.companion is not None
        path = outdir / names[name]
        sha, size = _write(path, planned.kind.companion[1](planned.instance.context), fresh)
        beside.append(WrittenFile(planned.kind.key, f"{planned.title}（表格）", str(path), planned.meta, sha, size))
    if missing is not None:
        raise DataMissing(missing.kind, missing.field, missing.reason)
    failure: HuanjieError | None = None
    if printing is not None:
        try:
            printing.write(todo, report, names)
        except HuanjieError as exc:  # the documents are written: the unit record must still say so
            failure = exc
    report.prints += beside
    if record_unit:
        if only is None and earlier is not None:
            _drop_stale_prints(outdir, earlier, {os.path.basename(w.path) for w in report.prints})
        os.makedirs(outdir, exist_ok=True)
        rel = os.path.basename(election.file) if election.file else ""
        partial = earlier if only is not None else None
        report.record = _unit_record(outdir, report, list(findings), draft, rel, partial)
        unitrecord.write(outdir, report.record)
    if failure is not None:
        raise failure
    return report


def companion_name(planned: Planned) -> str:
    """The file made beside a document: 32-当选人员花名册.docx → 32-当选人员花名册.xlsx."""
    assert planned.kind.companion is not None
    return planned.file_name.removesuffix(".docx") + planned.kind.companion[0]


def _drop_stale_prints(outdir: Path, earlier: unitrecord.UnitRecord, written: set[str]) -> None:
    """Remove the print files of an earlier render not written again, if still as huanjie wrote them."""
    for entry in earlier.prints:
        if entry.name not in written and unitrecord.matches(outdir / entry.name, entry):
            os.remove(outdir / entry.name)


def _render_planned(
    planned: Planned,
    compiled: CompiledTemplate,
    outdir: Path,
    draft: bool,
    name: str | None = None,
    fresh: bool = False,
) -> WrittenFile:
    data = render_template(compiled, planned.instance.context, draft=draft, title=planned.title)
    path = outdir / (name or planned.file_name)
    sha, size = _write(path, data, fresh)
    return WrittenFile(planned.kind.key, planned.title, str(path), planned.meta, sha, size)


def _summary_elections(items: Iterable[Any]) -> list[Election]:
    """Evaluated elections of `items`: Elections as they are, check results that passed; nothing unchecked."""
    elections = []
    for item in items:
        if isinstance(item, Election):
            elections.append(item)
        elif hasattr(item, "outcome") and hasattr(item, "findings") and hasattr(item, "record"):
            if item.ok and item.outcome is not None:
                elections.append(Election.from_check(item))
        else:
            raise TypeError(
                f"render_summary takes documents.Election or check.CheckResult items, not {type(item).__name__}"
            )
    return elections


def render_summary(
    elections: Iterable[Any],
    outdir: str | os.PathLike,
    templates_dir: str | os.PathLike | None = None,
    draft: bool = False,
    title: str | None = None,
    author: str | None = None,
) -> RenderReport:
    """One 换届选举工作总结 for many checked records (a township or county), written into `outdir`.

    `elections` are `documents.Election` or `check.CheckResult` items (a result with errors is left
    out); a dict or a `records.Record` raises TypeError. Records without any count are left out of
    the figures; if none has one, `DataMissing` is raised.
    """
    kind = find_kind("summary")
    chosen = _summary_elections(elections)
    try:
        instance = summary_doc.build(chosen, title=title, author=author)
    except Waiting as waiting:
        raise DataMissing(kind, waiting.field, waiting.reason) from None
    compiled = compile_template(template_path(kind, templates_dir))
    data = render_template(compiled, instance.context, draft=draft, title=kind.title)
    path = Path(outdir) / file_name(kind, instance.suffix)
    sha, size = _write(path, data)
    meta = planning.describe(kind, instance.context)
    return RenderReport(written=[WrittenFile(kind.key, kind.title, str(path), meta, sha, size)])


def list_templates(kind: str | None = None):
    """Every document kind with its template file and the variables it may use (see documents)."""
    from .documents import list_templates as _list

    return _list(kind)
