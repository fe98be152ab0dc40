"""Production safety is a property of the settings: with DEBUG off they pass Django's deployment
checks, warnings included, and switch on HTTPS-only, host-only cookies."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def production_env(**overrides):
    env = {
        key: value
        for key, value in os.environ.items()
        # A developer's own settings (or the browser tests' async switch) must not leak into
        # what is checked.
        if key
        not in {
            "DEBUG",
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "REDIS_URL",
            "DATABASE_URL",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
            "LOCAL_HTTP",
        }
        and not key.startswith(("SECURE_", "SESSION_", "LOGIN_", "JOIN_CODE_"))
    }
    env |= {
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "example.org",
        "DJANGO_SETTINGS_MODULE": "classroom.settings",
    }
    return env | overrides


def manage(*args, env):
    return subprocess.run(  # noqa: S603 (our own interpreter and manage.py)
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def production_settings(*names, env):
    script = (
        "import django, json; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n) for n in {list(names)!r}}}))"
    )
    result = subprocess.run(  # noqa: S603 (our own interpreter and script)
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(result.stdout)


def test_production_settings_pass_the_deploy_check_with_no_warnings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("override", "warning"),
    [
        ({"SECURE_SSL_REDIRECT": "false"}, "security.W008"),
        ({"SECURE_HSTS_SECONDS": "0"}, "security.W004"),
        ({"SECRET_KEY": "short"}, "security.W009"),
    ],
)
def test_the_deploy_check_does_fail_on_a_weakened_setting(override, warning):
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env(**override))
    assert result.returncode != 0
    assert warning in result.stdout + result.stderr


def test_production_uses_https_only_host_only_cookies():
    values = production_settings(
        "SESSION_COOKIE_NAME",
        "SESSION_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "SESSION_COOKIE_DOMAIN",
        "SESSION_COOKIE_PATH",
        "CSRF_COOKIE_NAME",
        "CSRF_COOKIE_SECURE",
        "CSRF_COOKIE_DOMAIN",
        "CSRF_COOKIE_PATH",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_CROSS_ORIGIN_OPENER_POLICY",
        "SECURE_REFERRER_POLICY",
        "X_FRAME_OPTIONS",
        env=production_env(),
    )
    assert values == {
        "SESSION_COOKIE_NAME": "__Host-sessionid",
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_DOMAIN": None,
        "SESSION_COOKIE_PATH": "/",
        "CSRF_COOKIE_NAME": "__Host-csrftoken",
        "CSRF_COOKIE_SECURE": True,
        "CSRF_COOKIE_DOMAIN": None,
        "CSRF_COOKIE_PATH": "/",
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_CROSS_ORIGIN_OPENER_POLICY": "same-origin",
        "SECURE_REFERRER_POLICY": "same-origin",
        "X_FRAME_OPTIONS": "DENY",
    }


def test_redis_url_switches_the_shared_cache_to_redis():
    values = production_settings("CACHES", env=production_env(REDIS_URL="redis://127.0.0.1:6379/1"))
    assert values["CACHES"]["default"] == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/1",
    }


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("LOGIN_FAILURE_LIMIT", "0"),
        ("LOGIN_LOCKOUT_MINUTES", "soon"),
        ("JOIN_CODE_LIMITS_PER_IP", "lots"),
        ("TRUSTED_PROXY_COUNT", "-1"),
    ],
)
def test_a_bad_limit_setting_stops_the_app_from_starting(variable, value):
    result = manage("check", env=production_env(**{variable: value}))
    assert result.returncode != 0
    assert variable in result.stderr
