"""/healthz: is this instance able to serve? Checks PostgreSQL and Redis.

Anyone gets the verdict ("ok" / "unavailable", 200 / 503): load balancers and
uptime monitors need nothing more. What was checked and why it failed, the
worker's last heartbeat and the last successful run of each periodic task go
only to platform operators and to requests made from the machine itself (the
container healthcheck, an operator's curl)."""

import ipaddress

import redis
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from thrasos import permissions
from thrasos.core.models import ServiceHeartbeat

# A reverse proxy on the same host connects from the loopback address on
# behalf of everyone: a request carrying any of these came through one, and
# its client is somebody else (whatever the header claims: never trusted).
FORWARDING_HEADERS = (
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_FORWARDED",
    "HTTP_X_REAL_IP",
)


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


# The heartbeat each periodic task records on success, when not its beat name.
HEARTBEAT_OF = {"worker-heartbeat": "worker"}


def _periodic_info(database_ok: bool) -> dict:
    """The last successful run of each task of the beat schedule (one query)."""
    names = {task: HEARTBEAT_OF.get(task, task) for task in settings.CELERY_BEAT_SCHEDULE}
    seen = {}
    if database_ok:
        seen = dict(
            ServiceHeartbeat.objects.filter(name__in=names.values()).values_list(
                "name", "last_seen"
            )
        )
    now = timezone.now()
    return {
        task: {
            "last_success": seen[name].isoformat() if name in seen else None,
            "age_seconds": int((now - seen[name]).total_seconds()) if name in seen else None,
        }
        for task, name in sorted(names.items())
    }


def _from_this_machine(request: HttpRequest) -> bool:
    """REMOTE_ADDR is the peer of the connection, set by the server, not by
    the client; a forwarded request is not local even from the loopback."""
    if any(header in request.META for header in FORWARDING_HEADERS):
        return False
    try:
        return ipaddress.ip_address(request.META.get("REMOTE_ADDR", "")).is_loopback
    except ValueError:
        return False


def may_see_details(request: HttpRequest) -> bool:
    return permissions.sees_service_health(request.user) or _from_this_machine(request)


@login_not_required
@never_cache
@require_GET
def healthz(request):
    database_ok, database_detail = _check_database()
    redis_ok, redis_detail = _check_redis()
    healthy = database_ok and redis_ok
    body = {"status": "ok" if healthy else "unavailable"}
    if may_see_details(request):
        body["checks"] = {
            "database": {"ok": database_ok, "detail": database_detail},
            "redis": {"ok": redis_ok, "detail": redis_detail},
        }
        # Informational: a stale worker does not make the web tier unhealthy.
        body["worker"] = _worker_info(database_ok)
        body["periodic_tasks"] = _periodic_info(database_ok)
    return JsonResponse(body, status=200 if healthy else 503)
