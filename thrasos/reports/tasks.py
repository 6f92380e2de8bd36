"""Generating an activity report in three tasks, one per state, so that each
state is committed (and seen by the page polling it) while the next step
works: report_generate (queued → computing), report_compute (figures,
digest; computing → rendering), report_render (PDF; rendering → ready).
Each takes the report's id, runs inside its tenant (TenantTask) and does
nothing when the report is no longer in the state it handles (idempotent:
a task delivered twice does its work once). A failure marks the report
failed with a French message; the figures or the PDF it had are kept."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from thrasos.celery import TenantTask, app
from thrasos.reports import report as report_document
from thrasos.reports.models import ReportRequest, ReportStatus
from thrasos.reports.services import canonical_digest, report_set_status, report_store_pdf

logger = logging.getLogger(__name__)


def _locked(report_id: int, status: str) -> ReportRequest | None:
    report = ReportRequest.objects.select_for_update().filter(pk=report_id).first()
    if report is None or report.status != status:
        return None
    return report


def _fail(report_id: int, message: str) -> None:
    ReportRequest.objects.filter(pk=report_id).update(status=ReportStatus.FAILED, error=message)


@app.task(base=TenantTask)
def report_generate(report_id: int) -> str | None:
    report = _locked(report_id, ReportStatus.QUEUED)
    if report is None:
        return None
    report_set_status(report, ReportStatus.COMPUTING)
    report_compute.delay_on_commit(report_id, organisation_id=report.organisation_id)
    return report.status


@app.task(base=TenantTask)
def report_compute(report_id: int) -> str | None:
    report = _locked(report_id, ReportStatus.COMPUTING)
    if report is None:
        return None
    try:
        with transaction.atomic(), translation.override("fr"):
            figures = report_document.compute_figures(report)
    except Exception:
        logger.exception("report %s: computing the figures failed", report_id)
        with translation.override("fr"):
            _fail(report_id, _("The figures could not be computed."))
        return ReportStatus.FAILED
    report_set_status(
        report, ReportStatus.RENDERING, figures=figures, digest=canonical_digest(figures)
    )
    report_render.delay_on_commit(report_id, organisation_id=report.organisation_id)
    return report.status


@app.task(base=TenantTask)
def report_render(report_id: int) -> str | None:
    report = _locked(report_id, ReportStatus.RENDERING)
    if report is None:
        return None
    try:
        with transaction.atomic(), translation.override("fr"):
            content, pages = report_document.render(report, report.figures)
    except Exception:
        logger.exception("report %s: rendering the PDF failed", report_id)
        with translation.override("fr"):
            _fail(report_id, _("The PDF could not be rendered."))
        return ReportStatus.FAILED
    report_store_pdf(report, content, pages)
    return report.status
