"""Information reporting (信息报送) as an assessment (组织考核) source: the items an organisation sent up that
were accepted (采用信息数). Registered here, in the app above assessment, so that assessment never imports
publicity (import-linter's layers). Loaded by PublicityConfig.ready.

A count has no natural 0–100 scale, so each organisation is scored against the best of the subtree:
value = 100 × its items accepted in the scheme's period ÷ the most any organisation of the subtree had
accepted; the count is its number of accepted items. An organisation with none accepted has no data for this
source (left out of its total, the weights renormalised), as with commendation. One grouped query.
"""

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from pacesetter.assessment.enums import Subject
from pacesetter.assessment.sources import Row, Source, register
from pacesetter.orgs.selectors import subtree_q

from .enums import ItemStatus
from .models import InfoItem


def _compute(*, path, start, end, campaign_id) -> list[Row]:
    counts = dict(
        InfoItem.objects.filter(
            subtree_q(path, "organisation__path"),
            status=ItemStatus.ACCEPTED,
            accepted_at__date__range=(start, end),
        )
        .values("organisation_id")
        .annotate(n=Count("id"))
        .values_list("organisation_id", "n")
    )
    best = max(counts.values(), default=0)
    return [(org_id, round(100.0 * n / best, 2), n) for org_id, n in counts.items()] if best else []


def _evidence(org_id, member_id, start, end):
    return f"{reverse('publicity:item-list')}?org={org_id}&status={ItemStatus.ACCEPTED}"


register(
    Source(
        key="publicity_accepted",
        label=_("信息报送采用数"),
        subject=Subject.ORG,
        compute=_compute,
        evidence=_evidence,
        rule=_(
            "考核期内本组织报送并被采用的信息数，与范围内采用最多的组织相比（最多者 100 分），数据量为采用数；没有信息被采用的不计此项"
        ),
    )
)
