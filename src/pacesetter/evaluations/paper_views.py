"""Pages for batch entry of paper ballots (纸质测评表) from Excel: the template download and the upload."""

import io

from django.contrib import messages
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from pacesetter.core.errors import ApplicationError, NotFoundError

from .paper_import import MAX_BYTES, MAX_SHEETS, XLSX_CONTENT_TYPE, paper_import, paper_template_xlsx
from .rules import MANAGE_CAP, can_enter_paper_ballots
from .selectors import round_get_for


def _paper_round(request, pk):
    round_ = round_get_for(request.user, pk, cap=MANAGE_CAP)
    if not can_enter_paper_ballots(request.user, round_):
        raise NotFoundError()
    return round_


def paper_template(request, pk):
    round_ = _paper_round(request, pk)
    return FileResponse(
        io.BytesIO(paper_template_xlsx(round_)),
        as_attachment=True,
        filename=_("%(name)s-纸质测评表录入模板.xlsx") % {"name": round_.name},
        content_type=XLSX_CONTENT_TYPE,
    )


def paper_upload(request, pk):
    """Upload a filled template; every sheet is stored, or none and the page lists each problem."""
    round_ = _paper_round(request, pk)
    report, error, status = None, None, 200
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            error, status = _("请选择要上传的 Excel 文件"), 422
        else:
            try:
                # One byte past the limit is enough to refuse: a large upload is never read whole.
                report = paper_import(actor=request.user, round_=round_, content=upload.read(MAX_BYTES + 1))
            except ApplicationError as exc:
                error, status = exc.message, exc.status
            else:
                if report.ok:
                    messages.success(request, _("已录入 %(n)d 份纸质测评表") % {"n": report.sheets})
                    # Redirect, so that reloading the page does not upload the file again.
                    return redirect("evaluations:round-paper-upload", round_.pk)
                status = 422
    return render(
        request,
        "evaluations/paper_upload.html",
        {"round": round_, "report": report, "error": error, "max_sheets": MAX_SHEETS},
        status=status,
    )
