from celery import shared_task

from thrasos.core.services import heartbeat_record


@shared_task
def record_heartbeat(name: str = "worker") -> str:
    """Scheduled by beat every minute; proves that beat, broker and worker work."""
    return heartbeat_record(name=name).last_seen.isoformat()
