from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PreparationSessionsConfig(AppConfig):
    name = "sessions"
    # "sessions" is taken by django.contrib.sessions.
    label = "prep_sessions"
    verbose_name = _("Preparation sessions")

    def ready(self) -> None:
        from beneficiaries import extensions
        from beneficiaries.signals import pathway_changed
        from sessions import casefile, demo, reminders, services
        from sessions.api import views as api
        from thrasos.core import registry

        registry.register_api("sessions", api.SessionViewSet, basename="session")
        registry.register_api("inscriptions", api.EnrolmentViewSet, basename="enrolment")
        registry.register_api("activites", api.ActivityViewSet, basename="activity")
        # Before the case files (which persons go through a session), then after.
        registry.register_demo_step(demo.prepare_step, order=10)
        registry.register_demo_step(demo.demo_step, order=30)
        extensions.register_case_file_section(casefile.SECTION)
        extensions.register_timeline_source(casefile.timeline_events)
        pathway_changed.connect(services.on_pathway_changed, dispatch_uid="sessions-enrolments")
        reminders.register()
