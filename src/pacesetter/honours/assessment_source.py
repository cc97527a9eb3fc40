"""Commendation (评选表彰) as an assessment (组织考核) source: registered here, in the app above assessment, so
that assessment never imports honours (import-linter's layers). Loaded by HonoursConfig.ready.

A subject with at least one honour (a certificate of a 表彰决定) dated in a year of the scheme's period scores
100, with the number of honours as the count; a subject without one has no data for this source, which is
then left out of its total and the weights renormalised — an honour raises a score, its absence does not
lower one. One grouped query over the honour roll's (year, path) index.
"""

from django.db.models import Count, FloatField, Q, Value
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from pacesetter.assessment.enums import Subject
from pacesetter.assessment.sources import Row, Source, register
from pacesetter.orgs.selectors import subtree_q

from .models import Honour


def _compute(group: str, members: bool):
    def compute(*, path, start, end, campaign_id) -> list[Row]:
        rows = (
            Honour.objects.filter(
                subtree_q(path, "path"), Q(member__isnull=not members), year__range=(start.year, end.year)
            )
            .values(group)
            .annotate(n=Count("id"), value=Value(100.0, output_field=FloatField()))
            .values_list(group, "value", "n")
        )
        return list(rows)

    return compute


def _evidence(org_id, member_id, start, end):
    return f"{reverse('honours-public:roll')}?year={end.year}"


register(
    Source(
        key="honours_orgs",
        label=_("组织获得表彰"),
        subject=Subject.ORG,
        compute=_compute("organisation_id", False),
        evidence=_evidence,
        rule=_("考核期所在年度获得表彰（有表彰证书）的组织计 100 分，数据量为表彰数；未获表彰的不计此项"),
    )
)
register(
    Source(
        key="honours_members",
        label=_("党员获得表彰"),
        subject=Subject.MEMBER,
        compute=_compute("member_id", True),
        evidence=_evidence,
        rule=_("考核期所在年度获得表彰（有表彰证书）的党员计 100 分，数据量为表彰数；未获表彰的不计此项"),
    )
)
