"""One way to hand a generated file (Word, Excel, PDF) to the browser: an attachment under its Chinese name
(RFC 6266 `filename*=UTF-8''…`, which every browser the users have decodes)."""

from django.http import HttpResponse
from django.utils.http import content_disposition_header

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
