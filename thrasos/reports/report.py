"""The activity report: its figures (published, masked, as JSON kept with the
request and digested) and its PDF, rendered from those figures only."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from thrasos.core import pdf
from thrasos.reports import charts
from thrasos.reports.dashboards import published_figures
from thrasos.reports.figures import Table
from thrasos.reports.indicators import (
    DEFINITION_AUTONOMOUS_HOUSING,
    DEFINITION_DURABLE_EMPLOYMENT,
    DEFINITION_POSITIVE_EXIT,
    HEADLINE,
    INDICATORS,
    Period,
    Section,
    Unit,
)
from thrasos.reports.masking import RULE
from thrasos.reports.templatetags.reports import format_figure

TEMPLATE = "reports/pdf/activity_report.html"


def _json_value(value):
    if isinstance(value, Decimal):
        return str(value)
    return value


def _table_json(table: Table) -> dict:
    return {
        "title": table.title,
        "columns": list(table.columns),
        "rows": [[label, [_json_value(c) for c in cells]] for label, cells in table.rows],
        "total": [_json_value(c) for c in table.total] if table.total else None,
    }


def compute_figures(report) -> dict:
    """The published figures of a report request, as JSON-ready data."""
    published = published_figures(
        organisation_id=report.organisation_id,
        scope_kind=report.scope_kind,
        scope_id=report.scope_id,
        period=Period(report.period_start, report.period_end),
        today=report.as_of,
        with_charts=False,
        with_demographics=True,
    )
    return {
        "indicators": {code: _json_value(v) for code, v in published.indicators.items()},
        "funnel": _table_json(published.funnel),
        "stages": _table_json(published.stages),
        "outcomes": _table_json(published.outcomes),
        "demographics": [_table_json(t) for t in published.demographics],
    }


def _number(value):
    """Back from JSON: Decimal strings to Decimal, masks stay strings."""
    if isinstance(value, str) and value.replace(".", "", 1).isdigit():
        return Decimal(value)
    return value


def _table(data: dict) -> Table:
    return Table(
        title=data["title"],
        columns=data["columns"],
        rows=[(label, [_number(c) for c in cells]) for label, cells in data["rows"]],
        total=[_number(c) for c in data["total"]] if data["total"] else None,
    )


def _formatted(table: Table) -> Table:
    return Table(
        title=table.title,
        columns=table.columns,
        rows=[(label, [format_figure(c) for c in cells]) for label, cells in table.rows],
        total=[format_figure(c) for c in table.total] if table.total else None,
    )


def render_context(report, figures: dict) -> dict:
    values = {code: _number(v) for code, v in figures["indicators"].items()}
    funnel = _table(figures["funnel"])
    stages = _table(figures["stages"])
    outcomes = _table(figures["outcomes"])
    drawn = {
        "funnel": charts.funnel_chart(funnel, funnel.total or [0] * len(funnel.columns)),
        "stages": charts.stages_chart(stages),
        "outcomes": charts.outcomes_chart(outcomes),
    }
    sections = []
    for code, label in Section.LABELS.items():
        rows = [
            (i.name, format_figure(values.get(i.code), i.unit))
            for i in INDICATORS
            if i.section == code
        ]
        sections.append({"code": code, "title": label, "rows": rows})
    by_code = {i.code: i for i in INDICATORS}
    return {
        "report": report,
        "organisation_name": report_organisation_name(report),
        "generated_at": timezone.localtime(report.completed_at or timezone.now()),
        "headline": [
            (by_code[c].name, format_figure(values.get(c), by_code[c].unit)) for c in HEADLINE
        ],
        "sections": {s["code"]: s for s in sections},
        "funnel": _formatted(funnel),
        "stages": _formatted(stages),
        "outcomes": _formatted(outcomes),
        "charts": drawn,
        "demographics": [_formatted(_table(t)) for t in figures["demographics"]],
        "definitions": [(i.name, i.definition, Unit.LABELS[i.unit]) for i in INDICATORS],
        "reference_definitions": [
            DEFINITION_DURABLE_EMPLOYMENT,
            DEFINITION_AUTONOMOUS_HOUSING,
            DEFINITION_POSITIVE_EXIT,
        ],
        "masking_rule": RULE,
    }


def report_organisation_name(report) -> str:
    from thrasos.accounts.models import Organisation

    return (
        Organisation.objects.filter(pk=report.organisation_id)
        .values_list("name", flat=True)
        .first()
        or ""
    )


def render(report, figures: dict) -> tuple[bytes, int]:
    """The PDF of a report and its page count."""
    return pdf.render_pdf_pages(TEMPLATE, render_context(report, figures))


def period_label(start: datetime.date, end: datetime.date) -> str:
    return _("from %(start)s to %(end)s") % {
        "start": start.strftime("%d/%m/%Y"),
        "end": end.strftime("%d/%m/%Y"),
    }


WARM_UP_HTML = """<!DOCTYPE html><html lang="fr"><head>
<link rel="stylesheet" href="static:css/pdf.css">
<link rel="stylesheet" href="static:css/report.css">
</head><body><h2>Préparation</h2><p>Accompagnement socioprofessionnel des bénéficiaires</p>
<table class="data"><tr><th>Étape</th><td class="numeric">12</td></tr></table>
<img class="chart" src="{chart}" alt=""></body></html>"""


def warm_up() -> None:
    """What a worker process pays once, before its first report rather than
    in it: matplotlib's font list and text layout, WeasyPrint's fonts,
    stylesheets and French hyphenation, the report's template. Connected to
    Celery's worker_process_init (thrasos.reports.apps)."""
    from django.template.loader import get_template
    from weasyprint import HTML

    table = Table(title="", columns=["a"], rows=[("x", [1])], total=[1])
    chart = charts.funnel_chart(table, table.total)
    HTML(
        string=WARM_UP_HTML.format(chart=chart.data_url),
        base_url=pdf.STATIC_PREFIX,
        url_fetcher=pdf.StaticOnlyFetcher(),
    ).render().write_pdf()
    get_template(TEMPLATE)
