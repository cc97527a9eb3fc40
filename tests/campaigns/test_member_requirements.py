"""Member status (在职 / 无职 / 流动 / 年老体弱): the member field, the roster import column, requirements per
status set by the office and shown to a member of that status when committing."""

import json

import pytest
from django.test import Client

from pacesetter.campaigns import services
from pacesetter.campaigns.models import MemberRequirement
from pacesetter.core.errors import PermissionDeniedError, ValidationError
from pacesetter.core.models import AuditEntry
from pacesetter.core.services import token_create
from pacesetter.orgs import imports
from pacesetter.orgs.enums import MemberStatus
from pacesetter.orgs.models import ImportStatus, Member
from pacesetter.orgs.services import member_update
from tests.commitments.conftest import make_campaign
from tests.factories import make_id_number
from tests.orgs.test_imports import MEMBER_HEAD, upload


def test_requirements_set_update_remove_and_audit(city):
    camp = make_campaign(city)
    rows = services.member_requirements_set(
        actor=city.office, campaign=camp, texts={"on_duty": "立足岗位创一流", "elderly": "力所能及作贡献"}
    )
    assert [(r.status, r.text) for r in rows] == [
        ("elderly", "力所能及作贡献"),
        ("on_duty", "立足岗位创一流"),
    ]
    services.member_requirements_set(
        actor=city.office, campaign=camp, texts={"on_duty": "", "mobile": "定期联系支部"}
    )
    assert dict(MemberRequirement.objects.values_list("status", "text")) == {
        "elderly": "力所能及作贡献",
        "mobile": "定期联系支部",
    }
    assert AuditEntry.objects.filter(action="campaign.member_requirements").count() == 2


def test_requirements_refusals(city):
    camp = make_campaign(city)
    with pytest.raises(PermissionDeniedError):
        services.member_requirements_set(actor=city.secretary, campaign=camp, texts={"on_duty": "x"})
    for texts, field in [
        ({"retired": "x"}, "texts"),
        ({"on_duty": "a\x00"}, "on_duty"),
        ({"no_post": "字" * 1001}, "no_post"),
    ]:
        with pytest.raises(ValidationError) as exc:
            services.member_requirements_set(actor=city.office, campaign=camp, texts=texts)
        assert exc.value.field == field
    assert not MemberRequirement.objects.exists()


def test_member_status_field_and_refusal(city):
    t = city.teacher
    data = {
        "name": t.name,
        "gender": t.gender,
        "ethnicity": t.ethnicity,
        "birth_date": t.birth_date,
        "joined_on": t.joined_on,
        "post": t.post,
        "phone": t.phone,
        "id_number": t.id_number,
    }
    member_update(actor=city.office, member=t, organisation=t.organisation, **data, status="no_post")
    assert Member.objects.get(pk=t.pk).status == MemberStatus.NO_POST
    with pytest.raises(ValidationError) as exc:
        member_update(actor=city.office, member=t, organisation=t.organisation, **data, status="retired")
    assert exc.value.field == "status"


def test_import_column_sets_status_and_refuses_unknown(city):
    head = [*MEMBER_HEAD, "党员类别"]
    new_id = make_id_number()
    row = [
        "新党员",
        "男",
        "汉族",
        "1980-05-17",
        "2005-07-01",
        "城厢区实验小学党支部",
        "",
        "13800138009",
        new_id,
    ]
    bad = upload(city.office, "members", [head, [*row, "退休"]])
    assert bad.status == ImportStatus.INVALID
    assert "党员类别只能填" in bad.report["errors"][0]["message"]
    batch = upload(city.office, "members", [head, [*row, "流动党员"]])
    imports.import_batch_confirm(actor=city.office, batch=batch)
    assert Member.objects.get(id_number=new_id).status == MemberStatus.MOBILE


def test_requirement_shown_when_committing_and_api(city, client_for):
    camp = make_campaign(city)
    services.member_requirements_set(
        actor=city.office, campaign=camp, texts={"no_post": "每月为群众办一件实事"}
    )
    Member.objects.filter(pk=city.teacher.pk).update(status="no_post")
    from pacesetter.commitments import services as commitment_services

    commitment_services.post_set(actor=city.member_user, campaign=camp, member=city.teacher, title="志愿者")
    html = client_for(city.member_user).get("/commitments/new/").content.decode()
    assert 'data-testid="member-requirement"' in html and "每月为群众办一件实事" in html
    Member.objects.filter(pk=city.teacher.pk).update(status="on_duty")
    html = client_for(city.member_user).get("/commitments/new/").content.decode()
    assert 'data-testid="member-requirement"' not in html
    office = Client(HTTP_AUTHORIZATION=f"Bearer {token_create(actor=city.office, name='o')[1]}")
    url = f"/api/campaigns/{camp.pk}/member-requirements"
    r = office.put(url, json.dumps({"texts": {"elderly": "讲好党课"}}), content_type="application/json")
    assert r.status_code == 200 and r.json() == {"elderly": "讲好党课", "no_post": "每月为群众办一件实事"}
    bad = office.put(url, json.dumps({"texts": {"x": "y"}}), content_type="application/json")
    assert bad.status_code == 422
    page = client_for(city.office).post(
        f"/campaigns/{camp.pk}/member-requirements/",
        {"on_duty": "带头", "no_post": "", "mobile": "", "elderly": "讲好党课"},
    )
    assert page.status_code == 302
    assert dict(MemberRequirement.objects.values_list("status", "text")) == {
        "on_duty": "带头",
        "elderly": "讲好党课",
    }
