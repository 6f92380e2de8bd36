"""Reminders of mentoring (thrasos.notifications.registry): a pair silent for
30 days, and a volunteer's alert — notified at once when the note is saved
(on commit), the daily sweep catching any whose task was lost."""

from django.utils.translation import gettext_lazy as _

from beneficiaries.models import Beneficiary
from beneficiaries.reminders import OPEN_CASE, PERSON_LABEL, to_person
from mentoring.models import MentoringNote, Mentorship
from thrasos.notifications.registry import ReminderKind, link_sql, register_kind

B = Beneficiary._meta.db_table
PAIR = Mentorship._meta.db_table
NOTE = MentoringNote._meta.db_table
SILENCE_DAYS = 30
ALERT_CODE = "mentoring.alert"

SILENCE = ReminderKind(
    code="mentoring.silence",
    label=_("No mentoring note"),
    title=_("%(subject)s: no mentoring note since %(date)s"),
    email_title=_("A mentoring pair has written no note for 30 days"),
    # The last note's date (or the pair's start) + 30 days; a new note moves
    # it, so each silence is one reminder. Active pairs only.
    select=f"""
        SELECT rcpt.recipient_id, ms.id AS object_id, x.last_on + {SILENCE_DAYS} AS due_on,
               x.last_on AS event_on, {PERSON_LABEL} AS subject,
               {link_sql("mentoring:mentee", "ms.id")} AS link
        FROM {PAIR} ms
        CROSS JOIN LATERAL (
            SELECT greatest(ms.started_on, max(n.occurred_on)) AS last_on FROM {NOTE} n
            WHERE n.organisation_id = %(organisation_id)s AND n.mentorship_id = ms.id
        ) x
        JOIN {B} b ON b.id = ms.beneficiary_id AND b.organisation_id = %(organisation_id)s
        {to_person()}
        WHERE ms.organisation_id = %(organisation_id)s AND ms.status = 'active' AND {OPEN_CASE}
          AND x.last_on + {SILENCE_DAYS} BETWEEN %(today)s::date - 30 AND %(today)s::date
    """,
)

ALERT = ReminderKind(
    code=ALERT_CODE,
    label=_("Mentor's alert"),
    title=_("%(subject)s: a volunteer raised an alert on %(date)s"),
    email_title=_("A volunteer raised an alert about their mentee"),
    default_channel="immediate",
    immediate=True,
    # Open alerts of the last week (not acknowledged).
    select=f"""
        SELECT rcpt.recipient_id, n.id AS object_id,
               (n.created_at AT TIME ZONE 'Europe/Paris')::date AS due_on,
               (n.created_at AT TIME ZONE 'Europe/Paris')::date AS event_on,
               {PERSON_LABEL} AS subject, {link_sql("mentoring:mentee", "ms.id")} AS link
        FROM {NOTE} n
        JOIN {PAIR} ms ON ms.id = n.mentorship_id AND ms.organisation_id = %(organisation_id)s
        JOIN {B} b ON b.id = ms.beneficiary_id AND b.organisation_id = %(organisation_id)s
        {to_person()}
        WHERE n.organisation_id = %(organisation_id)s AND n.alert_urgency <> ''
          AND n.acknowledged_at IS NULL
          AND n.created_at >= %(today)s::date - 7
    """,
)


def register() -> None:
    register_kind(SILENCE)
    register_kind(ALERT)
