from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HousingConfig(AppConfig):
    name = "housing"
    verbose_name = _("Housing")

    def ready(self) -> None:
        from beneficiaries import extensions
        from housing import casefile, demo, reminders
        from housing.api import views as api
        from thrasos.core import registry

        registry.register_api("logements", api.HousingUnitViewSet, basename="housing-unit")
        registry.register_api("places", api.PlaceViewSet, basename="housing-place")
        registry.register_api("occupations", api.OccupancyViewSet, basename="housing-occupancy")
        registry.register_demo_step(demo.demo_step, order=40)
        registry.register_scale_seeder(demo.seed_scale)
        extensions.register_case_file_section(casefile.SECTION)
        extensions.register_timeline_source(casefile.timeline_events)
        reminders.register()
