from django import forms
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from beneficiaries.pathway import WithdrawalReason
from thrasos.accounts.models import Territory
from thrasos.referentials import geo

from .models import (
    AlternanceContract,
    DiplomaLevel,
    Employer,
    FollowUp,
    Opco,
    ProfessionalProject,
    Sector,
    TrainingOrganisation,
)

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
CONTACT_ROWS = 3


def _regions_field(label):
    return forms.MultipleChoiceField(
        label=label,
        choices=geo.REGION_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class ContactsMixin:
    """Up to three contacts typed on the partner's form."""

    def add_contact_fields(self, contacts) -> None:
        contacts = list(contacts)
        for i in range(CONTACT_ROWS):
            existing = contacts[i] if i < len(contacts) else None
            for name, label, field in (
                ("name", _("Contact %(n)s: name"), forms.CharField(max_length=150)),
                ("role", _("Contact %(n)s: role"), forms.CharField(max_length=100)),
                ("phone", _("Contact %(n)s: phone"), forms.CharField(max_length=30)),
                ("email", _("Contact %(n)s: e-mail"), forms.EmailField()),
            ):
                field.required = False
                field.label = label % {"n": i + 1}
                if existing is not None:
                    field.initial = getattr(existing, name)
                self.fields[f"contact_{i}_{name}"] = field

    def contacts(self) -> list[dict]:
        return [
            {
                name: self.cleaned_data.get(f"contact_{i}_{name}", "")
                for name in ("name", "role", "phone", "email")
            }
            for i in range(CONTACT_ROWS)
        ]

    def clean(self):
        data = super().clean()
        for i in range(CONTACT_ROWS):
            values = [data.get(f"contact_{i}_{n}") for n in ("role", "phone", "email")]
            if any(values) and not data.get(f"contact_{i}_name"):
                self.add_error(f"contact_{i}_name", _("Give the contact's name."))
        return data

    def partner_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if not k.startswith("contact_")}


PARTNER_FIELDS = ["name", "siret", "address", "postcode", "city", "departement", "regions", "notes"]


def _choice(model, label, required=True):
    # The querysets are set per request, inside the tenant (__init__).
    return forms.ModelChoiceField(queryset=model.objects.none(), label=label, required=required)


def _siret_field():
    # Typed with spaces (“732 829 320 00074”); the service keeps the 14 digits.
    return forms.CharField(label=_("SIRET"), max_length=20, help_text=_("14 digits."))


class EmployerForm(ContactsMixin, forms.ModelForm):
    siret = _siret_field()
    regions = _regions_field(_("Regions it recruits in"))
    sector = _choice(Sector, _("Sector"))

    class Meta:
        model = Employer
        fields = [*PARTNER_FIELDS[:2], "sector", "naf_code", *PARTNER_FIELDS[2:]]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sector"].queryset = Sector.objects.filter(is_active=True)
        self.add_contact_fields(self.instance.contacts.all() if self.instance.pk else [])

    def _post_clean(self):
        # The service validates the whole entry (SIRET, duplicates).
        pass


class TrainingOrganisationForm(ContactsMixin, forms.ModelForm):
    siret = _siret_field()
    regions = _regions_field(_("Regions it recruits in"))

    class Meta:
        model = TrainingOrganisation
        fields = [*PARTNER_FIELDS[:2], "uai", "qualiopi", "qualiopi_on", *PARTNER_FIELDS[2:]]
        widgets = {"qualiopi_on": DATE_INPUT}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_contact_fields(self.instance.contacts.all() if self.instance.pk else [])

    def _post_clean(self):
        pass


class DirectoryFilterForm(forms.Form):
    KINDS = [
        ("", _("Employers and training organisations")),
        ("employer", _("Employers")),
        ("training", _("Training organisations")),
    ]

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=KINDS, required=False)
    sector = forms.ModelChoiceField(
        label=_("Sector"), queryset=Sector.objects.none(), required=False
    )
    region = forms.ChoiceField(
        label=_("Region"), choices=[("", "—"), *geo.REGION_CHOICES], required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sector"].queryset = Sector.objects.all()


class ProjectForm(forms.ModelForm):
    target_regions = forms.MultipleChoiceField(
        label=_("Target regions"),
        choices=geo.REGION_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Outside Île-de-France: the programme places people in regions that recruit."),
    )
    sector = _choice(Sector, _("Sector"))
    diploma_level = _choice(DiplomaLevel, _("Diploma level"), required=False)

    class Meta:
        model = ProfessionalProject
        fields = [
            "target_job",
            "rome_code",
            "sector",
            "target_regions",
            "diploma_title",
            "rncp_code",
            "diploma_level",
            "started_on",
            "comment",
        ]
        widgets = {"started_on": DATE_INPUT, "comment": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sector"].queryset = Sector.objects.filter(is_active=True)
        self.fields["diploma_level"].queryset = DiplomaLevel.objects.all()
        self.fields["started_on"].initial = timezone.localdate

    def _post_clean(self):
        pass


class DayForm(forms.Form):
    on = forms.DateField(label=_("On"), widget=DATE_INPUT, initial=timezone.localdate)


class AbandonForm(DayForm):
    comment = forms.CharField(label=_("Why"), max_length=2_000, required=False)


class ContractForm(forms.ModelForm):
    employer = _choice(Employer, _("Employer"))
    training_organisation = _choice(TrainingOrganisation, _("Training organisation"))
    diploma_level = _choice(DiplomaLevel, _("Diploma level"), required=False)
    opco = _choice(Opco, _("OPCO"), required=False)

    class Meta:
        model = AlternanceContract
        fields = [
            "kind",
            "employer",
            "training_organisation",
            "diploma_title",
            "rncp_code",
            "diploma_level",
            "opco",
            "signed_on",
            "start_date",
            "end_date",
            "duration_justification",
            "trial_period_end",
            "exam_date",
            "work_city",
            "work_departement",
            "work_site_justification",
            "tutor_name",
            "tutor_role",
            "tutor_contact",
            "weekly_hours",
            "gross_monthly_pay",
        ]
        widgets = {
            "signed_on": DATE_INPUT,
            "start_date": DATE_INPUT,
            "end_date": DATE_INPUT,
            "trial_period_end": DATE_INPUT,
            "exam_date": DATE_INPUT,
            "duration_justification": forms.Textarea(attrs={"rows": 2}),
            "work_site_justification": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("employer", "training_organisation"):
            self.fields[name].widget = LongSelect()
        self.fields["employer"].queryset = Employer.objects.filter(is_active=True).only(
            "id", "name"
        )
        self.fields["training_organisation"].queryset = TrainingOrganisation.objects.filter(
            is_active=True
        ).only("id", "name")
        self.fields["diploma_level"].queryset = DiplomaLevel.objects.all()
        self.fields["opco"].queryset = Opco.objects.filter(is_active=True)
        self.fields["signed_on"].initial = timezone.localdate
        self.fields["trial_period_end"].required = False
        self.fields["trial_period_end"].help_text = _(
            "Empty: proposed from the type and the start (45 days for an apprenticeship)."
        )

    def _post_clean(self):
        pass


class BreakForm(forms.Form):
    on = forms.DateField(label=_("Date of the break"), widget=DATE_INPUT)
    broken_by = forms.ChoiceField(
        label=_("Ended by"), choices=[("", "—"), *AlternanceContract.BrokenBy.choices]
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=2_000, widget=forms.Textarea(attrs={"rows": 2})
    )
    withdraw = forms.BooleanField(label=_("The person leaves the programme"), required=False)
    withdrawal_reason = forms.ChoiceField(
        label=_("Reason for leaving"),
        choices=[("", "—"), *WithdrawalReason.choices],
        required=False,
    )

    def clean(self):
        data = super().clean()
        if data.get("withdraw") and not data.get("withdrawal_reason"):
            self.add_error("withdrawal_reason", _("Give the reason for leaving the programme."))
        return data


class ResultForm(forms.Form):
    result = forms.ChoiceField(label=_("Diploma result"), choices=AlternanceContract.Result.choices)
    exam_date = forms.DateField(label=_("Exam date"), widget=DATE_INPUT, required=False)


class FollowUpForm(forms.ModelForm):
    class Meta:
        model = FollowUp
        fields = ["observed_on", "method", "employment", "housing", "comment"]
        widgets = {"observed_on": DATE_INPUT, "comment": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["observed_on"].required = True
        self.fields["method"].required = True

    def _post_clean(self):
        pass


class LongSelect(forms.Select):
    """A select of hundreds of options (the directory's partners), written
    in one pass: Django renders each option through a template, which made
    the contracts list spend most of its time (0.3 ms an option)."""

    def render(self, name, value, attrs=None, renderer=None):
        selected = set(self.format_value(value))
        final = self.build_attrs(self.attrs, attrs)
        final["name"] = name
        options = []
        for key, label in self.choices:
            key = str(key)
            flag = " selected" if key in selected else ""
            options.append(f'<option value="{escape(key)}"{flag}>{escape(label)}</option>')
        return mark_safe(f"<select{flatatt(final)}>{''.join(options)}</select>")  # noqa: S308 - escaped above


class ContractFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", "—"), *AlternanceContract.Status.choices], required=False
    )
    employer = forms.ModelChoiceField(
        label=_("Employer"), queryset=Employer.objects.none(), required=False, widget=LongSelect
    )
    training_organisation = forms.ModelChoiceField(
        label=_("Training organisation"),
        queryset=TrainingOrganisation.objects.none(),
        required=False,
        widget=LongSelect,
    )
    territory = forms.ModelChoiceField(
        label=_("Territory"), queryset=Territory.objects.none(), required=False
    )
    trial_ending = forms.BooleanField(label=_("Trial period ending within 30 days"), required=False)
    ending = forms.BooleanField(label=_("Contract ending within 60 days"), required=False)

    def __init__(self, *args, territory_ids=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employer"].queryset = Employer.objects.only("id", "name")
        self.fields["training_organisation"].queryset = TrainingOrganisation.objects.only(
            "id", "name"
        )
        territories = Territory.objects.all()
        if territory_ids is not None:
            territories = territories.filter(pk__in=territory_ids)
        self.fields["territory"].queryset = territories


# --- referentials (an administrator's pages)


class SectorForm(forms.ModelForm):
    class Meta:
        model = Sector
        fields = ["name", "position", "is_active"]
        help_texts = {
            "position": _("Order in the lists (smallest first)."),
            "is_active": _(
                "An inactive sector stays on the records that use it, but is no longer offered."
            ),
        }


class DiplomaLevelForm(forms.ModelForm):
    """The levels are the French ones (3 to 8): only their names change."""

    class Meta:
        model = DiplomaLevel
        fields = ["name"]


class OpcoForm(forms.ModelForm):
    class Meta:
        model = Opco
        fields = ["name", "is_active"]
        help_texts = {
            "is_active": _(
                "An inactive OPCO stays on the contracts that use it, but is no longer offered."
            ),
        }
