"""The notification centre: a member's own notifications (others' answer
404), their e-mail preferences, and the organisation's automations (admins)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from thrasos import permissions
from thrasos.core.gates import gate
from thrasos.notifications import registry, selectors, services
from thrasos.notifications.forms import OptionsForm, PreferencesForm
from thrasos.notifications.models import OrganisationOption


def _positive_int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 19 else None


@gate(read=permissions.is_member)
def index(request):
    unread = request.GET.get("etat") == "non-lues"
    kind = request.GET.get("type", "")
    if registry.get_kind(kind) is None:
        kind = ""
    groups, next_before = selectors.inbox(
        request.membership,
        unread=unread,
        kind=kind,
        before=_positive_int(request.GET.get("avant")),
    )
    context = {
        "groups": groups,
        "next_before": next_before,
        "unread": unread,
        "kind": kind,
        "kinds": registry.kinds(),
        "unread_total": selectors.unread_count(request.membership),
    }
    return render(request, "notifications/index.html", context)


@gate(read=permissions.is_member)
def open_notification(request, pk: int):
    """Follow a notification's link (from the centre or an e-mail): it is read."""
    notification = selectors.notification_get(request.membership, pk)
    services.notification_mark_read(membership=request.membership, notification=notification)
    if not url_has_allowed_host_and_scheme(notification.link, allowed_hosts=None):
        return redirect("notifications:index")
    return redirect(notification.link)


@gate(write=permissions.is_member)
def mark_read(request, pk: int):
    notification = selectors.notification_get(request.membership, pk)
    services.notification_mark_read(membership=request.membership, notification=notification)
    return redirect(_back(request))


@gate(write=permissions.is_member)
def mark_all_read(request):
    count = services.notifications_mark_all_read(membership=request.membership)
    messages.success(request, _("%(count)s notifications marked as read.") % {"count": count})
    return redirect(_back(request))


def _back(request) -> str:
    target = request.POST.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}
    ):
        return target
    return "notifications:index"


@gate(permissions.is_member)
def preferences(request):
    data = request.POST if request.method == "POST" else None
    form = PreferencesForm(data, channels=selectors.channels(request.membership))
    if request.method == "POST" and form.is_valid():
        services.preferences_set(membership=request.membership, channels=form.cleaned_data)
        messages.success(request, _("Your e-mail preferences are saved."))
        return redirect("notifications:preferences")
    return render(
        request,
        "notifications/preferences.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@gate(permissions.can_administer)
def options(request):
    enabled = set(OrganisationOption.objects.filter(enabled=True).values_list("key", flat=True))
    form = OptionsForm(request.POST if request.method == "POST" else None, enabled=enabled)
    if request.method == "POST" and form.is_valid():
        for key, value in form.cleaned_data.items():
            if value != (key in enabled):
                services.option_set(actor=request.user, key=key, enabled=value)
        messages.success(request, _("The automations are saved."))
        return redirect("notifications:options")
    return render(request, "notifications/options.html", {"form": form})
