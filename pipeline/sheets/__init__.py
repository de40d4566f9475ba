"""Spreadsheets in: reading .xlsx/.xls/.ods/.csv, finding the header row, and building rolls from the rows.

`read.read_sheets` gives the sheets of a file as rows of plain values; `columns.find_header` finds the header row
and maps the columns people use to record fields; `rolls` turns the rows into the record's parts (voters,
candidates, votes, proxies) and says what it changed. `sheet_part` does all three. The core of `huanjie import`;
`pipeline.importer` writes the result into a record.
"""

from __future__ import annotations

from .columns import WHAT, UnmappedSheet
from .read import SheetError, read_sheets
from .rolls import Part, build

__all__ = ["SheetError", "UnmappedSheet", "WHAT", "Part", "sheet_part", "read_sheets"]


def sheet_part(path: str, what: str = "voters", sheet: str | None = None) -> Part:
    """The part `what` of a record as the spreadsheet at `path` has it (the first sheet that maps, or `sheet`)."""
    from .columns import find_header

    sheets = read_sheets(path, sheet)
    name, rows, header = find_header(sheets, what, path)
    return build(what, rows, header, file=path, sheet=name)
