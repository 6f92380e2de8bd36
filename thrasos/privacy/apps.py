from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "thrasos.privacy"
    label = "privacy"
    verbose_name = _("Personal data")

    def ready(self) -> None:
        # Each app declares its personal data in <app>/personal_data.py
        # (thrasos.privacy.registry); found here, so that the platform never
        # imports a module.
        autodiscover_modules("personal_data")
