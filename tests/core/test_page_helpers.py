"""core.forms.phone_code_sent and button_redirect, and core.downloads.stored_file / stored_attachment: what the
public forms, the buttons and the file views share."""

import io

import pytest
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.core.files.base import ContentFile
from django.http import HttpResponse
from django.test import RequestFactory

from pacesetter.core.downloads import stored_attachment, stored_file
from pacesetter.core.errors import NotFoundError, PermissionDeniedError, RateLimitedError, StateError
from pacesetter.core.forms import button_redirect, phone_code_sent


def _post():
    request = RequestFactory().post("/x/")
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def _page(**kw):
    return HttpResponse(repr(sorted(kw.items())), status=kw.get("status", 200))


def test_phone_code_sent_shows_the_page_again_saying_where_the_code_went():
    request = _post()
    response = phone_code_sent(request, lambda: "138****0000", _page)
    assert response.status_code == 200
    assert response.content.decode() == "[('code_sent_to', '138****0000')]"
    assert [str(m) for m in get_messages(request)] == ["验证码已发送至 138****0000，请在下方输入"]


def test_phone_code_sent_shows_a_refusal_with_its_status():
    request = _post()

    def send():
        raise RateLimitedError("今天发送次数已达上限")

    response = phone_code_sent(request, send, _page)
    assert response.status_code == 429
    assert [str(m) for m in get_messages(request)] == ["今天发送次数已达上限"]


def test_stored_file_is_served_as_stored_and_never_sniffed():
    f = ContentFile(b"\x89PNG...", name="a.png")
    f.open = lambda mode="rb": io.BytesIO(b"\x89PNG...")
    response = stored_file(f, "image/png", disposition="inline", cache="private, max-age=3600")
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == "inline"
    assert response["Cache-Control"] == "private, max-age=3600"
    assert b"".join(response.streaming_content) == b"\x89PNG..."


def test_stored_file_leaves_out_the_headers_not_given():
    f = ContentFile(b"x", name="a.txt")
    f.open = lambda mode="rb": io.BytesIO(b"x")
    response = stored_file(f, "text/plain")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "Cache-Control" not in response


def test_stored_attachment_is_downloaded_under_its_uploaded_name():
    f = ContentFile(b"x", name="stored/ab12.pdf")
    f.open = lambda mode="rb": io.BytesIO(b"x")
    response = stored_attachment(f, "整改报告.pdf")
    assert (
        response["Content-Disposition"]
        == "attachment; filename*=utf-8''%E6%95%B4%E6%94%B9%E6%8A%A5%E5%91%8A.pdf"
    )


def test_stored_attachment_gone_missing_is_a_404_saying_so():
    f = ContentFile(b"", name="stored/gone.pdf")

    def gone(mode="rb"):
        raise FileNotFoundError(f.name)

    f.open = gone
    with pytest.raises(NotFoundError) as caught:
        stored_attachment(f, "a.pdf")
    assert str(caught.value.message) == "附件文件已丢失，请联系管理员"


def test_button_redirect_says_it_is_done_and_goes_on():
    request = _post()
    done = []
    response = button_redirect(request, lambda: done.append(1), "已印发", "/next/")
    assert done == [1]
    assert response.status_code == 302 and response["Location"] == "/next/"
    assert [str(m) for m in get_messages(request)] == ["已印发"]


def test_button_redirect_shows_a_refusal_and_goes_on_all_the_same():
    request = _post()

    def write():
        raise StateError("已印发，不能再次印发")

    response = button_redirect(request, write, "已印发", "/next/")
    assert response.status_code == 302 and response["Location"] == "/next/"
    assert [str(m) for m in get_messages(request)] == ["已印发，不能再次印发"]


def test_button_redirect_can_leave_a_permission_refusal_to_the_403_page():
    def write():
        raise PermissionDeniedError()

    assert button_redirect(_post(), write, "已公布", "/next/").status_code == 302
    with pytest.raises(PermissionDeniedError):
        button_redirect(_post(), write, "已公布", "/next/", permission_too=False)
