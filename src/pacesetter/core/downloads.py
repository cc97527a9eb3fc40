"""One way to hand a generated file (Word, Excel, PDF) to the browser: an attachment under its Chinese name
(RFC 6266 `filename*=UTF-8''…`, which every browser the users have decodes); and one way to serve an uploaded one."""

from django.http import FileResponse, HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from .errors import NotFoundError

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    return HttpResponse(
        content,
        content_type=content_type,
        headers={"Content-Disposition": content_disposition_header(True, filename)},
    )


def xlsx_download(content: bytes, filename: str) -> HttpResponse:
    """An Excel workbook (.xlsx) as an attachment named ``filename``."""
    return download(content, filename, XLSX)


def docx_download(content: bytes, filename: str) -> HttpResponse:
    """A Word document (.docx) as an attachment named ``filename``."""
    return download(content, filename, DOCX)


def stored_file(file, content_type: str, *, disposition: str = "", cache: str = "") -> FileResponse:
    """An uploaded file (a photo, an attachment, evidence) served with the type it was stored with and `nosniff`,
    so that a browser never takes it for another kind (an HTML page); with the ``Content-Disposition`` (``inline``,
    ``attachment``) and the ``Cache-Control`` given, if any."""
    response = FileResponse(file.open("rb"), content_type=content_type)
    if disposition:
        response["Content-Disposition"] = disposition
    response["X-Content-Type-Options"] = "nosniff"
    if cache:
        response["Cache-Control"] = cache
    return response


def stored_attachment(file, filename: str) -> FileResponse:
    """An uploaded file (a plan's attachment, a rectification's evidence) as an attachment under the name it was
    uploaded with; a 404 saying so when the stored file has gone missing."""
    try:
        handle = file.open("rb")
    except FileNotFoundError as exc:
        raise NotFoundError(_("附件文件已丢失，请联系管理员")) from exc
    return FileResponse(handle, as_attachment=True, filename=filename)
