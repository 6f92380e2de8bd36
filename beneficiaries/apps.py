from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BeneficiariesConfig(AppConfig):
    name = "beneficiaries"
    verbose_name = _("Beneficiaries")

    def ready(self) -> None:
        from beneficiaries import demo, reminders, services
        from beneficiaries.api.views import BeneficiaryViewSet
        from thrasos.core import registry

        registry.register_api("beneficiaires", BeneficiaryViewSet, basename="beneficiary")
        registry.register_organisation_defaults(services.prerequisites_seed_defaults)
        registry.register_demo_step(demo.demo_step, order=20)
        registry.register_scale_seeder(demo.seed_scale)
        reminders.register()
