from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission


class TokenScope(BasePermission):
    """A read-only token may only read (GET, HEAD, OPTIONS). Session
    requests and read-write tokens are left to the other permissions."""

    message = _("This token is read-only.")

    def has_permission(self, request, view) -> bool:
        api_token = getattr(request._request, "api_token", None)
        if api_token is None:
            return True
        return request.method in SAFE_METHODS or not api_token.read_only
