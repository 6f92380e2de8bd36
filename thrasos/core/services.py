import socket

from django.utils import timezone

from thrasos.core.models import ServiceHeartbeat


def heartbeat_record(*, name: str) -> ServiceHeartbeat:
    heartbeat, _ = ServiceHeartbeat.objects.update_or_create(
        name=name,
        defaults={"last_seen": timezone.now(), "hostname": socket.gethostname()},
    )
    return heartbeat
