"""Mentoring pairs (老带新), contact households (党员联系户) with notes over time, and the reminder ledger.

Household data is personal data: never on a public page or endpoint, masked for whoever lacks
`person.pii` over the household's organisation (the contact member sees their own)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pacesetter.core.fields import status_field
from pacesetter.core.models import Authored, Created
from pacesetter.orgs.models import Member, Organisation

from .enums import HouseholdStatus, MentorKind, MentorStatus, ReminderKind


class Mentorship(Created):
    """A mentor and a mentee (老带新、骨干带一般), kept in the mentee's organisation."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("党组织"), on_delete=models.PROTECT, related_name="mentorships"
    )
    mentor = models.ForeignKey(
        Member, verbose_name=_("帮带人"), on_delete=models.PROTECT, related_name="mentoring"
    )
    mentee = models.ForeignKey(
        Member, verbose_name=_("被帮带人"), on_delete=models.PROTECT, related_name="mentored_by"
    )
    kind = models.CharField(_("帮带方式"), max_length=10, choices=MentorKind.choices)
    goals = models.TextField(_("帮带目标"), blank=True)
    started_on = models.DateField(_("开始日期"))
    status = status_field(initial=MentorStatus.ACTIVE, max_length=10)
    ended_on = models.DateField(_("结束日期"), null=True, blank=True)

    class Meta:
        ordering = ["-started_on", "-id"]
        verbose_name = _("结对帮带")
        constraints = [
            models.CheckConstraint(condition=~Q(mentor=F("mentee")), name="mentorship_not_self"),
            models.UniqueConstraint(
                fields=["mentor", "mentee"],
                condition=Q(status=MentorStatus.ACTIVE),
                name="uniq_active_mentorship",
            ),
        ]

    def __str__(self):
        return f"{self.mentor} → {self.mentee}"


class MentorNote(Authored):
    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="notes")
    noted_on = models.DateField(_("日期"))
    text = models.TextField(_("帮带情况"))

    class Meta:
        ordering = ["-noted_on", "-id"]

    def __str__(self):
        return f"{self.mentorship_id} {self.noted_on}"


class Household(Created):
    """党员联系户: a household a member keeps in touch with, its address and needs (personal data)."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("党组织"), on_delete=models.PROTECT, related_name="contact_households"
    )
    member = models.ForeignKey(
        Member, verbose_name=_("联系党员"), on_delete=models.PROTECT, related_name="contact_households"
    )
    head_name = models.CharField(_("户主姓名"), max_length=50)
    address = models.CharField(_("住址"), max_length=200)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    needs = models.TextField(_("困难和需求"), blank=True)
    status = status_field(initial=HouseholdStatus.ACTIVE, max_length=10)

    class Meta:
        ordering = ["member", "id"]
        verbose_name = _("党员联系户")
        indexes = [models.Index(fields=["organisation", "status"], name="household_org_idx")]

    def __str__(self):
        return f"{self.member} 联系户 {self.pk}"


class HouseholdNote(Authored):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="notes")
    visited_on = models.DateField(_("走访日期"))
    text = models.TextField(_("走访情况"))

    class Meta:
        ordering = ["-visited_on", "-id"]

    def __str__(self):
        return f"{self.household_id} {self.visited_on}"


class ReminderSent(models.Model):
    """The ledger: one row per person, kind, subject and period. Its unique constraint makes a reminder go
    at most once per period, whoever runs the sweep and however often; `batch` marks the rows one run
    inserted, so that run notifies exactly those people."""

    kind = models.CharField(max_length=20, choices=ReminderKind.choices)
    period = models.CharField(max_length=20)  # e.g. "2026-W49", "2026-12", "2026H2"
    ref = models.CharField(max_length=40, blank=True)  # e.g. "round:12"
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    batch = models.CharField(max_length=32)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "period", "ref", "user"], name="uniq_reminder_period"),
        ]
        indexes = [models.Index(fields=["batch"], name="reminder_batch_idx")]

    def __str__(self):
        return f"{self.kind} {self.period} {self.ref} → {self.user_id}"
