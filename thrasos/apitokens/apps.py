from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiTokensConfig(AppConfig):
    name = "thrasos.apitokens"
    label = "apitokens"
    verbose_name = _("API tokens")

    def ready(self) -> None:
        # Registers the OpenAPI security scheme of ApiTokenAuthentication.
        from thrasos.apitokens import schema  # noqa: F401
