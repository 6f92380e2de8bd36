"""The user's API tokens, in their account pages: list, create (after MFA),
revoke. A user sees and revokes only the tokens of their current membership;
any other id is answered 404."""

import time
from datetime import timedelta

from allauth.account import app_settings as account_settings
from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from thrasos import permissions
from thrasos.apitokens import services
from thrasos.apitokens.forms import ApiTokenForm
from thrasos.apitokens.models import ApiToken
from thrasos.core.forms import add_validation_error
from thrasos.core.gates import gate


def mfa_recently_passed(request) -> bool:
    """Whether this session passed a second factor (TOTP or recovery code, at
    login or when asked again) within allauth's reauthentication timeout.

    Stricter than the MFA middleware, which only asks whether the user has an
    authenticator: a session can be open without the code ever having been
    entered (the invitation page logs the new member in; a staff member who
    enrols during the session). Here the code itself must have been entered,
    and recently, since a token outlives the session."""
    horizon = time.time() - account_settings.REAUTHENTICATION_TIMEOUT
    return any(
        record.get("method") == "mfa" and record.get("at", 0) >= horizon
        for record in get_authentication_records(request, request.user)
    )


@gate(read=permissions.is_member)
def token_list(request):
    tokens = list(ApiToken.objects.of_membership(request.membership).order_by("-created_at"))
    return render(request, "apitokens/token_list.html", {"tokens": tokens})


@gate(permissions.is_member)
def token_create(request):
    if not mfa_recently_passed(request):
        has_totp = Authenticator.objects.filter(
            user=request.user, type=Authenticator.Type.TOTP
        ).exists()
        return render(
            request,
            "apitokens/token_mfa.html",
            {"has_totp": has_totp},
            status=403 if request.method == "POST" else 200,
        )
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            api_token, token = services.api_token_create(
                actor=request.user,
                membership=request.membership,
                name=form.cleaned_data["name"],
                scope=form.cleaned_data["scope"],
                expires_at=timezone.now() + timedelta(days=form.cleaned_data["validity"]),
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            # Shown in this answer only, never stored in clear (no redirect:
            # the session would have to hold it).
            return render(
                request,
                "apitokens/token_created.html",
                {"api_token": api_token, "token": token},
            )
    return render(request, "apitokens/token_form.html", {"form": form})


@gate(write=permissions.is_member)
def token_revoke(request, pk: int):
    api_token = get_object_or_404(ApiToken.objects.of_membership(request.membership), pk=pk)
    services.api_token_revoke(actor=request.user, api_token=api_token)
    messages.success(request, _("Token “%(name)s” revoked.") % {"name": api_token.name})
    return redirect("api_token_list")
