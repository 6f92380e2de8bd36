from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """The framework only: each module registers its reminder kinds
    (thrasos.notifications.registry) in its own AppConfig.ready()."""

    name = "thrasos.notifications"
    label = "notifications"
    verbose_name = _("Notifications")
