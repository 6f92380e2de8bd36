from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """The framework only: each module registers its reminder kinds
    (thrasos.notifications.registry) in its own AppConfig.ready()."""

    name = "thrasos.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        # The caseworker's home page lists the reminders already due.
        from thrasos.notifications.selectors import due_for_dashboard
        from thrasos.reports.dashboards import register_due_reminders

        register_due_reminders(due_for_dashboard)
