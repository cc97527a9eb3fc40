"""The phones notifications text: a member's 联系电话 (orgs), looked up for notifications, which sit below
orgs and so find it through settings.PACESETTER_NOTIFY_PHONE_LOOKUP."""

from pacesetter.orgs.models import Member


def member_phones(user_ids) -> dict[int, str]:
    rows = Member.objects.filter(user_id__in=list(user_ids), is_active=True).exclude(phone="")
    return dict(rows.values_list("user_id", "phone"))
