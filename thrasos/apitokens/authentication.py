from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import BaseAuthentication


class ApiTokenAuthentication(BaseAuthentication):
    """DRF's side of the personal API tokens. The token itself is checked
    earlier, by ApiTokenMiddleware (the tenant must be entered before the
    view); this class hands the result to DRF. Listed before
    SessionAuthentication: a token request is authenticated here, so DRF
    neither takes it for a session nor asks it for a CSRF token."""

    keyword = "Bearer"
    www_authenticate_realm = "api"
    description = _("Personal API token")

    def authenticate(self, request):
        api_token = getattr(request._request, "api_token", None)
        if api_token is None:
            return None
        return (request._request.user, api_token)

    def authenticate_header(self, request) -> str:
        # Makes DRF answer 401 (not 403) to a request without credentials.
        return f'{self.keyword} realm="{self.www_authenticate_realm}"'
