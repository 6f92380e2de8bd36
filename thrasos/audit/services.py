"""The helpers the modules call to record reads of personal data."""

from django.db import models

from thrasos.audit.models import AccessAction, AccessLog


def access_log_record(
    *,
    actor,
    obj: models.Model,
    action: str = AccessAction.VIEW,
    detail: str = "",
    request_id: str = "",
) -> AccessLog:
    """Record that `actor` read `obj` (in the current tenant)."""
    return AccessLog.objects.create(
        user=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        detail=detail[:255],
        request_id=request_id,
    )


def access_log_for_request(
    request, obj: models.Model, *, action: str = AccessAction.VIEW, detail: str = ""
):
    return access_log_record(
        actor=request.user,
        obj=obj,
        action=action,
        detail=detail,
        request_id=getattr(request, "request_id", ""),
    )


def access_log_records(
    *, actor, objects: list[models.Model], action: str, detail: str = "", request_id: str = ""
) -> int:
    """One access-log row per object read together (an export): who read
    each person's data stays answerable person by person."""
    user = actor if actor is not None and actor.is_authenticated else None
    rows = [
        AccessLog(
            user=user,
            action=action,
            object_type=obj._meta.label_lower,
            object_id=str(obj.pk),
            detail=detail[:255],
            request_id=request_id,
        )
        for obj in objects
    ]
    AccessLog.objects.bulk_create(rows, batch_size=1000)
    return len(rows)
