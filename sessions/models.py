"""The 10-week preparation sessions (SPEC §5.2): cohorts, enrolments with a
waiting list, the timetable of activities, attendance."""

import datetime

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from beneficiaries.pathway import WithdrawalReason
from thrasos.audit.history import track_changes
from thrasos.core.fields import BoundedTextField
from thrasos.core.validators import PROGRAMME_EARLIEST, DateRange
from thrasos.tenancy import TenantModel, TerritoryQuerySet, tenant_manager

SESSION_LENGTH = datetime.timedelta(weeks=10)
# Ten weeks by default; a longer end date is a typing mistake (2028 for 2027).
SESSION_MAX = datetime.timedelta(weeks=26)


class PreparationSessionQuerySet(TerritoryQuerySet):
    """Sessions of a territory (`in_territories`)."""


@track_changes
class PreparationSession(TenantModel):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        RECRUITING = "recruiting", _("Recruiting")
        RUNNING = "running", _("Running")
        CLOSED = "closed", _("Closed")

    name = models.CharField(_("name"), max_length=100, help_text=_("For example “Session 2027-1”."))
    territory = models.ForeignKey(
        "accounts.Territory",
        on_delete=models.PROTECT,
        verbose_name=_("territory"),
        related_name="+",
    )
    site = models.CharField(_("site"), max_length=200, blank=True, help_text=_("Address or place."))
    # Sessions are planned a few months ahead, three a year.
    start_date = models.DateField(
        _("start date"), validators=[DateRange(earliest=PROGRAMME_EARLIEST, years_ahead=2)]
    )
    end_date = models.DateField(_("end date"), help_text=_("Ten weeks after the start if empty."))
    capacity = models.PositiveSmallIntegerField(_("capacity"), validators=[MinValueValidator(1)])
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    training_provider = models.CharField(
        _("partner training organisation"), max_length=200, blank=True
    )
    planned_fle_hours = models.DecimalField(
        _("planned FLE hours"),
        max_digits=5,
        decimal_places=1,
        default=0,
        validators=[MinValueValidator(0)],
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = tenant_manager(PreparationSessionQuerySet)

    class Meta:
        verbose_name = _("preparation session")
        verbose_name_plural = _("preparation sessions")
        ordering = ["-start_date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="prep_session_name"),
            models.CheckConstraint(
                condition=models.Q(end_date__gt=models.F("start_date")),
                name="prep_session_dates",
            ),
            models.CheckConstraint(
                condition=models.Q(capacity__gt=0), name="prep_session_capacity"
            ),
            models.CheckConstraint(
                condition=models.Q(planned_fle_hours__gte=0), name="prep_session_fle_hours"
            ),
        ]
        indexes = [
            models.Index(
                fields=["organisation", "territory", "start_date"], name="prep_session_terr"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("sessions:detail", args=[self.pk])

    def clean(self) -> None:
        super().clean()
        if self.start_date and not self.end_date:
            self.end_date = self.start_date + SESSION_LENGTH - datetime.timedelta(days=1)
        if self.start_date and self.end_date and self.end_date <= self.start_date:
            raise ValidationError({"end_date": _("The end date must be after the start date.")})
        if self.start_date and self.end_date and self.end_date - self.start_date > SESSION_MAX:
            raise ValidationError(
                {
                    "end_date": _("A session lasts at most %(weeks)s weeks.")
                    % {"weeks": SESSION_MAX.days // 7}
                }
            )

    def contains(self, day: datetime.date) -> bool:
        return self.start_date <= day <= self.end_date

    @property
    def is_started(self) -> bool:
        return self.status in (self.Status.RUNNING, self.Status.CLOSED)


class EnrolmentQuerySet(models.QuerySet):
    def participants(self):
        """The group, and the places taken: enrolled, completed, or dropped
        out (a place freed by a drop-out is not given back mid-session)."""
        return self.filter(
            status__in=[
                Enrolment.Status.ENROLLED,
                Enrolment.Status.COMPLETED,
                Enrolment.Status.DROPPED_OUT,
            ]
        )

    def waiting(self):
        return self.filter(status=Enrolment.Status.WAITING).order_by("waiting_position", "id")


@track_changes
class Enrolment(TenantModel):
    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting list")
        ENROLLED = "enrolled", _("Enrolled")
        COMPLETED = "completed", _("Completed")
        DROPPED_OUT = "dropped_out", _("Dropped out")
        REMOVED = "removed", _("Removed before the start")

    session = models.ForeignKey(
        PreparationSession, on_delete=models.PROTECT, related_name="enrolments"
    )
    beneficiary = models.ForeignKey(
        "beneficiaries.Beneficiary", on_delete=models.PROTECT, related_name="enrolments"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    waiting_position = models.PositiveIntegerField(_("position"), null=True, blank=True)
    enrolled_on = models.DateField(
        _("enrolled on"), null=True, blank=True, validators=[DateRange(earliest=PROGRAMME_EARLIEST)]
    )
    ended_on = models.DateField(
        _("ended on"), null=True, blank=True, validators=[DateRange(earliest=PROGRAMME_EARLIEST)]
    )
    dropout_reason = models.CharField(
        _("reason"), max_length=20, choices=WithdrawalReason.choices, blank=True
    )
    comment = BoundedTextField(_("comment"), max_length=1_000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = tenant_manager(EnrolmentQuerySet)

    ACTIVE = (Status.WAITING, Status.ENROLLED)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["id"]
        constraints = [
            # Once per session (a removed entry may be enrolled again).
            models.UniqueConstraint(
                fields=["session", "beneficiary"],
                condition=~models.Q(status="removed"),
                name="prep_enrolment_once",
            ),
            # In one session at a time.
            models.UniqueConstraint(
                fields=["beneficiary"],
                condition=models.Q(status="enrolled"),
                name="prep_enrolment_one_session",
            ),
            models.CheckConstraint(
                condition=models.Q(status="waiting", waiting_position__isnull=False)
                | (~models.Q(status="waiting") & models.Q(waiting_position__isnull=True)),
                name="prep_enrolment_waiting_position",
            ),
        ]
        indexes = [
            models.Index(
                fields=["organisation", "session", "status"], name="prep_enrolment_session"
            ),
            models.Index(fields=["organisation", "beneficiary"], name="prep_enrolment_person"),
        ]

    def __str__(self) -> str:
        return f"{self.beneficiary} – {self.session}"

    def attends_on(self, day: datetime.date) -> bool:
        """Whether the person belonged to the group on that day."""
        if self.status not in (
            self.Status.ENROLLED,
            self.Status.COMPLETED,
            self.Status.DROPPED_OUT,
        ):
            return False
        left_before = (
            self.status == self.Status.DROPPED_OUT and self.ended_on and day > self.ended_on
        )
        return not left_before


class ActivityKind(models.TextChoices):
    FLE = "fle", _("Professional French (FLE)")
    WORKSHOP = "workshop", _("Collective workshop")
    INDIVIDUAL = "individual", _("Individual appointment")
    PLATFORM_VISIT = "platform_visit", _("Technical-platform visit")
    CULTURAL_OUTING = "cultural_outing", _("Cultural outing")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")


@track_changes
class ActivitySeries(TenantModel):
    """A recurring activity (e.g. FLE Monday, Wednesday, Friday 9:00–12:00 for
    the whole session). Its occurrences are ordinary activities: each can be
    edited or cancelled on its own."""

    session = models.ForeignKey(PreparationSession, on_delete=models.CASCADE, related_name="series")
    kind = models.CharField(_("kind"), max_length=20, choices=ActivityKind.choices)
    title = models.CharField(_("title"), max_length=200, blank=True)
    weekdays = ArrayField(
        models.PositiveSmallIntegerField(choices=Weekday.choices), verbose_name=_("days")
    )
    first_date = models.DateField(_("from"))
    last_date = models.DateField(_("to"))
    start_time = models.TimeField(_("start"))
    end_time = models.TimeField(_("end"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("recurring activity")
        verbose_name_plural = _("recurring activities")

    def __str__(self) -> str:
        return self.title or self.get_kind_display()


class ActivityQuerySet(models.QuerySet):
    def held(self):
        return self.filter(cancelled_at__isnull=True)

    def with_hours(self):
        return self.annotate(
            duration=models.ExpressionWrapper(
                models.F("end_time") - models.F("start_time"),
                output_field=models.DurationField(),
            )
        )


@track_changes
class Activity(TenantModel):
    session = models.ForeignKey(
        PreparationSession, on_delete=models.PROTECT, related_name="activities"
    )
    series = models.ForeignKey(
        ActivitySeries,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="occurrences",
        editable=False,
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ActivityKind.choices)
    title = models.CharField(_("title"), max_length=200, blank=True)
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("start"))
    end_time = models.TimeField(_("end"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    facilitator = models.CharField(_("facilitator"), max_length=200, blank=True)
    partner = models.CharField(_("partner"), max_length=200, blank=True)
    participant = models.ForeignKey(
        Enrolment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appointments",
        verbose_name=_("participant"),
        help_text=_("Individual appointments only."),
    )
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True, editable=False)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=200, blank=True)

    objects = tenant_manager(ActivityQuerySet)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["date", "start_time", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_time__gt=models.F("start_time")), name="prep_activity_times"
            ),
            models.CheckConstraint(
                condition=models.Q(kind="individual", participant__isnull=False)
                | (~models.Q(kind="individual") & models.Q(participant__isnull=True)),
                name="prep_activity_participant",
            ),
        ]
        indexes = [
            models.Index(
                fields=["organisation", "session", "date", "start_time"], name="prep_activity_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.label} – {self.date:%d/%m/%Y}"

    def get_absolute_url(self) -> str:
        return reverse("sessions:attendance", args=[self.pk])

    @property
    def label(self) -> str:
        return self.title or self.get_kind_display()

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def hours(self) -> float:
        start = datetime.datetime.combine(self.date, self.start_time)
        end = datetime.datetime.combine(self.date, self.end_time)
        return (end - start).total_seconds() / 3600


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Present")
    LATE = "late", _("Late")
    EXCUSED = "excused", _("Excused absence")
    UNEXCUSED = "unexcused", _("Unexcused absence")


ATTENDED = (AttendanceStatus.PRESENT, AttendanceStatus.LATE)


@track_changes
class Attendance(TenantModel):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="attendances")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="attendances")
    status = models.CharField(_("attendance"), max_length=10, choices=AttendanceStatus.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["activity", "enrolment"], name="prep_attendance_once")
        ]
        indexes = [
            models.Index(fields=["organisation", "enrolment"], name="prep_attendance_person"),
        ]
