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
        from sessions import casefile, services

        extensions.register_case_file_section(casefile.SECTION)
        extensions.register_timeline_source(casefile.timeline_events)
        pathway_changed.connect(services.on_pathway_changed, dispatch_uid="sessions-enrolments")
