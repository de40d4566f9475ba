"""Reading a spreadsheet file into rows of plain values: .xlsx (openpyxl), .xls/.ods (python-calamine), .csv."""

from __future__ import annotations

import csv
import io
import os
import zipfile
from typing import Any

from ..errors import HuanjieError
from ..fsutil import os_reason

__all__ = ["SheetError", "read_sheets", "decode_csv", "MAX_BYTES", "MAX_ROWS"]

MAX_BYTES = 50 * 1024 * 1024
MAX_ROWS = 200_000
EXTENSIONS = (".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".txt")

Rows = list[list[Any]]


class SheetError(HuanjieError):
    """A spreadsheet that cannot be read at all (missing, of an unknown type, damaged, no such sheet)."""


def read_sheets(path: str, sheet: str | None = None) -> list[tuple[str, Rows]]:
    """[(sheet name, rows)] of the file, every sheet in workbook order (only `sheet` when given)."""
    try:
        info = os.stat(path)
    except OSError as exc:
        raise SheetError(f"无法读取表格文件 {path}（{os_reason(exc)}）。") from None
    if os.path.isdir(path):
        raise SheetError(f"{path} 是文件夹，不是表格文件；请写要导入的 .xlsx、.xls、.ods 或 .csv 文件。")
    if info.st_size > MAX_BYTES:
        raise SheetError(f"表格文件 {path} 超过 {MAX_BYTES // 1024 // 1024} MB，不像是一份名单；请核对文件。")
    ext = os.path.splitext(path)[1].lower()
    if ext not in EXTENSIONS:
        raise SheetError(
            f"不支持的表格文件类型“{ext or '（无扩展名）'}”：{path}。请另存为 .xlsx、.xls、.ods 或 .csv 后再导入。"
        )
    try:
        if ext in (".csv", ".txt"):
            with open(path, "rb") as handle:
                sheets = [(os.path.splitext(os.path.basename(path))[0], _csv_rows(handle.read(), path))]
        elif ext in (".xlsx", ".xlsm"):
            sheets = _xlsx(path)
        else:
            sheets = _calamine(path)
    except HuanjieError:
        raise
    except OSError as exc:
        raise SheetError(f"无法读取表格文件 {path}（{os_reason(exc)}）。") from None
    except Exception as exc:  # a damaged file: each library raises its own kinds
        raise SheetError(
            f"表格文件 {path} 无法打开（{type(exc).__name__}），可能已损坏或不是所标的类型；"
            "请用 Excel 或 WPS 打开后另存为 .xlsx 再导入。"
        ) from None
    if sheet is not None:
        chosen = [entry for entry in sheets if entry[0] == sheet]
        if not chosen:
            names = "、".join(f"“{name}”" for name, _ in sheets)
            raise SheetError(f"表格文件 {path} 中没有名为“{sheet}”的工作表；其中的工作表：{names}。")
        return chosen
    return sheets


def _bounded(rows: Any, path: str) -> Rows:
    out: Rows = []
    for row in rows:
        if len(out) >= MAX_ROWS:
            raise SheetError(f"表格文件 {path} 超过 {MAX_ROWS} 行，不像是一份名单；请核对文件。")
        out.append(list(row))
    return out


def _xlsx(path: str) -> list[tuple[str, Rows]]:
    import openpyxl

    if not zipfile.is_zipfile(path):
        raise SheetError(
            f"表格文件 {path} 不是有效的 .xlsx 文件（可能是改了扩展名的 .xls 或 .csv）；请另存为 .xlsx 再导入。"
        )
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        return [(ws.title, _bounded(ws.iter_rows(values_only=True), path)) for ws in book.worksheets]
    finally:
        book.close()


def _calamine(path: str) -> list[tuple[str, Rows]]:
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(path)
    try:
        return [(name, _bounded(book.get_sheet_by_name(name).to_python(), path)) for name in book.sheet_names]
    finally:
        book.close()


def decode_csv(raw: bytes) -> tuple[str, str]:
    """(text, encoding name) of a CSV file: UTF-8 (with or without BOM), UTF-16 with BOM, else GBK (GB18030)."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="replace"), "UTF-8"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16", errors="replace"), "UTF-16"
    try:
        return raw.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gb18030"), "GBK"
    except UnicodeDecodeError:
        return raw.decode("utf-8", errors="replace"), "UTF-8"


def _csv_rows(raw: bytes, path: str) -> Rows:
    text, _ = decode_csv(raw)
    sample = text[:4096]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",\t;，")
    except csv.Error:
        dialect = csv.excel
    rows = csv.reader(io.StringIO(text, newline=""), dialect)
    return _bounded(([cell if cell.strip() else None for cell in row] for row in rows), path)
