"""The Starlette application of `huanjie serve`: routes, security (CSRF, token, headers) and the page handlers."""

from __future__ import annotations

import hmac
import ipaddress
import os
import secrets
import tempfile
import threading
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from .. import importer, sheets, starter
from ..errors import HuanjieError
from ..findings import Finding, Severity, sort_key
from ..safetext import visible
from . import form as forms
from .workspace import CONFLICT_MESSAGE, Conflict, Loaded, OutsideWorkspace, Workspace, digest

MAX_UPLOAD = 20 * 1024 * 1024
SHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".csv")
CSRF_COOKIE = "huanjie_csrf"
TOKEN_COOKIE = "huanjie_token"
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}
STATUS_TEXT = {"clean": "无问题", "warnings": "有警告", "errors": "有错误"}


def _env() -> Environment:
    env = Environment(loader=PackageLoader("pipeline.web", "templates"), autoescape=select_autoescape(default=True))
    env.filters["q"] = lambda rel: quote(rel)
    env.filters["visible"] = lambda text: visible(str(text))
    env.globals["STATUS_TEXT"] = STATUS_TEXT
    env.globals["Field"] = forms.Field
    env.globals["isinstance"] = isinstance
    env.globals["forms"] = forms
    return env


def _loopback(host: str | None) -> bool:
    if not host:
        return False
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


class Security(BaseHTTPMiddleware):
    """Loopback only (or the token), CSRF on every POST, upload size, and the security headers on every answer."""

    def __init__(self, app: Any, token: str | None):
        super().__init__(app)
        self.token = token

    async def dispatch(self, request: Request, call_next: Any) -> Response:
        refusal = self._refusal(request)
        if refusal is not None:
            response: Response = refusal
        else:
            response = await call_next(request)
            if self.token and request.query_params.get("token") == self.token:
                response.set_cookie(TOKEN_COOKIE, self.token, httponly=True, samesite="strict")
        if not request.cookies.get(CSRF_COOKIE):
            response.set_cookie(CSRF_COOKIE, request.state.csrf, httponly=True, samesite="strict")
        for key, value in SECURITY_HEADERS.items():
            response.headers.setdefault(key, value)
        return response

    def _refusal(self, request: Request) -> Response | None:
        request.state.csrf = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(32)
        client = request.client.host if request.client else None
        if self.token is None:
            if not _loopback(client):
                return _plain(
                    "此页面只接受本机访问。如需让其他电脑访问，请用 huanjie serve --host 启动并使用显示的访问码。", 403
                )
            host = (request.headers.get("host") or "").rsplit(":", 1)[0].strip("[]")
            if not _loopback(host):
                return _plain("请求的地址不是本机地址，已拒绝。", 403)
        else:
            given = request.query_params.get("token") or request.cookies.get(TOKEN_COOKIE) or ""
            if not hmac.compare_digest(given.encode(), self.token.encode()):
                return _plain("需要访问码：请使用启动时显示的完整地址（含 ?token=…）打开此页面。", 403)
        if request.method == "POST":
            length = request.headers.get("content-length")
            if length is not None and length.isdigit() and int(length) > MAX_UPLOAD:
                return _plain(f"上传的内容超过 {MAX_UPLOAD // (1024 * 1024)} MB，未接收。", 413)
        return None


def _plain(message: str, status: int) -> HTMLResponse:
    return HTMLResponse(
        f"<!doctype html><meta charset=utf-8><title>huanjie</title><p id=status>{_esc(message)}</p>",
        status,
        headers=SECURITY_HEADERS,
    )


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


@dataclass
class BatchJob:
    id: str
    folder: str
    out: str
    done: int = 0
    total: int = 0
    finished: bool = False
    error: str = ""
    units: list[dict] = field(default_factory=list)
    summary: str = ""
    report: str = ""  # the report workbook, relative to the workspace


class Pages:
    def __init__(self, workspace: Workspace):
        self.ws = workspace
        self.env = _env()
        self.jobs: dict[str, BatchJob] = {}

    # -- helpers -------------------------------------------------------------------------------------------------
    def page(self, request: Request, template: str, code: int = 200, **context: Any) -> HTMLResponse:
        context.setdefault("status", "")
        html = self.env.get_template(template).render(csrf=request.state.csrf, workspace=self.ws.root.name, **context)
        return HTMLResponse(html, code)

    async def posted(self, request: Request) -> Any:
        form = await request.form(max_files=2, max_fields=100000, max_part_size=MAX_UPLOAD)
        given = str(form.get("csrf") or "")
        cookie = request.cookies.get(CSRF_COOKIE) or ""
        if not cookie or not hmac.compare_digest(given.encode(), cookie.encode()):
            raise _Refused("表单已过期或来源不明（缺少校验码），未处理。请刷新页面后重试。", 403)
        return form

    def rel(self, request: Request) -> str:
        rel = request.path_params["rel"]
        try:
            path = self.ws.resolve(rel)
        except OutsideWorkspace:
            raise _Refused("路径不在工作文件夹内，已拒绝。", 404) from None
        if not path.is_file() or not rel.endswith((".yaml", ".yml")):
            raise _Refused(f"找不到记录：{rel}", 404)
        return rel

    # -- 首页 ----------------------------------------------------------------------------------------------------
    async def index(self, request: Request) -> Response:
        rows = []
        for rel in self.ws.record_files():
            try:
                loaded = self.ws.load(rel)
            except (OSError, OutsideWorkspace):
                continue
            data = loaded.result.record.data if loaded.result.record is not None else {}
            unit = data.get("unit") if isinstance(data, dict) else None
            rows.append(
                {
                    "rel": rel,
                    "kind": starter.KINDS.get(str(data.get("kind")), str(data.get("kind") or "")),
                    "unit": (unit or {}).get("name", "") if isinstance(unit, dict) else "",
                    "stage": _stage(data),
                    "status": loaded.status,
                    "errors": sum(f.severity is Severity.ERROR for f in loaded.result.findings),
                    "warnings": sum(f.severity is Severity.WARNING for f in loaded.result.findings),
                }
            )
        return self.page(
            request, "index.html", records=rows, kinds=starter.KINDS, status=request.query_params.get("msg", "")
        )

    async def new(self, request: Request) -> Response:
        form = await self.posted(request)
        kind = str(form.get("kind") or "")
        name = str(form.get("name") or "").strip()
        try:
            text = starter.starter_text(kind)
        except starter.UnknownKind:
            raise _Refused(f"没有这种选举类型：{kind}", 400) from None
        try:
            rel = _file_name(name)
            if self.ws.resolve(rel).exists():
                raise _Refused(f"文件 {rel} 已存在，未覆盖。请换一个名称。", 409)
            self.ws.create(rel, text)
        except OutsideWorkspace:
            raise _Refused("名称不能含有 / \\ 或以“.”开头，请换一个名称。", 400) from None
        return RedirectResponse(f"/record/{quote(rel)}", 303)

    async def upload(self, request: Request) -> Response:
        form = await self.posted(request)
        upload = form.get("record")
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise _Refused("请选择要上传的 .yaml 记录文件或记录工作簿。", 400)
        raw = await _read_upload(upload)
        name = os.path.basename(upload.filename.replace("\\", "/"))
        if name.lower().endswith(".xlsx") and raw.startswith(b"PK"):
            return await self.upload_workbook(request, name, raw)
        if not name.endswith((".yaml", ".yml")):
            raise _Refused(
                "只能上传 .yaml、.yml 记录文件或记录工作簿 .xlsx（选民、候选人名单等表格请在记录页导入）。", 415
            )
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            raise _Refused("上传的文件不是 UTF-8 编码的文本，未接收。", 415) from None
        try:
            path = self.ws.resolve(name)
        except OutsideWorkspace:
            raise _Refused("文件名不合规，请改名后再上传。", 400) from None
        if path.exists():
            raise _Refused(f"工作文件夹中已有 {name}，未覆盖。请改名后再上传。", 409)
        self.ws.create(name, raw.decode("utf-8"))
        return RedirectResponse(f"/record/{quote(name)}", 303)

    async def upload_workbook(self, request: Request, name: str, raw: bytes) -> Response:
        """A whole record kept as a workbook (`huanjie new --xlsx`): kept in the workspace as the same record in YAML.

        The page edits YAML (comments, history and the splice all work on text), so the workbook is read by the
        record loader, exactly as `huanjie convert 记录.xlsx 记录.yaml` does, and its YAML is what is stored.
        """
        from .. import records
        from ..sheets import record as workbook

        target = name[: -len(".xlsx")] + ".yaml"
        try:
            path = self.ws.resolve(target)
        except OutsideWorkspace:
            raise _Refused("文件名不合规，请改名后再上传。", 400) from None
        if path.exists():
            raise _Refused(f"工作文件夹中已有 {target}，未覆盖。请改名后再上传。", 409)
        with tempfile.TemporaryDirectory(prefix="huanjie-upload-") as folder:
            file = os.path.join(folder, name)
            with open(file, "wb") as handle:
                handle.write(raw)
            if not workbook.is_record_workbook(file):
                raise _Refused(
                    "这个 Excel 文件不是 huanjie 的记录工作簿（huanjie new 类型 --xlsx 生成的）。"
                    "选民、候选人名单等表格请在记录页“导入表格”中导入。",
                    415,
                )
            record, findings = await run_in_threadpool(records.load, file)
        errors = [f for f in sorted(findings, key=sort_key) if f.severity is Severity.ERROR]
        if record is None or errors:
            first = "；".join(f"{f.location()} {f.message}".replace(folder + os.sep, "") for f in errors[:3])
            raise _Refused(f"工作簿中有 {len(errors)} 处读取问题，未接收：{first}", 422)
        self.ws.create(target, workbook.to_yaml(record.data))
        return RedirectResponse(f"/record/{quote(target)}", 303)

    # -- 记录 ----------------------------------------------------------------------------------------------------
    def record_page(
        self, request: Request, loaded: Loaded, status: str = "", code: int = 200, notes: list[str] | None = None
    ) -> Response:
        if loaded.result.record is None:
            return self.raw_page(request, loaded, status=status, code=code)
        data = loaded.result.record.data
        sections = forms.build(data, loaded.result.outcome)
        findings = sorted(loaded.result.findings, key=sort_key)
        placed = forms.place_findings(sections, findings)
        return self.page(
            request,
            "record.html",
            code,
            rel=loaded.rel,
            loaded=loaded,
            sections=sections,
            findings=findings,
            placed=placed,
            status=status,
            notes=notes or [],
            what=sheets.WHAT,
            contests=_contests(data),
            title=_title(data, loaded.rel),
        )

    def raw_page(
        self, request: Request, loaded: Loaded, status: str = "", code: int = 200, text: str | None = None
    ) -> Response:
        error = loaded.syntax_error
        return self.page(
            request,
            "raw.html",
            code,
            rel=loaded.rel,
            loaded=loaded,
            text=loaded.text if text is None else text,
            error=error,
            findings=sorted(loaded.result.findings, key=sort_key),
            status=status,
        )

    async def record(self, request: Request) -> Response:
        rel = self.rel(request)
        loaded = self.ws.load(rel)
        return self.record_page(request, loaded, status=request.query_params.get("msg", ""))

    async def save(self, request: Request) -> Response:
        rel = self.rel(request)
        form = await self.posted(request)
        loaded = self.ws.load(rel)
        expected = str(form.get("hash") or "")
        values = {k: str(v) for k, v in form.multi_items() if isinstance(v, str)}
        if expected != loaded.hash:
            return self.record_page(
                request, loaded, status=CONFLICT_MESSAGE, code=409, notes=_unsaved(self.ws, loaded, values, expected)
            )
        if loaded.result.record is None or loaded.text is None:
            return self.raw_page(request, loaded, status="记录无法读取，请在原文编辑器中改正。", code=400)
        data = loaded.result.record.data
        try:
            new = forms.read_form(data, values, loaded.result.outcome)
        except forms.FormError as exc:
            return self.record_page(request, loaded, status=f"未保存：{exc.name} {exc.message}", code=400)
        if new == data:
            return self.record_page(request, loaded, status="没有改动，未保存。已重新校验。")
        try:
            text, record, found = forms.splice(loaded.text, loaded.result.record, new, rel, self.ws.parse_cache)
        except forms.SaveError as exc:
            return self.record_page(request, loaded, status=str(exc), code=500)
        try:
            saved = self.ws.write(rel, text, expected, parsed=(record, found))
        except Conflict:
            current = self.ws.load(rel)
            return self.record_page(
                request, current, status=CONFLICT_MESSAGE, code=409, notes=_unsaved(self.ws, current, values, expected)
            )
        return self.record_page(request, saved, status=_saved_status(saved))

    async def raw(self, request: Request) -> Response:
        rel = self.rel(request)
        return self.raw_page(request, self.ws.load(rel))

    async def raw_save(self, request: Request) -> Response:
        rel = self.rel(request)
        form = await self.posted(request)
        loaded = self.ws.load(rel)
        text = str(form.get("text") or "").replace("\r\n", "\n")
        if str(form.get("hash") or "") != loaded.hash:
            return self.raw_page(request, loaded, status=CONFLICT_MESSAGE, code=409, text=text)
        try:
            saved = self.ws.write(rel, text, loaded.hash)
        except Conflict:
            return self.raw_page(request, self.ws.load(rel), status=CONFLICT_MESSAGE, code=409, text=text)
        if saved.result.record is None:
            return self.raw_page(request, saved, status="已保存，但记录仍有格式错误（见下方），请继续改正。")
        return RedirectResponse(f"/record/{quote(rel)}?msg={quote(_saved_status(saved))}", 303)

    async def history(self, request: Request) -> Response:
        rel = self.rel(request)
        return self.page(request, "history.html", rel=rel, versions=self.ws.versions(rel), loaded=self.ws.load(rel))

    async def restore(self, request: Request) -> Response:
        rel = self.rel(request)
        form = await self.posted(request)
        name = str(form.get("version") or "")
        try:
            raw = self.ws.version_bytes(rel, name)
        except OutsideWorkspace:
            raise _Refused("没有这个历史版本。", 404) from None
        try:
            self.ws.write(rel, raw.decode("utf-8"), str(form.get("hash") or ""))
        except Conflict:
            return self.page(
                request,
                "history.html",
                409,
                rel=rel,
                versions=self.ws.versions(rel),
                loaded=self.ws.load(rel),
                status=CONFLICT_MESSAGE,
            )
        return RedirectResponse(
            f"/record/{quote(rel)}?msg={quote(f'已恢复到 {name} 的版本（恢复前的内容也已保存在历史中）。')}", 303
        )

    async def import_sheet(self, request: Request) -> Response:
        rel = self.rel(request)
        form = await self.posted(request)
        loaded = self.ws.load(rel)
        what = str(form.get("what") or "voters")
        upload = form.get("sheet")
        if what not in sheets.WHAT:
            raise _Refused(f"不能导入“{what}”。", 400)
        if not isinstance(upload, UploadFile) or not upload.filename:
            return self.record_page(request, loaded, status="请选择要导入的表格文件。", code=400)
        name = os.path.basename(upload.filename.replace("\\", "/"))
        suffix = os.path.splitext(name)[1].lower()
        if suffix not in SHEET_SUFFIXES:
            return self.record_page(request, loaded, status="只能导入 .xlsx、.xls、.ods 或 .csv 表格。", code=415)
        raw = await _read_upload(upload)
        if suffix in (".xlsx", ".xlsm", ".ods") and not raw.startswith(b"PK"):
            return self.record_page(request, loaded, status=f"{name} 不是有效的 {suffix} 表格文件。", code=415)
        if loaded.text is None or loaded.result.record is None:
            return self.raw_page(request, loaded, status="记录无法读取，请先在原文编辑器中改正。", code=400)
        contests = _contests(loaded.result.record.data)
        contest = None
        if contests:  # which contest the sheet is for (the page's 场次 choice; the first when none is sent)
            chosen = str(form.get("contest") or "1")
            if not chosen.isdigit() or not 1 <= int(chosen) <= len(contests):
                return self.record_page(request, loaded, status=f"未导入：没有第 {chosen} 个场次。", code=400)
            contest = int(chosen)
        with tempfile.TemporaryDirectory(prefix="huanjie-import-") as tmp:
            sheet = os.path.join(tmp, "upload" + suffix)
            Path(sheet).write_bytes(raw)
            try:
                part = sheets.sheet_part(sheet, what)
                text, notes = importer.plan_text(loaded.text, part, rel, contest=contest)
            except (HuanjieError, OSError, ValueError) as exc:
                message = visible(str(exc)).replace(sheet, name)
                return self.record_page(request, loaded, status=f"未导入：{message}", code=400)
        try:
            saved = self.ws.write(rel, text, loaded.hash)
        except Conflict:
            return self.record_page(request, self.ws.load(rel), status=CONFLICT_MESSAGE, code=409)
        into = f"到{contests[contest - 1]}" if contest is not None else ""
        return self.record_page(
            request, saved, status=f"已导入{sheets.WHAT[what]}{into}（{name}）。" + _saved_status(saved), notes=notes
        )

    # -- 文书 ----------------------------------------------------------------------------------------------------
    async def documents(self, request: Request) -> Response:
        from .documents import document_rows

        rel = self.rel(request)
        loaded = self.ws.load(rel)
        rows, draft, message = document_rows(self.ws, loaded)
        return self.page(
            request,
            "documents.html",
            rel=rel,
            loaded=loaded,
            rows=rows,
            draft=draft,
            message=message,
            status=request.query_params.get("msg", ""),
            title=_title(loaded.result.record.data if loaded.result.record else {}, rel),
        )

    async def generate(self, request: Request) -> Response:
        from .documents import generate

        rel = self.rel(request)
        form = await self.posted(request)
        loaded = self.ws.load(rel)
        message = await run_in_threadpool(generate, self.ws, loaded, str(form.get("kind") or ""), bool(form.get("pdf")))
        return RedirectResponse(f"/record/{quote(rel)}/documents?msg={quote(message)}", 303)

    async def files(self, request: Request) -> Response:
        rel = request.path_params["rel"]
        try:
            path = self.ws.resolve(rel)
        except OutsideWorkspace:
            return _plain("路径不在工作文件夹内，已拒绝。", 404)
        if not path.is_file():
            return _plain(f"找不到文件：{rel}", 404)
        inline = path.suffix.lower() in (".pdf", ".png") and request.query_params.get("view") == "1"
        return FileResponse(path, filename=path.name, content_disposition_type="inline" if inline else "attachment")

    async def preview(self, request: Request) -> Response:
        """The pages of a generated PDF as images (`?page=N` answers one PNG)."""
        from .documents import PreviewUnavailable, preview_pages

        rel = request.path_params["rel"]
        try:
            path = self.ws.resolve(rel)
        except OutsideWorkspace:
            raise _Refused("路径不在工作文件夹内，已拒绝。", 404) from None
        if not path.is_file() or path.suffix.lower() != ".pdf":
            raise _Refused(f"找不到 PDF：{rel}", 404)
        try:
            pages = preview_pages(str(path))
        except PreviewUnavailable as exc:
            return self.page(request, "preview.html", rel=rel, pages=0, status=str(exc))
        page = request.query_params.get("page")
        if page is not None:
            if not page.isdigit() or not 1 <= int(page) <= len(pages):
                raise _Refused("没有这一页。", 404)
            return FileResponse(pages[int(page) - 1], media_type="image/png")
        return self.page(request, "preview.html", rel=rel, pages=len(pages))

    # -- 批量 ----------------------------------------------------------------------------------------------------
    async def batch_page(self, request: Request) -> Response:
        return self.page(request, "batch.html", folders=self.ws.folders(), jobs=list(self.jobs.values()))

    async def batch_start(self, request: Request) -> Response:
        from .documents import start_batch

        form = await self.posted(request)
        folder = str(form.get("folder") or ".").strip().strip("/") or "."
        try:
            src = self.ws.root if folder == "." else self.ws.resolve(folder)
        except OutsideWorkspace:
            raise _Refused("文件夹不在工作文件夹内，已拒绝。", 400) from None
        if not src.is_dir():
            raise _Refused(f"找不到文件夹：{folder}", 404)
        job = BatchJob(uuid.uuid4().hex[:12], folder, "")
        self.jobs[job.id] = job
        threading.Thread(target=start_batch, args=(self.ws, job, src), daemon=True).start()
        return RedirectResponse(f"/batch/{job.id}", 303)

    def job(self, request: Request) -> BatchJob:
        job = self.jobs.get(request.path_params["id"])
        if job is None:
            raise _Refused("没有这个批量任务。", 404)
        return job

    async def batch_job(self, request: Request) -> Response:
        return self.page(request, "batch_job.html", job=self.job(request))

    async def batch_progress(self, request: Request) -> Response:
        job = self.job(request)
        return JSONResponse(
            {"done": job.done, "total": job.total, "finished": job.finished, "error": job.error, "summary": job.summary}
        )


class _Refused(Exception):
    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.message, self.status = message, status


async def _read_upload(upload: UploadFile) -> bytes:
    raw = await upload.read(MAX_UPLOAD + 1)
    if len(raw) > MAX_UPLOAD:
        raise _Refused(f"上传的文件超过 {MAX_UPLOAD // (1024 * 1024)} MB，未接收。", 413)
    return raw


def _file_name(name: str) -> str:
    name = name.strip() or "新记录"
    if not name.endswith((".yaml", ".yml")):
        name += ".yaml"
    if "/" in name or "\\" in name or name.startswith(".") or len(name.encode()) > 200:
        raise OutsideWorkspace(name)
    return name


def _contests(data: Any) -> list[str]:
    """The names of a record's contests as the form shows them (场次 1：第一居民小组), [] when it has none."""
    contests = data.get("contests") if isinstance(data, dict) else None
    if not isinstance(contests, list):
        return []
    return [forms.contest_name(c, i) for i, c in enumerate(contests)]


def _title(data: Any, rel: str) -> str:
    unit = data.get("unit") if isinstance(data, dict) else None
    return str(unit.get("name")) if isinstance(unit, dict) and unit.get("name") else rel


def _stage(data: Any) -> str:
    if not isinstance(data, dict):
        return ""
    if data.get("rounds"):
        return "已计票" if any(isinstance(r, dict) and r.get("votes") for r in data["rounds"]) else "已投票"
    if data.get("candidates"):
        return "候选人已确定"
    return "筹备"


def _shown(data: Any) -> dict[str, forms.Field]:
    shown: dict[str, forms.Field] = {}
    for section in forms.build(data):
        for item in forms.fields_of(section.items):
            if isinstance(item, forms.Field):
                shown[item.name] = item
            elif isinstance(item, forms.Table):
                for row in [*item.rows, item.blank]:
                    shown.update({f.name: f for f in row})
    return shown


def _unsaved(ws: Workspace, current: Loaded, values: dict[str, str], expected: str) -> list[str]:
    """What she typed into the refused form, so she can type it in again: the fields that differ from the version the
    form was opened on (found in the history by its hash), else from the file as it is now."""
    if current.result.record is None:
        return []
    now = _shown(current.result.record.data)
    before = now
    for name, _ in ws.versions(current.rel):
        raw = ws.version_bytes(current.rel, name)
        if digest(raw) == expected:
            opened = ws.parse_bytes(current.rel, raw)
            if opened is not None:
                before = _shown(opened.data)
            break
    notes = []
    for name, value in values.items():
        field_ = before.get(name)
        if field_ is not None and value.strip() != field_.value and field_.kind != "readonly":
            there = now[name].value if name in now else ""
            notes.append(f"您未保存的修改：{field_.label}（{name}）＝“{value.strip()}”，文件中现为“{there}”。")
    return notes[:50]


def _saved_status(saved: Loaded) -> str:
    errors = sum(f.severity is Severity.ERROR for f in saved.result.findings)
    warnings = sum(f.severity is Severity.WARNING for f in saved.result.findings)
    if not errors and not warnings:
        return "已保存，校验无问题。"
    return f"已保存。校验发现 {errors} 个错误、{warnings} 个警告，见下方。"


def create_app(workspace: Path, *, token: str | None = None, warm: bool = False) -> Starlette:
    """The ASGI app serving `workspace`; with a `token`, any client that shows it (else loopback only).

    `warm`: read every record of the workspace into the cache in a background thread (`Workspace.warm`,
    `app.state.warming`), so that opening one right after the start is served from it."""
    pages = Pages(Workspace(Path(workspace)))

    async def refused(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, _Refused)
        return pages.page(request, "message.html", exc.status, message=exc.message, status=exc.message)

    async def crashed(request: Request, exc: Exception) -> Response:
        # Never a traceback on the page: say what happened in Chinese; the record on disk is untouched by a failure
        # before the atomic write.
        message = f"页面处理出错（{type(exc).__name__}），操作未完成，记录文件未被改动。请返回上一页重试；如仍出错，请把此信息发给维护人员。"
        return _plain(message, 500)

    static = Path(__file__).with_name("static")
    routes = [
        Route("/", pages.index),
        Route("/new", pages.new, methods=["POST"]),
        Route("/upload", pages.upload, methods=["POST"]),
        Route("/record/{rel:path}/raw", pages.raw, methods=["GET"]),
        Route("/record/{rel:path}/raw", pages.raw_save, methods=["POST"]),
        Route("/record/{rel:path}/history", pages.history, methods=["GET"]),
        Route("/record/{rel:path}/history", pages.restore, methods=["POST"]),
        Route("/record/{rel:path}/documents", pages.documents, methods=["GET"]),
        Route("/record/{rel:path}/generate", pages.generate, methods=["POST"]),
        Route("/record/{rel:path}/import", pages.import_sheet, methods=["POST"]),
        Route("/record/{rel:path}", pages.record, methods=["GET"]),
        Route("/record/{rel:path}", pages.save, methods=["POST"]),
        Route("/files/{rel:path}", pages.files),
        Route("/preview/{rel:path}", pages.preview),
        Route("/batch", pages.batch_page, methods=["GET"]),
        Route("/batch", pages.batch_start, methods=["POST"]),
        Route("/batch/{id}", pages.batch_job),
        Route("/batch/{id}/progress", pages.batch_progress),
        Mount("/static", StaticFiles(directory=static), name="static"),
    ]
    app = Starlette(
        routes=routes,
        middleware=[Middleware(Security, token=token)],
        exception_handlers={_Refused: refused, Exception: crashed},
    )
    app.state.pages = pages
    app.state.warming = None
    if warm:
        app.state.warming = threading.Thread(target=pages.ws.warm, name="huanjie-warm", daemon=True)
        app.state.warming.start()
    return app


__all__ = ["create_app", "Finding"]
