"""Dashboards (the home page by role), the indicators page, activity reports
and aggregate exports. Every view names its gate first (thrasos.core.gates)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from thrasos import permissions
from thrasos.accounts.models import Role
from thrasos.audit.models import AccessAction
from thrasos.audit.services import access_log_for_request, access_log_record
from thrasos.core.forms import form_status, submit
from thrasos.core.gates import gate
from thrasos.reports import dashboards, exports, services
from thrasos.reports.forms import ScopePeriodForm
from thrasos.reports.indicators import INDICATORS
from thrasos.reports.masking import RULE
from thrasos.reports.models import ReportFile, ReportRequest, ReportStatus


def form_query(form: ScopePeriodForm) -> str:
    data = form.cleaned_data
    return urlencode({"start": data["start"], "end": data["end"], "scope": data["scope"]})


def home(request):
    """The home page after login: the dashboard of the member's role."""
    membership = getattr(request, "membership", None)
    today = timezone.localdate()
    role = membership.role if membership is not None else None
    if role == Role.CASEWORKER:
        context = dashboards.caseworker(membership, today)
        return render(request, "reports/home_caseworker.html", context)
    if role in (Role.ADMIN, Role.COORDINATOR):
        context = dashboards.coordinator(membership, today)
        return render(request, "reports/home_coordinator.html", context)
    if role == Role.MANAGER:
        # The same page as the indicators (one template, one filter header).
        return _figures_page(request, membership, "reports/indicators.html")
    return render(request, "core/home.html")


@gate(read=permissions.can_view_indicators)
def indicators_page(request):
    """The indicators and charts of a period and a scope (managers get the
    same on their home page; coordinators and admins come here)."""
    return _figures_page(request, request.membership, "reports/indicators.html")


def scope_period_form(request, membership) -> ScopePeriodForm:
    today = timezone.localdate()
    data = request.GET if "scope" in request.GET else None
    form = ScopePeriodForm(
        data,
        organisation_id=membership.organisation_id,
        today=today,
        initial=ScopePeriodForm.initial_for(today),
    )
    if data is None:
        form = ScopePeriodForm(
            ScopePeriodForm.initial_for(today) | {"scope": "organisation"},
            organisation_id=membership.organisation_id,
            today=today,
        )
    return form


def _figures_page(request, membership, template: str):
    form = scope_period_form(request, membership)
    context = {"form": form}
    status = 200
    if form.is_valid():
        kind, scope_id = form.scope_kind_and_id
        published = dashboards.published_figures(
            organisation_id=membership.organisation_id,
            scope_kind=kind,
            scope_id=scope_id,
            period=form.period,
            today=timezone.localdate(),
        )
        context |= {
            "figures": published,
            "headline": dashboards.headline(published.indicators),
            "scope_label": form.scope_label(),
            "period": form.period,
            "all_indicators": [
                {"name": i.name, "definition": i.definition, "unit": i.unit,
                 "value": published.indicators[i.code]}
                for i in INDICATORS
            ],
            "masking_rule": RULE,
        }  # fmt: skip
        if permissions.can_export_aggregates(membership):
            query = form_query(form)
            context["export_urls"] = {
                kind: f"{reverse('reports:export', kwargs={'kind': kind})}?{query}"
                for kind in ("csv", "xlsx")
            }
        if permissions.can_request_reports(membership):
            context["report_url"] = f"{reverse('reports:index')}?{form_query(form)}"
    else:
        status = 400
    return render(request, template, context, status=status)


# --- activity reports --------------------------------------------------------------
HISTORY_LENGTH = 30


def _report_get(pk: int) -> ReportRequest:
    """404 alike for missing and another organisation's (row-level security)."""
    return get_object_or_404(ReportRequest.objects.select_related("requested_by"), pk=pk)


@gate(read=permissions.can_request_reports, write=permissions.can_request_reports)
def report_index(request):
    """Ask for an activity report; the history of the organisation's reports."""
    membership = request.membership
    today = timezone.localdate()
    data = (
        request.POST
        if request.method == "POST"
        else (request.GET if "scope" in request.GET else None)
    )
    form = ScopePeriodForm(
        data,
        organisation_id=membership.organisation_id,
        today=today,
        initial=ScopePeriodForm.initial_for(today),
    )
    if request.method == "POST":

        def ask(cleaned):
            kind, scope_id = form.scope_kind_and_id
            return services.report_request_create(
                actor=request.user,
                organisation_id=membership.organisation_id,
                scope_kind=kind,
                scope_id=scope_id,
                scope_label=form.scope_label(),
                period=form.period,
                today=today,
            )

        if report := submit(request, form, ask):
            messages.success(request, _("The report is being prepared."))
            return redirect(f"{reverse('reports:index')}#report-{report.pk}")
    elif data is not None:
        form.is_valid()
    history = list(
        ReportRequest.objects.select_related("requested_by").order_by("-requested_at", "-id")[
            :HISTORY_LENGTH
        ]
    )
    return render(
        request,
        "reports/reports.html",
        {"form": form, "history": history, "statuses": ReportStatus},
        status=form_status(form) if request.method == "POST" else 200,
    )


@gate(read=permissions.can_request_reports)
def report_status(request, pk: int):
    """One row of the history: polled by htmx until the report is finished."""
    report = _report_get(pk)
    return render(request, "reports/includes/_report_row.html", {"report": report})


@gate(read=permissions.can_download_reports)
def report_download(request, pk: int):
    report = _report_get(pk)
    file = ReportFile.objects.filter(report=report).first()
    if report.status != ReportStatus.READY or file is None:
        raise Http404
    access_log_for_request(
        request, report, action=AccessAction.DOWNLOAD, detail=f"pdf {report.digest[:16]}"
    )
    response = HttpResponse(bytes(file.content), content_type="application/pdf")
    name = f"rapport-activite-{report.period_start:%Y%m%d}-{report.period_end:%Y%m%d}-{report.pk}"
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response


# --- aggregate exports ---------------------------------------------------------------
@gate(read=permissions.can_export_aggregates)
def aggregates_export(request, kind: str):
    """The indicators and the tables of a period and a scope as CSV or XLSX:
    published figures only (masked), one access-log row."""
    membership = request.membership
    if kind not in exports.FORMATS:
        raise Http404
    form = scope_period_form(request, membership)
    if not form.is_valid():
        messages.error(
            request, _("The period or the scope is not valid: correct them, then export.")
        )
        return redirect(f"{reverse('reports:indicators')}?{request.GET.urlencode()}")
    scope_kind, scope_id = form.scope_kind_and_id
    published = dashboards.published_figures(
        organisation_id=membership.organisation_id,
        scope_kind=scope_kind,
        scope_id=scope_id,
        period=form.period,
        today=timezone.localdate(),
        with_charts=False,
        with_demographics=True,
    )
    sheets = exports.aggregate_sheets(published, form.scope_label(), form.period)
    access_log_record(
        actor=request.user,
        obj=request.membership.organisation,
        action=AccessAction.EXPORT,
        detail=f"aggregates {kind} {form_query(form)}",
        request_id=getattr(request, "request_id", ""),
    )
    stamp = f"{form.period.start:%Y%m%d}-{form.period.end:%Y%m%d}"
    return exports.response(sheets, kind, f"indicateurs-{stamp}")
