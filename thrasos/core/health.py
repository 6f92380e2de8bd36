"""/healthz: is this instance able to serve? Checks PostgreSQL and Redis."""

import redis
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from thrasos.core.models import ServiceHeartbeat


def _check_database() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return False, exc.__class__.__name__
    return True, "ok"


def _check_redis() -> tuple[bool, str]:
    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2
        )
        client.ping()
    except Exception as exc:
        return False, exc.__class__.__name__
    return True, "ok"


def _worker_info(database_ok: bool) -> dict:
    if not database_ok:
        return {"last_seen": None}
    beat = ServiceHeartbeat.objects.filter(name="worker").first()
    if beat is None:
        return {"last_seen": None}
    return {
        "last_seen": beat.last_seen.isoformat(),
        "age_seconds": int((timezone.now() - beat.last_seen).total_seconds()),
    }


@login_not_required
@never_cache
@require_GET
def healthz(request):
    database_ok, database_detail = _check_database()
    redis_ok, redis_detail = _check_redis()
    healthy = database_ok and redis_ok
    body = {
        "status": "ok" if healthy else "unavailable",
        "checks": {
            "database": {"ok": database_ok, "detail": database_detail},
            "redis": {"ok": redis_ok, "detail": redis_detail},
        },
        # Informational: a stale worker does not make the web tier unhealthy.
        "worker": _worker_info(database_ok),
    }
    return JsonResponse(body, status=200 if healthy else 503)
