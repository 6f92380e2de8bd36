from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from beneficiaries import extensions, selectors, services
from beneficiaries.forms import (
    BeneficiaryCreateForm,
    BeneficiaryForm,
    CaseNoteForm,
    DocumentForm,
    LanguageAssessmentForm,
    ListFilterForm,
    MoveForm,
    PrerequisitesForm,
    TransitionForm,
)
from beneficiaries.models import (
    Beneficiary,
    BeneficiaryReferent,
    Document,
    PrerequisiteCheck,
    PrerequisiteItem,
)
from thrasos import permissions
from thrasos.audit.models import AccessAction
from thrasos.audit.services import access_log_for_request, access_log_records
from thrasos.core.exports import spreadsheet_safe
from thrasos.core.forms import add_validation_error, form_status, submit
from thrasos.core.gates import gate
from thrasos.reports.exports import Sheet
from thrasos.reports.exports import response as spreadsheet_response


@gate(read=permissions.can_open_case_files)
def beneficiary_list(request):
    queryset = selectors.beneficiaries_for(request.membership)
    territory_ids = permissions.territory_ids(request.membership)
    form = ListFilterForm(request.GET or None, territory_ids=territory_ids)
    sort = "name"
    if form.is_valid():
        queryset = selectors.apply_filters(queryset, form.cleaned_data)
        sort = form.cleaned_data["sort"] or "name"
    page = selectors.paginate(
        queryset.select_related("current_territory"),
        sort=sort,
        after=request.GET.get("apres"),
        before=request.GET.get("avant"),
    )
    query = request.GET.copy()
    query.pop("apres", None)
    query.pop("avant", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    template = (
        "beneficiaries/includes/_results.html"
        if request.headers.get("HX-Request")
        else "beneficiaries/list.html"
    )
    return render(request, template, context)


EXPORT_LIMIT = 5000
# Minimisation: what a follow-up list needs, filtered again by the role's
# field policy (thrasos.permissions).
EXPORT_FIELDS = [
    "last_name",
    "first_name",
    "usual_name",
    "sex",
    "birth_date",
    "nationality",
    "preferred_language",
    "phone",
    "email",
    "current_territory",
    "state",
    "state_changed_at",
    "referral_date",
    "referring_organisation",
]


def _export_value(beneficiary, field: str) -> str:
    value = getattr(beneficiary, field)
    if value is None or value == "":
        return ""
    if field in ("sex", "state", "preferred_language"):
        return str(getattr(beneficiary, f"get_{field}_display")())
    if field == "nationality":
        return str(value.name)
    if field == "state_changed_at":
        return timezone.localtime(value).strftime("%d/%m/%Y")
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    return str(value)


@gate(read=permissions.can_export_case_files)
def beneficiary_export(request, kind: str = "csv"):
    """The filtered list as CSV (semicolons, UTF-8 with BOM: opens as is in
    French spreadsheets) or XLSX. Each exported person gets an access-log row."""
    queryset = selectors.beneficiaries_for(request.membership)
    form = ListFilterForm(
        request.GET or None, territory_ids=permissions.territory_ids(request.membership)
    )
    if request.GET and not form.is_valid():
        messages.error(request, _("The filters are not valid: correct them, then export."))
        return redirect(f"{reverse('beneficiaries:index')}?{request.GET.urlencode()}")
    if form.is_bound:
        queryset = selectors.apply_filters(queryset, form.cleaned_data)
    rows = list(
        queryset.select_related("current_territory", "referring_organisation").order_by(
            "search_last_first", "id"
        )[: EXPORT_LIMIT + 1]
    )
    if len(rows) > EXPORT_LIMIT:
        messages.error(
            request,
            _("More than %(limit)s case files match: narrow the filters before exporting.")
            % {"limit": f"{EXPORT_LIMIT:,}".replace(",", " ")},
        )
        return redirect(f"{reverse('beneficiaries:index')}?{request.GET.urlencode()}")
    readable = set(
        permissions.readable_fields(request.membership.role, Beneficiary.FIELD_SENSITIVITY)
    )
    fields = [f for f in EXPORT_FIELDS if f in readable]
    sheet = Sheet(
        str(_("Case files")),
        [str(Beneficiary._meta.get_field(f).verbose_name).capitalize() for f in fields],
        [[spreadsheet_safe(_export_value(b, f)) for f in fields] for b in rows],
    )
    access_log_records(
        actor=request.user,
        objects=rows,
        action=AccessAction.EXPORT,
        detail=f"{kind} {request.GET.urlencode()}"[:255],
        request_id=getattr(request, "request_id", ""),
    )
    stamp = timezone.localdate().strftime("%Y-%m-%d")
    return spreadsheet_response([sheet], kind, f"beneficiaires-{stamp}")


@gate(permissions.can_edit_case_files)
def beneficiary_create(request):
    territory_ids = permissions.territory_ids(request.membership)
    form = BeneficiaryCreateForm(request.POST or None, territory_ids=territory_ids)
    duplicates = []
    if request.method == "POST" and form.is_valid():
        data = {
            k: v
            for k, v in form.cleaned_data.items()
            if k not in {"referents", "confirm_not_duplicate"}
        }
        try:
            beneficiary = services.beneficiary_create(
                actor=request.user,
                data=data,
                referents=list(form.cleaned_data["referents"]),
                allow_duplicate=form.cleaned_data["confirm_not_duplicate"],
            )
        except ValidationError as error:
            if getattr(error, "code", None) == "duplicate":
                duplicates = list(
                    services.possible_duplicates(
                        last_name=data["last_name"],
                        first_name=data["first_name"],
                        birth_date=data["birth_date"],
                    ).select_related("current_territory")
                )
            add_validation_error(form, error)
        else:
            messages.success(request, _("Case file created."))
            return redirect(beneficiary)
    return render(request, "beneficiaries/create.html", {"form": form, "duplicates": duplicates})


def _prerequisites_form(beneficiary, data=None):
    checks = {c.item_id: c for c in PrerequisiteCheck.objects.filter(beneficiary=beneficiary)}
    return PrerequisitesForm(
        data, items=PrerequisiteItem.objects.filter(is_active=True), checks=checks
    )


@gate(read=permissions.can_open_case_files)
def beneficiary_detail(request, pk: int):
    beneficiary = selectors.beneficiary_get(request.membership, pk)
    access_log_for_request(request, beneficiary)
    return render(
        request,
        "beneficiaries/detail.html",
        {
            "prerequisites_form": _prerequisites_form(beneficiary),
            "documents": beneficiary.documents.filter(replaced_by=None).select_related(
                "uploaded_by"
            ),
            "document_form": DocumentForm(),
            "assessments": beneficiary.assessments.all(),
            "assessment_form": LanguageAssessmentForm(),
            "b": beneficiary,
            "referents": BeneficiaryReferent.objects.filter(beneficiary=beneficiary).select_related(
                "membership__user"
            ),
            "timeline": selectors.timeline(beneficiary, request.membership),
            "sections": extensions.case_file_sections(beneficiary, request.membership),
            "transition_form": TransitionForm(beneficiary=beneficiary),
            "note_form": CaseNoteForm(),
            "move_form": MoveForm(territory_ids=permissions.territory_ids(request.membership)),
        },
    )


@gate(permissions.can_edit_case_files)
def beneficiary_edit(request, pk: int):
    beneficiary = selectors.beneficiary_get(request.membership, pk)
    form = BeneficiaryForm(request.POST or None, instance=beneficiary)
    if submit(
        request,
        form,
        lambda data: services.beneficiary_update(
            actor=request.user, beneficiary=beneficiary, data=data
        ),
    ):
        messages.success(request, _("Case file saved."))
        return redirect(beneficiary)
    return render(
        request,
        "beneficiaries/form_page.html",
        {"form": form, "b": beneficiary},
        status=form_status(form),
    )


@gate(write=permissions.can_edit_case_files)
def beneficiary_transition(request, pk: int):
    beneficiary = selectors.beneficiary_get(request.membership, pk)
    form = TransitionForm(request.POST, beneficiary=beneficiary)
    if submit(
        request,
        form,
        lambda data: services.beneficiary_transition(
            actor=request.user, beneficiary=beneficiary, request=form.transition_request()
        ),
    ):
        messages.success(request, _("Pathway updated."))
        return redirect(beneficiary)
    return render(
        request, "beneficiaries/form_page.html", {"form": form, "b": beneficiary}, status=400
    )


@gate(write=permissions.can_edit_case_files)
def case_note_add(request, pk: int):
    beneficiary = selectors.beneficiary_get(request.membership, pk)
    form = CaseNoteForm(request.POST)
    if form.is_valid():
        services.case_note_add(actor=request.user, beneficiary=beneficiary, **form.cleaned_data)
        messages.success(request, _("Note added."))
        return redirect(beneficiary)
    return render(
        request, "beneficiaries/form_page.html", {"form": form, "b": beneficiary}, status=400
    )


@gate(write=permissions.can_edit_case_files)
def beneficiary_move(request, pk: int):
    beneficiary = selectors.beneficiary_get(request.membership, pk)
    form = MoveForm(request.POST, territory_ids=permissions.territory_ids(request.membership))
    if submit(
        request,
        form,
        lambda data: services.beneficiary_move(
            actor=request.user,
            beneficiary=beneficiary,
            territory=data["territory"],
            moved_on=data["moved_on"],
        ),
    ):
        messages.success(request, _("Territory changed."))
        return redirect(beneficiary)
    return render(
        request, "beneficiaries/form_page.html", {"form": form, "b": beneficiary}, status=400
    )


@gate(write=permissions.can_edit_case_files)
def prerequisites_update(request, pk: int):
    beneficiary = selectors.beneficiary_get(request.membership, pk)
    form = _prerequisites_form(beneficiary, request.POST)
    if form.is_valid():
        services.prerequisites_set(
            actor=request.user, beneficiary=beneficiary, values=form.values()
        )
        messages.success(request, _("Prerequisites saved."))
        return redirect(beneficiary)
    return render(
        request, "beneficiaries/form_page.html", {"form": form, "b": beneficiary}, status=400
    )


@gate(write=permissions.can_edit_case_files)
def assessment_add(request, pk: int):
    beneficiary = selectors.beneficiary_get(request.membership, pk)
    form = LanguageAssessmentForm(request.POST)
    if submit(
        request,
        form,
        lambda data: services.language_assessment_add(
            actor=request.user, beneficiary=beneficiary, data=data
        ),
    ):
        messages.success(request, _("Assessment recorded."))
        return redirect(beneficiary)
    return render(
        request, "beneficiaries/form_page.html", {"form": form, "b": beneficiary}, status=400
    )


@gate(write=permissions.can_edit_case_files)
def document_upload(request, pk: int):
    beneficiary = selectors.beneficiary_get(request.membership, pk)
    form = DocumentForm(request.POST, request.FILES)
    replaces = None
    if request.POST.get("replaces"):
        replaces = get_object_or_404(
            Document.objects.filter(beneficiary=beneficiary), pk=request.POST["replaces"]
        )
    if submit(
        request,
        form,
        lambda data: services.document_add(
            actor=request.user,
            beneficiary=beneficiary,
            kind=data["kind"],
            uploaded=data["file"],
            expires_on=data["expires_on"],
            replaces=replaces,
        ),
    ):
        messages.success(request, _("Document added."))
        return redirect(beneficiary)
    return render(
        request, "beneficiaries/form_page.html", {"form": form, "b": beneficiary}, status=400
    )


@gate(read=permissions.can_open_case_files)
def document_download(request, pk: int, document_pk: int):
    beneficiary = selectors.beneficiary_get(request.membership, pk)
    document = get_object_or_404(Document.objects.filter(beneficiary=beneficiary), pk=document_pk)
    access_log_for_request(request, document, action=AccessAction.DOWNLOAD)
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.download_name,
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
