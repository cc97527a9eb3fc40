"""Who is asked to review (请审核) a submitted commitment (#20: whoever must act is told, nobody else): the
holders of a reviewing role on the nearest organisation that has any."""

from pacesetter.commitments import services
from pacesetter.notifications.models import Notification
from pacesetter.orgs.enums import Role
from tests.commitments.conftest import make_campaign, member_commitment, org_commitment
from tests.factories import make_user


def _asked(c) -> list[str]:
    return sorted(
        Notification.objects.filter(kind="commitment.review", url__endswith=f"/{c.pk}/").values_list(
            "recipient__username", flat=True
        )
    )


def test_a_districts_commitment_asks_the_city_office_when_the_city_has_no_secretary(city):
    c = org_commitment(city, make_campaign(city), org=city.district)
    services.commitment_transition(actor=city.secretary, commitment=c, action="submit")
    assert _asked(c) == ["office"]  # was nobody: only the parent's secretaries were asked


def test_a_schools_commitment_asks_the_district_only(city):
    make_user("city_secretary", Role.SECRETARY, city.city)
    c = org_commitment(city, make_campaign(city))
    services.commitment_transition(actor=city.secretary, commitment=c, action="submit")
    assert _asked(c) == ["secretary"]


def test_a_members_commitment_in_a_branch_without_a_secretary_asks_its_committee(city):
    c = member_commitment(city, make_campaign(city))
    services.commitment_transition(actor=city.member_user, commitment=c, action="submit")
    assert _asked(c) == ["secretary"]  # was nobody: the school branch has no secretary account


def test_a_secretarys_own_commitment_goes_a_level_up(city):
    """The branch secretary never reviews their own promise: the level above is asked instead."""
    school_secretary = make_user("school_secretary", Role.SECRETARY, city.school)
    city.teacher.user = school_secretary
    city.teacher.save()
    city.member_user = school_secretary
    c = member_commitment(city, make_campaign(city))
    services.commitment_transition(actor=school_secretary, commitment=c, action="submit")
    assert _asked(c) == ["secretary"]
