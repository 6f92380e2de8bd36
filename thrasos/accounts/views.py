"""Organisation administration (admins only), the organisation switcher,
invitation acceptance and the MFA-required page."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from thrasos import permissions
from thrasos.accounts import services
from thrasos.accounts.forms import (
    InvitationAcceptForm,
    InvitationForm,
    MembershipForm,
    OrganisationSwitchForm,
    TerritoryForm,
)
from thrasos.accounts.middleware import SESSION_ORGANISATION
from thrasos.accounts.models import Invitation, Membership, Territory
from thrasos.core.forms import add_validation_error, form_status, submit
from thrasos.core.gates import gate
from thrasos.tenancy import tenant_context

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


@gate(read=permissions.can_administer)
def organisation_home(request):
    return render(
        request,
        "accounts/organisation_home.html",
        {
            "territories": Territory.objects.order_by("name"),
            "members": Membership.objects.select_related("user")
            .prefetch_related("territories")
            .order_by("-is_active", "user__last_name", "user__first_name"),
            "invitations": Invitation.objects.select_related("invited_by")[:50],
        },
    )


@gate(permissions.can_administer)
def territory_edit(request, pk: int | None = None):
    territory = get_object_or_404(Territory.objects, pk=pk) if pk else Territory()
    form = TerritoryForm(request.POST or None, instance=territory)
    if submit(
        request,
        form,
        lambda data: services.territory_save(actor=request.user, territory=form.instance),
    ):
        messages.success(request, _("Territory saved."))
        return redirect("organisation_home")
    return render(
        request,
        "accounts/territory_form.html",
        {"form": form, "territory": territory},
        status=form_status(form),
    )


@gate(permissions.can_administer)
def member_edit(request, pk: int):
    membership = get_object_or_404(Membership.objects.select_related("user"), pk=pk)
    initial = {"role": membership.role, "territories": list(membership.territories.all())}
    form = MembershipForm(request.POST or None, initial=initial)
    if submit(
        request,
        form,
        lambda data: services.membership_update(
            actor=request.user,
            membership=membership,
            role=data["role"],
            territories=list(data["territories"]),
        ),
    ):
        messages.success(request, _("Member updated."))
        return redirect("organisation_home")
    return render(
        request,
        "accounts/member_form.html",
        {"form": form, "membership": membership},
        status=form_status(form),
    )


@gate(write=permissions.can_administer)
def member_set_active(request, pk: int, active: bool):
    return _set_active(request, pk, active)


def _set_active(request, pk: int, active: bool):
    membership = get_object_or_404(Membership.objects.select_related("user"), pk=pk)
    try:
        if active:
            services.membership_reactivate(actor=request.user, membership=membership)
            messages.success(
                request, _("Access restored for %(name)s.") % {"name": membership.user}
            )
        else:
            services.membership_deactivate(actor=request.user, membership=membership)
            messages.success(request, _("Access ended for %(name)s.") % {"name": membership.user})
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("organisation_home")


@gate(permissions.can_administer)
def member_deactivate(request, pk: int):
    """Ending someone's access is asked first (GET: the question, POST:
    done); "Restore access" undoes it."""
    if request.method == "POST":
        return _set_active(request, pk, active=False)
    membership = get_object_or_404(Membership.objects.select_related("user"), pk=pk)
    return render(
        request,
        "core/confirm.html",
        {
            "title": _("End the access of %(name)s?") % {"name": membership.user},
            "context_line": f"{membership.user.email} – {membership.get_role_display()}",
            "explanation": _(
                "They can no longer open this organisation in Thrasos. Nothing they recorded "
                "is deleted, and “Restore access” gives it back."
            ),
            "action": request.path,
            "confirm_label": _("End access"),
            "cancel_url": reverse("organisation_home"),
        },
    )


@gate(permissions.can_administer)
def invitation_create(request):
    form = InvitationForm(request.POST or None)
    if submit(
        request,
        form,
        lambda data: services.invitation_send(
            actor=request.user,
            email=data["email"],
            role=data["role"],
            territories=list(data["territories"]),
            base_url=request.build_absolute_uri("/"),
        ),
    ):
        invitation, _token = form.result
        messages.success(request, _("Invitation sent to %(email)s.") % {"email": invitation.email})
        return redirect("organisation_home")
    return render(
        request, "accounts/invitation_form.html", {"form": form}, status=form_status(form)
    )


@gate(write=permissions.can_administer)
def invitation_revoke(request, pk: int):
    invitation = get_object_or_404(Invitation.objects, pk=pk)
    services.invitation_revoke(actor=request.user, invitation=invitation)
    messages.success(request, _("Invitation withdrawn."))
    return redirect("organisation_home")


@gate(write=permissions.is_member)
def organisation_switch(request):
    form = OrganisationSwitchForm(request.POST)
    if not form.is_valid():
        raise Http404
    wanted = form.cleaned_data["organisation"]
    if not any(m.organisation_id == wanted for m in request.memberships):
        raise Http404
    request.session[SESSION_ORGANISATION] = wanted
    return redirect("home")


def mfa_required(request):
    return render(request, "accounts/mfa_required.html")


@login_not_required
def invitation_accept(request, token: str):
    try:
        organisation_id = services.invitation_organisation_id(token)
        with tenant_context(organisation_id):
            invitation = services.invitation_find(token)
    except services.InvitationError as error:
        return render(
            request, "accounts/invitation_invalid.html", {"error": str(error)}, status=410
        )

    existing_account = services.User.objects.filter(email__iexact=invitation.email).exists()
    form = InvitationAcceptForm(request.POST or None) if not existing_account else None
    if request.method == "POST":
        try:
            with transaction.atomic():
                if existing_account:
                    if not request.user.is_authenticated:
                        raise services.InvitationError(services.LOG_IN_TO_ACCEPT)
                    membership = services.invitation_accept(token=token, user=request.user)
                elif form.is_valid():
                    membership = services.invitation_accept(
                        token=token,
                        first_name=form.cleaned_data["first_name"],
                        last_name=form.cleaned_data["last_name"],
                        password=form.cleaned_data["password1"],
                    )
                    login(request, membership.user, backend=MODEL_BACKEND)
                else:
                    membership = None
        except ValidationError as error:
            add_validation_error(form, error)
        except services.InvitationError as error:
            messages.error(request, str(error))
        else:
            if membership is not None:
                request.session[SESSION_ORGANISATION] = membership.organisation_id
                messages.success(
                    request,
                    _("Welcome to %(organisation)s.") % {"organisation": invitation.organisation},
                )
                return redirect("home")
    return render(
        request,
        "accounts/invitation_accept.html",
        {"invitation": invitation, "form": form, "existing_account": existing_account},
    )
