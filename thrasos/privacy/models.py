"""Personal-data records of the organisation: information notices given,
anonymisations (and the history scrubs they made), reasons to keep an
inactive record, retention runs and subject access exports.

The person followed is referenced by the string "beneficiaries.Beneficiary":
the platform never imports the module (thrasos.privacy.registry names the
person's model at run time)."""

import os
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from thrasos.audit.history import track_changes
from thrasos.core.fields import BoundedTextField
from thrasos.core.validators import PROGRAMME_EARLIEST, DateRange
from thrasos.referentials.languages import LANGUAGES
from thrasos.tenancy import TenantModel

PERSON_MODEL = "beneficiaries.Beneficiary"


@track_changes
class InformationNotice(TenantModel):
    """The day the person received the information notice on their data
    (GDPR art. 13), in which language, given by whom."""

    person = models.ForeignKey(
        PERSON_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("person")
    )
    received_on = models.DateField(
        _("received on"), validators=[DateRange(earliest=PROGRAMME_EARLIEST, years_ahead=0)]
    )
    language = models.CharField(_("language"), max_length=3, choices=LANGUAGES)
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("given by"),
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("information notice")
        verbose_name_plural = _("information notices")
        ordering = ["-received_on", "-id"]
        indexes = [
            models.Index(fields=["organisation", "person", "received_on"], name="privacy_notice")
        ]


class AnonymisationKind(models.TextChoices):
    DECISION = "decision", _("Decision of an administrator")
    ERASURE_REQUEST = "erasure_request", _("Erasure requested by the person")
    RETENTION = "retention", _("End of the retention period")


class Anonymisation(TenantModel):
    """One irreversible anonymisation of a person. Pending only inside the
    transaction that anonymises: the database function that scrubs the
    change history (privacy_scrub_history) refuses unless the row it is
    given is pending, then the service marks it done."""

    class Status(models.TextChoices):
        PENDING = "pending", _("In progress")
        DONE = "done", _("Done")

    person = models.ForeignKey(PERSON_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=AnonymisationKind.choices)
    reason = BoundedTextField(_("reason"), max_length=1_000)
    requested_on = models.DateField(
        _("date of the request"),
        null=True,
        blank=True,
        validators=[DateRange(earliest=PROGRAMME_EARLIEST, years_ahead=0)],
    )
    # None: the retention task.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    # The database transaction that anonymises (txid_current()): the history
    # scrub is refused from any other one, so a pending row left behind can
    # never be reused.
    transaction_id = models.BigIntegerField(null=True, editable=False)
    started_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)
    # {"model label": rows changed}, {"table": history rows scrubbed}, files deleted.
    summary = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("anonymisation")
        verbose_name_plural = _("anonymisations")
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "person"],
                condition=models.Q(status="done"),
                name="privacy_one_anonymisation_done",
            )
        ]


class HistoryScrub(TenantModel):
    """Written only by the database function privacy_scrub_history (as the
    owner role): which history table it changed for which anonymisation.
    The runtime role may read it, never write it."""

    anonymisation = models.ForeignKey(Anonymisation, on_delete=models.PROTECT, related_name="+")
    event_table = models.CharField(max_length=100)
    columns = models.TextField()
    rows = models.PositiveIntegerField()
    at = models.DateTimeField()
    db_user = models.CharField(max_length=100)

    class Meta:
        ordering = ["at", "id"]


@track_changes
class RetentionHold(TenantModel):
    """A reason to keep an inactive record past the retention period, until
    a new date (the record is examined again then)."""

    person = models.ForeignKey(PERSON_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = BoundedTextField(_("reason to keep"), max_length=1_000)
    keep_until = models.DateField(
        _("keep until"), validators=[DateRange(earliest=PROGRAMME_EARLIEST, years_ahead=5)]
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("reason to keep a record")
        verbose_name_plural = _("reasons to keep records")
        ordering = ["-keep_until", "-id"]
        indexes = [
            models.Index(fields=["organisation", "person", "keep_until"], name="privacy_hold")
        ]


class RetentionRun(TenantModel):
    """One run of a periodic retention task, reported."""

    class Kind(models.TextChoices):
        RECORDS = "records", _("Inactive records anonymised")
        ACCESS_LOG = "access_log", _("Access log purged")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    cutoff = models.DateField(_("inactive since before"), null=True, blank=True)
    examined = models.PositiveIntegerField(_("examined"), default=0)
    anonymised = models.PositiveIntegerField(_("anonymised"), default=0)
    kept = models.PositiveIntegerField(_("kept for a reason"), default=0)
    deleted = models.PositiveIntegerField(_("rows deleted"), default=0)
    error = models.CharField(_("error"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("retention run")
        verbose_name_plural = _("retention runs")
        ordering = ["-started_at", "-id"]


class ExportStorage(FileSystemStorage):
    """Subject access exports: on disk under MEDIA_ROOT/privacy, never behind
    a public URL (served by thrasos.privacy.views.export_download)."""

    @property
    def base_location(self):
        return str(Path(settings.MEDIA_ROOT) / "privacy")

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise NotImplementedError("Subject access exports have no public URL.")


class SubjectAccessExport(TenantModel):
    class Status(models.TextChoices):
        PENDING = "pending", _("Being prepared")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    person = models.ForeignKey(PERSON_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    file = models.FileField(storage=ExportStorage, max_length=255, blank=True)
    size = models.PositiveIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("subject access export")
        verbose_name_plural = _("subject access exports")
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["organisation", "person"], name="privacy_export_person")]
