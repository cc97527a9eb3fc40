"""Excel building blocks: one sheet of rows under a title row, or under a bold header kept in view, as .xlsx bytes.

Write-only workbooks, so that long lists stream row by row.
"""

import datetime
import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation


def _local(value: Any) -> Any:
    """Excel keeps no time zone: an aware datetime is written as the local wall-clock time."""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    return value


def _bytes(wb: Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def rows_xlsx(title: str, headers: Sequence[Any], rows: Iterable[Sequence[Any]], *, sheet: str = "") -> bytes:
    """One sheet (named `sheet`, else the title cut to Excel's 31 characters): a title row, the headers, then
    the rows."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet((sheet or title)[:31])
    ws.append([title])
    ws.append(list(headers))
    for row in rows:
        ws.append([_local(v) for v in row])
    return _bytes(wb)


def table_xlsx(sheet: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """One sheet named `sheet`: a bold header row that stays in view (frozen), then the rows as given."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet)
    ws.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for h in headers:
        cell = WriteOnlyCell(ws, value=h)
        cell.font = bold
        header.append(cell)
    ws.append(header)
    for row in rows:
        ws.append(row)
    return _bytes(wb)


def add_dropdown(ws, choices: str, cells: str, *, error_title=None, error=None) -> DataValidation:
    """A drop-down list on ``cells`` (``"B3:B500"``) of sheet ``ws``: ``choices`` is a formula — a range
    (``"'Lists'!$A$1:$A$4"``) or a quoted inline list (``'"男,女"'``). Blanks are allowed; a value not in
    the list is warned about (``error_title``, ``error``), not refused, so a pasted sheet still saves."""
    dv = DataValidation(
        type="list",
        formula1=choices,
        allow_blank=True,
        errorStyle="warning",
        showErrorMessage=True,
        errorTitle=error_title,
        error=error,
    )
    dv.add(cells)
    ws.add_data_validation(dv)
    return dv
