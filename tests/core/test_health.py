import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_healthz_ok_without_login(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["redis"]["ok"] is True
    assert "no-cache" in response["Cache-Control"]


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
