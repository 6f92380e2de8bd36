"""Mentoring (SPEC §5.5): volunteers of the local associations, the pairs
they form with beneficiaries, the notes they write after each contact, the
alerts those notes raise for the caseworkers, and the nudges caseworkers send
to a silent volunteer.

What a volunteer may read of a beneficiary is decided by
thrasos.permissions (contact and mentoring fields only); which beneficiaries,
by mentoring.selectors (their own mentees only)."""

import datetime

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from thrasos.audit.history import track_changes
from thrasos.core.fields import BoundedTextField
from thrasos.core.validators import PROGRAMME_EARLIEST, DateRange
from thrasos.permissions import Sensitivity
from thrasos.referentials.languages import LANGUAGES
from thrasos.tenancy import TenantModel, TerritoryQuerySet, tenant_manager

# A volunteer may correct a note for two days; after that it is kept as written.
NOTE_EDIT_WINDOW = datetime.timedelta(hours=48)


class VolunteerProfileQuerySet(TerritoryQuerySet):
    territory_field = "territory"


@track_changes
class VolunteerProfile(TenantModel):
    """The mentoring side of a member with the volunteer role."""

    membership = models.OneToOneField(
        "accounts.Membership",
        on_delete=models.PROTECT,
        related_name="volunteer_profile",
        verbose_name=_("volunteer"),
    )
    territory = models.ForeignKey(
        "accounts.Territory",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("territory"),
    )
    availability = BoundedTextField(
        _("availability"),
        max_length=500,
        blank=True,
        help_text=_("For example “Tuesday afternoons, some Saturdays”."),
    )
    languages = ArrayField(
        models.CharField(max_length=3, choices=LANGUAGES),
        verbose_name=_("languages spoken"),
        default=list,
        blank=True,
    )
    skills = BoundedTextField(_("skills"), max_length=1_000, blank=True)
    charter_signed_on = models.DateField(
        _("volunteer charter signed on"),
        null=True,
        blank=True,
        help_text=_("A volunteer who has not signed the charter cannot be paired."),
        validators=[DateRange(earliest=PROGRAMME_EARLIEST)],
    )
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Untick while the volunteer takes a break.")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = tenant_manager(VolunteerProfileQuerySet)

    class Meta:
        verbose_name = _("volunteer profile")
        verbose_name_plural = _("volunteer profiles")
        indexes = [
            models.Index(fields=["organisation", "territory"], name="mentoring_profile_terr"),
        ]

    def __str__(self) -> str:
        return str(self.membership.user)

    @property
    def can_be_paired(self) -> bool:
        return self.is_active and self.charter_signed_on is not None


class MentorshipQuerySet(TerritoryQuerySet):
    territory_field = "beneficiary__current_territory"

    def current(self):
        """Active or paused: the pairs a volunteer still sees."""
        return self.exclude(status=Mentorship.Status.ENDED)

    def active(self):
        return self.filter(status=Mentorship.Status.ACTIVE)


@track_changes
class Mentorship(TenantModel):
    """A volunteer and a beneficiary of the same territory (a "binôme")."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        PAUSED = "paused", _("Paused")
        ENDED = "ended", _("Ended")

    class EndReason(models.TextChoices):
        GOAL_REACHED = "goal_reached", _("Goals reached")
        BENEFICIARY_LEFT = "beneficiary_left", _("The person left the programme")
        VOLUNTEER_LEFT = "volunteer_left", _("The volunteer stopped")
        MISMATCH = "mismatch", _("The pair did not work")
        OTHER = "other", _("Other")

    volunteer = models.ForeignKey(
        VolunteerProfile,
        on_delete=models.PROTECT,
        related_name="mentorships",
        verbose_name=_("volunteer"),
    )
    beneficiary = models.ForeignKey(
        "beneficiaries.Beneficiary",
        on_delete=models.PROTECT,
        related_name="mentorships",
        verbose_name=_("beneficiary"),
    )
    started_on = models.DateField(
        _("start date"),
        default=timezone.localdate,
        validators=[DateRange(earliest=PROGRAMME_EARLIEST, years_ahead=1)],
    )
    ended_on = models.DateField(
        _("end date"), null=True, blank=True, validators=[DateRange(earliest=PROGRAMME_EARLIEST)]
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    end_reason = models.CharField(
        _("reason for ending"), max_length=20, choices=EndReason.choices, blank=True
    )
    end_comment = BoundedTextField(_("comment"), max_length=1_000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = tenant_manager(MentorshipQuerySet)

    class Meta:
        verbose_name = _("mentorship")
        verbose_name_plural = _("mentorships")
        ordering = ["-started_on", "id"]
        constraints = [
            # One pair at a time: a paused pair is still the pair.
            models.UniqueConstraint(
                fields=["organisation", "volunteer", "beneficiary"],
                condition=~models.Q(status="ended"),
                name="mentoring_one_current_pair",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(status="ended", ended_on__isnull=False) & ~models.Q(end_reason="")
                )
                | (~models.Q(status="ended") & models.Q(ended_on__isnull=True, end_reason="")),
                name="mentoring_ended_with_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | models.Q(ended_on__gte=models.F("started_on")),
                name="mentoring_dates",
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "volunteer", "status"], name="mentoring_pair_vol"),
            models.Index(
                fields=["organisation", "beneficiary", "status"], name="mentoring_pair_benef"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer} – {self.beneficiary}"

    def get_absolute_url(self) -> str:
        return reverse("mentoring:mentee", args=[self.pk])


# For the API schema's enum names (settings.SPECTACULAR_SETTINGS).
MentorshipStatus = Mentorship.Status
MentorshipEndReason = Mentorship.EndReason


class NoteKind(models.TextChoices):
    MEETING = "meeting", _("Meeting")
    CALL = "call", _("Call")
    OUTING = "outing", _("Outing")
    PROCEDURE = "procedure", _("Help with a procedure")
    OTHER = "other", _("Other")


class Topic(models.TextChoices):
    HOUSING = "housing", _("Housing")
    WORK = "work", _("Work")
    TRAINING = "training", _("Training")
    HEALTH_ACCESS = "health_access", _("Access to health care")
    PROCEDURE = "procedure", _("Administrative procedure")
    LANGUAGE = "language", _("French language")
    LEISURE = "leisure", _("Leisure")
    OTHER = "other", _("Other")


class Urgency(models.TextChoices):
    TO_KNOW = "to_know", _("To know")
    SOON = "soon", _("Soon")
    URGENT = "urgent", _("Urgent")


# Urgent first in the inbox.
URGENCY_RANK = {Urgency.URGENT: 0, Urgency.SOON: 1, Urgency.TO_KNOW: 2}


class MentoringNoteQuerySet(models.QuerySet):
    def alerts(self):
        return self.exclude(alert_urgency="")

    def open_alerts(self):
        return self.alerts().filter(acknowledged_at__isnull=True)

    def urgent_first(self):
        rank = models.Case(
            *(models.When(alert_urgency=u, then=models.Value(r)) for u, r in URGENCY_RANK.items()),
            default=models.Value(9),
        )
        return self.order_by(rank, "created_at", "id")


@track_changes
class MentoringNote(TenantModel):
    """What a volunteer did with their mentee, written by the volunteer; with
    an optional alert for the caseworker."""

    mentorship = models.ForeignKey(
        Mentorship, on_delete=models.PROTECT, related_name="notes", verbose_name=_("mentorship")
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    occurred_on = models.DateField(
        _("date"), default=timezone.localdate, validators=[DateRange(earliest=PROGRAMME_EARLIEST)]
    )
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), validators=[MinValueValidator(5), MaxValueValidator(720)]
    )
    kind = models.CharField(_("kind"), max_length=20, choices=NoteKind.choices)
    topics = ArrayField(
        models.CharField(max_length=20, choices=Topic.choices),
        verbose_name=_("topics"),
        default=list,
        blank=True,
    )
    summary = BoundedTextField(
        _("summary"),
        max_length=2_000,
        help_text=_("A few factual lines: what you did, what was decided."),
    )
    alert_urgency = models.CharField(
        _("urgency"), max_length=10, choices=Urgency.choices, blank=True
    )
    alert_reason = BoundedTextField(_("reason for the alert"), max_length=1_000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    acknowledgement = BoundedTextField(_("answer"), max_length=1_000, blank=True)

    objects = tenant_manager(MentoringNoteQuerySet)

    FIELD_SENSITIVITY = {
        "occurred_on": Sensitivity.MENTORING,
        "duration_minutes": Sensitivity.MENTORING,
        "kind": Sensitivity.MENTORING,
        "topics": Sensitivity.MENTORING,
        "summary": Sensitivity.MENTORING,
        "alert_urgency": Sensitivity.MENTORING,
        "alert_reason": Sensitivity.MENTORING,
        "acknowledged_at": Sensitivity.MENTORING,
        "acknowledgement": Sensitivity.MENTORING,
    }

    class Meta:
        verbose_name = _("mentoring note")
        verbose_name_plural = _("mentoring notes")
        ordering = ["-occurred_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(duration_minutes__gte=5, duration_minutes__lte=720),
                name="mentoring_note_duration",
            ),
            models.CheckConstraint(
                condition=models.Q(alert_urgency="", alert_reason="")
                | (~models.Q(alert_urgency="") & ~models.Q(alert_reason="")),
                name="mentoring_note_alert_reason",
            ),
        ]
        indexes = [
            models.Index(
                fields=["organisation", "mentorship", "occurred_on"], name="mentoring_note_pair"
            ),
            models.Index(
                fields=["organisation", "created_at"],
                condition=~models.Q(alert_urgency="") & models.Q(acknowledged_at__isnull=True),
                name="mentoring_open_alert",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_on:%d/%m/%Y}"

    @property
    def topic_labels(self) -> list[str]:
        return [Topic(t).label for t in self.topics if t in Topic.values]

    @property
    def has_alert(self) -> bool:
        return bool(self.alert_urgency)

    @property
    def editable_until(self) -> datetime.datetime:
        return (self.created_at or timezone.now()) + NOTE_EDIT_WINDOW

    def is_editable(self, now: datetime.datetime | None = None) -> bool:
        return (now or timezone.now()) < self.editable_until and self.acknowledged_at is None


@track_changes
class Nudge(TenantModel):
    """A caseworker's message to a volunteer who has not written for a while,
    shown on the volunteer's home page until their next note."""

    volunteer = models.ForeignKey(VolunteerProfile, on_delete=models.PROTECT, related_name="nudges")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    message = BoundedTextField(_("message"), max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = tenant_manager()

    class Meta:
        verbose_name = _("nudge")
        verbose_name_plural = _("nudges")
        ordering = ["-created_at", "-id"]


class MenteeName(models.TextChoices):
    """How a volunteer sees their mentee's last name (the organisation decides)."""

    INITIAL = "initial", _("First name and the initial of the last name (Awa D.)")
    FULL = "full", _("First name and full last name (Awa Diallo)")


@track_changes
class MentoringSettings(TenantModel):
    """The organisation's choices for mentoring (one row per organisation;
    none yet means the defaults). Edited by its administrators."""

    mentee_name = models.CharField(
        _("mentee's name shown to volunteers"),
        max_length=10,
        choices=MenteeName.choices,
        default=MenteeName.INITIAL,
    )

    class Meta:
        verbose_name = _("mentoring settings")
        verbose_name_plural = _("mentoring settings")
        constraints = [
            models.UniqueConstraint(fields=["organisation"], name="mentoring_settings_once")
        ]

    def __str__(self) -> str:
        return str(self._meta.verbose_name)

    @property
    def full_names(self) -> bool:
        return self.mentee_name == MenteeName.FULL
