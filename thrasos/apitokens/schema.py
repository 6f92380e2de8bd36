"""The OpenAPI security scheme of the personal API tokens (drf-spectacular)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "thrasos.apitokens.authentication.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "thr_<organisation>_<secret>",
            "description": (
                "Personal API token, created in the account pages after two-factor "
                "authentication: `Authorization: Bearer thr_…`. It acts as its owner's "
                "membership of one organisation (same roles, scope and fields as the "
                "pages); a read-only token gets 403 on POST, PUT, PATCH and DELETE; "
                "an expired or revoked token gets 401."
            ),
        }
