"""Test data builders: a small city with one user per role plus an outsider (see tests/conftest.py)."""

import datetime
import itertools

from django.contrib.auth import get_user_model

from pacesetter.orgs.enums import OrgType, Role, Sector
from pacesetter.orgs.models import Member, Organisation, RoleGrant
from pacesetter.orgs.services import org_refresh_member_counts
from pacesetter.orgs.validation import id_number_with_check_digit

_seq = itertools.count(1)


def make_org(name, parent=None, org_type=OrgType.COMMITTEE, sector=Sector.AGENCY) -> Organisation:
    from pacesetter.orgs.services import org_create

    return org_create(actor=None, parent=parent, name=name, org_type=org_type, sector=sector)


def make_id_number(birth=datetime.date(1980, 5, 17)) -> str:
    n = next(_seq)
    return id_number_with_check_digit(f"350102{birth:%Y%m%d}{n % 1000:03d}")


def make_member(org, name=None, **kw) -> Member:
    birth = kw.pop("birth_date", datetime.date(1980, 5, 17))
    m = Member.objects.create(
        name=name or f"党员{next(_seq)}",
        gender=kw.pop("gender", "M"),
        organisation=org,
        birth_date=birth,
        id_number=kw.pop("id_number", None) or make_id_number(birth),
        phone=kw.pop("phone", "13800138000"),
        **kw,
    )
    org_refresh_member_counts([org.pk])
    return m


def make_user(username, role=None, org=None, password="pass-word-123"):
    user = get_user_model().objects.create_user(username=username, password=password, first_name=username)
    if role:
        RoleGrant.objects.create(user=user, role=role, organisation=org)
    return user


class City:
    """市委 → 城厢区委 → 城厢区实验小学党支部; 市委 → 和林镇党委 → 八一村党支部."""

    def __init__(self):
        self.city = make_org("示范市委")
        self.district = make_org("城厢区委", self.city)
        self.school = make_org("城厢区实验小学党支部", self.district, OrgType.BRANCH, Sector.SCHOOL)
        self.town = make_org("和林镇党委", self.city)
        self.village = make_org("八一村党支部", self.town, OrgType.BRANCH, Sector.VILLAGE)
        self.teacher = make_member(self.school, "林老师", phone="13912345678")
        self.farmer = make_member(self.village, "王大伯", phone="13787654321")
        self.office = make_user("office", Role.OFFICE, self.city)
        self.secretary = make_user("secretary", Role.SECRETARY, self.district)
        self.leader = make_user("leader", Role.LEADER, self.district)
        self.inspector = make_user("inspector", Role.INSPECTOR, self.city)
        self.member_user = make_user("member", Role.MEMBER, self.school)
        self.teacher.user = self.member_user
        self.teacher.save()
        self.outsider = make_user("outsider")
        self.town_secretary = make_user("town_secretary", Role.SECRETARY, self.town)

    def users(self):
        return {
            "office": self.office,
            "secretary": self.secretary,
            "leader": self.leader,
            "inspector": self.inspector,
            "member": self.member_user,
            "outsider": self.outsider,
            "anonymous": None,
        }


# ---- sector guidance (条块结合) ----
def make_sector_guide(city, username="sector_guide"):
    """市教育局党委 under the city, and an account following every school of the city for it (a grant on the
    city for the school sector, as the office grants it)."""
    from pacesetter.orgs.services import role_grant

    edu = make_org("市教育局党委", city.city)
    user = make_user(username)
    role_grant(
        actor=city.office, user=user, role=Role.GUIDE, organisation=city.city, sector=Sector.SCHOOL, guide=edu
    )
    return user
