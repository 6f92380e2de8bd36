from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from thrasos.core.widgets import fast_selects
from thrasos.privacy.models import AnonymisationKind, InformationNotice, RetentionHold


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class InformationNoticeForm(forms.ModelForm):
    class Meta:
        model = InformationNotice
        fields = ["received_on", "language"]
        widgets = {"received_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["received_on"].initial = timezone.localdate()
        self.fields["language"].initial = "fr"
        fast_selects(self)  # on every case file


class RetentionHoldForm(forms.ModelForm):
    class Meta:
        model = RetentionHold
        fields = ["reason", "keep_until"]
        widgets = {"keep_until": DateInput(), "reason": forms.Textarea(attrs={"rows": 3})}


class AnonymiseForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Why"),
        choices=[
            (AnonymisationKind.DECISION, AnonymisationKind.DECISION.label),
            (AnonymisationKind.ERASURE_REQUEST, AnonymisationKind.ERASURE_REQUEST.label),
        ],
    )
    requested_on = forms.DateField(
        label=_("Date of the person's request"), required=False, widget=DateInput()
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=1_000, widget=forms.Textarea(attrs={"rows": 3})
    )
    confirm_name = forms.CharField(
        label=_("Type the person's last name to confirm"), max_length=150
    )

    def __init__(self, *args, person, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person

    def clean_confirm_name(self):
        typed = self.cleaned_data["confirm_name"]
        if typed.strip().casefold() != self.person.last_name.strip().casefold():
            raise forms.ValidationError(
                _("This is not the person's last name: nothing was anonymised.")
            )
        return typed

    def clean(self):
        data = super().clean()
        if data.get("kind") == AnonymisationKind.ERASURE_REQUEST and not data.get("requested_on"):
            self.add_error("requested_on", _("Give the date of the person's request."))
        return data
