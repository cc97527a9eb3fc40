"""Kinds of mass organisation (群团组织) a Party organisation leads: 党建带团建、工建、妇建."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MassOrgKind(models.TextChoices):
    YOUTH_LEAGUE = "youth_league", _("共青团")
    UNION = "union", _("工会")
    WOMEN = "women", _("妇联")
