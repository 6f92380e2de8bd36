from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlacementsConfig(AppConfig):
    name = "placements"
    verbose_name = _("Placements")

    def ready(self) -> None:
        from beneficiaries import extensions
        from beneficiaries.signals import pathway_changed
        from placements import casefile, demo, reminders, services
        from placements.api import views as api
        from thrasos.core import registry

        for prefix, viewset, basename in api.ROUTES:
            registry.register_api(prefix, viewset, basename=basename)
        registry.register_organisation_defaults(services.referentials_seed_defaults)
        registry.register_demo_step(demo.demo_step, order=40)
        registry.register_scale_seeder(demo.seed_scale)
        extensions.register_case_file_section(casefile.SECTION)
        extensions.register_timeline_source(casefile.timeline_events)
        pathway_changed.connect(services.on_pathway_changed, dispatch_uid="placements-follow-ups")
        reminders.register()
