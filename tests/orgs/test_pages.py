"""Pages: forms show specific errors, lists run a fixed number of queries whatever the data size."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from pacesetter.orgs.enums import OrgType, Sector
from pacesetter.orgs.models import Organisation
from tests.factories import make_member, make_org


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def _grow(city, n):
    for i in range(n):
        branch = make_org(f"城厢区第{i}支部", city.district, OrgType.BRANCH, Sector.COMMUNITY)
        for j in range(3):
            make_member(branch, f"成员{i}-{j}")


def test_list_pages_run_fixed_number_of_queries(city, client_for):
    c = client_for(city.office)
    urls = [
        "/orgs/",
        f"/orgs/{city.district.pk}/",
        f"/orgs/{city.district.pk}/children/",
        "/members/",
        f"/members/?org={city.district.pk}",
        "/orgs/?q=支部",
        "/roles/",
        "/audit/",
        "/api/members",
        f"/api/orgs/{city.district.pk}/children",
        "/api/orgs",
    ]
    small = {u: _queries(c, u) for u in urls}
    _grow(city, 12)
    large = {u: _queries(c, u) for u in urls}
    assert small == large


def test_tree_children_show_subtree_counts(city, client_for):
    make_member(city.school, "新党员")
    html = client_for(city.office).get(f"/orgs/{city.city.pk}/children/").content.decode()
    assert "城厢区委" in html and "党员 2" in html  # 林老师 + 新党员
    html = client_for(city.office).get(f"/orgs/{city.city.pk}/").content.decode()
    assert '<div class="ps-kpi" data-testid="subtree-members">3</div>' in html


def test_search_shows_breadcrumbs(city, client_for):
    html = client_for(city.office).get("/orgs/?q=实验小学").content.decode()
    assert "示范市委 › 城厢区委 › " in html


def test_org_create_page_shows_field_error_and_creates_nothing(city, client_for):
    c = client_for(city.office)
    before = Organisation.objects.count()
    response = c.post(
        f"/orgs/{city.district.pk}/new/",
        {"name": "城厢区实验小学党支部", "org_type": "branch", "sector": "school"},
    )
    assert response.status_code == 200
    assert "同一上级组织下已有名为“城厢区实验小学党支部”的组织" in response.content.decode()
    assert Organisation.objects.count() == before
    response = c.post(
        f"/orgs/{city.district.pk}/new/",
        {"name": "城厢区第二中学党总支", "org_type": "general_branch", "sector": "school"},
    )
    assert response.status_code == 302
    assert Organisation.objects.get(name="城厢区第二中学党总支").parent == city.district


def test_org_move_page_by_name(city, client_for):
    c = client_for(city.office)
    response = c.post(f"/orgs/{city.school.pk}/move/", {"new_parent": "和林镇党委"})
    assert response.status_code == 302
    city.school.refresh_from_db()
    assert city.school.parent == city.town
    response = c.post(f"/orgs/{city.school.pk}/move/", {"new_parent": "不存在的组织"})
    assert "找不到组织“不存在的组织”" in response.content.decode()


def test_member_create_page_error_names_field(city, client_for):
    c = client_for(city.secretary)
    response = c.post(
        f"/orgs/{city.school.pk}/members/new/",
        {
            "name": "李四",
            "gender": "M",
            "ethnicity": "汉族",
            "organisation": "城厢区实验小学党支部",
            "id_number": "350102198001010000",
            "phone": "13800000000",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "身份证号校验位错误" in html


def test_secretary_cannot_register_member_into_other_subtree(city, client_for):
    c = client_for(city.secretary)
    response = c.post(
        f"/orgs/{city.school.pk}/members/new/",
        {
            "name": "李四",
            "gender": "M",
            "ethnicity": "汉族",
            "organisation": "八一村党支部",
            "id_number": "350102198001010000",
            "phone": "13800000000",
        },
    )
    assert "在您的管理范围内找不到组织“八一村党支部”" in response.content.decode()


def test_audit_page_filters_by_person_object_and_date(city, client_for):
    from pacesetter.orgs.services import org_update

    org_update(
        actor=city.office,
        org=city.school,
        name="城厢区实验小学党总支",
        org_type="general_branch",
        sector="school",
    )
    c = client_for(city.office)
    html = c.get(f"/audit/?object_type=orgs.organisation&object_id={city.school.pk}").content.decode()
    assert "org.update" in html and "城厢区实验小学党支部 → 城厢区实验小学党总支" in html
    assert "org.update" not in c.get("/audit/?actor=inspector").content.decode()
    assert "org.update" not in c.get("/audit/?date_to=2000-01-01").content.decode()


def test_inspector_reads_audit_secretary_cannot(city, client_for):
    assert client_for(city.inspector).get("/audit/").status_code == 200
    assert client_for(city.secretary).get("/audit/").status_code == 403


def test_language_switch_to_english(city, client_for):
    c = client_for(city.office)
    assert "组织架构" in c.get("/orgs/").content.decode()
    c.post("/i18n/setlang/", {"language": "en", "next": "/orgs/"})
    assert "Organisations" in c.get("/orgs/").content.decode()


def test_id_number_is_masked_by_default_and_each_reveal_is_audited(city, client_for):
    from pacesetter.core.models import AuditEntry

    teacher = city.teacher
    masked = teacher.id_number[:4] + "*" * 10 + teacher.id_number[-4:]
    secretary = client_for(city.secretary)  # holds person.pii over the school
    listing = secretary.get("/members/").content.decode()
    assert teacher.id_number not in listing and masked in listing
    assert f'action="/members/{teacher.pk}/reveal/id_number/"' in listing
    detail = secretary.get(f"/members/{teacher.pk}/").content.decode()
    assert teacher.id_number not in detail and masked in detail
    response = secretary.post(f"/members/{teacher.pk}/reveal/id_number/", HTTP_HX_REQUEST="true")
    assert response.content.decode() == f'<span data-testid="id_number-clear">{teacher.id_number}</span>'
    page = secretary.post(f"/members/{teacher.pk}/reveal/id_number/").content.decode()
    assert f'data-testid="id_number-clear">{teacher.id_number}<' in page
    entries = AuditEntry.objects.filter(action="pii.reveal", object_id=str(teacher.pk))
    assert entries.count() == 2 and entries.first().actor == city.secretary
    assert teacher.id_number not in str(list(entries.values()))  # the field is named, never the value
    # a leader may read the roster but not reveal; nobody reveals by GET or an unknown field
    leader = client_for(city.leader)
    assert f"/members/{teacher.pk}/reveal/" not in leader.get(f"/members/{teacher.pk}/").content.decode()
    assert leader.post(f"/members/{teacher.pk}/reveal/id_number/").status_code == 403
    assert secretary.get(f"/members/{teacher.pk}/reveal/id_number/").status_code == 405
    assert secretary.post(f"/members/{teacher.pk}/reveal/name/").status_code in (400, 422)
    assert AuditEntry.objects.filter(action="pii.reveal").count() == 2
