"""core.uploads.MultipleFileField: several files from one input, cleaned into a list."""

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile

from pacesetter.core.uploads import MultipleFileField


class _Form(forms.Form):
    files = MultipleFileField(required=False)
    photos = MultipleFileField(accept="image/png")


def _file(name):
    return SimpleUploadedFile(name, b"data")


def test_multiple_files_clean_to_a_list():
    form = _Form(data={}, files={"files": [_file("a.pdf"), _file("b.pdf")], "photos": _file("p.png")})
    assert form.is_valid(), form.errors
    assert [f.name for f in form.cleaned_data["files"]] == ["a.pdf", "b.pdf"]
    assert [f.name for f in form.cleaned_data["photos"]] == ["p.png"]


def test_none_sent_is_an_empty_list():
    # The service decides whether files are needed; `required` only marks the input on the page.
    form = _Form(data={}, files={})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"files": [], "photos": []}
    assert "required" in str(form["photos"]) and "required" not in str(form["files"])


@pytest.mark.parametrize(("accept", "attrs"), [(None, {}), ("image/png", {"accept": "image/png"})])
def test_accept_hints_the_picker(accept, attrs):
    field = MultipleFileField(accept=accept)
    assert field.widget.allow_multiple_selected
    assert {k: v for k, v in field.widget.attrs.items() if k == "accept"} == attrs
