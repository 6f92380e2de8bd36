"""Writes of the reports: asking for an activity report and moving it
through its states (queued → computing → rendering → ready, or failed)."""

from __future__ import annotations

import datetime
import hashlib
import json

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from thrasos.accounts.models import Territory
from thrasos.reports.indicators import Period, Scope
from thrasos.reports.models import ReportFile, ReportRequest, ReportStatus


def figures_as_of(period: Period, today: datetime.date) -> datetime.date:
    """The day figures are computed "as of" (trial periods passed, contracts in
    force): the day after the period once it is over, so that a report of a
    past period gives the same figures whenever it is generated again."""
    return min(today, period.end + datetime.timedelta(days=1))


def scope_exists(scope_kind: str, scope_id: int | None, organisation_id: int) -> bool:
    if scope_kind == Scope.ORGANISATION:
        return scope_id is None
    if scope_kind == Scope.TERRITORY:
        return Territory.objects.filter(pk=scope_id).exists()
    if scope_kind == Scope.SESSION:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT 1 FROM prep_sessions_preparationsession"
                " WHERE organisation_id = %s AND id = %s",
                [organisation_id, scope_id],
            )
            return cursor.fetchone() is not None
    return False


@transaction.atomic
def report_request_create(
    *,
    actor,
    organisation_id: int,
    scope_kind: str,
    scope_id: int | None,
    scope_label: str,
    period: Period,
    today: datetime.date | None = None,
) -> ReportRequest:
    """Ask for an activity report; the worker generates it (report_generate)."""
    from thrasos.reports import tasks

    if not scope_exists(scope_kind, scope_id, organisation_id):
        raise ValidationError({"scope": _("This scope does not exist in your organisation.")})
    today = today or timezone.localdate()
    report = ReportRequest(
        requested_by=actor,
        scope_kind=scope_kind,
        scope_id=scope_id,
        scope_label=scope_label[:250],
        period_start=period.start,
        period_end=period.end,
        as_of=figures_as_of(period, today),
    )
    report.full_clean()
    report.save()
    tasks.report_generate.delay_on_commit(report.pk, organisation_id=organisation_id)
    return report


def canonical_digest(figures: dict) -> str:
    """SHA-256 of the published figures as canonical JSON: the same figures
    give the same digest, whenever and however often they are computed."""
    text = json.dumps(figures, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def report_set_status(report: ReportRequest, status: str, **fields) -> None:
    report.status = status
    for name, value in fields.items():
        setattr(report, name, value)
    if status in (ReportStatus.READY, ReportStatus.FAILED):
        report.completed_at = timezone.now()
    report.save()


def report_store_pdf(report: ReportRequest, content: bytes, pages: int) -> None:
    ReportFile.objects.update_or_create(
        report=report, defaults={"content": content, "size": len(content)}
    )
    report_set_status(report, ReportStatus.READY, pages=pages)
