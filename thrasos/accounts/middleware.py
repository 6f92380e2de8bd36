"""Per-request tenancy, MFA enforcement and session idle timeout."""

import re
import time
import uuid

import pghistory
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.db import transaction
from django.shortcuts import redirect
from django.urls import resolve
from django.utils.translation import gettext as _

from thrasos import permissions
from thrasos.accounts.models import Membership
from thrasos.tenancy import platform_context, tenant_context, user_context

SESSION_ORGANISATION = "thrasos_organisation_id"
SESSION_LAST_SEEN = "thrasos_last_seen"
SESSION_LOGGED_IN_AT = "thrasos_logged_in_at"
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class TenantMiddleware:
    """Resolves the user's active memberships and the current organisation,
    then runs the rest of the request inside that tenant, in one transaction.
    Deactivating a membership ends that user's access at their next request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.memberships = []
        request.membership = None
        request.organisation = None
        user = request.user
        if not user.is_authenticated:
            with pghistory.context(request_id=request.request_id):
                response = self.get_response(request)
        else:
            with transaction.atomic(), user_context(user.pk), platform_context():
                request.memberships = list(
                    Membership.objects.active()
                    .for_user(user)
                    .select_related("organisation")
                    .order_by("organisation__name")
                )
            request.membership = self._choose(request)
            if request.membership is not None:
                request.organisation = request.membership.organisation
            with pghistory.context(user=user.pk, request_id=request.request_id):
                if request.organisation is not None:
                    with tenant_context(request.organisation):
                        response = self.get_response(request)
                else:
                    response = self.get_response(request)
        response["X-Request-ID"] = request.request_id
        return response

    @staticmethod
    def _choose(request):
        memberships = request.memberships
        if not memberships:
            return None
        wanted = request.session.get(SESSION_ORGANISATION)
        for membership in memberships:
            if membership.organisation_id == wanted:
                return membership
        chosen = memberships[0]
        request.session[SESSION_ORGANISATION] = chosen.organisation_id
        return chosen


# Pages a user who must enrol in MFA can still reach.
MFA_ENROLMENT_ALLOWED = {
    "mfa_index",
    "mfa_activate_totp",
    "mfa_view_recovery_codes",
    "mfa_generate_recovery_codes",
    "mfa_download_recovery_codes",
    "account_logout",
    "account_reauthenticate",
    "set_language",
    "healthz",
    "mfa_required",
}


class MfaRequiredMiddleware:
    """Staff roles (admin, coordinator, caseworker, manager) and platform
    operators must have a TOTP authenticator: until then they reach only the
    enrolment pages."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            settings.THRASOS_MFA_REQUIRED
            and user.is_authenticated
            and permissions.requires_mfa(
                (m.role for m in request.memberships), platform_operator=user.is_staff
            )
            and not self._url_allowed(request)
            and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        ):
            return redirect("mfa_required")
        return self.get_response(request)

    @staticmethod
    def _url_allowed(request) -> bool:
        if request.path.startswith(settings.STATIC_URL):
            return True
        try:
            name = resolve(request.path_info).url_name
        except Exception:
            return True
        return name in MFA_ENROLMENT_ALLOWED


class SessionLifetimeMiddleware:
    """Ends a session left idle longer than SESSION_IDLE_SECONDS, or older than
    SESSION_ABSOLUTE_SECONDS since login, whatever the activity."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            session = request.session
            logged_in_at = session.setdefault(SESSION_LOGGED_IN_AT, now)
            last_seen = session.get(SESSION_LAST_SEEN, now)
            if now - last_seen > settings.SESSION_IDLE_SECONDS:
                return self._end(request, _("Your session ended after a period of inactivity."))
            if now - logged_in_at > settings.SESSION_ABSOLUTE_SECONDS:
                return self._end(request, _("Your session reached its maximum length."))
            if now - last_seen >= 30:  # spare a session write on every request
                session[SESSION_LAST_SEEN] = now
            session.setdefault(SESSION_LAST_SEEN, now)
        return self.get_response(request)

    @staticmethod
    def _end(request, message):
        logout(request)
        messages.info(request, message + " " + _("Please log in again."))
        return redirect(settings.LOGIN_URL)
