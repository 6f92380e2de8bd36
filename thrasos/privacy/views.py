"""Pages of the privacy app. Each declares its gate first
(thrasos.core.gates); the person is looked up in the member's scope, 404
alike for missing and not yours."""

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from thrasos import permissions
from thrasos.audit.models import AccessAction
from thrasos.audit.services import access_log_for_request
from thrasos.core.forms import form_status, submit
from thrasos.core.gates import gate
from thrasos.privacy import registry, selectors, services
from thrasos.privacy.forms import AnonymiseForm, InformationNoticeForm, RetentionHoldForm
from thrasos.privacy.models import SubjectAccessExport


def person_get(membership, pk: int):
    """The person in the member's scope (territories for caseworkers)."""
    people = registry.person_model().objects.in_territories(permissions.territory_ids(membership))
    return get_object_or_404(people, pk=pk)


def _case_file(person) -> str:
    return person.get_absolute_url()


@gate(read=permissions.can_view_data_register)
def register(request):
    rows = []
    for declared in registry.declared_models():
        for name, field in declared.fields.items():
            sensitivity = declared.sensitivity(name)
            rows.append(
                {
                    "model": declared.model._meta.verbose_name,
                    "label": declared.label,
                    "field": declared.model._meta.get_field(name).verbose_name,
                    "name": name,
                    "sensitivity": sensitivity.label,
                    "purpose": field.purpose,
                    "readers": [
                        str(permissions.Role(role).label)
                        for role in registry.who_reads(sensitivity)
                    ],
                    "retention": declared.retention,
                    "erase": registry.Erase.LABELS[field.erase],
                    "about_person": declared.person is not None,
                }
            )
    return render(request, "privacy/register.html", {"rows": rows})


@gate(read=permissions.can_export_personal_data)
def person(request, pk: int):
    someone = person_get(request.membership, pk)
    context = {
        "person": someone,
        "notice": selectors.latest_notice(someone),
        "anonymised": selectors.anonymisation_of(someone),
        "exports": selectors.exports_of(someone)[:10],
        "holds": selectors.holds_of(someone),
        "hold_form": RetentionHoldForm(),
        "may_anonymise": permissions.can_anonymise(request.membership),
        "may_hold": permissions.can_manage_retention(request.membership),
    }
    return render(request, "privacy/person.html", context)


@gate(write=permissions.can_record_information_notice)
def notice_add(request, pk: int):
    someone = person_get(request.membership, pk)
    form = InformationNoticeForm(request.POST)
    if submit(
        request,
        form,
        lambda data: services.information_notice_record(
            actor=request.user, person=someone, data=data
        ),
    ):
        messages.success(request, _("The information notice is recorded."))
        return redirect(_case_file(someone))
    return render(
        request,
        "privacy/notice_form.html",
        {"person": someone, "form": form},
        status=form_status(form),
    )


@gate(write=permissions.can_export_personal_data)
def export_request(request, pk: int):
    someone = person_get(request.membership, pk)
    if selectors.anonymisation_of(someone) is not None:
        messages.error(request, _("This person's data has been anonymised: nothing to export."))
        return redirect("privacy:person", pk=someone.pk)
    services.export_request(actor=request.user, person=someone)
    messages.success(
        request, _("The export is being prepared: it will be listed here when it is ready.")
    )
    return redirect("privacy:person", pk=someone.pk)


@gate(read=permissions.can_export_personal_data)
def export_download(request, pk: int, export_pk: int):
    someone = person_get(request.membership, pk)
    export = get_object_or_404(
        SubjectAccessExport.objects.filter(
            person=someone, status=SubjectAccessExport.Status.READY
        ).exclude(file=""),
        pk=export_pk,
    )
    access_log_for_request(request, someone, action=AccessAction.EXPORT, detail="subject access")
    stamp = timezone.localtime(export.requested_at).strftime("%Y-%m-%d")
    response = FileResponse(
        export.file.open("rb"),
        as_attachment=True,
        filename=f"donnees-personnelles-{someone.pk}-{stamp}.zip",
        content_type="application/zip",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@gate(write=permissions.can_manage_retention)
def hold_add(request, pk: int):
    someone = person_get(request.membership, pk)
    form = RetentionHoldForm(request.POST)
    if submit(
        request,
        form,
        lambda data: services.retention_hold_record(actor=request.user, person=someone, data=data),
    ):
        messages.success(request, _("The reason to keep this record is recorded."))
        return redirect("privacy:person", pk=someone.pk)
    return render(
        request,
        "privacy/hold_form.html",
        {"person": someone, "form": form},
        status=form_status(form),
    )


@gate(permissions.can_anonymise)
def anonymise(request, pk: int):
    someone = person_get(request.membership, pk)
    if selectors.anonymisation_of(someone) is not None:
        raise Http404
    form = AnonymiseForm(request.POST or None, person=someone)
    if submit(
        request,
        form,
        lambda data: services.person_anonymise(
            actor=request.user,
            person=someone,
            kind=data["kind"],
            reason=data["reason"],
            requested_on=data.get("requested_on"),
        ),
    ):
        messages.success(request, _("The person's data has been anonymised."))
        return redirect(reverse("privacy:person", args=[someone.pk]))
    return render(
        request,
        "privacy/anonymise.html",
        {"person": someone, "form": form},
        status=form_status(form),
    )


@gate(read=permissions.can_manage_retention)
def retention(request):
    today = timezone.localdate()
    upcoming = list(
        selectors.records_becoming_inactive(selectors.NOTICE_DAYS, today=today)
        .select_related("current_territory")
        .order_by("last_activity", "pk")[:200]
    )
    for someone in upcoming:
        someone.inactive_on = selectors.inactive_on(someone.last_activity)
    return render(
        request,
        "privacy/retention.html",
        {"upcoming": upcoming, "runs": selectors.recent_runs(), "days": selectors.NOTICE_DAYS},
    )
