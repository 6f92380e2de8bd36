from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beneficiaries.models import Beneficiary
from beneficiaries.pathway import State, WithdrawalReason
from sessions.models import (
    Activity,
    ActivityKind,
    AttendanceStatus,
    Enrolment,
    PreparationSession,
    Weekday,
)
from sessions.services import STATUS_MOVES
from thrasos.accounts.models import Territory
from thrasos.core.widgets import fast_selects

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def _territories(territory_ids):
    territories = Territory.objects.all()
    if territory_ids is not None:
        territories = territories.filter(pk__in=territory_ids)
    return territories


class SessionForm(forms.ModelForm):
    territory = forms.ModelChoiceField(queryset=Territory.objects.none(), label=_("Territory"))

    class Meta:
        model = PreparationSession
        fields = [
            "name",
            "territory",
            "site",
            "start_date",
            "end_date",
            "capacity",
            "training_provider",
            "planned_fle_hours",
        ]
        widgets = {"start_date": DATE_INPUT, "end_date": DATE_INPUT}

    def __init__(self, *args, territory_ids=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["territory"].queryset = _territories(territory_ids)
        self.fields["end_date"].required = False
        self.fields["capacity"].min_value = 1
        self.fields["capacity"].widget.attrs["min"] = 1

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        duplicates = PreparationSession.objects.filter(name__iexact=name)
        if self.instance.pk:
            duplicates = duplicates.exclude(pk=self.instance.pk)
        if duplicates.exists():
            raise forms.ValidationError(_("A session already has this name."))
        return name

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end <= start:
            self.add_error("end_date", _("The end date must be after the start date."))
        return data

    def _post_clean(self):
        # The service validates the whole session (end date by default, dates
        # of the activities, places taken); the model's checks run there.
        pass


class SessionStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"))
    on = forms.DateField(
        label=_("On"),
        required=False,
        widget=DATE_INPUT,
        help_text=_("Start or end: the date recorded in the participants' pathway."),
    )

    def __init__(self, *args, session: PreparationSession, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", "—")] + [
            (value, label)
            for value, label in PreparationSession.Status.choices
            if value in STATUS_MOVES[session.status]
        ]
        fast_selects(self)  # on every session page


class EnrolmentForm(forms.Form):
    beneficiary = forms.ModelChoiceField(
        queryset=Beneficiary.objects.none(),
        label=_("Admitted person"),
        help_text=_("A full session puts the person on the waiting list."),
    )
    on = forms.DateField(label=_("Enrolled on"), required=False, widget=DATE_INPUT)
    comment = forms.CharField(label=_("Comment"), required=False, max_length=1000)

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["beneficiary"].queryset = candidates
        self.fields["beneficiary"].label_from_instance = lambda b: (
            f"{b.full_name} ({b.birth_date:%d/%m/%Y})"
        )
        # Every admitted person of the member's territories is an option, on
        # every session page: no template per option.
        fast_selects(self)


def enrolment_candidates(beneficiaries, session: PreparationSession):
    """Admitted people the member may see, not already in the session."""
    return (
        beneficiaries.filter(state=State.ADMITTED)
        .exclude(
            pk__in=Enrolment.objects.filter(session=session)
            .exclude(status=Enrolment.Status.REMOVED)
            .values("beneficiary_id")
        )
        .order_by("search_last_first", "id")
    )


class EnrolmentEndForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[
            (Enrolment.Status.COMPLETED, _("Completed the session")),
            (Enrolment.Status.DROPPED_OUT, _("Dropped out")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.ChoiceField(
        label=_("Reason for dropping out"),
        required=False,
        choices=[("", "—"), *WithdrawalReason.choices],
    )
    on = forms.DateField(label=_("On"), required=False, widget=DATE_INPUT)
    comment = forms.CharField(label=_("Comment"), required=False, max_length=1000)

    def clean(self):
        data = super().clean()
        if data.get("outcome") == Enrolment.Status.DROPPED_OUT and not data.get("reason"):
            self.add_error("reason", _("Give the reason for leaving the session."))
        if data.get("on") and data["on"] > timezone.localdate():
            self.add_error("on", _("This cannot be recorded in the future."))
        return data


class ActivityForm(forms.ModelForm):
    participant = forms.ModelChoiceField(
        queryset=Enrolment.objects.none(),
        required=False,
        label=_("Participant"),
        help_text=_("Individual appointments only."),
    )

    class Meta:
        model = Activity
        fields = [
            "kind",
            "title",
            "date",
            "start_time",
            "end_time",
            "place",
            "facilitator",
            "partner",
            "participant",
        ]
        widgets = {"date": DATE_INPUT, "start_time": TIME_INPUT, "end_time": TIME_INPUT}

    def __init__(self, *args, session: PreparationSession, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participant"].queryset = (
            session.enrolments.participants()
            .select_related("beneficiary")
            .order_by("beneficiary__search_last_first")
        )
        self.fields["participant"].label_from_instance = lambda e: e.beneficiary.full_name
        self.fields["date"].widget.attrs.update(
            min=session.start_date.isoformat(), max=session.end_date.isoformat()
        )

    def _post_clean(self):
        # Checked by the service (inside the session, one participant…).
        pass


class SeriesForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[(k, v) for k, v in ActivityKind.choices if k != ActivityKind.INDIVIDUAL],
    )
    title = forms.CharField(label=_("Title"), required=False, max_length=200)
    weekdays = forms.TypedMultipleChoiceField(
        label=_("Days"),
        choices=Weekday.choices,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )
    start_time = forms.TimeField(label=_("Start"), widget=TIME_INPUT)
    end_time = forms.TimeField(label=_("End"), widget=TIME_INPUT)
    first_date = forms.DateField(
        label=_("From"), required=False, widget=DATE_INPUT, help_text=_("The session's start.")
    )
    last_date = forms.DateField(
        label=_("To"), required=False, widget=DATE_INPUT, help_text=_("The session's end.")
    )
    place = forms.CharField(label=_("Place"), required=False, max_length=200)
    facilitator = forms.CharField(label=_("Facilitator"), required=False, max_length=200)
    partner = forms.CharField(label=_("Partner"), required=False, max_length=200)
    skip_public_holidays = forms.BooleanField(
        label=_("Leave out public holidays"), required=False, initial=True
    )


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), required=False, max_length=200)


class AttendanceForm(forms.Form):
    """One radio group per expected participant. People not yet recorded
    start with no choice: saving without looking records nobody present.
    "Tout le monde présent" (`all_present`) marks those left without a choice
    as present, explicitly; choices already made are kept."""

    def __init__(self, *args, participants, recorded: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.participants = participants
        self.recorded = recorded
        for enrolment in participants:
            self.fields[f"p{enrolment.pk}"] = forms.ChoiceField(
                label=enrolment.beneficiary.full_name,
                choices=AttendanceStatus.choices,
                widget=forms.RadioSelect,
                required=False,
                initial=recorded.get(enrolment.pk),
            )

    def rows(self):
        for enrolment in self.participants:
            yield enrolment, self[f"p{enrolment.pk}"], enrolment.pk in self.recorded

    def marks(self, *, all_present: bool = False, only: int | None = None) -> dict[int, str]:
        """The choices made: {enrolment id: status}; with all_present, those
        left without a choice are present; with only, that participant's."""
        marks = {}
        for e in self.participants:
            if only is not None and e.pk != only:
                continue
            status = self.cleaned_data.get(f"p{e.pk}")
            if not status and all_present and e.pk not in self.recorded:
                status = AttendanceStatus.PRESENT
            if status:
                marks[e.pk] = status
        return marks
