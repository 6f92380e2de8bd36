"""/healthz: the status for anyone, the details for operators and the machine itself.

The test client's REMOTE_ADDR is 127.0.0.1 unless a test sets another one."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory
from thrasos.accounts.models import Role

pytestmark = pytest.mark.django_db

REMOTE = {"REMOTE_ADDR": "203.0.113.7"}


def test_healthz_ok_without_login(client):
    response = client.get(reverse("healthz"), **REMOTE)
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_details_for_the_machine_itself(client):
    """The container healthcheck (docker/healthcheck.py) asks from 127.0.0.1."""
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["redis"]["ok"] is True
    assert "last_seen" in body["worker"]


def test_healthz_details_over_ipv6_loopback(client):
    response = client.get(reverse("healthz"), REMOTE_ADDR="::1")
    assert "checks" in response.json()


@pytest.mark.parametrize(
    "header",
    [
        {"HTTP_X_FORWARDED_FOR": "127.0.0.1"},
        {"HTTP_X_FORWARDED_PROTO": "https"},
        {"HTTP_FORWARDED": "for=127.0.0.1"},
        {"HTTP_X_REAL_IP": "127.0.0.1"},
    ],
)
def test_a_request_through_a_proxy_is_not_from_the_machine(client, header):
    """A reverse proxy on the same host connects from 127.0.0.1 for everyone:
    a forwarded request gets no details, whatever it claims."""
    assert client.get(reverse("healthz"), **header).json() == {"status": "ok"}
    assert client.get(reverse("healthz"), **REMOTE, **header).json() == {"status": "ok"}


def test_healthz_details_for_platform_operators(client):
    client.force_login(UserFactory(email="ops@example.org", is_staff=True))
    body = client.get(reverse("healthz"), **REMOTE).json()
    assert body["checks"]["database"] == {"ok": True, "detail": "ok"}


def test_healthz_no_details_for_an_organisation_admin(client, two_tenants):
    client.force_login(two_tenants["a"]["members"][Role.ADMIN].user)
    assert client.get(reverse("healthz"), **REMOTE).json() == {"status": "ok"}


def test_healthz_503_says_only_unavailable_to_anyone(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get(reverse("healthz"), **REMOTE)
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}


def test_healthz_503_names_redis_when_it_is_down(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["redis"]["ok"] is False
    assert body["checks"]["redis"]["detail"] == "ConnectionError"
    assert body["checks"]["database"]["ok"] is True


def test_healthz_503_names_the_database_when_it_is_down(client, monkeypatch):
    from thrasos.core import health

    class Broken:
        def cursor(self):
            from django.db import OperationalError

            raise OperationalError("connection refused")

    monkeypatch.setattr(health, "connection", Broken())
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    body = response.json()
    assert body["checks"]["database"] == {"ok": False, "detail": "OperationalError"}
    assert body["worker"] == {"last_seen": None}
