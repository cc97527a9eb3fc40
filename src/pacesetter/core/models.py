"""Audit entries, API tokens and the database-backed task queue shared by every app, and the abstract field groups
models repeat (Created, Authored, Uploaded, Edited, Timestamped; single field helpers: fields.py)."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .fields import optional_fk, user_fk


class Created(models.Model):
    """A row someone made: who (`created_by`, NULL once the account is deleted) and when (`created_at`).

    Its Meta lists the newest first; a subclass keeps that with `class Meta(Created.Meta)`, or orders
    otherwise in a Meta of its own."""

    created_by = user_fk()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]


class Authored(models.Model):
    """A note someone wrote (a visit, a mentoring talk, a pairing's progress): its `author` (NULL once the
    account is deleted) and when it was written (`created_at`)."""

    author = user_fk()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True


class Uploaded(models.Model):
    """A file someone uploaded: who (`uploaded_by`, NULL once the account is deleted) and when (`uploaded_at`)."""

    uploaded_by = user_fk()
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True


class Edited(models.Model):
    """A text someone keeps up to date: who changed it last (`updated_by`, NULL once the account is deleted)
    and when (`updated_at`)."""

    updated_by = user_fk()
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True


class Timestamped(models.Model):
    """A row kept up to date: when it was made (`created_at`, not editable) and when it was last saved
    (`updated_at`, set by every save)."""

    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("audit entries are append-only")

    def delete(self):
        raise PermissionError("audit entries are append-only")


class AuditEntry(models.Model):
    """One state change: who, when, what, before/after (personal data masked), from where."""

    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    actor = optional_fk(settings.AUTH_USER_MODEL, _("操作人"))
    actor_name = models.CharField(_("操作人"), max_length=150, blank=True)
    action = models.CharField(_("操作"), max_length=64, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=64, db_index=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(_("对象"), max_length=255, blank=True)
    changes = models.JSONField(_("变更"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("来源地址"), null=True, blank=True)
    # The organisation path the change belongs to, so an auditor sees the changes inside their subtree.
    scope_path = models.CharField(max_length=255, blank=True, db_index=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("审计记录")
        indexes = [models.Index(fields=["object_type", "object_id", "-created_at"])]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("audit entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("audit entries are append-only")


def _hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for a machine client; only its hash is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("名称"), max_length=100)
    prefix = models.CharField(max_length=8, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API 令牌")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def new_key() -> str:
        return "ps_" + secrets.token_urlsafe(32)

    @classmethod
    def lookup(cls, key: str):
        return (
            cls.objects.select_related("user").filter(key_hash=_hash_key(key), user__is_active=True).first()
        )

    @classmethod
    def hash_key(cls, key: str) -> str:
        return _hash_key(key)


class TaskLease(models.Model):
    """Which worker runs a task of the database queue, and until when (django-tasks-db has no lease).

    The worker renews `expires_at` while the task runs; once it has passed, the worker is taken for dead
    and any worker puts the task back in the queue (core/tasks.py `reclaim_expired`).
    """

    result = models.OneToOneField(
        "django_tasks_database.DBTaskResult", on_delete=models.CASCADE, primary_key=True, related_name="lease"
    )
    worker = models.CharField(max_length=64)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self):
        return f"{self.result_id} @ {self.worker} until {self.expires_at:%H:%M:%S}"


class SweepRun(models.Model):
    """When each periodic sweep last ran, so several workers do not repeat it."""

    name = models.CharField(max_length=100, unique=True)
    last_run_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return self.name


# ---------------------------------------------------------------- one person, one count (onecount.py)


class PhoneCode(models.Model):
    """A 6-digit code texted to a phone to confirm it; only the phone's key and the code's hash are kept."""

    phone_key = models.CharField(max_length=64)
    purpose = models.CharField(max_length=40)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    tries = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["phone_key", "purpose", "-created_at"])]

    def __str__(self):
        return f"{self.purpose} {self.created_at:%Y-%m-%d %H:%M}"


class TextQuota(models.Model):
    """Texts sent per key (a phone's key or a hashed client address) per day; one row, counted up in place."""

    key = models.CharField(max_length=80)
    day = models.DateField()
    sent = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "day"], name="uniq_text_quota_per_day")]

    def __str__(self):
        return f"{self.day} {self.sent}"


class OneCount(models.Model):
    """ "This person counted on this subject": the database refuses a second row (一人一票)."""

    subject = models.CharField(max_length=80)
    person_key = models.CharField(max_length=80)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["subject", "person_key"], name="uniq_onecount_subject_person")
        ]

    def __str__(self):
        return f"{self.subject} {self.person_key[:12]}"


class SlipSheet(Created):
    """A printed sheet of one-time slips (评价凭条) an organisation hands out, one per citizen."""

    codes: list[str]  # the clear codes, set on the sheet slip_sheet_create returns (never stored)

    organisation = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    count = models.PositiveIntegerField()

    class Meta(Created.Meta):
        verbose_name = _("评价凭条")

    def __str__(self):
        return f"{self.organisation_id} × {self.count}"


class Slip(models.Model):
    """One slip: the code is stored only as a hash, like ballot codes (the code carries ~59 random bits)."""

    sheet = models.ForeignKey(SlipSheet, on_delete=models.CASCADE, related_name="slips")
    code_hash = models.CharField(max_length=64, unique=True)

    def __str__(self):
        return f"slip:{self.pk}"


class HolidayKind(models.TextChoices):
    OFF = "off", _("休")
    WORK = "work", _("班")


class HolidaySource(models.TextChoices):
    PACKAGE = "package", _("日历包")
    OFFICE = "office", _("活动办公室")


class HolidayDay(models.Model):
    """One day of the State Council's yearly schedule (节假日安排): a day off (休) or an adjusted working day
    (班, 调休). Days not listed follow Monday–Friday. A year with no row at all is not yet known: deadlines
    in it are counted on weekends only and say so (core/workdays.py)."""

    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类别"), max_length=4, choices=HolidayKind.choices)
    note = models.CharField(_("说明"), max_length=60, blank=True)
    source = models.CharField(_("来源"), max_length=8, choices=HolidaySource.choices)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["date"]
        verbose_name = _("节假日安排")

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()}"
