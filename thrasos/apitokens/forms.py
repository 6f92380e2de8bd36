from django import forms
from django.utils.translation import gettext_lazy as _

from thrasos.apitokens.models import Scope

VALIDITY_CHOICES = [
    ("7", _("7 days")),
    ("30", _("30 days")),
    ("90", _("90 days")),
    ("180", _("6 months")),
    ("365", _("1 year")),
]


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the token is for, e.g. “Monthly indicators spreadsheet”."),
    )
    scope = forms.ChoiceField(
        label=_("Access"),
        choices=Scope.choices,
        initial=Scope.READ,
        widget=forms.RadioSelect,
        help_text=_("Give write access only to a tool that needs to change data."),
    )
    validity = forms.TypedChoiceField(
        label=_("Valid for"),
        choices=VALIDITY_CHOICES,
        coerce=int,
        initial="90",
    )
