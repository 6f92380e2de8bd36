"""Resolves `Authorization: Bearer <token>` on /api/ before the tenant
middleware, so that the whole request (memberships, tenant, RLS settings)
runs as the token's membership, exactly as a session would.

A token request never uses the session: the session of any cookie sent
along is set aside for the request (so neither its user, nor its chosen
organisation, nor its MFA state count) and put back untouched afterwards.
A bad, expired or revoked token is answered 401 in JSON, never with the
session's user nor with a redirect to a page."""

from importlib import import_module

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.utils.translation import gettext as _
from rest_framework.permissions import SAFE_METHODS

from thrasos.apitokens import services

API_PREFIX = "/api/"


def bearer_token(request) -> str | None:
    scheme, _sep, credentials = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return credentials.strip()


def client_ip(request) -> str | None:
    # The same address as allauth's login throttling (proxy settings included).
    try:
        return get_adapter(request).get_client_ip(request)
    except PermissionDenied:
        return None


def unauthorised(detail: str) -> JsonResponse:
    response = JsonResponse({"detail": detail}, status=401)
    response["WWW-Authenticate"] = 'Bearer realm="api", error="invalid_token"'
    return response


class ApiTokenMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.session_store = import_module(settings.SESSION_ENGINE).SessionStore

    def __call__(self, request):
        request.api_token = None
        if not request.path_info.startswith(API_PREFIX):
            return self.get_response(request)
        token = bearer_token(request)
        if token is None:
            return self.get_response(request)
        api_token = services.api_token_authenticate(token, ip=client_ip(request))
        if api_token is None:
            return unauthorised(_("Invalid, expired or revoked token."))
        if api_token.read_only and request.method not in SAFE_METHODS:
            # Also checked by the DRF permission TokenScope; here, it holds
            # even for a view that replaces the default permission classes.
            return JsonResponse({"detail": _("This token is read-only.")}, status=403)
        user = api_token.membership.user

        async def auser():
            return user

        cookie_session = request.session
        request.api_token = api_token
        request.user, request.auser = user, auser
        # An empty session that is never saved (the original one is put back
        # before SessionMiddleware looks at it).
        request.session = self.session_store()
        try:
            return self.get_response(request)
        finally:
            request.session = cookie_session
