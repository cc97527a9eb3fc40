"""群团组织: youth league, union and women's organisations attached to a Party organisation, with their own members.

They are kept out of the organisation tree and the Party roster on purpose: `Organisation` and `Member` are
what membership figures, coverage and ballots count, and a 团员, 工会会员 or 妇联执委 is not a Party member.
A mass organisation lives under its Party organisation's path (`party_org`), so whoever may act for that
organisation may act for it.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pacesetter.core.pii import mask_phone
from pacesetter.orgs.enums import Gender
from pacesetter.orgs.models import Organisation

from .enums import MassOrgKind


class MassOrganisation(models.Model):
    """A 共青团/工会/妇联 organisation led by a Party organisation (党建带群建)."""

    name = models.CharField(_("名称"), max_length=120)
    kind = models.CharField(_("类别"), max_length=20, choices=MassOrgKind.choices)
    party_org = models.ForeignKey(
        Organisation, verbose_name=_("所属党组织"), on_delete=models.PROTECT, related_name="mass_orgs"
    )
    is_active = models.BooleanField(_("有效"), default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["party_org_id", "kind", "name", "id"]
        verbose_name = _("群团组织")
        verbose_name_plural = _("群团组织")
        constraints = [
            models.UniqueConstraint(
                fields=["party_org", "name"], condition=Q(is_active=True), name="uniq_active_mass_org_name"
            )
        ]

    def __str__(self):
        return self.name

    @property
    def label(self) -> str:
        """ "党组织 / 名称", as nominations and commitment walls show it (never queries with select_related)."""
        return f"{self.party_org.name} / {self.name}"


class MassMember(models.Model):
    """A member of a mass organisation (团员、工会会员、妇联执委…): never a Party member, never on the roster."""

    mass_org = models.ForeignKey(MassOrganisation, on_delete=models.PROTECT, related_name="members")
    name = models.CharField(_("姓名"), max_length=50)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices)
    post = models.CharField(_("职务"), max_length=100, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    joined_on = models.DateField(_("加入时间"), null=True, blank=True)
    is_active = models.BooleanField(_("在册"), default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["mass_org_id", "name", "id"]
        verbose_name = _("群团组织成员")
        indexes = [models.Index(fields=["mass_org", "is_active", "name"])]

    def __str__(self):
        return self.name

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)
