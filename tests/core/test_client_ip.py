"""The client address: X-Forwarded-For is believed only as far as PACESETTER_TRUSTED_PROXIES says."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from pacesetter.core.middleware import client_ip
from pacesetter.settings import envint


def _request(forwarded=None):
    extra = {"REMOTE_ADDR": "10.0.0.9"}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/e/", **extra)


def test_client_ip_forged_header_ignored_by_default(settings):
    assert settings.TRUSTED_PROXIES == 0
    assert client_ip(_request("203.0.113.7")) == "10.0.0.9"
    assert client_ip(_request()) == "10.0.0.9"


def test_client_ip_one_proxy_takes_last_hop(settings):
    settings.TRUSTED_PROXIES = 1
    # the client forged "1.2.3.4"; the proxy appended the address it saw
    assert client_ip(_request("1.2.3.4, 198.51.100.20")) == "198.51.100.20"
    assert client_ip(_request("198.51.100.20")) == "198.51.100.20"


def test_client_ip_two_proxies_take_second_hop_from_right(settings):
    settings.TRUSTED_PROXIES = 2
    assert client_ip(_request("1.2.3.4,198.51.100.20, 10.1.1.1")) == "198.51.100.20"
    assert client_ip(_request(" , 198.51.100.20,10.1.1.1")) == "198.51.100.20"


def test_client_ip_fewer_hops_than_proxies_falls_back_to_remote_addr(settings):
    settings.TRUSTED_PROXIES = 2
    assert client_ip(_request("198.51.100.20")) == "10.0.0.9"
    assert client_ip(_request("")) == "10.0.0.9"
    assert client_ip(_request()) == "10.0.0.9"


def test_code_guessing_with_forged_headers_is_rate_limited(db, client, monkeypatch):
    from pacesetter.evaluations import services

    monkeypatch.setattr(services.ratelimit, "MAX_FAILED_CODES", 3)
    statuses = [
        client.get("/e/ZZZZZZZZZZZZ/", HTTP_X_FORWARDED_FOR=f"203.0.113.{i}").status_code for i in range(4)
    ]
    assert statuses == [422, 422, 422, 429]


def test_trusted_proxies_setting_parses_integer(monkeypatch):
    monkeypatch.setenv("PACESETTER_TRUSTED_PROXIES", "2")
    assert envint("PACESETTER_TRUSTED_PROXIES", "0", minimum=0) == 2
    monkeypatch.delenv("PACESETTER_TRUSTED_PROXIES")
    assert envint("PACESETTER_TRUSTED_PROXIES", "0", minimum=0) == 0


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("yes", "PACESETTER_TRUSTED_PROXIES must be an integer, not 'yes'"),
        ("-1", "PACESETTER_TRUSTED_PROXIES must be at least 0, not -1"),
    ],
)
def test_trusted_proxies_setting_bad_value_raises(monkeypatch, value, message):
    monkeypatch.setenv("PACESETTER_TRUSTED_PROXIES", value)
    with pytest.raises(ImproperlyConfigured) as exc:
        envint("PACESETTER_TRUSTED_PROXIES", "0", minimum=0)
    assert str(exc.value) == message
