from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from beneficiaries.selectors import beneficiary_get
from thrasos import permissions
from thrasos.audit.models import AccessAction
from thrasos.audit.services import access_log_records
from thrasos.core.exports import filters_for_log, spreadsheet_safe
from thrasos.core.forms import add_validation_error, form_status, submit
from thrasos.core.gates import gate
from thrasos.core.pagination import keyset_page
from thrasos.reports.exports import Sheet
from thrasos.reports.exports import response as spreadsheet_response

from . import selectors, services
from .forms import (
    AbandonForm,
    BreakForm,
    ContractFilterForm,
    ContractForm,
    DayForm,
    DiplomaLevelForm,
    DirectoryFilterForm,
    EmployerForm,
    FollowUpForm,
    OpcoForm,
    ProjectForm,
    ResultForm,
    SectorForm,
    TrainingOrganisationForm,
)
from .models import AlternanceContract, DiplomaLevel, Opco, Sector

PAGE_SIZE = 50
EXPORT_LIMIT = 20_000


def _back(obj, anchor="placements"):
    return redirect(f"{obj.get_absolute_url()}#{anchor}")


# --- directory


def _cursor_query(request, *, drop: tuple[str, ...]) -> str:
    """The query string without the cursors of the list being paged."""
    query = request.GET.copy()
    for key in drop:
        query.pop(key, None)
    return query.urlencode()


@gate(read=permissions.can_view_placements)
def directory(request):
    """Employers and training organisations, each paged by keyset (name
    order, PAGE_SIZE rows; as fast deep in the list as on its first page)."""
    form = DirectoryFilterForm(request.GET or None)
    employers = selectors.employers_for(request.membership)
    trainings = selectors.training_organisations_for(request.membership)
    data = form.cleaned_data if form.is_valid() else {}
    kind = data.get("kind") or ""
    employers = selectors.apply_partner_filters(employers, data, employers=True)
    trainings = selectors.apply_partner_filters(trainings, data, employers=False)
    show_trainings = kind != "employer" and not data.get("sector")
    pages = {}
    for name, queryset, shown in (
        ("employers", employers, kind != "training"),
        ("trainings", trainings, show_trainings),
    ):
        prefix = "employeurs" if name == "employers" else "organismes"
        pages[name] = (
            keyset_page(
                queryset,
                ordering=("search_text", "id"),
                keys=("search_text", "id"),
                after=request.GET.get(f"{prefix}_apres"),
                before=request.GET.get(f"{prefix}_avant"),
                size=PAGE_SIZE,
            )
            if shown
            else None
        )
        pages[f"{name}_query"] = _cursor_query(request, drop=(f"{prefix}_apres", f"{prefix}_avant"))
    pages["may_edit_referentials"] = permissions.can_administer(request.membership)
    return render(
        request, "placements/directory.html", {"form": form, **pages}, status=form_status(form)
    )


def _partner_form(request, form_class, *, instance=None, create, update, title):
    form = form_class(request.POST or None, instance=instance)
    saved = submit(
        request,
        form,
        lambda data: (update if instance else create)(form),
    )
    if saved is not None:
        messages.success(request, _("Directory entry saved."))
        return redirect(saved)
    return render(
        request,
        "placements/form_page.html",
        {
            "form": form,
            "title": title,
            "back": instance.get_absolute_url() if instance else reverse("placements:index"),
        },
        status=form_status(form),
    )


@gate(permissions.can_manage_placements)
def employer_create(request):
    return _partner_form(
        request,
        EmployerForm,
        create=lambda f: services.employer_create(
            actor=request.user, data=f.partner_data(), contacts=f.contacts()
        ),
        update=None,
        title=_("New employer"),
    )


@gate(permissions.can_manage_placements)
def employer_edit(request, pk: int):
    employer = selectors.employer_get(request.membership, pk)
    return _partner_form(
        request,
        EmployerForm,
        instance=employer,
        create=None,
        update=lambda f: services.employer_update(
            actor=request.user, employer=employer, data=f.partner_data(), contacts=f.contacts()
        ),
        title=employer.name,
    )


@gate(permissions.can_manage_placements)
def training_create(request):
    return _partner_form(
        request,
        TrainingOrganisationForm,
        create=lambda f: services.training_organisation_create(
            actor=request.user, data=f.partner_data(), contacts=f.contacts()
        ),
        update=None,
        title=_("New training organisation"),
    )


@gate(permissions.can_manage_placements)
def training_edit(request, pk: int):
    organisation = selectors.training_organisation_get(request.membership, pk)
    return _partner_form(
        request,
        TrainingOrganisationForm,
        instance=organisation,
        create=None,
        update=lambda f: services.training_organisation_update(
            actor=request.user,
            training_organisation=organisation,
            data=f.partner_data(),
            contacts=f.contacts(),
        ),
        title=organisation.name,
    )


@gate(read=permissions.can_view_placements)
def employer_detail(request, pk: int):
    employer = selectors.employer_get(request.membership, pk)
    return render(
        request,
        "placements/partner_detail.html",
        {
            "partner": employer,
            "is_employer": True,
            "contacts": list(employer.contacts.all()),
            **selectors.partner_links(request.membership, employer),
        },
    )


@gate(read=permissions.can_view_placements)
def training_detail(request, pk: int):
    organisation = selectors.training_organisation_get(request.membership, pk)
    return render(
        request,
        "placements/partner_detail.html",
        {
            "partner": organisation,
            "is_employer": False,
            "contacts": list(organisation.contacts.all()),
            **selectors.partner_links(request.membership, organisation),
        },
    )


# --- contracts list and export


def _filtered_contracts(request):
    territory_ids = permissions.territory_ids(request.membership)
    form = ContractFilterForm(request.GET or None, territory_ids=territory_ids)
    queryset = selectors.contracts_for(request.membership)
    if form.is_valid():
        queryset = selectors.apply_contract_filters(queryset, form.cleaned_data)
    return form, queryset.select_related("beneficiary__current_territory")


@gate(read=permissions.can_view_placements)
def contract_list(request):
    """Ordered by end date (what ends first), paged by keyset."""
    form, queryset = _filtered_contracts(request)
    # The page of contracts first (index on organisation, end date, id), then
    # the people, partners and territories of those rows.
    queryset = selectors.contract_list_rows(queryset)
    page = (
        keyset_page(
            queryset,
            ordering=("end_date", "id"),
            keys=("end_date", "id"),
            after=request.GET.get("apres"),
            before=request.GET.get("avant"),
            size=PAGE_SIZE,
        )
        if not form.errors
        else None
    )
    if page:
        selectors.label_contract_rows(request.membership, page.rows)
    return render(
        request,
        "placements/contracts.html",
        {
            "form": form,
            "page": page,
            "contracts": page.rows if page else [],
            "query": _cursor_query(request, drop=("apres", "avant")),
            "today": timezone.localdate(),
        },
        status=form_status(form),
    )


EXPORT_FIELDS = [
    "beneficiary",
    "kind",
    "status",
    "employer",
    "training_organisation",
    "diploma_title",
    "rncp_code",
    "opco",
    "signed_on",
    "start_date",
    "end_date",
    "trial_period_end",
    "exam_date",
    "work_city",
    "work_departement",
    "tutor_name",
    "weekly_hours",
    "gross_monthly_pay",
    "broken_on",
    "broken_by",
    "break_reason",
    "completed_on",
    "diploma_result",
]


def _export_value(contract, field: str):
    value = getattr(contract, field)
    if field in ("kind", "status", "broken_by", "diploma_result"):
        return getattr(contract, f"get_{field}_display")() if value else ""
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    if value is None:
        return ""
    return str(value)


@gate(read=permissions.can_export_placements)
def contract_export(request, kind: str = "csv"):
    """The filtered contracts as CSV or XLSX, with the fields the role may
    read; each person exported gets an access-log row."""
    form, queryset = _filtered_contracts(request)
    if form.errors:
        messages.error(request, _("The filters are not valid: correct them, then export."))
        return redirect(f"{reverse('placements:contracts')}?{request.GET.urlencode()}")
    rows = list(queryset.order_by("end_date", "id")[: EXPORT_LIMIT + 1])
    if len(rows) > EXPORT_LIMIT:
        messages.error(request, _("Too many contracts match: narrow the filters before exporting."))
        return redirect(f"{reverse('placements:contracts')}?{request.GET.urlencode()}")
    readable = set(
        permissions.readable_fields(request.membership.role, AlternanceContract.FIELD_SENSITIVITY)
    )
    fields = [f for f in EXPORT_FIELDS if f in readable]
    sheet = Sheet(
        str(_("Contracts")),
        [str(AlternanceContract._meta.get_field(f).verbose_name).capitalize() for f in fields],
        [[spreadsheet_safe(_export_value(contract, f)) for f in fields] for contract in rows],
    )
    access_log_records(
        actor=request.user,
        objects=[c.beneficiary for c in rows],
        action=AccessAction.EXPORT,
        detail=f"contracts {kind} {filters_for_log(request.GET)}"[:255],
        request_id=getattr(request, "request_id", ""),
    )
    stamp = timezone.localdate().strftime("%Y-%m-%d")
    return spreadsheet_response([sheet], kind, f"contrats-{stamp}")


# --- case-file actions (forms shown in the case file's section)


def _form_page(request, form, beneficiary, title):
    return render(
        request,
        "placements/form_page.html",
        {"form": form, "title": title, "b": beneficiary, "back": beneficiary.get_absolute_url()},
        status=form_status(form) if form.is_bound else 200,
    )


@gate(permissions.can_manage_placements)
def project_create(request, pk: int):
    beneficiary = beneficiary_get(request.membership, pk)
    form = ProjectForm(request.POST or None)
    project = submit(
        request,
        form,
        lambda data: services.project_create(
            actor=request.user, beneficiary=beneficiary, data=data
        ),
    )
    if project is not None:
        if project.only_ile_de_france:
            messages.warning(
                request,
                _(
                    "The project targets only Île-de-France: the programme places people in "
                    "regions outside it."
                ),
            )
        messages.success(request, _("Professional project recorded."))
        return _back(beneficiary)
    return _form_page(request, form, beneficiary, _("Professional project"))


@gate(permissions.can_manage_placements)
def project_edit(request, pk: int):
    project = selectors.project_get(request.membership, pk)
    form = ProjectForm(request.POST or None, instance=project)
    saved = submit(
        request,
        form,
        lambda data: services.project_update(actor=request.user, project=project, data=data),
    )
    if saved is not None:
        messages.success(request, _("Professional project saved."))
        return _back(project.beneficiary)
    return _form_page(request, form, project.beneficiary, _("Professional project"))


def _action(request, form, obj_beneficiary, title, run, done):
    """A POST action from the case file: back to it when it worked, the form
    with its errors otherwise (400, values kept)."""
    if form.is_valid():
        try:
            run(form.cleaned_data)
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, done)
            return _back(obj_beneficiary)
    return render(
        request,
        "placements/form_page.html",
        {
            "form": form,
            "title": title,
            "b": obj_beneficiary,
            "back": obj_beneficiary.get_absolute_url(),
        },
        status=400,
    )


@gate(write=permissions.can_manage_placements)
def project_validate(request, pk: int):
    project = selectors.project_get(request.membership, pk)
    return _action(
        request,
        DayForm(request.POST),
        project.beneficiary,
        _("Validate the project"),
        lambda d: services.project_validate(actor=request.user, project=project, on=d["on"]),
        _("Project validated."),
    )


@gate(write=permissions.can_manage_placements)
def project_abandon(request, pk: int):
    project = selectors.project_get(request.membership, pk)
    return _action(
        request,
        AbandonForm(request.POST),
        project.beneficiary,
        _("Abandon the project"),
        lambda d: services.project_abandon(
            actor=request.user, project=project, on=d["on"], comment=d["comment"]
        ),
        _("Project abandoned."),
    )


@gate(permissions.can_manage_placements)
def contract_create(request, pk: int):
    beneficiary = beneficiary_get(request.membership, pk)
    form = ContractForm(request.POST or None)
    contract = submit(
        request,
        form,
        lambda data: services.contract_sign(actor=request.user, beneficiary=beneficiary, data=data),
    )
    if contract is not None:
        messages.success(request, _("Contract recorded: the person is now in work-study."))
        return _back(beneficiary)
    return _form_page(request, form, beneficiary, _("Alternance contract"))


@gate(permissions.can_manage_placements)
def contract_edit(request, pk: int):
    contract = selectors.contract_get(request.membership, pk)
    form = ContractForm(request.POST or None, instance=contract)
    saved = submit(
        request,
        form,
        lambda data: services.contract_update(actor=request.user, contract=contract, data=data),
    )
    if saved is not None:
        messages.success(request, _("Contract saved."))
        return _back(contract.beneficiary)
    return _form_page(request, form, contract.beneficiary, _("Alternance contract"))


@gate(write=permissions.can_manage_placements)
def contract_start(request, pk: int):
    contract = selectors.contract_get(request.membership, pk)
    return _action(
        request,
        DayForm({"on": timezone.localdate()}),
        contract.beneficiary,
        _("Start the contract"),
        lambda d: services.contract_start(actor=request.user, contract=contract),
        _("Contract in progress."),
    )


@gate(write=permissions.can_manage_placements)
def contract_break(request, pk: int):
    contract = selectors.contract_get(request.membership, pk)
    return _action(
        request,
        BreakForm(request.POST),
        contract.beneficiary,
        _("Break the contract"),
        lambda d: services.contract_break(
            actor=request.user,
            contract=contract,
            on=d["on"],
            broken_by=d["broken_by"],
            reason=d["reason"],
            withdraw=d["withdraw"],
            withdrawal_reason=d["withdrawal_reason"],
        ),
        _("Break recorded."),
    )


@gate(write=permissions.can_manage_placements)
def contract_complete(request, pk: int):
    contract = selectors.contract_get(request.membership, pk)
    return _action(
        request,
        DayForm(request.POST),
        contract.beneficiary,
        _("Complete the contract"),
        lambda d: services.contract_complete(actor=request.user, contract=contract, on=d["on"]),
        _("Contract completed."),
    )


@gate(write=permissions.can_manage_placements)
def contract_result(request, pk: int):
    contract = selectors.contract_get(request.membership, pk)
    return _action(
        request,
        ResultForm(request.POST),
        contract.beneficiary,
        _("Diploma result"),
        lambda d: services.contract_record_result(
            actor=request.user, contract=contract, result=d["result"], exam_date=d["exam_date"]
        ),
        _("Diploma result recorded."),
    )


@gate(permissions.can_manage_placements)
def follow_up_record(request, pk: int):
    follow_up = selectors.follow_up_get(request.membership, pk)
    # Not recorded yet: the housing situation known since the exit (the exit
    # situation, which the end of the programme's housing updates with its
    # destination) is proposed, to confirm or change.
    initial = {} if follow_up.is_done else {"housing": follow_up.beneficiary.exit_housing}
    form = FollowUpForm(request.POST or None, instance=follow_up, initial=initial)
    saved = submit(
        request,
        form,
        lambda data: services.follow_up_record(actor=request.user, follow_up=follow_up, data=data),
    )
    if saved is not None:
        messages.success(request, _("Follow-up recorded."))
        return _back(follow_up.beneficiary)
    return _form_page(request, form, follow_up.beneficiary, _("Follow-up after exit"))


# --- referentials (the organisation's administrators)

# URL word → (model, form, French title of a new entry or None: no new entry).
REFERENTIALS = {
    "secteurs": (Sector, SectorForm, _("New sector")),
    "niveaux": (DiplomaLevel, DiplomaLevelForm, None),
    "opco": (Opco, OpcoForm, _("New OPCO")),
}


@gate(read=permissions.can_administer)
def referentials(request):
    """Sectors in tension, diploma levels and OPCOs of the organisation."""
    return render(
        request,
        "placements/referentials.html",
        {
            "sectors": list(Sector.objects.order_by("position", "name")),
            "levels": list(DiplomaLevel.objects.order_by("level")),
            "opcos": list(Opco.objects.order_by("name")),
        },
    )


def _referential_form(request, kind: str, instance):
    model, form_class, new_title = REFERENTIALS[kind]
    form = form_class(request.POST or None, instance=instance)
    saved = submit(
        request,
        form,
        lambda data: services.referential_save(
            actor=request.user, instance=instance or model(), data=data
        ),
    )
    if saved is not None:
        messages.success(request, _("Referential saved."))
        return redirect("placements:referentials")
    return render(
        request,
        "placements/form_page.html",
        {
            "form": form,
            "title": str(instance) if instance else new_title,
            "back": reverse("placements:referentials"),
        },
        status=form_status(form),
    )


@gate(permissions.can_administer)
def sector_create(request):
    return _referential_form(request, "secteurs", None)


@gate(permissions.can_administer)
def sector_edit(request, pk: int):
    return _referential_form(request, "secteurs", get_object_or_404(Sector.objects, pk=pk))


@gate(permissions.can_administer)
def diploma_level_edit(request, pk: int):
    return _referential_form(request, "niveaux", get_object_or_404(DiplomaLevel.objects, pk=pk))


@gate(permissions.can_administer)
def opco_create(request):
    return _referential_form(request, "opco", None)


@gate(permissions.can_administer)
def opco_edit(request, pk: int):
    return _referential_form(request, "opco", get_object_or_404(Opco.objects, pk=pk))
