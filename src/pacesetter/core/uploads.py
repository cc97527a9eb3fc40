"""One home for checking an uploaded file: the types the product accepts, recognised by their leading bytes.

    >>> checked = check_upload(request.FILES["file"], allowed=DOCUMENTS | IMAGES, max_bytes=10 * MB)
    >>> checked.name, checked.ext, checked.content_type
    ('方案.pdf', 'pdf', 'application/pdf')

The extension must be one of `allowed` and the first bytes must be that type's (a renamed .exe is refused).
Photos (`images_by_content=True`) are the exception phones force on us: a PNG saved as .jpg is accepted as
what its bytes say; elsewhere a mismatch between name and content is refused.
Every refusal is a ValidationError naming the file, on the form field given.
"""

from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext as _

from pacesetter.core.errors import ValidationError

MB = 1024 * 1024


@dataclass(frozen=True)
class FileType:
    content_type: str
    heads: tuple[bytes, ...]
    riff_form: bytes = b""  # RIFF containers also name their form at bytes 8–12 (WebP)

    def matches(self, head: bytes) -> bool:
        return any(head.startswith(h) for h in self.heads) and (
            not self.riff_form or head[8:12] == self.riff_form
        )


_OLE = (b"\xd0\xcf\x11\xe0",)
_ZIP = (b"PK\x03\x04",)
FILE_TYPES: dict[str, FileType] = {
    "pdf": FileType("application/pdf", (b"%PDF",)),
    "doc": FileType("application/msword", _OLE),
    "xls": FileType("application/vnd.ms-excel", _OLE),
    "docx": FileType("application/vnd.openxmlformats-officedocument.wordprocessingml.document", _ZIP),
    "xlsx": FileType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _ZIP),
    "jpg": FileType("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": FileType("image/jpeg", (b"\xff\xd8\xff",)),
    "png": FileType("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "webp": FileType("image/webp", (b"RIFF",), riff_form=b"WEBP"),
}
DOCUMENTS = frozenset({"pdf", "doc", "docx", "xls", "xlsx"})
IMAGES = frozenset({"jpg", "jpeg", "png", "webp"})
IMAGE_CONTENT_TYPES = frozenset(FILE_TYPES[e].content_type for e in IMAGES)


@dataclass(frozen=True)
class CheckedUpload:
    name: str  # the file's name as uploaded, at most 255 characters (the end kept)
    ext: str  # what its bytes are: "jpg" for a JPEG whatever its name said
    content_type: str
    size: int


_LABELS = {"jpg": "JPG", "jpeg": "JPG", "png": "PNG", "webp": "WebP", "pdf": "PDF"}
_LABELS |= {"doc": "Word", "docx": "Word", "xls": "Excel", "xlsx": "Excel"}
_LABEL_ORDER = ("JPG", "PNG", "WebP", "PDF", "Word", "Excel")


def type_labels(allowed: frozenset[str]) -> str:
    """{"jpg", "jpeg", "pdf", "docx"} → "JPG、PDF、Word": what a user recognises, each once."""
    labels = {_LABELS[e] for e in allowed}
    return "、".join(label for label in _LABEL_ORDER if label in labels)


def human_size(n: int) -> str:
    """8388608 → "8 MB", 1536 → "1.5 KB", 10 → "10 字节"."""
    for unit, scale in (("MB", MB), ("KB", 1024)):
        if n >= scale:
            return f"{n / scale:.1f}".removesuffix(".0") + f" {unit}"
    return _("%(n)d 字节") % {"n": n}


def sniff_image(head: bytes) -> str | None:
    """The extension of the image type whose leading bytes `head` has, or None."""
    for ext in ("jpg", "png", "webp"):
        if FILE_TYPES[ext].matches(head):
            return ext
    return None


def check_upload(
    upload, *, allowed: frozenset[str], max_bytes: int, field: str = "file", images_by_content: bool = False
) -> CheckedUpload:
    """The upload's name and real type, or a ValidationError on `field` saying what is wrong with it."""
    name = (getattr(upload, "name", "") or "").strip()
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in allowed:
        raise ValidationError(
            _("不支持“%(name)s”的文件类型，只能上传 %(types)s 文件")
            % {"name": name, "types": type_labels(allowed)},
            field=field,
        )
    size = upload.size or 0
    if size == 0:
        raise ValidationError(_("“%(name)s”是空文件") % {"name": name}, field=field)
    if size > max_bytes:
        raise ValidationError(
            _("“%(name)s”大小为 %(size)s，超过 %(max)s 的限制")
            % {"name": name, "size": human_size(size), "max": human_size(max_bytes)},
            field=field,
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if images_by_content and ext in IMAGES:
        real = sniff_image(head)
        if real is not None and real in allowed:
            ext = real
    if not FILE_TYPES[ext].matches(head):
        raise ValidationError(
            _("“%(name)s”的内容与扩展名 .%(ext)s 不符，请上传原始文件") % {"name": name, "ext": ext},
            field=field,
        )
    return CheckedUpload(name=name[-255:], ext=ext, content_type=FILE_TYPES[ext].content_type, size=size)


def check_image_pixels(upload, *, name: str, max_pixels: int, field: str = "photos") -> tuple[int, int]:
    """(width, height) of an image whose type check_upload has confirmed, read from its header only; a
    ValidationError when it cannot be opened or has more than `max_pixels` (a decompression bomb: a small file
    that would expand to gigabytes when something later decodes it)."""
    import warnings

    from PIL import Image

    too_many = _("“%(name)s”像素过多，请缩小后再上传") % {"name": name}
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            # only the header is read here, and the size is judged below against our own limit
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(upload) as opened:
                width, height = opened.size
    except Image.DecompressionBombError as e:  # Pillow refuses to open it at all
        raise ValidationError(too_many, field=field) from e
    except (OSError, SyntaxError, ValueError) as e:
        raise ValidationError(_("“%(name)s”不是可以打开的图片") % {"name": name}, field=field) from e
    finally:
        upload.seek(0)
    if width * height > max_pixels:
        raise ValidationError(
            _("“%(name)s”像素过多（%(w)d×%(h)d），请缩小后再上传") % {"name": name, "w": width, "h": height},
            field=field,
        )
    return width, height


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one <input type=file multiple>, cleaned one by one into a list (empty when none
    was sent). Only the form's shape: check_upload, called by the service, decides what is accepted.
    `accept` hints the browser's file picker (e.g. "image/jpeg,image/png")."""

    def __init__(self, *args, accept: str | None = None, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": accept} if accept else None))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []
