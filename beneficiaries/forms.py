import datetime

from django import forms
from django.apps import apps
from django.db import models
from django.db.models import F, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beneficiaries import pathway
from beneficiaries.models import (
    Beneficiary,
    CaseNote,
    Document,
    LanguageAssessment,
    PathwayTransition,
    PrerequisiteCheck,
    ReferringOrganisation,
)
from beneficiaries.pathway import State
from thrasos import permissions
from thrasos.accounts.models import Membership, Territory
from thrasos.core.widgets import FastSelect, fast_selects
from thrasos.referentials.languages import LANGUAGES

RECORD_FIELDS = [
    "last_name",
    "first_name",
    "usual_name",
    "sex",
    "birth_date",
    "birth_country",
    "nationality",
    "languages",
    "preferred_language",
    "protection_status",
    "protection_decision_date",
    "protection_reference",
    "residence_document_type",
    "residence_document_number",
    "residence_document_expiry",
    "phone",
    "email",
    "address",
    "france_travail_id",
    "social_security",
    "has_bank_account",
    "referring_organisation",
    "referrer_contact",
    "referral_date",
    "referral_reason",
]
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class OwnIds:
    """The case file holds several forms: each gets its own element ids
    (`note_body`, `document_kind`…) so that no two labels point at one field.
    The field names, hence what a form posts, do not change."""

    id_prefix = ""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)
        fast_selects(self)


class BeneficiaryForm(forms.ModelForm):
    # Querysets of tenant models are set per request (the manager raises at import).
    referring_organisation = forms.ModelChoiceField(
        queryset=ReferringOrganisation.objects.none(),
        required=False,
        label=_("Referring organisation"),
    )
    # The model's ArrayField would give a comma-separated text box: a list to
    # choose from instead (the ISO codes of thrasos.referentials.languages).
    languages = forms.MultipleChoiceField(
        label=_("Languages spoken"),
        choices=LANGUAGES,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Several choices: Ctrl (or Cmd) + click."),
    )

    class Meta:
        model = Beneficiary
        fields = RECORD_FIELDS
        widgets = {
            "birth_date": DATE_INPUT,
            "protection_decision_date": DATE_INPUT,
            "residence_document_expiry": DATE_INPUT,
            "referral_date": DATE_INPUT,
            "referral_reason": forms.Textarea(attrs={"rows": 3}),
            "has_bank_account": forms.NullBooleanSelect,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["referring_organisation"].queryset = ReferringOrganisation.objects.filter(
            is_active=True
        )


class BeneficiaryCreateForm(BeneficiaryForm):
    current_territory = forms.ModelChoiceField(
        queryset=Territory.objects.none(), label=_("Territory")
    )
    referents = forms.ModelMultipleChoiceField(
        queryset=Membership.objects.none(),
        required=False,
        label=_("Referent caseworkers"),
        widget=forms.CheckboxSelectMultiple,
    )
    confirm_not_duplicate = forms.BooleanField(
        required=False,
        label=_("I checked: this is another person with the same name and date of birth."),
    )

    class Meta(BeneficiaryForm.Meta):
        fields = ["current_territory", *RECORD_FIELDS]

    # What opening a file needs, asked first; the rest can wait (it is in a
    # closed "more" group, and on the edit page).
    GROUPS = [
        (
            _("Identity"),
            [
                "last_name",
                "first_name",
                "usual_name",
                "sex",
                "birth_date",
                "nationality",
                "protection_status",
            ],
        ),
        (
            _("Referral"),
            ["referring_organisation", "referrer_contact", "referral_date", "referral_reason"],
        ),
        (_("Follow-up"), ["current_territory", "referents"]),
    ]

    def clean_preferred_language(self):
        # Among the later fields: left out, the model's default (French).
        return self.cleaned_data.get("preferred_language") or "fr"

    def groups(self):
        return [(legend, [self[name] for name in names]) for legend, names in self.GROUPS]

    def later_fields(self):
        first = {name for _legend, names in self.GROUPS for name in names}
        return [self[name] for name in self.fields if name not in first | {"confirm_not_duplicate"}]

    def later_has_errors(self) -> bool:
        return any(field.errors for field in self.later_fields())

    def __init__(self, *args, territory_ids=None, **kwargs):
        super().__init__(*args, **kwargs)
        territories = Territory.objects.filter(is_active=True)
        if territory_ids is not None:
            territories = territories.filter(pk__in=territory_ids)
        self.fields["current_territory"].queryset = territories
        self.fields["referents"].queryset = (
            Membership.objects.filter(is_active=True, role__in=permissions.REFERENT_ROLES)
            .select_related("user")
            .order_by("user__last_name")
        )
        self.fields["referents"].label_from_instance = lambda m: m.user.get_full_name()
        self.fields["preferred_language"].required = False


class TransitionForm(OwnIds, forms.Form):
    id_prefix = "pathway"
    to_state = forms.ChoiceField(label=_("New stage"), choices=())
    not_admitted_reason = forms.ChoiceField(
        label=_("Reason not admitted"),
        required=False,
        choices=[("", "—"), *pathway.NotAdmittedReason.choices],
    )
    withdrawal_reason = forms.ChoiceField(
        label=_("Reason for withdrawal"),
        required=False,
        choices=[("", "—"), *pathway.WithdrawalReason.choices],
    )
    exit_employment = forms.ChoiceField(
        label=_("Employment at exit"),
        required=False,
        choices=[("", "—"), *pathway.EmploymentOutcome.choices],
    )
    exit_housing = forms.ChoiceField(
        label=_("Housing at exit"),
        required=False,
        choices=[("", "—"), *pathway.HousingOutcome.choices],
    )
    on = forms.DateField(
        label=_("Date"), required=False, widget=DATE_INPUT, help_text=_("Today if left empty.")
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=PathwayTransition._meta.get_field("comment").max_length,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    confirm_prerequisites = forms.BooleanField(
        label=_("I confirm this stage although prerequisites are not met or still to check."),
        required=False,
    )

    # Which target stage needs which field (the others are hidden in the
    # browser, and ignored by transition_request()).
    FIELDS_FOR = {
        "not_admitted_reason": (State.NOT_ADMITTED,),
        "withdrawal_reason": (State.WITHDRAWN,),
        "exit_employment": (State.EXITED,),
        "exit_housing": (State.EXITED,),
        "confirm_prerequisites": tuple(pathway.GUARDED_BY_PREREQUISITES),
    }

    def __init__(self, *args, beneficiary, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_state"].choices = [("", "—")] + [
            (s, State(s).label) for s in pathway.allowed_targets(beneficiary.state)
        ]
        # casefile.js shows, for the stage chosen, only the fields it needs.
        self.fields["to_state"].widget.attrs["data-pathway-target"] = ""

    def transition_request(self):
        from beneficiaries.services import TransitionRequest

        data = self.cleaned_data
        target = data["to_state"]
        reason = {
            State.NOT_ADMITTED: data.get("not_admitted_reason", ""),
            State.WITHDRAWN: data.get("withdrawal_reason", ""),
        }.get(target, "")
        on = data.get("on")
        at = None
        if on and on != timezone.localdate():
            at = timezone.make_aware(datetime.datetime.combine(on, datetime.time(12, 0)))
        return TransitionRequest(
            at=at,
            to_state=target,
            comment=data.get("comment", ""),
            reason=reason,
            exit_employment=data.get("exit_employment", "") if target == State.EXITED else "",
            exit_housing=data.get("exit_housing", "") if target == State.EXITED else "",
            confirm_prerequisites=bool(data.get("confirm_prerequisites")),
        )


class CaseNoteForm(OwnIds, forms.ModelForm):
    id_prefix = "note"

    class Meta:
        model = CaseNote
        fields = ["body", "confidentiality"]
        widgets = {"body": forms.Textarea(attrs={"rows": 4})}


class MoveForm(OwnIds, forms.Form):
    id_prefix = "move"
    territory = forms.ModelChoiceField(queryset=Territory.objects.none(), label=_("New territory"))
    moved_on = forms.DateField(label=_("Date of the move"), widget=DATE_INPUT)

    def __init__(self, *args, territory_ids=None, **kwargs):
        super().__init__(*args, **kwargs)
        territories = Territory.objects.filter(is_active=True)
        if territory_ids is not None:
            territories = territories.filter(pk__in=territory_ids)
        self.fields["territory"].queryset = territories


class ListFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Name, phone or date of birth"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    files = forms.ChoiceField(
        label=_("Case files"),
        required=False,
        choices=[("all", _("All the case files")), ("mine", _("My case files"))],
        widget=FastSelect,
    )
    state = forms.ChoiceField(
        label=_("Stage"),
        required=False,
        choices=[("", _("All")), *State.choices],
        widget=FastSelect,
    )
    territory = forms.ModelChoiceField(
        label=_("Territory"),
        required=False,
        queryset=Territory.objects.none(),
        empty_label=_("All"),
        widget=FastSelect,
    )
    referent = forms.ModelChoiceField(
        label=_("Referent"),
        required=False,
        queryset=Membership.objects.none(),
        empty_label=_("All"),
        widget=FastSelect,
    )
    session = forms.ModelChoiceField(
        label=_("Session"),
        required=False,
        queryset=Territory.objects.none(),  # replaced per request (sessions module)
        empty_label=_("All"),
        widget=FastSelect,
    )
    sort = forms.ChoiceField(
        label=_("Sort"),
        required=False,
        choices=[
            ("name", _("Name")),
            ("-name", _("Name (Z to A)")),
            ("birth", _("Date of birth (oldest first)")),
            ("-birth", _("Date of birth (youngest first)")),
            ("recent", _("Most recent change")),
            ("-recent", _("Oldest change")),
        ],
        widget=FastSelect,
    )

    def __init__(self, *args, territory_ids=None, mine_by_default=False, **kwargs):
        super().__init__(*args, **kwargs)
        # "Mes dossiers" is a caseworker's starting point; the others (and
        # the API) start from every case file they may open.
        self.mine_by_default = mine_by_default
        self.fields["files"].initial = "mine" if mine_by_default else "all"
        territories = Territory.objects.all()
        if territory_ids is not None:
            territories = territories.filter(pk__in=territory_ids)
        self.fields["territory"].queryset = territories
        # The preparation sessions of the member's territories; looked up by
        # label so that this app does not import the sessions module.
        sessions = apps.get_model("prep_sessions", "PreparationSession").objects.order_by(
            "-start_date"
        )
        if territory_ids is not None:
            sessions = sessions.filter(territory_id__in=territory_ids)
        self.fields["session"].queryset = sessions
        self.fields["referent"].queryset = Membership.objects.filter(
            role__in=permissions.REFERENT_ROLES
        ).select_related("user")
        self.fields["referent"].label_from_instance = lambda m: m.user.get_full_name()

    def load_options(self) -> None:
        """The options of the territory, referent and session selects in one
        query instead of three (the page renders them on every request; the
        querysets above still validate a submitted value)."""
        text = models.CharField()
        parts = [
            self.fields["territory"]
            .queryset.order_by()
            .annotate(kind=Value("territory"), label=F("name"), key=F("name"))
            .values_list("kind", "pk", "label", "key"),
            self.fields["referent"]
            .queryset.order_by()
            .annotate(
                kind=Value("referent"),
                label=Concat("user__first_name", Value(" "), "user__last_name", output_field=text),
                key=Concat("user__last_name", Value(" "), "user__first_name", output_field=text),
            )
            .values_list("kind", "pk", "label", "key"),
            self.fields["session"]
            .queryset.order_by()
            .annotate(
                kind=Value("session"), label=F("name"), key=Cast("start_date", output_field=text)
            )
            .values_list("kind", "pk", "label", "key"),
        ]
        options: dict[str, list] = {"territory": [], "referent": [], "session": []}
        for kind, pk, label, key in parts[0].union(*parts[1:], all=True).order_by("kind"):
            options[kind].append((key, pk, label))
        for kind, rows in options.items():
            rows.sort(key=lambda row: row[0], reverse=kind == "session")
            field = self.fields[kind]
            field.widget.choices = [
                ("", field.empty_label),
                *((pk, label) for _, pk, label in rows),
            ]

    def clean_files(self):
        # The default applies to the page opened without parameters (the
        # view); a link with other filters (a session's participants…) shows
        # every case file unless it says "mine".
        return self.cleaned_data.get("files") or "all"


class LanguageAssessmentForm(OwnIds, forms.ModelForm):
    id_prefix = "assessment"

    class Meta:
        model = LanguageAssessment
        fields = [
            "assessed_on",
            "kind",
            "assessor",
            "oral_comprehension",
            "oral_expression",
            "written_comprehension",
            "written_expression",
        ]
        widgets = {"assessed_on": DATE_INPUT}


class PrerequisitesForm(OwnIds, forms.Form):
    """One status and evidence per configured item."""

    id_prefix = "checklist"

    def __init__(self, *args, items, checks, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        for item in self.items:
            check = checks.get(item.pk)
            self.fields[f"status_{item.pk}"] = forms.ChoiceField(
                label=item.label,
                choices=PrerequisiteCheck.Status.choices,
                initial=check.status if check else PrerequisiteCheck.Status.TO_CHECK,
            )
            self.fields[f"evidence_{item.pk}"] = forms.CharField(
                label=_("Evidence"),
                required=False,
                max_length=255,
                initial=check.evidence if check else "",
                widget=forms.TextInput(attrs={"placeholder": _("Evidence")}),
            )

    def rows(self):
        for item in self.items:
            yield item, self[f"status_{item.pk}"], self[f"evidence_{item.pk}"]

    def values(self) -> dict:
        return {
            item: (self.cleaned_data[f"status_{item.pk}"], self.cleaned_data[f"evidence_{item.pk}"])
            for item in self.items
        }


class DocumentForm(OwnIds, forms.Form):
    id_prefix = "document"
    kind = forms.ChoiceField(label=_("Kind"), choices=Document.Kind.choices)
    file = forms.FileField(label=_("File"))
    expires_on = forms.DateField(label=_("Expiry date"), required=False, widget=DATE_INPUT)
