"""The optional second factor (TOTP) for the roles listed in OTP_ROLES."""

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from pacesetter.core.models import AuditEntry
from pacesetter.core.services import token_create


def code_for(device: TOTPDevice) -> str:
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


@pytest.fixture
def otp_office(settings):
    settings.OTP_ROLES = frozenset({"office", "secretary"})


def test_otp_role_without_a_device_is_sent_to_setup(city, client_for, otp_office):
    response = client_for(city.office).get("/dashboard/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/otp/setup/?next=%2Fdashboard%2F"


def test_otp_role_cannot_reach_any_private_page_before_verifying(city, client_for, otp_office):
    client = client_for(city.secretary)
    for url in ("/dashboard/", "/orgs/", "/audit/", "/lockouts/", "/tokens/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/otp/setup/?next="), url


def test_otp_role_may_still_open_public_pages_and_sign_out(city, client_for, otp_office):
    client = client_for(city.office)

    assert client.get("/wall/").status_code == 200
    assert client.post("/accounts/logout/").status_code == 302


def test_otp_setup_with_the_right_code_unlocks_the_session_and_is_audited(city, client_for, otp_office):
    client = client_for(city.office)
    page = client.get("/accounts/otp/setup/?next=/orgs/")
    assert page.status_code == 200
    assert "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=city.office)
    assert device.confirmed is False

    response = client.post("/accounts/otp/setup/", {"token": code_for(device), "next": "/orgs/"})

    assert response.status_code == 302
    assert response["Location"] == "/orgs/"
    assert client.get("/dashboard/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed is True
    assert AuditEntry.objects.filter(action="auth.otp-setup", actor=city.office).count() == 1


def test_otp_setup_with_a_wrong_code_is_refused(city, client_for, otp_office):
    client = client_for(city.office)
    client.get("/accounts/otp/setup/")

    response = client.post("/accounts/otp/setup/", {"token": "000000x"})

    assert response.status_code == 200
    assert "验证码不正确或已过期" in response.content.decode()
    assert TOTPDevice.objects.get(user=city.office).confirmed is False
    assert client.get("/dashboard/").status_code == 302


def test_otp_verify_after_a_new_sign_in(city, client_for, otp_office):
    device = TOTPDevice.objects.create(user=city.office, name="phone", confirmed=True)
    client = client_for(city.office)

    refused = client.get("/orgs/")
    right = client.post("/accounts/otp/verify/", {"token": code_for(device), "next": "/orgs/"})

    assert refused["Location"] == "/accounts/otp/verify/?next=%2Forgs%2F"
    assert right["Location"] == "/orgs/"
    assert client.get("/orgs/").status_code == 200


def test_otp_verify_wrong_code_is_refused_and_then_throttled(city, client_for, otp_office):
    device = TOTPDevice.objects.create(user=city.office, name="phone", confirmed=True)
    client = client_for(city.office)

    wrong = client.post("/accounts/otp/verify/", {"token": "123", "next": "/orgs/"})
    throttled = client.post("/accounts/otp/verify/", {"token": code_for(device), "next": "/orgs/"})

    assert "验证码不正确或已过期" in wrong.content.decode()
    assert "验证码输错次数过多，请稍等片刻再输入" in throttled.content.decode()
    assert client.get("/orgs/").status_code == 302


def test_otp_verify_refuses_an_outside_next_address(city, client_for, otp_office):
    device = TOTPDevice.objects.create(user=city.office, name="phone", confirmed=True)
    client = client_for(city.office)

    response = client.post(
        "/accounts/otp/verify/", {"token": code_for(device), "next": "https://evil.example/"}
    )

    assert response["Location"] == "/dashboard/"


def test_otp_not_required_for_other_roles(city, client_for, otp_office):
    assert client_for(city.member_user).get("/dashboard/").status_code == 200


def test_otp_off_by_default(city, client_for):
    assert client_for(city.office).get("/dashboard/").status_code == 200


def test_otp_api_token_clients_are_not_asked_for_a_code(city, client, otp_office):
    _token, key = token_create(actor=city.office, name="脚本")

    response = client.get("/api/me", HTTP_AUTHORIZATION=f"Bearer {key}")

    assert response.status_code == 200


def test_otp_api_with_an_unverified_session_is_refused_in_json(city, client_for, otp_office):
    response = client_for(city.office).get("/api/me")

    assert response.status_code == 401
    assert response.json() == {"code": "second_factor_required", "message": "请先在网页上完成动态验证码验证"}
