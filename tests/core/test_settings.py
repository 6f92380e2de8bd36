"""Start-up with bad or production environments, in a fresh interpreter."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "DJANGO_SECRET_KEY": "k3y-for-the-deploy-check-" + "x7Qp9" * 10,
    "DJANGO_DEBUG": "false",
    "DJANGO_ALLOWED_HOSTS": "thrasos.example.org",
    "DATABASE_URL": "postgres://thrasos_app:pw@db:5432/thrasos",
    "DATABASE_OWNER_URL": "postgres://thrasos_owner:pw@db:5432/thrasos",
    "REDIS_URL": "redis://redis:6379/0",
    "EMAIL_URL": "smtp+tls://user:pw@smtp.example.org:587",
    "THRASOS_MFA_KEYS": "9WLZ4VGTtNlw4ULM2NPqhd9AJjbymOGHpM7AhuePXAk=",
}


def run_manage(env: dict, *args: str) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_", "THRASOS_"))
    }
    clean.pop("REDIS_URL", None)
    clean.pop("EMAIL_URL", None)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_values():
    result = run_manage(PRODUCTION_ENV, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("DJANGO_SECRET_KEY", None, "DJANGO_SECRET_KEY is not set"),
        ("DATABASE_URL", None, "DATABASE_URL is not set"),
        ("DATABASE_URL", "mysql://u:p@h/db", "DATABASE_URL must be a PostgreSQL URL"),
        ("DATABASE_URL", "postgres://u:p@h:notaport/db", "DATABASE_URL has an invalid port"),
        ("DATABASE_URL", "postgres://u:p@h:5432/", "DATABASE_URL names no database"),
        ("REDIS_URL", None, "REDIS_URL is not set"),
        ("REDIS_URL", "localhost:6379", "REDIS_URL must be a Redis URL"),
        ("DJANGO_DEBUG", "peut-être", "DJANGO_DEBUG must be true or false"),
        ("DJANGO_ALLOWED_HOSTS", None, "DJANGO_ALLOWED_HOSTS is not set"),
        ("EMAIL_URL", None, "EMAIL_URL is not set"),
        ("EMAIL_URL", "carrier-pigeon://x", "EMAIL_URL has an unknown scheme"),
        ("DATABASE_CONN_MAX_AGE", "soixante", "DATABASE_CONN_MAX_AGE must be a whole number"),
        ("THRASOS_MFA_REQUIRED", "false", "THRASOS_MFA_REQUIRED=false is only allowed with"),
        ("THRASOS_MFA_KEYS", None, "THRASOS_MFA_KEYS is not set"),
        ("THRASOS_MFA_KEYS", " , ", "THRASOS_MFA_KEYS is not set"),
        ("THRASOS_MFA_KEYS", "9WLZ4VGTtNlw4ULM2NPqhd9AJjbymOGHpM7AhuePXAk=,x", "key 2 is not one"),
    ],
)
def test_bad_environment_stops_start_up_naming_the_variable(variable, value, message):
    env = dict(PRODUCTION_ENV)
    if value is None:
        env.pop(variable, None)
    else:
        env[variable] = value
    result = run_manage(env, "check")
    assert result.returncode != 0
    assert message in result.stderr


def test_behind_a_proxy_rate_limits_read_the_client_from_the_proxy_header():
    code = "from django.conf import settings; print(settings.ALLAUTH_TRUSTED_PROXY_COUNT)"
    result = run_manage(
        {**PRODUCTION_ENV, "DJANGO_BEHIND_PROXY": "true"}, "shell", "--no-imports", "-c", code
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "1"
    result = run_manage(
        {**PRODUCTION_ENV, "DJANGO_BEHIND_PROXY": "true", "DJANGO_TRUSTED_PROXY_COUNT": "2"},
        "shell",
        "--no-imports",
        "-c",
        code,
    )
    assert result.stdout.strip() == "2"
    code = (
        "from django.conf import settings; print(hasattr(settings, 'ALLAUTH_TRUSTED_PROXY_COUNT'))"
    )
    result = run_manage(PRODUCTION_ENV, "shell", "--no-imports", "-c", code)
    assert result.stdout.strip() == "False"  # no proxy: the connection's own address
