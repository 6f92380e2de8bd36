from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """Indicators, dashboards, the PDF activity report and aggregate exports
    (SPEC §5.7): computed in SQL over the modules' tables, never importing them."""

    name = "thrasos.reports"
    label = "reports"

    def ready(self) -> None:
        from thrasos.core import registry
        from thrasos.reports import api

        registry.register_api("indicateurs", api.IndicatorViewSet, basename="indicator")
        registry.register_api("rapports", api.ReportRequestViewSet, basename="report")
