"""Sending the e-mails of the notification centre, each exactly once.

A `Delivery` row is the e-mail. A sender claims one due row with
SELECT … FOR UPDATE SKIP LOCKED (two workers never take the same row), and
holds that lock while it talks to the SMTP server. The row is marked sent
and the transaction COMMITS after the message body has been written and
BEFORE the SMTP end-of-data marker (".") is: a server never delivers a
message whose DATA did not end, so
- a worker killed before the commit leaves an unfinished message that the
  server discards, and the database rolls the claim back: the row is due
  again and the next sender sends it (no loss, no duplicate);
- after the commit only the five bytes of the marker remain to be written.
If the server then refuses the message (a 4xx/5xx after the marker), the row
goes back to pending with a back-off, and after MAX_ATTEMPTS it is shown as
failed. The residual window — a process killed between the commit and the
write of the marker — would lose that one e-mail (the notification itself
stays in the application); it is a few microseconds wide.

Backends that are not SMTP (console, file, memory: development and tests)
are called after the row is marked, inside the claim.

E-mails carry no personal data beyond the recipient's first name: the kind's
generic title and a link into the application (SPEC §5.6)."""

from __future__ import annotations

import datetime
import logging
import re
import smtplib
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from thrasos.notifications import registry
from thrasos.notifications.models import Delivery, Notification
from thrasos.tenancy import tenant_context

logger = logging.getLogger(__name__)

# Waits before attempts 2, 3, …; the row is failed after the last.
BACKOFF = (
    datetime.timedelta(minutes=1),
    datetime.timedelta(minutes=5),
    datetime.timedelta(minutes=30),
    datetime.timedelta(hours=2),
    datetime.timedelta(hours=6),
)
MAX_ATTEMPTS = len(BACKOFF) + 1
DIGEST_HOUR = 7


def digest_cutoff(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(DIGEST_HOUR)))


def _absolute(path: str) -> str:
    return settings.THRASOS_BASE_URL.rstrip("/") + path


def digest_items(delivery: Delivery) -> list[Notification]:
    """The notifications a digest lists: the member's digest-channel
    notifications created since the previous digest's cut-off (or the day
    before) until this one's. Deterministic: a retry lists the same."""
    from thrasos.notifications.selectors import digest_codes

    end = digest_cutoff(delivery.digest_on)
    previous = (
        Delivery.objects.filter(
            recipient_id=delivery.recipient_id, digest_on__lt=delivery.digest_on
        )
        .order_by("-digest_on")
        .values_list("digest_on", flat=True)
        .first()
    )
    start = digest_cutoff(previous) if previous else end - datetime.timedelta(days=1)
    return list(
        Notification.objects.filter(
            recipient_id=delivery.recipient_id,
            kind__in=digest_codes(delivery.recipient),
            created_at__gte=start,
            created_at__lt=end,
        ).order_by("created_at", "id")
    )


@dataclass
class Rendered:
    subject: str
    text: str
    html: str


def render(delivery: Delivery) -> Rendered:
    """The e-mail, in French, with the recipient's first name, generic titles
    and links into the application only."""
    user = delivery.recipient.user
    with translation.override("fr"):
        context = {
            "first_name": user.first_name,
            "centre_url": _absolute(reverse("notifications:index")),
            "preferences_url": _absolute(reverse("notifications:preferences")),
        }
        if delivery.notification_id:
            notification = delivery.notification
            kind = registry.get_kind(notification.kind)
            title = str(kind.email_title) if kind else str(notification.kind)
            context |= {
                "title": title,
                "link": _absolute(reverse("notifications:open", args=[notification.pk])),
            }
            subject = f"Thrasos – {title}"
            name = "notification"
        else:
            items = digest_items(delivery)
            counts: dict[str, int] = {}
            for item in items:
                kind = registry.get_kind(item.kind)
                title = str(kind.email_title) if kind else item.kind
                counts[title] = counts.get(title, 0) + 1
            context |= {"lines": sorted(counts.items()), "total": len(items)}
            subject = "Thrasos – " + translation.ngettext(
                "%(count)s new reminder", "%(count)s new reminders", len(items)
            ) % {"count": len(items)}
            name = "digest"
        text = render_to_string(f"notifications/email/{name}.txt", context)
        html = render_to_string(f"notifications/email/{name}.html", context)
    return Rendered(subject, text, html)


def build_message(delivery: Delivery, rendered: Rendered) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        rendered.subject,
        rendered.text,
        settings.DEFAULT_FROM_EMAIL,
        [delivery.recipient.user.email],
        headers={
            # Stable across retries: a receiving system can recognise a resend.
            "Message-ID": f"<thrasos-delivery-{delivery.organisation_id}-{delivery.pk}@thrasos>",
            "X-Thrasos-Delivery": f"{delivery.organisation_id}-{delivery.pk}",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(rendered.html, "text/html")
    return message


# --- transports


class _SmtpTransport:
    """One SMTP connection, reused for a batch; the message is written in two
    steps around the commit (see the module's docstring)."""

    def __init__(self, backend: SmtpBackend):
        self.backend = backend

    def begin(self, message: EmailMultiAlternatives) -> None:
        import email.policy

        if self.backend.connection is None:
            self.backend.open()
        conn = self.backend.connection
        sender = self.backend.prep_address(message.from_email)
        recipient = self.backend.prep_address(message.to[0])
        payload = message.message(policy=email.policy.SMTP).as_bytes()
        conn.ehlo_or_helo_if_needed()
        code, reply = conn.mail(sender)
        if code != 250:
            conn.rset()
            raise smtplib.SMTPSenderRefused(code, reply, sender)
        code, reply = conn.rcpt(recipient)
        if code not in (250, 251):
            conn.rset()
            raise smtplib.SMTPRecipientsRefused({recipient: (code, reply)})
        conn.putcmd("data")
        code, reply = conn.getreply()
        if code != 354:
            conn.rset()
            raise smtplib.SMTPDataError(code, reply)
        body = re.sub(rb"(?m)^\.", b"..", payload)
        if not body.endswith(b"\r\n"):
            body += b"\r\n"
        conn.send(body)

    def finish(self) -> None:
        conn = self.backend.connection
        conn.send(b".\r\n")
        code, reply = conn.getreply()
        if code != 250:
            raise smtplib.SMTPDataError(code, reply)

    def abandon(self) -> None:
        self.close()

    def close(self) -> None:
        try:
            self.backend.close()
        except Exception:
            self.backend.connection = None


class _BackendTransport:
    """Any other backend (console, file, memory): sent in one call."""

    def __init__(self, backend):
        self.backend = backend
        self.message = None

    def begin(self, message: EmailMultiAlternatives) -> None:
        self.message = message

    def finish(self) -> None:
        self.backend.send_messages([self.message])

    def abandon(self) -> None:
        self.message = None

    def close(self) -> None:
        pass


def _transport():
    backend = mailers["default"]
    if isinstance(backend, SmtpBackend):
        return _SmtpTransport(backend)
    return _BackendTransport(backend)


def _failed_attempt(delivery: Delivery, error: Exception, *, counted: bool = False) -> None:
    if not counted:
        delivery.attempts += 1
    delivery.sent_at = None
    delivery.last_error = f"{error.__class__.__name__}: {error}"[:300]
    if delivery.attempts >= MAX_ATTEMPTS:
        delivery.status = Delivery.Status.FAILED
    else:
        delivery.status = Delivery.Status.PENDING
        delivery.next_attempt_at = timezone.now() + BACKOFF[delivery.attempts - 1]
    delivery.save(update_fields=["attempts", "sent_at", "last_error", "status", "next_attempt_at"])
    logger.warning(
        "e-mail delivery %s failed (attempt %s): %s", delivery.pk, delivery.attempts, error
    )


def send_one(organisation_id: int, transport) -> bool | None:
    """Claim, send and mark one due delivery of the organisation. None when
    nothing is due; True when sent; False when the attempt failed."""
    with tenant_context(organisation_id):  # one transaction: the claim
        delivery = (
            Delivery.objects.due()
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("recipient__user", "notification")
            .order_by("next_attempt_at", "id")
            .first()
        )
        if delivery is None:
            return None
        try:
            message = build_message(delivery, render(delivery))
            transport.begin(message)
        except Exception as error:
            transport.abandon()
            _failed_attempt(delivery, error)
            return False
        delivery.status = Delivery.Status.SENT
        delivery.attempts += 1
        delivery.sent_at = timezone.now()
        delivery.save(update_fields=["status", "attempts", "sent_at"])
    # Committed: the message is complete but for its end marker.
    try:
        transport.finish()
    except Exception as error:
        transport.abandon()
        with tenant_context(organisation_id), transaction.atomic():
            locked = Delivery.objects.select_for_update().get(pk=delivery.pk)
            _failed_attempt(locked, error, counted=True)
        return False
    return True


def send_due(organisation_id: int, *, limit: int | None = None) -> int:
    """Send the organisation's due e-mails, one claim at a time; returns how
    many were sent."""
    transport = _transport()
    sent = 0
    tried = 0
    try:
        while limit is None or tried < limit:
            outcome = send_one(organisation_id, transport)
            if outcome is None:
                break
            tried += 1
            sent += bool(outcome)
    finally:
        transport.close()
    return sent
