from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "thrasos.core"
    label = "core"
    verbose_name = _("Platform")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from thrasos.core.rls import on_post_migrate

        post_migrate.connect(on_post_migrate, dispatch_uid="thrasos-rls")
