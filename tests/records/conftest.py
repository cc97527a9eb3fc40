import datetime
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from pacesetter.orgs.enums import Role
from pacesetter.records import services
from tests.factories import make_member, make_user


def png_bytes(width: int = 2, height: int = 2) -> bytes:
    """A tiny valid PNG, built by hand (no imaging library needed)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + b"\xcc\x22\x22" * width for _ in range(height))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
    )


def png_upload(name="photo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def colleague(city):
    """Another member of the school branch, with an account."""
    member = make_member(city.school, "赵老师")
    member.user = make_user("colleague", Role.MEMBER, city.school)
    member.save()
    return member


@pytest.fixture
def villager(city):
    """The farmer of 八一村 (和林镇) with an account: a member, but not of 城厢区委's subtree."""
    city.farmer.user = make_user("farmer", Role.MEMBER, city.village)
    city.farmer.save()
    return city.farmer


YESTERDAY = timezone.localdate() - datetime.timedelta(days=1)


def record_fields(**kw) -> dict:
    data = {
        "kind": "service",
        "title": "社区义务辅导",
        "occurred_on": YESTERDAY,
        "place": "城厢社区",
        "participants": "林老师",
        "content": "为社区学生义务辅导功课两小时",
        "contribution": "辅导 12 名学生",
        "effect": "家长满意",
    }
    data.update(kw)
    return data


@pytest.fixture
def personal_record(city):
    return services.record_create(actor=city.member_user, member=city.teacher, **record_fields())


@pytest.fixture
def meeting_record(city):
    return services.record_create(
        actor=city.secretary,
        organisation=city.school,
        meeting={"host": "张书记", "recorder": "李老师", "minutes": "学习讨论"},
        **record_fields(kind="branch_assembly", title="四月支部党员大会", content="学习创先争优实施方案"),
    )
