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
        from celery.signals import worker_process_init

        worker_process_init.connect(_warm_up, weak=False, dispatch_uid="reports-warm-up")


def _warm_up(**_kwargs) -> None:
    """Each worker process pays the report's first-use costs at its start
    (thrasos.reports.report.warm_up), not in the first report it renders."""
    import logging

    from thrasos.reports.report import warm_up

    try:
        warm_up()
    except Exception:
        # A warm-up that fails only makes the first report slower.
        logging.getLogger(__name__).exception("reports: warming up the worker failed")
