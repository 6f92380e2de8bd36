"""The notification centre's data, declared to the register
(thrasos.privacy.registry). A reminder's `subject` is a short label of what it
is about — often a person's name — shown in the application only (never in an
e-mail). A reminder is not linked to a person by a foreign key (its object is
of the kind's model), so an anonymisation replaces the person's label in the
subjects itself (`_anonymise_subjects`)."""

from django.db import connection

from thrasos.notifications.models import Delivery, Notification, OrganisationOption, Preference
from thrasos.permissions import Sensitivity
from thrasos.privacy.registry import RETENTION_STAFF, clear, declare, register_anonymiser

declare(
    Notification,
    person=None,
    fields={
        "subject": clear(
            "Dire au membre de l'équipe de qui ou de quoi parle un rappel", Sensitivity.IDENTITY
        )
    },
    other={"recipient", "kind", "object_id", "due_on", "event_on", "link", "created_at", "read_at"},
    retention=RETENTION_STAFF,
)
declare(
    Delivery,
    person=None,
    other={
        "recipient",
        "notification",
        "digest_on",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "last_error",
        "created_at",
    },
    retention=RETENTION_STAFF,
)
declare(Preference, person=None, other={"membership", "kind", "channel"}, retention=RETENTION_STAFF)
declare(OrganisationOption, person=None, other={"key", "enabled", "changed_by", "changed_at"})


def _anonymise_subjects(person) -> int:
    """The reminders' subjects name a person as the kinds' SQL writes it
    (upper(last_name) || ' ' || first_name): replaced by the anonymised label
    in every reminder of the organisation (row-level security applies)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE notifications_notification"
            " SET subject = replace(subject, upper(%(last)s) || ' ' || %(first)s, %(anonymous)s)"
            " WHERE strpos(subject, upper(%(last)s) || ' ' || %(first)s) > 0",
            {"last": person.last_name, "first": person.first_name, "anonymous": f"n° {person.pk}"},
        )
        return cursor.rowcount


register_anonymiser(_anonymise_subjects)
