"""Placeholder: the Excel import/export pages are being written (see issue #2)."""

from django.http import HttpResponse


def _todo(request, *args, **kwargs):
    return HttpResponse("not yet", status=501)


import_list = import_upload = import_detail = import_progress = import_confirm = import_rollback = _todo
import_template = export = _todo
