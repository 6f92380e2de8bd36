from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mentoring.models import (
    MenteeName,
    Mentorship,
    NoteKind,
    Topic,
    Urgency,
    VolunteerProfile,
)
from thrasos.accounts.models import Territory
from thrasos.referentials.languages import LANGUAGES

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

# Quick choices on the phone: one tap for the usual durations.
DURATIONS = [
    (15, _("15 min")),
    (20, _("20 min")),
    (30, _("30 min")),
    (45, _("45 min")),
    (60, _("1 h")),
    (90, _("1 h 30")),
    (120, _("2 h")),
    (180, _("3 h")),
]


class NoteForm(forms.Form):
    """The note a volunteer writes on their phone: every choice is a big
    toggle (radio or checkbox styled as a button), the date is today unless
    changed."""

    kind = forms.ChoiceField(
        label=_("What did you do?"), choices=NoteKind.choices, widget=forms.RadioSelect
    )
    duration_minutes = forms.TypedChoiceField(
        label=_("How long?"), choices=DURATIONS, coerce=int, widget=forms.RadioSelect
    )
    topics = forms.MultipleChoiceField(
        label=_("Topics"),
        choices=Topic.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    summary = forms.CharField(
        label=_("Summary"),
        max_length=2_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("A few factual lines: what you did, what was decided."),
    )
    occurred_on = forms.DateField(label=_("Date"), widget=DATE_INPUT, initial=timezone.localdate)
    alert = forms.BooleanField(label=_("Alert the caseworker"), required=False)
    alert_urgency = forms.ChoiceField(
        label=_("Urgency"), choices=Urgency.choices, widget=forms.RadioSelect, required=False
    )
    alert_reason = forms.CharField(
        label=_("Why?"), max_length=1_000, widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, note=None, **kwargs):
        if note is not None:
            kwargs.setdefault(
                "initial",
                {
                    "kind": note.kind,
                    "duration_minutes": note.duration_minutes,
                    "topics": note.topics,
                    "summary": note.summary,
                    "occurred_on": note.occurred_on,
                    "alert": note.has_alert,
                    "alert_urgency": note.alert_urgency,
                    "alert_reason": note.alert_reason,
                },
            )
        super().__init__(*args, **kwargs)
        if note is not None and note.duration_minutes not in dict(DURATIONS):
            self.fields["duration_minutes"].choices = [
                *DURATIONS,
                (note.duration_minutes, _("%(minutes)s min") % {"minutes": note.duration_minutes}),
            ]

    def clean(self):
        data = super().clean()
        if data.get("alert"):
            if not data.get("alert_urgency"):
                self.add_error("alert_urgency", _("Choose how urgent it is."))
            if not (data.get("alert_reason") or "").strip():
                self.add_error(
                    "alert_reason", _("Say in a few words why the caseworker should know.")
                )
        else:
            data["alert_urgency"] = ""
            data["alert_reason"] = ""
        return data

    def note_data(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("alert", None)
        return data


class AcknowledgeForm(forms.Form):
    comment = forms.CharField(
        label=_("Answer to the volunteer"),
        max_length=1_000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The volunteer sees it under their note."),
    )


class NudgeForm(forms.Form):
    message = forms.CharField(
        label=_("Message"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        initial=_(
            "Hello, how are things going with your mentee? A short note would help us follow up."
        ),
        help_text=_("Shown on the volunteer's home page until their next note."),
    )


class VolunteerProfileForm(forms.ModelForm):
    territory = forms.ModelChoiceField(queryset=Territory.objects.none(), label=_("Territory"))
    languages = forms.MultipleChoiceField(
        label=_("Languages spoken"), choices=LANGUAGES, required=False
    )

    class Meta:
        model = VolunteerProfile
        fields = [
            "territory",
            "availability",
            "languages",
            "skills",
            "charter_signed_on",
            "is_active",
        ]
        widgets = {"charter_signed_on": DATE_INPUT}

    def __init__(self, *args, membership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["territory"].queryset = Territory.objects.filter(
            pk__in=membership.territories.values("pk")
        )


class MentorshipForm(forms.Form):
    volunteer = forms.ModelChoiceField(
        label=_("Volunteer"),
        queryset=VolunteerProfile.objects.none(),
        help_text=_("Volunteers of the person's territory who signed the charter."),
    )
    started_on = forms.DateField(
        label=_("Start date"), widget=DATE_INPUT, initial=timezone.localdate
    )

    def __init__(self, *args, beneficiary, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["volunteer"].queryset = (
            VolunteerProfile.objects.filter(
                territory_id=beneficiary.current_territory_id,
                is_active=True,
                charter_signed_on__isnull=False,
            )
            .select_related("membership__user")
            .order_by("membership__user__last_name", "id")
        )


class MentorshipStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Mentorship.Status.choices)
    on = forms.DateField(label=_("Date of the end"), widget=DATE_INPUT, required=False)
    reason = forms.ChoiceField(
        label=_("Reason for ending"),
        choices=[("", "—"), *Mentorship.EndReason.choices],
        required=False,
    )
    comment = forms.CharField(
        label=_("Comment"),
        max_length=1_000,
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )


class MentoringSettingsForm(forms.Form):
    mentee_name = forms.ChoiceField(
        label=_("How do volunteers see their mentees' names?"),
        choices=MenteeName.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "On their pages and in the API. The initial alone is enough for most pairs "
            "(minimisation); the full name helps with appointments and procedures."
        ),
    )
