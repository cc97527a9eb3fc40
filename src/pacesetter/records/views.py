"""Pages for activity records (记实登记): lists, log/edit/delete, photos, meeting attendance and QR sign-in."""

from functools import partial

import segno
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pacesetter.core.downloads import stored_file, xlsx_download
from pacesetter.core.errors import ApplicationError, NotFoundError
from pacesetter.core.forms import button_redirect, pick, refusals_flashed, refusals_on, success_redirect
from pacesetter.core.paging import paginate
from pacesetter.orgs.enums import Cap
from pacesetter.orgs.selectors import member_for_user, org_get_for, org_resolve_for

from . import services
from .enums import MEETING_KINDS, AttendanceStatus
from .exporters import records_workbook
from .forms import (
    AttendanceForm,
    PhotoForm,
    RecordCheckForm,
    RecordFilterForm,
    RecordForm,
    SignInOpenForm,
)
from .rules import (
    can_check_record,
    can_edit_record,
    can_log_any_org_record,
    can_log_org_record,
    can_manage_meeting,
)
from .selectors import (
    attendance_list,
    meeting_roster,
    my_record_list_for,
    photo_get_for,
    record_export_list_for,
    record_get_for,
    record_list_for,
)

PER_PAGE = 20


def record_list(request):
    org = (
        org_get_for(request.user, request.GET["org"], cap=Cap.RECORD_VIEW) if request.GET.get("org") else None
    )
    form = RecordFilterForm(request.GET or None)
    filters = form.filters()
    page = paginate(request, record_list_for(request.user, org=org, **filters), PER_PAGE)
    return render(
        request,
        "records/record_list.html",
        {
            "org": org,
            "form": form,
            "page": page,
            "can_log_org": can_log_org_record(request.user, org)
            if org
            else can_log_any_org_record(request.user),
            "export_query": request.GET.urlencode(),
        },
    )


def my_records(request):
    member = member_for_user(request.user)
    page = paginate(request, my_record_list_for(request.user, kind=request.GET.get("kind") or None), PER_PAGE)
    return render(request, "records/my_records.html", {"member": member, "page": page})


def _save_photos(request, record, files, caption="") -> list[str]:
    """Attach each photo; a refused one is reported and the others are kept."""
    errors = []
    for f in files:
        try:
            services.photo_add(actor=request.user, record=record, file=f, caption=caption)
        except ApplicationError as exc:
            errors.append(str(exc.message))
    return errors


def record_create(request):
    member = member_for_user(request.user)
    mode = request.GET.get("mode") or ("me" if member is not None else "org")
    if mode == "me" and member is None:
        raise NotFoundError(_("您的账号没有关联党员信息，不能登记个人记实"))
    org = None
    if mode == "org" and request.GET.get("org"):
        org = org_get_for(request.user, request.GET["org"], cap=Cap.RECORD_LOG)
    initial = {"occurred_on": timezone.localdate(), "organisation": org.name if org else ""}
    if mode == "org" and request.GET.get("kind") in MEETING_KINDS:
        initial["kind"] = request.GET["kind"]
    form = RecordForm(request.POST or None, request.FILES or None, mode=mode, initial=initial)
    if request.method == "POST" and form.is_valid():
        with refusals_on(form, permission_too=True):
            if mode == "me":
                target = {"member": member}
            else:
                target = {
                    "organisation": org_resolve_for(
                        request.user, form.cleaned_data["organisation"], cap=Cap.RECORD_LOG
                    )
                }
            # Check every photo before anything is stored, so a bad file does not leave a half record.
            for f in form.cleaned_data["photos"]:
                services.photo_check(f)
            record = services.record_create(
                actor=request.user, meeting=form.meeting_data(), **target, **form.record_data()
            )
            errors = _save_photos(request, record, form.cleaned_data["photos"])
            for e in errors:
                messages.error(request, e)
            message = _("已登记“%(t)s”") % {"t": record.title}
            return success_redirect(request, message, "records:record-detail", record.pk)
    title = _("登记个人记实") if mode == "me" else _("登记组织记实")
    return render(
        request,
        "records/record_form.html",
        {"form": form, "title": title, "mode": mode, "meeting_kinds": sorted(MEETING_KINDS), "record": None},
    )


def record_detail(request, pk):
    record = record_get_for(request.user, pk)
    meeting = record.meeting_detail
    can_manage = meeting is not None and can_manage_meeting(request.user, record)
    context = {
        "record": record,
        "meeting": meeting,
        "photos": list(record.photos.all()),
        "can_edit": can_edit_record(request.user, record),
        "can_manage": can_manage,
        "can_check": can_check_record(request.user, record),
        "check_form": RecordCheckForm(),
        "photo_form": PhotoForm(),
        "attendances": attendance_list(meeting) if meeting is not None else [],
        "qr_svg": "",
        "sign_in_url": "",
        "sign_in_live": meeting is not None and meeting.sign_in_is_open(),
    }
    if can_manage and context["sign_in_live"]:
        url = request.build_absolute_uri(reverse("records:sign-in", args=[meeting.sign_in_token]))
        # segno writes the SVG itself from the URL: no user text is interpolated into markup.
        context["qr_svg"] = mark_safe(  # noqa: S308
            segno.make(url, error="m").svg_inline(scale=8, border=2, omitsize=True)
        )
        context["sign_in_url"] = url
    return render(request, "records/record_detail.html", context)


@require_POST
def record_check(request, pk):
    """检查: pass or return a record; a refusal (a 退回 without comment) is shown as a message."""
    record = record_get_for(request.user, pk)
    form = RecordCheckForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return redirect("records:record-detail", record.pk)
    with refusals_flashed(request, permission_too=False):
        services.record_check(actor=request.user, record=record, **form.cleaned_data)
        messages.success(request, _("已记录检查结果"))
    return redirect("records:record-detail", record.pk)


def _edit_initial(record) -> dict:
    initial = {f: getattr(record, f) for f in services.EDITABLE_FIELDS}
    meeting = record.meeting_detail
    if meeting is not None:
        initial.update({f: getattr(meeting, f) for f in RecordForm.MEETING})
    return initial


def record_edit(request, pk):
    record = record_get_for(request.user, pk)
    if not can_edit_record(request.user, record):
        raise NotFoundError()
    mode = "me" if record.member_id else "org"
    form = RecordForm(request.POST or None, mode=mode, editing=True, initial=_edit_initial(record))
    if request.method == "POST" and form.is_valid():
        with refusals_on(form, permission_too=True):
            services.record_update(
                actor=request.user, record=record, meeting=form.meeting_data(), **form.record_data()
            )
            return success_redirect(request, _("已保存"), "records:record-detail", record.pk)
    return render(
        request,
        "records/record_form.html",
        {
            "form": form,
            "title": _("修改记实"),
            "mode": mode,
            "meeting_kinds": sorted(MEETING_KINDS),
            "record": record,
        },
    )


@require_POST
def record_delete(request, pk):
    record = record_get_for(request.user, pk)
    try:
        services.record_delete(actor=request.user, record=record)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("records:record-detail", record.pk)
    return success_redirect(
        request,
        _("已删除“%(t)s”") % {"t": record.title},
        "records:my-records" if record.member_id else "records:record-list",
    )


def photo(request, pk):
    """Photos are never served from MEDIA_URL: only to users who may see the record."""
    p = photo_get_for(request.user, pk)
    return stored_file(p.image, p.content_type, disposition="inline", cache="private, max-age=3600")


@require_POST
def photo_add(request, pk):
    record = record_get_for(request.user, pk)
    form = PhotoForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("请选择要上传的照片"))
    else:
        errors = _save_photos(request, record, form.cleaned_data["photos"], form.cleaned_data["caption"])
        for e in errors:
            messages.error(request, e)
        if len(errors) < len(form.cleaned_data["photos"]):
            messages.success(request, _("照片已上传"))
    return redirect("records:record-detail", record.pk)


@require_POST
def photo_delete(request, pk):
    p = photo_get_for(request.user, pk)
    delete = partial(services.photo_delete, actor=request.user, photo=p)
    return button_redirect(request, delete, _("照片已删除"), "records:record-detail", p.record_id)


def _meeting_record(request, pk):
    record = record_get_for(request.user, pk)
    if record.meeting_detail is None or not can_manage_meeting(request.user, record):
        raise NotFoundError()
    return record


@require_POST
def meeting_attendance_all(request, pk):
    record = _meeting_record(request, pk)
    with refusals_flashed(request):
        n = services.attendance_mark_all_present(actor=request.user, record=record)
        messages.success(request, _("已将未登记的 %(n)d 人标记为出席；请假、缺席的请逐一登记原因") % {"n": n})
    return redirect("records:meeting-attendance", record.pk)


def meeting_attendance(request, pk):
    record = _meeting_record(request, pk)
    error_for: dict[int, str] = {}
    if request.method == "POST":
        form = AttendanceForm(request.POST)
        member_id = form.data.get("member")
        if form.is_valid():
            roster = {m.pk: m for m, _a in meeting_roster(record)}
            member = roster.get(form.cleaned_data["member"])
            with refusals_flashed(request):
                if member is None:
                    raise NotFoundError(_("该党员不在本次会议的名单中"))
                services.attendance_mark(
                    actor=request.user,
                    record=record,
                    member=member,
                    **pick(form.cleaned_data, "status", "reason_kind", "reason"),
                )
                message = _("已登记%(m)s的出勤") % {"m": member.name}
                return success_redirect(
                    request,
                    message,
                    f"{reverse('records:meeting-attendance', args=[record.pk])}#m{member.pk}",
                )
        else:
            messages.error(request, _("出勤信息无效"))
        if str(member_id).isdigit():
            error_for[int(member_id)] = "1"
    rows = [
        (
            m,
            a,
            AttendanceForm(
                initial={
                    "member": m.pk,
                    "status": a.status if a else AttendanceStatus.PRESENT,
                    "reason_kind": a.reason_kind if a else "",
                    "reason": a.reason if a else "",
                },
                auto_id=f"m{m.pk}_%s",
            ),
        )
        for m, a in meeting_roster(record)
    ]
    return render(
        request,
        "records/meeting_attendance.html",
        {
            "record": record,
            "meeting": record.meeting_detail,
            "rows": rows,
            "unmarked": sum(1 for _m, a, _f in rows if a is None),
        },
    )


@require_POST
def sign_in_open(request, pk):
    record = record_get_for(request.user, pk)
    form = SignInOpenForm(request.POST)
    minutes = (
        form.cleaned_data.get("minutes") if form.is_valid() else None
    ) or services.DEFAULT_SIGN_IN_MINUTES
    open_ = partial(services.sign_in_open, actor=request.user, record=record, minutes=minutes)
    return button_redirect(
        request, open_, _("签到已开放，请党员用手机扫描二维码"), "records:record-detail", record.pk
    )


@require_POST
def sign_in_close(request, pk):
    record = record_get_for(request.user, pk)
    close = partial(services.sign_in_close, actor=request.user, record=record)
    return button_redirect(request, close, _("签到已关闭"), "records:record-detail", record.pk)


def sign_in(request, pk):
    """Opening the QR code's link signs the member in: the unguessable token is the proof of presence.

    The URL kwarg is the meeting's sign-in token (named `pk` so the permission walk can fill it). Anyone
    signed in reaches this view (LOGIN); the service checks membership of the meeting's organisation.
    """
    try:
        attendance, created = services.sign_in_by_token(user=request.user, token=pk)
    except ApplicationError as exc:
        return render(
            request,
            "records/sign_in.html",
            {"ok": False, "already": False, "message": exc.message, "attendance": None},
            status=exc.status,
        )
    return render(
        request,
        "records/sign_in.html",
        {"ok": True, "already": not created, "message": "", "attendance": attendance},
    )


def export(request):
    """Excel of the records in a subtree (`?org=`; default: the whole scope), with the list's filters."""
    org = (
        org_get_for(request.user, request.GET["org"], cap=Cap.RECORD_VIEW) if request.GET.get("org") else None
    )
    form = RecordFilterForm(request.GET or None)
    records = record_export_list_for(request.user, org=org, **form.filters())
    data = records_workbook(records.iterator(chunk_size=2000))
    return xlsx_download(data, f"records-{timezone.localdate():%Y%m%d}.xlsx")
