"""Form widgets for pages rendered on every request.

Django renders a <select> through templates: one template for the widget and
one `{% include %}` per option, each with its own context. On the case-file
list, the filter form (territories, referents, sessions: options that grow
with the organisation) cost more than the 50 rows. FastSelect writes the same
markup in Python."""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe


class FastSelect(forms.Select):
    """A single <select> written in Python: the attributes, the groups of
    options and the selected value as forms.Select writes them."""

    def _options(self, choices, selected: str, state: dict):
        rows = []
        for value, label in choices:
            value = "" if value is None else str(value)
            is_selected = not state["found"] and value == selected
            state["found"] |= is_selected
            rows.append((value, " selected" if is_selected else "", label))
        return format_html_join("", '<option value="{}"{}>{}</option>', rows)

    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = self.build_attrs(self.attrs, attrs)
        final_attrs["name"] = name
        values = self.format_value(value)
        selected = values[0] if values else ""
        state = {"found": False}
        parts = []
        for option_value, option_label in self.choices:
            if isinstance(option_label, list | tuple):
                parts.append(
                    format_html(
                        '<optgroup label="{}">{}</optgroup>',
                        option_value,
                        self._options(option_label, selected, state),
                    )
                )
            else:
                parts.append(self._options([(option_value, option_label)], selected, state))
        return format_html("<select{}>{}</select>", flatatt(final_attrs), mark_safe("".join(parts)))  # noqa: S308 - parts are built by format_html
