from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

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
    BeneficiaryReferent,
    Document,
    PrerequisiteCheck,
    PrerequisiteItem,
)
from thrasos import permissions
from thrasos.audit.models import AccessAction
from thrasos.audit.services import access_log_for_request
from thrasos.core.forms import add_validation_error


def beneficiary_list(request):
    queryset = selectors.beneficiaries_for(request.membership)
    territory_ids = permissions.territory_ids(request.membership)
    form = ListFilterForm(request.GET or None, territory_ids=territory_ids)
    sort = "name"
    if form.is_valid():
        data = form.cleaned_data
        queryset = queryset.search(data["q"])
        if data["state"]:
            queryset = queryset.filter(state=data["state"])
        if data["territory"]:
            queryset = queryset.filter(current_territory=data["territory"])
        if data["referent"]:
            queryset = queryset.filter(
                pk__in=BeneficiaryReferent.objects.filter(membership=data["referent"]).values(
                    "beneficiary_id"
                )
            )
        sort = data["sort"] or "name"
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


def beneficiary_create(request):
    selectors.beneficiaries_for(request.membership)  # 404 for roles without case files
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


def beneficiary_edit(request, pk: int):
    beneficiary = selectors.beneficiary_get(request.membership, pk)
    form = BeneficiaryForm(request.POST or None, instance=beneficiary)
    if request.method == "POST" and form.is_valid():
        try:
            services.beneficiary_update(
                actor=request.user, beneficiary=beneficiary, data=form.cleaned_data
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, _("Case file saved."))
            return redirect(beneficiary)
    return render(request, "beneficiaries/form_page.html", {"form": form, "b": beneficiary})


@require_POST
def beneficiary_transition(request, pk: int):
    beneficiary = selectors.beneficiary_get(request.membership, pk)
    form = TransitionForm(request.POST, beneficiary=beneficiary)
    if form.is_valid():
        try:
            services.beneficiary_transition(
                actor=request.user, beneficiary=beneficiary, request=form.transition_request()
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, _("Pathway updated."))
            return redirect(beneficiary)
    return render(
        request, "beneficiaries/form_page.html", {"form": form, "b": beneficiary}, status=400
    )


@require_POST
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


@require_POST
def beneficiary_move(request, pk: int):
    beneficiary = selectors.beneficiary_get(request.membership, pk)
    form = MoveForm(request.POST, territory_ids=permissions.territory_ids(request.membership))
    if form.is_valid():
        try:
            services.beneficiary_move(
                actor=request.user,
                beneficiary=beneficiary,
                territory=form.cleaned_data["territory"],
                moved_on=form.cleaned_data["moved_on"],
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, _("Territory changed."))
            return redirect(beneficiary)
    return render(
        request, "beneficiaries/form_page.html", {"form": form, "b": beneficiary}, status=400
    )


@require_POST
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


@require_POST
def assessment_add(request, pk: int):
    beneficiary = selectors.beneficiary_get(request.membership, pk)
    form = LanguageAssessmentForm(request.POST)
    if form.is_valid():
        try:
            services.language_assessment_add(
                actor=request.user, beneficiary=beneficiary, data=form.cleaned_data
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, _("Assessment recorded."))
            return redirect(beneficiary)
    return render(
        request, "beneficiaries/form_page.html", {"form": form, "b": beneficiary}, status=400
    )


@require_POST
def document_upload(request, pk: int):
    beneficiary = selectors.beneficiary_get(request.membership, pk)
    form = DocumentForm(request.POST, request.FILES)
    replaces = None
    if request.POST.get("replaces"):
        replaces = get_object_or_404(
            Document.objects.filter(beneficiary=beneficiary), pk=request.POST["replaces"]
        )
    if form.is_valid():
        try:
            services.document_add(
                actor=request.user,
                beneficiary=beneficiary,
                kind=form.cleaned_data["kind"],
                uploaded=form.cleaned_data["file"],
                expires_on=form.cleaned_data["expires_on"],
                replaces=replaces,
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, _("Document added."))
            return redirect(beneficiary)
    return render(
        request, "beneficiaries/form_page.html", {"form": form, "b": beneficiary}, status=400
    )


def document_download(request, pk: int, document_pk: int):
    beneficiary = selectors.beneficiary_get(request.membership, pk)
    document = get_object_or_404(Document.objects.filter(beneficiary=beneficiary), pk=document_pk)
    access_log_for_request(request, document, action=AccessAction.DOWNLOAD)
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
