from django import forms
from django.utils.translation import gettext_lazy as _

from thrasos.notifications import registry
from thrasos.notifications.models import Channel


class PreferencesForm(forms.Form):
    """One e-mail channel per kind of reminder."""

    def __init__(self, *args, channels: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        for kind in registry.kinds():
            self.fields[kind.code] = forms.ChoiceField(
                label=kind.label,
                choices=Channel.choices,
                initial=channels.get(kind.code, kind.default_channel),
                error_messages={"invalid_choice": _("Choose one of the proposed e-mail options.")},
            )


class OptionsForm(forms.Form):
    def __init__(self, *args, enabled: set[str], **kwargs):
        super().__init__(*args, **kwargs)
        for option in registry.options():
            self.fields[option.key] = forms.BooleanField(
                label=option.label,
                help_text=option.help_text,
                required=False,
                initial=option.key in enabled,
            )
