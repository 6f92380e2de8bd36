"""Celery tasks of the privacy app: the subject access export, and the
periodic retention runs (CELERY_BEAT_SCHEDULE), which fan out one task per
organisation."""

from django.utils import timezone

from thrasos.celery import TenantTask, app


@app.task(base=TenantTask)
def export_build(export_id: int) -> None:
    from thrasos.privacy import export

    export.export_build(export_id)


@app.task(base=TenantTask)
def retention_run_organisation() -> int:
    from thrasos.privacy import services

    return services.retention_run(today=timezone.localdate()).pk


@app.task(base=TenantTask)
def access_log_purge_organisation() -> int:
    from thrasos.privacy import services
    from thrasos.tenancy import scoped_organisation_id

    return services.access_log_purge(scoped_organisation_id()).pk


def _organisation_ids() -> list[int]:
    from thrasos.accounts.models import Organisation

    return list(Organisation.objects.values_list("pk", flat=True))


@app.task
def retention_sweep() -> int:
    """Daily: one retention run per organisation."""
    ids = _organisation_ids()
    for organisation_id in ids:
        retention_run_organisation.delay(organisation_id=organisation_id)
    return len(ids)


@app.task
def access_log_sweep() -> int:
    """Daily: the access log's rows older than 12 months, per organisation."""
    ids = _organisation_ids()
    for organisation_id in ids:
        access_log_purge_organisation.delay(organisation_id=organisation_id)
    return len(ids)
