"""The in-app inbox, the notification settings, and the office's text-message log."""

from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pacesetter.core.errors import ValidationError
from pacesetter.core.forms import refusals_on, success_redirect
from pacesetter.core.paging import paginate

from .forms import MarkReadForm, PreferencesForm, TextSearchForm
from .kinds import Channel
from .selectors import notification_list_for, preferences_for, text_message_list_for
from .services import notification_mark_read, preferences_update


def inbox(request):
    return render(
        request, "notifications/inbox.html", {"page": paginate(request, notification_list_for(request.user))}
    )


@require_POST
def mark_read(request):
    # An id that is not one is refused: it used to mark every notice read (and "²" was a 500).
    form = MarkReadForm(request.POST)
    if not form.is_valid():
        raise ValidationError(_("通知编号无效，请从通知列表中操作"), field="id")
    notification_mark_read(user=request.user, notification_id=form.cleaned_data["id"])
    return redirect("notifications:inbox")


def preferences(request):
    rows = preferences_for(request.user)
    form = PreferencesForm(request.POST or None, rows=rows)
    if request.method == "POST" and form.is_valid():
        with refusals_on(form):
            n = preferences_update(actor=request.user, choices=form.choices())
            message = _("通知设置已保存（%(n)d 项有变化）") % {"n": n}
            return success_redirect(request, message, "notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form, "channels": Channel.choices})


def text_list(request):
    form = TextSearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = text_message_list_for(request.user, q=filters.get("q", ""), status=filters.get("status", ""))
    return render(request, "notifications/text_list.html", {"form": form, "page": paginate(request, qs)})
