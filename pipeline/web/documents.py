"""The 文书 and 批量 pages' work: which documents a record makes or waits for, generating them, a batch run."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from typing import Any

from .. import batch, printing
from .. import render as rendering
from ..documents import Election, UnknownKind
from ..documents import plan as planning
from ..errors import HuanjieError
from ..findings import Severity
from ..safetext import visible
from .form import field_words
from .workspace import Loaded, Workspace


def out_folder(loaded: Loaded) -> str:
    """The folder of a record's documents: `阳光社区-文书/` beside `阳光社区.yaml`."""
    stem = os.path.splitext(os.path.basename(loaded.path))[0]
    return os.path.join(os.path.dirname(loaded.path), f"{stem}-文书")


def document_rows(ws: Workspace, loaded: Loaded) -> tuple[list[dict], bool, str]:
    """(one row per document kind, whether they would be drafts, why nothing can be generated)."""
    result = loaded.result
    if not result.evaluated:
        return [], False, "记录还有格式错误，无法生成文书；请先在记录页改正。"
    draft = any(f.severity is Severity.ERROR for f in result.findings)
    plan = planning.plan(Election.from_check(result))
    folder = out_folder(loaded)
    rows: dict[str, dict] = {}
    for planned in plan:
        row = rows.setdefault(
            planned.kind.key,
            {
                "key": planned.kind.key,
                "number": f"{planned.kind.number:02d}",
                "title": planned.kind_title or planned.kind.title,
                "files": [],
                "waiting": "",
            },
        )
        docx = os.path.join(folder, planned.file_name)
        pdf = printing.pdf_name(docx)
        # The table made beside the document (当选人员花名册.xlsx), which render writes with it.
        table = os.path.join(folder, rendering.companion_name(planned)) if planned.kind.companion else ""
        row["files"].append(
            {
                "title": planned.title,
                "docx": ws.rel(docx) if os.path.isfile(docx) else "",
                "pdf": ws.rel(pdf) if os.path.isfile(pdf) else "",
                "table": ws.rel(table) if table and os.path.isfile(table) else "",
            }
        )
    for skipped in plan.skipped:
        rows.setdefault(
            skipped.kind.key,
            {
                "key": skipped.kind.key,
                "number": f"{skipped.kind.number:02d}",
                "title": skipped.kind.title,
                "files": [],
                "waiting": f"{field_words(skipped.field)}（{skipped.reason}）",
            },
        )
    extras = []
    if os.path.isdir(folder):
        for name in sorted(os.listdir(folder)):
            if "合订" in name or name.startswith("打印清单"):
                extras.append({"name": name, "rel": ws.rel(os.path.join(folder, name))})
    ordered = sorted(rows.values(), key=lambda r: r["number"])
    if extras:
        ordered.append(
            {"key": "bundles", "number": "", "title": "合订本和打印清单", "files": [], "waiting": "", "extras": extras}
        )
    return ordered, draft, ""


def generate(ws: Workspace, loaded: Loaded, kind: str, pdf: bool) -> str:
    """Render the record's documents (all, or one kind) beside it; the sentence to show."""
    result = loaded.result
    if not result.evaluated:
        return "记录还有格式错误，未生成文书；请先在记录页改正。"
    errors = [f for f in result.findings if f.severity is Severity.ERROR]
    election = Election.from_check(result)
    step = None
    if pdf:
        try:
            step = printing.PrintStep(election, pdf=True, bundle=True)
        except HuanjieError as exc:
            return f"未生成 PDF：{visible(str(exc))}"
    try:
        report = rendering.render_record(
            election, out_folder(loaded), only=kind or None, draft=bool(errors), findings=result.findings, printing=step
        )
    except rendering.DataMissing as exc:
        return f"未生成：{visible(str(exc))}"
    except (UnknownKind, HuanjieError, OSError) as exc:
        return f"未生成：{visible(str(exc))}"
    text = f"已生成 {len(report.written)} 份文书" + report.beside_words()
    if report.skipped:
        text += f"，{len(report.skipped)} 种尚缺数据"
    text += "。"
    if errors:
        text += f"记录有 {len(errors)} 个错误，文书为草稿（每页标注“草稿（未通过校验）”）。"
    return text


def start_batch(ws: Workspace, job: Any, src: Any) -> None:
    """Run batch over `src` into `批量输出/<folder>` of the workspace, updating `job` as units finish."""
    name = "全部" if job.folder == "." else job.folder.replace("/", "-")
    out = os.path.join(str(ws.root), "批量输出", name)
    job.out = ws.rel(out)

    def progress(event: batch.ProgressEvent) -> None:
        job.total = event.total
        if event.kind == "unit" and event.result is not None:
            job.done = event.done
            unit = event.result
            errors = sum(f.severity is Severity.ERROR for f in unit.findings)
            warnings = sum(f.severity is Severity.WARNING for f in unit.findings)
            rel = os.path.relpath(os.path.join(str(src), unit.rel), str(ws.root)).replace(os.sep, "/")
            job.units.append(
                {
                    "rel": rel,
                    "folder": os.path.join(job.out, unit.folder).replace(os.sep, "/"),
                    "status": unit.status_text,
                    "ok": unit.status != "failed",
                    "errors": errors,
                    "warnings": warnings,
                    "findings": [f"{f.id} {visible(f.message)}" for f in unit.findings[:5]],
                    "documents": len(unit.documents),
                }
            )

    try:
        result = batch.run_batch(str(src), out, jobs=1, progress=progress)
        if os.path.isfile(os.path.join(out, batch.REPORT_XLSX)):
            job.report = ws.rel(os.path.join(out, batch.REPORT_XLSX))
        job.summary = f"共 {result.total} 个单位：{result.ok} 个成功、{result.failed} 个失败、{result.skipped} 个未变跳过；文书 {result.documents} 份。"
    except (HuanjieError, OSError) as exc:
        job.error = visible(str(exc))
    except Exception as exc:  # the page must say it stopped, never spin forever
        job.error = f"批量处理意外中止：{type(exc).__name__}"
    finally:
        job.finished = True


_PREVIEWS: dict[tuple[str, int], list[str]] = {}


def preview_pages(pdf: str) -> list[str]:
    """PNG files of every page of `pdf` (made once per version of the file with poppler's pdftoppm), in order.

    Raises PreviewUnavailable when pdftoppm is missing or fails.
    """
    key = (pdf, os.stat(pdf).st_mtime_ns)
    if key in _PREVIEWS and all(os.path.isfile(p) for p in _PREVIEWS[key]):
        return _PREVIEWS[key]
    tool = shutil.which("pdftoppm")
    if tool is None:
        raise PreviewUnavailable(
            "未找到 pdftoppm，无法预览页面图片；请安装 poppler-utils（make sysdeps），或直接打开 PDF。"
        )
    folder = tempfile.mkdtemp(prefix="huanjie-preview-")
    try:
        subprocess.run(
            [tool, "-png", "-r", "70", pdf, os.path.join(folder, "page")], check=True, capture_output=True, timeout=120
        )
    except (subprocess.SubprocessError, OSError) as exc:
        raise PreviewUnavailable(f"无法生成预览图片（{type(exc).__name__}），请直接打开 PDF。") from None
    pages = sorted((os.path.join(folder, n) for n in os.listdir(folder) if n.endswith(".png")), key=_page_number)
    _PREVIEWS[key] = pages
    return pages


def _page_number(path: str) -> int:
    digits = "".join(ch for ch in os.path.basename(path) if ch.isdigit())
    return int(digits or 0)


class PreviewUnavailable(HuanjieError):
    """No page images can be made (pdftoppm missing or failing)."""
