"""documents.sheets.add_dropdown: a list validation that warns instead of refusing."""

import openpyxl

from pacesetter.documents.sheets import add_dropdown


def test_add_dropdown_adds_a_warning_list_on_the_cells():
    ws = openpyxl.Workbook().active
    dv = add_dropdown(ws, '"男,女"', "B3:B9", error_title="t", error="e")
    assert ws.data_validations.dataValidation == [dv]
    assert (dv.type, dv.formula1, dv.errorStyle, dv.allow_blank) == ("list", '"男,女"', "warning", True)
    assert (dv.errorTitle, dv.error, str(dv.sqref)) == ("t", "e", "B3:B9")
