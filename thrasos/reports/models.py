"""Activity reports asked for by a member: parameters, progress, the digest
of their figures and the PDF itself."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from thrasos.audit.history import track_changes
from thrasos.tenancy import TenantModel


class ReportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    COMPUTING = "computing", _("Computing the figures")
    RENDERING = "rendering", _("Rendering the PDF")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


FINISHED = (ReportStatus.READY, ReportStatus.FAILED)


class ScopeKind(models.TextChoices):
    ORGANISATION = "organisation", _("Organisation")
    TERRITORY = "territory", _("Territory")
    SESSION = "session", _("Preparation session")


@track_changes
class ReportRequest(TenantModel):
    """One activity report: who asked, for what scope and period, when, and
    how far its generation went (thrasos.reports.tasks.report_generate)."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("requested by"),
    )  # fmt: skip
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    scope_kind = models.CharField(_("scope"), max_length=20, choices=ScopeKind.choices)
    # A territory's or a session's id (the platform does not reference the
    # sessions module's table): checked against the organisation's own when asked.
    scope_id = models.PositiveBigIntegerField(null=True, blank=True)
    scope_label = models.CharField(_("scope"), max_length=250)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    # The day the figures are computed "as of" (trial periods passed, contracts
    # in force): fixed when asked, so that regenerating gives the same figures.
    as_of = models.DateField(_("as of"))
    status = models.CharField(
        _("status"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.QUEUED
    )
    updated_at = models.DateTimeField(auto_now=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    # The published (masked) figures, as the report prints them: aggregates
    # only, never a person. The PDF is rendered from them.
    figures = models.JSONField(_("figures"), null=True, blank=True, editable=False)
    # SHA-256 of those figures, canonical JSON.
    digest = models.CharField(_("digest of the figures"), max_length=64, blank=True)
    pages = models.PositiveSmallIntegerField(_("pages"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("activity report")
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["organisation", "-requested_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="reports_period_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(scope_kind="organisation", scope_id__isnull=True)
                | (~models.Q(scope_kind="organisation") & models.Q(scope_id__isnull=False)),
                name="reports_scope_named",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scope_label} {self.period_start:%d/%m/%Y}–{self.period_end:%d/%m/%Y}"

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED


class ReportFile(TenantModel):
    """The PDF of a ready report (kept apart so that lists and the change
    history never carry the bytes)."""

    report = models.OneToOneField(ReportRequest, on_delete=models.CASCADE, related_name="file")
    content = models.BinaryField()
    size = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"{self.report_id}: {self.size} bytes"
