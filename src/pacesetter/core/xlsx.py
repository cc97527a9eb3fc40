"""Small pieces of the Excel templates the imports hand out (openpyxl)."""

from openpyxl.worksheet.datavalidation import DataValidation


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
