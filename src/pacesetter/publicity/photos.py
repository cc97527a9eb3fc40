"""Uploaded photos: checked by type and size (core.uploads), decoded with Pillow, turned upright, resized to
PHOTO_MAX_SIDE and saved again without EXIF, GPS or any other metadata."""

import io
import warnings

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from pacesetter.core.errors import ValidationError
from pacesetter.core.uploads import IMAGES, check_upload

from .enums import PHOTO_MAX_BYTES, PHOTO_MAX_PIXELS, PHOTO_MAX_SIDE


def clean_photo(upload, *, field: str = "photos") -> tuple[ContentFile, dict]:
    """(the stored file, its fields) for a Photo row; a ValidationError for anything that is not a photo."""
    checked = check_upload(
        upload, allowed=IMAGES, max_bytes=PHOTO_MAX_BYTES, field=field, images_by_content=True
    )
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            opened = Image.open(upload)
            if opened.width * opened.height > PHOTO_MAX_PIXELS:
                raise ValidationError(
                    _("“%(name)s”像素过多（%(w)d×%(h)d），请缩小后再上传")
                    % {"name": checked.name, "w": opened.width, "h": opened.height},
                    field=field,
                )
            opened.load()
    except ValidationError:
        raise
    except (
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ) as e:
        raise ValidationError(_("“%(name)s”不是可以打开的图片") % {"name": checked.name}, field=field) from e
    img: Image.Image = ImageOps.exif_transpose(
        opened
    )  # phones store rotation in EXIF, which is about to be dropped
    img.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
    keep_alpha = img.mode in ("RGBA", "LA", "P") and checked.ext == "png"
    out = io.BytesIO()
    if keep_alpha:
        img = img.convert("RGBA")
        img.save(out, format="PNG", optimize=True)  # no pnginfo: text chunks and eXIf are not copied
        ext, content_type = "png", "image/png"
    else:
        img = img.convert("RGB")
        img.save(out, format="JPEG", quality=85, optimize=True)  # no exif= argument: metadata is not written
        ext, content_type = "jpg", "image/jpeg"
    data = out.getvalue()
    stem = checked.name.rsplit(".", 1)[0][:150] or "photo"
    return ContentFile(data, name=f"{stem}.{ext}"), {
        "name": f"{stem}.{ext}",
        "content_type": content_type,
        "width": img.width,
        "height": img.height,
        "size": len(data),
    }
