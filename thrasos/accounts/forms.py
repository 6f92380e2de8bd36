from django import forms
from django.contrib.auth.password_validation import password_validators_help_text_html
from django.utils.translation import gettext_lazy as _

from thrasos import permissions
from thrasos.accounts.models import Role, Territory
from thrasos.referentials import geo


class TerritoryForm(forms.ModelForm):
    class Meta:
        model = Territory
        fields = ["name", "region", "departement", "is_active"]

    def clean(self):
        cleaned = super().clean()
        name = cleaned.get("name")
        # The unique (organisation, name) constraint involves a field the form
        # does not edit, so Django would not check it: check within the tenant.
        if (
            name
            and Territory.objects.filter(name__iexact=name).exclude(pk=self.instance.pk).exists()
        ):
            self.add_error("name", _("A territory with this name already exists."))
        region, departement = cleaned.get("region"), cleaned.get("departement")
        if region and departement and geo.region_of(departement) != region:
            self.add_error("departement", _("This département is not in the chosen region."))
        return cleaned


class TerritoriesField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        super().__init__(
            queryset=Territory.objects.none(),
            required=False,
            label=_("Territories"),
            help_text=_("Caseworkers and volunteers see the records of their territories only."),
            **kwargs,
        )


class MembershipForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    territories = TerritoriesField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["territories"].queryset = Territory.objects.filter(is_active=True)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("role") in permissions.TERRITORY_BOUND_ROLES and not cleaned.get(
            "territories"
        ):
            self.add_error(
                "territories", _("Caseworkers and volunteers need at least one territory.")
            )
        return cleaned


class InvitationForm(MembershipForm):
    email = forms.EmailField(label=_("E-mail address"))
    field_order = ["email", "role", "territories"]


class InvitationAcceptForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    password1 = forms.CharField(
        label=_("Password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password (again)"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password1") != cleaned.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return cleaned


class OrganisationSwitchForm(forms.Form):
    organisation = forms.IntegerField(widget=forms.HiddenInput)
