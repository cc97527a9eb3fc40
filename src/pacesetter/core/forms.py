"""Helpers every page form shares: Bootstrap classes, and a service's refusal shown on the form or as the page's
message."""

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager

from django import forms
from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from .errors import ApplicationError, PermissionDeniedError


class BootstrapMixin:
    """Give every widget the Bootstrap class its kind needs (select, check box, text)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            if isinstance(widget, forms.CheckboxInput | forms.RadioSelect):  # radio buttons and check boxes
                css = "form-check-input"
            widget.attrs.setdefault("class", css)


def form_error(form: forms.Form, exc: ApplicationError) -> None:
    """Show a service refusal on the form, beside the field it names when the form has it."""
    details = exc.details or [{"field": exc.field, "message": str(exc.message)}]
    for d in details:
        field = d.get("field")
        form.add_error(field if field in form.fields else None, d["message"])


def pick(data: Mapping, *names: str) -> dict:
    """The named entries of a form's cleaned data, to pass on to a service whose keyword arguments have the same
    names: ``services.item_update(actor=…, item=item, **pick(d, "kind", "title", "body"))``."""
    return {name: data[name] for name in names}


@contextmanager
def refusals_on(form: forms.Form, *, permission_too: bool = False) -> Iterator[None]:
    """Run a service inside ``with refusals_on(form):``; a refusal is shown on the form and the rest of the block
    (the success message, the redirect) is skipped, so the view falls through to render the form again.

    A permission refusal is not the form's business: it goes on to the one error handler (the 403 page) — unless
    ``permission_too``, for a form whose own fields name what the user may not reach (an organisation typed in
    outside their scope is a mistake in that field, shown beside it).
    """
    try:
        yield
    except PermissionDeniedError as exc:
        if not permission_too:
            raise
        form_error(form, exc)
    except ApplicationError as exc:
        form_error(form, exc)


@contextmanager
def refusals_flashed(request, *, permission_too: bool = True) -> Iterator[None]:
    """Run a button's service inside ``with refusals_flashed(request):``; a refusal (any typed error, a permission
    refusal too) becomes the page's error message and the rest of the block (the success message) is skipped, so the
    view goes on to its redirect either way.

    With ``permission_too=False`` a permission refusal goes on to the one error handler (the 403 page) instead.
    """
    try:
        yield
    except PermissionDeniedError as exc:
        if not permission_too:
            raise
        messages.error(request, exc.message)
    except ApplicationError as exc:
        messages.error(request, exc.message)


def button_redirect(
    request, write: Callable[[], object], message: str, to, *args, permission_too: bool = True
) -> HttpResponseRedirect:
    """The post of a button with no form to show again (印发, 撤销, 删除): ``write()`` calls the service, then
    ``message`` is the page's success message — or, refused, the refusal its error message (see
    ``refusals_flashed``) — and a redirect to ``to`` (a URL name with ``args``, an object or a URL) either way."""
    with refusals_flashed(request, permission_too=permission_too):
        write()
        messages.success(request, message)
    return redirect(to, *args)


def form_page(request, template: str, context: dict) -> HttpResponse:
    """A page whose form the view shows: 200 when first shown, 422 (Unprocessable Content) when a post comes back
    to it refused, so a test or a script sees the refusal without reading the page."""
    return render(request, template, context, status=422 if request.method == "POST" else 200)


def phone_code_sent(request, send, page) -> HttpResponse:
    """获取验证码 on a public form: ``send()`` texts a code to the phone typed and returns it masked; then the form's
    page again (``page(**kw)``, which keeps what was typed), saying where the code went (``code_sent_to=``) — or
    with the refusal as its message and status (422 a malformed phone, 429 past the daily limits)."""
    try:
        masked = send()
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return page(status=exc.status)
    messages.success(request, _("验证码已发送至 %(p)s，请在下方输入") % {"p": masked})
    return page(code_sent_to=masked)


def success_redirect(request, message: str, to, *args) -> HttpResponseRedirect:
    """The end of a write that worked: ``message`` as the page's success message, then a redirect to ``to`` (a URL
    name with ``args``, an object or a URL), so reloading the next page does not post again."""
    messages.success(request, message)
    return redirect(to, *args)


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label=_("操作人"), required=False)
    object_type = forms.CharField(label=_("对象类型"), required=False)
    object_id = forms.CharField(label=_("对象编号"), required=False)
    action = forms.CharField(label=_("操作"), required=False)
    date_from = forms.DateField(
        label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for f in self.fields.values():
            f.widget.attrs.setdefault("class", "form-control form-control-sm")
