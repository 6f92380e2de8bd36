"""Per-request tenancy, MFA enforcement and session idle timeout."""

import contextlib
import re
import time
import uuid

import pghistory
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.db import transaction
from django.shortcuts import redirect
from django.urls import resolve
from django.utils.translation import gettext as _
from django_scopes import scope

from thrasos import permissions
from thrasos.accounts.models import Membership
from thrasos.tenancy import (
    ORGANISATION_SETTING,
    USER_SETTING,
    platform_context,
    set_transaction_settings,
)

SESSION_ORGANISATION = "thrasos_organisation_id"
SESSION_LAST_SEEN = "thrasos_last_seen"
SESSION_LOGGED_IN_AT = "thrasos_logged_in_at"
SESSION_MFA_ENROLLED = "thrasos_mfa_enrolled"
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
            response = self._in_tenant(request, user)
        response["X-Request-ID"] = request.request_id
        return response

    def _in_tenant(self, request, user):
        """One transaction for the whole request; the database settings are
        set in two round trips (the user's, to read their memberships; then
        the organisation's, user cleared) with no savepoint. They are
        transaction-local, so the commit clears them; inside an enclosing
        transaction (tests) they are restored instead."""
        nested = transaction.get_connection().in_atomic_block
        with transaction.atomic():
            previous = set_transaction_settings(
                {USER_SETTING: str(user.pk), ORGANISATION_SETTING: ""}
            )
            api_token = getattr(request, "api_token", None)
            if api_token is not None:
                # A token is one membership, found active by ApiTokenMiddleware
                # in this request: the user's other organisations and the
                # session's choice among them do not apply.
                request.memberships = [api_token.membership]
                request.membership = api_token.membership
            else:
                with platform_context():
                    request.memberships = list(
                        Membership.objects.active()
                        .for_user(user)
                        .select_related("organisation")
                        .order_by("organisation__name")
                    )
                request.membership = self._choose(request)
            organisation_id = None
            if request.membership is not None:
                request.organisation = request.membership.organisation
                organisation_id = request.organisation.pk
            set_transaction_settings(
                {USER_SETTING: "", ORGANISATION_SETTING: str(organisation_id or "")}
            )
            try:
                with (
                    pghistory.context(user=user.pk, request_id=request.request_id),
                    scope(organisation=organisation_id)
                    if organisation_id
                    else contextlib.nullcontext(),
                ):
                    response = self.get_response(request)
                if response.status_code >= 500:
                    # The view failed after writing: keep none of it.
                    transaction.set_rollback(True)
            finally:
                if nested and not transaction.get_connection().needs_rollback:
                    set_transaction_settings(previous)
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
        if getattr(request, "api_token", None) is not None:
            # Tokens are created after MFA and stop working when the user has
            # no authenticator any more (ApiTokenMiddleware): no page to
            # redirect an API client to.
            return self.get_response(request)
        if (
            settings.THRASOS_MFA_REQUIRED
            and user.is_authenticated
            and permissions.requires_mfa(
                (m.role for m in request.memberships), platform_operator=user.is_staff
            )
            and not self._url_allowed(request)
            and not self._enrolled(request, user)
        ):
            return redirect("mfa_required")
        return self.get_response(request)

    @staticmethod
    def _enrolled(request, user) -> bool:
        """Whether the user has a TOTP authenticator; remembered in the
        session once true (staff cannot remove theirs, see MFAAdapter)."""
        if request.session.get(SESSION_MFA_ENROLLED) == user.pk:
            return True
        enrolled = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        if enrolled:
            request.session[SESSION_MFA_ENROLLED] = user.pk
        return enrolled

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
    SESSION_ABSOLUTE_SECONDS since login, whatever the activity.

    It also records the activity shown in "My sessions" (allauth's user
    sessions), at most every 30 seconds, with the last-seen time: allauth's
    own middleware rewrites that row on every request (five queries)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # A token request has no session of its own (ApiTokenMiddleware).
        if request.user.is_authenticated and getattr(request, "api_token", None) is None:
            now = int(time.time())
            session = request.session
            logged_in_at = session.setdefault(SESSION_LOGGED_IN_AT, now)
            last_seen = session.get(SESSION_LAST_SEEN, now)
            if now - last_seen > settings.SESSION_IDLE_SECONDS:
                return self._end(request, _("Your session ended after a period of inactivity."))
            if now - logged_in_at > settings.SESSION_ABSOLUTE_SECONDS:
                return self._end(request, _("Your session reached its maximum length."))
            # The first request of a session, then at most every 30 s (a
            # session write and the user-session row, not on every request).
            if SESSION_LAST_SEEN not in session or now - last_seen >= 30:
                session[SESSION_LAST_SEEN] = now
                UserSession.objects.create_from_request(request)
        return self.get_response(request)

    @staticmethod
    def _end(request, message):
        logout(request)
        messages.info(request, message + " " + _("Please log in again."))
        return redirect(settings.LOGIN_URL)
