from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from thrasos.tenancy import TenantModel


class AccessAction(models.TextChoices):
    VIEW = "view", _("Viewed")
    DOWNLOAD = "download", _("Downloaded")
    EXPORT = "export", _("Exported")
    PRINT = "print", _("PDF generated")


class AccessLog(TenantModel):
    """One read of personal data: who, what, when. Append-only: the runtime
    role may only insert and select, and a trigger refuses updates and the
    deletion of entries younger than the retention period (12 months)."""

    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    action = models.CharField(_("action"), max_length=20, choices=AccessAction.choices)
    object_type = models.CharField(_("object type"), max_length=100)
    object_id = models.CharField(_("object id"), max_length=64)
    detail = models.CharField(_("detail"), max_length=255, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ["-at"]
        indexes = [
            models.Index(fields=["organisation", "object_type", "object_id", "at"]),
            models.Index(fields=["organisation", "user", "at"]),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}:{self.object_id}"
