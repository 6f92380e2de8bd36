from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HousingConfig(AppConfig):
    name = "housing"
    verbose_name = _("Housing")

    def ready(self) -> None:
        from beneficiaries import extensions
        from housing import casefile

        extensions.register_case_file_section(casefile.SECTION)
        extensions.register_timeline_source(casefile.timeline_events)
