"""履诺: progress updates with their attachments."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pacesetter.campaigns.enums import StepCapability
from pacesetter.campaigns.windows import require_open
from pacesetter.core.audit import audit_status
from pacesetter.core.errors import PermissionDeniedError, StateError, ValidationError
from pacesetter.core.people import actor_name
from pacesetter.core.uploads import check_upload

from ..enums import (
    ATTACHMENT_MAX_BYTES,
    ATTACHMENT_TYPES,
    ATTACHMENTS_PER_UPDATE,
    PROGRESS_STATES,
    CommitmentStatus,
    Party,
)
from ..models import Commitment, ProgressAttachment, ProgressUpdate
from ..rules import parties_for
from ._common import _text
from .commitments import _lock


def check_attachment(file) -> tuple[str, str]:
    """(extension, content type) of an acceptable attachment, or ValidationError saying what is wrong."""
    checked = check_upload(file, allowed=ATTACHMENT_TYPES, max_bytes=ATTACHMENT_MAX_BYTES, field="files")
    return checked.ext, checked.content_type


@transaction.atomic
def progress_add(*, actor, commitment: Commitment, percent, text: str, files=()) -> ProgressUpdate:
    """The owner posts progress (履诺): 0–100 %, what was done, photos or documents; inside the 践诺 window."""
    c = _lock(commitment)
    if Party.OWNER not in parties_for(actor, c):
        raise PermissionDeniedError(_("只有承诺人可以填报践诺进度"))
    if c.status not in PROGRESS_STATES:
        raise StateError(
            _("承诺当前状态为“%(s)s”，不能填报进度（公开后、述诺前可以填报）")
            % {"s": CommitmentStatus(c.status).label}
        )
    require_open(campaign=c.campaign, capability=StepCapability.FULFILMENT, org=c.organisation)
    try:
        percent = int(percent)
    except (TypeError, ValueError):
        raise ValidationError(_("进度必须是 0 到 100 之间的整数"), field="percent") from None
    if not 0 <= percent <= 100:
        raise ValidationError(_("进度必须是 0 到 100 之间的整数"), field="percent")
    text = _text(text, "text", _("进展情况"))
    files = list(files or [])
    if len(files) > ATTACHMENTS_PER_UPDATE:
        raise ValidationError(_("每次最多上传 %(n)d 个附件") % {"n": ATTACHMENTS_PER_UPDATE}, field="files")
    kinds = [check_attachment(f) for f in files]  # all checked before anything is stored
    now = timezone.now()
    update = ProgressUpdate.objects.create(
        commitment=c, percent=percent, text=text, author=actor, author_name=actor_name(actor), created_at=now
    )
    stored = []
    try:
        for f, (ext, content_type) in zip(files, kinds, strict=True):
            a = ProgressAttachment(
                update=update, name=(f.name or "")[:200], content_type=content_type, size=f.size
            )
            a.file.save(f"file.{ext}", f, save=False)
            stored.append((a.file.storage, a.file.name))
            a.save()
        before = c.progress
        Commitment.objects.filter(pk=c.pk).update(progress=percent, progress_updated_at=now)
        c.progress, c.progress_updated_at = percent, now
        extra = {"update": update.pk, "attachments": len(files)}
        audit_status(actor, "commitment.progress", c, before, field="progress", extra=extra)
    except Exception:
        for storage, name in stored:
            storage.delete(name)
        raise
    return update
