"""PACESETTER_HTTPS turns on the production HTTPS settings; `manage check --deploy` is then clean."""

import json
import os
import subprocess
import sys

import pytest

KEY = "k3Y-for-the-deploy-check-" + "x7Qz" * 10


def run(args, tmp_path, **env):
    full = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("PACESETTER_")
        and k not in ("DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    full.update({"PYTHONPATH": os.pathsep.join(sys.path), "PACESETTER_DATA_DIR": str(tmp_path)}, **env)
    return subprocess.run(
        [sys.executable, *args], env=full, capture_output=True, text=True, timeout=120, check=False
    )


def settings_of(tmp_path, **env) -> dict:
    code = (
        "import json, pacesetter.settings as s; print(json.dumps({n: getattr(s, n, None) for n in ["
        "'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SECURE_SSL_REDIRECT', 'SECURE_HSTS_SECONDS',"
        "'SECURE_PROXY_SSL_HEADER']}))"
    )
    result = run(["-c", code], tmp_path, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_https_setting_turns_on_secure_cookies_hsts_and_redirect(tmp_path):
    assert settings_of(tmp_path, PACESETTER_HTTPS="true", PACESETTER_TRUSTED_PROXIES="1") == {
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
    }


def test_https_setting_without_a_trusted_proxy_ignores_forwarded_proto(tmp_path):
    assert settings_of(tmp_path, PACESETTER_HTTPS="true")["SECURE_PROXY_SSL_HEADER"] is None


def test_https_setting_off_by_default(tmp_path):
    assert settings_of(tmp_path) == {
        "SESSION_COOKIE_SECURE": None,
        "CSRF_COOKIE_SECURE": None,
        "SECURE_SSL_REDIRECT": None,
        "SECURE_HSTS_SECONDS": None,
        "SECURE_PROXY_SSL_HEADER": None,
    }


@pytest.mark.parametrize("value", ["sometimes", "2"])
def test_https_setting_bad_value_is_refused(tmp_path, value):
    result = run(["-c", "import pacesetter.settings"], tmp_path, PACESETTER_HTTPS=value)
    assert result.returncode == 1
    assert f"PACESETTER_HTTPS must be true or false, not '{value}'" in result.stderr


def test_check_deploy_with_production_settings_gives_no_warning(tmp_path):
    result = run(
        ["-m", "pacesetter", "manage", "check", "--deploy", "--fail-level", "WARNING"],
        tmp_path,
        PACESETTER_HTTPS="true",
        PACESETTER_TRUSTED_PROXIES="1",
        PACESETTER_SECRET_KEY=KEY,
        PACESETTER_ALLOWED_HOSTS="pacesetter.example.org",
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_check_deploy_without_https_warns_about_cookies(tmp_path):
    result = run(
        ["-m", "pacesetter", "manage", "check", "--deploy", "--fail-level", "WARNING"],
        tmp_path,
        PACESETTER_SECRET_KEY=KEY,
    )

    assert result.returncode == 1
    assert "security.W012" in result.stderr + result.stdout


def test_otp_roles_setting_with_an_unknown_role_is_refused(tmp_path):
    result = run(["-c", "import pacesetter.settings"], tmp_path, PACESETTER_OTP_ROLES="office,admin")
    assert result.returncode == 1
    assert "PACESETTER_OTP_ROLES names unknown roles: admin;" in result.stderr
