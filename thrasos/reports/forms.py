"""The period and scope of the managers' figures, reports and exports."""

from __future__ import annotations

import datetime

from django import forms
from django.db import connection
from django.utils.translation import gettext_lazy as _

from thrasos.accounts.models import Territory
from thrasos.core.validators import PROGRAMME_EARLIEST
from thrasos.reports.indicators import Period, Scope

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MAX_DAYS = 366 * 5


def session_choices(organisation_id: int) -> list[tuple[str, str]]:
    """The organisation's sessions (names and dates: no one's data)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, name, start_date FROM prep_sessions_preparationsession"
            " WHERE organisation_id = %s ORDER BY start_date DESC, id DESC",
            [organisation_id],
        )
        return [(f"session:{pk}", f"{name} ({start:%d/%m/%Y})") for pk, name, start in cursor]


class ScopePeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=DATE_INPUT)
    end = forms.DateField(label=_("To"), widget=DATE_INPUT)
    scope = forms.ChoiceField(label=_("Scope"), choices=())

    def __init__(self, *args, organisation_id: int, today: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        territories = [
            (f"territory:{pk}", name)
            for pk, name in Territory.objects.order_by("name").values_list("pk", "name")
        ]
        self.fields["scope"].choices = [
            (Scope.ORGANISATION, _("The whole organisation")),
            (_("Territories"), territories),
            (_("Preparation sessions"), session_choices(organisation_id)),
        ]

    @classmethod
    def initial_for(cls, today: datetime.date) -> dict:
        return {"start": today.replace(month=1, day=1), "end": today, "scope": Scope.ORGANISATION}

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                self.add_error("end", _("The end of the period is before its start."))
            elif (end - start).days > MAX_DAYS:
                self.add_error("end", _("A period covers five years at most."))
            if start < PROGRAMME_EARLIEST:
                self.add_error("start", _("The period starts before the programme."))
            if end > self.today + datetime.timedelta(days=366):
                self.add_error("end", _("The period ends more than a year from today."))
        return data

    @property
    def period(self) -> Period:
        return Period(self.cleaned_data["start"], self.cleaned_data["end"])

    @property
    def scope_kind_and_id(self) -> tuple[str, int | None]:
        value = self.cleaned_data["scope"]
        if value == Scope.ORGANISATION:
            return Scope.ORGANISATION, None
        kind, pk = value.split(":")
        return kind, int(pk)

    def scope_label(self) -> str:
        value = self.cleaned_data["scope"]
        for choice, label in self.fields["scope"].choices:
            if isinstance(label, list | tuple):
                for inner, inner_label in label:
                    if inner == value:
                        return str(inner_label)
            elif choice == value:
                return str(label)
        return value
