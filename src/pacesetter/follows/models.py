"""A citizen's follow (关注) of an organisation or a commitment, by a confirmed phone or e-mail address."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .enums import FollowStatus, Subject, Via


class Follow(models.Model):
    subject_type = models.CharField(_("关注对象"), max_length=12, choices=Subject.choices)
    subject_id = models.PositiveBigIntegerField()
    via = models.CharField(_("接收方式"), max_length=8, choices=Via.choices)
    # The address in clear is needed to send; the key (an HMAC) keeps one follow per person and subject.
    address = models.CharField(max_length=254)
    address_key = models.CharField(max_length=64, db_index=True)
    status = models.CharField(_("状态"), max_length=12, choices=FollowStatus.choices)
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # News after this moment is still to be told; the day of the last message (at most one a day).
    news_since = models.DateTimeField(default=timezone.now)
    last_sent_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["subject_type", "subject_id", "address_key"], name="follow_once_per_person"
            )
        ]
        indexes = [
            models.Index(
                fields=["subject_type", "subject_id"], condition=Q(status="active"), name="follow_active_idx"
            )
        ]
        verbose_name = _("关注")

    def __str__(self):
        return f"{self.subject_type}:{self.subject_id} {self.via} {self.status}"
