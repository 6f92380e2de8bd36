from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """Indicators, dashboards, the PDF activity report and aggregate exports
    (SPEC §5.7): computed in SQL over the modules' tables, never importing them."""

    name = "thrasos.reports"
    label = "reports"
