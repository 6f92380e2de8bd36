from django import forms
from django.utils.translation import gettext_lazy as _

from beneficiaries.pathway import State
from housing.models import Destination, EarlyEndReason, HousingUnit, Place
from thrasos.accounts.models import Territory

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# Who may be housed: admitted up to the end of the contract.
HOUSABLE = (State.ADMITTED, State.IN_SESSION, State.SEEKING_CONTRACT, State.IN_CONTRACT)


class UnitForm(forms.ModelForm):
    territory = forms.ModelChoiceField(queryset=Territory.objects.none(), label=_("Territory"))

    class Meta:
        model = HousingUnit
        fields = [
            "name",
            "territory",
            "kind",
            "address",
            "postcode",
            "city",
            "departement",
            "landlord_kind",
            "lease_reference",
            "opened_on",
            "closed_on",
            "notes",
        ]
        widgets = {
            "opened_on": DATE_INPUT,
            "closed_on": DATE_INPUT,
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, territory_ids=None, **kwargs):
        super().__init__(*args, **kwargs)
        territories = Territory.objects.all()
        if territory_ids is not None:
            territories = territories.filter(pk__in=territory_ids)
        self.fields["territory"].queryset = territories
        self.fields["opened_on"].required = False
        if not self.instance.pk:
            del self.fields["closed_on"]


class PlaceForm(forms.Form):
    label = forms.CharField(label=_("Label"), max_length=50, help_text=_("For example “Room 2”."))
    notes = forms.CharField(label=_("Notes"), max_length=1000, required=False)


class PlaceCloseForm(forms.Form):
    closed_on = forms.DateField(
        label=_("Closed from"),
        required=False,
        widget=DATE_INPUT,
        help_text=_("Leave empty to reopen the place."),
    )


def _person_label(b) -> str:
    return f"{b.full_name} ({b.get_state_display()})"


class BookingForm(forms.Form):
    beneficiary = forms.ModelChoiceField(queryset=None, label=_("Person"))
    start_date = forms.DateField(label=_("Start date"), widget=DATE_INPUT)
    planned_end_date = forms.DateField(
        label=_("Planned end date"),
        required=False,
        widget=DATE_INPUT,
        help_text=_("Six months after the start if empty."),
    )
    short_stay_justification = forms.CharField(
        label=_("Justification of a stay under six months"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    comment = forms.CharField(label=_("Comment"), required=False, max_length=1000)

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["beneficiary"]
        field.queryset = people.filter(state__in=HOUSABLE).order_by("search_last_first", "id")
        field.label_from_instance = _person_label


class CaseFileBookingForm(forms.Form):
    """Booking from the case file: the dates first, then only the places free
    on every day of them."""

    start_date = forms.DateField(label=_("Start date"), widget=DATE_INPUT)
    planned_end_date = forms.DateField(
        label=_("Planned end date"),
        required=False,
        widget=DATE_INPUT,
        help_text=_("Six months after the start if empty."),
    )
    place = forms.ModelChoiceField(queryset=Place.objects.none(), label=_("Free place"))
    short_stay_justification = forms.CharField(
        label=_("Justification of a stay under six months"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, places=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place"].queryset = places if places is not None else Place.objects.none()
        self.fields["place"].label_from_instance = lambda p: f"{p.unit.city} – {p}"


class ExtendForm(forms.Form):
    planned_end_date = forms.DateField(label=_("New planned end date"), widget=DATE_INPUT)
    short_stay_justification = forms.CharField(
        label=_("Justification of a stay under six months"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class MoveForm(forms.Form):
    place = forms.ModelChoiceField(queryset=Place.objects.none(), label=_("New place"))
    on = forms.DateField(label=_("Date of the move"), widget=DATE_INPUT)
    planned_end_date = forms.DateField(
        label=_("Planned end date"),
        required=False,
        widget=DATE_INPUT,
        help_text=_("The current planned end if empty."),
    )

    def __init__(self, *args, places=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place"].queryset = places
        self.fields["place"].label_from_instance = lambda p: f"{p.unit.city} – {p}"


class EndForm(forms.Form):
    end_date = forms.DateField(label=_("End date"), widget=DATE_INPUT)
    destination = forms.ChoiceField(
        label=_("Destination"), choices=[("", "—"), *Destination.choices]
    )
    early_end_reason = forms.ChoiceField(
        label=_("Reason for ending before six months"),
        required=False,
        choices=[("", "—"), *EarlyEndReason.choices],
    )
    early_end_justification = forms.CharField(
        label=_("Justification of the early end"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    comment = forms.CharField(label=_("Comment"), required=False, max_length=1000)
