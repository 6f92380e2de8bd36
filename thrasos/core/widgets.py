"""Form widgets for pages rendered on every request.

Django renders a <select> through templates: one template for the widget and
one `{% include %}` per option, each with its own context. On the case-file
list, the filter form (territories, referents, sessions: options that grow
with the organisation) cost more than the 50 rows. FastSelect writes the same
markup in Python."""

from django import forms
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
        return format_html(
            '<select name="{}"{}>{}</select>',
            name,
            _attributes(final_attrs),
            mark_safe("".join(parts)),  # noqa: S308 - parts are built by format_html
        )


def _attributes(attrs: dict) -> str:
    """The attributes in their order, as django/forms/widgets/attrs.html
    writes them: True as a bare name, False left out."""
    return format_html_join(
        "",
        "{}",
        (
            (format_html(" {}", key) if value is True else format_html(' {}="{}"', key, value),)
            for key, value in attrs.items()
            if value is not False
        ),
    )


def fast_selects(form) -> None:
    """Render the form's plain selects with FastSelect (same markup, no
    template per option): for pages that carry many small forms, such as the
    case file, where Django's widget templates cost more than the data."""
    for field in form.fields.values():
        if type(field.widget) is forms.Select:
            field.widget.__class__ = FastSelect
