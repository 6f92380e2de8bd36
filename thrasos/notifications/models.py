"""Reminders and notifications (SPEC §5.6).

A `Notification` is one reminder for one member: its unique key (kind,
object, due date, recipient) is what makes the computation idempotent —
the daily sweep inserts with ON CONFLICT DO NOTHING, so a beat that runs
twice or a worker that dies half-way never creates a reminder twice.

A `Delivery` is one e-mail (one notification sent at once, or one member's
daily digest), with its own unique key: the sender claims it in the database,
sends it and marks it sent, so each e-mail leaves exactly once
(thrasos/notifications/delivery.py)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from thrasos.audit.history import track_changes
from thrasos.tenancy import TenantModel, tenant_manager


class Channel(models.TextChoices):
    IMMEDIATE = "immediate", _("E-mail at once")
    DIGEST = "digest", _("Daily digest e-mail (7:00)")
    NONE = "none", _("No e-mail (in the application only)")


class NotificationQuerySet(models.QuerySet):
    def for_member(self, membership):
        return self.filter(recipient_id=membership.pk)

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(TenantModel):
    recipient = models.ForeignKey("accounts.Membership", on_delete=models.CASCADE, related_name="+")
    # A code of the registry (thrasos.notifications.registry), "module.what".
    kind = models.CharField(_("kind"), max_length=60)
    # The id of the object the reminder is about (the kind says which model).
    object_id = models.BigIntegerField()
    # The day the reminder fell due (e.g. 30 days before an expiry): part of
    # the key, so that each stage (90, 30, 7 days) is one reminder.
    due_on = models.DateField(_("due on"))
    # The date of what is reminded (the expiry, the start, the end).
    event_on = models.DateField(_("date"), null=True)
    # Who or what it is about, shown in the application only (never e-mailed).
    subject = models.CharField(_("about"), max_length=200)
    link = models.CharField(max_length=300)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    objects = tenant_manager(NotificationQuerySet)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kind", "object_id", "due_on", "recipient"],
                name="notification_once",
            )
        ]
        indexes = [
            models.Index(
                fields=["organisation", "recipient", "-created_at", "-id"],
                name="notification_inbox",
            ),
            # The bell: an index-only count of a member's unread rows.
            models.Index(
                fields=["organisation", "recipient"],
                condition=Q(read_at__isnull=True),
                name="notification_unread",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.object_id} {self.due_on:%d/%m/%Y}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class DeliveryQuerySet(models.QuerySet):
    def due(self, now=None):
        return self.filter(
            status=Delivery.Status.PENDING, next_attempt_at__lte=now or timezone.now()
        )


class Delivery(TenantModel):
    """One e-mail: a notification sent at once, or a member's digest of a day."""

    class Status(models.TextChoices):
        PENDING = "pending", _("To send")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    recipient = models.ForeignKey("accounts.Membership", on_delete=models.CASCADE, related_name="+")
    notification = models.OneToOneField(
        Notification, on_delete=models.CASCADE, null=True, related_name="delivery"
    )
    digest_on = models.DateField(null=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = tenant_manager(DeliveryQuerySet)

    class Meta:
        verbose_name = _("e-mail delivery")
        verbose_name_plural = _("e-mail deliveries")
        constraints = [
            models.CheckConstraint(
                condition=Q(notification__isnull=True) ^ Q(digest_on__isnull=True),
                name="delivery_one_thing",
            ),
            models.UniqueConstraint(
                fields=["organisation", "recipient", "digest_on"],
                condition=Q(digest_on__isnull=False),
                name="delivery_digest_once",
            ),
        ]
        indexes = [
            models.Index(
                fields=["organisation", "next_attempt_at"],
                condition=Q(status="pending"),
                name="delivery_pending",
            )
        ]

    def __str__(self) -> str:
        return f"delivery #{self.pk} ({self.status})"


@track_changes
class Preference(TenantModel):
    """How a member wants to hear about one kind of reminder; without a row,
    the kind's default (registry)."""

    membership = models.ForeignKey(
        "accounts.Membership", on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=60)
    channel = models.CharField(_("e-mail"), max_length=10, choices=Channel.choices)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "membership", "kind"], name="notification_pref_once"
            )
        ]


@track_changes
class OrganisationOption(TenantModel):
    """An automation an organisation chose (registry.register_option), with
    who chose it: automatic actions are recorded in their name."""

    key = models.CharField(max_length=60)
    enabled = models.BooleanField(default=False)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("organisation option")
        verbose_name_plural = _("organisation options")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "key"], name="organisation_option_once")
        ]

    def __str__(self) -> str:
        return f"{self.key}={self.enabled}"
