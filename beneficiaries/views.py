from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from beneficiaries import extensions, pathway, selectors, services
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
from beneficiaries.models import Beneficiary, BeneficiaryReferent, Document, PrerequisiteCheck
from thrasos import permissions
from thrasos.accounts.models import Role
from thrasos.audit.models import AccessAction
from thrasos.audit.services import access_log_for_request, access_log_records
from thrasos.core.exports import filters_for_log, spreadsheet_safe
from thrasos.core.forms import add_validation_error, form_status, submit
from thrasos.core.gates import gate
from thrasos.core.pdf import render_pdf
from thrasos.permissions import Sensitivity
from thrasos.reports.exports import Sheet
from thrasos.reports.exports import response as spreadsheet_response


@gate(read=permissions.can_open_case_files)
def beneficiary_list(request):
    membership = request.membership
    everyone = selectors.beneficiaries_for(membership)
    queryset, parts, count_parts = everyone, (), ()
    form = ListFilterForm(
        request.GET or None,
        territory_ids=permissions.territory_ids(membership),
        mine_by_default=membership.role == Role.CASEWORKER,
    )
    sort, files, search = "name", "all", ""
    if form.is_valid():
        queryset = selectors.apply_filters(everyone, form.cleaned_data, membership)
        parts = selectors.fuzzy_parts(everyone, form.cleaned_data, membership)
        count_parts = selectors.fuzzy_parts(everyone, form.cleaned_data, membership, counting=True)
        sort, files = form.cleaned_data["sort"] or "name", form.cleaned_data["files"]
        search = form.cleaned_data["q"] or ""
    elif not form.is_bound and form.mine_by_default:
        files = "mine"
        queryset = selectors.apply_filters(everyone, {"files": files}, membership)
    page = selectors.paginate(
        selectors.list_rows(queryset),
        sort=sort,
        after=request.GET.get("apres"),
        before=request.GET.get("avant"),
        search=search,
        parts=tuple(selectors.list_rows(part) for part in parts),
    )
    selectors.label_rows(page.rows)
    if not request.headers.get("HX-Request"):
        form.load_options()
    query = request.GET.copy()
    query.pop("apres", None)
    query.pop("avant", None)
    if not form.is_bound:
        query["files"] = files  # the export and the other links keep the default
    # The column headers sort; the same header again reverses the order.
    unsorted = query.copy()
    unsorted.pop("sort", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "unsorted": unsorted.urlencode(),
        "sort": sort,
        "files": files,
        # Every match on this one page (the first: no cursor asked, none
        # before or after it): the count is the rows', without the bounded
        # COUNT's query. A cursor that leads nowhere (stale, edited) counts.
        "count": len(page.rows)
        if not request.GET.get("apres")
        and not request.GET.get("avant")
        and page.previous_cursor is None
        and page.next_cursor is None
        else selectors.count_up_to(queryset, parts=count_parts),
        "count_limit": selectors.COUNT_LIMIT,
        "count_limit_text": f"{selectors.COUNT_LIMIT:,}".replace(",", "\xa0"),
    }
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
        request.GET or None,
        territory_ids=permissions.territory_ids(request.membership),
    )
    if request.GET and not form.is_valid():
        messages.error(request, _("The filters are not valid: correct them, then export."))
        return redirect(f"{reverse('beneficiaries:index')}?{request.GET.urlencode()}")
    if form.is_bound:
        queryset = selectors.apply_filters(queryset, form.cleaned_data, request.membership)
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
        detail=f"{kind} {filters_for_log(request.GET)}"[:255],
        request_id=getattr(request, "request_id", ""),
    )
    stamp = timezone.localdate().strftime("%Y-%m-%d")
    return spreadsheet_response([sheet], kind, f"beneficiaires-{stamp}")


@gate(permissions.can_edit_case_files)
def beneficiary_create(request):
    territory_ids = permissions.territory_ids(request.membership)
    initial = {}
    if request.membership.role == Role.CASEWORKER:
        # The caseworker who opens a file usually follows the person.
        initial["referents"] = [request.membership.pk]
    if territory_ids is not None and len(territory_ids) == 1:
        initial["current_territory"] = next(iter(territory_ids))
    form = BeneficiaryCreateForm(request.POST or None, territory_ids=territory_ids, initial=initial)
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
            messages.success(
                request,
                _(
                    "Case file created. Complete the rest (protection, contact, "
                    "administrative situation) with “Edit” when you know it."
                ),
            )
            return redirect(beneficiary)
    return render(request, "beneficiaries/create.html", {"form": form, "duplicates": duplicates})


# The case file's panels: the anchor each save returns to (without
# JavaScript, a redirect to it; with htmx, the panel swapped in place).
PANELS = {
    "summary": "resume",
    "pathway": "parcours",
    "checklist": "prerequis",
    "documents": "documents",
    "notes": "notes",
}


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _stepper(beneficiary, transitions) -> dict:
    """The pathway as the header shows it: the main line with each stage
    done, current or to come, what comes next, and a side exit if any."""
    reached = {t.to_state for t in transitions} | {beneficiary.state}
    current = beneficiary.state
    steps = []
    for state in pathway.MAIN_LINE:
        if state == current:
            status = "current"
        elif state in reached:
            status = "done"
        else:
            status = "todo"
        steps.append({"state": state, "label": pathway.State(state).label, "status": status})
    following = [
        s for s in pathway.allowed_targets(current) if s in pathway.MAIN_LINE and s not in reached
    ]
    next_state = following[0] if following else None
    return {
        "steps": steps,
        "position": pathway.MAIN_LINE.index(current) + 1 if current in pathway.MAIN_LINE else None,
        "total": len(pathway.MAIN_LINE),
        "side_exit": current in (pathway.State.NOT_ADMITTED, pathway.State.WITHDRAWN),
        "next": pathway.State(next_state).label if next_state else None,
        "next_state": next_state,
        "next_hint": pathway.NEXT_STEP_HINTS.get(next_state, "") if next_state else "",
    }


def _case_file_context(request, beneficiary, *, bound=None, saved=None, invalid=None) -> dict:
    """Everything the case file shows, in a number of queries that does not
    depend on its history. `bound`: forms sent back with errors (by context
    name); `saved`: (panel, message) after a save; `invalid`: the panel
    whose form was refused (focus goes there)."""
    membership = request.membership
    rows = selectors.checklist(beneficiary)
    timeline = selectors.timeline(beneficiary, membership)
    transitions = [e["object"] for e in timeline if e["kind"] == "transition"]
    unmet = selectors.unmet_prerequisites(rows)
    readable = set(permissions.readable_fields(membership.role, Beneficiary.FIELD_SENSITIVITY))
    context = {
        "b": beneficiary,
        "readable": readable,
        "stepper": _stepper(beneficiary, transitions),
        "transitions": transitions,
        "checklist_rows": rows,
        "unmet": [(item, PrerequisiteCheck.Status(status).label) for item, status in unmet],
        "checklist_met": len(rows) - len(unmet),
        "guarded_targets": [
            s
            for s in pathway.allowed_targets(beneficiary.state)
            if s in pathway.GUARDED_BY_PREREQUISITES
        ],
        "prerequisites_form": PrerequisitesForm(
            items=[item for item, _check in rows],
            checks={item.pk: check for item, check in rows if check},
        ),
        "documents": beneficiary.documents.filter(replaced_by=None).select_related("uploaded_by"),
        "document_form": DocumentForm(),
        # Oldest first, as read in a table of progress (the timeline has them).
        "assessments": sorted(
            (e["object"] for e in timeline if e["kind"] == "assessment"),
            key=lambda a: (a.assessed_on, a.pk),
        ),
        "assessment_form": LanguageAssessmentForm(),
        "notes": [e["object"] for e in timeline if e["kind"] == "note"],
        "referents": BeneficiaryReferent.objects.filter(beneficiary=beneficiary).select_related(
            "membership__user"
        ),
        "timeline": timeline,
        "sections": extensions.case_file_sections(beneficiary, membership),
        "transition_form": TransitionForm(beneficiary=beneficiary),
        "note_form": CaseNoteForm(),
        "move_form": MoveForm(territory_ids=permissions.territory_ids(membership)),
        "panels": PANELS,
        "saved_panel": saved[0] if saved else None,
        "saved_message": saved[1] if saved else None,
        "invalid_panel": invalid,
        "printed_at": timezone.localtime(),
    }
    context.update(bound or {})
    return context


def _saved(request, beneficiary, panel: str, message: str):
    """After a save. htmx gets the case file as it now is (it swaps the saved
    panel, the header and the history in place, and focus goes to the
    panel's confirmation); a plain POST is redirected to the panel's anchor."""
    if _is_htmx(request):
        beneficiary.refresh_from_db()
        return render(
            request,
            "beneficiaries/detail.html",
            _case_file_context(request, beneficiary, saved=(panel, message)),
        )
    messages.success(request, message)
    return redirect(f"{beneficiary.get_absolute_url()}#{PANELS[panel]}")


def _refused(request, beneficiary, panel: str, **bound):
    """A form refused: the case file again with that form as sent and its
    errors, focus on them; nothing else on the page is lost. A plain POST
    gets a 400; htmx a 200, which it swaps in place like a save (a 4xx it
    would not swap, and the browser would log it as a failed request)."""
    return render(
        request,
        "beneficiaries/detail.html",
        _case_file_context(request, beneficiary, bound=bound, invalid=panel),
        status=200 if _is_htmx(request) else 400,
    )


@gate(read=permissions.can_open_case_files)
def beneficiary_detail(request, pk: int):
    beneficiary = selectors.beneficiary_get(request.membership, pk)
    access_log_for_request(request, beneficiary)
    return render(request, "beneficiaries/detail.html", _case_file_context(request, beneficiary))


# Notes in the printed summary: the latest, the rest stays in the application.
SUMMARY_NOTES = 5


@gate(read=permissions.can_open_case_files)
def beneficiary_summary_pdf(request, pk: int):
    """The case file's summary as a PDF a caseworker files or hands to a
    partner: identity essentials, pathway and stage, checklist, French level,
    documents by name and expiry (not their contents), the latest notes when
    the role may read notes. What the case file shows this member and no
    more (same context); recorded in the access log as a PDF generated. One
    or two pages: rendered in the request, like the sign-in sheets."""
    beneficiary = selectors.beneficiary_get(request.membership, pk)
    context = _case_file_context(request, beneficiary)
    role = request.membership.role
    notes = context["notes"] if permissions.may_read(role, Sensitivity.CASE_NOTES) else []
    access_log_for_request(request, beneficiary, action=AccessAction.PRINT, detail="summary")
    content = render_pdf(
        "beneficiaries/pdf/summary.html",
        {
            **context,
            "organisation": request.membership.organisation,
            "printed_by": request.user,
            "recent_notes": notes[:SUMMARY_NOTES],
            "more_notes": max(len(notes) - SUMMARY_NOTES, 0),
            "shows_documents": permissions.may_read(role, Sensitivity.DOCUMENTS),
        },
    )
    response = HttpResponse(content, content_type="application/pdf")
    stamp = timezone.localdate().strftime("%Y-%m-%d")
    response["Content-Disposition"] = f'inline; filename="synthese-{beneficiary.pk}-{stamp}.pdf"'
    return response


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
        return redirect(f"{beneficiary.get_absolute_url()}#{PANELS['summary']}")
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
        return _saved(request, beneficiary, "pathway", _("Pathway updated."))
    return _refused(request, beneficiary, "pathway", transition_form=form)


@gate(write=permissions.can_edit_case_files)
def case_note_add(request, pk: int):
    beneficiary = selectors.beneficiary_get(request.membership, pk)
    form = CaseNoteForm(request.POST)
    if submit(
        request,
        form,
        lambda data: services.case_note_add(actor=request.user, beneficiary=beneficiary, **data),
    ):
        return _saved(request, beneficiary, "notes", _("Note added."))
    return _refused(request, beneficiary, "notes", note_form=form)


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
        return _saved(request, beneficiary, "summary", _("Territory changed."))
    return _refused(request, beneficiary, "summary", move_form=form)


@gate(write=permissions.can_edit_case_files)
def prerequisites_update(request, pk: int):
    beneficiary = selectors.beneficiary_get(request.membership, pk)
    rows = selectors.checklist(beneficiary)
    form = PrerequisitesForm(
        request.POST,
        items=[item for item, _check in rows],
        checks={item.pk: check for item, check in rows if check},
    )
    if submit(
        request,
        form,
        lambda data: services.prerequisites_set(
            actor=request.user, beneficiary=beneficiary, values=form.values()
        ),
    ):
        return _saved(request, beneficiary, "checklist", _("Prerequisites saved."))
    return _refused(request, beneficiary, "checklist", prerequisites_form=form)


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
        return _saved(request, beneficiary, "checklist", _("Assessment recorded."))
    return _refused(request, beneficiary, "checklist", assessment_form=form)


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
        return _saved(request, beneficiary, "documents", _("Document added."))
    if replaces is not None:
        # A replacement's own form has only the file: its error goes above
        # the documents, the "add" form stays empty.
        messages_form = DocumentForm()
        for error in form.errors.values():
            for message in error:
                messages_form.add_error(None, message)
        form = messages_form
    return _refused(request, beneficiary, "documents", document_form=form)


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
