from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MentoringConfig(AppConfig):
    name = "mentoring"
    verbose_name = _("Mentoring")

    def ready(self) -> None:
        from beneficiaries import extensions
        from mentoring import casefile, demo, reminders
        from mentoring.api import views as api
        from thrasos.core import registry

        registry.register_api("binomes", api.MentorshipViewSet, basename="mentorship")
        registry.register_api("comptes-rendus", api.NoteViewSet, basename="mentoring-note")
        registry.register_api("alertes", api.AlertViewSet, basename="mentoring-alert")
        registry.register_api("mes-binomes", api.MyMentorshipViewSet, basename="my-mentorship")
        registry.register_api("mes-comptes-rendus", api.MyNoteViewSet, basename="my-note")

        # After the case files (20) and the sessions (30): pairs for people
        # in work-study or after their session.
        registry.register_demo_step(demo.demo_step, order=40)
        registry.register_scale_seeder(demo.seed_scale)
        extensions.register_case_file_section(casefile.SECTION)
        extensions.register_timeline_source(casefile.timeline_events)
        reminders.register()
